package drive

import (
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// A SharePoint site's document libraries are drives too. The sites workload
// knows the libraries (Kit.Sites); this one keeps their items like a user's
// OneDrive's, in a drive whose owner is the drive itself: the handlers serve
// it for a stand-in user whose id is the drive's (libraryUser), so every
// drive route works on a library unchanged. A library's drive is made when
// it is first reached (a GET included, which Touches what it makes, as a
// special folder does), with the files the tenant seeds it with.

// library is what a library's drive keeps of its list; journaled as
// "drive/<drive id>/library".
type library struct {
	Site      string    `json:"site"`
	List      string    `json:"list"`
	Name      string    `json:"name"`
	Desc      string    `json:"description,omitempty"`
	WebURL    string    `json:"webUrl"`
	Group     string    `json:"group,omitempty"`
	GroupName string    `json:"groupName,omitempty"`
	Root      string    `json:"root"`
	Created   time.Time `json:"created"`
}

func libraryKey(drive string) string { return "drive/" + drive + "/library" }

// siteRoutes registers the routes of site and group drives.
func (s *Workload) siteRoutes(m *graphkit.Mux) {
	bySite := s.findDefault(func(r *http.Request) (graphkit.SiteRef, *graphkit.Error) {
		if site, ok := s.Sites.Site(r.PathValue("sid")); ok {
			return site, nil
		}
		return graphkit.SiteRef{}, graphkit.ErrSiteNotFound
	})
	byGroup := s.findDefault(func(r *http.Request) (graphkit.SiteRef, *graphkit.Error) {
		if site, ok := s.Sites.GroupSite(r.PathValue("gid")); ok {
			return site, nil
		}
		return graphkit.SiteRef{}, graphkit.ErrResourceNotFound(r.PathValue("gid"))
	})
	m.HandleFunc("GET /v1.0/sites/{sid}/drive", s.Auth(s.onLibrary(bySite, s.getDrive)))
	m.HandleFunc("GET /v1.0/groups/{gid}/drive", s.Auth(s.onLibrary(byGroup, s.getDrive)))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists/{lid}/drive", s.Auth(s.onLibrary(s.findListLibrary, s.getDrive)))
	m.HandleFunc("GET /v1.0/sites/{sid}/drives", s.Auth(s.onLibrary(bySite, s.listSiteDrives)))
	m.HandleFunc("GET /v1.0/groups/{gid}/drives", s.Auth(s.onLibrary(byGroup, s.listSiteDrives)))
	for _, method := range driveMethods {
		m.HandleFunc(method+" /v1.0/sites/{sid}/drive/{rest...}", s.Auth(s.addressed(s.onLibrary(bySite, s.dispatch))))
		m.HandleFunc(method+" /v1.0/groups/{gid}/drive/{rest...}", s.Auth(s.addressed(s.onLibrary(byGroup, s.dispatch))))
		m.HandleFunc(method+" /v1.0/sites/{sid}/lists/{lid}/drive/{rest...}", s.Auth(s.addressed(s.onLibrary(s.findListLibrary, s.dispatch))))
	}
}

// libraryFinder returns the library a request addresses and its site.
type libraryFinder func(r *http.Request) (graphkit.SiteRef, graphkit.Library, *graphkit.Error)

// findDefault finds the default library of the site site finds.
func (s *Workload) findDefault(site func(r *http.Request) (graphkit.SiteRef, *graphkit.Error)) libraryFinder {
	return func(r *http.Request) (graphkit.SiteRef, graphkit.Library, *graphkit.Error) {
		ref, ge := site(r)
		if ge != nil {
			return ref, graphkit.Library{}, ge
		}
		libs := s.Sites.Libraries(ref.ID)
		if len(libs) == 0 {
			return ref, graphkit.Library{}, errNotFound
		}
		return ref, libs[0], nil
	}
}

// findListLibrary finds /sites/{sid}/lists/{lid}'s library.
func (s *Workload) findListLibrary(r *http.Request) (graphkit.SiteRef, graphkit.Library, *graphkit.Error) {
	site, ok := s.Sites.Site(r.PathValue("sid"))
	if !ok {
		return site, graphkit.Library{}, graphkit.ErrSiteNotFound
	}
	lib, ok := s.Sites.ListLibrary(site.ID, r.PathValue("lid"))
	if !ok {
		return site, lib, errNotFound
	}
	return site, lib, nil
}

// findByDriveID finds /drives/{did}'s library.
func (s *Workload) findByDriveID(r *http.Request) (graphkit.SiteRef, graphkit.Library, *graphkit.Error) {
	lib, ok := s.Sites.Library(r.PathValue("did"))
	if !ok {
		return graphkit.SiteRef{}, lib, errNotFound
	}
	site, ok := s.Sites.Site(lib.Site)
	if !ok {
		return site, lib, errNotFound
	}
	return site, lib, nil
}

// onLibrary serves a library's drive: the library find names, reached by a
// caller with a permission that grants the request who may reach its
// site (a member of a team site's group, for a delegated token).
func (s *Workload) onLibrary(find libraryFinder, h graphkit.OwnerHandler) func(http.ResponseWriter, *http.Request, *graphkit.Claims) {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		if s.Sites == nil {
			s.Fail(w, r, errNotFound)
			return
		}
		site, lib, ge := find(r)
		if ge == nil && !graphkit.SiteAccess(r, c, site) {
			ge = graphkit.ErrSiteAccess
		}
		if ge == nil {
			ge = s.openLibrary(r, site, lib)
		}
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		if r.Method != http.MethodGet {
			// A write journals the library first, so that its items replay
			// even when the request that made the library is journaled after
			// this one.
			graphkit.Touch(r, Name, libraryKey(lib.DriveID))
		}
		h(w, r, libraryUser(lib.DriveID, site.DisplayName))
	}
}

// libraryUser is the stand-in user a library's drive is served for.
func libraryUser(drive, name string) *graphkit.User {
	return &graphkit.User{ID: drive, DisplayName: name}
}

// ownerUser is the user the handlers serve a drive's owner as: a directory
// user, or a library's stand-in; nil when there is none. The caller does
// not hold the lock.
func (s *Workload) ownerUser(owner string) *graphkit.User {
	if u := s.Dir.Find(owner); u != nil {
		return u
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if d := s.drives[owner]; d != nil && d.lib != nil {
		return libraryUser(d.ID, d.lib.Name)
	}
	return nil
}

// openLibrary makes lib's drive if it has none yet: its root, and the files
// the tenant seeds it with (their bytes stored first, outside the lock).
func (s *Workload) openLibrary(r *http.Request, site graphkit.SiteRef, lib graphkit.Library) *graphkit.Error {
	s.mu.Lock()
	made := s.drives[lib.DriveID] != nil
	s.mu.Unlock()
	if made {
		return nil
	}
	paths := make([]string, 0, len(lib.Files))
	for p := range lib.Files {
		paths = append(paths, p)
	}
	slices.Sort(paths)
	files := map[string]*item{}
	for _, p := range paths {
		n, hash, ge := s.storeContent(strings.NewReader(lib.Files[p]))
		if ge != nil {
			return ge
		}
		files[p] = &item{Size: n, Hash: hash, MimeType: mimeType(p)}
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.drives[lib.DriveID] != nil {
		return nil
	}
	meta := &library{Site: lib.Site, List: lib.List, Name: lib.Name, Desc: lib.Description, WebURL: lib.WebURL,
		Group: site.Group, Root: stableItemID(lib.DriveID, "root"), Created: lib.Created}
	if site.Group != "" {
		meta.GroupName = site.DisplayName
	}
	s.addLibrary(lib.DriveID, meta)
	d := s.drives[lib.DriveID]
	add := func(path string, it *item) {
		dir, name := "", path
		if i := strings.LastIndex(path, "/"); i >= 0 {
			dir, name = path[:i], path[i+1:]
		}
		it.ID, it.Name, it.ParentID = stableItemID(d.ID, path), name, d.Root
		if dir != "" {
			it.ParentID = stableItemID(d.ID, dir)
		}
		it.Version, it.Content, it.Created, it.Modified, it.By, it.ModBy = 1, 1, lib.Created, lib.Created, d.ID, d.ID
		d.items[it.ID] = it
	}
	for _, p := range paths {
		segs := strings.Split(p, "/")
		for i := 1; i < len(segs); i++ {
			if dir := strings.Join(segs[:i], "/"); d.items[stableItemID(d.ID, dir)] == nil {
				add(dir, &item{Folder: true})
			}
		}
		add(p, files[p])
	}
	d.index()
	graphkit.Touch(r, Name, graphkit.FeedKey) // the feed's epoch, which delta tokens of the new drive carry
	graphkit.Touch(r, Name, libraryKey(d.ID))
	for id := range d.items {
		graphkit.Touch(r, Name, itemKey(d.ID, id))
	}
	return nil
}

// listSiteDrives serves GET /sites/{id}/drives: every document library of
// the site of u's library.
func (s *Workload) listSiteDrives(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	site := s.drives[u.ID].lib.Site
	s.mu.Unlock()
	site0, _ := s.Sites.Site(site)
	var list []graphkit.Item
	for _, lib := range s.Sites.Libraries(site) {
		if ge := s.openLibrary(r, site0, lib); ge != nil {
			s.Fail(w, r, ge)
			return
		}
		s.mu.Lock()
		list = append(list, graphkit.NewItem(s.driveObject(s.drives[lib.DriveID])))
		s.mu.Unlock()
	}
	s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, "#drives", list, driveType, childLimits), nil)
}

// libraryObject is the drive of a library as Graph's JSON; the caller
// holds the lock.
func (s *Workload) libraryObject(d *drive) map[string]any {
	used, deleted := d.usage()
	owner := map[string]any{"user": map[string]any{"displayName": "System Account"}}
	if d.lib.Group != "" {
		owner = map[string]any{"@odata.type": "#microsoft.graph.sharePointIdentitySet",
			"group": map[string]any{"id": d.lib.Group, "displayName": d.lib.GroupName}}
	}
	return map[string]any{
		"createdDateTime": stamp(d.Created), "description": d.lib.Desc, "id": d.ID, "lastModifiedDateTime": stamp(d.Created),
		"name": d.lib.Name, "webUrl": d.lib.WebURL, "driveType": "documentLibrary",
		"createdBy":      map[string]any{"user": map[string]any{"displayName": "System Account"}},
		"lastModifiedBy": map[string]any{"user": map[string]any{"displayName": "System Account"}}, "owner": owner,
		"quota": map[string]any{"deleted": deleted, "remaining": quotaTotal - used - deleted, "state": "normal",
			"total": quotaTotal, "used": used},
	}
}

// libraryURL is where an item at path p of a library opens.
func (d *drive) libraryURL(p string) string {
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return d.lib.WebURL + "/" + strings.Join(segs, "/")
}
