package workbook

import (
	"sync"

	"github.com/xuri/excelize/v2"
)

// builtinFormats are the number formats every .xlsx knows by id
// (ECMA-376 part 1, 18.8.30), as Excel shows them in the en-US locale.
var builtinFormats = sync.OnceValue(func() map[int]string {
	return map[int]string{
		0: "General", 1: "0", 2: "0.00", 3: "#,##0", 4: "#,##0.00",
		9: "0%", 10: "0.00%", 11: "0.00E+00", 12: "# ?/?", 13: "# ??/??",
		14: "m/d/yyyy", 15: "d-mmm-yy", 16: "d-mmm", 17: "mmm-yy",
		18: "h:mm AM/PM", 19: "h:mm:ss AM/PM", 20: "h:mm", 21: "h:mm:ss", 22: "m/d/yyyy h:mm",
		37: "#,##0 ;(#,##0)", 38: "#,##0 ;[Red](#,##0)", 39: "#,##0.00;(#,##0.00)", 40: "#,##0.00;[Red](#,##0.00)",
		45: "mm:ss", 46: "[h]:mm:ss", 47: "mmss.0", 48: "##0.0E+0", 49: "@",
	}
})

// numberFormat is the cell's number format code ("General" by default).
func (b *Book) numberFormat(sheet, cell string) string {
	idx, err := b.f.GetCellStyle(sheet, cell)
	if err != nil || idx == 0 {
		return "General"
	}
	st, err := b.f.GetStyle(idx)
	if err != nil {
		return "General"
	}
	if st.CustomNumFmt != nil && *st.CustomNumFmt != "" {
		return *st.CustomNumFmt
	}
	if code, ok := builtinFormats()[st.NumFmt]; ok {
		return code
	}
	return "General"
}

// setNumberFormat gives the cell the format code, keeping the rest of its style.
func (b *Book) setNumberFormat(sheet, cell, code string) error {
	st := &excelize.Style{}
	if idx, err := b.f.GetCellStyle(sheet, cell); err == nil && idx != 0 {
		if cur, err := b.f.GetStyle(idx); err == nil {
			st = cur
		}
	}
	st.NumFmt, st.CustomNumFmt, st.DecimalPlaces = 0, nil, nil
	if code == "" {
		code = "General"
	}
	builtin := false
	for id, c := range builtinFormats() {
		if c == code {
			st.NumFmt, builtin = id, true
			break
		}
	}
	if !builtin {
		st.CustomNumFmt = &code
	}
	idx, err := b.f.NewStyle(st)
	if err != nil {
		return invalidArgument("The number format %q is not valid: %v", code, err)
	}
	if err := b.f.SetCellStyle(sheet, cell, cell, idx); err != nil {
		return invalidArgument("%v", err)
	}
	return nil
}
