package workbook

import (
	"math"
	"strings"

	"github.com/xuri/excelize/v2"
)

// RangeFormat is Graph's workbookRangeFormat with its font and fill. A
// member is null when the range's cells differ in it; in an update, a null
// member is left as it is.
type RangeFormat struct {
	// ColumnWidth and RowHeight are in points.
	ColumnWidth *float64 `json:"columnWidth"`
	RowHeight   *float64 `json:"rowHeight"`
	// HorizontalAlignment is General, Left, Center, Right, Fill, Justify,
	// CenterAcrossSelection or Distributed; VerticalAlignment Top, Center,
	// Bottom, Justify or Distributed.
	HorizontalAlignment *string    `json:"horizontalAlignment"`
	VerticalAlignment   *string    `json:"verticalAlignment"`
	WrapText            *bool      `json:"wrapText"`
	Font                *RangeFont `json:"font,omitempty"`
	Fill                *RangeFill `json:"fill,omitempty"`
}

// RangeFont is Graph's workbookRangeFont; Color is "#RRGGBB" and Underline
// None, Single, Double, SingleAccountant or DoubleAccountant.
type RangeFont struct {
	Bold      *bool    `json:"bold"`
	Italic    *bool    `json:"italic"`
	Color     *string  `json:"color"`
	Name      *string  `json:"name"`
	Size      *float64 `json:"size"`
	Underline *string  `json:"underline"`
}

// RangeFill is Graph's workbookRangeFill: Color is "#RRGGBB", or null for none.
type RangeFill struct {
	Color *string `json:"color"`
}

// Graph's alignment and underline names and the file's.
var (
	horizontalNames = map[string]string{"": "General", "general": "General", "left": "Left", "center": "Center",
		"right": "Right", "fill": "Fill", "justify": "Justify", "centerContinuous": "CenterAcrossSelection", "distributed": "Distributed"}
	verticalNames  = map[string]string{"": "Bottom", "top": "Top", "center": "Center", "bottom": "Bottom", "justify": "Justify", "distributed": "Distributed"}
	underlineNames = map[string]string{"": "None", "single": "Single", "double": "Double",
		"singleAccounting": "SingleAccountant", "doubleAccounting": "DoubleAccountant"}
)

// fileName is the file's name for Graph's name g in names, or false.
func fileName(names map[string]string, g string) (string, bool) {
	for file, graph := range names {
		if strings.EqualFold(graph, g) {
			return file, true
		}
	}
	return "", false
}

// Format reads the format of the range at address.
func (b *Book) Format(sheet, address string) (*RangeFormat, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return nil, err
	}
	return b.format(a), nil
}

// same keeps *p while every cell agrees with v, and makes it nil otherwise.
func same[T comparable](first bool, p **T, v T) {
	if first {
		*p = &v
	} else if *p != nil && **p != v {
		*p = nil
	}
}

func (b *Book) format(a area) *RangeFormat {
	f := &RangeFormat{Font: &RangeFont{}, Fill: &RangeFill{}}
	defFont, _ := b.f.GetDefaultFont()
	fills := map[string]bool{}
	for i := 0; i < a.rows(); i++ {
		h, _ := b.f.GetRowHeight(a.sheet, a.row1+i)
		same(i == 0, &f.RowHeight, h)
	}
	for j := 0; j < a.cols(); j++ {
		col, _ := excelize.ColumnNumberToName(a.col1 + j)
		same(j == 0, &f.ColumnWidth, b.columnWidth(a.sheet, col))
	}
	for i := 0; i < a.rows(); i++ {
		for j := 0; j < a.cols(); j++ {
			first := i == 0 && j == 0
			st := b.style(a.sheet, a.cell(i, j))
			al := excelize.Alignment{}
			if st.Alignment != nil {
				al = *st.Alignment
			}
			same(first, &f.HorizontalAlignment, horizontalNames[al.Horizontal])
			same(first, &f.VerticalAlignment, verticalNames[al.Vertical])
			same(first, &f.WrapText, al.WrapText)
			fnt := excelize.Font{}
			if st.Font != nil {
				fnt = *st.Font
			}
			if fnt.Family == "" {
				fnt.Family = defFont
			}
			if fnt.Size == 0 {
				fnt.Size = 11
			}
			same(first, &f.Font.Bold, fnt.Bold)
			same(first, &f.Font.Italic, fnt.Italic)
			same(first, &f.Font.Name, fnt.Family)
			same(first, &f.Font.Size, fnt.Size)
			same(first, &f.Font.Color, hexColor(fnt.Color, "#000000"))
			same(first, &f.Font.Underline, underlineNames[fnt.Underline])
			fill := ""
			if st.Fill.Pattern == 1 && len(st.Fill.Color) > 0 {
				fill = hexColor(st.Fill.Color[0], "")
			}
			fills[fill] = true
		}
	}
	if len(fills) == 1 {
		for c := range fills {
			if c != "" {
				f.Fill.Color = &c
			}
		}
	}
	return f
}

// columnWidth is a column's width in points. The file keeps widths in
// characters of the default font (7 pixels for Calibri 11) with the cell
// padding included, a pixel being ¾ point; a sheet without widths falls back
// to its base width, 8 characters for Excel and openpyxl, which Excel shows
// as 64 pixels.
func (b *Book) columnWidth(sheet, col string) float64 {
	w, _ := b.f.GetColWidth(sheet, col)
	px := math.Trunc(w*7 + 0.5)
	if w == 8 {
		px = 64
	}
	return px * 0.75
}

// hexColor is a file's colour ("FF0000", "FFFF0000", "#ff0000") as Graph's "#FF0000".
func hexColor(c, def string) string {
	c = strings.ToUpper(strings.TrimPrefix(c, "#"))
	if len(c) == 8 {
		c = c[2:]
	}
	if len(c) != 6 {
		return def
	}
	return "#" + c
}

// style is a cell's style (the workbook's default for an unstyled cell).
func (b *Book) style(sheet, cell string) *excelize.Style {
	idx, _ := b.f.GetCellStyle(sheet, cell)
	st, err := b.f.GetStyle(idx)
	if err != nil || st == nil {
		return &excelize.Style{}
	}
	return st
}

// SetFormat changes the format of the range at address (format, format/font
// and format/fill PATCH) and returns it as it is afterwards. A Fill whose
// Color is nil clears the fill (format/fill/clear).
func (b *Book) SetFormat(sheet, address string, u RangeFormat) (*RangeFormat, error) {
	b.mu.Lock()
	defer b.mu.Unlock()
	a, err := b.sheetArea(sheet, address)
	if err != nil {
		return nil, err
	}
	change, err := formatChange(u)
	if err != nil {
		return nil, err
	}
	if u.RowHeight != nil {
		if *u.RowHeight < 0 || *u.RowHeight > 409 {
			return nil, invalidArgument("rowHeight must be between 0 and 409 points.")
		}
		for r := a.row1; r <= a.row2; r++ {
			if err := b.f.SetRowHeight(a.sheet, r, *u.RowHeight); err != nil {
				return nil, invalidArgument("%v", err)
			}
		}
	}
	if u.ColumnWidth != nil {
		if *u.ColumnWidth < 0 || *u.ColumnWidth > 1900 {
			return nil, invalidArgument("columnWidth must be between 0 and 1900 points.")
		}
		first, _ := excelize.ColumnNumberToName(a.col1)
		last, _ := excelize.ColumnNumberToName(a.col2)
		chars := math.Round(*u.ColumnWidth/0.75) / 7
		if err := b.f.SetColWidth(a.sheet, first, last, chars); err != nil {
			return nil, invalidArgument("%v", err)
		}
	}
	for i := 0; i < a.rows(); i++ {
		for j := 0; j < a.cols(); j++ {
			cell := a.cell(i, j)
			st := b.style(a.sheet, cell)
			change(st)
			idx, err := b.f.NewStyle(st)
			if err != nil {
				return nil, invalidArgument("%v", err)
			}
			if err := b.f.SetCellStyle(a.sheet, cell, cell, idx); err != nil {
				return nil, invalidArgument("%v", err)
			}
		}
	}
	return b.format(a), nil
}

// formatChange checks an update and returns what it does to a cell's style.
func formatChange(u RangeFormat) (func(*excelize.Style), error) {
	steps, err := alignmentSteps(u)
	if err != nil {
		return nil, err
	}
	if u.Font != nil {
		step, err := fontStep(u.Font)
		if err != nil {
			return nil, err
		}
		steps = append(steps, step)
	}
	if fl := u.Fill; fl != nil {
		if fl.Color != nil && hexColor(*fl.Color, "") == "" {
			return nil, invalidArgument("fill color %q is not a colour such as #FFFF00.", *fl.Color)
		}
		steps = append(steps, func(st *excelize.Style) {
			st.Fill = excelize.Fill{}
			if fl.Color != nil {
				st.Fill = excelize.Fill{Type: "pattern", Pattern: 1, Color: []string{hexColor(*fl.Color, "")}}
			}
		})
	}
	return func(st *excelize.Style) {
		for _, step := range steps {
			step(st)
		}
	}, nil
}

// alignmentSteps checks an update's alignment and wrapping and returns
// what they do to a cell's style.
func alignmentSteps(u RangeFormat) ([]func(*excelize.Style), error) {
	var steps []func(*excelize.Style)
	alignment := func(st *excelize.Style) *excelize.Alignment {
		if st.Alignment == nil {
			st.Alignment = &excelize.Alignment{}
		}
		return st.Alignment
	}
	if u.HorizontalAlignment != nil {
		h, ok := fileName(horizontalNames, *u.HorizontalAlignment)
		if !ok {
			return nil, invalidArgument("horizontalAlignment %q is not one of General, Left, Center, Right, Fill, Justify, CenterAcrossSelection, Distributed.", *u.HorizontalAlignment)
		}
		steps = append(steps, func(st *excelize.Style) { alignment(st).Horizontal = h })
	}
	if u.VerticalAlignment != nil {
		v, ok := fileName(verticalNames, *u.VerticalAlignment)
		if !ok {
			return nil, invalidArgument("verticalAlignment %q is not one of Top, Center, Bottom, Justify, Distributed.", *u.VerticalAlignment)
		}
		steps = append(steps, func(st *excelize.Style) { alignment(st).Vertical = v })
	}
	if w := u.WrapText; w != nil {
		steps = append(steps, func(st *excelize.Style) { alignment(st).WrapText = *w })
	}
	return steps, nil
}

// fontStep checks a font update and returns what it does to a cell's style.
func fontStep(fn *RangeFont) (func(*excelize.Style), error) {
	if fn.Color != nil && hexColor(*fn.Color, "") == "" {
		return nil, invalidArgument("font color %q is not a colour such as #FF0000.", *fn.Color)
	}
	underline := ""
	if fn.Underline != nil {
		var ok bool
		if underline, ok = fileName(underlineNames, *fn.Underline); !ok {
			return nil, invalidArgument("underline %q is not one of None, Single, Double, SingleAccountant, DoubleAccountant.", *fn.Underline)
		}
	}
	if fn.Size != nil && (*fn.Size < 1 || *fn.Size > 409) {
		return nil, invalidArgument("font size must be between 1 and 409.")
	}
	return func(st *excelize.Style) {
		if st.Font == nil {
			st.Font = &excelize.Font{}
		}
		f := st.Font
		if fn.Bold != nil {
			f.Bold = *fn.Bold
		}
		if fn.Italic != nil {
			f.Italic = *fn.Italic
		}
		if fn.Color != nil { // an RGB colour replaces a theme's or a palette's
			f.Color, f.ColorTheme, f.ColorIndexed, f.ColorTint = hexColor(*fn.Color, ""), nil, 0, 0
		}
		if fn.Name != nil {
			f.Family = *fn.Name
		}
		if fn.Size != nil {
			f.Size = *fn.Size
		}
		if fn.Underline != nil {
			f.Underline = underline
		}
	}, nil
}
