package directory

import "strings"

// Group is a Microsoft 365 group of the directory: for now only what
// SharePoint needs of one (its members reach the group's team site). Groups
// are the seeded ones; the directory's groups workload will grow from here.
type Group struct {
	ID           string   `json:"id"`
	DisplayName  string   `json:"displayName"`
	Description  string   `json:"description"`
	MailNickname string   `json:"mailNickname"`
	Members      []string `json:"members"` // user ids
}

// Seeded group ids, fixed like the users'.
const (
	// ProductTeamID is the "Product Team" group, owner of the team site
	// /sites/product.
	ProductTeamID = "8e2f4c1a-7d3b-4a6e-9c5f-1b0d2e3f4a5b"
)

// SharePointHost is the seeded tenant's SharePoint host name: a site id
// starts with it, and sites are addressed by it ("/sites/{host}:/sites/product").
const SharePointHost = "contoso.sharepoint.sandbox"

var seedGroups = []Group{
	{
		ID: ProductTeamID, DisplayName: "Product Team", MailNickname: "product",
		Description: "Plans, specs and launch tracking for the product.",
		Members:     []string{AdeleVanceID, AlexWilberID, MeganBowenID},
	},
}

// Groups returns a copy of the seeded groups.
func Groups() []Group {
	out := make([]Group, len(seedGroups))
	for i, g := range seedGroups {
		g.Members = append([]string(nil), g.Members...)
		out[i] = g
	}
	return out
}

// FindGroup returns the seeded group with id (case-insensitive), or nil.
func FindGroup(id string) *Group {
	for _, g := range Groups() {
		if strings.EqualFold(g.ID, id) {
			return &g
		}
	}
	return nil
}
