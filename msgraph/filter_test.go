package msgraph

import (
	"math"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox/odata"
)

type importance string

func TestFilterLiterals(t *testing.T) {
	g, err := ParseGUID("{6FD2C87F-B296-42F0-B197-1E91E994B900}")
	if err != nil {
		t.Fatal(err)
	}
	paris := time.FixedZone("CET", 3600)
	for _, c := range []struct {
		v    any
		want string
	}{
		{"x", "'x'"},
		{"O'Brien's report", "'O''Brien''s report'"},
		{"' or 1 eq 1", "''' or 1 eq 1'"},
		{"", "''"},
		{"%27 \\ \n é", "'%27 \\ \n é'"},
		{importance("high"), "'high'"},
		{true, "true"},
		{false, "false"},
		{nil, "null"},
		{42, "42"},
		{int64(-7), "-7"},
		{uint8(255), "255"},
		{1.5, "1.5"},
		{float32(0.25), "0.25"},
		{1e21, "1e+21"},
		{math.NaN(), "NaN"},
		{math.Inf(1), "INF"},
		{math.Inf(-1), "-INF"},
		{time.Date(2025, 1, 2, 4, 4, 5, 0, paris), "2025-01-02T03:04:05Z"},
		{time.Date(2025, 1, 2, 3, 4, 5, 500_000_000, time.UTC), "2025-01-02T03:04:05.5Z"},
		{g, "6fd2c87f-b296-42f0-b197-1e91e994b900"},
	} {
		if got := Literal(c.v); got != c.want {
			t.Errorf("Literal(%#v) = %s, want %s", c.v, got, c.want)
		}
	}
}

func TestFilterComparisons(t *testing.T) {
	for _, c := range []struct {
		f    Filter
		want string
	}{
		{Eq("subject", "O'Brien"), "subject eq 'O''Brien'"},
		{Ne("importance", "low"), "importance ne 'low'"},
		{Gt("size", 1024), "size gt 1024"},
		{Ge("receivedDateTime", time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)), "receivedDateTime ge 2025-01-02T03:04:05Z"},
		{Lt("size", 2.5), "size lt 2.5"},
		{Le("createdDateTime", time.Date(2025, 1, 2, 0, 0, 0, 0, time.UTC)), "createdDateTime le 2025-01-02T00:00:00Z"},
		{Eq("from/emailAddress/address", "a@b.c"), "from/emailAddress/address eq 'a@b.c'"},
		{Eq("manager", nil), "manager eq null"},
		{Eq("isRead", false), "isRead eq false"},
		{In("id", "a", "b'c"), "id in ('a','b''c')"},
		{In("id", []string{"x"}...), "id in ('x')"},
		{In("size", 1, 2), "size in (1,2)"},
		{In[string]("id"), "false"},
		{StartsWith("displayName", "Ad'"), "startswith(displayName,'Ad''')"},
		{EndsWith("mail", "@contoso.com"), "endswith(mail,'@contoso.com')"},
		{Contains("subject", "a,b)"), "contains(subject,'a,b)')"},
	} {
		if got := c.f.String(); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
}

func TestFilterLogic(t *testing.T) {
	a, b, c := Eq("a", 1), Eq("b", 2), Eq("c", 3)
	for _, tc := range []struct {
		f    Filter
		want string
	}{
		{And(a, b), "a eq 1 and b eq 2"},
		{And(a, b, c), "a eq 1 and b eq 2 and c eq 3"},
		{Or(a, b), "a eq 1 or b eq 2"},
		{And(Or(a, b), c), "(a eq 1 or b eq 2) and c eq 3"},
		{Or(And(a, b), c), "a eq 1 and b eq 2 or c eq 3"},
		{And(a, And(b, c)), "a eq 1 and b eq 2 and c eq 3"},
		{Or(a, Or(b, c)), "a eq 1 or b eq 2 or c eq 3"},
		{And(a, Or(b, And(c, a))), "a eq 1 and (b eq 2 or c eq 3 and a eq 1)"},
		{Not(a), "not (a eq 1)"},
		{Not(Or(a, b)), "not (a eq 1 or b eq 2)"},
		{Not(StartsWith("s", "x")), "not startswith(s,'x')"},
		{And(Not(a), b), "not (a eq 1) and b eq 2"},
		{Not(Not(a)), "not (not (a eq 1))"},
		{And(), ""},
		{And(Filter{}, a, Filter{}), "a eq 1"},
		{And(Or(a, b)), "a eq 1 or b eq 2"},
		{Or(), "false"},
		{Or(a, Filter{}), ""},
		{Not(Filter{}), "false"},
		{Or(In[int]("a"), b), "false or b eq 2"},
	} {
		if got := tc.f.String(); got != tc.want {
			t.Errorf("got %s, want %s", got, tc.want)
		}
	}
}

func TestFilterLambdas(t *testing.T) {
	g, _ := ParseGUID("6fd2c87f-b296-42f0-b197-1e91e994b900")
	for _, c := range []struct {
		f    Filter
		want string
	}{
		{AnyOf("emailAddresses", "a", Eq("a/address", "x")), "emailAddresses/any(a:a/address eq 'x')"},
		{AnyOf("categories", "c", Eq("c", "Red")), "categories/any(c:c eq 'Red')"},
		{AnyOf("assignedLicenses", "l", Eq("l/skuId", g)), "assignedLicenses/any(l:l/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)"},
		{AnyOf("attachments", "", Filter{}), "attachments/any()"},
		{AllOf("categories", "c", Or(Eq("c", "Red"), Eq("c", "Blue"))), "categories/all(c:c eq 'Red' or c eq 'Blue')"},
		{And(AnyOf("toRecipients", "r", Eq("r/emailAddress/address", "x")), Eq("isRead", false)),
			"toRecipients/any(r:r/emailAddress/address eq 'x') and isRead eq false"},
		{Not(AnyOf("categories", "c", Eq("c", "Red"))), "not categories/any(c:c eq 'Red')"},
	} {
		if got := c.f.String(); got != c.want {
			t.Errorf("got %s, want %s", got, c.want)
		}
	}
}

func TestFilterRejectsNonNames(t *testing.T) {
	for _, p := range []string{"", "a b", "subject eq 'x' or true", "a/", "/a", "a//b", "1a", "a-b", "a.b",
		"a'", "not", "AND", "a/null", "true", "é", "a(b)", strings.Repeat("a", 129)} {
		if ValidPath(p) {
			t.Errorf("ValidPath(%q) = true", p)
		}
		mustPanic(t, "Eq "+p, func() { Eq(p, 1) })
		mustPanic(t, "StartsWith "+p, func() { StartsWith(p, "x") })
		mustPanic(t, "In "+p, func() { In[int](p) })
		mustPanic(t, "AnyOf "+p, func() { AnyOf(p, "a", Eq("a", 1)) })
		mustPanic(t, "AnyOf var "+p, func() { AnyOf("a", p, Eq("a", 1)) })
		mustPanic(t, "SearchProperty "+p, func() { SearchProperty(p, "x") })
	}
	for _, p := range []string{"a", "_a", "from/emailAddress/address", "a1/b_2", "isRead", "notes", "order"} {
		if !ValidPath(p) {
			t.Errorf("ValidPath(%q) = false", p)
		}
	}
	mustPanic(t, "AllOf without condition", func() { AllOf("a", "x", Filter{}) })
	mustPanic(t, "struct value", func() { Eq("a", struct{}{}) })
	mustPanic(t, "pointer value", func() { Eq("a", new(string)) })
}

func mustPanic(t *testing.T, what string, f func()) {
	t.Helper()
	defer func() {
		if recover() == nil {
			t.Errorf("%s: no panic", what)
		}
	}()
	f()
}

func TestParseGUID(t *testing.T) {
	for _, s := range []string{"6fd2c87f-b296-42f0-b197-1e91e994b900", "{6FD2C87F-B296-42F0-B197-1E91E994B900}"} {
		g, err := ParseGUID(s)
		if err != nil || g.String() != "6fd2c87f-b296-42f0-b197-1e91e994b900" {
			t.Errorf("ParseGUID(%q) = %v, %v", s, g, err)
		}
	}
	for _, s := range []string{"", "6fd2c87f", "6fd2c87f-b296-42f0-b197-1e91e994b90x", "6fd2c87fxb296-42f0-b197-1e91e994b900",
		"{6fd2c87f-b296-42f0-b197-1e91e994b900", "'6fd2c87f-b296-42f0-b197-1e91e994b900'", "6fd2c87f-b296-42f0-b197-1e91e994b900 or true"} {
		if _, err := ParseGUID(s); err == nil {
			t.Errorf("ParseGUID(%q) accepted", s)
		}
	}
}

func TestSearchQuoting(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{SearchText("budget plan"), `"budget plan"`},
		{SearchText(`say "hi"`), `"say \"hi\""`},
		{SearchText(`C:\dir\`), `"C:\\dir\\"`},
		{SearchText(`\" OR x`), `"\\\" OR x"`},
		{SearchProperty("displayName", `Ad "x"`), `"displayName:Ad \"x\""`},
		{SearchProperty("displayName", "a") + " OR " + SearchProperty("mail", "a"), `"displayName:a" OR "mail:a"`},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	// Unquoted ListOptions.Search is quoted by SearchText; a quoted one is kept.
	for _, c := range []struct{ in, want string }{
		{`say "hi"`, `$search=%22say%20%5C%22hi%5C%22%22`},
		{`"displayName:a" OR "mail:a"`, `$search=%22displayName:a%22%20OR%20%22mail:a%22`},
	} {
		var q query
		q.list(&ListOptions{Search: c.in})
		if got := q.on("x"); got != "x?"+c.want {
			t.Errorf("Search %s sent as %s", c.in, got)
		}
	}
}

func TestEventualForBuiltFilters(t *testing.T) {
	for _, f := range []Filter{Ne("a", 1), EndsWith("mail", "x"), Not(Eq("a", 1)), And(Eq("a", 1), Not(Eq("b", 2)))} {
		if !eventual(&ListOptions{Filter: f.String()}) {
			t.Errorf("%s: not an advanced query", f)
		}
	}
	if eventual(&ListOptions{Filter: And(Eq("a", 1), StartsWith("b", "x")).String()}) {
		t.Error("eq and startswith taken for an advanced query")
	}
}

// TestFilterGrouping: an OData parser (the sandbox's, which prints its tree
// fully parenthesised) reads the builder's output with the grouping the
// builder meant.
func TestFilterGrouping(t *testing.T) {
	a, b, c := Eq("a", 1), Eq("b", "x"), Eq("c", nil)
	day := time.Date(2025, 1, 2, 3, 4, 5, 0, time.UTC)
	g, _ := ParseGUID("6FD2C87F-B296-42F0-B197-1E91E994B900")
	for _, tc := range []struct {
		f    Filter
		want string
	}{
		{And(Or(a, b), c), "(((a eq 1) or (b eq 'x')) and (c eq null))"},
		{Or(And(a, b), c), "(((a eq 1) and (b eq 'x')) or (c eq null))"},
		{And(a, Or(b, And(c, a))), "((a eq 1) and ((b eq 'x') or ((c eq null) and (a eq 1))))"},
		{Not(Or(a, b)), "not (((a eq 1) or (b eq 'x')))"},
		{And(Not(a), b), "(not ((a eq 1)) and (b eq 'x'))"},
		{Or(Not(StartsWith("s", "x")), EndsWith("s", "y")), "(not (startswith(s,'x')) or endswith(s,'y'))"},
		{AnyOf("r", "v", Or(Eq("v/a", 1.5), Lt("v/d", day))), "r/any(v:((v/a eq 1.5) or (v/d lt 2025-01-02T03:04:05Z)))"},
		{AllOf("cats", "c", Not(Eq("c", "Red"))), "cats/all(c:not ((c eq 'Red')))"},
		{And(AnyOf("att", "", Filter{}), Gt("size", -3)), "(att/any() and (size gt -3))"},
		{Or(), "false"},
		{And(In("a", 1, 2), Not(In("b", "x", "y'z"))), "((a in (1,2)) and not ((b in ('x','y''z'))))"},
		{Or(In[int]("a"), b), "(false or (b eq 'x'))"},
		{Eq("skuId", g), "(skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)"},
		{AnyOf("assignedLicenses", "l", In("l/skuId", g, GUID{})), "assignedLicenses/any(l:(l/skuId in (6fd2c87f-b296-42f0-b197-1e91e994b900,00000000-0000-0000-0000-000000000000)))"},
	} {
		e, err := odata.ParseFilter(tc.f.String(), nil)
		if err != nil {
			t.Errorf("%s: %v", tc.f, err)
			continue
		}
		if e.String() != tc.want {
			t.Errorf("%s parsed as %s, want %s", tc.f, e, tc.want)
		}
	}
}
