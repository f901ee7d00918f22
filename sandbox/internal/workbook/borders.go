package workbook

import (
	"strings"

	"github.com/xuri/excelize/v2"
)

// RangeBorder is Graph's workbookRangeBorder: one side of a range's cells.
// A member is null when the cells on that side differ in it.
type RangeBorder struct {
	ID string `json:"id"`
	// SideIndex is EdgeTop, EdgeBottom, EdgeLeft, EdgeRight,
	// InsideVertical, InsideHorizontal, DiagonalDown or DiagonalUp.
	SideIndex string `json:"sideIndex"`
	// Style is None, Continuous, Dash, DashDot, DashDotDot, Dot, Double or SlantDashDot.
	Style *string `json:"style"`
	// Color is "#RRGGBB".
	Color *string `json:"color"`
	// Weight is Hairline, Thin, Medium or Thick.
	Weight *string `json:"weight"`
}

// borderSides are Graph's sides in the order Excel lists them.
var borderSides = []string{"EdgeTop", "EdgeBottom", "EdgeLeft", "EdgeRight",
	"InsideVertical", "InsideHorizontal", "DiagonalDown", "DiagonalUp"}

// borderStyles are the file's border styles (ECMA-376 18.18.3, as
// excelize numbers them) as Graph's style and weight.
var borderStyles = [][2]string{
	{"None", "Thin"}, {"Continuous", "Thin"}, {"Continuous", "Medium"}, {"Dash", "Thin"}, {"Dot", "Thin"},
	{"Continuous", "Thick"}, {"Double", "Thick"}, {"Continuous", "Hairline"}, {"Dash", "Medium"},
	{"DashDot", "Thin"}, {"DashDot", "Medium"}, {"DashDotDot", "Thin"}, {"DashDotDot", "Medium"},
	{"SlantDashDot", "Medium"},
}

// borderCells are the cells of a that a side applies to and the side of
// each cell that is the border (excelize's border type).
func borderCells(a area, side string) (cells []string, typ string, ok bool) {
	rows, cols := a.rows(), a.cols()
	pick := func(r0, r1, c0, c1 int, t string) ([]string, string, bool) {
		for i := r0; i < r1; i++ {
			for j := c0; j < c1; j++ {
				cells = append(cells, a.cell(i, j))
			}
		}
		return cells, t, true
	}
	switch side {
	case "EdgeTop":
		return pick(0, 1, 0, cols, "top")
	case "EdgeBottom":
		return pick(rows-1, rows, 0, cols, "bottom")
	case "EdgeLeft":
		return pick(0, rows, 0, 1, "left")
	case "EdgeRight":
		return pick(0, rows, cols-1, cols, "right")
	case "InsideHorizontal":
		return pick(0, rows-1, 0, cols, "bottom")
	case "InsideVertical":
		return pick(0, rows, 0, cols-1, "right")
	case "DiagonalDown":
		return pick(0, rows, 0, cols, "diagonalDown")
	case "DiagonalUp":
		return pick(0, rows, 0, cols, "diagonalUp")
	}
	return nil, "", false
}

// sideArea finds the range at address and Graph's side name (ignoring case).
func (b *Book) sideArea(sheet, address, sideIndex string) (area, string, error) {
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return area{}, "", err
	}
	for _, s := range borderSides {
		if strings.EqualFold(s, sideIndex) {
			return a, s, nil
		}
	}
	return area{}, "", ErrItemNotFound
}

// Borders reads every side of the range at address (format/borders).
func (b *Book) Borders(sheet, address string) ([]RangeBorder, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return nil, err
	}
	out := []RangeBorder{}
	for _, s := range borderSides {
		out = append(out, b.border(a, s))
	}
	return out, nil
}

// Border reads one side of the range at address (format/borders/{side}).
func (b *Book) Border(sheet, address, sideIndex string) (RangeBorder, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, s, err := b.sideArea(sheet, address, sideIndex)
	if err != nil {
		return RangeBorder{}, err
	}
	return b.border(a, s), nil
}

func (b *Book) border(a area, s string) RangeBorder {
	bd := RangeBorder{ID: s, SideIndex: s}
	cells, typ, _ := borderCells(a, s)
	if len(cells) == 0 { // no inside border in a single row or column
		none, thin, black := "None", "Thin", "#000000"
		bd.Style, bd.Weight, bd.Color = &none, &thin, &black
	}
	for i, cell := range cells {
		found := excelize.Border{}
		for _, x := range b.style(a.sheet, cell).Border {
			if x.Type == typ {
				found = x
			}
		}
		st := borderStyles[0]
		if found.Style > 0 && found.Style < len(borderStyles) {
			st = borderStyles[found.Style]
		}
		same(i == 0, &bd.Style, st[0])
		same(i == 0, &bd.Weight, st[1])
		same(i == 0, &bd.Color, hexColor(found.Color, "#000000"))
	}
	return bd
}

// SetBorder changes one side of the range at address (PATCH
// format/borders/{side}): a style of None removes the border, and a
// weight or colour not given stays as it was (Thin and black for a new one).
func (b *Book) SetBorder(sheet, address, sideIndex string, u RangeBorder) (RangeBorder, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, s, err := b.sideArea(sheet, address, sideIndex)
	if err != nil {
		return RangeBorder{}, err
	}
	if u.Color != nil && hexColor(*u.Color, "") == "" {
		return RangeBorder{}, invalidArgument("border color %q is not a colour such as #000000.", *u.Color)
	}
	if w := u.Weight; w != nil && !strings.EqualFold(*w, "Hairline") && !strings.EqualFold(*w, "Thin") &&
		!strings.EqualFold(*w, "Medium") && !strings.EqualFold(*w, "Thick") {
		return RangeBorder{}, invalidArgument("border weight %q is not one of Hairline, Thin, Medium, Thick.", *w)
	}
	cells, typ, _ := borderCells(a, s)
	for _, cell := range cells {
		st := b.style(a.sheet, cell)
		var kept []excelize.Border
		cur := excelize.Border{Type: typ, Color: "000000", Style: 1}
		for _, x := range st.Border {
			if x.Type == typ {
				cur = x
			} else {
				kept = append(kept, x)
			}
		}
		idx, err := borderStyle(cur.Style, u)
		if err != nil {
			return RangeBorder{}, err
		}
		cur.Style = idx
		if u.Color != nil {
			cur.Color = strings.TrimPrefix(hexColor(*u.Color, ""), "#")
		}
		if idx != 0 {
			kept = append(kept, cur)
		}
		st.Border = kept
		n, err := b.f.NewStyle(st)
		if err != nil {
			return RangeBorder{}, invalidArgument("%v", err)
		}
		if err := b.f.SetCellStyle(a.sheet, cell, cell, n); err != nil {
			return RangeBorder{}, invalidArgument("%v", err)
		}
	}
	return b.border(a, s), nil
}

// borderStyle is the file's style for an update of a border now in style cur.
func borderStyle(cur int, u RangeBorder) (int, error) {
	st := borderStyles[1]
	if cur > 0 && cur < len(borderStyles) {
		st = borderStyles[cur]
	}
	if u.Style != nil {
		st[0] = *u.Style
	}
	if u.Weight != nil {
		st[1] = *u.Weight
	}
	if strings.EqualFold(st[0], "None") {
		return 0, nil
	}
	for i, s := range borderStyles[1:] {
		if strings.EqualFold(s[0], st[0]) && strings.EqualFold(s[1], st[1]) {
			return i + 1, nil
		}
	}
	for i, s := range borderStyles[1:] { // the weight the file has for that style
		if strings.EqualFold(s[0], st[0]) {
			return i + 1, nil
		}
	}
	return 0, invalidArgument("border style %q is not one of None, Continuous, Dash, DashDot, DashDotDot, Dot, Double, SlantDashDot.", st[0])
}
