package identity

import (
	"context"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/token"
	"slices"
	"sort"
	"strings"
)

// scopeSet is a parsed scope parameter for a delegated (user) flow. All Graph
// permissions are canonical short names ("Mail.Read").
type scopeSet struct {
	Graph []string
	OIDC  map[string]bool // openid, profile, email, offline_access
}

func (ss scopeSet) has(oidc string) bool { return ss.OIDC[oidc] }

// list is the form stored in codes and refresh tokens.
func (ss scopeSet) list() []string {
	out := append([]string(nil), ss.Graph...)
	for _, o := range []string{"profile", "openid", "email", "offline_access"} {
		if ss.OIDC[o] {
			out = append(out, o)
		}
	}
	return out
}

// responseScope is the "scope" of a token response: Graph permissions by
// their short names followed by the OpenID scopes, as Microsoft returns them
// (offline_access is not echoed).
func (ss scopeSet) responseScope() string {
	out := append([]string(nil), ss.Graph...)
	for _, o := range []string{"profile", "openid", "email"} {
		if ss.OIDC[o] {
			out = append(out, o)
		}
	}
	return strings.Join(out, " ")
}

// scp is the access token's scp claim: permissions and OpenID scopes, sorted.
func (ss scopeSet) scp() string {
	out := append([]string(nil), ss.Graph...)
	for _, o := range []string{"profile", "openid", "email"} {
		if ss.OIDC[o] {
			out = append(out, o)
		}
	}
	sort.Slice(out, func(i, j int) bool { return strings.ToLower(out[i]) < strings.ToLower(out[j]) })
	return strings.Join(out, " ")
}

// scopeSetFrom rebuilds a scopeSet from its stored list.
func scopeSetFrom(list []string) scopeSet {
	ss := scopeSet{OIDC: map[string]bool{}}
	for _, s := range list {
		if _, ok := oidcScopes[s]; ok {
			ss.OIDC[s] = true
		} else {
			ss.Graph = append(ss.Graph, s)
		}
	}
	return ss
}

// splitResource splits "https://graph.microsoft.com/Mail.Read" into resource
// and permission; a short name has no resource.
func splitResource(scope string) (resource, perm string) {
	if strings.Contains(scope, "://") || strings.HasPrefix(strings.ToLower(scope), token.GraphAppID+"/") {
		i := strings.LastIndex(scope, "/")
		return strings.TrimRight(scope[:i], "/"), scope[i+1:]
	}
	return "", scope
}

// isGraphResource reports whether resource names Microsoft Graph; the
// sandbox's own base URL counts, since it serves Graph too.
func isGraphResource(resource, base string) bool {
	r := strings.ToLower(strings.TrimRight(resource, "/"))
	return r == token.GraphResource || r == token.GraphAppID || (base != "" && r == strings.ToLower(base))
}

func errUnknownResource(resource string) *aadError {
	return newAAD(400, "invalid_resource", 500011,
		"The resource principal named %s was not found in the tenant named %s. This can happen if the application has not been installed by the administrator of the tenant or consented to by any user in the tenant. You might have sent your authentication request to the wrong tenant.",
		resource, directory.TenantName)
}

// parseScopes parses the scope parameter of a delegated flow. "/.default"
// expands to the app's statically configured permissions.
func parseScopes(raw, base string, a *app) (scopeSet, *aadError) {
	ss := scopeSet{OIDC: map[string]bool{}}
	fields := strings.Fields(raw)
	if len(fields) == 0 {
		return ss, newAAD(400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter.")
	}
	def := false
	for _, f := range fields {
		if _, ok := oidcScopes[strings.ToLower(f)]; ok {
			ss.OIDC[strings.ToLower(f)] = true
			continue
		}
		res, perm := splitResource(f)
		if res != "" && !isGraphResource(res, base) {
			return ss, errUnknownResource(res)
		}
		if perm == ".default" {
			def = true
			continue
		}
		c := canonicalDelegated(perm)
		if c == "" {
			return ss, errInvalidScope("The scope '%s' does not exist.", f)
		}
		if !slices.Contains(ss.Graph, c) {
			ss.Graph = append(ss.Graph, c)
		}
	}
	if def {
		if len(ss.Graph) > 0 {
			return ss, errInvalidScope("The scope '%s' is not valid. The .default scope can't be combined with resource-specific scopes.", raw)
		}
		ss.Graph = append(ss.Graph, a.DelegatedDefault...)
	}
	return ss, nil
}

// checkAppScope validates the scope of a client credentials request: exactly
// one "<resource>/.default" for Microsoft Graph. OpenID scopes are ignored,
// as Microsoft does (MSAL always appends them).
func checkAppScope(raw, base string) *aadError {
	var fields []string
	for _, f := range strings.Fields(raw) {
		if _, ok := oidcScopes[strings.ToLower(f)]; !ok {
			fields = append(fields, f)
		}
	}
	if len(fields) == 0 {
		return newAAD(400, "invalid_scope", 70011, "The provided request must include a 'scope' input parameter.")
	}
	for _, f := range fields {
		res, perm := splitResource(f)
		if perm != ".default" || res == "" {
			return newAAD(400, "invalid_scope", 1002012,
				"The provided value for scope %s is not valid. Client credential flows must have a scope value with /.default suffixed to the resource identifier (application ID URI).", f)
		}
		if !isGraphResource(res, base) {
			return errUnknownResource(res)
		}
	}
	if len(fields) > 1 {
		return errInvalidScope("The scope '%s' is not valid. Only one resource can be requested.", raw)
	}
	return nil
}

// consented returns the permissions user granted to client (plus the app's
// admin-consented defaults); call with s.mu held.
func (s *Platform) consented(a *app, userID string) []string {
	out := append([]string(nil), a.DelegatedDefault...)
	return append(out, s.st.Consents[a.ID+"|"+userID]...)
}

// grantConsent records that user granted perms to client; call with s.mu held.
func (s *Platform) grantConsent(ctx context.Context, a *app, userID string, perms []string) {
	key := a.ID + "|" + userID
	touch(ctx, preConsent+key)
	cur := s.st.Consents[key]
	for _, p := range perms {
		if !slices.Contains(cur, p) && !slices.Contains(a.DelegatedDefault, p) {
			cur = append(cur, p)
		}
	}
	sort.Strings(cur)
	s.st.Consents[key] = cur
}
