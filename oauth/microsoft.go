package oauth

import (
	"fmt"
	"net/url"
	"strings"

	"github.com/authsome-go/authsome/internal/guid"
	"github.com/authsome-go/authsome/internal/lazyre"
)

// Cloud is a Microsoft cloud: where its users sign in and where its Graph
// lives. Tokens of one cloud are not accepted by another, and apps are
// registered separately in each.
type Cloud struct {
	Name          string // "global", "usgov", "usgov-dod" or "china"
	AuthorityHost string // e.g. "https://login.microsoftonline.com"
	GraphHost     string // e.g. "https://graph.microsoft.com"
}

var clouds = []Cloud{
	{Name: "global", AuthorityHost: "https://login.microsoftonline.com", GraphHost: "https://graph.microsoft.com"},
	{Name: "usgov", AuthorityHost: "https://login.microsoftonline.us", GraphHost: "https://graph.microsoft.us"},
	{Name: "usgov-dod", AuthorityHost: "https://login.microsoftonline.us", GraphHost: "https://dod-graph.microsoft.us"},
	{Name: "china", AuthorityHost: "https://login.chinacloudapi.cn", GraphHost: "https://microsoftgraph.chinacloudapi.cn"},
}

// CloudNames lists the names [LookupCloud] accepts (besides "").
func CloudNames() []string {
	names := make([]string, len(clouds))
	for i, c := range clouds {
		names[i] = c.Name
	}
	return names
}

// LookupCloud returns the named cloud; "" means "global". GCC (moderate)
// tenants use "global"; GCC High is "usgov"; DoD is "usgov-dod"; "china" is
// the cloud operated by 21Vianet.
func LookupCloud(name string) (Cloud, error) {
	n := strings.ToLower(strings.TrimSpace(name))
	if n == "" {
		n = "global"
	}
	for _, c := range clouds {
		if c.Name == n {
			return c, nil
		}
	}
	return Cloud{}, fmt.Errorf("oauth: unknown cloud %q (valid: %s)", name, strings.Join(CloudNames(), ", "))
}

// IsGraphHost reports whether host (a host name, without port) is the Microsoft Graph of one
// of the clouds.
func IsGraphHost(host string) bool {
	for _, c := range clouds {
		if strings.EqualFold(strings.TrimPrefix(c.GraphHost, "https://"), host) {
			return true
		}
	}
	return false
}

// MicrosoftEndpoint returns the identity platform v2.0 endpoints for an
// authority host ("https://login.microsoftonline.com", or a sandbox URL) and
// tenant ("" means "common"). Microsoft has no revocation endpoint.
func MicrosoftEndpoint(authorityHost, tenant string) Endpoint {
	host := strings.TrimRight(authorityHost, "/")
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	if tenant == "" {
		tenant = "common"
	}
	base := host + "/" + url.PathEscape(tenant) + "/oauth2/v2.0/"
	return Endpoint{
		AuthURL:       base + "authorize",
		TokenURL:      base + "token",
		DeviceAuthURL: base + "devicecode",
	}
}

// oidcScopes are the scopes that never name a resource.
var oidcScopes = map[string]bool{"openid": true, "profile": true, "email": true, "offline_access": true}

// QualifyScopes prefixes short Graph scopes ("Mail.Read", ".default") with
// graphHost ("https://graph.microsoft.us/Mail.Read"), as national clouds
// require. OpenID scopes and scopes that already name a resource are kept.
// For the global Graph (or an empty graphHost) it returns an unchanged copy.
func QualifyScopes(scopes []string, graphHost string) []string {
	out := append([]string(nil), scopes...)
	host := strings.TrimRight(strings.TrimSpace(graphHost), "/")
	if host == "" {
		return out
	}
	if !strings.Contains(host, "://") {
		host = "https://" + host
	}
	if u, err := url.Parse(host); err == nil && strings.EqualFold(u.Hostname(), "graph.microsoft.com") {
		return out
	}
	for i, s := range out {
		if s == "" || oidcScopes[strings.ToLower(s)] || strings.Contains(s, "/") || strings.Contains(s, ":") {
			continue
		}
		out[i] = host + "/" + s
	}
	return out
}

var (
	// domainRE is compiled on first use: its bounded repeats are costly for start-up.
	domainRE = lazyre.New(`^(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?)(?:\.(?i:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?))*\.(?i:[a-z][a-z0-9-]{0,61}[a-z0-9])$`)
)

// IsGUID reports whether s is a GUID such as an Entra tenant or client id.
func IsGUID(s string) bool { return guid.Valid(s) }

// ValidateTenant accepts "" (meaning common), "common", "organizations",
// "consumers", a tenant GUID, or a domain such as contoso.onmicrosoft.com.
func ValidateTenant(t string) error {
	switch strings.ToLower(t) {
	case "", "common", "organizations", "consumers":
		return nil
	}
	if IsGUID(t) || (len(t) <= 253 && domainRE().MatchString(t)) {
		return nil
	}
	return fmt.Errorf("oauth: invalid tenant %q: use common, organizations, consumers, a tenant id (GUID) or a verified domain", t)
}
