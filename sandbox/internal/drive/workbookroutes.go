package drive

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/workbook"
)

// The workbook's addresses: what follows workbook/ is dispatched by its
// segments, a collection's key being a segment of its own and a function
// segment (range(address='A1'), cell(row=1,column=2), itemAt(index=0))
// carrying its arguments. Every way to a range (a worksheet's range, cell
// and usedRange, a table's ranges, a named item's range) ends in rangeRoute.

var errBookRoute = kitErr(graphkit.BadRequest("This workbook address or method is not supported by the sandbox."))

// bookSeg is one segment of a workbook address.
type bookSeg struct {
	name string            // lower case, without arguments
	raw  string            // as sent: a collection's key
	args map[string]string // a function segment's arguments, by lower-case name
}

// parseBookSegs reads segments; "$" (rows/$/itemAt) is dropped.
func parseBookSegs(segs []string) []bookSeg {
	var out []bookSeg
	for _, raw := range segs {
		if raw == "$" {
			continue
		}
		seg := bookSeg{raw: raw, name: strings.ToLower(raw)}
		if i := strings.IndexByte(raw, '('); i > 0 && strings.HasSuffix(raw, ")") {
			seg.name = strings.ToLower(raw[:i])
			seg.args = segArgs(raw[i+1 : len(raw)-1])
		}
		out = append(out, seg)
	}
	return out
}

// segArgs reads name=value pairs separated by commas; a value may be
// quoted with ' (a quote inside doubled).
func segArgs(s string) map[string]string {
	args := map[string]string{}
	for s != "" {
		name, rest, ok := strings.Cut(s, "=")
		if !ok {
			return args
		}
		var val string
		if strings.HasPrefix(rest, "'") {
			var b strings.Builder
			i := 1
			for ; i < len(rest); i++ {
				if rest[i] == '\'' {
					if i+1 < len(rest) && rest[i+1] == '\'' {
						b.WriteByte('\'')
						i++
						continue
					}
					break
				}
				b.WriteByte(rest[i])
			}
			val, rest = b.String(), strings.TrimPrefix(rest[min(i+1, len(rest)):], ",")
		} else {
			val, rest, _ = strings.Cut(rest, ",")
		}
		args[strings.ToLower(strings.TrimSpace(name))] = strings.TrimSpace(val)
		s = strings.TrimSpace(rest)
	}
	return args
}

// intArg reads an integer argument of a function segment.
func intArg(seg bookSeg, name string) (int, error) {
	n, err := strconv.Atoi(seg.args[name])
	if err != nil {
		return 0, kitErr(graphkit.BadRequest("The argument " + name + " of " + seg.raw + " must be a number."))
	}
	return n, nil
}

// is reports whether segs are exactly the names given ("*" matches any).
func is(segs []bookSeg, names ...string) bool {
	if len(segs) != len(names) {
		return false
	}
	for i, n := range names {
		if n != "*" && segs[i].name != n {
			return false
		}
	}
	return true
}

// bookRoute dispatches a workbook request; write reports whether it may
// have changed the item's content.
func (s *Workload) bookRoute(c *bookCall) (write bool, err error) {
	segs, m := parseBookSegs(c.segs), c.r.Method
	switch {
	case is(segs, "createsession") && m == "POST":
		return false, s.createBookSession(c)
	case (is(segs, "refreshsession") || is(segs, "closesession")) && m == "POST":
		if c.session == "" {
			return false, kitErr(graphkit.BadRequest("The workbook-session-id header is required."))
		}
		if segs[0].name == "refreshsession" {
			err = s.books.Refresh(c.key, c.session)
		} else {
			err = s.books.Close(c.key, c.session)
		}
		if err == nil {
			s.WriteStatus(c.w, c.r, http.StatusNoContent, nil)
		}
		return false, err
	case is(segs, "application") && m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Application(), nil })
	case is(segs, "application", "calculate") && m == "POST":
		var in struct {
			CalculationType string `json:"calculationType"`
		}
		return s.bookAct(c, &in, false, func(*workbook.Book) error { return workbook.Calculate(in.CalculationType) })
	case is(segs, "functions", "*") && m == "POST":
		var in map[string]json.RawMessage
		if err := readBookBody(c, &in); err != nil {
			return false, err
		}
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.CallFunction(segs[1].raw, in) })
	case len(segs) > 0 && segs[0].name == "worksheets":
		return s.sheetRoute(c, segs[1:])
	case len(segs) > 0 && segs[0].name == "tables":
		return s.tableRoute(c, "", segs[1:])
	case len(segs) > 0 && segs[0].name == "names":
		return s.nameRoute(c, "", segs[1:])
	}
	return false, errBookRoute
}

// sheetRoute serves worksheets and what is below one.
func (s *Workload) sheetRoute(c *bookCall, segs []bookSeg) (bool, error) {
	m := c.r.Method
	switch {
	case is(segs) && m == "GET":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Worksheets(), nil })
	case is(segs, "add") && m == "POST":
		var in struct {
			Name string `json:"name"`
		}
		return s.bookWrite(c, &in, http.StatusCreated, func(b *workbook.Book) (any, error) { return b.AddWorksheet(in.Name) })
	case len(segs) == 0:
		return false, errBookRoute
	}
	sheet, rest := segs[0].raw, segs[1:]
	switch {
	case is(rest) && m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Worksheet(sheet) })
	case is(rest) && m == "PATCH":
		var in workbook.WorksheetUpdate
		return s.bookWrite(c, &in, http.StatusOK, func(b *workbook.Book) (any, error) { return b.UpdateWorksheet(sheet, in) })
	case is(rest) && m == "DELETE":
		return s.bookDelete(c, func(b *workbook.Book) error { return b.DeleteWorksheet(sheet) })
	case len(rest) > 0 && rest[0].name == "tables":
		return s.tableRoute(c, sheet, rest[1:])
	case len(rest) > 0 && rest[0].name == "names":
		return s.nameRoute(c, sheet, rest[1:])
	case len(rest) > 0 && rest[0].name == "range":
		address, ok := rest[0].args["address"]
		if !ok {
			return s.rangeRoute(c, rest[1:], func(b *workbook.Book) (*workbook.Range, error) { return b.UsedRange(sheet, false) })
		}
		return s.rangeRoute(c, rest[1:], func(b *workbook.Book) (*workbook.Range, error) { return b.Range(sheet, address) })
	case len(rest) > 0 && rest[0].name == "usedrange":
		valuesOnly := strings.EqualFold(rest[0].args["valuesonly"], "true")
		return s.rangeRoute(c, rest[1:], func(b *workbook.Book) (*workbook.Range, error) { return b.UsedRange(sheet, valuesOnly) })
	case len(rest) > 0 && rest[0].name == "cell":
		row, err := intArg(rest[0], "row")
		if err != nil {
			return false, err
		}
		col, err := intArg(rest[0], "column")
		if err != nil {
			return false, err
		}
		return s.rangeRoute(c, rest[1:], func(b *workbook.Book) (*workbook.Range, error) { return b.Cell(sheet, "", row, col) })
	}
	return false, errBookRoute
}

// nameRoute serves the named items of the workbook (sheet "") or of a sheet.
func (s *Workload) nameRoute(c *bookCall, sheet string, segs []bookSeg) (bool, error) {
	m := c.r.Method
	var in struct {
		Name      string `json:"name"`
		Reference any    `json:"reference"`
		Formula   string `json:"formula"`
		Comment   string `json:"comment"`
	}
	switch {
	case is(segs) && m == "GET":
		return false, s.bookList(c, func(b *workbook.Book) (any, error) { return b.Names(sheet) })
	case is(segs, "add") && m == "POST":
		return s.bookWrite(c, &in, http.StatusOK, func(b *workbook.Book) (any, error) {
			ref, ok := in.Reference.(string)
			if !ok {
				if f, isNum := in.Reference.(float64); isNum {
					ref = strconv.FormatFloat(f, 'g', -1, 64)
				} else if bv, isBool := in.Reference.(bool); isBool {
					ref = strings.ToUpper(strconv.FormatBool(bv))
				}
			}
			return b.AddName(sheet, in.Name, ref, in.Comment)
		})
	case is(segs, "addformulalocal") && m == "POST":
		return s.bookWrite(c, &in, http.StatusOK, func(b *workbook.Book) (any, error) {
			return b.AddName(sheet, in.Name, in.Formula, in.Comment)
		})
	case len(segs) == 0:
		return false, errBookRoute
	}
	name, rest := segs[0].raw, segs[1:]
	switch {
	case is(rest) && m == "GET":
		return false, s.bookRead(c, func(b *workbook.Book) (any, error) { return b.Name(sheet, name) })
	case is(rest) && m == "DELETE":
		return s.bookDelete(c, func(b *workbook.Book) error { return b.DeleteName(sheet, name) })
	case len(rest) > 0 && rest[0].name == "range":
		return s.rangeRoute(c, rest[1:], func(b *workbook.Book) (*workbook.Range, error) { return b.NameRange(sheet, name) })
	}
	return false, errBookRoute
}
