package msgraph

import (
	"context"
	"errors"
	"iter"
	"net/http"
	"time"
)

// UsersService is the directory's users: the signed-in user, other users,
// creating, updating and deleting them, profile photos, managers and direct
// reports, and the groups a user is a member of (O365's Directory and User).
type UsersService service

// User is a directory user. Graph returns a default set of properties
// (businessPhones, displayName, givenName, jobTitle, mail, mobilePhone,
// officeLocation, preferredLanguage, surname, userPrincipalName, id); the
// others are filled only when asked for with Select.
type User struct {
	ID                string   `json:"id,omitempty"`
	DisplayName       string   `json:"displayName,omitempty"`
	GivenName         string   `json:"givenName,omitempty"`
	Surname           string   `json:"surname,omitempty"`
	UserPrincipalName string   `json:"userPrincipalName,omitempty"`
	Mail              string   `json:"mail,omitempty"`
	JobTitle          string   `json:"jobTitle,omitempty"`
	MobilePhone       string   `json:"mobilePhone,omitempty"`
	BusinessPhones    []string `json:"businessPhones,omitempty"`
	OfficeLocation    string   `json:"officeLocation,omitempty"`
	PreferredLanguage string   `json:"preferredLanguage,omitempty"`

	AccountEnabled  *bool     `json:"accountEnabled,omitempty"`
	Department      string    `json:"department,omitempty"`
	CompanyName     string    `json:"companyName,omitempty"`
	EmployeeID      string    `json:"employeeId,omitempty"`
	UserType        string    `json:"userType,omitempty"`
	MailNickname    string    `json:"mailNickname,omitempty"`
	UsageLocation   string    `json:"usageLocation,omitempty"`
	City            string    `json:"city,omitempty"`
	Country         string    `json:"country,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`

	// PasswordProfile is written only: the password of a new user, or a
	// new password.
	PasswordProfile *PasswordProfile `json:"passwordProfile,omitempty"`
}

// PasswordProfile is a user's password, as set by an administrator.
type PasswordProfile struct {
	Password string `json:"password"`
	// ForceChangePasswordNextSignIn makes the user choose a new password.
	ForceChangePasswordNextSignIn bool `json:"forceChangePasswordNextSignIn"`
}

// ListUsersOptions are the options of [UsersService.List]. Advanced queries
// ($count, $search, $orderby, ne/not/endsWith filters) are sent with
// ConsistencyLevel: eventual, as Graph requires.
type ListUsersOptions struct {
	ListOptions
}

// userPath is the path of a user: "me" for "" or "me", users/{id} otherwise
// (an object id or a userPrincipalName).
func userPath(user string) string {
	if user == "" || user == "me" {
		return "me"
	}
	return "users/" + escapeSegment(user)
}

// Me returns the signed-in user.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-get
//
//meta:operation GET /me
func (s *UsersService) Me(ctx context.Context, opts *GetOptions) (*User, *Response, error) {
	return s.Get(ctx, "me", opts)
}

// Get returns a user by object id or userPrincipalName ("me" for the signed-in user).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-get
//
//meta:operation GET /users/{id}
func (s *UsersService) Get(ctx context.Context, user string, opts *GetOptions) (*User, *Response, error) {
	var q query
	q.get(opts)
	return getOne[User](ctx, s.client, q.on(userPath(user)))
}

// List returns the first page of the directory's users.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list
//
//meta:operation GET /users
func (s *UsersService) List(ctx context.Context, opts *ListUsersOptions) ([]*User, *Response, error) {
	u, h := directoryURL("users", opts.list())
	return getPage[User](ctx, s.client, u, h)
}

// ListIter iterates over all the directory's users.
func (s *UsersService) ListIter(ctx context.Context, opts *ListUsersOptions) iter.Seq2[*User, error] {
	u, h := directoryURL("users", opts.list())
	return all[User](ctx, s.client, u, h)
}

// Manager returns a user's manager ("me" for the signed-in user's).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-manager
//
//meta:operation GET /users/{id}/manager
func (s *UsersService) Manager(ctx context.Context, user string, opts *GetOptions) (*User, *Response, error) {
	var q query
	q.get(opts)
	return getOne[User](ctx, s.client, q.on(userPath(user)+"/manager"))
}

// ListDirectReports returns the first page of a user's direct reports.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-directreports
//
//meta:operation GET /users/{id}/directReports
func (s *UsersService) ListDirectReports(ctx context.Context, user string, opts *ListUsersOptions) ([]*User, *Response, error) {
	u, h := directoryURL(userPath(user)+"/directReports", opts.list())
	return getPage[User](ctx, s.client, u, h)
}

// ListDirectReportsIter iterates over all of a user's direct reports.
func (s *UsersService) ListDirectReportsIter(ctx context.Context, user string, opts *ListUsersOptions) iter.Seq2[*User, error] {
	u, h := directoryURL(userPath(user)+"/directReports", opts.list())
	return all[User](ctx, s.client, u, h)
}

// Create creates a user: AccountEnabled, DisplayName, MailNickname, a
// UserPrincipalName in one of the tenant's domains and a PasswordProfile are
// required.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-users
//
//meta:operation POST /users
func (s *UsersService) Create(ctx context.Context, u *User) (*User, *Response, error) {
	return doJSON[User](ctx, s.client, http.MethodPost, "users", u, nil)
}

// Update changes the properties of u that are set ("me" for the signed-in
// user); AccountEnabled false disables the account.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-update
//
//meta:operation PATCH /users/{id}
func (s *UsersService) Update(ctx context.Context, user string, u *User) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPatch, userPath(user), u)
}

// Delete deletes a user.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-delete
//
//meta:operation DELETE /users/{id}
func (s *UsersService) Delete(ctx context.Context, user string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, userPath(user), nil)
}

// SetManager makes managerID the user's manager.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-manager
//
//meta:operation PUT /users/{id}/manager/$ref
func (s *UsersService) SetManager(ctx context.Context, user, managerID string) (*Response, error) {
	ref := s.client.baseURL.JoinPath("users", managerID).String()
	return s.client.sendNoContent(ctx, http.MethodPut, userPath(user)+"/manager/$ref", map[string]string{"@odata.id": ref})
}

// RemoveManager removes the user's manager.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-delete-manager
//
//meta:operation DELETE /users/{id}/manager/$ref
func (s *UsersService) RemoveManager(ctx context.Context, user string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, userPath(user)+"/manager/$ref", nil)
}

// ErrSessionsNotRevoked is returned by [UsersService.RevokeSignInSessions]
// when Graph answers without confirming the revocation ({"value": false}).
var ErrSessionsNotRevoked = errors.New("msgraph: Graph did not confirm revoking the sign-in sessions")

// RevokeSignInSessions ends a user's sign-in sessions ("me" or "" for the
// signed-in user's): every refresh token issued to applications for the user
// so far stops working, so each must sign the user in again; access tokens
// stay valid until they expire. Another user's sessions take
// User.RevokeSessions.All (delegated, with an administrator role, or
// application).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-revokesigninsessions
//
//meta:operation POST /users/{id}/revokeSignInSessions
func (s *UsersService) RevokeSignInSessions(ctx context.Context, user string) (*Response, error) {
	out, resp, err := doJSON[struct {
		Value bool `json:"value"`
	}](ctx, s.client, http.MethodPost, userPath(user)+"/revokeSignInSessions", nil, nil)
	if err != nil {
		return resp, err
	}
	if !out.Value {
		return resp, ErrSessionsNotRevoked
	}
	return resp, nil
}

// directoryURL is a directory list's URL and headers: advanced queries need
// ConsistencyLevel: eventual.
func directoryURL(path string, o *ListOptions) (string, http.Header) {
	var q query
	q.list(o)
	var h http.Header
	if eventual(o) {
		h = http.Header{}
		h.Set("ConsistencyLevel", "eventual")
	}
	return q.on(path), h
}

func (o *ListUsersOptions) list() *ListOptions {
	if o == nil {
		return nil
	}
	return &o.ListOptions
}
