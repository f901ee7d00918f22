package workbook

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// Range operations that change cells other than by value: clear, delete
// and insert with a shift, merge and unmerge, and one cell of a sheet.

// Cell reads the cell at the 0-based row and column of a sheet
// (worksheet/cell(row=,column=)), or of the range at address when address
// is set (range/cell(row=,column=)), where the cell may lie outside the range.
func (b *Book) Cell(sheet, address string, row, col int) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	if address == "" {
		address = "A1"
	}
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return nil, err
	}
	a.row1, a.col1 = a.row1+row, a.col1+col
	a.row2, a.col2 = a.row1, a.col1
	if row < 0 || col < 0 || a.row1 > excelize.TotalRows || a.col1 > excelize.MaxColumns {
		return nil, invalidArgument("The cell (row %d, column %d) is outside the worksheet.", row, col)
	}
	return b.read(a)
}

// ClearRange clears the range at address (range/clear): applyTo is All
// (the default), Formats or Contents.
func (b *Book) ClearRange(sheet, address, applyTo string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return err
	}
	contents, formats := true, true
	switch strings.ToLower(applyTo) {
	case "", "all":
	case "formats":
		contents = false
	case "contents":
		formats = false
	default:
		return invalidArgument("applyTo %q is not one of All, Formats, Contents.", applyTo)
	}
	for i := 0; i < a.rows(); i++ {
		for j := 0; j < a.cols(); j++ {
			cell := a.cell(i, j)
			if contents {
				if err := b.setCell(a.sheet, cell, ""); err != nil {
					return err
				}
			}
			if formats {
				if err := b.f.SetCellStyle(a.sheet, cell, cell, 0); err != nil {
					return invalidArgument("%v", err)
				}
			}
		}
	}
	return nil
}

// shiftDir is where cells move: dr rows and dc columns for each cell.
type shiftDir struct{ dr, dc int }

// shift reads a range operation's shift: Up or Left for a delete, Down or
// Right for an insert.
func shift(s string, insert bool) (shiftDir, error) {
	switch strings.ToLower(s) {
	case "up":
		if !insert {
			return shiftDir{dr: -1}, nil
		}
	case "left":
		if !insert {
			return shiftDir{dc: -1}, nil
		}
	case "down":
		if insert {
			return shiftDir{dr: 1}, nil
		}
	case "right":
		if insert {
			return shiftDir{dc: 1}, nil
		}
	}
	if insert {
		return shiftDir{}, invalidArgument("shift %q is not one of Down, Right.", s)
	}
	return shiftDir{}, invalidArgument("shift %q is not one of Up, Left.", s)
}

// DeleteRange deletes the range at address (range/delete): the cells below
// it move up (shift Up) or those to its right move left (shift Left).
// Formulas that referred to the moved cells are not rewritten.
func (b *Book) DeleteRange(sheet, address, shiftTo string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return err
	}
	d, err := shift(shiftTo, false)
	if err != nil {
		return err
	}
	return b.move(a, d)
}

// InsertRange inserts empty cells at address (range/insert), moving the
// cells there down (shift Down) or right (shift Right), and returns the new
// range.
func (b *Book) InsertRange(sheet, address, shiftTo string) (*Range, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return nil, err
	}
	d, err := shift(shiftTo, true)
	if err != nil {
		return nil, err
	}
	if err := b.move(a, d); err != nil {
		return nil, err
	}
	return b.read(a)
}

// move shifts the cells beside a by a's size in direction d: a delete
// (d up or left) moves the cells past a onto it, an insert (d down or
// right) moves the cells from a on out of its way and leaves a empty.
func (b *Book) move(a area, d shiftDir) error {
	u := b.used(a.sheet, false)
	// The band that moves: a's columns (vertical) or rows (horizontal), up
	// to the used range's end.
	band := a
	n := a.rows()
	if d.dc != 0 {
		n = a.cols()
		band.col2 = max(u.col2, a.col2)
	} else {
		band.row2 = max(u.row2, a.row2)
	}
	type cellMove struct{ from, to string }
	var moves []cellMove
	var cleared []string
	for i := 0; i < band.rows(); i++ {
		for j := 0; j < band.cols(); j++ {
			// Iterate away from the gap for a delete, towards it for an insert.
			r, c := i, j
			if d.dr > 0 {
				r = band.rows() - 1 - i
			}
			if d.dc > 0 {
				c = band.cols() - 1 - j
			}
			cell := band.cell(r, c)
			if d.dr < 0 || d.dc < 0 {
				src := band.cell(r-d.dr*n, c-d.dc*n)
				moves = append(moves, cellMove{src, cell})
			} else {
				moves = append(moves, cellMove{cell, band.cell(r+d.dr*n, c+d.dc*n)})
				if r < a.rows() && c < a.cols() {
					cleared = append(cleared, cell)
				}
			}
		}
	}
	for _, m := range moves {
		if err := b.copyCell(a.sheet, m.from, m.to); err != nil {
			return err
		}
	}
	for _, cell := range cleared {
		if err := b.setCell(a.sheet, cell, ""); err != nil {
			return err
		}
		if err := b.f.SetCellStyle(a.sheet, cell, cell, 0); err != nil {
			return invalidArgument("%v", err)
		}
	}
	return nil
}

// copyCell copies a cell's value or formula and its style onto another cell
// of the sheet; from "" (past the sheet's end) is an empty cell, and to ""
// is nowhere.
func (b *Book) copyCell(sheet, from, to string) error {
	if to == "" {
		return nil // past the sheet's end
	}
	var value any = ""
	style := 0
	if from != "" {
		d := b.cell(sheet, from)
		value = d.formula
		if s, ok := value.(string); ok && d.valueType == "String" && !strings.HasPrefix(s, "=") {
			value = "'" + s // text stays text
		}
		style, _ = b.f.GetCellStyle(sheet, from)
	}
	if err := b.setCell(sheet, to, value); err != nil {
		return err
	}
	if err := b.f.SetCellStyle(sheet, to, to, style); err != nil {
		return invalidArgument("%v", err)
	}
	return nil
}

// MergeRange merges the range's cells into one (range/merge), or each of
// its rows into one with across.
func (b *Book) MergeRange(sheet, address string, across bool) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return err
	}
	if !across {
		return b.merge(a.sheet, a.cell(0, 0), a.cell(a.rows()-1, a.cols()-1))
	}
	for i := 0; i < a.rows(); i++ {
		if err := b.merge(a.sheet, a.cell(i, 0), a.cell(i, a.cols()-1)); err != nil {
			return err
		}
	}
	return nil
}

func (b *Book) merge(sheet, first, last string) error {
	if first == last {
		return nil
	}
	if err := b.f.MergeCell(sheet, first, last); err != nil {
		return invalidArgument("%v", err)
	}
	return nil
}

// UnmergeRange splits the merged cells within the range (range/unmerge).
func (b *Book) UnmergeRange(sheet, address string) error {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return err
	}
	if err := b.f.UnmergeCell(a.sheet, a.cell(0, 0), a.cell(a.rows()-1, a.cols()-1)); err != nil {
		return invalidArgument("%v", err)
	}
	return nil
}
