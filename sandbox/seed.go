package sandbox

import (
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/identity"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/token"
)

// Fixed identifiers of the seeded tenant and its app registrations. They never
// change between runs, so tests and documentation can refer to them directly.
const (
	// TenantID is the directory (tenant) id of the seeded tenant.
	TenantID = directory.TenantID
	// TenantDomain is the verified domain of the seeded tenant. It is accepted
	// in place of TenantID in the tenant path segment.
	TenantDomain = directory.TenantDomain
	// TenantName is the display name of the seeded tenant.
	TenantName = directory.TenantName
	// SharePointHost is the seeded tenant's SharePoint host name: sites are
	// addressed by it ("/sites/{host}:/sites/product") and their ids start
	// with it.
	SharePointHost = directory.SharePointHost
	// ProductTeamGroupID is the seeded "Product Team" Microsoft 365 group,
	// whose team site is /sites/product (members: Adele Vance, Alex Wilber
	// and Megan Bowen).
	ProductTeamGroupID = directory.ProductTeamID
	// MarketingGroupID is the seeded "Marketing" security group (Alex
	// Wilber, Megan Bowen).
	MarketingGroupID = directory.MarketingID
	// LeadershipGroupID is the seeded "Leadership" security group: Patti
	// Fernandez, Nestor Wilke and, nested, the Marketing group.
	LeadershipGroupID = directory.LeadershipID
	// AllCompanyGroupID is the seeded "All Company" Microsoft 365 group of
	// every seeded user.
	AllCompanyGroupID = directory.AllCompanyID

	// PublicClientID is a public client (no secret) with "Allow public client
	// flows" on and loopback redirect URIs http://localhost and http://127.0.0.1.
	PublicClientID = identity.PublicClientID
	// ConfidentialClientID is a confidential client that authenticates with
	// ConfidentialClientSecret and holds application permissions (roles).
	ConfidentialClientID = identity.ConfidentialClientID
	// ConfidentialClientSecret is the client secret of ConfidentialClientID.
	ConfidentialClientSecret = identity.ConfidentialClientSecret
	// ConfidentialServicePrincipalID is the object id of the confidential
	// client's service principal: the oid and sub of its app-only tokens.
	ConfidentialServicePrincipalID = identity.ConfidentialServicePrincipalID
	// NoPublicFlowsClientID is a public client whose "Allow public client flows"
	// setting is off: the device code and password grants fail with
	// AADSTS7000218 (after the code is approved, for device code).
	NoPublicFlowsClientID = identity.NoPublicFlowsClientID

	// GraphAppID is the well-known application id of Microsoft Graph; it is
	// accepted as a resource identifier in scopes and as a token audience.
	GraphAppID = token.GraphAppID
	// GraphResource is the audience of access tokens issued for Graph.
	GraphResource = token.GraphResource
)

// User is a directory user.
type User = directory.User

// Seeded user ids.
const (
	AdeleVanceID     = directory.AdeleVanceID
	AlexWilberID     = directory.AlexWilberID
	MeganBowenID     = directory.MeganBowenID
	NestorWilkeID    = directory.NestorWilkeID
	PattiFernandezID = directory.PattiFernandezID
)

// stableID returns a deterministic Exchange-style id for the given parts.
var stableID = ids.Stable

// seedUsers is the seeded directory. The first user is the one AutoApprove signs in as.
var seedUsers = directory.Seed()

// Users returns a copy of the seeded users; the first one is the user that
// AutoApprove signs in as.
func Users() []User {
	out := make([]User, len(seedUsers))
	for i, u := range seedUsers {
		u.BusinessPhones = append([]string(nil), u.BusinessPhones...)
		out[i] = u
	}
	return out
}

// findUser looks a user up by object id or user principal name (case-insensitive).
func findUser(idOrUPN string) *User {
	for i := range seedUsers {
		u := &seedUsers[i]
		if strings.EqualFold(u.ID, idOrUPN) || strings.EqualFold(u.UserPrincipalName, idOrUPN) {
			return u
		}
	}
	return nil
}
