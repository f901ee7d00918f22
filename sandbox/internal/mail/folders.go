package mail

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Mail folders: /mailFolders (the children of msgfolderroot), a folder by id
// or well-known name, childFolders, create, rename, delete.

var mailFolderType = &odata.Type{
	Name:  "microsoft.graph.mailFolder",
	Keep:  []string{"id"},
	Props: []string{"id", "displayName", "parentFolderId", "childFolderCount", "unreadItemCount", "totalItemCount", "isHidden"},
	PropTypes: map[string]string{"id": "Edm.String", "displayName": "Edm.String", "parentFolderId": "Edm.String",
		"childFolderCount": "Edm.Int32", "unreadItemCount": "Edm.Int32", "totalItemCount": "Edm.Int32", "isHidden": "Edm.Boolean"},
}

func (s *Workload) folderList(w http.ResponseWriter, r *http.Request, u *user) {
	q, err := odata.Parse(r.URL.Query(), mailFolderType, odata.Limits{DefaultTop: 10, MaxTop: 1000})
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	hidden := strings.EqualFold(r.URL.Query().Get("includeHiddenFolders"), "true")
	var objs, raws []map[string]any
	ctx := userCtx(u) + "/mailFolders"
	s.mu.Lock()
	mb := s.mail.boxes[u.ID]
	parent := mb.wellKnown("msgfolderroot")
	if r.PathValue("fid") != "" {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			s.mu.Unlock()
			s.Fail(w, r, ge)
			return
		}
		parent = f
		ctx += "('" + f.ID + "')/childFolders"
	}
	for _, f := range mb.children(parent.ID, hidden) {
		obj, raw := jsonObject(f.toJSON(mb))
		objs, raws = append(objs, obj), append(raws, raw)
	}
	s.mu.Unlock()
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
	return entityObject(r, u, "/mailFolders", rawObject(f.toJSON(mb)), q, mailFolderType)
}

func (s *Workload) folderGet(w http.ResponseWriter, r *http.Request, u *user) {
	q, ge := entityQuery(r, mailFolderType)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			return 0, nil, ge
		}
		return 200, folderEntity(r, u, mb, f, q), nil
	})
}

// folderProps reads displayName (required on create) and isHidden.
func folderProps(body map[string]json.RawMessage, create bool) (name *string, hidden *bool, ge *graphkit.Error) {
	for k, raw := range body {
		switch k {
		case "displayName":
			var v string
			if json.Unmarshal(raw, &v) != nil {
				return nil, nil, graphkit.PropTypeError(k, "Edm.String")
			}
			if strings.TrimSpace(v) == "" {
				return nil, nil, graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must not be empty.")
			}
			name = &v
		case "isHidden":
			var v bool
			if json.Unmarshal(raw, &v) != nil {
				return nil, nil, graphkit.PropTypeError(k, "Edm.Boolean")
			}
			if !create {
				return nil, nil, graphkit.BadRequest("The property 'isHidden' can only be set when the folder is created.")
			}
			hidden = &v
		default:
			if strings.HasPrefix(k, "@") {
				continue
			}
			if slices.Contains(mailFolderType.Props, k) {
				return nil, nil, graphkit.BadRequest("The property '" + k + "' is read-only and cannot be set.")
			}
			return nil, nil, graphkit.UnknownPropError(k, "MailFolder")
		}
	}
	if create && name == nil {
		return nil, nil, graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must be set.")
	}
	return name, hidden, nil
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
	name, hidden, ge := folderProps(body, true)
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
		if siblingNamed(mb, parent.ID, *name, "") {
			return 0, nil, errFolderExists
		}
		f := &mailFolder{ID: ids.Stable(u.ID, "folder", st.feed.Epoch(), itoa64(st.next())), DisplayName: *name, ParentID: parent.ID}
		if hidden != nil {
			f.Hidden = *hidden
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
	name, _, ge := folderProps(body, false)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			return 0, nil, ge
		}
		if name != nil {
			if siblingNamed(mb, f.ParentID, *name, f.ID) {
				return 0, nil, errFolderExists
			}
			f.DisplayName = *name
			st.folderChanged(mb, f.ID)
		}
		return 200, folderEntity(r, u, mb, f, nil), nil
	})
}

func (s *Workload) folderDelete(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		f, ge := resolveFolder(mb, r)
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
	c := &mailFolder{ID: ids.Stable(mb.owner.ID, "folder", st.feed.Epoch(), itoa64(st.next())), DisplayName: f.DisplayName, ParentID: parentID, Hidden: f.Hidden}
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
