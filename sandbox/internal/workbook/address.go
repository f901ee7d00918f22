package workbook

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// area is a rectangle of cells on a sheet, 1-based and inclusive.
type area struct {
	sheet      string
	col1, row1 int
	col2, row2 int
}

func (a area) rows() int { return a.row2 - a.row1 + 1 }
func (a area) cols() int { return a.col2 - a.col1 + 1 }

// cell is the A1 name of the cell at row offset r and column offset c.
func (a area) cell(r, c int) string {
	name, _ := excelize.CoordinatesToCellName(a.col1+c, a.row1+r)
	return name
}

// ref is the area without its sheet, "A1" or "A1:C3".
func (a area) ref() string {
	first := a.cell(0, 0)
	if a.rows() == 1 && a.cols() == 1 {
		return first
	}
	return first + ":" + a.cell(a.rows()-1, a.cols()-1)
}

// address is Graph's address: the sheet (quoted when it must be) and the ref.
func (a area) address() string { return quoteSheet(a.sheet) + "!" + a.ref() }

func quoteSheet(name string) string {
	plain := true
	for _, r := range name {
		if !(r == '_' || r == '.' || r >= '0' && r <= '9' || r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r > 127) {
			plain = false
		}
	}
	if plain && name != "" && !(name[0] >= '0' && name[0] <= '9') {
		return name
	}
	return "'" + strings.ReplaceAll(name, "'", "''") + "'"
}

// parseArea reads an A1 address: "A1", "A1:C3", "$A$1", "Sheet1!A1:C3" or
// "'My sheet'!A1". Without a sheet the address is on sheet def; a sheet in
// the address must be def when def is set (a worksheet's range).
func (b *Book) parseArea(address, def string) (area, error) {
	bad := invalidArgument("The address %q is not valid: use A1 notation such as A1:C3 or Sheet1!A1.", address)
	sheet, ref := def, strings.TrimSpace(address)
	if i := strings.LastIndex(ref, "!"); i >= 0 {
		name := ref[:i]
		if strings.HasPrefix(name, "'") && strings.HasSuffix(name, "'") && len(name) >= 2 {
			name = strings.ReplaceAll(name[1:len(name)-1], "''", "'")
		}
		ws, err := b.sheet(name)
		if err != nil {
			return area{}, err
		}
		if def != "" && !strings.EqualFold(ws.Name, def) {
			return area{}, bad
		}
		sheet, ref = ws.Name, ref[i+1:]
	} else if def == "" {
		return area{}, bad
	} else {
		ws, err := b.sheet(def)
		if err != nil {
			return area{}, err
		}
		sheet = ws.Name
	}
	ref = strings.ReplaceAll(ref, "$", "")
	first, last, ok := strings.Cut(ref, ":")
	if !ok {
		last = first
	}
	c1, r1, err := excelize.CellNameToCoordinates(first)
	if err != nil {
		return area{}, bad
	}
	c2, r2, err := excelize.CellNameToCoordinates(last)
	if err != nil {
		return area{}, bad
	}
	if c2 < c1 {
		c1, c2 = c2, c1
	}
	if r2 < r1 {
		r1, r2 = r2, r1
	}
	return area{sheet: sheet, col1: c1, row1: r1, col2: c2, row2: r2}, nil
}
