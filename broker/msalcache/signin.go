package msalcache

import (
	"fmt"
	"slices"
	"strings"
	"time"
)

// SignIn is what one refresh token of a cache stands for: an account signed in to an
// application (client id) at an authority (environment), with the tokens it holds.
type SignIn struct {
	Environment   string // the authority host, such as login.microsoftonline.com
	HomeAccountID string // uid.utid: the account's object id and home tenant
	ClientID      string
	FamilyID      string // "1" for a refresh token of Microsoft's family of first-party apps
	// Tenant is the tenant that issued the tokens (the realm): the access token's, else the
	// account's; the home tenant when that is none or a multi-tenant alias (organizations).
	Tenant   string
	Username string // upn / preferred_username
	ObjectID string // oid in Tenant
	Name     string
	// Scopes are the scopes the cached access tokens were granted (else the refresh token's).
	Scopes       []string
	RefreshToken string
	// AccessToken is the cached access token that expires last ("" if none), with its expiry.
	AccessToken       string
	TokenType         string
	Expiry, ExtExpiry time.Time
	IDToken           string
}

// String describes the sign-in without its tokens.
func (s SignIn) String() string {
	return fmt.Sprintf("%s at %s (tenant %s, client %s, scopes %s)", or(s.Username, s.HomeAccountID), s.Environment, s.Tenant, s.ClientID, strings.Join(s.Scopes, " "))
}

// SignIns returns the cache's sign-ins, one per refresh token (for each account, environment
// and client id), sorted by environment, username and client id.
func (c *Cache) SignIns() []SignIn {
	var out []SignIn
	seen := map[[3]string]bool{}
	for _, rt := range c.RefreshTokens {
		k := [3]string{rt.HomeAccountID, rt.Environment, rt.ClientID}
		if seen[k] {
			continue
		}
		seen[k] = true
		out = append(out, c.signIn(rt))
	}
	slices.SortStableFunc(out, func(a, b SignIn) int {
		return strings.Compare(a.Environment+"\x00"+a.Username+"\x00"+a.ClientID, b.Environment+"\x00"+b.Username+"\x00"+b.ClientID)
	})
	return out
}

func (c *Cache) signIn(rt Record) SignIn {
	s := SignIn{
		Environment: rt.Environment, HomeAccountID: rt.HomeAccountID, ClientID: rt.ClientID,
		FamilyID: rt.FamilyID, RefreshToken: rt.Secret,
	}
	same := func(r Record) bool {
		return r.HomeAccountID == rt.HomeAccountID && r.Environment == rt.Environment && r.ClientID == rt.ClientID
	}
	var best *Record
	for i, at := range c.AccessTokens {
		if !same(at) || (at.TokenType != "" && !strings.EqualFold(at.TokenType, "bearer")) {
			continue
		}
		s.Scopes = appendNew(s.Scopes, strings.Fields(at.Target)...)
		if best == nil || at.ExpiresOn.After(best.ExpiresOn.Time) {
			best = &c.AccessTokens[i]
		}
	}
	if len(s.Scopes) == 0 {
		s.Scopes = strings.Fields(rt.Target)
	}
	if best != nil {
		s.AccessToken, s.TokenType, s.Expiry, s.ExtExpiry, s.Tenant = best.Secret, "Bearer", best.ExpiresOn.Time, best.ExtExpiresOn.Time, best.Realm
		if best.TokenType != "" {
			s.TokenType = best.TokenType
		}
	}
	_, home, _ := strings.Cut(rt.HomeAccountID, ".")
	if acct := c.account(rt, s.Tenant, home); acct != nil {
		s.Username, s.ObjectID, s.Name = acct.Username, acct.LocalAccountID, acct.Name
		s.Tenant = or(s.Tenant, acct.Realm)
	}
	if s.Tenant == "" || multiTenant[strings.ToLower(s.Tenant)] {
		s.Tenant = or(home, s.Tenant) // MSAL for Go records "organizations" as the realm of such an authority
	}
	for _, id := range c.IDTokens {
		if same(id) && (s.IDToken == "" || id.Realm == s.Tenant) {
			s.IDToken = id.Secret
		}
	}
	return s
}

// account returns the Account record of rt's account: the one in tenant, else in the home
// tenant, else any.
func (c *Cache) account(rt Record, tenant, home string) *Record {
	var found *Record
	for i, a := range c.Accounts {
		if a.HomeAccountID != rt.HomeAccountID || a.Environment != rt.Environment {
			continue
		}
		switch {
		case tenant != "" && a.Realm == tenant:
			return &c.Accounts[i]
		case found == nil, a.Realm == home:
			found = &c.Accounts[i]
		}
	}
	return found
}

// multiTenant are the realms of authorities that are not one tenant.
var multiTenant = map[string]bool{"common": true, "organizations": true, "consumers": true}

func appendNew(list []string, items ...string) []string {
	for _, it := range items {
		if !slices.ContainsFunc(list, func(s string) bool { return strings.EqualFold(s, it) }) {
			list = append(list, it)
		}
	}
	return list
}

func or(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
