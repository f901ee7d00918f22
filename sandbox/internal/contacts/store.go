package contacts

import (
	"context"
	"fmt"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// This file is the contacts store: every seeded user's contact folders and
// contacts, their seed (18 contacts in the default Contacts folder and a
// "Suppliers" folder, the same on every run and every Reset), the snapshot
// and the journal of entity changes.

// Name is the workload's name: it keys its part of the state file and its
// journal records. Files written before contacts had their own workload
// kept them in the "calendar" member, in this same shape (the calendars
// and events beside them are ignored here).
const Name = "contacts"

// Workload is the contacts workload: the Graph kit and every seeded user's
// contacts under one lock.
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
	*store
}

// New returns the contacts workload with the seeded contacts.
func New(k *graphkit.Kit) *Workload { return &Workload{Kit: k, store: seedStore()} }

// store is the contact data of every seeded user.
type store struct {
	users map[string]*user // by user id
	// feed numbers every change (the ids and change keys of new items take
	// their positions in it) and keeps the removed contacts, for delta.
	feed *graphkit.Feed
}

// user is one user's contact folders and contacts.
type user struct {
	owner *graphkit.User // the seeded user (not the directory's)
	// contactRoot is the id of the default Contacts folder.
	contactRoot string
	folders     []*contactFolder // sub-folders of the default folder
	contacts    []*contact       // in creation order
}

// contact is a contact: its properties as Graph's JSON members, plus the
// folder it is in.
type contact struct {
	ID, FolderID     string
	Props            map[string]any
	ChangeKey        string
	Created, Changed time.Time
	Seq              int64 `json:",omitempty"` // the feed position of its last change (0: seeded)
	Extended         outlook.Extended
}

type contactFolder struct {
	ID, DisplayName string
	ChangeKey       string
	Extended        outlook.Extended
}

// user returns u's data; the caller holds Workload.mu.
func (st *store) user(u *graphkit.User) *user { return st.users[u.ID] }

// next returns the next sequence number, for new ids and change keys.
func (st *store) next(ctx context.Context) int { return int(st.feed.Next(ctx)) }

// newID returns an id for a new item of owner's.
func (st *store) newID(ctx context.Context, owner, kind string) string {
	return ids.Stable(owner, kind, "created", fmt.Sprint(st.next(ctx)))
}

func (st *store) changeKey(ctx context.Context) string { return outlook.ChangeKey(st.next(ctx)) }

// bg is the context of seeding: nothing is journaled.
var bg = context.Background()

// seedUsers are the seeded users the contacts belong to.
var seedUsers = directory.Seed()

// seedStore returns the seeded contact folders and contacts.
func seedStore() *store {
	st := &store{users: map[string]*user{}, feed: graphkit.NewFeed(Name)}
	created := time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC)
	for i := range seedUsers {
		u := &seedUsers[i]
		st.users[u.ID] = &user{owner: u, contactRoot: ids.Stable(u.ID, "contactFolder", "Contacts")}
		st.seedContacts(i, created)
	}
	return st
}

// seedContacts are the external contacts; the last five go into "Suppliers".
var seedContacts = []struct{ given, surname, company, title, city string }{
	{"Anna", "Kowalski", "Fabrikam", "Purchasing Manager", "Redmond"},
	{"Ben", "Carter", "Northwind Traders", "Account Executive", "Seattle"},
	{"Carla", "Mendes", "Tailspin Toys", "Buyer", "Portland"},
	{"David", "Osei", "Litware", "CTO", "Boston"},
	{"Elena", "Rossi", "Adventure Works", "Marketing Director", "Denver"},
	{"Farid", "Haddad", "Wingtip Toys", "Store Manager", "Chicago"},
	{"Grace", "Liu", "Woodgrove Bank", "Relationship Manager", "New York"},
	{"Hiro", "Tanaka", "Proseware", "Product Manager", "San Francisco"},
	{"Isabel", "Novak", "Relecloud", "Consultant", "Austin"},
	{"Kira", "Patel", "Fourth Coffee", "Owner", "Seattle"},
	{"Liam", "O'Brien", "Blue Yonder Airlines", "Travel Coordinator", "Dallas"},
	{"Maya", "Cohen", "Graphic Design Institute", "Designer", "Los Angeles"},
	{"Noah", "Fischer", "Lamna Healthcare", "Office Manager", "Phoenix"},
	{"Olivia", "Dubois", "Alpine Ski House", "Events Manager", "Salt Lake City"},
}

const supplierContacts = 5

func (st *store) seedContacts(ui int, now time.Time) {
	cu := st.users[seedUsers[ui].ID]
	suppliers := &contactFolder{ID: ids.Stable(cu.owner.ID, "contactFolder", "Suppliers"), DisplayName: "Suppliers", ChangeKey: rootChangeKey}
	cu.folders = []*contactFolder{suppliers}
	add := func(folder string, props map[string]any) {
		c := &contact{ID: ids.Stable(cu.owner.ID, "contact", props["displayName"].(string)), FolderID: folder,
			Props: props, ChangeKey: st.changeKey(bg), Created: now, Changed: now}
		cu.contacts = append(cu.contacts, c)
	}
	for i := range seedUsers {
		if i == ui {
			continue
		}
		u := &seedUsers[i]
		add(cu.contactRoot, map[string]any{
			"givenName": u.GivenName, "surname": u.Surname, "displayName": u.DisplayName, "jobTitle": u.JobTitle,
			"department": u.Department, "companyName": directory.TenantName, "officeLocation": u.OfficeLocation,
			"emailAddresses": []outlook.EmailAddress{{Name: u.DisplayName, Address: u.Mail}},
			"businessPhones": toAnySlice(u.BusinessPhones), "mobilePhone": nilIfEmpty(u.MobilePhone),
		})
	}
	for i, p := range seedContacts {
		folder := cu.contactRoot
		if i >= len(seedContacts)-supplierContacts {
			folder = suppliers.ID
		}
		name := p.given + " " + p.surname
		domain := strings.ToLower(strings.ReplaceAll(strings.Fields(p.company)[0], "'", "")) + ".com"
		addr := strings.ToLower(strings.ReplaceAll(p.given+"."+p.surname, "'", "")) + "@" + domain
		add(folder, map[string]any{
			"givenName": p.given, "surname": p.surname, "displayName": name, "fileAs": p.surname + ", " + p.given,
			"jobTitle": p.title, "companyName": p.company,
			"emailAddresses": []outlook.EmailAddress{{Name: name, Address: addr}},
			"businessPhones": []any{fmt.Sprintf("+1 555 01%02d %02d%02d", i, ui, i)},
			"businessAddress": contactAddress{Street: fmt.Sprintf("%d Main Street", 100+i*7), City: p.city,
				CountryOrRegion: "United States", PostalCode: fmt.Sprintf("9%04d", 1000+i*37)},
			"categories": []any{},
		})
	}
}

func toAnySlice(ss []string) []any {
	out := make([]any, len(ss))
	for i, s := range ss {
		out[i] = s
	}
	return out
}

func nilIfEmpty(s string) any {
	if s == "" {
		return nil
	}
	return s
}
