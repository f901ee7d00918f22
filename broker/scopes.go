package broker

import (
	"errors"
	"fmt"
	"strings"

	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// offlineAccess is the OpenID Connect scope that asks for a refresh token.
const offlineAccess = "offline_access"

// RefreshScope returns the scope a delegated sign-in of def always asks for, whatever
// --scopes says, so that the connection can refresh: offline_access for Microsoft, and for
// any provider whose default scopes include it; "" for the others (their refresh tokens, if
// any, do not depend on a scope).
func RefreshScope(def *provider.Definition) string {
	if def.IsMicrosoft() {
		return offlineAccess
	}
	for _, s := range def.DefaultScopes() {
		if strings.EqualFold(s, offlineAccess) {
			return s
		}
	}
	return ""
}

// scopeRequest settles the scopes of a login: presets expanded, and with AddScopes the
// union with the existing connection's scopes (or the provider's defaults), the existing
// connection's flow, cloud, tenant and base URL kept unless given.
func scopeRequest(def *provider.Definition, req LoginRequest, existing *vault.Connection) (LoginRequest, error) {
	if len(req.Scopes) > 0 && def.AuthType != provider.AuthOAuth2 {
		return req, fmt.Errorf("%s uses an API key: it has no scopes", def.Name)
	}
	scopes, err := def.ExpandScopes(req.Scopes)
	if err != nil {
		return req, err
	}
	req.Scopes = scopes
	if !req.AddScopes {
		return req, nil
	}
	if len(req.Scopes) == 0 {
		return req, errors.New("no scopes to add")
	}
	base := def.DefaultScopes()
	if existing != nil {
		if existing.Flow == string(provider.FlowClientCredentials) && req.Flow == "" {
			return req, fmt.Errorf("%s/%s is an app-only connection: its permissions are the app's (granted in its registration), not scopes asked at sign-in", def.Name, req.Connection)
		}
		base = existing.Scopes
		req.Force = true
		if req.Flow == "" {
			req.Flow = provider.Flow(existing.Flow)
		}
		if req.Cloud == "" {
			req.Cloud = existing.Cloud
		}
		if req.Tenant == "" && def.IsMicrosoft() {
			req.Tenant = existing.Tenant
		}
		if req.BaseURL == "" {
			req.BaseURL = existing.Metadata[MetadataBaseURL]
		}
	}
	req.Scopes = appendMissing(base, req.Scopes...)
	return req, nil
}
