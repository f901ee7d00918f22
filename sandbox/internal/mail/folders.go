package mail

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Mail folders: /mailFolders (the children of msgfolderroot), a folder by id
// or well-known name, childFolders, create, rename, delete.

var mailFolderType = &odata.Type{
	Name:       "microsoft.graph.mailFolder",
	Keep:       []string{"@odata.etag", "id"},
	Props:      []string{"@odata.etag", "id", "displayName", "parentFolderId", "childFolderCount", "unreadItemCount", "totalItemCount", "isHidden"},
	Expandable: append([]string{"childFolders"}, extNames...),
	PropTypes: map[string]string{"id": "Edm.String", "displayName": "Edm.String", "parentFolderId": "Edm.String",
		"childFolderCount": "Edm.Int32", "unreadItemCount": "Edm.Int32", "totalItemCount": "Edm.Int32", "isHidden": "Edm.Boolean"},
}

// folderQuery takes the extended properties and message rules out of a
// folder request's $expand: Graph serves them, the sandbox keeps no rules.
func folderQuery(q url.Values) (url.Values, extFilters, *graphkit.Error) {
	for _, item := range splitTop(q.Get("$expand")) {
		if name, _, _ := strings.Cut(strings.TrimSpace(item), "("); strings.EqualFold(strings.TrimSpace(name), "messageRules") {
			return nil, nil, graphkit.Err(501, "NotImplemented", "The sandbox keeps no message rules; $expand=messageRules is not served.")
		}
	}
	return expandExt(q)
}

// expandFolder adds to raw, f rendered, what q expands: f's child folders
// (hidden ones too with hidden) and its extended properties.
func expandFolder(raw map[string]any, mb *mailbox, f *mailFolder, q *odata.Query, ext extFilters, hidden bool) {
	if q != nil && slices.Contains(q.Expand, "childFolders") {
		kids := []mailFolderJSON{}
		for _, c := range mb.children(f.ID, hidden) {
			kids = append(kids, c.toJSON(mb))
		}
		raw["childFolders"] = rawJSON(kids)
	}
	if e := ext["singleValueExtendedProperties"]; e != nil {
		if l := expanded(f.SingleExt, e); len(l) > 0 {
			raw["singleValueExtendedProperties"] = rawJSON(l)
		}
	}
	if e := ext["multiValueExtendedProperties"]; e != nil {
		if l := expanded(f.MultiExt, e); len(l) > 0 {
			raw["multiValueExtendedProperties"] = rawJSON(l)
		}
	}
}

// rawJSON is v (the sandbox's own types) as JSON.
func rawJSON(v any) json.RawMessage {
	b, err := json.Marshal(v)
	if err != nil {
		panic("mail: marshal: " + err.Error())
	}
	return b
}

func (s *Workload) folderList(w http.ResponseWriter, r *http.Request, u *user) {
	vals, ext, ge := folderQuery(r.URL.Query())
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	q, err := odata.Parse(vals, mailFolderType, odata.Limits{DefaultTop: 10, MaxTop: 1000})
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	hidden := strings.EqualFold(r.URL.Query().Get("includeHiddenFolders"), "true")
	var objs, raws []map[string]any
	ctx := userCtx(u) + "/mailFolders"
	s.lock(r.Context())
	mb := s.mail.boxes[u.ID]
	parent := mb.wellKnown("msgfolderroot")
	if r.PathValue("fid") != "" {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			s.unlock()
			s.Fail(w, r, ge)
			return
		}
		parent = f
		ctx += "('" + f.ID + "')/childFolders"
	}
	for _, f := range mb.children(parent.ID, hidden) {
		obj, raw := jsonObject(f.toJSON(mb))
		expandFolder(raw, mb, f, q, ext, hidden)
		objs, raws = append(objs, obj), append(raws, raw)
	}
	s.unlock()
	page, total := q.Apply(objs, nil)
	items := make([]any, 0, len(page))
	for _, i := range page {
		items = append(items, q.Project(raws[i], mailFolderType))
	}
	count := -1
	if q.Count {
		count = total
	}
	s.WritePage(w, r, ctx+selectSuffix(q), items, q.Top, q.Skip, total, count)
}

func folderEntity(r *http.Request, u *user, mb *mailbox, f *mailFolder, q *odata.Query) odata.Object {
	return folderEntityExt(r, u, mb, f, q, nil)
}

// folderEntityExt is folderEntity with the extended properties ext expands.
func folderEntityExt(r *http.Request, u *user, mb *mailbox, f *mailFolder, q *odata.Query, ext extFilters) odata.Object {
	raw := rawObject(f.toJSON(mb))
	expandFolder(raw, mb, f, q, ext, strings.EqualFold(r.URL.Query().Get("includeHiddenFolders"), "true"))
	return entityObject(r, u, "/mailFolders", raw, q, mailFolderType)
}

func (s *Workload) folderGet(w http.ResponseWriter, r *http.Request, u *user) {
	vals, ext, ge := folderQuery(r.URL.Query())
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	q, ge := entityQuery(vals, mailFolderType)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			return 0, nil, ge
		}
		return 200, folderEntityExt(r, u, mb, f, q, ext), nil
	})
}

// folderEdit is what a mail folder's create or update body sets.
type folderEdit struct {
	name          *string
	hidden        *bool
	single, multi json.RawMessage // extended properties, merged into the folder's
}

// apply sets the edit's extended properties on f.
func (e *folderEdit) apply(f *mailFolder) *graphkit.Error {
	var ge *graphkit.Error
	if e.single != nil {
		if f.SingleExt, ge = mergeExt(f.SingleExt, e.single); ge != nil {
			return ge
		}
	}
	if e.multi != nil {
		f.MultiExt, ge = mergeExt(f.MultiExt, e.multi)
	}
	return ge
}

// folderSetters are the setters of the mail folder properties a client
// sets; schema.Apply requires displayName on create and refuses isHidden
// (create only) and the read-only counts on update.
var folderSetters = schema.Setters[*folderEdit]{
	"displayName": func(e *folderEdit, raw json.RawMessage) *graphkit.Error {
		var v string
		_ = json.Unmarshal(raw, &v)
		if strings.TrimSpace(v) == "" {
			return graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must not be empty.")
		}
		e.name = &v
		return nil
	},
	"isHidden": func(e *folderEdit, raw json.RawMessage) *graphkit.Error {
		_ = json.Unmarshal(raw, &e.hidden)
		return nil
	},
	"singleValueExtendedProperties": func(e *folderEdit, raw json.RawMessage) *graphkit.Error { e.single = raw; return nil },
	"multiValueExtendedProperties":  func(e *folderEdit, raw json.RawMessage) *graphkit.Error { e.multi = raw; return nil },
}

// folderProps reads a mail folder's create or update body.
func folderProps(body map[string]json.RawMessage, op schema.Op) (*folderEdit, *graphkit.Error) {
	e := &folderEdit{}
	if _, ge := schema.Apply("mailFolder", e, body, op, folderSetters); ge != nil {
		return nil, ge
	}
	return e, nil
}

func siblingNamed(mb *mailbox, parentID, name, except string) bool {
	for _, f := range mb.folders {
		if f.ParentID == parentID && f.ID != except && strings.EqualFold(f.DisplayName, name) {
			return true
		}
	}
	return false
}

var errFolderExists = graphkit.Err(409, "ErrorFolderExists", "A folder with the specified name already exists.")

func (s *Workload) folderCreate(w http.ResponseWriter, r *http.Request, u *user) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	fe, ge := folderProps(body, schema.Create)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		parent := mb.wellKnown("msgfolderroot")
		if r.PathValue("fid") != "" {
			f, ge := resolveFolder(mb, r)
			if ge != nil {
				return 0, nil, ge
			}
			parent = f
		}
		if siblingNamed(mb, parent.ID, *fe.name, "") {
			return 0, nil, errFolderExists
		}
		f := &mailFolder{ID: ids.Stable(u.ID, "folder", st.feed.Epoch(), itoa64(st.next())), DisplayName: *fe.name, ParentID: parent.ID}
		if fe.hidden != nil {
			f.Hidden = *fe.hidden
		}
		if ge := fe.apply(f); ge != nil {
			return 0, nil, ge
		}
		mb.folders[f.ID] = f
		st.folderChanged(mb, f.ID)
		return 201, folderEntity(r, u, mb, f, nil), nil
	})
}

func (s *Workload) folderPatch(w http.ResponseWriter, r *http.Request, u *user) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	fe, ge := folderProps(body, schema.Update)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		f, ge := folderAt(r, mb)
		if ge != nil {
			return 0, nil, ge
		}
		if fe.name != nil && siblingNamed(mb, f.ParentID, *fe.name, f.ID) {
			return 0, nil, errFolderExists
		}
		c := *f
		if ge := fe.apply(&c); ge != nil {
			return 0, nil, ge
		}
		if fe.name != nil {
			c.DisplayName = *fe.name
		}
		if fe.name != nil || fe.single != nil || fe.multi != nil {
			*f = c
			st.folderChanged(mb, f.ID)
		}
		return 200, folderEntity(r, u, mb, f, nil), nil
	})
}

func (s *Workload) folderDelete(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		f, ge := folderAt(r, mb)
		if ge != nil {
			return 0, nil, ge
		}
		if f.WellKnown != "" {
			return 0, nil, graphkit.Err(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
		}
		st.deleteFolder(mb, f)
		return 204, nil, nil
	})
}

// deleteFolder removes f, its subfolders and their messages.
func (st *mailStore) deleteFolder(mb *mailbox, f *mailFolder) {
	for _, c := range mb.children(f.ID, true) {
		st.deleteFolder(mb, c)
	}
	for _, m := range mb.messages(f.ID) {
		st.remove(mb, m)
	}
	delete(mb.folders, f.ID)
	st.folderChanged(mb, f.ID)
}

// folderMove moves a folder under another; Exchange keeps the folder's id.
func (s *Workload) folderMove(w http.ResponseWriter, r *http.Request, u *user) {
	body, ge := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			return 0, nil, ge
		}
		dest, ge := destination(mb, body)
		if ge != nil {
			return 0, nil, ge
		}
		if f.WellKnown != "" {
			return 0, nil, graphkit.Err(400, "ErrorMoveDistinguishedFolder", "Distinguished folders cannot be moved.")
		}
		for p := dest; p != nil; p = mb.folders[p.ParentID] {
			if p.ID == f.ID {
				return 0, nil, graphkit.Err(400, "ErrorMoveCopyFailed", "The folder cannot be moved into itself or one of its subfolders.")
			}
		}
		if siblingNamed(mb, dest.ID, f.DisplayName, f.ID) {
			return 0, nil, errFolderExists
		}
		f.ParentID = dest.ID
		st.folderChanged(mb, f.ID)
		return 201, folderEntity(r, u, mb, f, nil), nil
	})
}

// folderCopy copies a folder, its subfolders and their messages under another.
func (s *Workload) folderCopy(w http.ResponseWriter, r *http.Request, u *user) {
	body, ge := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			return 0, nil, ge
		}
		dest, ge := destination(mb, body)
		if ge != nil {
			return 0, nil, ge
		}
		for p := dest; p != nil; p = mb.folders[p.ParentID] {
			if p.ID == f.ID {
				return 0, nil, graphkit.Err(400, "ErrorMoveCopyFailed", "The folder cannot be copied into itself or one of its subfolders.")
			}
		}
		if siblingNamed(mb, dest.ID, f.DisplayName, "") {
			return 0, nil, errFolderExists
		}
		return 201, folderEntity(r, u, mb, st.copyFolder(mb, f, dest.ID, now), nil), nil
	})
}

func (st *mailStore) copyFolder(mb *mailbox, f *mailFolder, parentID string, now time.Time) *mailFolder {
	c := &mailFolder{ID: ids.Stable(mb.owner.ID, "folder", st.feed.Epoch(), itoa64(st.next())), DisplayName: f.DisplayName, ParentID: parentID, Hidden: f.Hidden,
		SingleExt: append([]singleExt(nil), f.SingleExt...), MultiExt: append([]multiExt(nil), f.MultiExt...)}
	kids, msgs := mb.children(f.ID, true), mb.messages(f.ID)
	mb.folders[c.ID] = c
	st.folderChanged(mb, c.ID)
	for _, k := range kids {
		st.copyFolder(mb, k, c.ID, now)
	}
	for _, m := range msgs {
		mc := m.clone()
		st.insert(mb, mc, c.ID, "copy", now)
		mc.finishNew(now)
		for i, a := range mc.Attachments {
			a.ID = ids.Stable(mc.ID, "attachment", itoa64(int64(i)))
		}
	}
	return c
}

// folderAt resolves the folder of the path for a write: a stale If-Match
// gets 412 and changes nothing.
func folderAt(r *http.Request, mb *mailbox) (*mailFolder, *graphkit.Error) {
	f, ge := resolveFolder(mb, r)
	if ge != nil {
		return nil, ge
	}
	if !graphkit.IfMatch(r, graphkit.OutlookETag(f.changeKey())) {
		return nil, graphkit.ErrChangeKeyMismatch
	}
	return f, nil
}
