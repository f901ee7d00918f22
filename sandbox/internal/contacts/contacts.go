// Package contacts is the sandbox's Outlook contacts workload (O365's
// AddressBook and ContactFolder) for /me/... and /users/{id|upn}/...:
// contacts of the default Contacts folder and of its sub-folders, with
// OData options, and the folders themselves. Its data has its own lock and
// journals by entity (see store.go).
package contacts

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
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
		s.HandleOwned(m, "GET", r.suffix, r.h)
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
		s.HandleOwned(m, r.method, r.suffix, r.h)
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
	Extra:      []string{"primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress"},
	Expandable: []string{outlook.SingleValueProps, outlook.MultiValueProps},
}

var contactFolderType = &odata.Type{
	Name:       "microsoft.graph.contactFolder",
	Keep:       []string{"@odata.etag", "id"},
	Props:      []string{"@odata.etag", "id", "parentFolderId", "displayName"},
	Expandable: []string{"contacts", "childFolders", outlook.SingleValueProps, outlook.MultiValueProps},
}

var contactLimits = odata.Limits{DefaultTop: 10, MaxTop: 1000}

// Kinds of writable contact properties.
var (
	contactStringLists = []string{"categories", "imAddresses", "homePhones", "businessPhones", "children"}
	contactAddresses   = []string{"homeAddress", "businessAddress", "otherAddress"}
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
// or empty when unset, and the extended properties $expand asks for.
func contactObject(c *contact, x outlook.Expansion) graphkit.Item {
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
	// primary, secondary and tertiaryEmailAddress are the first three of
	// emailAddresses unless a body set them.
	es, _ := json.Marshal(o["emailAddresses"])
	var addrs []outlook.EmailAddress
	_ = json.Unmarshal(es, &addrs)
	for i, k := range []string{"primaryEmailAddress", "secondaryEmailAddress", "tertiaryEmailAddress"} {
		if _, ok := o[k]; !ok && i < len(addrs) {
			o[k] = addrs[i]
		} else if !ok {
			o[k] = nil
		}
	}
	o["@odata.etag"] = graphkit.OutlookETag(c.ChangeKey)
	o["id"] = c.ID
	o["createdDateTime"] = outlook.Timestamp(c.Created)
	o["lastModifiedDateTime"] = outlook.Timestamp(c.Changed)
	o["changeKey"] = c.ChangeKey
	o["parentFolderId"] = c.FolderID
	it := graphkit.NewItem(o)
	x.SetExtended(it, &c.Extended)
	return it
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
	x, ce := outlook.ReadExpand(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	folder, ok := contactFolderOf(cu, r.PathValue("fid"))
	if !ok {
		s.mu.Unlock()
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	var objs []graphkit.Item
	single, multi := outlook.FilterNames(r, contactType) // a $filter on extended properties sees them all
	for _, c := range cu.contacts {
		if c.FolderID == folder {
			objs = append(objs, c.Extended.SetForFilter(graphkit.LazyItem(func() graphkit.Item { return contactObject(c, x) }), single, multi))
		}
	}
	page := graphkit.ListPage(r, graphkit.ItemContext(r, u, false), objs, contactType, contactLimits) // renders the page only
	s.mu.Unlock()
	s.WriteListPage(w, r, page, nil)
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
	x, ce := outlook.ReadExpand(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	c := findContact(s.user(u), r.PathValue("ctid"))
	var obj graphkit.Item
	if c != nil {
		obj = contactObject(c, x)
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
	c := &contact{Props: map[string]any{}}
	if ce = applyContactProps(c.Props, &c.Extended, body, schema.Create); ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	cu := s.user(u)
	folder, ok := contactFolderOf(cu, r.PathValue("fid"))
	var obj graphkit.Item
	if ok {
		c.ID, c.FolderID, c.ChangeKey, c.Created, c.Changed = s.newID(r.Context(), u.ID, "contact"), folder, s.changeKey(r.Context()), now, now
		cu.contacts = append(cu.contacts, c)
		s.noteChange(u, c, graphkit.Created)
		graphkit.Touch(r, Name, contactKey(u.ID, c.ID))
		obj = contactObject(c, outlook.Expansion{})
	}
	s.mu.Unlock()
	if !ok {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/users('"+u.ID+"')/contacts('"+c.ID+"')")
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
	switch {
	case c == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(c.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		props, ext := maps.Clone(c.Props), c.Extended
		if ce = applyContactProps(props, &ext, body, schema.Update); ce == nil {
			c.Props, c.Extended, c.Changed, c.ChangeKey = props, ext, now, s.changeKey(r.Context())
			s.noteChange(u, c, graphkit.Updated)
			graphkit.Touch(r, Name, contactKey(u.ID, c.ID))
			obj = contactObject(c, outlook.Expansion{})
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
	var ce *graphkit.Error
	switch {
	case c == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(c.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	default:
		cu.contacts = slices.DeleteFunc(cu.contacts, func(o *contact) bool { return o == c })
		s.noteRemoval(r.Context(), u, c)
		graphkit.Touch(r, Name, contactKey(u.ID, c.ID))
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}
