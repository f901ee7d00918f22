package msalcache_test

import (
	"errors"
	"os"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"

	"github.com/authsome-go/authsome/broker/msalcache"
)

func parseFile(t *testing.T, name string) (*msalcache.Cache, error) {
	t.Helper()
	b, err := os.ReadFile("testdata/" + name)
	if err != nil {
		t.Fatal(err)
	}
	return msalcache.Parse(b)
}

// TestSignIns reads a sanitised cache as MSAL for Python (and so python-o365) writes it: two
// accounts in two clouds, one a guest in a second tenant, times as strings and numbers, and
// entries MSAL would skip.
func TestSignIns(t *testing.T) {
	c, err := parseFile(t, "msal_python.json")
	if err != nil {
		t.Fatal(err)
	}
	if len(c.Accounts) != 3 || len(c.RefreshTokens) != 2 || len(c.AccessTokens) != 2 || len(c.IDTokens) != 1 || len(c.Apps) != 1 {
		t.Fatalf("sections: %d accounts, %d refresh, %d access, %d id tokens, %d apps",
			len(c.Accounts), len(c.RefreshTokens), len(c.AccessTokens), len(c.IDTokens), len(c.Apps))
	}
	got := c.SignIns()
	want := []msalcache.SignIn{{
		Environment:   "login.microsoftonline.com",
		HomeAccountID: "00000000-0000-0000-0000-0000000000a1.11111111-1111-1111-1111-111111111111",
		ClientID:      "aaaaaaaa-0000-0000-0000-00000000c11e",
		Tenant:        "22222222-2222-2222-2222-222222222222", // the newest access token's realm
		Username:      "ada@contoso.example",
		ObjectID:      "00000000-0000-0000-0000-0000000000b2", // the guest object in that tenant
		Scopes: []string{"https://graph.microsoft.com/Calendars.Read", "https://graph.microsoft.com/User.Read",
			"https://graph.microsoft.com/Mail.Read"}, // every access token's, in the order of their keys
		RefreshToken: "sample-refresh-token-ada",
		AccessToken:  "sample-access-token-ada-1",
		TokenType:    "Bearer",
		Expiry:       time.Unix(1767229200, 0),
		ExtExpiry:    time.Unix(1767232800, 0),
		IDToken:      c.IDTokens[0].Secret,
	}, {
		Environment:   "login.microsoftonline.us",
		HomeAccountID: "00000000-0000-0000-0000-0000000000c3.33333333-3333-3333-3333-333333333333",
		ClientID:      "bbbbbbbb-0000-0000-0000-00000000c11e",
		Tenant:        "33333333-3333-3333-3333-333333333333",
		Username:      "grace@agency.example",
		ObjectID:      "00000000-0000-0000-0000-0000000000c3",
		Scopes:        []string{"https://graph.microsoft.us/Mail.Read", "https://graph.microsoft.us/User.Read"},
		RefreshToken:  "sample-refresh-token-grace",
	}}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sign-ins differ (-want +got):\n%s", diff)
	}
	for _, s := range got {
		if strings.Contains(s.String(), s.RefreshToken) || strings.Contains(s.String(), "sample-") {
			t.Errorf("String shows a token: %s", s)
		}
	}
	for _, r := range c.RefreshTokens {
		if strings.Contains(r.String(), r.Secret) {
			t.Errorf("Record.String shows its secret: %s", r)
		}
	}
}

func TestParseUnknownFormats(t *testing.T) {
	legacy, err := os.ReadFile("testdata/o365_legacy.txt")
	if err != nil {
		t.Fatal(err)
	}
	for name, tc := range map[string]struct{ in, says string }{
		"legacy o365":  {string(legacy), "python-o365 before 2.1"},
		"not JSON":     {"\x01\x02encrypted", "not a JSON object"},
		"JSON array":   {"[1,2]", "not a JSON object"},
		"other object": {`{"foo": {"bar": 1}}`, "none of the sections"},
		"bad section":  {`{"RefreshToken": [1]}`, "RefreshToken section"},
	} {
		_, err := msalcache.Parse([]byte(tc.in))
		if !errors.Is(err, msalcache.ErrUnknownFormat) || !strings.Contains(err.Error(), tc.says) {
			t.Errorf("%s: err = %v, want ErrUnknownFormat saying %q", name, err, tc.says)
		}
		if err != nil && strings.Contains(err.Error(), "sample-") {
			t.Errorf("%s: the error quotes the input: %v", name, err)
		}
	}
	if c, err := msalcache.Parse([]byte(`{"Account": {}}`)); err != nil || len(c.SignIns()) != 0 {
		t.Errorf("an empty cache: %v, %v", c, err)
	}
}

// TestUpdate renews a sign-in of the sample the way MSAL would: the refresh token's secret and
// the access token of the same scopes are replaced, everything else is kept.
func TestUpdate(t *testing.T) {
	raw, err := os.ReadFile("testdata/msal_python.json")
	if err != nil {
		t.Fatal(err)
	}
	c, err := msalcache.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	ada := c.SignIns()[0]
	now := time.Unix(1767300000, 0)
	out, err := msalcache.Update(raw, ada, msalcache.Renewed{AccessToken: "new-at", RefreshToken: "new-rt", Expiry: now.Add(time.Hour), Now: now,
		Scopes: []string{"https://graph.microsoft.com/User.Read", "https://graph.microsoft.com/Mail.Read"}})
	if err != nil {
		t.Fatal(err)
	}
	c2, err := msalcache.Parse(out)
	if err != nil {
		t.Fatal(err)
	}
	got := c2.SignIns()
	if len(got) != 2 || got[0].RefreshToken != "new-rt" || got[0].AccessToken != "new-at" || !got[0].Expiry.Equal(now.Add(time.Hour)) ||
		got[0].Tenant != ada.Tenant || got[1].RefreshToken != "sample-refresh-token-grace" {
		t.Fatalf("after Update: %v", got)
	}
	if len(c2.AccessTokens) != 2 || !strings.Contains(string(out), `"unknownEntity"`) || !strings.Contains(string(out), "last_modification_time") {
		t.Errorf("Update lost entries or fields:\n%s", out)
	}
	// Without a new refresh token the old one stays.
	out, err = msalcache.Update(out, got[0], msalcache.Renewed{AccessToken: "newer-at", Expiry: now.Add(2 * time.Hour), Now: now})
	if err != nil {
		t.Fatal(err)
	}
	if c3, _ := msalcache.Parse(out); c3.SignIns()[0].RefreshToken != "new-rt" {
		t.Error("a renewal without a rotated refresh token dropped the refresh token")
	}
}

// TestAdd writes the sample's sign-ins into a new cache: it reads back as the same sign-ins.
func TestAdd(t *testing.T) {
	c, err := parseFile(t, "msal_python.json")
	if err != nil {
		t.Fatal(err)
	}
	want := c.SignIns()
	var raw []byte
	for _, s := range want {
		if raw, err = msalcache.Add(raw, s); err != nil {
			t.Fatal(err)
		}
	}
	back, err := msalcache.Parse(raw)
	if err != nil {
		t.Fatal(err)
	}
	got := back.SignIns()
	for i := range want {
		want[i].ExtExpiry = got[i].ExtExpiry // Add records the access token's expiry as its extended one
	}
	if diff := cmp.Diff(want, got); diff != "" {
		t.Errorf("sign-ins after Add differ (-want +got):\n%s", diff)
	}
}
