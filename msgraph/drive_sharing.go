package msgraph

import (
	"context"
	"encoding/base64"
	"errors"
	"iter"
	"net/http"
	"strings"
	"time"
)

// Sharing link types ([CreateLinkOptions].Type). Embed links are OneDrive
// personal's only.
const (
	LinkView  = "view"
	LinkEdit  = "edit"
	LinkEmbed = "embed"
)

// Sharing link scopes ([CreateLinkOptions].Scope).
const (
	// ScopeAnonymous links open for anyone who has them.
	ScopeAnonymous = "anonymous"
	// ScopeOrganization links open for anyone signed in to the tenant.
	ScopeOrganization = "organization"
	// ScopeUsers links open for the people they name only.
	ScopeUsers = "users"
)

// Permission roles.
const (
	RoleRead  = "read"
	RoleWrite = "write"
	RoleOwner = "owner"
)

// Permission is a sharing permission on a drive item: a sharing link (Link
// set), people invited (GrantedToV2, or GrantedToIdentitiesV2 for a link
// naming people; Invitation), or the owner's (Roles ["owner"]).
type Permission struct {
	ID    string   `json:"id"`
	Roles []string `json:"roles,omitempty"`
	// ShareID opens the shared item with [DriveService.GetSharedItem].
	ShareID               string               `json:"shareId,omitempty"`
	Link                  *SharingLink         `json:"link,omitempty"`
	GrantedToV2           *SharePointIdentity  `json:"grantedToV2,omitempty"`
	GrantedToIdentitiesV2 []SharePointIdentity `json:"grantedToIdentitiesV2,omitempty"`
	Invitation            *SharingInvitation   `json:"invitation,omitempty"`
	// InheritedFrom is the folder the permission is set on when it is
	// inherited; nil when it is set on the item itself.
	InheritedFrom      *ItemReference `json:"inheritedFrom,omitempty"`
	ExpirationDateTime time.Time      `json:"expirationDateTime,omitzero"`
	HasPassword        bool           `json:"hasPassword,omitempty"`
}

// SharingLink is a permission's sharing link.
type SharingLink struct {
	// Type is [LinkView], [LinkEdit] or [LinkEmbed]; Scope [ScopeAnonymous],
	// [ScopeOrganization] or [ScopeUsers].
	Type             string   `json:"type,omitempty"`
	Scope            string   `json:"scope,omitempty"`
	WebURL           string   `json:"webUrl,omitempty"`
	PreventsDownload bool     `json:"preventsDownload,omitempty"`
	Application      Identity `json:"application,omitzero"`
}

// SharePointIdentity names who a permission is granted to: a user of the
// tenant (User.ID set), or a guest (SiteUser's display name and login).
type SharePointIdentity struct {
	User     Identity `json:"user,omitzero"`
	SiteUser struct {
		ID          string `json:"id,omitempty"`
		DisplayName string `json:"displayName,omitempty"`
		LoginName   string `json:"loginName,omitempty"`
	} `json:"siteUser,omitzero"`
}

// SharingInvitation is the invitation behind a permission.
type SharingInvitation struct {
	Email          string      `json:"email,omitempty"`
	SignInRequired bool        `json:"signInRequired,omitempty"`
	InvitedBy      IdentitySet `json:"invitedBy,omitzero"`
}

// DriveRecipient is someone to share with: by Email (a user of the tenant
// or an address outside it), or a directory ObjectID.
type DriveRecipient struct {
	Email    string `json:"email,omitempty"`
	Alias    string `json:"alias,omitempty"`
	ObjectID string `json:"objectId,omitempty"`
}

// CreateLinkOptions describe a sharing link. Type is required.
type CreateLinkOptions struct {
	// Type is [LinkView] or [LinkEdit] ([LinkEmbed] in OneDrive personal).
	Type string `json:"type"`
	// Scope is [ScopeAnonymous], [ScopeOrganization] or [ScopeUsers]; ""
	// makes the tenant's default.
	Scope string `json:"scope,omitempty"`
	// Password protects an anonymous link.
	Password string `json:"password,omitempty"`
	// ExpirationDateTime ends the link; zero: it does not expire.
	ExpirationDateTime time.Time `json:"expirationDateTime,omitzero"`
	// RetainInheritedPermissions false removes the permissions the item
	// inherits when it is shared for the first time (nil: Graph's default,
	// true).
	RetainInheritedPermissions *bool `json:"retainInheritedPermissions,omitempty"`
	// Recipients are the people a [ScopeUsers] link opens for.
	Recipients []DriveRecipient `json:"recipients,omitempty"`
}

// CreateLink creates a sharing link to an item, or returns the link of
// that type and scope the app made before (Response.StatusCode 200 rather
// than 201). Open it with [DriveService.GetSharedItem] (its ShareID or
// Link.WebURL).
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-createlink
//
//meta:operation POST /drives/{id}/items/{id}/createLink
func (s *DriveService) CreateLink(ctx context.Context, d DriveRef, id string, opts *CreateLinkOptions) (*Permission, *Response, error) {
	if opts == nil || opts.Type == "" {
		return nil, nil, errors.New("msgraph: CreateLink needs options with a Type (view or edit)")
	}
	return doJSON[Permission](ctx, s.client, http.MethodPost, d.item(id)+"/createLink", opts, nil)
}

// InviteOptions describe an invitation. Recipients and Roles are required.
type InviteOptions struct {
	Recipients []DriveRecipient `json:"recipients"`
	// Roles is []string{[RoleRead]} or []string{[RoleWrite]}.
	Roles []string `json:"roles"`
	// RequireSignIn asks the recipients to sign in to open the item.
	RequireSignIn bool `json:"requireSignIn"`
	// SendInvitation mails the recipients a link; false grants access
	// without telling them.
	SendInvitation bool `json:"sendInvitation"`
	// Message is included in the invitation (up to 2,000 characters).
	Message string `json:"message,omitempty"`
	// ExpirationDateTime ends the access of recipients outside the tenant.
	ExpirationDateTime time.Time `json:"expirationDateTime,omitzero"`
	// Password is OneDrive personal's only.
	Password string `json:"password,omitempty"`
	// RetainInheritedPermissions: see [CreateLinkOptions].
	RetainInheritedPermissions *bool `json:"retainInheritedPermissions,omitempty"`
}

// Invite grants people access to an item (and what is below it), and
// returns a permission for each recipient.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-invite
//
//meta:operation POST /drives/{id}/items/{id}/invite
func (s *DriveService) Invite(ctx context.Context, d DriveRef, id string, opts *InviteOptions) ([]*Permission, *Response, error) {
	if opts == nil || len(opts.Recipients) == 0 || len(opts.Roles) == 0 {
		return nil, nil, errors.New("msgraph: Invite needs options with Recipients and Roles")
	}
	page, resp, err := doJSON[struct {
		Value []*Permission `json:"value"`
	}](ctx, s.client, http.MethodPost, d.item(id)+"/invite", opts, nil)
	if err != nil {
		return nil, resp, err
	}
	return page.Value, resp, nil
}

// ListPermissions returns the first page of an item's permissions: for its
// owner every one (the owner's, those set on the item, those inherited from
// its folders), for others those that apply to them.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-list-permissions
//
//meta:operation GET /drives/{id}/items/{id}/permissions
func (s *DriveService) ListPermissions(ctx context.Context, d DriveRef, id string, opts *ListOptions) ([]*Permission, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Permission](ctx, s.client, q.on(d.item(id)+"/permissions"), nil)
}

// ListPermissionsIter iterates over all of an item's permissions.
func (s *DriveService) ListPermissionsIter(ctx context.Context, d DriveRef, id string, opts *ListOptions) iter.Seq2[*Permission, error] {
	var q query
	q.list(opts)
	return all[Permission](ctx, s.client, q.on(d.item(id)+"/permissions"), nil)
}

// GetPermission returns one permission of an item.
//
// Graph docs: https://learn.microsoft.com/graph/api/permission-get
//
//meta:operation GET /drives/{id}/items/{id}/permissions/{id}
func (s *DriveService) GetPermission(ctx context.Context, d DriveRef, id, permID string) (*Permission, *Response, error) {
	return getOne[Permission](ctx, s.client, d.item(id)+"/permissions/"+escapeSegment(permID))
}

// PermissionUpdate changes a permission: its roles, []string{[RoleRead]}
// or []string{[RoleWrite]}.
type PermissionUpdate struct {
	Roles []string `json:"roles"`
}

// UpdatePermission changes a permission set on the item (not an inherited
// one, nor the owner's).
//
// Graph docs: https://learn.microsoft.com/graph/api/permission-update
//
//meta:operation PATCH /drives/{id}/items/{id}/permissions/{id}
func (s *DriveService) UpdatePermission(ctx context.Context, d DriveRef, id, permID string, upd *PermissionUpdate) (*Permission, *Response, error) {
	return doJSON[Permission](ctx, s.client, http.MethodPatch, d.item(id)+"/permissions/"+escapeSegment(permID), upd, nil)
}

// DeletePermission removes a permission set on the item: the access it
// gave is gone.
//
// Graph docs: https://learn.microsoft.com/graph/api/permission-delete
//
//meta:operation DELETE /drives/{id}/items/{id}/permissions/{id}
func (s *DriveService) DeletePermission(ctx context.Context, d DriveRef, id, permID string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, d.item(id)+"/permissions/"+escapeSegment(permID), nil)
}

// GetSharedItem opens a shared item by a sharing link's URL (encoded as
// Graph's Shares API wants it, see [EncodeSharingURL]) or a permission's
// ShareID.
//
// Graph docs: https://learn.microsoft.com/graph/api/shares-get
//
//meta:operation GET /shares/{shareIdOrEncodedSharingUrl}/driveItem
func (s *DriveService) GetSharedItem(ctx context.Context, sharingURLOrID string, opts *GetOptions) (*DriveItem, *Response, error) {
	var q query
	q.get(opts)
	return getOne[DriveItem](ctx, s.client, q.on("shares/"+escapeSegment(shareKey(sharingURLOrID))+"/driveItem"))
}

// EncodeSharingURL turns a sharing URL into the id the Shares API takes:
// "u!" and the URL in unpadded base64url.
func EncodeSharingURL(sharingURL string) string {
	return "u!" + base64.RawURLEncoding.EncodeToString([]byte(sharingURL))
}

// shareKey is a share id as it is, or a sharing URL encoded.
func shareKey(s string) string {
	if strings.HasPrefix(s, "http://") || strings.HasPrefix(s, "https://") {
		return EncodeSharingURL(s)
	}
	return s
}
