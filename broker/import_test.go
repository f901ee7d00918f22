package broker_test

import (
	"errors"
	"os"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/broker/msalcache"
)

func sampleCache(t *testing.T) []byte {
	t.Helper()
	b, err := os.ReadFile("msalcache/testdata/msal_python.json")
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// TestImportMSALSample imports the committed sanitised MSAL for Python cache: two sign-ins in
// two clouds become two connections named after their accounts.
func TestImportMSALSample(t *testing.T) {
	t.Parallel()
	f := newFixture(t)
	conns, err := f.b.ImportMSAL(t.Context(), broker.ImportRequest{Cache: sampleCache(t), Source: broker.ImportO365})
	if err != nil {
		t.Fatal(err)
	}
	if len(conns) != 2 {
		t.Fatalf("%d connections, want 2", len(conns))
	}
	ada := f.stored(t, "microsoft", "ada")
	if ada.Cloud != "global" || ada.Tenant != "22222222-2222-2222-2222-222222222222" || ada.ClientID != "aaaaaaaa-0000-0000-0000-00000000c11e" ||
		ada.Account.Username != "ada@contoso.example" || ada.Account.ObjectID != "00000000-0000-0000-0000-0000000000b2" || ada.Account.Name != "Ada Lovelace" ||
		ada.RefreshToken != "sample-refresh-token-ada" || ada.AccessToken != "sample-access-token-ada-1" ||
		ada.Metadata[broker.MetadataImportedFrom] != broker.ImportO365 || ada.Status != broker.StatusConnected ||
		ada.AuthorityURL != "https://login.microsoftonline.com" || ada.GraphURL != "https://graph.microsoft.com" {
		t.Errorf("ada: %+v", ada.LogValue())
	}
	for _, s := range []string{"https://graph.microsoft.com/Mail.Read", "https://graph.microsoft.com/Calendars.Read", "offline_access", "openid"} {
		if !hasScope(ada.Scopes, s) {
			t.Errorf("ada's scopes %v lack %s", ada.Scopes, s)
		}
	}
	grace := f.stored(t, "microsoft", "grace")
	if grace.Cloud != "usgov" || grace.Tenant != "33333333-3333-3333-3333-333333333333" || grace.AccessToken != "" || !grace.Expiry.IsZero() {
		t.Errorf("grace: cloud %q tenant %q, access token %t, expiry %v", grace.Cloud, grace.Tenant, grace.AccessToken != "", grace.Expiry)
	}

	// Importing again would replace them: refused without Force, and nothing changes.
	_, err = f.b.ImportMSAL(t.Context(), broker.ImportRequest{Cache: sampleCache(t)})
	if !errors.Is(err, broker.ErrAlreadyExists) || strings.Contains(err.Error(), "sample-") {
		t.Fatalf("second import: %v, want ErrAlreadyExists without a token", err)
	}
	if _, err := f.b.ImportMSAL(t.Context(), broker.ImportRequest{Cache: sampleCache(t), Force: true}); err != nil {
		t.Fatalf("import with Force: %v", err)
	}
	if f.stored(t, "microsoft", "ada").Metadata[broker.MetadataImportedFrom] != broker.ImportMSALCache {
		t.Error("Force did not replace the connection")
	}

	// One sign-in under a name of the caller's choice, and the cloud given where the host is ambiguous.
	conns, err = f.b.ImportMSAL(t.Context(), broker.ImportRequest{Cache: sampleCache(t), Account: "GRACE@agency.example", Connection: "gov", Cloud: "usgov-dod"})
	if err != nil || len(conns) != 1 || conns[0].Name != "gov" || f.stored(t, "microsoft", "gov").GraphURL != "https://dod-graph.microsoft.us" {
		t.Fatalf("import of one account: %v, %v", conns, err)
	}
	for name, req := range map[string]broker.ImportRequest{
		"several into one name": {Cache: sampleCache(t), Connection: "x"},
		"unknown account":       {Cache: sampleCache(t), Account: "nobody@example.com"},
		"bad connection name":   {Cache: sampleCache(t), Account: "ada@contoso.example", Connection: "../x"},
		"unknown format":        {Cache: []byte(`{"access_token": "sample-at", "refresh_token": "sample-rt"}`)},
	} {
		_, err := f.b.ImportMSAL(t.Context(), req)
		if err == nil || strings.Contains(err.Error(), "sample-") {
			t.Errorf("%s: err = %v", name, err)
		}
	}
	if _, err := f.b.ImportMSAL(t.Context(), broker.ImportRequest{Cache: []byte("{}")}); !errors.Is(err, msalcache.ErrUnknownFormat) {
		t.Errorf("an empty object: %v, want ErrUnknownFormat", err)
	}
}
