package users

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"
	"unicode"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the user writes: create, update, delete, and the manager
// reference (whose other side is directReports).

// userBody is what a create or update of a user may set.
type userBody struct {
	AccountEnabled    *bool     `json:"accountEnabled"`
	DisplayName       *string   `json:"displayName"`
	GivenName         *string   `json:"givenName"`
	Surname           *string   `json:"surname"`
	MailNickname      *string   `json:"mailNickname"`
	UserPrincipalName *string   `json:"userPrincipalName"`
	JobTitle          *string   `json:"jobTitle"`
	Department        *string   `json:"department"`
	OfficeLocation    *string   `json:"officeLocation"`
	MobilePhone       *string   `json:"mobilePhone"`
	PreferredLanguage *string   `json:"preferredLanguage"`
	BusinessPhones    *[]string `json:"businessPhones"`
	PasswordProfile   *struct {
		Password *string `json:"password"`
	} `json:"passwordProfile"`
}

// readChecked reads a body, checks it against entity's schema and decodes
// the checked members into a T.
func readChecked[T any](w http.ResponseWriter, r *http.Request, entity string, op schema.Op) (*T, *graphkit.Error) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		return nil, ge
	}
	clean, ge := schema.Check(entity, body, op)
	if ge != nil {
		return nil, ge
	}
	data, _ := json.Marshal(clean)
	b := new(T)
	if err := json.Unmarshal(data, b); err != nil {
		return nil, graphkit.BadRequest(err.Error())
	}
	return b, nil
}

// change applies f to a copy of the stored user id and stores it, touching
// its key, under mu; a failed f (or a user gone meanwhile) is answered and
// reported false.
func (s *Workload) change(w http.ResponseWriter, r *http.Request, id string, f func(*directory.User) *graphkit.Error) bool {
	s.mu.Lock()
	defer s.mu.Unlock()
	cur := s.Dir.Find(id)
	if cur == nil {
		s.Fail(w, r, notFound(id))
		return false
	}
	nu := *cur
	if ge := f(&nu); ge != nil {
		s.Fail(w, r, ge)
		return false
	}
	s.Dir.Put(nu)
	graphkit.Touch(r, Name, userKey+id)
	return true
}

// weakPassword reports whether pw fails Microsoft Entra's complexity rules:
// 8 to 256 characters, three of lower case, upper case, digits, symbols.
func weakPassword(pw string) bool {
	var lower, upper, digit, other int
	for _, c := range pw {
		switch {
		case unicode.IsLower(c):
			lower = 1
		case unicode.IsUpper(c):
			upper = 1
		case unicode.IsDigit(c):
			digit = 1
		default:
			other = 1
		}
	}
	return len(pw) < 8 || len(pw) > 256 || lower+upper+digit+other < 3
}

// apply sets b's properties on u, checking them as the directory does.
func (s *Workload) apply(b *userBody, u *directory.User) *graphkit.Error {
	if b.UserPrincipalName != nil {
		upn := *b.UserPrincipalName
		local, domain, ok := strings.Cut(upn, "@")
		if !ok || local == "" || !strings.EqualFold(domain, directory.TenantDomain) {
			return graphkit.Err(400, "Request_BadRequest", "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization.")
		}
		if other := s.Dir.Find(upn); other != nil && other.ID != u.ID {
			return graphkit.Err(400, "Request_BadRequest", "Another object with the same value for property userPrincipalName already exists.")
		}
		u.UserPrincipalName, u.Mail = upn, upn
	}
	if p := b.PasswordProfile; p != nil && p.Password != nil {
		if weakPassword(*p.Password) {
			return graphkit.Err(400, "Request_BadRequest", "The specified password does not comply with password complexity requirements. Please provide a different password.")
		}
		u.Password = *p.Password
	}
	if b.AccountEnabled != nil {
		u.Disabled = !*b.AccountEnabled
	}
	if b.DisplayName != nil && strings.TrimSpace(*b.DisplayName) == "" {
		return propError("displayName", "User")
	}
	for p, to := range map[*string]*string{b.DisplayName: &u.DisplayName, b.GivenName: &u.GivenName, b.Surname: &u.Surname,
		b.MailNickname: &u.MailNickname, b.JobTitle: &u.JobTitle, b.Department: &u.Department, b.OfficeLocation: &u.OfficeLocation,
		b.MobilePhone: &u.MobilePhone, b.PreferredLanguage: &u.PreferredLanguage} {
		if p != nil {
			*to = *p
		}
	}
	if b.BusinessPhones != nil {
		u.BusinessPhones = *b.BusinessPhones
	}
	return nil
}

func (s *Workload) createUser(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	if !graphkit.Permitted(r, c) {
		s.deny(w, r)
		return
	}
	b, ge := readChecked[userBody](w, r, "user", schema.Create)
	if ge == nil {
		for _, p := range []struct {
			name    string
			missing bool
		}{{"accountEnabled", b.AccountEnabled == nil}, {"displayName", b.DisplayName == nil}, {"mailNickname", b.MailNickname == nil},
			{"passwordProfile", b.PasswordProfile == nil || b.PasswordProfile.Password == nil}, {"userPrincipalName", b.UserPrincipalName == nil}} {
			if p.missing {
				ge = graphkit.Err(400, "Request_BadRequest", "Property '"+p.name+"' is required when creating the entity.")
				break
			}
		}
	}
	u := directory.User{ID: ids.GUID(), BusinessPhones: []string{}, Created: s.Now().UTC().Truncate(time.Second), Unlicensed: true}
	s.mu.Lock()
	defer s.mu.Unlock()
	if ge == nil {
		ge = s.apply(b, &u)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.Dir.Put(u)
	graphkit.Touch(r, Name, userKey+u.ID)
	j := userJSON(&u)
	j.Context = graphkit.BaseURL(r) + "/v1.0/$metadata#users/$entity"
	s.WriteStatus(w, r, http.StatusCreated, j)
}

func (s *Workload) updateUser(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
	if !permitted(r, c, self) {
		s.deny(w, r)
		return
	}
	b, ge := readChecked[userBody](w, r, "user", schema.Update)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	if s.change(w, r, u.ID, func(nu *directory.User) *graphkit.Error { return s.apply(b, nu) }) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// deleteUser removes a user for good (the sandbox keeps no deleted items):
// its reports lose their manager and its groups the member or owner.
func (s *Workload) deleteUser(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, _ bool) {
	if !graphkit.Permitted(r, c) {
		s.deny(w, r)
		return
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	s.Dir.Delete(u.ID)
	graphkit.Touch(r, Name, userKey+u.ID)
	for _, rep := range s.Dir.ReportsOf(u.ID) {
		nr := *rep
		nr.ManagerID = ""
		s.Dir.Put(nr)
		graphkit.Touch(r, Name, userKey+nr.ID)
	}
	for _, g := range s.Dir.AllGroups() {
		s.removeFrom(r, g.ID, u.ID, false)
		s.removeFrom(r, g.ID, u.ID, true)
	}
	w.WriteHeader(http.StatusNoContent)
}

// setManager serves PUT .../manager/$ref: {"@odata.id": ".../users/{id}"}.
func (s *Workload) setManager(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, _ bool) {
	if !graphkit.Permitted(r, c) {
		s.deny(w, r)
		return
	}
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	var ref, id string
	if ge == nil {
		if err := json.Unmarshal(body["@odata.id"], &ref); err != nil || ref == "" {
			ge = graphkit.Err(400, "Request_BadRequest", "Invalid URL format specified in @odata.id for the reference.")
		}
	}
	if ge == nil {
		id, ge = s.refID(ref)
	}
	if ge == nil && (s.Dir.Find(id) == nil || id == u.ID || s.managedBy(id, u.ID)) {
		ge = graphkit.Err(400, "Request_BadRequest", "Invalid object identifier '"+id+"'.")
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	if s.change(w, r, u.ID, func(nu *directory.User) *graphkit.Error { nu.ManagerID = id; return nil }) {
		w.WriteHeader(http.StatusNoContent)
	}
}

// managedBy reports whether boss is above id in the chain of managers (a
// manager that would make a cycle is refused).
func (s *Workload) managedBy(id, boss string) bool {
	seen := map[string]bool{}
	for u := s.Dir.Find(id); u != nil && u.ManagerID != "" && !seen[u.ID]; u = s.Dir.Find(u.ManagerID) {
		seen[u.ID] = true
		if u.ManagerID == boss {
			return true
		}
	}
	return false
}

func (s *Workload) removeManager(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, _ bool) {
	if !graphkit.Permitted(r, c) {
		s.deny(w, r)
		return
	}
	ok := s.change(w, r, u.ID, func(nu *directory.User) *graphkit.Error {
		if nu.ManagerID == "" {
			return notFound("manager")
		}
		nu.ManagerID = ""
		return nil
	})
	if ok {
		w.WriteHeader(http.StatusNoContent)
	}
}

func (s *Workload) directReports(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
	if !permitted(r, c, self) {
		s.deny(w, r)
		return
	}
	var ids []string
	for _, rep := range s.Dir.ReportsOf(u.ID) {
		ids = append(ids, rep.ID)
	}
	s.writeObjects(w, r, "directoryObjects", s.objects(ids), dirObjectType)
}
