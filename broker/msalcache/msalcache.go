// Package msalcache reads the token cache that Microsoft's MSAL libraries (MSAL for Python,
// .NET, Java, Go, JavaScript) serialise, which is also python-o365's token file (o365_token.txt,
// from O365 2.1 on). The cache is one JSON object with the sections Account, RefreshToken,
// AccessToken, IdToken and AppMetadata, each mapping a key such as
// home_account_id-environment-credentialtype-client_id-realm-target to a record.
//
// [Parse] decodes a cache; [Cache.SignIns] groups its records into sign-ins, one per refresh
// token: who signed in (account), where (environment, tenant), with which application (client
// id) and for which scopes. Errors and String methods never contain a token.
package msalcache

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"maps"
	"slices"
	"strconv"
	"strings"
	"time"
)

// ErrUnknownFormat means the input is not an MSAL token cache.
var ErrUnknownFormat = errors.New("not an MSAL token cache")

// Record is one entry of a credential section (RefreshToken, AccessToken, IdToken) or of the
// Account section; each section uses the fields that apply to it.
type Record struct {
	HomeAccountID  string `json:"home_account_id"`
	Environment    string `json:"environment"`
	Realm          string `json:"realm"`
	CredentialType string `json:"credential_type"`
	ClientID       string `json:"client_id"`
	Secret         string `json:"secret"` // the token (a secret)
	Target         string `json:"target"` // space-separated scopes
	FamilyID       string `json:"family_id"`
	TokenType      string `json:"token_type"`
	ExpiresOn      Unix   `json:"expires_on"`
	ExtExpiresOn   Unix   `json:"extended_expires_on"`
	CachedAt       Unix   `json:"cached_at"`
	// Account section.
	LocalAccountID string `json:"local_account_id"` // the object id (oid)
	Username       string `json:"username"`         // upn / preferred_username
	Name           string `json:"name"`
	AuthorityType  string `json:"authority_type"`
}

// String describes the record without its secret.
func (r Record) String() string {
	secret := "none"
	if r.Secret != "" {
		secret = "[redacted]"
	}
	return fmt.Sprintf("%s %s/%s client %s realm %s (secret %s)", r.CredentialType, r.Environment, r.HomeAccountID, r.ClientID, r.Realm, secret)
}

// Unix is a time MSAL writes as Unix seconds, in a string ("1700000000") or a number.
type Unix struct{ time.Time }

// UnmarshalJSON accepts a number, a string of digits, or an empty string (zero time).
func (u *Unix) UnmarshalJSON(b []byte) error {
	s := strings.Trim(string(b), `"`)
	if s == "" || s == "null" {
		u.Time = time.Time{}
		return nil
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil {
		return fmt.Errorf("msalcache: time %q is not Unix seconds", s)
	}
	u.Time = time.Unix(int64(f), 0)
	return nil
}

// Cache is a decoded MSAL token cache. Records lacking the fields their section needs are
// dropped, as MSAL drops them.
type Cache struct {
	Accounts      []Record
	RefreshTokens []Record
	AccessTokens  []Record
	IDTokens      []Record
	Apps          []Record // AppMetadata: client id, environment, family id
}

// sections of the cache, and whether a record of each needs a secret.
var sections = []struct {
	name   string
	secret bool
	get    func(*Cache) *[]Record
}{
	{"Account", false, func(c *Cache) *[]Record { return &c.Accounts }},
	{"RefreshToken", true, func(c *Cache) *[]Record { return &c.RefreshTokens }},
	{"AccessToken", true, func(c *Cache) *[]Record { return &c.AccessTokens }},
	{"IdToken", true, func(c *Cache) *[]Record { return &c.IDTokens }},
	{"AppMetadata", false, func(c *Cache) *[]Record { return &c.Apps }},
}

// Parse decodes an MSAL token cache. Input that is not one is an error wrapping
// [ErrUnknownFormat] that says what it looks like instead (never quoting its content).
func Parse(b []byte) (*Cache, error) {
	b = bytes.TrimPrefix(b, []byte("\xef\xbb\xbf"))
	var top map[string]json.RawMessage
	if err := json.Unmarshal(b, &top); err != nil {
		return nil, fmt.Errorf("%w: it is not a JSON object (a cache encrypted by msal-extensions or by an O365 cryptography manager must be decrypted first)", ErrUnknownFormat)
	}
	if _, ok := top["access_token"]; ok {
		return nil, fmt.Errorf("%w: it is a single OAuth token (python-o365 before 2.1 wrote these), which does not record the application's client id or tenant; sign in again with `authsome login microsoft`", ErrUnknownFormat)
	}
	c := new(Cache)
	found := false
	for _, s := range sections {
		raw, ok := top[s.name]
		if !ok || string(raw) == "null" {
			continue
		}
		found = true
		var entries map[string]json.RawMessage
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, fmt.Errorf("%w: its %s section is not an object", ErrUnknownFormat, s.name)
		}
		for _, k := range slices.Sorted(maps.Keys(entries)) {
			var r Record
			if json.Unmarshal(entries[k], &r) != nil || r.Environment == "" || (s.secret && (r.Secret == "" || r.ClientID == "")) {
				continue // an entry MSAL would not use either
			}
			*s.get(c) = append(*s.get(c), r)
		}
	}
	if !found {
		return nil, fmt.Errorf("%w: it has none of the sections Account, RefreshToken, AccessToken, IdToken, AppMetadata", ErrUnknownFormat)
	}
	return c, nil
}
