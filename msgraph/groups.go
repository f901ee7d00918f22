package msgraph

import (
	"context"
	"iter"
	"net/http"
	"time"
)

// GroupsService is Microsoft 365 and security groups: lookup, creation,
// members and owners (O365's Groups and Group). A Microsoft 365 group's
// files are a drive ([GroupDrive]) and its planner plans belong to it.
type GroupsService service

// Group is a directory group.
type Group struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	Description string `json:"description,omitempty"`
	Mail        string `json:"mail,omitempty"`
	// MailNickname is required when creating a group.
	MailNickname    string `json:"mailNickname,omitempty"`
	MailEnabled     bool   `json:"mailEnabled"`
	SecurityEnabled bool   `json:"securityEnabled"`
	// GroupTypes holds "Unified" for Microsoft 365 groups, "DynamicMembership" for dynamic ones.
	GroupTypes []string `json:"groupTypes,omitempty"`
	// Visibility is "Public", "Private" or "HiddenMembership".
	Visibility      string    `json:"visibility,omitempty"`
	CreatedDateTime time.Time `json:"createdDateTime,omitzero"`
}

// DirectoryObject is a member or owner of a group: a user, a group, a
// device or a service principal, told apart by ODataType.
type DirectoryObject struct {
	// ODataType is e.g. "#microsoft.graph.user" or "#microsoft.graph.group".
	ODataType         string `json:"@odata.type,omitempty"`
	ID                string `json:"id"`
	DisplayName       string `json:"displayName,omitempty"`
	Mail              string `json:"mail,omitempty"`
	UserPrincipalName string `json:"userPrincipalName,omitempty"`
}

// GroupUpdate is the properties [GroupsService.Update] changes: those that
// are set.
type GroupUpdate struct {
	DisplayName  *string `json:"displayName,omitempty"`
	Description  *string `json:"description,omitempty"`
	MailNickname *string `json:"mailNickname,omitempty"`
	Visibility   *string `json:"visibility,omitempty"`
}

func groupPath(id string) string { return "groups/" + escapeSegment(id) }

// List returns the first page of the tenant's groups. Advanced
// queries are sent with ConsistencyLevel: eventual.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-list
//
//meta:operation GET /groups
func (s *GroupsService) List(ctx context.Context, opts *ListOptions) ([]*Group, *Response, error) {
	u, h := directoryURL("groups", opts)
	return getPage[Group](ctx, s.client, u, h)
}

// ListIter iterates over all the tenant's groups.
func (s *GroupsService) ListIter(ctx context.Context, opts *ListOptions) iter.Seq2[*Group, error] {
	u, h := directoryURL("groups", opts)
	return all[Group](ctx, s.client, u, h)
}

// Get returns a group.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-get
//
//meta:operation GET /groups/{id}
func (s *GroupsService) Get(ctx context.Context, id string, opts *GetOptions) (*Group, *Response, error) {
	var q query
	q.get(opts)
	return getOne[Group](ctx, s.client, q.on(groupPath(id)))
}

// Create creates a group: a Microsoft 365 group needs GroupTypes {"Unified"},
// MailEnabled and a MailNickname; a security group SecurityEnabled.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-post-groups
//
//meta:operation POST /groups
func (s *GroupsService) Create(ctx context.Context, g *Group) (*Group, *Response, error) {
	return doJSON[Group](ctx, s.client, http.MethodPost, "groups", g, nil)
}

// Update changes the properties of a group that u sets.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-update
//
//meta:operation PATCH /groups/{id}
func (s *GroupsService) Update(ctx context.Context, id string, u *GroupUpdate) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPatch, groupPath(id), u)
}

// GetByMail returns the group with the mail address mail; a 404 error
// ([IsNotFound]) when there is none.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-list
//
//meta:operation GET /groups
func (s *GroupsService) GetByMail(ctx context.Context, mail string) (*Group, *Response, error) {
	gs, resp, err := s.List(ctx, &ListOptions{Filter: Eq("mail", mail).String(), Top: 1})
	if err != nil {
		return nil, resp, err
	}
	if len(gs) == 0 {
		return nil, resp, &Error{StatusCode: http.StatusNotFound, Code: "Request_ResourceNotFound", Message: "no group has the mail address " + mail}
	}
	return gs[0], resp, nil
}

// Delete deletes a group (Microsoft 365 groups can be restored for 30 days).
//
// Graph docs: https://learn.microsoft.com/graph/api/group-delete
//
//meta:operation DELETE /groups/{id}
func (s *GroupsService) Delete(ctx context.Context, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, groupPath(id), nil)
}

// ListMembers returns the first page of a group's direct members.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-list-members
//
//meta:operation GET /groups/{id}/members
func (s *GroupsService) ListMembers(ctx context.Context, id string, opts *ListOptions) ([]*DirectoryObject, *Response, error) {
	u, h := directoryURL(groupPath(id)+"/members", opts)
	return getPage[DirectoryObject](ctx, s.client, u, h)
}

// ListMembersIter iterates over all of a group's direct members.
func (s *GroupsService) ListMembersIter(ctx context.Context, id string, opts *ListOptions) iter.Seq2[*DirectoryObject, error] {
	u, h := directoryURL(groupPath(id)+"/members", opts)
	return all[DirectoryObject](ctx, s.client, u, h)
}

// ListTransitiveMembers returns the first page of a group's members, direct
// and through nested groups.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-list-transitivemembers
//
//meta:operation GET /groups/{id}/transitiveMembers
func (s *GroupsService) ListTransitiveMembers(ctx context.Context, id string, opts *ListOptions) ([]*DirectoryObject, *Response, error) {
	u, h := directoryURL(groupPath(id)+"/transitiveMembers", opts)
	return getPage[DirectoryObject](ctx, s.client, u, h)
}

// ListTransitiveMembersIter iterates over all of a group's transitive members.
func (s *GroupsService) ListTransitiveMembersIter(ctx context.Context, id string, opts *ListOptions) iter.Seq2[*DirectoryObject, error] {
	u, h := directoryURL(groupPath(id)+"/transitiveMembers", opts)
	return all[DirectoryObject](ctx, s.client, u, h)
}

// ListOwnersIter iterates over all of a group's owners.
func (s *GroupsService) ListOwnersIter(ctx context.Context, id string, opts *ListOptions) iter.Seq2[*DirectoryObject, error] {
	u, h := directoryURL(groupPath(id)+"/owners", opts)
	return all[DirectoryObject](ctx, s.client, u, h)
}

// ListOwners returns the first page of a group's owners.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-list-owners
//
//meta:operation GET /groups/{id}/owners
func (s *GroupsService) ListOwners(ctx context.Context, id string, opts *ListOptions) ([]*DirectoryObject, *Response, error) {
	u, h := directoryURL(groupPath(id)+"/owners", opts)
	return getPage[DirectoryObject](ctx, s.client, u, h)
}

// ListMemberOf returns the first page of the groups (and directory roles) a
// user is a direct member of ("me" for the signed-in user).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-memberof
//
//meta:operation GET /users/{id}/memberOf
func (s *GroupsService) ListMemberOf(ctx context.Context, user string, opts *ListOptions) ([]*DirectoryObject, *Response, error) {
	u, h := directoryURL(userPath(user)+"/memberOf", opts)
	return getPage[DirectoryObject](ctx, s.client, u, h)
}

// ListMemberOfIter iterates over all the groups a user is a direct member of.
func (s *GroupsService) ListMemberOfIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*DirectoryObject, error] {
	u, h := directoryURL(userPath(user)+"/memberOf", opts)
	return all[DirectoryObject](ctx, s.client, u, h)
}

// ListTransitiveMemberOf returns the first page of the groups a user is a
// member of, directly or through nested groups.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-transitivememberof
//
//meta:operation GET /users/{id}/transitiveMemberOf
func (s *GroupsService) ListTransitiveMemberOf(ctx context.Context, user string, opts *ListOptions) ([]*DirectoryObject, *Response, error) {
	u, h := directoryURL(userPath(user)+"/transitiveMemberOf", opts)
	return getPage[DirectoryObject](ctx, s.client, u, h)
}

// ListTransitiveMemberOfIter iterates over all the groups a user is a
// member of, directly or through nested groups.
func (s *GroupsService) ListTransitiveMemberOfIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*DirectoryObject, error] {
	u, h := directoryURL(userPath(user)+"/transitiveMemberOf", opts)
	return all[DirectoryObject](ctx, s.client, u, h)
}

// AddMember adds a directory object (a user, usually) to a group.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-post-members
//
//meta:operation POST /groups/{id}/members/$ref
func (s *GroupsService) AddMember(ctx context.Context, id, memberID string) (*Response, error) {
	return s.addRef(ctx, groupPath(id)+"/members/$ref", memberID)
}

// AddOwner makes a user an owner of a group.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-post-owners
//
//meta:operation POST /groups/{id}/owners/$ref
func (s *GroupsService) AddOwner(ctx context.Context, id, userID string) (*Response, error) {
	return s.addRef(ctx, groupPath(id)+"/owners/$ref", userID)
}

// addRef posts an @odata.id reference, on the client's own Graph (so national
// clouds and the sandbox work).
func (s *GroupsService) addRef(ctx context.Context, path, objectID string) (*Response, error) {
	ref := s.client.baseURL.JoinPath("directoryObjects", objectID).String()
	return s.client.sendNoContent(ctx, http.MethodPost, path, map[string]string{"@odata.id": ref})
}

// RemoveMember removes a member from a group.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-delete-members
//
//meta:operation DELETE /groups/{id}/members/{id}/$ref
func (s *GroupsService) RemoveMember(ctx context.Context, id, memberID string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, groupPath(id)+"/members/"+escapeSegment(memberID)+"/$ref", nil)
}

// RemoveOwner removes an owner from a group.
//
// Graph docs: https://learn.microsoft.com/graph/api/group-delete-owners
//
//meta:operation DELETE /groups/{id}/owners/{id}/$ref
func (s *GroupsService) RemoveOwner(ctx context.Context, id, userID string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, groupPath(id)+"/owners/"+escapeSegment(userID)+"/$ref", nil)
}
