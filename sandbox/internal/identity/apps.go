package identity

import (
	"github.com/authsome-go/authsome/internal/graphperm"
	"strings"
)

// The app registrations of the seeded tenant. They never change between runs.
const (
	// PublicClientID is a public client (no secret) with "Allow public client
	// flows" on and loopback redirect URIs http://localhost and http://127.0.0.1,
	// at "/" and at the original authsome's /auth/callback/oauth.
	PublicClientID = "5b9e2c74-1d3f-4a86-b0c7-e42f8a913d05"
	// ConfidentialClientID is a confidential client that authenticates with
	// ConfidentialClientSecret and holds application permissions (roles).
	ConfidentialClientID = "8d4a6f10-73be-4c2d-9e58-1b06f3c7a2e9"
	// ConfidentialClientSecret is the client secret of ConfidentialClientID.
	ConfidentialClientSecret = "sbx8Q~Zt3mVq9LrN2xKf7WcY4dHpJ1eGuB6oTaS0"
	// ConfidentialServicePrincipalID is the object id of the confidential
	// client's service principal: the oid and sub of its app-only tokens.
	ConfidentialServicePrincipalID = "e91f3b5a-2c64-4d87-b1a0-6d58c2f49e13"
	// NoPublicFlowsClientID is a public client whose "Allow public client flows"
	// setting is off: the device code and password grants fail with
	// AADSTS7000218 (after the code is approved, for device code).
	NoPublicFlowsClientID = "c2e7b935-4f18-46a0-8d3b-95a1e06f7c42"
)

// app is an app registration.
type app struct {
	ID          string
	Name        string
	Public      bool // no credentials; must never send a secret
	PublicFlows bool // "Allow public client flows" (device code, ROPC)
	Secret      string
	// RedirectURIs are matched with Microsoft's loopback rule: for
	// http://localhost and http://127.0.0.1 the port is ignored.
	RedirectURIs []string
	// DelegatedDefault are the statically configured delegated permissions
	// (what "/.default" expands to); they count as admin-consented.
	DelegatedDefault []string
	// Roles are the admin-consented application permissions.
	Roles []string
}

var seedApps = []app{
	{
		ID: PublicClientID, Name: "authsome sandbox (public client)", Public: true, PublicFlows: true,
		RedirectURIs: []string{"http://localhost", "http://127.0.0.1",
			"http://localhost/auth/callback/oauth", "http://127.0.0.1/auth/callback/oauth"},
		DelegatedDefault: []string{"User.Read"},
	},
	{
		ID: ConfidentialClientID, Name: "authsome sandbox (confidential client)", Secret: ConfidentialClientSecret,
		RedirectURIs:     []string{"http://localhost", "http://127.0.0.1"},
		DelegatedDefault: []string{"User.Read"},
		Roles: []string{
			"Calendars.Read", "Contacts.Read", "Files.Read.All", "Mail.Read", "Mail.Send", "Sites.Read.All", "Tasks.ReadWrite.All", "User.Read.All", "Group.Read.All",
		},
	},
	{
		ID: NoPublicFlowsClientID, Name: "authsome sandbox (public client flows disabled)", Public: true,
		RedirectURIs:     []string{"http://localhost", "http://127.0.0.1"},
		DelegatedDefault: []string{"User.Read"},
	},
}

func findApp(id string) *app {
	for i := range seedApps {
		if strings.EqualFold(seedApps[i].ID, id) {
			return &seedApps[i]
		}
	}
	return nil
}

// oidcScopes are the OpenID Connect scopes, in the order Microsoft echoes them.
var oidcScopes = map[string]string{
	"profile":        "View your basic profile",
	"openid":         "Sign you in",
	"email":          "View your email address",
	"offline_access": "Maintain access to data you have given it access to",
}

// canonicalDelegated returns the canonical spelling of a Graph delegated
// permission (every one Microsoft lists: package graphperm), or "" when
// there is no such permission.
func canonicalDelegated(name string) string {
	p, _ := graphperm.Delegated(name)
	return p.Name
}

// permissionText is what the consent page says a scope allows.
func permissionText(name string) string {
	if p, ok := graphperm.Delegated(name); ok {
		return p.Text
	}
	if t, ok := oidcScopes[name]; ok {
		return t
	}
	return name
}
