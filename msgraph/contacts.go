package msgraph

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// ContactsService is a mailbox's personal contacts and contact folders
// (O365's AddressBook and ContactFolder).
type ContactsService service

// Contact is a personal contact.
type Contact struct {
	ID                   string          `json:"id,omitempty"`
	ETag                 string          `json:"@odata.etag,omitempty"`
	ChangeKey            string          `json:"changeKey,omitempty"`
	ParentFolderID       string          `json:"parentFolderId,omitempty"`
	DisplayName          string          `json:"displayName,omitempty"`
	GivenName            string          `json:"givenName,omitempty"`
	MiddleName           string          `json:"middleName,omitempty"`
	Surname              string          `json:"surname,omitempty"`
	NickName             string          `json:"nickName,omitempty"`
	Title                string          `json:"title,omitempty"`
	Initials             string          `json:"initials,omitempty"`
	FileAs               string          `json:"fileAs,omitempty"`
	EmailAddresses       []EmailAddress  `json:"emailAddresses,omitempty"`
	BusinessPhones       []string        `json:"businessPhones,omitempty"`
	HomePhones           []string        `json:"homePhones,omitempty"`
	MobilePhone          string          `json:"mobilePhone,omitempty"`
	IMAddresses          []string        `json:"imAddresses,omitempty"`
	JobTitle             string          `json:"jobTitle,omitempty"`
	CompanyName          string          `json:"companyName,omitempty"`
	Department           string          `json:"department,omitempty"`
	OfficeLocation       string          `json:"officeLocation,omitempty"`
	Profession           string          `json:"profession,omitempty"`
	Manager              string          `json:"manager,omitempty"`
	AssistantName        string          `json:"assistantName,omitempty"`
	BusinessHomePage     string          `json:"businessHomePage,omitempty"`
	BusinessAddress      PhysicalAddress `json:"businessAddress,omitzero"`
	HomeAddress          PhysicalAddress `json:"homeAddress,omitzero"`
	OtherAddress         PhysicalAddress `json:"otherAddress,omitzero"`
	Birthday             time.Time       `json:"birthday,omitzero"`
	PersonalNotes        string          `json:"personalNotes,omitempty"`
	SpouseName           string          `json:"spouseName,omitempty"`
	Children             []string        `json:"children,omitempty"`
	Categories           []string        `json:"categories,omitempty"`
	CreatedDateTime      time.Time       `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time       `json:"lastModifiedDateTime,omitzero"`
	// SingleValueExtendedProperties and MultiValueExtendedProperties are
	// set on create and read back with [ExpandExtended].
	SingleValueExtendedProperties []SingleValueExtendedProperty `json:"singleValueExtendedProperties,omitempty"`
	MultiValueExtendedProperties  []MultiValueExtendedProperty  `json:"multiValueExtendedProperties,omitempty"`
}

// ContactUpdate is the body of a contact PATCH: nil fields are left as they
// are; a non-nil empty slice clears the property.
type ContactUpdate struct {
	DisplayName     *string          `json:"displayName,omitempty"`
	GivenName       *string          `json:"givenName,omitempty"`
	Surname         *string          `json:"surname,omitempty"`
	EmailAddresses  []EmailAddress   `json:"emailAddresses,omitzero"`
	BusinessPhones  []string         `json:"businessPhones,omitzero"`
	HomePhones      []string         `json:"homePhones,omitzero"`
	MobilePhone     *string          `json:"mobilePhone,omitempty"`
	JobTitle        *string          `json:"jobTitle,omitempty"`
	CompanyName     *string          `json:"companyName,omitempty"`
	Department      *string          `json:"department,omitempty"`
	PersonalNotes   *string          `json:"personalNotes,omitempty"`
	Categories      []string         `json:"categories,omitzero"`
	BusinessAddress *PhysicalAddress `json:"businessAddress,omitempty"`
	HomeAddress     *PhysicalAddress `json:"homeAddress,omitempty"`
}

// ContactFolder is a folder of contacts.
type ContactFolder struct {
	ID             string `json:"id,omitempty"`
	DisplayName    string `json:"displayName,omitempty"`
	ParentFolderID string `json:"parentFolderId,omitempty"`
}

// contactsPath is the contacts of the default folder (folder "") or of a folder.
func contactsPath(user, folder string) string {
	if folder == "" {
		return userPath(user) + "/contacts"
	}
	return contactFolderPath(user, folder) + "/contacts"
}

func contactPath(user, id string) string { return userPath(user) + "/contacts/" + escapeSegment(id) }

func contactFolderPath(user, folder string) string {
	return userPath(user) + "/contactFolders/" + escapeSegment(folder)
}

// ListContacts returns the first page of the contacts in a folder ("" for the default one).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-contacts
//
//meta:operation GET /users/{id}/contacts
//meta:operation GET /users/{id}/contactFolders/{id}/contacts
func (s *ContactsService) ListContacts(ctx context.Context, user, folder string, opts *ListOptions) ([]*Contact, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Contact](ctx, s.client, q.on(contactsPath(user, folder)), nil)
}

// ListContactsIter iterates over all the contacts ListContacts would page through.
func (s *ContactsService) ListContactsIter(ctx context.Context, user, folder string, opts *ListOptions) iter.Seq2[*Contact, error] {
	var q query
	q.list(opts)
	return all[Contact](ctx, s.client, q.on(contactsPath(user, folder)), nil)
}

// GetContact returns a contact.
//
// Graph docs: https://learn.microsoft.com/graph/api/contact-get
//
//meta:operation GET /users/{id}/contacts/{id}
func (s *ContactsService) GetContact(ctx context.Context, user, id string, opts *GetOptions) (*Contact, *Response, error) {
	var q query
	q.get(opts)
	return getOne[Contact](ctx, s.client, q.on(contactPath(user, id)))
}

// CreateContact adds a contact to a folder ("" for the default one).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-contacts
//
//meta:operation POST /users/{id}/contacts
//meta:operation POST /users/{id}/contactFolders/{id}/contacts
func (s *ContactsService) CreateContact(ctx context.Context, user, folder string, c *Contact) (*Contact, *Response, error) {
	return doJSON[Contact](ctx, s.client, http.MethodPost, contactsPath(user, folder), c, nil)
}

// UpdateContact changes the properties set in upd and returns the contact.
//
// Graph docs: https://learn.microsoft.com/graph/api/contact-update
//
//meta:operation PATCH /users/{id}/contacts/{id}
func (s *ContactsService) UpdateContact(ctx context.Context, user, id string, upd *ContactUpdate) (*Contact, *Response, error) {
	return doJSON[Contact](ctx, s.client, http.MethodPatch, contactPath(user, id), upd, nil)
}

// DeleteContact deletes a contact.
//
// Graph docs: https://learn.microsoft.com/graph/api/contact-delete
//
//meta:operation DELETE /users/{id}/contacts/{id}
func (s *ContactsService) DeleteContact(ctx context.Context, user, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, contactPath(user, id), nil)
}

// ListFolders returns the first page of the mailbox's contact folders.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-contactfolders
//
//meta:operation GET /users/{id}/contactFolders
func (s *ContactsService) ListFolders(ctx context.Context, user string, opts *ListOptions) ([]*ContactFolder, *Response, error) {
	var q query
	q.list(opts)
	return getPage[ContactFolder](ctx, s.client, q.on(userPath(user)+"/contactFolders"), nil)
}

// ListFoldersIter iterates over everything ListFolders would page through.
func (s *ContactsService) ListFoldersIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*ContactFolder, error] {
	var q query
	q.list(opts)
	return all[ContactFolder](ctx, s.client, q.on(userPath(user)+"/contactFolders"), nil)
}

// GetFolder returns a contact folder.
//
// Graph docs: https://learn.microsoft.com/graph/api/contactfolder-get
//
//meta:operation GET /users/{id}/contactFolders/{id}
func (s *ContactsService) GetFolder(ctx context.Context, user, folder string) (*ContactFolder, *Response, error) {
	return getOne[ContactFolder](ctx, s.client, contactFolderPath(user, folder))
}

// CreateFolder creates a contact folder named name.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-contactfolders
//
//meta:operation POST /users/{id}/contactFolders
func (s *ContactsService) CreateFolder(ctx context.Context, user, name string) (*ContactFolder, *Response, error) {
	return doJSON[ContactFolder](ctx, s.client, http.MethodPost, userPath(user)+"/contactFolders",
		&ContactFolder{DisplayName: name}, nil)
}

// DeleteFolder deletes a contact folder and its contacts.
//
// Graph docs: https://learn.microsoft.com/graph/api/contactfolder-delete
//
//meta:operation DELETE /users/{id}/contactFolders/{id}
func (s *ContactsService) DeleteFolder(ctx context.Context, user, folder string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, contactFolderPath(user, folder), nil)
}
