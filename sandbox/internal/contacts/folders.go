package contacts

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the contact folders: the default Contacts folder and its
// sub-folders.

// rootChangeKey is the change key of the default Contacts folder, which
// cannot be changed.
var rootChangeKey = outlook.ChangeKey(0)

// rootFolder is the default Contacts folder of cu.
func rootFolder(cu *user) *contactFolder {
	return &contactFolder{ID: cu.contactRoot, DisplayName: "Contacts", ChangeKey: rootChangeKey}
}

// folderByID finds a folder by the request's {fid} ("contacts" and the
// root's id: the default folder), or nil.
func folderByID(cu *user, fid string) *contactFolder {
	if id, ok := contactFolderOf(cu, fid); ok {
		if i := cu.folderIndex(id); i >= 0 {
			return cu.folders[i]
		}
		return rootFolder(cu)
	}
	return nil
}

// folderObject is f as Graph's JSON, with what $expand asks for.
func folderObject(cu *user, f *contactFolder, x outlook.Expansion) graphkit.Item {
	parent := cu.contactRoot
	if f.ID == cu.contactRoot {
		parent = ids.Stable(cu.owner.ID, "msgfolderroot")
	}
	it := graphkit.NewItem(map[string]any{"@odata.etag": graphkit.OutlookETag(f.ChangeKey), "id": f.ID,
		"parentFolderId": parent, "displayName": f.DisplayName})
	x.SetExtended(it, &f.Extended)
	for _, name := range x.Names {
		switch name {
		case "contacts":
			list := []any{}
			for _, c := range cu.contacts {
				if c.FolderID == f.ID {
					list = append(list, contactObject(c, outlook.Expansion{}).Raw())
				}
			}
			it.Set(name, list)
		case "childFolders":
			list := []any{}
			if f.ID == cu.contactRoot {
				for _, sub := range cu.folders {
					list = append(list, folderObject(cu, sub, outlook.Expansion{}).Raw())
				}
			}
			it.Set(name, list)
		}
	}
	return it
}

func (s *Workload) contactFolderList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	x, ce := outlook.ReadExpand(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	var objs []graphkit.Item
	for _, f := range cu.folders {
		objs = append(objs, folderObject(cu, f, x))
	}
	s.mu.Unlock()
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, contactFolderType, contactLimits, nil)
}

func (s *Workload) contactFolderGet(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	x, ce := outlook.ReadExpand(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	f := folderByID(cu, r.PathValue("fid"))
	var obj graphkit.Item
	if f != nil {
		obj = folderObject(cu, f, x)
	}
	s.mu.Unlock()
	if f == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, contactFolderType, graphkit.ItemContext(r, u, true))
}

var errContactFolderExists = graphkit.Err(409, "ErrorFolderExists", "A folder with the specified name already exists.")

// nameTaken reports whether another folder of cu than f is called name.
func nameTaken(cu *user, f *contactFolder, name string) bool {
	return strings.EqualFold(name, "Contacts") || slices.ContainsFunc(cu.folders, func(o *contactFolder) bool {
		return o.ID != f.ID && strings.EqualFold(o.DisplayName, name)
	})
}

func (s *Workload) contactFolderCreate(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	f := &contactFolder{}
	e := &folderEdit{name: &f.DisplayName, ext: &f.Extended}
	if _, ce = schema.Apply("contactFolder", e, body, schema.Create, folderSetters); ce == nil && !e.renamed {
		ce = graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must be set.")
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	var obj graphkit.Item
	if nameTaken(cu, f, f.DisplayName) {
		ce = errContactFolderExists
	} else {
		f.ID, f.ChangeKey = s.newID(r.Context(), u.ID, "contactFolder"), s.changeKey(r.Context())
		cu.folders = append(cu.folders, f)
		graphkit.Touch(r, Name, folderKey(u.ID, f.ID))
		obj = folderObject(cu, f, outlook.Expansion{})
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteEntity(w, r, http.StatusCreated, obj, contactFolderType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) contactFolderPatch(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	var obj graphkit.Item
	i := cu.folderIndex(r.PathValue("fid"))
	switch {
	case i < 0 && r.PathValue("fid") == cu.contactRoot:
		ce = graphkit.Err(400, "ErrorCannotRenameDistinguishedFolder", "Distinguished folders cannot be renamed.")
	case i < 0:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(cu.folders[i].ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		cp := *cu.folders[i]
		e := &folderEdit{name: &cp.DisplayName, ext: &cp.Extended}
		_, ce = schema.Apply("contactFolder", e, body, schema.Update, folderSetters)
		if ce == nil && e.renamed && nameTaken(cu, &cp, cp.DisplayName) {
			ce = errContactFolderExists
		}
		if ce == nil {
			cp.ChangeKey = s.changeKey(r.Context())
			*cu.folders[i] = cp
			graphkit.Touch(r, Name, folderKey(u.ID, cp.ID))
			obj = folderObject(cu, &cp, outlook.Expansion{})
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, contactFolderType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) contactFolderDelete(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	cu := s.user(u)
	fid := r.PathValue("fid")
	i := cu.folderIndex(fid)
	var ce *graphkit.Error
	switch {
	case i < 0 && (fid == cu.contactRoot || strings.EqualFold(fid, "contacts")):
		ce = graphkit.Err(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
	case i < 0:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(cu.folders[i].ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		cu.folders = slices.Delete(cu.folders, i, i+1)
		graphkit.Touch(r, Name, folderKey(u.ID, fid))
		cu.contacts = slices.DeleteFunc(cu.contacts, func(c *contact) bool {
			if c.FolderID != fid {
				return false
			}
			graphkit.Touch(r, Name, contactKey(u.ID, c.ID))
			s.noteRemoval(r.Context(), u, c)
			return true
		})
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}
