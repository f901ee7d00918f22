package odata

import (
	"encoding/json"
	"strings"
	"testing"
	"unicode"
)

// FuzzParseFilter: the parser never panics; an accepted filter evaluates
// without panicking and its canonical form parses back to itself.
func FuzzParseFilter(f *testing.F) {
	for _, s := range []string{
		"isRead eq false", "not isRead", "(importance eq 'high' or isRead) and size gt 6",
		"receivedDateTime ge 2025-03-01T00:00:00Z", "from/emailAddress/address eq 'a''b'",
		"startswith(subject,'re:')", "toRecipients/any(r:r/emailAddress/address eq 'x')",
		"categories/any(c:c eq 'Red')", "categories/all(c:not (c ne 'Red'))", "toRecipients/any()",
		"size eq null", "size le -1.5e3", "tolower(subject) eq 'x'", "subject eq '", "((", "a/any(a:a)",
		"id in ('a','b''c')", "size in (1,2)", "id in ()", "not (subject in ('x'))", "not id in ('1') and size in (null,5)",
		"toRecipients/any(r:r/emailAddress/address in ('x','y'))", "(id in ('2')) eq true", "id in ('a' 'b')",
		"tenantId eq 3fa85f64-5717-4562-b3fc-2c963f66afa6", "id eq 3FA85F64-5717-4562-B3FC-2C963F66AFA6",
		"assignedLicenses/any(l:l/skuId in (6fd2c87f-b296-42f0-b197-1e91e994b900,c7df2760-2c81-4ef7-b578-5b5392b571df))",
		"tenantId eq 3fa85f64-5717-4562-b3fc-2c963f66afa", "subject has 'x'",
	} {
		f.Add(s)
	}
	var objs []map[string]any
	var gobjs []map[string]any
	if err := json.Unmarshal([]byte(docs), &objs); err != nil {
		f.Fatal(err)
	}
	if err := json.Unmarshal([]byte(guidDocs), &gobjs); err != nil {
		f.Fatal(err)
	}
	objs = append(objs, gobjs...)
	types := []*Type{msgType, guidType, nil}
	f.Fuzz(func(t *testing.T, s string) {
		for _, ty := range types {
			e, err := ParseFilter(s, ty)
			if err != nil {
				if _, ok := err.(*Error); !ok {
					t.Fatalf("%q: error of type %T", s, err)
				}
				continue
			}
			for _, o := range objs {
				Match(e, o)
			}
			FilterPaths(e)
			canon := e.String()
			e2, err := ParseFilter(canon, ty)
			if err != nil {
				t.Fatalf("%q: canonical form %q does not parse: %v", s, canon, err)
			}
			if e2.String() != canon {
				t.Fatalf("%q: canonical form %q reparses as %q", s, canon, e2.String())
			}
		}
	})
}

// FuzzParseSearch: ParseSearch never panics and answers only *Error; a
// text without double quotes, white space or a colon, its backslashes
// escaped and put in double quotes (as msgraph.SearchText writes it), is
// one term equal to the text.
func FuzzParseSearch(f *testing.F) {
	for _, s := range []string{`"budget"`, `"\"Falconer\" plan"`, `"back\\slash"`, `"a\\"`, `"a\"`, `"\"x\\\" y"`,
		`"subject:lunch"`, `lunch`, `two words`, `""`, `"\"`, `"a AND b"`, `\`, `a\b`} {
		f.Add(s)
	}
	f.Fuzz(func(t *testing.T, s string) {
		if _, err := ParseSearch(s); err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error of type %T", s, err)
			}
		}
		if s == "" || strings.ContainsAny(s, `":`) || strings.IndexFunc(s, unicode.IsSpace) >= 0 || strings.EqualFold(s, "AND") {
			return
		}
		q := `"` + strings.ReplaceAll(s, `\`, `\\`) + `"`
		got, err := ParseSearch(q)
		if err != nil || len(got.Terms) != 1 || got.Terms[0] != (SearchTerm{Text: s}) {
			t.Fatalf("%q as %s: %+v %v", s, q, got, err)
		}
	})
}

// FuzzParseDirSearch: ParseDirSearch never panics and answers only *Error;
// an accepted search matches without panicking and its canonical form
// parses back to itself; any text, its quotes and backslashes escaped in a
// "displayName:text" clause (as msgraph.SearchProperty writes it), is one
// clause holding the text.
func FuzzParseDirSearch(f *testing.F) {
	for _, s := range []string{`"displayName:wa"`, `"displayName:wa" OR "displayName:ad"`, `"displayName:al" AND "mail:al"`,
		`"description:One" AND ("displayName:Video" OR "displayName:Drive")`, `"displayName:O\"Brien"`, `"displayName:back\\slash"`,
		`"displayName:x\\" OR "mail:y"`, `"displayName:wa\"`, `"wa"`, `"jobTitle:x"`, `displayName:wa`, `"a:b" or "c:d"`, `(("mail:a")`,
		`"displayName:"`, `"proxyAddresses:SMTP:a"`, `"displayName:李四(David Li)"`, `""`, `\`, `"displayName:a" AND`} {
		f.Add(s)
	}
	values := func(p string) []string {
		return []string{"Adele Vance-Smith", "O'Brien \"x\" 2025edition", `back\slash`}
	}
	f.Fuzz(func(t *testing.T, s string) {
		got, err := ParseDirSearch(s, dirProps)
		if err != nil {
			if _, ok := err.(*Error); !ok {
				t.Fatalf("%q: error of type %T", s, err)
			}
		} else {
			got.Match(values)
			again, err := ParseDirSearch(got.String(), dirProps)
			if err != nil || again.String() != got.String() {
				t.Fatalf("%q: canonical %s parses as %v %v", s, got, again, err)
			}
		}
		if strings.TrimSpace(s) == "" {
			return
		}
		q := `"displayName:` + strings.NewReplacer(`\`, `\\`, `"`, `\"`).Replace(s) + `"`
		one, err := ParseDirSearch(q, dirProps)
		if err != nil || one.root.op != "" || one.root.prop != "displayName" || one.root.text != s {
			t.Fatalf("%q as %s: %+v %v", s, q, one, err)
		}
	})
}
