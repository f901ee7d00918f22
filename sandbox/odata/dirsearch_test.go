package odata

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

var dirProps = []string{"displayName", "description", "mail", "userPrincipalName", "proxyAddresses"}

// TestParseDirSearch: clauses, AND / OR with AND binding tighter,
// parentheses, escapes inside a clause, and the canonical form.
func TestParseDirSearch(t *testing.T) {
	for _, tc := range []struct{ search, want string }{
		{`"displayName:wa"`, `"displayName:wa"`},
		{`"DisplayName:wa"`, `"displayName:wa"`}, // the property without case
		{`"displayName:wa" OR "displayName:ad"`, `"displayName:wa" OR "displayName:ad"`},
		{` "displayName:al"   AND	"mail:al" `, `"displayName:al" AND "mail:al"`},
		{`"description:One" AND ("displayName:Video" OR "displayName:Drive")`, `"description:One" AND ("displayName:Video" OR "displayName:Drive")`},
		{`("displayName:a")`, `"displayName:a"`},
		{`"displayName:a" OR "mail:b" AND "mail:c"`, `"displayName:a" OR "mail:b" AND "mail:c"`},
		{`("displayName:a" OR "mail:b") AND "mail:c"`, `("displayName:a" OR "mail:b") AND "mail:c"`},
		{`"displayName:a" OR ("mail:b" OR "mail:c")`, `"displayName:a" OR ("mail:b" OR "mail:c")`},
		{`"displayName:a"AND"mail:b"`, `"displayName:a" AND "mail:b"`},
		{`"displayName:O\"Brien"`, `"displayName:O\"Brien"`},
		{`"displayName:back\\slash"`, `"displayName:back\\slash"`},
		{`"displayName:a\b"`, `"displayName:a\\b"`}, // another backslash stands for itself
		{`"displayName:x\\" OR "mail:y"`, `"displayName:x\\" OR "mail:y"`},
		{`"proxyAddresses:SMTP:a@b"`, `"proxyAddresses:SMTP:a@b"`},
		{`"displayName:a AND b"`, `"displayName:a AND b"`}, // AND inside the quotes is text
	} {
		s, err := ParseDirSearch(tc.search, dirProps)
		if err != nil {
			t.Errorf("%s: %v", tc.search, err)
			continue
		}
		if got := s.String(); got != tc.want {
			t.Errorf("%s: %s, want %s", tc.search, got, tc.want)
		}
		if again, err := ParseDirSearch(s.String(), dirProps); err != nil || again.String() != s.String() {
			t.Errorf("%s: canonical %s parses as %v %v", tc.search, s, again, err)
		}
	}
	// The text of a clause, unescaped.
	s, err := ParseDirSearch(`"displayName:say \"hi\" \\o/"`, dirProps)
	if err != nil || s.root.text != `say "hi" \o/` || s.root.prop != "displayName" {
		t.Errorf("escaped clause: %+v %v", s, err)
	}
}

func TestParseDirSearchErrors(t *testing.T) {
	for _, tc := range []struct{ search, code, msg string }{
		{`"jobTitle:x"`, "Request_UnsupportedQuery", "property 'jobTitle' cannot be searched"},
		{`"displayName:x" OR "jobTitle:x"`, "Request_UnsupportedQuery", "property 'jobTitle'"},
		{`"wa"`, "Request_UnsupportedQuery", "names no property"},
		{`":wa"`, "Request_UnsupportedQuery", "names no property"},
		{``, "Request_BadRequest", "it is empty"},
		{`   `, "Request_BadRequest", "it is empty"},
		{`displayName:wa`, "Request_BadRequest", "'displayName:wa' at position 0 is not in double quotes"},
		{`"displayName:wa`, "Request_BadRequest", "has no closing double quote"},
		{`"displayName:wa\"`, "Request_BadRequest", "has no closing double quote"},
		{`"displayName:a" "mail:b"`, "Request_BadRequest", "'AND' or 'OR' expected at position 16"},
		{`"displayName:a" or "mail:b"`, "Request_BadRequest", "the operator 'or' must be upper case"},
		{`"displayName:a" And "mail:b"`, "Request_BadRequest", "the operator 'And' must be upper case"},
		{`"displayName:a" AND`, "Request_BadRequest", "a clause is missing at the end"},
		{`OR "displayName:a"`, "Request_BadRequest", "a clause is missing before 'OR'"},
		{`"displayName:a" AND OR "mail:b"`, "Request_BadRequest", "a clause is missing before 'OR'"},
		{`("displayName:a"`, "Request_BadRequest", "')' expected"},
		{`"displayName:a")`, "Request_BadRequest", "'AND' or 'OR' expected"},
		{`()`, "Request_BadRequest", "')' at position 1 is not in double quotes"},
		{`"displayName:"`, "Request_BadRequest", "has no text to search for"},
		{`"displayName:  "`, "Request_BadRequest", "has no text to search for"},
		{strings.Repeat("(", 40) + `"displayName:a"` + strings.Repeat(")", 40), "Request_BadRequest", "nest deeper than 32"},
	} {
		_, err := ParseDirSearch(tc.search, dirProps)
		var oe *Error
		if !errors.As(err, &oe) || oe.Code != tc.code || !strings.Contains(oe.Message, tc.msg) {
			t.Errorf("%s: got %v, want %s containing %q", tc.search, err, tc.code, tc.msg)
		}
	}
}

// TestDirSearchMatch: displayName and description by words (prefixes, any
// order, split at spaces, symbols, digits and lower-to-upper case), the
// others as startsWith, without case; AND and OR.
func TestDirSearchMatch(t *testing.T) {
	obj := map[string][]string{
		"displayName":    {"Adele Vance-Smith"},
		"description":    {"OneVideo team 2025edition, O'Brien's"},
		"mail":           {"AdeleV@contoso.sandbox"},
		"proxyAddresses": {"SMTP:adelev@contoso.sandbox", "smtp:adele@old.sandbox"},
	}
	values := func(p string) []string { return obj[p] }
	for _, tc := range []struct {
		search string
		want   bool
	}{
		{`"displayName:adel"`, true},
		{`"displayName:VAN"`, true},
		{`"displayName:smi"`, true},
		{`"displayName:vancesmith"`, true}, // words joined by a symbol are also one word
		{`"displayName:dele"`, false},      // words, not contains
		{`"displayName:vance adele"`, true},
		{`"displayName:vance bob"`, false},
		{`"description:video one"`, true},
		{`"description:onevideo"`, false}, // lower to upper case splits OneVideo, nothing joins it
		{`"description:2025"`, true},
		{`"description:edition"`, true},
		{`"description:o'brien"`, true},
		{`"description:brien's"`, true},
		{`"mail:adelev@"`, true},
		{`"mail:contoso"`, false}, // startsWith, not words
		{`"proxyAddresses:smtp:adele@old"`, true},
		{`"userPrincipalName:a"`, false}, // no value
		{`"displayName:bob" OR "mail:adele"`, true},
		{`"displayName:bob" OR "mail:bob"`, false},
		{`"displayName:adele" AND "mail:adele"`, true},
		{`"displayName:adele" AND "mail:bob"`, false},
		{`"displayName:bob" AND "mail:bob" OR "description:one"`, true},
		{`"displayName:bob" AND ("mail:bob" OR "description:one")`, false},
	} {
		s, err := ParseDirSearch(tc.search, dirProps)
		if err != nil {
			if tc.want {
				t.Errorf("%s: %v", tc.search, err)
			}
			continue
		}
		if got := s.Match(values); got != tc.want {
			t.Errorf("%s: %v, want %v", tc.search, got, tc.want)
		}
	}
}

func TestSearchWords(t *testing.T) {
	for _, tc := range []struct {
		s      string
		joined bool
		want   []string
	}{
		{"hello world", false, []string{"hello", "world"}},
		{"HelloWorld", true, []string{"hello", "world"}},
		{"helloWORLD", false, []string{"hello", "world"}},
		{"HELLOworld", false, []string{"helloworld"}},
		{"HelloWORld", false, []string{"hello", "world"}},
		{"hello.world", true, []string{"hello", ".", "world", "helloworld"}},
		{"hello.world", false, []string{"hello", ".", "world"}},
		{"hello123world", true, []string{"hello", "123", "world"}},
		{"李四(David Li)", true, []string{"李四", "(", "david", "李四david", "li", ")"}},
		{".net", true, []string{".", "net"}},
	} {
		if got := searchWords(tc.s, tc.joined); !reflect.DeepEqual(got, tc.want) {
			t.Errorf("searchWords(%q, %v) = %q, want %q", tc.s, tc.joined, got, tc.want)
		}
	}
}
