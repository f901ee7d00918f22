package msgraph

import (
	"context"
	"iter"
	"net/http"
	"net/url"
	"time"
)

// UsersService reads the directory's users: the signed-in user, other users,
// managers and direct reports (O365's Directory and User).
type UsersService service

// User is a directory user. Graph returns a default set of properties
// (businessPhones, displayName, givenName, jobTitle, mail, mobilePhone,
// officeLocation, preferredLanguage, surname, userPrincipalName, id); the
// others are filled only when asked for with Select.
type User struct {
	ID                string   `json:"id"`
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
	return "users/" + url.PathEscape(user)
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
	u, h := listUsersURL("users", opts)
	return getPage[User](ctx, s.client, u, h)
}

// ListIter iterates over all the directory's users.
func (s *UsersService) ListIter(ctx context.Context, opts *ListUsersOptions) iter.Seq2[*User, error] {
	u, h := listUsersURL("users", opts)
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
	u, h := listUsersURL(userPath(user)+"/directReports", opts)
	return getPage[User](ctx, s.client, u, h)
}

func listUsersURL(path string, opts *ListUsersOptions) (string, http.Header) {
	var q query
	var h http.Header
	if opts != nil {
		q.list(&opts.ListOptions)
		if eventual(&opts.ListOptions) {
			h = http.Header{}
			h.Set("ConsistencyLevel", "eventual")
		}
	}
	return q.on(path), h
}
