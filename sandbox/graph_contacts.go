package sandbox

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is Outlook contacts (O365's AddressBook and ContactFolder) for
// /me/... and /users/{id|upn}/...: contacts of the default Contacts folder
// and of its sub-folders, with OData options, and the folders themselves.

func (s *Server) contactRoutes(m *graphkit.Mux) {
	m.HandleFunc("GET /v1.0/me/contacts", s.calMe(needContactRead, s.contactList))
	m.HandleFunc("GET /v1.0/users/{id}/contacts", s.calOther(needContactRead, s.contactList))
	m.HandleFunc("GET /v1.0/me/contacts/{ctid}", s.calMe(needContactRead, s.contactGet))
	m.HandleFunc("GET /v1.0/users/{id}/contacts/{ctid}", s.calOther(needContactRead, s.contactGet))
	m.HandleFunc("GET /v1.0/me/contactFolders", s.calMe(needContactRead, s.contactFolderList))
	m.HandleFunc("GET /v1.0/users/{id}/contactFolders", s.calOther(needContactRead, s.contactFolderList))
	m.HandleFunc("GET /v1.0/me/contactFolders/{fid}", s.calMe(needContactRead, s.contactFolderGet))
	m.HandleFunc("GET /v1.0/users/{id}/contactFolders/{fid}", s.calOther(needContactRead, s.contactFolderGet))
	m.HandleFunc("GET /v1.0/me/contactFolders/{fid}/contacts", s.calMe(needContactRead, s.contactList))
	m.HandleFunc("GET /v1.0/users/{id}/contactFolders/{fid}/contacts", s.calOther(needContactRead, s.contactList))

	s.calRoute(m, "POST", "/contacts", needContactWrite, s.contactCreate)
	s.calRoute(m, "POST", "/contactFolders/{fid}/contacts", needContactWrite, s.contactCreate)
	s.calRoute(m, "PATCH", "/contacts/{ctid}", needContactWrite, s.contactPatch)
	s.calRoute(m, "DELETE", "/contacts/{ctid}", needContactWrite, s.contactDelete)
	s.calRoute(m, "POST", "/contactFolders", needContactWrite, s.contactFolderCreate)
	s.calRoute(m, "PATCH", "/contactFolders/{fid}", needContactWrite, s.contactFolderPatch)
	s.calRoute(m, "DELETE", "/contactFolders/{fid}", needContactWrite, s.contactFolderDelete)
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
func contactObject(c *calContact) calItem {
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
	o["createdDateTime"] = graphTimestamp(c.Created)
	o["lastModifiedDateTime"] = graphTimestamp(c.Changed)
	o["changeKey"] = c.ChangeKey
	o["parentFolderId"] = c.FolderID
	return newCalItem(o)
}

// applyContactProps checks the members of body and sets them on props.
func applyContactProps(props map[string]any, body map[string]json.RawMessage) *calErr {
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
func contactFolderOf(cu *calUser, fid string) (string, bool) {
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

func (s *Server) contactList(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	folder, ok := contactFolderOf(cu, r.PathValue("fid"))
	var objs []calItem
	for _, c := range cu.contacts {
		if ok && c.FolderID == folder {
			objs = append(objs, contactObject(c))
		}
	}
	s.cal.mu.Unlock()
	if !ok {
		s.calFail(w, r, errCalNotFound)
		return
	}
	s.calList(w, r, calCtx(r, u, false), objs, contactType, contactLimits, nil)
}

// calEntity answers one object of type t with its context.
func (s *Server) calEntity(w http.ResponseWriter, r *http.Request, status int, it calItem, t *odata.Type, ctx string) {
	q, err := odata.Parse(url.Values{"$select": r.URL.Query()["$select"]}, t, odata.Limits{})
	if err != nil {
		s.calFail(w, r, graphkit.QueryError(err))
		return
	}
	out := q.Project(it.raw, t)
	out.Keys = append([]string{"@odata.context"}, out.Keys...)
	out.Vals["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata" + ctx
	s.kit.WriteStatus(w, r, status, out)
}

func findContact(cu *calUser, id string) *calContact {
	for _, c := range cu.contacts {
		if c.ID == id {
			return c
		}
	}
	return nil
}

func (s *Server) contactGet(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	c := findContact(s.cal.user(u), r.PathValue("ctid"))
	var obj calItem
	if c != nil {
		obj = contactObject(c)
	}
	s.cal.mu.Unlock()
	if c == nil {
		s.calFail(w, r, errCalNotFound)
		return
	}
	s.calEntity(w, r, http.StatusOK, obj, contactType, calCtx(r, u, true))
}

func (s *Server) contactCreate(w http.ResponseWriter, r *http.Request, u *User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	props := map[string]any{}
	if ce = applyContactProps(props, body); ce != nil {
		s.calFail(w, r, ce)
		return
	}
	now := s.now().UTC()
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	folder, ok := contactFolderOf(cu, r.PathValue("fid"))
	var c *calContact
	if ok {
		c = &calContact{ID: s.cal.newID(u.ID, "contact"), FolderID: folder, Props: props, ChangeKey: s.cal.changeKey(), Created: now, Changed: now}
		cu.contacts = append(cu.contacts, c)
	}
	var obj calItem
	id := ""
	if c != nil {
		obj, id = contactObject(c), c.ID
	}
	s.cal.mu.Unlock()
	if !ok {
		s.calFail(w, r, errCalNotFound)
		return
	}
	w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/users('"+u.ID+"')/contacts('"+id+"')")
	s.calEntity(w, r, http.StatusCreated, obj, contactType, calCtx(r, u, true))
}

func (s *Server) contactPatch(w http.ResponseWriter, r *http.Request, u *User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	now := s.now().UTC()
	s.cal.mu.Lock()
	c := findContact(s.cal.user(u), r.PathValue("ctid"))
	var obj calItem
	if c == nil {
		ce = errCalNotFound
	} else {
		props := map[string]any{}
		for k, v := range c.Props {
			props[k] = v
		}
		if ce = applyContactProps(props, body); ce == nil {
			c.Props, c.Changed, c.ChangeKey = props, now, s.cal.changeKey()
			obj = contactObject(c)
		}
	}
	s.cal.mu.Unlock()
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.calEntity(w, r, http.StatusOK, obj, contactType, calCtx(r, u, true))
}

func (s *Server) contactDelete(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	c := findContact(cu, r.PathValue("ctid"))
	if c != nil {
		cu.contacts = slices.DeleteFunc(cu.contacts, func(o *calContact) bool { return o == c })
	}
	s.cal.mu.Unlock()
	if c == nil {
		s.calFail(w, r, errCalNotFound)
		return
	}
	s.kit.WriteStatus(w, r, http.StatusNoContent, nil)
}

func folderObject(cu *calUser, id, name string) calItem {
	parent := cu.contactRoot
	if id == cu.contactRoot {
		parent = stableID(cu.owner.ID, "msgfolderroot")
	}
	return newCalItem(map[string]any{"id": id, "parentFolderId": parent, "displayName": name})
}

func (s *Server) contactFolderList(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	var objs []calItem
	for _, f := range cu.folders {
		objs = append(objs, folderObject(cu, f.ID, f.DisplayName))
	}
	s.cal.mu.Unlock()
	s.calList(w, r, calCtx(r, u, false), objs, contactFolderType, contactLimits, nil)
}

func (s *Server) contactFolderGet(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	id, ok := contactFolderOf(cu, r.PathValue("fid"))
	var obj calItem
	if ok {
		name := "Contacts"
		for _, f := range cu.folders {
			if f.ID == id {
				name = f.DisplayName
			}
		}
		obj = folderObject(cu, id, name)
	}
	s.cal.mu.Unlock()
	if !ok {
		s.calFail(w, r, errCalNotFound)
		return
	}
	s.calEntity(w, r, http.StatusOK, obj, contactFolderType, calCtx(r, u, true))
}

// folderName reads displayName from a folder body.
func folderName(body map[string]json.RawMessage) (string, bool, *calErr) {
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
		return "", false, calBadRequest("ErrorInvalidRequest", "The display name of the folder must not be empty.")
	}
	return name, true, nil
}

var errContactFolderExists = graphkit.Err(409, "ErrorFolderExists", "A folder with the specified name already exists.")

func (s *Server) contactFolderCreate(w http.ResponseWriter, r *http.Request, u *User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	name, ok, ce := folderName(body)
	if ce == nil && !ok {
		ce = calBadRequest("ErrorInvalidRequest", "The display name of the folder must be set.")
	}
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	var obj calItem
	if slices.ContainsFunc(cu.folders, func(f *contactFolder) bool { return strings.EqualFold(f.DisplayName, name) }) || strings.EqualFold(name, "Contacts") {
		ce = errContactFolderExists
	} else {
		f := &contactFolder{ID: s.cal.newID(u.ID, "contactFolder"), DisplayName: name}
		cu.folders = append(cu.folders, f)
		obj = folderObject(cu, f.ID, f.DisplayName)
	}
	s.cal.mu.Unlock()
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.calEntity(w, r, http.StatusCreated, obj, contactFolderType, calCtx(r, u, true))
}

func (s *Server) contactFolderPatch(w http.ResponseWriter, r *http.Request, u *User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	name, ok, ce := folderName(body)
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	var obj calItem
	i := slices.IndexFunc(cu.folders, func(f *contactFolder) bool { return f.ID == r.PathValue("fid") })
	switch {
	case i < 0 && r.PathValue("fid") == cu.contactRoot:
		ce = calBadRequest("ErrorCannotRenameDistinguishedFolder", "Distinguished folders cannot be renamed.")
	case i < 0:
		ce = errCalNotFound
	case ok && slices.ContainsFunc(cu.folders, func(f *contactFolder) bool { return f != cu.folders[i] && strings.EqualFold(f.DisplayName, name) }):
		ce = errContactFolderExists
	default:
		if ok {
			cu.folders[i].DisplayName = name
		}
		obj = folderObject(cu, cu.folders[i].ID, cu.folders[i].DisplayName)
	}
	s.cal.mu.Unlock()
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.calEntity(w, r, http.StatusOK, obj, contactFolderType, calCtx(r, u, true))
}

func (s *Server) contactFolderDelete(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	fid := r.PathValue("fid")
	i := slices.IndexFunc(cu.folders, func(f *contactFolder) bool { return f.ID == fid })
	var ce *calErr
	switch {
	case i < 0 && (fid == cu.contactRoot || strings.EqualFold(fid, "contacts")):
		ce = calBadRequest("ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
	case i < 0:
		ce = errCalNotFound
	default:
		cu.folders = slices.Delete(cu.folders, i, i+1)
		cu.contacts = slices.DeleteFunc(cu.contacts, func(c *calContact) bool { return c.FolderID == fid })
	}
	s.cal.mu.Unlock()
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.kit.WriteStatus(w, r, http.StatusNoContent, nil)
}
