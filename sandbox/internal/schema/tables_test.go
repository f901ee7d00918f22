package schema

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/schema/schemagen"
)

// TestTablesMatchCSDL regenerates the tables from ../shared/graph-schema and
// compares them with the checked-in *_gen.go files: a change of the CSDL or of
// schemagen.Roots without go generate fails here.
func TestTablesMatchCSDL(t *testing.T) {
	s := graphschema.ForTest(t)
	files, err := schemagen.Render(s)
	if err != nil {
		t.Fatal(err)
	}
	made := map[string]bool{}
	for _, f := range files {
		made[f.Name] = true
	}
	on, _ := filepath.Glob("*_gen.go")
	for _, name := range on {
		if !made[name] {
			t.Errorf("%s is not generated any more: run go generate ./sandbox/internal/schema", name)
		}
	}
	for _, f := range files {
		got, err := os.ReadFile(f.Name)
		if err != nil {
			t.Fatal(err)
		}
		if !bytes.Equal(got, f.Src) {
			gl, wl := bytes.Split(got, []byte("\n")), bytes.Split(f.Src, []byte("\n"))
			for i := 0; i < len(gl) || i < len(wl); i++ {
				var g, w []byte
				if i < len(gl) {
					g = gl[i]
				}
				if i < len(wl) {
					w = wl[i]
				}
				if !bytes.Equal(g, w) {
					t.Fatalf("%s is stale from line %d:\n have %s\n want %s\nrun go generate ./sandbox/internal/schema", f.Name, i+1, g, w)
				}
			}
		}
	}
}

// TestTablesAgreeWithSchema checks the loaded tables against the CSDL
// through the lookup API: inherited properties, navigation targets, enums.
func TestTablesAgreeWithSchema(t *testing.T) {
	s := graphschema.ForTest(t)
	for _, r := range schemagen.Roots {
		st, tt := s.Lookup(r.Name), Lookup(r.Name)
		if tt == nil {
			t.Errorf("%s: not in the tables", r.Name)
			continue
		}
		for _, name := range st.Properties() {
			sp, tp := st.Property(name), tt.Property(name)
			if tp == nil || tp.Type != sp.Type || tp.Collection != sp.Collection || tp.Nav != sp.Navigation || tp.Nullable != sp.Nullable {
				t.Errorf("%s.%s: tables %+v, CSDL %+v", r.Name, name, tp, sp)
			}
		}
	}
	m := Lookup("message")
	if m.Base != "microsoft.graph.outlookItem" || m.BaseType().Base != "microsoft.graph.entity" {
		t.Errorf("message's base chain: %s, %s", m.Base, m.BaseType().Base)
	}
	if p := Lookup("event").Property("singleValueExtendedProperties"); p == nil || !p.Nav || p.Type != "microsoft.graph.singleValueLegacyExtendedProperty" {
		t.Errorf("event.singleValueExtendedProperties: %+v", p)
	}
	if e, ok := LookupEnum("bodyType"); !ok || len(e.Members) != 2 || e.Members[0] != "text" {
		t.Errorf("bodyType: %+v", e)
	}
	if e, _ := LookupEnum("microsoft.graph.dayOfWeek"); len(e.Members) != 7 {
		t.Errorf("dayOfWeek: %+v", e)
	}
}

// TestFlagsNameProperties keeps the hand-kept lists honest: every name in
// them is a property of its type.
func TestFlagsNameProperties(t *testing.T) {
	for _, m := range []map[string][]string{readOnly, createOnly} {
		for typ, names := range m {
			tt := Lookup(typ)
			if tt == nil {
				t.Errorf("%s: not in the tables", typ)
				continue
			}
			for _, n := range names {
				if tt.Property(n) == nil {
					t.Errorf("%s.%s: no such property", typ, n)
				}
			}
		}
	}
	for typ, rs := range required {
		for _, r := range rs {
			if tt := Lookup(typ); tt == nil || tt.Property(r.Name) == nil {
				t.Errorf("required %s.%s: no such property", typ, r.Name)
			}
		}
	}
	for typ := range policies {
		if Lookup(typ) == nil {
			t.Errorf("policy for %s: not in the tables", typ)
		}
	}
}
