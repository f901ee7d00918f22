package identity

import (
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"net/http"
	"net/url"
	"strings"
)

// openIDConfig is the OpenID Provider metadata, shaped like Microsoft's v2.0 document.
type openIDConfig struct {
	TokenEndpoint                     string   `json:"token_endpoint"`
	TokenEndpointAuthMethodsSupported []string `json:"token_endpoint_auth_methods_supported"`
	JWKSURI                           string   `json:"jwks_uri"`
	ResponseModesSupported            []string `json:"response_modes_supported"`
	SubjectTypesSupported             []string `json:"subject_types_supported"`
	IDTokenSigningAlgValuesSupported  []string `json:"id_token_signing_alg_values_supported"`
	ResponseTypesSupported            []string `json:"response_types_supported"`
	ScopesSupported                   []string `json:"scopes_supported"`
	Issuer                            string   `json:"issuer"`
	RequestURIParameterSupported      bool     `json:"request_uri_parameter_supported"`
	UserinfoEndpoint                  string   `json:"userinfo_endpoint"`
	AuthorizationEndpoint             string   `json:"authorization_endpoint"`
	DeviceAuthorizationEndpoint       string   `json:"device_authorization_endpoint"`
	HTTPLogoutSupported               bool     `json:"http_logout_supported"`
	FrontchannelLogoutSupported       bool     `json:"frontchannel_logout_supported"`
	EndSessionEndpoint                string   `json:"end_session_endpoint"`
	ClaimsSupported                   []string `json:"claims_supported"`
	KerberosEndpoint                  string   `json:"kerberos_endpoint"`
	CodeChallengeMethodsSupported     []string `json:"code_challenge_methods_supported"`
	TenantRegionScope                 *string  `json:"tenant_region_scope"`
	CloudInstanceName                 string   `json:"cloud_instance_name"`
	CloudGraphHostName                string   `json:"cloud_graph_host_name"`
	MSGraphHost                       string   `json:"msgraph_host"`
	RBACURL                           string   `json:"rbac_url"`
}

// handleOpenIDConfig serves /{tenant}/v2.0/.well-known/openid-configuration.
// Multi-tenant segments keep their name in the endpoints and use the
// {tenantid} placeholder in the issuer, like Microsoft.
func (s *Platform) handleOpenIDConfig(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("tenant")
	kind := resolveTenant(seg)
	if kind == tenantUnknown {
		e := errUnknownTenant(seg)
		e.Code = "invalid_tenant"
		s.writeAAD(w, r, e)
		return
	}
	base := graphkit.BaseURL(r)
	pathSeg, issuerTenant := strings.ToLower(seg), "{tenantid}"
	var region *string
	if kind == tenantSpecific {
		pathSeg, issuerTenant = directory.TenantID, directory.TenantID
		na := "NA"
		region = &na
	}
	host := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	ep := base + "/" + pathSeg
	graphkit.WriteJSONStatus(w, http.StatusOK, openIDConfig{
		TokenEndpoint:                     ep + "/oauth2/v2.0/token",
		TokenEndpointAuthMethodsSupported: []string{"client_secret_post", "private_key_jwt", "client_secret_basic"},
		JWKSURI:                           ep + "/discovery/v2.0/keys",
		ResponseModesSupported:            []string{"query", "fragment", "form_post"},
		SubjectTypesSupported:             []string{"pairwise"},
		IDTokenSigningAlgValuesSupported:  []string{"RS256"},
		ResponseTypesSupported:            []string{"code", "id_token", "code id_token", "id_token token"},
		ScopesSupported:                   []string{"openid", "profile", "email", "offline_access"},
		Issuer:                            base + "/" + issuerTenant + "/v2.0",
		UserinfoEndpoint:                  base + "/oidc/userinfo",
		AuthorizationEndpoint:             ep + "/oauth2/v2.0/authorize",
		DeviceAuthorizationEndpoint:       ep + "/oauth2/v2.0/devicecode",
		HTTPLogoutSupported:               true,
		FrontchannelLogoutSupported:       true,
		EndSessionEndpoint:                ep + "/oauth2/v2.0/logout",
		ClaimsSupported: []string{"sub", "iss", "cloud_instance_name", "cloud_instance_host_name",
			"cloud_graph_host_name", "msgraph_host", "aud", "exp", "iat", "auth_time", "acr", "nonce",
			"preferred_username", "name", "tid", "ver", "at_hash", "c_hash", "email"},
		KerberosEndpoint:              ep + "/kerberos",
		CodeChallengeMethodsSupported: []string{"S256"},
		TenantRegionScope:             region,
		CloudInstanceName:             "microsoftonline.com",
		CloudGraphHostName:            "graph.windows.net",
		MSGraphHost:                   host,
		RBACURL:                       "https://pas.windows.net",
	})
}

// handleKeys serves the JWKS at /{tenant}/discovery/v2.0/keys.
func (s *Platform) handleKeys(w http.ResponseWriter, r *http.Request) {
	seg := r.PathValue("tenant")
	kind := resolveTenant(seg)
	if kind == tenantUnknown {
		e := errUnknownTenant(seg)
		e.Code = "invalid_tenant"
		s.writeAAD(w, r, e)
		return
	}
	issuerTenant := "{tenantid}"
	if kind == tenantSpecific {
		issuerTenant = directory.TenantID
	}
	graphkit.WriteJSONStatus(w, http.StatusOK, s.signer.JWKS(graphkit.BaseURL(r)+"/"+issuerTenant+"/v2.0"))
}

// InstanceMetadata is an entry of the instance discovery answer's metadata.
type InstanceMetadata struct {
	PreferredNetwork string   `json:"preferred_network"`
	PreferredCache   string   `json:"preferred_cache"`
	Aliases          []string `json:"aliases"`
}

// handleInstanceDiscovery serves /common/discovery/instance, which MSAL calls
// to validate an authority: api-version=1.1&authorization_endpoint=...
func (s *Platform) handleInstanceDiscovery(w http.ResponseWriter, r *http.Request) {
	q := r.URL.Query()
	base := graphkit.BaseURL(r)
	host := strings.TrimPrefix(strings.TrimPrefix(base, "https://"), "http://")
	tenant := "common"
	if ae := q.Get("authorization_endpoint"); ae != "" {
		u, err := url.Parse(ae)
		if err != nil || !strings.EqualFold(u.Host, host) {
			e := newAAD(400, "invalid_instance", 50049,
				"Unknown or invalid instance. The sandbox only knows the authority host %s.", host)
			s.writeAAD(w, r, e)
			return
		}
		parts := strings.Split(strings.TrimPrefix(u.Path, "/"), "/")
		if len(parts) > 0 && parts[0] != "" {
			tenant = parts[0]
		}
	}
	if resolveTenant(tenant) == tenantUnknown {
		tenant = "common"
	}
	graphkit.WriteJSONStatus(w, http.StatusOK, map[string]any{
		"tenant_discovery_endpoint": base + "/" + tenant + "/v2.0/.well-known/openid-configuration",
		"api-version":               "1.1",
		"metadata": []InstanceMetadata{{
			PreferredNetwork: host, PreferredCache: host, Aliases: []string{host},
		}},
	})
}

// handleUserRealm serves /common/UserRealm/{user}, which MSAL calls before
// the password grant. Every seeded domain is managed (not federated).
func (s *Platform) handleUserRealm(w http.ResponseWriter, r *http.Request) {
	user := r.PathValue("user")
	domain := directory.TenantDomain
	if i := strings.LastIndex(user, "@"); i >= 0 {
		domain = user[i+1:]
	}
	typ := "Unknown"
	if strings.EqualFold(domain, directory.TenantDomain) {
		typ = "Managed"
	}
	graphkit.WriteJSONStatus(w, http.StatusOK, map[string]string{
		"ver":                 "1.0",
		"account_type":        typ,
		"domain_name":         strings.ToLower(domain),
		"cloud_instance_name": "microsoftonline.com",
		"cloud_audience_urn":  "urn:federation:MicrosoftOnline",
	})
}
