package msgraph

import (
	"net/url"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/odata"
)

// FuzzFilterLiteral: whatever text s holds, Eq("subject", s), sent in a URL
// as the client sends it, reaches an OData parser (the sandbox's) as one
// comparison of subject with one string literal equal to s, and nothing else.
func FuzzFilterLiteral(f *testing.F) {
	for _, s := range []string{
		"", "x", "'", "''", "O'Brien's report", "' or 1 eq 1", "x' or subject ne 'x", "') or (1 eq 1",
		"%27", "%2527", "%27 or true", `\`, `\'`, "a\\'b", "line\nbreak", "\r\n\t", "é 日本 🙂", "\x00",
		"a&$filter=b", "a#b", "a+b", "a;b", "isRead eq true", "\xff\xfe", "'''", "subject eq 'x'",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		flt := Eq("subject", s)
		var q query
		q.list(&ListOptions{Filter: flt.String()})
		u, err := url.Parse(q.on("me/messages"))
		if err != nil {
			t.Fatalf("%q: URL %v", s, err)
		}
		vals, err := url.ParseQuery(u.RawQuery)
		if err != nil {
			t.Fatalf("%q: query %v", s, err)
		}
		if len(vals) != 1 || len(vals["$filter"]) != 1 || vals.Get("$filter") != flt.String() {
			t.Fatalf("%q: query %q is not the one $filter %q", s, u.RawQuery, flt)
		}
		e, err := odata.ParseFilter(vals.Get("$filter"), nil)
		if err != nil {
			t.Fatalf("%q: %s does not parse: %v", s, flt, err)
		}
		// The parser prints its tree back in canonical form: one binary
		// operator in parentheses, between the path and the literal.
		if got, want := e.String(), "(subject eq "+Quote(s)+")"; got != want {
			t.Fatalf("%q: parsed as %s, want %s", s, got, want)
		}
		if paths := odata.FilterPaths(e); !slices.Equal(paths, []string{"subject"}) {
			t.Fatalf("%q: paths %v", s, paths)
		}
		if !odata.Match(e, map[string]any{"subject": s}) || odata.Match(e, map[string]any{"subject": s + "x"}) {
			t.Fatalf("%q: the literal is not the value", s)
		}
		// The value stays one literal inside a function call and a lambda.
		for _, c := range []struct {
			f    Filter
			want string
		}{
			{StartsWith("subject", s), "startswith(subject," + Quote(s) + ")"},
			{AnyOf("categories", "c", Eq("c", s)), "categories/any(c:(c eq " + Quote(s) + "))"},
			{Not(Eq("subject", s)), "not ((subject eq " + Quote(s) + "))"},
			{In("subject", s, "x"), "(subject in (" + Quote(s) + ",'x'))"},
			{Not(In("subject", s)), "not ((subject in (" + Quote(s) + ")))"},
			{AnyOf("toRecipients", "r", In("r/emailAddress/address", s)), "toRecipients/any(r:(r/emailAddress/address in (" + Quote(s) + ")))"},
		} {
			e, err := odata.ParseFilter(c.f.String(), nil)
			if err != nil {
				t.Fatalf("%q: %s does not parse: %v", s, c.f, err)
			}
			if e.String() != c.want {
				t.Fatalf("%q: %s parsed as %s", s, c.f, e)
			}
		}
	})
}

// FuzzSearchProperty: whatever text s holds, SearchProperty clauses joined
// with OR, sent in a URL as the client sends them, reach the sandbox's
// directory $search parser as those two clauses, each holding s (a blank s
// is refused: a clause needs text).
func FuzzSearchProperty(f *testing.F) {
	for _, s := range []string{
		"x", `"`, `\`, `\"`, `a\\"b`, `" OR "mail:x`, `") AND ("x`, "O'Brien", "a+b", "a&$search=b", "50%",
		"%22", "line\nbreak", "é 日本 🙂", " ", "", "AND", "displayName:x",
	} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		search := SearchProperty("displayName", s) + " OR " + SearchProperty("mail", s)
		var q query
		q.list(&ListOptions{Search: search})
		u, err := url.Parse(q.on("users"))
		if err != nil {
			t.Fatalf("%q: URL %v", s, err)
		}
		vals, err := url.ParseQuery(u.RawQuery)
		if err != nil || len(vals) != 1 || vals.Get("$search") != search {
			t.Fatalf("%q: query %q is not the one $search %s (%v)", s, u.RawQuery, search, err)
		}
		ds, err := odata.ParseDirSearch(vals.Get("$search"), []string{"displayName", "mail"})
		if strings.TrimSpace(s) == "" {
			if err == nil {
				t.Fatalf("%q: blank text accepted", s)
			}
			return
		}
		if err != nil || ds.String() != search {
			t.Fatalf("%q: %s parsed as %v %v", s, search, ds, err)
		}
		if !ds.Match(func(p string) []string { return map[string][]string{"mail": {s}}[p] }) {
			t.Fatalf("%q: the mail clause does not match its own text", s)
		}
	})
}
