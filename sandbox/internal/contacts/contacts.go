// Package contacts is the sandbox's Outlook contacts workload (O365's
// AddressBook and ContactFolder) for /me/... and /users/{id|upn}/...:
// contacts of the default Contacts folder and of its sub-folders, with
// OData options, and the folders themselves. Its data has its own lock and
// journals by entity (see store.go).
package contacts

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Permissions of the contact routes.
var (
	readPerms  = []string{"Contacts.Read", "Contacts.ReadWrite"}
	writePerms = []string{"Contacts.ReadWrite"}
)

// Routes registers the contact routes.
func (s *Workload) Routes(m *graphkit.Mux) {
	for _, r := range []struct {
		suffix string
		h      graphkit.OwnerHandler
	}{
		{"/contacts", s.contactList}, {"/contacts/{ctid}", s.contactGet},
		{"/contactFolders", s.contactFolderList}, {"/contactFolders/{fid}", s.contactFolderGet},
		{"/contactFolders/{fid}/contacts", s.contactList},
		{"/contacts/delta", s.contactDelta}, {"/contactFolders/{fid}/contacts/delta", s.contactDelta},
	} {
		s.HandleOwned(m, "GET", r.suffix, readPerms, r.h)
	}
	for _, r := range []struct {
		method, suffix string
		h              graphkit.OwnerHandler
	}{
		{"POST", "/contacts", s.contactCreate}, {"POST", "/contactFolders/{fid}/contacts", s.contactCreate},
		{"PATCH", "/contacts/{ctid}", s.contactPatch}, {"DELETE", "/contacts/{ctid}", s.contactDelete},
		{"POST", "/contactFolders", s.contactFolderCreate}, {"PATCH", "/contactFolders/{fid}", s.contactFolderPatch},
		{"DELETE", "/contactFolders/{fid}", s.contactFolderDelete},
	} {
		s.HandleOwned(m, r.method, r.suffix, writePerms, r.h)
	}
}

// contactType is the OData type of contacts, in Graph's property order.
var contactType = &odata.Type{
	Name: "microsoft.graph.contact",
	Keep: []string{"@odata.etag", "id"},
	Props: []string{"@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories",
		"parentFolderId", "birthday", "fileAs", "displayName", "givenName", "initials", "middleName", "nickName",
		"surname", "title", "yomiGivenName", "yomiSurname", "yomiCompanyName", "generation", "imAddresses", "jobTitle",
		"companyName", "department", "officeLocation", "profession", "businessHomePage", "assistantName", "manager",
		"homePhones", "mobilePhone", "businessPhones", "spouseName", "personalNotes", "children", "emailAddresses",
		"homeAddress", "businessAddress", "otherAddress"},
}

var contactFolderType = &odata.Type{
	Name:  "microsoft.graph.contactFolder",
	Keep:  []string{"id"},
	Props: []string{"id", "parentFolderId", "displayName"},
}

var contactLimits = odata.Limits{DefaultTop: 10, MaxTop: 1000}

// Kinds of writable contact properties.
var (
	contactStringLists = []string{"categories", "imAddresses", "homePhones", "businessPhones", "children"}
	contactAddresses   = []string{"homeAddress", "businessAddress", "otherAddress"}
	contactReadOnly    = []string{"@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "parentFolderId"}
	addressFields      = []string{"street", "city", "state", "countryOrRegion", "postalCode"}
)

// contactAddress is a physicalAddress in Graph's member order.
type contactAddress struct {
	Street          string `json:"street,omitempty"`
	City            string `json:"city,omitempty"`
	State           string `json:"state,omitempty"`
	CountryOrRegion string `json:"countryOrRegion,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
}

// contactObject is c as Graph's JSON object: every default property, null
// or empty when unset.
func contactObject(c *contact) graphkit.Item {
	o := map[string]any{}
	for _, k := range contactType.Props {
		switch {
		case slices.Contains(contactStringLists, k) || k == "emailAddresses":
			o[k] = []any{}
		case slices.Contains(contactAddresses, k):
			o[k] = map[string]any{}
		default:
			o[k] = nil
		}
	}
	for k, v := range c.Props {
		o[k] = v
	}
	o["@odata.etag"] = `W/"` + c.ChangeKey + `"`
	o["id"] = c.ID
	o["createdDateTime"] = outlook.Timestamp(c.Created)
	o["lastModifiedDateTime"] = outlook.Timestamp(c.Changed)
	o["changeKey"] = c.ChangeKey
	o["parentFolderId"] = c.FolderID
	return graphkit.NewItem(o)
}

// applyContactProps checks the members of body and sets them on props.
func applyContactProps(props map[string]any, body map[string]json.RawMessage) *graphkit.Error {
	for k, raw := range body {
		if slices.Contains(contactReadOnly, k) || strings.HasPrefix(k, "@odata.") {
			continue
		}
		if !slices.Contains(contactType.Props, k) {
			return graphkit.UnknownPropError(k, "Contact")
		}
		var v any
		if json.Unmarshal(raw, &v) != nil {
			return graphkit.PropTypeError(k, "")
		}
		ok := true
		switch {
		case slices.Contains(contactStringLists, k):
			var ss []string
			ok = json.Unmarshal(raw, &ss) == nil
			if v == nil {
				v = []any{}
			}
		case k == "emailAddresses":
			es := []outlook.EmailAddress{}
			ok = v == nil || json.Unmarshal(raw, &es) == nil
			for _, e := range es {
				ok = ok && e.Address != ""
			}
			v = es
		case slices.Contains(contactAddresses, k):
			m, isMap := v.(map[string]any)
			ok = isMap || v == nil
			for f, fv := range m {
				_, isStr := fv.(string)
				ok = ok && slices.Contains(addressFields, f) && (isStr || fv == nil)
			}
			var a contactAddress
			_ = json.Unmarshal(raw, &a)
			v = a
		case k == "birthday":
			if s, isStr := v.(string); isStr {
				_, err := time.Parse(time.RFC3339, s)
				ok = err == nil
			} else {
				ok = v == nil
			}
		default:
			_, isStr := v.(string)
			ok = isStr || v == nil
		}
		if !ok {
			return graphkit.PropTypeError(k, "")
		}
		props[k] = v
	}
	if name, _ := props["displayName"].(string); name == "" {
		var parts []string
		for _, k := range []string{"givenName", "middleName", "surname"} {
			if s, _ := props[k].(string); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			props["displayName"] = strings.Join(parts, " ")
		}
	}
	return nil
}

// contactFolderOf resolves the request's {fid} ("" = the default folder).
func contactFolderOf(cu *user, fid string) (string, bool) {
	if fid == "" || fid == cu.contactRoot || strings.EqualFold(fid, "contacts") {
		return cu.contactRoot, true
	}
	for _, f := range cu.folders {
		if f.ID == fid {
			return f.ID, true
		}
	}
	return "", false
}

func (s *Workload) contactList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	cu := s.user(u)
	folder, ok := contactFolderOf(cu, r.PathValue("fid"))
	var objs []graphkit.Item
	for _, c := range cu.contacts {
		if ok && c.FolderID == folder {
			objs = append(objs, contactObject(c))
		}
	}
	s.mu.Unlock()
	if !ok {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, contactType, contactLimits, nil)
}

func findContact(cu *user, id string) *contact {
	for _, c := range cu.contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (s *Workload) contactGet(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	c := findContact(s.user(u), r.PathValue("ctid"))
	var obj graphkit.Item
	if c != nil {
		obj = contactObject(c)
	}
	s.mu.Unlock()
	if c == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, contactType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) contactCreate(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	props := map[string]any{}
	if ce = applyContactProps(props, body); ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	cu := s.user(u)
	folder, ok := contactFolderOf(cu, r.PathValue("fid"))
	var c *contact
	if ok {
		c = &contact{ID: s.newID(r.Context(), u.ID, "contact"), FolderID: folder, Props: props, ChangeKey: s.changeKey(r.Context()), Created: now, Changed: now}
		cu.contacts = append(cu.contacts, c)
		s.noteChange(u, c, graphkit.Created)
		graphkit.Touch(r, Name, contactKey(u.ID, c.ID))
	}
	var obj graphkit.Item
	id := ""
	if c != nil {
		obj, id = contactObject(c), c.ID
	}
	s.mu.Unlock()
	if !ok {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/users('"+u.ID+"')/contacts('"+id+"')")
	s.WriteEntity(w, r, http.StatusCreated, obj, contactType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) contactPatch(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	c := findContact(s.user(u), r.PathValue("ctid"))
	var obj graphkit.Item
	if c == nil {
		ce = graphkit.ErrItemNotFound
	} else {
		props := map[string]any{}
		for k, v := range c.Props {
			props[k] = v
		}
		if ce = applyContactProps(props, body); ce == nil {
			c.Props, c.Changed, c.ChangeKey = props, now, s.changeKey(r.Context())
			s.noteChange(u, c, graphkit.Updated)
			graphkit.Touch(r, Name, contactKey(u.ID, c.ID))
			obj = contactObject(c)
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, contactType, graphkit.ItemContext(r, u, true))
}

func (s *Workload) contactDelete(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	cu := s.user(u)
	c := findContact(cu, r.PathValue("ctid"))
	if c != nil {
		cu.contacts = slices.DeleteFunc(cu.contacts, func(o *contact) bool { return o == c })
		s.noteRemoval(r.Context(), u, c)
		graphkit.Touch(r, Name, contactKey(u.ID, c.ID))
	}
	s.mu.Unlock()
	if c == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

func folderObject(cu *user, id, name string) graphkit.Item {
	parent := cu.contactRoot
	if id == cu.contactRoot {
		parent = ids.Stable(cu.owner.ID, "msgfolderroot")
	}
	return graphkit.NewItem(map[string]any{"id": id, "parentFolderId": parent, "displayName": name})
}

func (s *Workload) contactFolderList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	cu := s.user(u)
	var objs []graphkit.Item
	for _, f := range cu.folders {
		objs = append(objs, folderObject(cu, f.ID, f.DisplayName))
	}
	s.mu.Unlock()
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, contactFolderType, contactLimits, nil)
}

func (s *Workload) contactFolderGet(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	cu := s.user(u)
	id, ok := contactFolderOf(cu, r.PathValue("fid"))
	var obj graphkit.Item
	if ok {
		name := "Contacts"
		for _, f := range cu.folders {
			if f.ID == id {
				name = f.DisplayName
			}
		}
		obj = folderObject(cu, id, name)
	}
	s.mu.Unlock()
	if !ok {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, contactFolderType, graphkit.ItemContext(r, u, true))
}

// folderName reads displayName from a folder body.
func folderName(body map[string]json.RawMessage) (string, bool, *graphkit.Error) {
	var name string
	raw, ok := body["displayName"]
	for k := range body {
		if k != "displayName" && k != "parentFolderId" && !strings.HasPrefix(k, "@odata.") {
			return "", false, graphkit.UnknownPropError(k, "ContactFolder")
		}
	}
	if !ok {
		return "", false, nil
	}
	if json.Unmarshal(raw, &name) != nil {
		return "", false, graphkit.PropTypeError("displayName", "Edm.String")
	}
	if strings.TrimSpace(name) == "" {
		return "", false, graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must not be empty.")
	}
	return name, true, nil
}

var errContactFolderExists = graphkit.Err(409, "ErrorFolderExists", "A folder with the specified name already exists.")

func (s *Workload) contactFolderCreate(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	name, ok, ce := folderName(body)
	if ce == nil && !ok {
		ce = graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must be set.")
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	var obj graphkit.Item
	if slices.ContainsFunc(cu.folders, func(f *contactFolder) bool { return strings.EqualFold(f.DisplayName, name) }) || strings.EqualFold(name, "Contacts") {
		ce = errContactFolderExists
	} else {
		f := &contactFolder{ID: s.newID(r.Context(), u.ID, "contactFolder"), DisplayName: name}
		cu.folders = append(cu.folders, f)
		graphkit.Touch(r, Name, folderKey(u.ID, f.ID))
		obj = folderObject(cu, f.ID, f.DisplayName)
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
	name, ok, ce := folderName(body)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	var obj graphkit.Item
	i := slices.IndexFunc(cu.folders, func(f *contactFolder) bool { return f.ID == r.PathValue("fid") })
	switch {
	case i < 0 && r.PathValue("fid") == cu.contactRoot:
		ce = graphkit.Err(400, "ErrorCannotRenameDistinguishedFolder", "Distinguished folders cannot be renamed.")
	case i < 0:
		ce = graphkit.ErrItemNotFound
	case ok && slices.ContainsFunc(cu.folders, func(f *contactFolder) bool { return f != cu.folders[i] && strings.EqualFold(f.DisplayName, name) }):
		ce = errContactFolderExists
	default:
		if ok {
			cu.folders[i].DisplayName = name
			graphkit.Touch(r, Name, folderKey(u.ID, cu.folders[i].ID))
		}
		obj = folderObject(cu, cu.folders[i].ID, cu.folders[i].DisplayName)
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
	i := slices.IndexFunc(cu.folders, func(f *contactFolder) bool { return f.ID == fid })
	var ce *graphkit.Error
	switch {
	case i < 0 && (fid == cu.contactRoot || strings.EqualFold(fid, "contacts")):
		ce = graphkit.Err(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
	case i < 0:
		ce = graphkit.ErrItemNotFound
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
