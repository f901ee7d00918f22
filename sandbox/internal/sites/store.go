package sites

import (
	"encoding/json"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// store is every site's lists and their items.
type store struct {
	lists map[string]*list                // by list id
	items map[string]map[string]*listItem // list id → item id → item
}

// list is a SharePoint list or document library, with its columns.
type list struct {
	ID          string    `json:"id"`
	Site        string    `json:"site"`
	Name        string    `json:"name"` // its URL name ("Shared Documents")
	DisplayName string    `json:"displayName"`
	Description string    `json:"description,omitempty"`
	Template    string    `json:"template"` // genericList or documentLibrary
	Default     bool      `json:"default,omitempty"`
	Created     time.Time `json:"created"`
	Modified    time.Time `json:"modified"`
	By          string    `json:"by,omitempty"`
	Version     int       `json:"version"`
	NextItem    int       `json:"nextItem"` // the last item id given
	Columns     []*column `json:"columns"`
	// Files seed a library the tenant comes with (graphkit.Library.Files);
	// not journaled: a created library starts empty.
	Files map[string]string `json:"-"`
}

// column is a list's column: Kind is its type facet ("text", "number",
// "dateTime", "boolean", "choice", "personOrGroup", ...) and Facet that
// facet's object as given.
type column struct {
	ID          string          `json:"id"`
	Name        string          `json:"name"`
	DisplayName string          `json:"displayName"`
	Description string          `json:"description,omitempty"`
	Kind        string          `json:"kind"`
	Facet       json.RawMessage `json:"facet,omitempty"`
	Indexed     bool            `json:"indexed,omitempty"`
	Required    bool            `json:"required,omitempty"`
	ReadOnly    bool            `json:"readOnly,omitempty"`
	Hidden      bool            `json:"hidden,omitempty"`
	Unique      bool            `json:"unique,omitempty"`
	System      bool            `json:"system,omitempty"` // SharePoint's own (Title, Created, ...)
}

// listItem is an item of a list: Fields holds the values of its columns
// (by internal name; a person column as "<Name>LookupId").
type listItem struct {
	ID       string         `json:"id"`
	List     string         `json:"list"`
	Fields   map[string]any `json:"fields"`
	Created  time.Time      `json:"created"`
	Modified time.Time      `json:"modified"`
	By       string         `json:"by,omitempty"`
	ModBy    string         `json:"modBy,omitempty"`
	Version  int            `json:"version"`
}

func (l *list) library() bool { return l.Template == "documentLibrary" }

func (l *list) column(name string) *column {
	for _, c := range l.Columns {
		if strings.EqualFold(c.Name, name) {
			return c
		}
	}
	return nil
}

// webURL is where the list opens in SharePoint (never fetched).
func (l *list) webURL() string {
	base := findSite(l.Site).webURL()
	if l.library() {
		return base + "/" + escapePath(l.Name)
	}
	return base + "/Lists/" + escapePath(l.Name)
}

// systemColumns are the columns SharePoint gives every list.
func systemColumns(listID string) []*column {
	sys := func(name, display, kind string, readOnly bool) *column {
		return &column{ID: stableGUID("column", listID, name), Name: name, DisplayName: display, Kind: kind,
			Facet: json.RawMessage(`{}`), ReadOnly: readOnly, System: true}
	}
	return []*column{
		sys("Title", "Title", "text", false),
		sys("Modified", "Modified", "dateTime", true),
		sys("Created", "Created", "dateTime", true),
		sys("Author", "Created By", "personOrGroup", true),
		sys("Editor", "Modified By", "personOrGroup", true),
	}
}

// lookupID is a user's id in a site's user information list, which person
// columns hold ("AuthorLookupId"); the app-only caller is SharePoint's
// System Account.
func lookupID(user string) string {
	if i := slices.IndexFunc(directory.Seed(), func(u directory.User) bool { return u.ID == user }); i >= 0 {
		return strconv.Itoa(10 + i)
	}
	return "1073741823"
}

// userByLookupID returns the directory user a lookup id names, or nil.
func userByLookupID(id string) *directory.User {
	n, err := strconv.Atoi(id)
	users := directory.Seed()
	if err != nil || n < 10 || n-10 >= len(users) {
		return nil
	}
	return &users[n-10]
}

// libraries returns a site's document libraries, the default first; the
// caller holds the lock.
func (st *store) libraries(site string) []*list {
	var out []*list
	for _, l := range st.lists {
		if l.library() && l.Site == site {
			out = append(out, l)
		}
	}
	slices.SortFunc(out, func(a, b *list) int {
		if a.Default != b.Default {
			if a.Default {
				return -1
			}
			return 1
		}
		return strings.Compare(a.ID, b.ID)
	})
	return out
}

// findList returns site's list by id, display name or URL name (in any
// case), or nil; the caller holds the lock.
func (st *store) findList(site, key string) *list {
	var byName *list
	for _, l := range st.lists {
		if l.Site != site {
			continue
		}
		if strings.EqualFold(l.ID, key) {
			return l
		}
		if strings.EqualFold(l.DisplayName, key) || strings.EqualFold(l.Name, key) {
			byName = l
		}
	}
	return byName
}

func libraryRef(l *list) graphkit.Library {
	return graphkit.Library{DriveID: libraryDriveID(l.Site, l.ID), Site: l.Site, List: l.ID, Name: l.DisplayName,
		Description: l.Description, WebURL: l.webURL(), Created: l.Created, Files: l.Files}
}

// Site implements graphkit.Sites.
func (s *Workload) Site(id string) (graphkit.SiteRef, bool) {
	if st := findSite(id); st != nil {
		return st.ref(), true
	}
	return graphkit.SiteRef{}, false
}

// GroupSite implements graphkit.Sites.
func (s *Workload) GroupSite(group string) (graphkit.SiteRef, bool) {
	for _, st := range seedSites {
		if st.Group != "" && strings.EqualFold(st.Group, group) {
			return st.ref(), true
		}
	}
	return graphkit.SiteRef{}, false
}

// Libraries implements graphkit.Sites.
func (s *Workload) Libraries(site string) []graphkit.Library {
	s.mu.Lock()
	defer s.mu.Unlock()
	var out []graphkit.Library
	if st := findSite(site); st != nil {
		for _, l := range s.libraries(st.ID) {
			out = append(out, libraryRef(l))
		}
	}
	return out
}

// Library implements graphkit.Sites.
func (s *Workload) Library(driveID string) (graphkit.Library, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, l := range s.lists {
		if l.library() && libraryDriveID(l.Site, l.ID) == driveID {
			return libraryRef(l), true
		}
	}
	return graphkit.Library{}, false
}

// ListLibrary implements graphkit.Sites.
func (s *Workload) ListLibrary(site, key string) (graphkit.Library, bool) {
	s.mu.Lock()
	defer s.mu.Unlock()
	st := findSite(site)
	if st == nil {
		return graphkit.Library{}, false
	}
	if l := s.findList(st.ID, key); l != nil && l.library() {
		return libraryRef(l), true
	}
	return graphkit.Library{}, false
}
