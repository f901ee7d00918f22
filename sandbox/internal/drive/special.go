package drive

import (
	"net/http"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Special folders (GET /me/drive/special/{name}): OneDrive's well-known
// folders, made on first access as Graph does, and returned with a
// specialFolder facet. A folder of that name already in place is adopted.
// Each app has its own app folder (approot), Apps/<app name>, kept apart by
// the token's appid: the item's Special is "approot/<appid>".

// specialPaths are the special folders Graph documents and where OneDrive
// puts them below the root (approot's last segment is the app's name).
var specialPaths = map[string]string{
	"documents":  "Documents",
	"photos":     "Pictures",
	"cameraroll": "Pictures/Camera Roll",
	"approot":    "Apps",
	"music":      "Music",
	"recordings": "Recordings",
}

// specialNames lists them in the order an error names them.
var specialNames = []string{"documents", "photos", "cameraroll", "approot", "music", "recordings"}

// specialName is the specialFolder.name of an item's Special.
func specialName(special string) string {
	name, _, _ := strings.Cut(special, "/")
	return name
}

// errNoSpecial is the 400 for a name that is not a special folder.
func errNoSpecial(name string) *graphkit.Error {
	return graphkit.Err(400, "invalidRequest", "'"+name+"' is not a special folder: use "+strings.Join(specialNames, ", ")+".")
}

// appFolderName is the folder name of the app that made the request: its
// display name, or its id when the token has none, without the characters a
// name cannot hold.
func appFolderName(c *graphkit.Claims) string {
	n := strings.TrimSpace(c.AppDisplayName)
	if n == "" {
		n = c.AppID
	}
	n = strings.Map(func(r rune) rune {
		if strings.ContainsRune(`"*:<>?/\|`, r) {
			return '_'
		}
		return r
	}, n)
	if !validName(n) {
		n = "App"
	}
	return n
}

// openSpecial finds (or makes) the special folder t names and sets t.base
// to it; false when it has answered an error.
func (s *Workload) openSpecial(w http.ResponseWriter, r *http.Request, u *graphkit.User, t *target) bool {
	rel, ok := specialPaths[t.special]
	if !ok {
		s.Fail(w, r, errNoSpecial(t.special))
		return false
	}
	key := t.special
	if key == "approot" {
		c := graphkit.ClaimsFrom(r.Context())
		if c == nil || c.AppID == "" {
			s.Fail(w, r, graphkit.Err(400, "invalidRequest", "The app folder belongs to an app: the token names none."))
			return false
		}
		key += "/" + c.AppID
		rel += "/" + appFolderName(c)
	}
	c := graphkit.ClaimsFrom(r.Context())
	create := c != nil && graphkit.PermittedTo(c, http.MethodPost, "/me/drive/items/{id}/children")
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.user(u)
	t.base = s.special(r, d, key, rel, ownerOf(r, d), now, create)
	s.mu.Unlock()
	if t.base == "" {
		s.Fail(w, r, errSpecialReadOnly)
		return false
	}
	return true
}

// errSpecialReadOnly is Graph's 403 for a special folder that does not
// exist yet, asked for with read-only permissions.
var errSpecialReadOnly = graphkit.Err(403, "accessDenied",
	"The special folder does not exist yet and read-only permissions cannot create it: ask for Files.ReadWrite (an app: Files.ReadWrite.All).")

// special returns the id of the special folder key, made at rel (below the
// root, with any folder above it) when the drive has none and create
// allows; "" when it would have to be made and create does not allow. A
// folder already at rel is adopted. The caller holds the lock.
func (s *Workload) special(r *http.Request, d *drive, key, rel, by string, now time.Time, create bool) string {
	for _, it := range d.items {
		if it.Special == key && d.find(it.ID) != nil {
			return it.ID
		}
	}
	if !create {
		at := d.resolve(target{path: strings.Split(rel, "/")})
		if at == nil || !at.Folder || at.Special != "" {
			return ""
		}
	}
	parent := d.find("")
	segs := strings.Split(rel, "/")
	for i, seg := range segs {
		it := d.child(parent, seg)
		if it != nil && !it.Folder { // a file in the way: the folder gets another name
			name, _, _ := d.place(parent, seg, "rename")
			it, seg = nil, name
		}
		if it == nil {
			it = &item{ID: newItemID(), Name: seg, Folder: true, Version: 1, Content: 1, Created: now, Modified: now, By: by, ModBy: by}
			d.items[it.ID] = it
			d.link(it, parent.ID)
		}
		if i == len(segs)-1 && it.Special != key {
			if it.Special != "" { // another special folder's place: make a new one beside it
				name, _, _ := d.place(parent, seg, "rename")
				it = &item{ID: newItemID(), Name: name, Folder: true, Version: 1, Content: 1, Created: now, Modified: now, By: by, ModBy: by}
				d.items[it.ID] = it
				d.link(it, parent.ID)
			}
			it.Special, it.Version = key, it.Version+1
		}
		s.touch(r, d, it)
		parent = it
	}
	return parent.ID
}
