package msgraph

import (
	"go/ast"
	"go/parser"
	"go/token"
	"path/filepath"
	"sort"
	"strings"
	"testing"
)

// apiMethod is an exported method of the package that sends a request: its
// first parameter is a context.
type apiMethod struct {
	recv, name string
	decl       *ast.FuncDecl
	pos        token.Position
}

func (m apiMethod) String() string { return m.recv + "." + m.name }

// parsePackage parses the package's own (non-test) files with comments.
func parsePackage(t *testing.T) (*token.FileSet, []*ast.File) {
	t.Helper()
	fset := token.NewFileSet()
	names, err := filepath.Glob("*.go")
	if err != nil {
		t.Fatal(err)
	}
	var files []*ast.File
	for _, n := range names {
		if strings.HasSuffix(n, "_test.go") {
			continue
		}
		f, err := parser.ParseFile(fset, n, nil, parser.ParseComments)
		if err != nil {
			t.Fatal(err)
		}
		files = append(files, f)
	}
	return fset, files
}

// apiMethods returns every exported method whose first parameter is a
// context.Context, by "Recv.Name".
func apiMethods(t *testing.T) map[string]apiMethod {
	fset, files := parsePackage(t)
	out := map[string]apiMethod{}
	for _, f := range files {
		for _, d := range f.Decls {
			fd, ok := d.(*ast.FuncDecl)
			if !ok || fd.Recv == nil || !fd.Name.IsExported() || len(fd.Type.Params.List) == 0 {
				continue
			}
			if exprString(fd.Type.Params.List[0].Type) != "context.Context" || fd.Name.Name == "NewRequest" {
				continue // NewRequest builds a request for Client.Do; it sends none
			}
			recv := strings.TrimPrefix(exprString(fd.Recv.List[0].Type), "*")
			if !ast.IsExported(recv) {
				continue
			}
			m := apiMethod{recv: recv, name: fd.Name.Name, decl: fd, pos: fset.Position(fd.Pos())}
			out[m.String()] = m
		}
	}
	return out
}

func exprString(e ast.Expr) string {
	switch e := e.(type) {
	case *ast.Ident:
		return e.Name
	case *ast.StarExpr:
		return "*" + exprString(e.X)
	case *ast.SelectorExpr:
		return exprString(e.X) + "." + e.Sel.Name
	case *ast.ArrayType:
		return "[]" + exprString(e.Elt)
	case *ast.MapType:
		return "map[" + exprString(e.Key) + "]" + exprString(e.Value)
	case *ast.IndexExpr:
		return exprString(e.X) + "[" + exprString(e.Index) + "]"
	case *ast.IndexListExpr:
		var parts []string
		for _, x := range e.Indices {
			parts = append(parts, exprString(x))
		}
		return exprString(e.X) + "[" + strings.Join(parts, ", ") + "]"
	case *ast.InterfaceType:
		return "any"
	case *ast.Ellipsis:
		return "..." + exprString(e.Elt)
	case *ast.FuncType:
		return "func"
	}
	return "?"
}

// fieldTypes lists the types of a field list, one per name.
func fieldTypes(fl *ast.FieldList) []string {
	if fl == nil {
		return nil
	}
	var out []string
	for _, f := range fl.List {
		n := len(f.Names)
		if n == 0 {
			n = 1
		}
		for range n {
			out = append(out, exprString(f.Type))
		}
	}
	return out
}

// collectionActions return a collection from an action rather than listing
// one, so they have neither paging nor an Iter.
var collectionActions = map[string]bool{
	"DriveService.Invite":         true, // POST …/invite answers the permissions made
	"CalendarService.GetSchedule": true, // POST …/calendar/getSchedule answers one entry per schedule
	"Client.Batch":                true, // the answers to the requests sent
}

// TestAPIShape checks the one shape of every call (DESIGN §3): it returns
// (*T, *Response, error), ([]*T, *Response, error) or (*Response, error);
// every list takes an options struct last and has an …Iter beside it with
// the same parameters; delta rounds take *DeltaOptions.
func TestAPIShape(t *testing.T) {
	methods := apiMethods(t)
	var names []string
	for n := range methods {
		names = append(names, n)
	}
	sort.Strings(names)
	for _, n := range names {
		m := methods[n]
		params, results := fieldTypes(m.decl.Type.Params), fieldTypes(m.decl.Type.Results)
		sig := "(" + strings.Join(params, ", ") + ") (" + strings.Join(results, ", ") + ")"
		if strings.HasSuffix(m.name, "Iter") {
			list, ok := methods[m.recv+"."+strings.TrimSuffix(m.name, "Iter")]
			if !ok {
				t.Errorf("%s: %s has no list method beside it", m.pos, m)
				continue
			}
			lp := fieldTypes(list.decl.Type.Params)
			lr := fieldTypes(list.decl.Type.Results)
			if strings.Join(lp, ",") != strings.Join(params, ",") {
				t.Errorf("%s: %s takes other parameters than %s", m.pos, m, list)
			}
			if len(results) != 1 || len(lr) == 0 || results[0] != "iter.Seq2["+strings.TrimPrefix(lr[0], "[]")+", error]" {
				t.Errorf("%s: %s%s: want iter.Seq2[T, error] with %s's T", m.pos, m, sig, list)
			}
			continue
		}
		switch {
		case len(results) == 2 && results[0] == "*Response" && results[1] == "error":
		case len(results) == 3 && results[1] == "*Response" && results[2] == "error" &&
			(strings.HasPrefix(results[0], "*") || strings.HasPrefix(results[0], "[]*") || results[0] == "map[string]any"):
		default:
			t.Errorf("%s: %s%s: want (*T, *Response, error) or (*Response, error)", m.pos, m, sig)
			continue
		}
		if !strings.HasPrefix(results[0], "[]") || collectionActions[n] {
			continue
		}
		last := params[len(params)-1]
		if strings.HasSuffix(m.name, "Delta") {
			if last != "*DeltaOptions" {
				t.Errorf("%s: delta round %s%s: want *DeltaOptions last", m.pos, m, sig)
			}
			continue
		}
		if !strings.HasPrefix(last, "*") || !strings.HasSuffix(last, "Options") {
			t.Errorf("%s: list %s%s: want an options struct last", m.pos, m, sig)
		}
		if _, ok := methods[n+"Iter"]; !ok {
			t.Errorf("%s: list %s has no %sIter", m.pos, m, m.name)
		}
	}
}
