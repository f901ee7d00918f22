package grant

import (
	"encoding/json"
	"strings"
	"testing"
)

func mustGrant(t *testing.T, rules ...string) *Grant {
	t.Helper()
	g := &Grant{Connections: []Connection{{"microsoft", "work"}}}
	for _, s := range rules {
		r, err := ParseRule(s)
		if err != nil {
			t.Fatal(err)
		}
		g.Allow = append(g.Allow, r)
	}
	return g
}

func batch(items ...[2]string) string {
	var rs []map[string]string
	for i, it := range items {
		rs = append(rs, map[string]string{"id": string(rune('1' + i)), "method": it[0], "url": it[1]})
	}
	b, _ := json.Marshal(map[string]any{"requests": rs})
	return string(b)
}

// TestCheck is the table of allowed and refused requests for a read-only mail grant.
func TestCheck(t *testing.T) {
	g := mustGrant(t, "GET /v1.0/me/messages*", "GET /v1.0/me/messages/*", "get /v1.0/me/mailFolders/**", "POST /beta/me/sendMail")
	self := []string{"0b5c4a7e-0000-4000-8000-000000000001", "adele@contoso.example"}
	for _, tc := range []struct {
		method, path, query, body string
		ok                        bool
		why                       string
	}{
		{"GET", "/v1.0/me/messages", "", "", true, ""},
		{"GET", "/v1.0/me/messages", "$top=5&$select=subject", "", true, ""},
		{"GET", "/V1.0/ME/Messages", "", "", true, ""},
		{"get", "/v1.0/me/messages", "", "", true, ""},
		{"GET", "/v1.0/me/messages/", "", "", true, ""},
		{"GET", "/v1.0/me/messages/AAMkAD=", "", "", true, ""},
		{"GET", "/v1.0/me/%6Dessages", "", "", true, ""},
		{"GET", "/v1.0/me/mailFolders/inbox/messages", "", "", true, ""},
		{"GET", "/v1.0/me/contacts/../messages", "", "", true, ""},
		{"GET", "/v1.0/me/./messages", "", "", true, ""},
		{"POST", "/beta/me/sendMail", "", "", true, ""},
		// Outside the grant.
		{"DELETE", "/v1.0/me/messages/AAMkAD=", "", "", false, "outside"},
		{"POST", "/v1.0/me/messages", "", "", false, "outside"},
		{"GET", "/v1.0/me/contacts", "", "", false, "outside"},
		{"GET", "/v1.0/me/messages/x/attachments", "", "", false, "outside"},
		{"GET", "/v1.0/me", "", "", false, "outside"},
		{"GET", "/v1.0/users/someone@contoso.example/messages", "", "", false, "outside"},
		// Versions: /beta is its own prefix; a version must be there.
		{"GET", "/beta/me/messages", "", "", false, "outside"},
		{"POST", "/v1.0/me/sendMail", "", "", false, "outside"},
		{"GET", "/me/messages", "", "", false, "version"},
		{"GET", "/", "", "", false, "version"},
		// Dot segments and encodings.
		{"GET", "/v1.0/me/messages/../contacts", "", "", false, "outside"},
		{"GET", "/v1.0/me/messages/%2e%2e/contacts", "", "", false, "outside"},
		{"GET", "/v1.0/me/messages/%2E%2E/%2E%2E/users", "", "", false, "outside"},
		{"GET", "/v1.0/me/messages/%252e%252e/contacts", "", "", false, "more than once"},
		{"GET", "/v1.0/me/%256dessages", "", "", false, "more than once"},
		{"GET", "/v1.0/me/messages%2f..%2fcontacts", "", "", false, "encoded slash"},
		{"GET", "/v1.0/me/messages%5c..%5ccontacts", "", "", false, "encoded slash"},
		{"GET", "/v1.0/me\\messages", "", "", false, "backslash"},
		{"GET", "/v1.0//me/messages", "", "", false, "empty segment"},
		{"GET", "/../../v1.0/me/messages", "", "", false, "above the root"},
		{"GET", "/v1.0/me/messages%00", "", "", false, "control"},
		{"GET", "/v1.0/me/messages%zz", "", "", false, "malformed"},
		// /users/{own id or upn} counts as /me; nobody else's.
		{"GET", "/v1.0/users/0b5c4a7e-0000-4000-8000-000000000001/messages", "", "", true, ""},
		{"GET", "/v1.0/users/Adele@Contoso.example/messages", "", "", true, ""},
		{"GET", "/v1.0/users/adele%40contoso.example/messages", "", "", true, ""},
		{"GET", "/v1.0/users/adele@contoso.example/contacts", "", "", false, "outside"},
		{"GET", "/v1.0/users/megan@contoso.example/messages", "", "", false, "outside"},
		// $expand reaches only what the grant allows.
		{"GET", "/v1.0/me/messages/abc", "$expand=attachments", "", false, "$expand=attachments"},
		{"GET", "/v1.0/me/messages", "$expand=attachments", "", false, "$expand"},
		{"GET", "/v1.0/me/messages", "expand=attachments", "", false, "$expand"},
		{"GET", "/v1.0/me/messages", "%24expand=attachments", "", false, "$expand"},
		{"GET", "/v1.0/me/messages", "$EXPAND=*", "", false, "$expand"},
		{"GET", "/v1.0/me/mailFolders/inbox", "$expand=messages($expand=attachments)", "", true, ""},
		{"GET", "/v1.0/me/mailFolders/inbox", "$expand=childFolders,messages", "", true, ""},
		{"GET", "/v1.0/me/mailFolders", "$expand=*", "", true, ""},
		{"GET", "/v1.0/me/messages", "$filter=isRead%20eq%20false", "", true, ""},
		// $batch items are checked one by one.
		{"POST", "/v1.0/$batch", "", batch([2]string{"GET", "/me/messages"}, [2]string{"GET", "me/messages/abc"}), true, ""},
		{"POST", "/v1.0/$batch", "", batch([2]string{"GET", "/me/messages"}, [2]string{"GET", "/me/contacts"}), false, `"2"`},
		{"POST", "/v1.0/$batch", "", batch([2]string{"DELETE", "/me/messages/abc"}), false, "outside"},
		{"POST", "/v1.0/$batch", "", batch([2]string{"GET", "/me/messages/x/../../contacts"}), false, "outside"},
		{"POST", "/v1.0/$batch", "", batch([2]string{"GET", "/me/messages?$expand=attachments"}), false, "$expand"},
		{"POST", "/v1.0/$batch", "", batch([2]string{"GET", "/users/megan@contoso.example/messages"}), false, "outside"},
		{"POST", "/v1.0/$batch", "", batch([2]string{"GET", "https://graph.microsoft.com/v1.0/me/contacts"}), false, "absolute"},
		{"POST", "/v1.0/$batch", "", batch([2]string{"POST", "/$batch"}), false, "inside a $batch"},
		{"POST", "/v1.0/$batch", "", batch([2]string{"POST", "/sendMail"}), false, "outside"},
		{"POST", "/beta/$batch", "", batch([2]string{"POST", "/me/sendMail"}), true, ""},
		{"POST", "/v1.0/$BATCH", "", "not json", false, "not a JSON batch"},
		{"POST", "/v1.0/%24batch", "", `{"requests":[]}`, false, "not a JSON batch"},
	} {
		body := tc.body
		req := Request{Method: tc.method, Path: tc.path, Query: tc.query, Graph: true, Self: self,
			Body: func() ([]byte, error) { return []byte(body), nil }}
		_, err := g.Check(req)
		if tc.ok && err != nil {
			t.Errorf("%s %s?%s: refused (%v), want allowed", tc.method, tc.path, tc.query, err)
		}
		if !tc.ok {
			if err == nil {
				t.Errorf("%s %s?%s: allowed, want refused (%s)", tc.method, tc.path, tc.query, tc.why)
			} else if !strings.Contains(err.Error(), tc.why) {
				t.Errorf("%s %s?%s: refused with %q, want it to mention %q", tc.method, tc.path, tc.query, err, tc.why)
			}
		}
	}
}

// TestCheckForwardsWhatWasChecked: the path sent upstream is the checked one, in its own case
// and escaping, without dot segments.
func TestCheckForwardsWhatWasChecked(t *testing.T) {
	g := mustGrant(t, "GET /v1.0/me/messages/*")
	got, err := g.Check(Request{Method: "GET", Path: "/v1.0/me/contacts/%2E%2E/messages/AAMk%2BAD=", Graph: true})
	if err != nil {
		t.Fatal(err)
	}
	if want := "/v1.0/me/messages/AAMk%2BAD="; got != want {
		t.Errorf("forwarded path %q, want %q", got, want)
	}
}

func TestNoRulesAllowsEveryPath(t *testing.T) {
	g := mustGrant(t)
	if _, err := g.Check(Request{Method: "DELETE", Path: "/beta/anything", Graph: true}); err != nil {
		t.Error(err)
	}
	if _, err := g.Check(Request{Method: "GET", Path: "/v1.0/%252e", Graph: true}); err == nil {
		t.Error("a doubly encoded path was allowed without rules")
	}
}

func TestNonGraphProvider(t *testing.T) {
	g := mustGrant(t, "GET /repos/**")
	if _, err := g.Check(Request{Method: "GET", Path: "/repos/a/b/issues"}); err != nil {
		t.Error(err)
	}
	if _, err := g.Check(Request{Method: "GET", Path: "/user"}); err == nil {
		t.Error("GET /user allowed")
	}
}

func TestParseRule(t *testing.T) {
	for _, s := range []string{"GET /v1.0/me/messages*", "* /beta/**", "PATCH /v1.0/me/events/*", "GET /v1.0/me/mailfolders/*/messages"} {
		r, err := ParseRule(s)
		if err != nil {
			t.Errorf("%q: %v", s, err)
			continue
		}
		if back, err := ParseRule(r.String()); err != nil || back.String() != r.String() {
			t.Errorf("%q does not round-trip: %q", s, r)
		}
	}
	for _, s := range []string{"", "GET", "/v1.0/me", "GET v1.0/me", "GET /*/me", "GET /**", "GET /v1.0/me/a**", "GET /v1.0/me?x=1",
		"GET /v1.0/%6de", "GET /v1.0/../me", "GET /v1.0//me", "G3T /v1.0/me", "GET /v1.0/me\\x"} {
		if _, err := ParseRule(s); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
}

func TestMatchSegments(t *testing.T) {
	for _, tc := range []struct {
		pat, path string
		ok        bool
	}{
		{"/v1.0/me/**", "/v1.0/me", true},
		{"/v1.0/me/**", "/v1.0/me/a/b/c", true},
		{"/v1.0/**/attachments", "/v1.0/me/messages/x/attachments", true},
		{"/v1.0/**/attachments", "/v1.0/me/messages/x", false},
		{"/v1.0/me/*", "/v1.0/me", false},
		{"/v1.0/me/*", "/v1.0/me/a/b", false},
		{"/v1.0/me/mess*es", "/v1.0/me/messages", true},
		{"/v1.0/me/mess*es", "/v1.0/me/messag", false},
	} {
		r, err := ParseRule("GET " + tc.pat)
		if err != nil {
			t.Fatal(err)
		}
		p, _ := Normalize(tc.path)
		if got := r.matches("GET", p.Segs); got != tc.ok {
			t.Errorf("%s on %s: %v, want %v", tc.pat, tc.path, got, tc.ok)
		}
	}
}

func TestParseConnection(t *testing.T) {
	if c, err := ParseConnection("microsoft:work"); err != nil || c != (Connection{"microsoft", "work"}) {
		t.Errorf("got %v, %v", c, err)
	}
	for _, s := range []string{"microsoft", ":work", "microsoft:", "a:b:c", "a b:c"} {
		if _, err := ParseConnection(s); err == nil {
			t.Errorf("%q parsed", s)
		}
	}
}
