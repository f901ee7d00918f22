package drive

import (
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// driveItemType is the OData type of drive items, in Graph's member order.
var driveItemType = &odata.Type{
	Name: "microsoft.graph.driveItem",
	Keep: []string{"id"},
	Props: []string{"@microsoft.graph.downloadUrl", "createdDateTime", "eTag", "id", "lastModifiedDateTime", "name",
		"webUrl", "cTag", "size", "createdBy", "lastModifiedBy", "parentReference", "file", "fileSystemInfo", "folder", "root", "specialFolder"},
	// Extra are the schema's other structural properties: $select takes
	// them, and the sandbox answers none (Graph leaves out what it lacks).
	Extra: []string{"description", "audio", "bundle", "content", "deleted", "image", "location", "malware",
		"package", "pendingOperations", "photo", "publication", "remoteItem", "searchResult", "shared",
		"sharepointIds", "video", "webDavUrl"},
	Expandable: []string{"children"},
}

var driveType = &odata.Type{
	Name: "microsoft.graph.drive",
	Keep: []string{"id"},
	Props: []string{"createdDateTime", "description", "id", "lastModifiedDateTime", "name", "webUrl", "driveType",
		"createdBy", "lastModifiedBy", "owner", "quota"},
	Extra: []string{"sharePointIds", "system", "eTag", "parentReference"},
}

// childLimits page children as OneDrive does: 200 an answer unless $top says.
var childLimits = odata.Limits{DefaultTop: 200, MaxTop: 1000}

// quotaTotal is every drive's size (1 TB, OneDrive for Business's default).
const quotaTotal = int64(1) << 40

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

func (it *item) eTag() string { return fmt.Sprintf(`"{%s},%d"`, it.ID, it.Version) }
func (it *item) cTag() string { return fmt.Sprintf(`"c:{%s},%d"`, it.ID, it.Content) }

// identity is an identitySet naming a directory user.
func (s *Workload) identity(id string) map[string]any {
	user := map[string]any{"id": id}
	if d := s.drives[id]; d != nil && d.lib != nil { // a library's stand-in
		return map[string]any{"user": map[string]any{"displayName": "System Account"}}
	}
	if u := s.Dir.Find(id); u != nil {
		user["displayName"] = u.DisplayName
	}
	return map[string]any{"user": user}
}

// webURL is where the item opens in SharePoint (never fetched).
func (s *Workload) webURL(d *drive, p string) string {
	if d.lib != nil {
		return d.libraryURL(p)
	}
	site := d.Owner
	if u := s.Dir.Find(d.Owner); u != nil {
		site = strings.NewReplacer("@", "_", ".", "_").Replace(u.UserPrincipalName)
	}
	segs := strings.Split(strings.TrimPrefix(p, "/"), "/")
	for i, seg := range segs {
		segs[i] = url.PathEscape(seg)
	}
	return "https://contoso-my.sharepoint.com/personal/" + site + "/Documents/" + strings.Join(segs, "/")
}

// itemObject is it as Graph's JSON; r (nil: none) gives the host of its
// download URL. The caller holds the lock.
func (s *Workload) itemObject(r *http.Request, d *drive, it *item) map[string]any {
	o := map[string]any{
		"createdDateTime": stamp(it.Created), "eTag": it.eTag(), "id": it.ID, "lastModifiedDateTime": stamp(it.Modified),
		"name": it.Name, "webUrl": s.webURL(d, d.path(it)), "cTag": it.cTag(), "size": it.Size,
		"createdBy": s.identity(it.By), "lastModifiedBy": s.identity(it.ModBy),
		"fileSystemInfo": map[string]any{"createdDateTime": stamp(it.Created), "lastModifiedDateTime": stamp(it.Modified)},
	}
	ref := map[string]any{"driveType": "business", "driveId": d.ID}
	if d.lib != nil {
		ref["driveType"], ref["siteId"] = "documentLibrary", d.lib.Site
	}
	if p := d.items[it.ParentID]; p != nil {
		ref["id"] = p.ID
		ref["name"] = p.Name
		ref["path"] = "/drive/root:" + d.path(p)
	}
	o["parentReference"] = ref
	if it.Desc != "" {
		o["description"] = it.Desc
	}
	if it.Folder {
		n := 0
		for _, id := range it.Children {
			if c := d.items[id]; c != nil && c.live() {
				n++
			}
		}
		o["folder"] = map[string]any{"childCount": n}
		if it.ParentID == "" {
			o["root"] = map[string]any{}
			o["name"] = "root"
		}
		if it.Special != "" {
			o["specialFolder"] = map[string]any{"name": specialName(it.Special)}
		}
	} else {
		o["file"] = map[string]any{"mimeType": it.MimeType, "hashes": map[string]any{"sha256Hash": strings.ToUpper(it.Hash)}}
		if r != nil {
			o["@microsoft.graph.downloadUrl"] = s.downloadURL(r, d, it)
		}
	}
	return o
}

// driveObject is d as Graph's JSON; the caller holds the lock.
func (s *Workload) driveObject(d *drive) map[string]any {
	if d.lib != nil {
		return s.libraryObject(d)
	}
	used, deleted := d.usage()
	owner := s.identity(d.Owner)
	return map[string]any{
		"createdDateTime": stamp(d.Created), "description": "", "id": d.ID, "lastModifiedDateTime": stamp(d.Created),
		"name": "OneDrive", "webUrl": strings.TrimSuffix(s.webURL(d, ""), "/"), "driveType": "business",
		"createdBy":      map[string]any{"user": map[string]any{"displayName": "System Account"}},
		"lastModifiedBy": owner, "owner": owner,
		"quota": map[string]any{"deleted": deleted, "remaining": quotaTotal - used - deleted, "state": "normal",
			"total": quotaTotal, "used": used},
	}
}

// driveContext is the @odata.context fragment of suffix below the drive
// the request addressed.
func driveContext(r *http.Request, u *graphkit.User, suffix string) string {
	if p := strings.ToLower(r.URL.Path); !strings.HasPrefix(p, "/v1.0/me/") && !strings.HasPrefix(p, "/v1.0/users/") {
		return "#drives" + suffix // by id, or a site's or group's library
	}
	return "#users('" + u.ID + "')/drive" + suffix
}

func (s *Workload) getDrive(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	obj := graphkit.NewItem(s.driveObject(s.user(u)))
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusOK, obj, driveType, driveContext(r, u, "/$entity"))
}

func (s *Workload) listDrives(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	list := []graphkit.Item{graphkit.NewItem(s.driveObject(s.user(u)))}
	s.mu.Unlock()
	ctx := "#users('" + u.ID + "')/drives"
	s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, ctx, list, driveType, childLimits), nil)
}

// expandChildren reads $expand=children for one item.
func expandChildren(r *http.Request) bool {
	for _, x := range odata.SplitExpand(r.URL.Query().Get("$expand")) {
		if x.Name == "children" {
			return true
		}
	}
	return false
}

// children are the live children of folder, ordered by name.
func (d *drive) children(folder *item) []*item {
	var out []*item
	for _, id := range folder.Children {
		if c := d.items[id]; c != nil && c.live() {
			out = append(out, c)
		}
	}
	slices.SortFunc(out, func(a, b *item) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out
}

// expandedChildren is the most Graph expands of a folder's children.
const expandedChildren = 200

func (s *Workload) getItem(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	var obj graphkit.Item
	if it != nil {
		obj = graphkit.NewItem(s.itemObject(r, d, it))
		if expandChildren(r) {
			kids := []any{}
			for _, c := range d.children(it) {
				if len(kids) == expandedChildren {
					break
				}
				kids = append(kids, s.itemObject(r, d, c))
			}
			if it.Folder {
				obj.Set("children", kids)
			}
		}
	}
	s.mu.Unlock()
	if it == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, driveItemType, driveContext(r, u, "/items/$entity"))
}

func (s *Workload) listChildren(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	var page graphkit.Page
	if it != nil {
		var list []graphkit.Item
		for _, c := range d.children(it) {
			list = append(list, graphkit.ItemFunc(func() any { return s.itemObject(r, d, c) }))
		}
		page = graphkit.ListPageStyle(r, graphkit.TokenPages, driveContext(r, u, "/items('"+it.ID+"')/children"),
			list, driveItemType, childLimits) // renders the page only
	}
	s.mu.Unlock()
	if it == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	s.WriteListPage(w, r, page, nil)
}

// itemChange is a create or update body, read by schema.Apply.
type itemChange struct {
	name, desc *string
	folder     bool
	file       bool
	parent     *itemRef
}

// itemRef is the part of an itemReference a move reads.
type itemRef struct {
	ID      string `json:"id"`
	Path    string `json:"path"`
	DriveID string `json:"driveId"`
}

var itemSetters = schema.Setters[*itemChange]{
	"name": func(c *itemChange, raw json.RawMessage) *graphkit.Error {
		var n string
		if json.Unmarshal(raw, &n) != nil || !validName(n) {
			return errBadName(n)
		}
		c.name = &n
		return nil
	},
	"description": func(c *itemChange, raw json.RawMessage) *graphkit.Error {
		var v string
		_ = json.Unmarshal(raw, &v)
		c.desc = &v
		return nil
	},
	"folder": func(c *itemChange, raw json.RawMessage) *graphkit.Error {
		c.folder = string(raw) != "null"
		return nil
	},
	"file": func(c *itemChange, raw json.RawMessage) *graphkit.Error {
		c.file = string(raw) != "null"
		return nil
	},
	"parentReference": func(c *itemChange, raw json.RawMessage) *graphkit.Error {
		var ref itemRef
		if string(raw) == "null" || json.Unmarshal(raw, &ref) != nil {
			return graphkit.Err(400, "invalidRequest", "parentReference must name the folder to move the item to (its id or path).")
		}
		c.parent = &ref
		return nil
	},
}

// errBadName is Graph's 400 for a name OneDrive does not allow.
func errBadName(n string) *graphkit.Error {
	return graphkit.Err(400, "invalidRequest", "The name '"+n+"' is not valid: a name is not empty, has none of \" * : < > ? / \\ | and does not start or end with a space.")
}

func validName(n string) bool {
	return n != "" && len(n) <= 400 && strings.TrimSpace(n) == n && !strings.ContainsAny(n, `"*:<>?/\|`) && n != "." && n != ".."
}

// conflictBehavior reads @microsoft.graph.conflictBehavior from a body's
// other members or the query; def when neither has it.
func conflictBehavior(r *http.Request, rest map[string]json.RawMessage, def string) (string, *graphkit.Error) {
	v := r.URL.Query().Get("@microsoft.graph.conflictBehavior")
	if raw, ok := rest["@microsoft.graph.conflictBehavior"]; ok {
		_ = json.Unmarshal(raw, &v)
	}
	switch v = strings.ToLower(v); v {
	case "":
		return def, nil
	case "fail", "replace", "rename":
		return v, nil
	}
	return "", graphkit.Err(400, "invalidRequest", "@microsoft.graph.conflictBehavior is fail, replace or rename, not '"+v+"'.")
}

// answer writes an item a handler made (obj, with status), or ce.
func (s *Workload) answer(w http.ResponseWriter, r *http.Request, u *graphkit.User, status int, obj graphkit.Item, ce *graphkit.Error) {
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteEntity(w, r, status, obj, driveItemType, driveContext(r, u, "/items/$entity"))
}

var errNoFolder = graphkit.Err(400, "invalidRequest", "The folder parentReference names does not exist in this drive.")

var errNameExists = graphkit.Err(409, "nameAlreadyExists", "The specified item name already exists.")

// place finds where a new item called name goes in parent under behaviour
// how: the name to use, and the existing item to replace (nil: none).
func (d *drive) place(parent *item, name, how string) (string, *item, *graphkit.Error) {
	old := d.child(parent, name)
	switch {
	case old == nil:
		return name, nil, nil
	case how == "fail":
		return "", nil, errNameExists
	case how == "replace":
		return name, old, nil
	}
	ext := path.Ext(name)
	if old.Folder {
		ext = ""
	}
	stem := strings.TrimSuffix(name, ext)
	for n := 1; ; n++ {
		try := fmt.Sprintf("%s %d%s", stem, n, ext)
		if d.child(parent, try) == nil {
			return try, nil, nil
		}
	}
}

// recycle moves it to the recycle bin.
func (s *Workload) recycle(r *http.Request, d *drive, it *item, now time.Time) {
	it.Deleted, it.Version = now, it.Version+1
	s.touchTree(r, d, it)
	s.books.Forget(d.ID + "/" + it.ID) // its workbook sessions end (the sessions' lock comes after the drive's)
}

func (s *Workload) createFolder(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	var c itemChange
	rest, ce := schema.Apply("driveItem", &c, body, schema.Create, itemSetters)
	if ce == nil {
		switch {
		case c.name == nil:
			ce = graphkit.Err(400, "invalidRequest", "A new folder needs a name.")
		case c.file || !c.folder:
			ce = graphkit.Err(400, "invalidRequest", "POST children creates folders (a body with \"folder\": {}); upload a file with PUT .../{name}:/content.")
		}
	}
	how := ""
	if ce == nil {
		how, ce = conflictBehavior(r, rest, "fail")
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.user(u)
	parent := d.resolve(t)
	var obj graphkit.Item
	var it *item
	switch {
	case parent == nil:
		ce = errNotFound
	case !parent.Folder:
		ce = graphkit.Err(400, "invalidRequest", "Items can be created in folders only.")
	default:
		var name string
		var old *item
		if name, old, ce = d.place(parent, *c.name, how); ce == nil {
			if old != nil {
				s.recycle(r, d, old, now)
			}
			it = &item{ID: newItemID(), Name: name, Folder: true, Version: 1, Content: 1, Created: now, Modified: now, By: u.ID, ModBy: u.ID}
			if c.desc != nil {
				it.Desc = *c.desc
			}
			d.items[it.ID] = it
			d.link(it, parent.ID)
			s.touch(r, d, it)
			obj = graphkit.NewItem(s.itemObject(r, d, it))
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/drives/"+d.ID+"/items/"+it.ID)
	s.WriteEntity(w, r, http.StatusCreated, obj, driveItemType, driveContext(r, u, "/items/$entity"))
}

// resolveRef finds the folder a parentReference names in d.
func (d *drive) resolveRef(ref *itemRef) *item {
	if ref.DriveID != "" && ref.DriveID != d.ID {
		return nil
	}
	if ref.ID != "" {
		return d.find(ref.ID)
	}
	p, ok := strings.CutPrefix(ref.Path, "/drive/root:")
	if !ok {
		p, ok = strings.CutPrefix(ref.Path, "/drives/"+d.ID+"/root:")
	}
	if !ok {
		return nil
	}
	t := target{byPath: true}
	for _, seg := range strings.Split(p, "/") {
		if seg != "" {
			t.path = append(t.path, seg)
		}
	}
	return d.resolve(t)
}

func (s *Workload) updateItem(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	var c itemChange
	if _, ce = schema.Apply("driveItem", &c, body, schema.Update, itemSetters); ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	var obj graphkit.Item
	switch {
	case it == nil:
		ce = errNotFound
	case !graphkit.IfMatch(r, it.eTag()):
		ce = graphkit.ErrChangeKeyMismatch
	case it.ParentID == "" && (c.name != nil || c.parent != nil):
		ce = graphkit.Err(400, "invalidRequest", "The root folder cannot be renamed or moved.")
	default:
		ce = s.change(r, d, it, &c, now)
		if ce == nil {
			obj = graphkit.NewItem(s.itemObject(r, d, it))
		}
	}
	s.mu.Unlock()
	s.answer(w, r, u, http.StatusOK, obj, ce)
}

// change applies an update to it; the caller holds the lock.
func (s *Workload) change(r *http.Request, d *drive, it *item, c *itemChange, now time.Time) *graphkit.Error {
	parent := d.items[it.ParentID]
	if c.parent != nil {
		if parent = d.resolveRef(c.parent); parent == nil || !parent.Folder {
			return errNoFolder
		}
		for p := parent; p != nil; p = d.items[p.ParentID] {
			if p == it {
				return graphkit.Err(400, "invalidRequest", "A folder cannot be moved into itself or one of its folders.")
			}
		}
	}
	name := it.Name
	if c.name != nil {
		name = *c.name
	}
	if other := d.child(parent, name); other != nil && other != it {
		return errNameExists
	}
	if parent.ID != it.ParentID {
		d.link(it, parent.ID)
	}
	it.Name = name
	if c.desc != nil {
		it.Desc = *c.desc
	}
	it.Modified, it.ModBy, it.Version = now, ownerOf(r, d), it.Version+1
	s.touch(r, d, it)
	return nil
}

// ownerOf is who makes the request: the signed-in user, or the drive's
// owner for an app.
func ownerOf(r *http.Request, d *drive) string {
	if c := graphkit.ClaimsFrom(r.Context()); c != nil && !c.IsApp() {
		return c.Oid
	}
	return d.Owner
}

func (s *Workload) deleteItem(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	var ce *graphkit.Error
	switch {
	case it == nil:
		ce = errNotFound
	case !graphkit.IfMatch(r, it.eTag()):
		ce = graphkit.ErrChangeKeyMismatch
	case it.ParentID == "":
		ce = graphkit.Err(403, "accessDenied", "The root folder cannot be deleted.")
	default:
		s.recycle(r, d, it, now)
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// restoreItem brings an item back from the recycle bin (POST
// items/{id}/restore): into its folder, or the one parentReference names,
// or the root when its folder is gone; under its name, or the body's.
func (s *Workload) restoreItem(w http.ResponseWriter, r *http.Request, u *graphkit.User, id string) {
	var c itemChange
	if r.ContentLength != 0 {
		body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
		if ce == nil {
			_, ce = schema.Apply("driveItem", &c, body, schema.Update, itemSetters)
		}
		if ce != nil {
			s.Fail(w, r, ce)
			return
		}
	}
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.user(u)
	it := d.items[id]
	var ce *graphkit.Error
	var obj graphkit.Item
	switch {
	case it == nil || it.live():
		ce = graphkit.Err(404, "itemNotFound", "The item is not in the recycle bin.")
	default:
		parent := d.find(it.ParentID)
		if c.parent != nil {
			parent = d.resolveRef(c.parent)
		} else if parent == nil {
			parent = d.find("")
		}
		name := it.Name
		if c.name != nil {
			name = *c.name
		}
		switch {
		case parent == nil || !parent.Folder:
			ce = errNoFolder
		case d.child(parent, name) != nil:
			ce = errNameExists
		default:
			if parent.ID != it.ParentID {
				d.link(it, parent.ID)
			}
			it.Name, it.Deleted, it.Modified, it.ModBy, it.Version = name, time.Time{}, now, ownerOf(r, d), it.Version+1
			s.touchTree(r, d, it)
			obj = graphkit.NewItem(s.itemObject(r, d, it))
		}
	}
	s.mu.Unlock()
	s.answer(w, r, u, http.StatusOK, obj, ce)
}
