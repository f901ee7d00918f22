package msgraph

import (
	"bufio"
	"os"
	"sort"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
)

// operations returns each method's //meta:operation lines ("GET /users/{id}")
// and whether its doc links Graph's documentation, by "Recv.Name".
func operations(t *testing.T) (ops map[string][]string, docs map[string]bool) {
	ops, docs = map[string][]string{}, map[string]bool{}
	for n, m := range apiMethods(t) {
		if m.decl.Doc == nil {
			continue
		}
		for _, c := range m.decl.Doc.List {
			if op, ok := strings.CutPrefix(c.Text, "//meta:operation "); ok {
				ops[n] = append(ops[n], strings.TrimSpace(op))
			}
			if strings.Contains(c.Text, "https://learn.microsoft.com/graph/") {
				docs[n] = true
			}
		}
	}
	return ops, docs
}

// TestOperations checks the package's claim to cover Graph: every
// operation listed in testdata/operations.txt has a method that says it
// calls it (//meta:operation METHOD /path), every method that sends a
// request names its operation or links Graph's docs, and every operation
// named is a Graph v1.0 path in Microsoft's schema.
func TestOperations(t *testing.T) {
	ops, docs := operations(t)
	byOp := map[string][]string{}
	for n, list := range ops {
		for _, op := range list {
			byOp[op] = append(byOp[op], n)
		}
	}
	f, err := os.Open("testdata/operations.txt")
	if err != nil {
		t.Fatal(err)
	}
	defer f.Close()
	claimed := map[string]bool{}
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		line := strings.TrimSpace(sc.Text())
		if line == "" || strings.HasPrefix(line, "#") {
			continue
		}
		claimed[line] = true
		if len(byOp[line]) == 0 {
			t.Errorf("testdata/operations.txt claims %q, but no method says //meta:operation %s", line, line)
		}
	}
	for n, m := range apiMethods(t) {
		if strings.HasSuffix(n, "Iter") {
			continue // an Iter calls what its list method calls
		}
		if len(ops[n]) == 0 && !docs[n] {
			t.Errorf("%s: %s names no //meta:operation and links no Graph docs", m.pos, n)
		}
		for _, op := range ops[n] {
			if !claimed[op] {
				t.Errorf("%s: %s calls %q, which testdata/operations.txt does not list", m.pos, n, op)
			}
		}
	}

	s := graphschema.ForTest(t)
	var all []string
	for op := range byOp {
		all = append(all, op)
	}
	sort.Strings(all)
	for _, op := range all {
		method, path, ok := strings.Cut(op, " ")
		switch {
		case !ok || !strings.HasPrefix(path, "/"):
			t.Errorf("%s (%v): want //meta:operation METHOD /path", op, byOp[op])
		case method != "GET" && method != "POST" && method != "PATCH" && method != "PUT" && method != "DELETE":
			t.Errorf("%s (%v): unknown HTTP method", op, byOp[op])
		default:
			if err := s.CheckPath(path); err != nil {
				t.Errorf("%s (%v): not a Graph v1.0 path: %v", op, byOp[op], err)
			}
		}
	}
}
