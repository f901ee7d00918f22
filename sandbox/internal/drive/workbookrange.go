package drive

import (
	"net/http"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/workbook"
)

// Tables and ranges of the workbook API (workbookroutes.go dispatches to them).

// tableParts are a table's ranges by their segment's name.
var tableParts = map[string]string{"range": "range", "databodyrange": "dataBodyRange",
	"headerrowrange": "headerRowRange", "totalrowrange": "totalRowRange"}

// tableRoute serves the tables of the workbook (sheet "") or of a sheet.
func (s *Workload) tableRoute(c *bookCall, sheet string, segs []bookSeg) (bool, error) {
	m := c.r.Method
	switch {
	case is(segs) && m == "GET":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Tables(sheet) })
	case is(segs, "add") && m == "POST":
		var in struct {
			Address    string `json:"address"`
			HasHeaders bool   `json:"hasHeaders"`
		}
		return s.bookWrite(c, &in, http.StatusCreated, func(b *workbook.Book) (any, error) {
			return b.AddTable(sheet, in.Address, in.HasHeaders)
		})
	case len(segs) == 0:
		return false, errBookRoute
	}
	table, rest := segs[0].raw, segs[1:]
	switch {
	case is(rest) && m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Table(table) })
	case is(rest) && m == "PATCH":
		var in workbook.TableUpdate
		return s.bookWrite(c, &in, http.StatusOK, func(b *workbook.Book) (any, error) { return b.UpdateTable(table, in) })
	case is(rest) && m == "DELETE":
		return s.bookDelete(c, func(b *workbook.Book) error { return b.DeleteTable(table) })
	case is(rest, "worksheet") && m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.TableWorksheet(table) })
	case is(rest, "converttorange") && m == "POST":
		return s.bookWrite(c, nil, http.StatusOK, func(b *workbook.Book) (any, error) { return b.ConvertTableToRange(table) })
	case len(rest) > 0 && tableParts[rest[0].name] != "":
		part := tableParts[rest[0].name]
		return s.rangeRoute(c, rest[1:], func(b *workbook.Book) (*workbook.Range, error) { return b.TableRange(table, part) })
	case len(rest) > 0 && rest[0].name == "rows":
		return s.rowRoute(c, table, rest[1:])
	case len(rest) > 0 && rest[0].name == "columns":
		return s.columnRoute(c, table, rest[1:])
	}
	return false, errBookRoute
}

// rowRoute serves a table's rows: list, add, and by itemAt(index=) or
// {index} a row (GET, PATCH, DELETE) and its range.
func (s *Workload) rowRoute(c *bookCall, table string, segs []bookSeg) (bool, error) {
	m := c.r.Method
	switch {
	case is(segs) && m == "GET":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.TableRows(table) })
	case (is(segs, "add") || is(segs)) && m == "POST": // rows/add, or a POST to rows
		var in struct {
			Index  *int    `json:"index"`
			Values [][]any `json:"values"`
		}
		return s.bookWrite(c, &in, http.StatusCreated, func(b *workbook.Book) (any, error) {
			return b.AddTableRows(table, in.Index, in.Values)
		})
	case len(segs) == 0:
		return false, errBookRoute
	}
	seg := segs[0]
	index, err := intArg(bookSeg{raw: seg.raw, args: map[string]string{"index": seg.raw}}, "index")
	if seg.name == "itemat" {
		index, err = intArg(seg, "index")
	}
	if err != nil {
		return false, err
	}
	switch {
	case len(segs) > 1 && segs[1].name == "range":
		return s.rangeRoute(c, segs[2:], func(b *workbook.Book) (*workbook.Range, error) { return b.TableRowRange(table, index) })
	case len(segs) > 1:
		return false, errBookRoute
	case m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.TableRow(table, index) })
	case m == "PATCH":
		var in struct {
			Values [][]any `json:"values"`
		}
		return s.bookWrite(c, &in, http.StatusOK, func(b *workbook.Book) (any, error) { return b.UpdateTableRow(table, index, in.Values) })
	case m == "DELETE":
		return s.bookDelete(c, func(b *workbook.Book) error { return b.DeleteTableRow(table, index) })
	}
	return false, errBookRoute
}

// columnRoute serves a table's columns: list, add, {id|name} with its
// ranges, and itemAt(index=).
func (s *Workload) columnRoute(c *bookCall, table string, segs []bookSeg) (bool, error) {
	m := c.r.Method
	switch {
	case is(segs) && m == "GET":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.TableColumns(table) })
	case is(segs, "add") && m == "POST":
		var in struct {
			Index  *int    `json:"index"`
			Name   string  `json:"name"`
			Values [][]any `json:"values"`
		}
		return s.bookWrite(c, &in, http.StatusCreated, func(b *workbook.Book) (any, error) {
			return b.AddTableColumn(table, in.Index, in.Name, in.Values)
		})
	case len(segs) >= 2 && tableParts[segs[1].name] != "":
		column, part := segs[0].raw, tableParts[segs[1].name]
		return s.rangeRoute(c, segs[2:], func(b *workbook.Book) (*workbook.Range, error) {
			return b.TableColumnRange(table, column, part)
		})
	case len(segs) != 1:
		return false, errBookRoute
	}
	column := segs[0].raw
	if segs[0].name == "itemat" {
		index, err := intArg(segs[0], "index")
		if err != nil {
			return false, err
		}
		if m != "GET" {
			return false, errBookRoute
		}
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) {
			cols, err := b.TableColumns(table)
			if err != nil || index < 0 || index >= len(cols) {
				return nil, workbook.ErrItemNotFound
			}
			return cols[index], nil
		})
	}
	switch m {
	case "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.TableColumn(table, column) })
	case "DELETE":
		return s.bookDelete(c, func(b *workbook.Book) error { return b.DeleteTableColumn(table, column) })
	}
	return false, errBookRoute
}

// rangeRoute serves a range that at finds, and what is below it: values
// (GET, PATCH), format, font and fill, and the range's actions.
func (s *Workload) rangeRoute(c *bookCall, segs []bookSeg, at func(*workbook.Book) (*workbook.Range, error)) (bool, error) {
	m := c.r.Method
	// on runs fn on the range's workbook-level address.
	on := func(fn func(b *workbook.Book, address string) (any, error)) func(*workbook.Book) (any, error) {
		return func(b *workbook.Book) (any, error) {
			r, err := at(b)
			if err != nil {
				return nil, err
			}
			return fn(b, r.Address)
		}
	}
	act := func(fn func(b *workbook.Book, address string) error) func(*workbook.Book) error {
		return func(b *workbook.Book) error {
			_, err := on(func(b *workbook.Book, a string) (any, error) { return nil, fn(b, a) })(b)
			return err
		}
	}
	switch {
	case is(segs) && m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return at(b) })
	case is(segs) && m == "PATCH":
		var in workbook.RangePatch
		return s.bookWrite(c, &in, http.StatusOK, on(func(b *workbook.Book, a string) (any, error) { return b.SetRange("", a, in) }))
	case is(segs, "cell") && m == "GET":
		row, err := intArg(segs[0], "row")
		if err != nil {
			return false, err
		}
		col, err := intArg(segs[0], "column")
		if err != nil {
			return false, err
		}
		return false, s.bookRead(c, on(func(b *workbook.Book, a string) (any, error) { return b.Cell("", a, row, col) }))
	case len(segs) > 0 && segs[0].name == "format":
		return s.formatRoute(c, segs[1:], on, act)
	case is(segs, "clear") && m == "POST":
		var in struct {
			ApplyTo string `json:"applyTo"`
		}
		return s.bookAct(c, &in, true, act(func(b *workbook.Book, a string) error { return b.ClearRange("", a, in.ApplyTo) }))
	case is(segs, "delete") && m == "POST":
		var in struct {
			Shift string `json:"shift"`
		}
		return s.bookAct(c, &in, true, act(func(b *workbook.Book, a string) error { return b.DeleteRange("", a, in.Shift) }))
	case is(segs, "insert") && m == "POST":
		var in struct {
			Shift string `json:"shift"`
		}
		return s.bookWrite(c, &in, http.StatusOK, on(func(b *workbook.Book, a string) (any, error) { return b.InsertRange("", a, in.Shift) }))
	case is(segs, "merge") && m == "POST":
		var in struct {
			Across bool `json:"across"`
		}
		return s.bookAct(c, &in, true, act(func(b *workbook.Book, a string) error { return b.MergeRange("", a, in.Across) }))
	case is(segs, "unmerge") && m == "POST":
		return s.bookAct(c, nil, true, act(func(b *workbook.Book, a string) error { return b.UnmergeRange("", a) }))
	}
	return false, errBookRoute
}

// formatRoute serves a range's format, format/font, format/fill,
// format/fill/clear and format/borders.
func (s *Workload) formatRoute(c *bookCall, segs []bookSeg,
	on func(func(*workbook.Book, string) (any, error)) func(*workbook.Book) (any, error),
	act func(func(*workbook.Book, string) error) func(*workbook.Book) error) (bool, error) {
	m := c.r.Method
	// part is what a format answer shows of the format at segs.
	part := func(f *workbook.RangeFormat) any {
		switch {
		case is(segs, "font"):
			return f.Font
		case is(segs, "fill"):
			return f.Fill
		}
		own := *f // font and fill are relationships of their own
		own.Font, own.Fill = nil, nil
		return own
	}
	var u workbook.RangeFormat
	var in any = &u
	switch {
	case len(segs) > 0 && segs[0].name == "borders":
		return s.borderRoute(c, segs[1:], on)
	case (is(segs) || is(segs, "font") || is(segs, "fill")) && m == "GET":
		return false, s.bookRead(c, on(func(b *workbook.Book, a string) (any, error) {
			f, err := b.Format("", a)
			if err != nil {
				return nil, err
			}
			return part(f), nil
		}))
	case is(segs, "fill", "clear") && m == "POST":
		return s.bookAct(c, nil, true, act(func(b *workbook.Book, a string) error {
			_, err := b.SetFormat("", a, workbook.RangeFormat{Fill: &workbook.RangeFill{}})
			return err
		}))
	case is(segs) && m == "PATCH":
	case is(segs, "font") && m == "PATCH":
		u.Font = &workbook.RangeFont{}
		in = u.Font
	case is(segs, "fill") && m == "PATCH":
		u.Fill = &workbook.RangeFill{}
		in = u.Fill
	default:
		return false, errBookRoute
	}
	return s.bookWrite(c, in, http.StatusOK, on(func(b *workbook.Book, a string) (any, error) {
		if u.Fill != nil && u.Fill.Color == nil {
			return nil, kitErr(graphkit.BadRequest("A fill PATCH sets a color such as #FFFF00; POST format/fill/clear removes the fill."))
		}
		f, err := b.SetFormat("", a, u)
		if err != nil {
			return nil, err
		}
		return part(f), nil
	}))
}

// borderRoute serves a range's format/borders and format/borders/{side}.
func (s *Workload) borderRoute(c *bookCall, segs []bookSeg,
	on func(func(*workbook.Book, string) (any, error)) func(*workbook.Book) (any, error)) (bool, error) {
	m := c.r.Method
	switch {
	case is(segs) && m == "GET":
		return false, s.bookList(c, on(func(b *workbook.Book, a string) (any, error) { return b.Borders("", a) }))
	case len(segs) != 1:
		return false, errBookRoute
	case m == "GET":
		return false, s.bookRead(c, on(func(b *workbook.Book, a string) (any, error) { return b.Border("", a, segs[0].raw) }))
	case m == "PATCH":
		var in workbook.RangeBorder
		return s.bookWrite(c, &in, http.StatusOK, on(func(b *workbook.Book, a string) (any, error) {
			return b.SetBorder("", a, segs[0].raw, in)
		}))
	}
	return false, errBookRoute
}
