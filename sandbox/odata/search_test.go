package odata

import (
	"errors"
	"reflect"
	"strings"
	"testing"
)

func TestParseSearchEscapes(t *testing.T) {
	for _, tc := range []struct {
		search string
		want   []string
	}{
		{`"\"Falconer\" plan"`, []string{"Falconer", "plan"}},
		{`"back\\slash"`, []string{`back\slash`}},
		{`"a\\"`, []string{`a\`}},
		{`"\\\\"`, []string{`\\`}},
		{`"a\b"`, []string{`a\b`}}, // another backslash stands for itself
		// \\" is a backslash and the end of the phrase, not an escaped quote.
		{`"\"x\\\" y"`, []string{`x\`, "y"}},
		{`"\"x\\\\\" y"`, []string{`x\\`, "y"}},
		{`"subject:back\\slash"`, []string{`back\slash`}},
	} {
		s, err := ParseSearch(tc.search)
		if err != nil {
			t.Errorf("%s: %v", tc.search, err)
			continue
		}
		var got []string
		for _, term := range s.Terms {
			got = append(got, term.Text)
		}
		if !reflect.DeepEqual(got, tc.want) {
			t.Errorf("%s: terms %q, want %q", tc.search, got, tc.want)
		}
	}
	for _, tc := range []struct{ search, msg string }{
		{`"a\"`, "has no closing double quote"},
		{`"\"`, "has no closing double quote"},
		{`"a\\\"`, "has no closing double quote"},
		{`"\"a"`, "unterminated phrase"},
	} {
		_, err := ParseSearch(tc.search)
		var oe *Error
		if !errors.As(err, &oe) || oe.Code != "BadRequest" || !strings.Contains(oe.Message, tc.msg) {
			t.Errorf("%s: got %v, want BadRequest containing %q", tc.search, err, tc.msg)
		}
	}
}
