package proxy

import (
	"github.com/authsome-go/authsome/internal/graphperm"
	"github.com/authsome-go/authsome/oauth"
)

// GraphNeeds says, for a request to host that was answered 403, which delegated permission
// Microsoft lists as the least privileged for it (method and path, without query) and the
// command that adds it to the connection ("authsome login microsoft --scopes +Mail.Send");
// both "" when host is not Microsoft Graph or the request is not in the table. (An app-only
// connection needs the application permission in the app's registration instead.)
func GraphNeeds(prov, connection, method, host, path string) (needs, hint string) {
	if !oauth.IsGraphHost(host) {
		return "", ""
	}
	g, _, ok := graphperm.Lookup(method, path)
	if !ok || g.LeastDelegated == "" {
		return "", ""
	}
	needs = g.LeastDelegated
	if prov != "" {
		hint = "authsome login " + prov + " --scopes +" + needs
		// "default" is the connection login signs in when --connection is left out
		// (broker.DefaultConnection; the proxy does not import the broker).
		if connection != "" && connection != "default" {
			hint += " --connection " + connection
		}
	}
	return needs, hint
}
