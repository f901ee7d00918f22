// Package directory is the sandbox tenant's directory: its users (and,
// later, groups and membership), with the tenant's fixed identifiers.
package directory

import (
	"strings"
	"sync"
	"time"
)

// Fixed identifiers of the seeded tenant. They never change between runs, so
// tests and documentation can refer to them directly.
const (
	// TenantID is the directory (tenant) id of the seeded tenant.
	TenantID = "3c6f1a2e-8b47-4d19-a5e2-7f90c4b1d658"
	// TenantDomain is the verified domain of the seeded tenant. It is accepted
	// in place of TenantID in the tenant path segment.
	TenantDomain = "contoso.sandbox"
	// TenantName is the display name of the seeded tenant.
	TenantName = "Contoso (sandbox)"
)

// User is a directory user. A *User handed out by a Directory is never
// changed afterwards: an update stores a new value, so readers see a consistent
// user without holding a lock.
type User struct {
	ID                string   `json:"id"`
	UserPrincipalName string   `json:"userPrincipalName"`
	Password          string   `json:"password"`
	DisplayName       string   `json:"displayName"`
	GivenName         string   `json:"givenName"`
	Surname           string   `json:"surname"`
	Mail              string   `json:"mail"`
	JobTitle          string   `json:"jobTitle"`
	Department        string   `json:"department"`
	OfficeLocation    string   `json:"officeLocation"`
	BusinessPhones    []string `json:"businessPhones"`
	MobilePhone       string   `json:"mobilePhone,omitempty"`
	PreferredLanguage string   `json:"preferredLanguage"`
	ManagerID         string   `json:"managerId,omitempty"`
	// Disabled is accountEnabled false: the user cannot sign in.
	Disabled bool `json:"disabled,omitempty"`
	// MailNickname is the mail alias; "" means the UPN's local part.
	MailNickname string `json:"mailNickname,omitempty"`
	// Photo is the profile photo, a JPEG (nil: none).
	Photo []byte `json:"photo,omitempty"`
	// Unlicensed marks a user created through Graph: as in a real tenant
	// before a license is assigned, it has no mailbox, calendar, contacts,
	// To Do or OneDrive (the seeded users have them all).
	Unlicensed bool `json:"unlicensed,omitempty"`
	// Created is when the user was created (zero for the seeded ones).
	Created time.Time `json:"created,omitzero"`
}

// Nickname is the user's mail alias.
func (u *User) Nickname() string {
	if u.MailNickname != "" {
		return u.MailNickname
	}
	return strings.SplitN(u.UserPrincipalName, "@", 2)[0]
}

// ReportsOf returns the users whose manager is id, in creation order.
func (d *Directory) ReportsOf(id string) []*User {
	d.mu.RLock()
	defer d.mu.RUnlock()
	var out []*User
	for _, u := range d.users {
		if u.ManagerID == id {
			out = append(out, u)
		}
	}
	return out
}

// Seeded user ids.
const (
	AdeleVanceID     = "1f8b3c2d-6a4e-4b59-9d71-0e2c5a8f3b46"
	AlexWilberID     = "2a7c4d3e-5b6f-4c80-8e92-1f3d6b9a4c57"
	MeganBowenID     = "3b6d5e4f-4c7a-4d91-9fa3-2a4e7c0b5d68"
	NestorWilkeID    = "4c5e6f5a-3d8b-4ea2-a0b4-3b5f8d1c6e79"
	PattiFernandezID = "5d4f7a6b-2e9c-4fb3-b1c5-4c6a9e2d7f8a"
)

// seedUsers is the seeded directory. The first user is the one AutoApprove signs in as.
var seedUsers = []User{
	{
		ID: AdeleVanceID, UserPrincipalName: "AdeleV@" + TenantDomain, Password: "Sandbox-Adele-1!",
		DisplayName: "Adele Vance", GivenName: "Adele", Surname: "Vance", Mail: "AdeleV@" + TenantDomain,
		JobTitle: "Retail Manager", Department: "Retail", OfficeLocation: "18/2111",
		BusinessPhones: []string{"+1 425 555 0109"}, PreferredLanguage: "en-US", ManagerID: NestorWilkeID,
	},
	{
		ID: AlexWilberID, UserPrincipalName: "AlexW@" + TenantDomain, Password: "Sandbox-Alex-2!",
		DisplayName: "Alex Wilber", GivenName: "Alex", Surname: "Wilber", Mail: "AlexW@" + TenantDomain,
		JobTitle: "Marketing Assistant", Department: "Marketing", OfficeLocation: "131/1104",
		BusinessPhones: []string{"+1 858 555 0110"}, PreferredLanguage: "en-US", ManagerID: MeganBowenID,
	},
	{
		ID: MeganBowenID, UserPrincipalName: "MeganB@" + TenantDomain, Password: "Sandbox-Megan-3!",
		DisplayName: "Megan Bowen", GivenName: "Megan", Surname: "Bowen", Mail: "MeganB@" + TenantDomain,
		JobTitle: "Marketing Manager", Department: "Marketing", OfficeLocation: "12/1110",
		BusinessPhones: []string{"+1 412 555 0109"}, MobilePhone: "+1 412 555 0190",
		PreferredLanguage: "en-US", ManagerID: PattiFernandezID,
	},
	{
		ID: NestorWilkeID, UserPrincipalName: "NestorW@" + TenantDomain, Password: "Sandbox-Nestor-4!",
		DisplayName: "Nestor Wilke", GivenName: "Nestor", Surname: "Wilke", Mail: "NestorW@" + TenantDomain,
		JobTitle: "Director", Department: "Operations", OfficeLocation: "36/2121",
		BusinessPhones: []string{"+1 206 555 0105"}, PreferredLanguage: "en-US", ManagerID: PattiFernandezID,
	},
	{
		ID: PattiFernandezID, UserPrincipalName: "PattiF@" + TenantDomain, Password: "Sandbox-Patti-5!",
		DisplayName: "Patti Fernandez", GivenName: "Patti", Surname: "Fernandez", Mail: "PattiF@" + TenantDomain,
		JobTitle: "President", Department: "Executive Management", OfficeLocation: "15/1102",
		BusinessPhones: []string{"+1 980 555 0101"}, PreferredLanguage: "en-US",
	},
}

// Seed returns a copy of the seeded users, without their photos (the
// directory has them: Reset); the first one is the user that AutoApprove
// signs in as. Workloads call it in their package variables, so it must
// stay cheap: drawing the photos takes a tenth of a second.
func Seed() []User {
	out := make([]User, len(seedUsers))
	for i, u := range seedUsers {
		u.BusinessPhones = append([]string(nil), u.BusinessPhones...)
		out[i] = u
	}
	return out
}

// Directory holds the tenant's users and groups; safe for concurrent use.
type Directory struct {
	mu     sync.RWMutex
	users  []*User // in creation order, the seeded ones first
	groups []Group // in creation order, the seeded ones first (groups.go)
}

// New returns a directory with the seeded users.
func New() *Directory {
	d := &Directory{}
	d.Reset()
	return d
}

// Reset puts the seeded users and groups back.
func (d *Directory) Reset() {
	seed := Seed()
	users := make([]*User, len(seed))
	for i := range seed {
		if i < len(seed)-1 { // every seeded user but the last has a photo
			seed[i].Photo = SeedPhoto(i)
		}
		users[i] = &seed[i]
	}
	d.mu.Lock()
	d.users = users
	d.groups = Groups()
	d.mu.Unlock()
}

// Find looks a user up by object id or user principal name (case-insensitive).
func (d *Directory) Find(idOrUPN string) *User {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, u := range d.users {
		if strings.EqualFold(u.ID, idOrUPN) || strings.EqualFold(u.UserPrincipalName, idOrUPN) {
			return u
		}
	}
	return nil
}

// Users returns the users in creation order.
func (d *Directory) Users() []*User {
	d.mu.RLock()
	defer d.mu.RUnlock()
	return append([]*User(nil), d.users...)
}

// Index returns the position of the user with id in creation order, or -1.
func (d *Directory) Index(id string) int {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for i, u := range d.users {
		if u.ID == id {
			return i
		}
	}
	return -1
}

// FindByMail looks a user up by mail address or user principal name
// (case-insensitive), as mail routing and meeting invitations do.
func (d *Directory) FindByMail(addr string) *User {
	d.mu.RLock()
	defer d.mu.RUnlock()
	for _, u := range d.users {
		if strings.EqualFold(u.Mail, addr) || strings.EqualFold(u.UserPrincipalName, addr) {
			return u
		}
	}
	return nil
}

// Put stores u, replacing the user with its id or adding it last. The stored
// value is a copy: a *User handed out earlier keeps what it held.
func (d *Directory) Put(u User) {
	u.BusinessPhones = append([]string(nil), u.BusinessPhones...)
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, old := range d.users {
		if old.ID == u.ID {
			d.users[i] = &u
			return
		}
	}
	d.users = append(d.users, &u)
}

// Delete removes the user with id; it reports whether there was one.
func (d *Directory) Delete(id string) bool {
	d.mu.Lock()
	defer d.mu.Unlock()
	for i, u := range d.users {
		if u.ID == id {
			d.users = append(d.users[:i:i], d.users[i+1:]...)
			return true
		}
	}
	return false
}

// Replace sets the users (in creation order), as a snapshot gives them back.
func (d *Directory) Replace(users []User) {
	out := make([]*User, len(users))
	for i := range users {
		u := users[i]
		u.BusinessPhones = append([]string(nil), u.BusinessPhones...)
		out[i] = &u
	}
	d.mu.Lock()
	d.users = out
	d.mu.Unlock()
}
