package directory

import (
	"slices"
	"strings"
)

// Group is a Microsoft 365 group of the directory: for now only what
// SharePoint needs of one (its members reach the group's team site). Groups
// are the seeded ones; the directory's groups workload will grow from here.
type Group struct {
	ID           string   `json:"id"`
	DisplayName  string   `json:"displayName"`
	Description  string   `json:"description"`
	MailNickname string   `json:"mailNickname"`
	Members      []string `json:"members"`          // user ids
	Owners       []string `json:"owners,omitempty"` // user ids
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
		Owners:      []string{MeganBowenID},
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
	return g
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

// GroupsOf returns the ids of the groups user is a member of.
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
