// Package drive is the sandbox's OneDrive workload: every seeded user's
// drive (/me/drive, /users/{id}/drive, /drives/{id}), its items by id and by
// path, folders, rename and move, deletion to the drive's recycle bin and
// restore, and file content: simple uploads (content.go) and upload sessions
// (upload.go) kept on disk under Kit.Files, and downloads through a
// pre-authenticated URL on another host name (content.go), and Graph's
// workbook API on .xlsx files (workbook.go, over package workbook). Its data has its own lock and journals by entity (state.go).
package drive

import (
	"crypto/rand"
	"crypto/sha256"
	"encoding/base32"
	"encoding/base64"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/workbook"
)

// Name is the workload's name: it keys its part of the state and its
// journal records.
const Name = "drive"

// Workload is the drive workload: the Graph kit and every seeded user's
// drive under one lock.
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
	*store
	// pre signs the pre-authenticated URLs; its key is new on every start,
	// so a URL does not outlive the process that made it (nor its hour).
	pre   *graphkit.Preauth
	up    uploads            // upload sessions (upload.go)
	mon   monitors           // copy monitors (copy.go)
	books *workbook.Sessions // the workbooks of .xlsx files (workbook.go)
}

// New returns the drive workload with the seeded drives.
func New(k *graphkit.Kit) *Workload {
	s := &Workload{Kit: k, store: seedStore(), pre: graphkit.NewPreauth()}
	s.books = workbook.NewSessions(bookStore{s}, func() time.Time { return s.Now() })
	return s
}

// store is the drives of every seeded user.
type store struct {
	drives  map[string]*drive // by drive id
	byOwner map[string]string // user id → drive id
	// feed numbers every change of every drive's items (scope: the drive
	// id), for delta (delta.go).
	feed *graphkit.Feed
}

// drive is one user's OneDrive, or a site's document library (lib set;
// sitedrive.go), whose Owner is the drive's own id.
type drive struct {
	ID, Owner, Root string
	Created         time.Time
	items           map[string]*item // by id, the recycle bin's included
	sharing         sharing          // permissions on its items (sharing.go)
	lib             *library
}

// item is a drive item: a folder or a file. ParentID is "" for the root.
type item struct {
	ID       string    `json:"id"`
	Name     string    `json:"name"`
	ParentID string    `json:"parentId,omitempty"`
	Folder   bool      `json:"folder,omitempty"`
	Desc     string    `json:"description,omitempty"`
	Size     int64     `json:"size,omitempty"`
	Hash     string    `json:"sha256,omitempty"` // of the content, which Kit.Files keeps under this name
	MimeType string    `json:"mimeType,omitempty"`
	Version  int       `json:"version"` // the eTag's number: every change
	Content  int       `json:"content"` // the cTag's number: every content change
	Created  time.Time `json:"created"`
	Modified time.Time `json:"modified"`
	By       string    `json:"by,omitempty"`      // the user who created it
	ModBy    string    `json:"modBy,omitempty"`   // the user who changed it last
	Deleted  time.Time `json:"deleted,omitzero"`  // in the recycle bin since
	Special  string    `json:"special,omitempty"` // a special folder's name (special.go)
	Children []string  `json:"-"`                 // kept by the drive, not journaled

	// delta.go and versions.go
	Seq      int64     `json:"seq,omitempty"`      // the feed position of its last change (0: seeded)
	Versions []version `json:"versions,omitempty"` // its earlier contents, oldest first
}

// live reports whether it is not in the recycle bin.
func (it *item) live() bool { return it.Deleted.IsZero() }

// newItemID is a random OneDrive for Business item id ("01" and 32
// characters of base32).
func newItemID() string {
	b := make([]byte, 20)
	_, _ = rand.Read(b)
	return "01" + base32.StdEncoding.EncodeToString(b)
}

// stableItemID is a seeded item's id, the same on every run.
func stableItemID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return "01" + base32.StdEncoding.EncodeToString(h[:20])
}

// driveID is a user's drive id ("b!" and base64url, as SharePoint's).
func driveID(user string) string {
	h := sha256.Sum256([]byte("drive|" + user))
	return "b!" + base64.RawURLEncoding.EncodeToString(h[:])
}

// seedUsers are the seeded users the drives belong to.
var seedUsers = directory.Seed()

var seedTime = time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC)

// seedFolders and seedFiles are every user's OneDrive as seeded. The files
// are made on first use: the picture and the Office files take a tenth of
// a second to draw and zip, which no command but the sandbox's should pay.
var seedFolders = []string{"Documents", "Pictures", "Projects", "Projects/Launch"}

var seedFiles = sync.OnceValue(func() []struct{ path, content string } {
	return append([]struct{ path, content string }{
		{"Welcome.md", "# Welcome to your OneDrive\n\nThis drive is part of the authsome sandbox: files you upload here stay on this machine.\n\n- Documents: notes and drafts\n- Pictures: images\n- Projects: project plans\n"},
		{"Documents/Meeting notes.txt", "Weekly sync, Monday 10:00\n\nAttendees: the product team\n\n1. Review last week's actions\n2. Launch checklist status\n3. Budget for Q3\n\nActions:\n- Update the launch plan by Friday\n- Book the room for the review\n"},
		{"Documents/Budget 2025.md", "# Budget 2025\n\n| Item | Q1 | Q2 |\n|------|----|----|\n| Travel | 12,000 | 9,500 |\n| Software | 30,000 | 30,000 |\n| Events | 4,000 | 15,000 |\n"},
		{"Projects/Launch/Plan.md", "# Launch plan\n\n## Goals\nShip version 2 to every customer by the end of the quarter.\n\n## Milestones\n1. Beta to ten customers\n2. Documentation complete\n3. General availability\n"},
		{"Projects/Launch/Checklist.txt", "[x] Feature freeze\n[x] Security review\n[ ] Release notes\n[ ] Support training\n[ ] Announcement\n"},
		{"Pictures/README.txt", "Photos from the team offsite go here.\n"},
		{"Pictures/Team offsite.png", seedPicture()},
	}, seedOfficeFiles()...) // seedoffice.go
})

// seedContent is the bytes of the seeded files by their SHA-256: they are
// served from here, not from Kit.Files.
var seedContent = sync.OnceValue(func() map[string][]byte {
	m := map[string][]byte{}
	for _, f := range seedFiles() {
		m[sha256Hex([]byte(f.content))] = []byte(f.content)
	}
	return m
})

// seedStore returns the seeded drives.
func seedStore() *store {
	st := &store{drives: map[string]*drive{}, byOwner: map[string]string{}, feed: graphkit.NewFeed(Name)}
	for i := range seedUsers {
		u := &seedUsers[i]
		d := &drive{ID: driveID(u.ID), Owner: u.ID, Created: seedTime, items: map[string]*item{}}
		d.Root = stableItemID(u.ID, "root")
		d.items[d.Root] = &item{ID: d.Root, Name: "root", Folder: true, Version: 1, Content: 1,
			Created: seedTime, Modified: seedTime, By: u.ID, ModBy: u.ID}
		byPath := map[string]string{"": d.Root}
		add := func(path string, it *item) {
			dir, name := "", path
			if i := strings.LastIndex(path, "/"); i >= 0 {
				dir, name = path[:i], path[i+1:]
			}
			it.ID, it.Name, it.ParentID = stableItemID(u.ID, path), name, byPath[dir]
			it.Version, it.Content, it.Created, it.Modified, it.By, it.ModBy = 1, 1, seedTime, seedTime, u.ID, u.ID
			d.items[it.ID] = it
			byPath[path] = it.ID
		}
		for _, f := range seedFolders {
			add(f, &item{Folder: true})
		}
		for _, f := range seedFiles() {
			add(f.path, &item{Size: int64(len(f.content)), Hash: sha256Hex([]byte(f.content)), MimeType: mimeType(f.path)})
		}
		d.index()
		st.drives[d.ID] = d
		st.byOwner[u.ID] = d.ID
	}
	return st
}

// index rebuilds every folder's list of children.
func (d *drive) index() {
	for _, it := range d.items {
		it.Children = nil
	}
	for _, it := range d.items {
		if p := d.items[it.ParentID]; p != nil {
			p.Children = append(p.Children, it.ID)
		}
	}
}

// find returns the live item id (the root for ""), nil when there is none
// or it or a folder above it is in the recycle bin.
func (d *drive) find(id string) *item {
	if id == "" {
		id = d.Root
	}
	it := d.items[id]
	for p := it; p != nil; p = d.items[p.ParentID] {
		if !p.live() {
			return nil
		}
		if p.ParentID == "" {
			break
		}
	}
	return it
}

// child returns parent's live child called name (names match in any case, as
// in OneDrive), or nil.
func (d *drive) child(parent *item, name string) *item {
	for _, id := range parent.Children {
		if c := d.items[id]; c != nil && c.live() && strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// path is the folder path of it below the root ("" for the root, "/a/b").
func (d *drive) path(it *item) string {
	var segs []string
	for p := it; p != nil && p.ParentID != ""; p = d.items[p.ParentID] {
		segs = append([]string{p.Name}, segs...)
	}
	if len(segs) == 0 {
		return ""
	}
	return "/" + strings.Join(segs, "/")
}

// link moves it under parent (ParentID set, children lists kept).
func (d *drive) link(it *item, parent string) {
	if old := d.items[it.ParentID]; old != nil {
		for i, id := range old.Children {
			if id == it.ID {
				old.Children = append(old.Children[:i:i], old.Children[i+1:]...)
				break
			}
		}
	}
	it.ParentID = parent
	if p := d.items[parent]; p != nil {
		p.Children = append(p.Children, it.ID)
	}
}

// user returns u's drive; the caller holds the lock.
func (st *store) user(u *graphkit.User) *drive { return st.drives[st.byOwner[u.ID]] }
