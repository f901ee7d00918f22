package directory

import (
	"slices"
	"strings"
	"time"
)

// Group is a group of the directory: a Microsoft 365 group (GroupTypes
// "Unified"; its members reach its team site) or a security group. Members
// are user or group ids (a group member nests), owners user ids.
type Group struct {
	ID              string    `json:"id"`
	DisplayName     string    `json:"displayName"`
	Description     string    `json:"description"`
	MailNickname    string    `json:"mailNickname"`
	Members         []string  `json:"members"`          // user or group ids
	Owners          []string  `json:"owners,omitempty"` // user ids
	GroupTypes      []string  `json:"groupTypes,omitempty"`
	MailEnabled     bool      `json:"mailEnabled,omitempty"`
	SecurityEnabled bool      `json:"securityEnabled,omitempty"`
	Visibility      string    `json:"visibility,omitempty"`
	Created         time.Time `json:"created,omitzero"`
}

// Unified reports whether g is a Microsoft 365 group.
func (g *Group) Unified() bool { return slices.Contains(g.GroupTypes, "Unified") }

// Seeded group ids, fixed like the users'.
const (
	// ProductTeamID is the "Product Team" group, owner of the team site
	// /sites/product.
	ProductTeamID = "8e2f4c1a-7d3b-4a6e-9c5f-1b0d2e3f4a5b"
	// MarketingID is the "Marketing" security group (Alex, Megan).
	MarketingID = "9f3a5d2b-8e4c-4b7f-8d60-2c1e3f4a5b6c"
	// LeadershipID is the "Leadership" security group: Patti, Nestor and,
	// nested, the Marketing group.
	LeadershipID = "a04b6e3c-9f5d-4c80-9e71-3d2f4a5b6c7d"
	// AllCompanyID is the "All Company" Microsoft 365 group of every
	// seeded user.
	AllCompanyID = "b15c7f4d-a06e-4d91-8f82-4e3a5b6c7d8e"
)

// SharePointHost is the seeded tenant's SharePoint host name: a site id
// starts with it, and sites are addressed by it ("/sites/{host}:/sites/product").
const SharePointHost = "contoso.sharepoint.sandbox"

var seedGroups = []Group{
	{
		ID: ProductTeamID, DisplayName: "Product Team", MailNickname: "product",
		Description: "Plans, specs and launch tracking for the product.",
		Members:     []string{AdeleVanceID, AlexWilberID, MeganBowenID},
		Owners:      []string{MeganBowenID},
		GroupTypes:  []string{"Unified"}, MailEnabled: true, Visibility: "Private",
	},
	{
		ID: MarketingID, DisplayName: "Marketing", MailNickname: "marketing",
		Description: "Everyone in the marketing department.",
		Members:     []string{AlexWilberID, MeganBowenID}, Owners: []string{MeganBowenID},
		SecurityEnabled: true,
	},
	{
		ID: LeadershipID, DisplayName: "Leadership", MailNickname: "leadership",
		Description: "Directors and above, and the marketing department.",
		Members:     []string{PattiFernandezID, NestorWilkeID, MarketingID}, Owners: []string{PattiFernandezID},
		SecurityEnabled: true,
	},
	{
		ID: AllCompanyID, DisplayName: "All Company", MailNickname: "allcompany",
		Description: "This is the default group for everyone in the network.",
		Members:     []string{AdeleVanceID, AlexWilberID, MeganBowenID, NestorWilkeID, PattiFernandezID},
		Owners:      []string{PattiFernandezID},
		GroupTypes:  []string{"Unified"}, MailEnabled: true, Visibility: "Public",
	},
}

// Groups returns a copy of the seeded groups.
func Groups() []Group {
	out := make([]Group, len(seedGroups))
	for i, g := range seedGroups {
		out[i] = g.clone()
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

func (g Group) clone() Group {
	g.Members = append([]string(nil), g.Members...)
	g.Owners = append([]string(nil), g.Owners...)
	g.GroupTypes = append([]string(nil), g.GroupTypes...)
	return g
}

// TransitiveMembers returns the ids of group's members, direct and through
// nested groups (the nested groups themselves included), each once, in the
// order a walk of the membership meets them.
func (d *Directory) TransitiveMembers(group string) []string {
	var out []string
	seen := map[string]bool{group: true}
	var walk func(id string)
	walk = func(id string) {
		g := d.Group(id)
		if g == nil {
			return
		}
		for _, m := range g.Members {
			if !seen[m] {
				seen[m] = true
				out = append(out, m)
				walk(m)
			}
		}
	}
	walk(group)
	return out
}

// TransitiveGroupsOf returns the ids of the groups id (a user or a group) is
// a member of, directly or through nested groups, each once.
func (d *Directory) TransitiveGroupsOf(id string) []string {
	var out []string
	seen := map[string]bool{id: true}
	queue := []string{id}
	for len(queue) > 0 {
		for _, g := range d.GroupsOf(queue[0]) {
			if !seen[g] {
				seen[g] = true
				out = append(out, g)
				queue = append(queue, g)
			}
		}
		queue = queue[1:]
	}
	return out
}

// Group looks a group of the directory up by id (case-insensitive); the
// value is a copy.
func (d *Directory) Group(id string) *Group {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, g := range d.groups {
		if strings.EqualFold(g.ID, id) {
			cp := g.clone()
			return &cp
		}
	}
	return nil
}

// AllGroups returns copies of the directory's groups, in creation order.
func (d *Directory) AllGroups() []Group {
	d.mu.RLock()
	defer d.mu.RUnlock()
	out := make([]Group, len(d.groups))
	for i, g := range d.groups {
		out[i] = g.clone()
	}
	return out
}

// IsMember reports whether user is a member of group.
func (d *Directory) IsMember(group, user string) bool {
	g := d.Group(group)
	return g != nil && slices.Contains(g.Members, user)
}

// GroupsOf returns the ids of the groups user (or group) is a direct member of.
func (d *Directory) GroupsOf(user string) []string {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []string
	for _, g := range d.groups {
		if slices.Contains(g.Members, user) {
			out = append(out, g.ID)
		}
	}
	return out
}

// PutGroup stores a copy of g, replacing the group with its id or adding it
// last.
func (d *Directory) PutGroup(g Group) {
	g = g.clone()
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, old := range d.groups {
		if old.ID == g.ID {
			d.groups[i] = g
			return
		}
	}
	d.groups = append(d.groups, g)
}

// DeleteGroup removes the group with id; it reports whether there was one.
func (d *Directory) DeleteGroup(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, g := range d.groups {
		if g.ID == id {
			d.groups = slices.Delete(d.groups, i, i+1)
			return true
		}
	}
	return false
}

// ReplaceGroups sets the groups, as a snapshot gives them back.
func (d *Directory) ReplaceGroups(groups []Group) {
	out := make([]Group, len(groups))
	for i, g := range groups {
		out[i] = g.clone()
	}
	d.mu.Lock()
	d.groups = out
	d.mu.Unlock()
}
