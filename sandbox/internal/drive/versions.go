package drive

import (
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Versions (driveItemVersion): every content change of a file keeps the
// content it replaces as a version in the item's record (the bytes stay in
// Kit.Files under their SHA-256). Version ids are "1.0", "2.0", ...; the
// current content is the newest, its id one past the kept ones. GET
// .../versions lists them newest first, .../versions/{id}/content is a 302
// to a pre-authenticated URL like content's, and POST
// .../versions/{id}/restoreVersion makes a version's content the current
// one (keeping the replaced content as a version, as OneDrive does).

// version is one earlier content of a file.
type version struct {
	ID       string    `json:"id"`
	Size     int64     `json:"size"`
	Hash     string    `json:"sha256"`
	Modified time.Time `json:"modified"`
	ModBy    string    `json:"modBy,omitempty"`
}

var versionType = &odata.Type{
	Name:  "microsoft.graph.driveItemVersion",
	Keep:  []string{"id"},
	Props: []string{"id", "lastModifiedBy", "lastModifiedDateTime", "publication", "size"},
	Extra: []string{"content"}, // the stream, which $select takes and the sandbox leaves out
}

// maxVersions is how many earlier versions a file keeps (SharePoint's
// default limit of major versions); the oldest go first.
const maxVersions = 500

// currentVersion is the id of a file's current content: one past its
// newest kept version.
func (it *item) currentVersion() string {
	n := 1
	if len(it.Versions) > 0 {
		last, _, _ := strings.Cut(it.Versions[len(it.Versions)-1].ID, ".")
		k, _ := strconv.Atoi(last)
		n = k + 1
	}
	return strconv.Itoa(n) + ".0"
}

// keepVersion keeps a file's content as a version before it is replaced (a
// new file has none yet).
func (it *item) keepVersion() {
	if it.Folder || it.Hash == "" {
		return
	}
	it.Versions = append(it.Versions, version{ID: it.currentVersion(), Size: it.Size, Hash: it.Hash, Modified: it.Modified, ModBy: it.ModBy})
	if n := len(it.Versions) - maxVersions; n > 0 {
		it.Versions = append([]version(nil), it.Versions[n:]...)
	}
}

// version returns the version id of a file, the current one included.
func (it *item) version(id string) (version, bool) {
	if id == it.currentVersion() {
		return version{ID: id, Size: it.Size, Hash: it.Hash, Modified: it.Modified, ModBy: it.ModBy}, true
	}
	i := slices.IndexFunc(it.Versions, func(v version) bool { return v.ID == id })
	if i < 0 {
		return version{}, false
	}
	return it.Versions[i], true
}

// source is the SHA-256 of the bytes a download token names, false when
// the file no longer has them (its content changed since the URL was made,
// or the version is gone).
func (it *item) source(c downloadClaims) (string, bool) {
	if c.Of != "" {
		v, ok := it.version(c.Of)
		return v.Hash, ok
	}
	return it.Hash, it.Content == c.Version
}

// versionObject is v of d's file it as Graph's JSON.
func (s *Workload) versionObject(v version) map[string]any {
	return map[string]any{"id": v.ID, "lastModifiedBy": s.identity(v.ModBy), "lastModifiedDateTime": stamp(v.Modified),
		"size": v.Size, "publication": map[string]any{"level": "published", "versionId": v.ID}}
}

var errNoVersion = graphkit.Err(404, "itemNotFound", "The version does not exist: list the file's versions for their ids.")

// versionsRoute serves .../versions, .../versions/{id},
// .../versions/{id}/content and POST .../versions/{id}/restoreVersion.
func (s *Workload) versionsRoute(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	id, op, _ := strings.Cut(strings.Trim(t.sub, "/"), "/")
	op = strings.ToLower(op)
	switch {
	case r.Method == "GET" && id == "" && op == "":
		s.listVersions(w, r, u, t)
	case r.Method == "GET" && id != "" && (op == "" || op == "content"):
		s.getVersion(w, r, u, t, id, op == "content")
	case r.Method == "POST" && id != "" && op == "restoreversion":
		s.restoreVersion(w, r, u, t, id)
	default:
		s.Fail(w, r, graphkit.Err(405, "BadRequest", "The HTTP method '"+r.Method+"' is not allowed on this driveItemVersion address."))
	}
}

// file resolves t to a live file, or Graph's error; the caller holds the lock.
func (d *drive) file(t target) (*item, *graphkit.Error) {
	it := d.resolve(t)
	switch {
	case it == nil:
		return nil, errNotFound
	case it.Folder:
		return nil, graphkit.Err(400, "invalidRequest", "A folder has no versions, thumbnails or content.")
	}
	return it, nil
}

func (s *Workload) listVersions(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	s.mu.Lock()
	d := s.user(u)
	it, ce := d.file(t)
	var list []graphkit.Item
	ctx := ""
	if ce == nil {
		cur, _ := it.version(it.currentVersion())
		list = append(list, graphkit.NewItem(s.versionObject(cur)))
		for i := len(it.Versions) - 1; i >= 0; i-- {
			list = append(list, graphkit.NewItem(s.versionObject(it.Versions[i])))
		}
		ctx = driveContext(r, u, "/items('"+it.ID+"')/versions")
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, ctx, list, versionType, childLimits), nil)
}

func (s *Workload) getVersion(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target, id string, content bool) {
	s.mu.Lock()
	d := s.user(u)
	it, ce := d.file(t)
	var v version
	ok := false
	loc, ctx := "", ""
	if ce == nil {
		if v, ok = it.version(id); !ok {
			ce = errNoVersion
		} else if content {
			loc = s.preauthURL(r, DownloadPrefix, it.ID, downloadClaims{Drive: d.ID, Of: v.ID,
				Expires: s.Now().Add(downloadLifetime).Unix()}, "/"+url.PathEscape(it.Name))
		}
		ctx = driveContext(r, u, "/items('"+it.ID+"')/versions/$entity")
	}
	s.mu.Unlock()
	switch {
	case ce != nil:
		s.Fail(w, r, ce)
	case content:
		s.redirect(w, r, loc)
	default:
		s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(s.versionObject(v)), versionType, ctx)
	}
}

func (s *Workload) restoreVersion(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target, id string) {
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.user(u)
	it, ce := d.file(t)
	if ce == nil {
		v, ok := it.version(id)
		switch {
		case !ok:
			ce = errNoVersion
		case !graphkit.IfMatch(r, it.eTag()):
			ce = graphkit.ErrChangeKeyMismatch
		default:
			s.setContent(r, d, it, v.Size, v.Hash, now, ownerOf(r, d))
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// redirect answers Graph's 302 to a pre-authenticated URL.
func (s *Workload) redirect(w http.ResponseWriter, r *http.Request, loc string) {
	s.IDs(w, r)
	w.Header().Set("Location", loc)
	w.Header().Set("Cache-Control", "no-cache")
	w.WriteHeader(http.StatusFound)
}
