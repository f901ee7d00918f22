package msgraph

import (
	"errors"
	"net/http"
	"slices"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/sandbox"
)

// sharedScopes reach files others share with the signed-in user.
var sharedScopes = []string{"Files.ReadWrite.All", "User.Read"}

// TestSandboxDriveSharingLinks: Adele makes an organization link (the same
// one again is 200, not a new link), Megan opens it by its URL and by its
// shareId, and once Adele deletes it the link is gone.
func TestSandboxDriveSharingLinks(t *testing.T) {
	s := startSandbox(t)
	users := sandbox.Users()
	adele := clientAs(t, s, users[0], "Files.ReadWrite", "User.Read")
	megan := clientAs(t, s, users[2], sharedScopes...)
	ctx := t.Context()
	notes, _, err := adele.Drive.GetItemByPath(ctx, MyDrive, "Documents/Meeting notes.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	link, resp, err := adele.Drive.CreateLink(ctx, MyDrive, notes.ID, &CreateLinkOptions{Type: LinkView, Scope: ScopeOrganization})
	if err != nil || resp.StatusCode != http.StatusCreated || link.Link == nil || link.Link.Type != LinkView ||
		link.Link.Scope != ScopeOrganization || link.Link.WebURL == "" || link.ShareID == "" || !slices.Equal(link.Roles, []string{RoleRead}) {
		t.Fatalf("CreateLink: %+v %v", link, err)
	}
	again, resp, err := adele.Drive.CreateLink(ctx, MyDrive, notes.ID, &CreateLinkOptions{Type: LinkView, Scope: ScopeOrganization})
	if err != nil || resp.StatusCode != http.StatusOK || again.ID != link.ID {
		t.Errorf("the same link again: %d %+v %v, want 200 and %s", resp.StatusCode, again, err, link.ID)
	}
	for _, key := range []string{link.Link.WebURL, link.ShareID, EncodeSharingURL(link.Link.WebURL)} {
		got, _, err := megan.Drive.GetSharedItem(ctx, key, nil)
		if err != nil || got.ID != notes.ID || got.Name != "Meeting notes.txt" {
			t.Errorf("Megan opens the link by %s: %+v %v", key, got, err)
		}
	}
	if _, _, err := adele.Drive.CreateLink(ctx, MyDrive, notes.ID, &CreateLinkOptions{Type: LinkEmbed}); err == nil {
		t.Error("an embed link in OneDrive for Business: no error")
	}
	if _, err := adele.Drive.DeletePermission(ctx, MyDrive, notes.ID, link.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := megan.Drive.GetSharedItem(ctx, link.Link.WebURL, nil); !IsNotFound(err) {
		t.Errorf("a deleted link: %v, want 404", err)
	}
}

// TestSandboxDriveSharingInvite: a users invite gives Megan read access to
// Adele's folder and what is in it, in Adele's drive and through the
// share, but not Patti; write needs the write role; the permissions list
// shows the owner's, the invitation and (on the file) where it is inherited
// from; deleting the permission takes the access away.
func TestSandboxDriveSharingInvite(t *testing.T) {
	s := startSandbox(t)
	users := sandbox.Users()
	adele := clientAs(t, s, users[0], "Files.ReadWrite", "User.Read")
	megan := clientAs(t, s, users[2], sharedScopes...)
	patti := clientAs(t, s, users[4], sharedScopes...)
	ctx := t.Context()
	drive, _, err := adele.Drive.GetDrive(ctx, MyDrive)
	if err != nil {
		t.Fatal(err)
	}
	docs, _, err := adele.Drive.GetItemByPath(ctx, MyDrive, "Documents", nil)
	if err != nil {
		t.Fatal(err)
	}
	notes, _, err := adele.Drive.GetItemByPath(ctx, MyDrive, "Documents/Meeting notes.txt", nil)
	if err != nil {
		t.Fatal(err)
	}
	perms, _, err := adele.Drive.Invite(ctx, MyDrive, docs.ID, &InviteOptions{
		Recipients: []DriveRecipient{{Email: users[2].Mail}}, Roles: []string{RoleRead}, RequireSignIn: true, SendInvitation: true,
		Message: "The meeting notes"})
	if err != nil || len(perms) != 1 || perms[0].GrantedToV2 == nil || perms[0].GrantedToV2.User.ID != users[2].ID ||
		perms[0].Invitation == nil || !perms[0].Invitation.SignInRequired {
		t.Fatalf("Invite: %+v %v", perms, err)
	}
	granted := perms[0]
	inAdeles := DriveByID(drive.ID)

	got, _, err := megan.Drive.GetItem(ctx, inAdeles, notes.ID, nil)
	if err != nil || got.Name != "Meeting notes.txt" {
		t.Errorf("Megan reads the file in Adele's drive: %+v %v", got, err)
	}
	if got, _, err := megan.Drive.GetSharedItem(ctx, granted.ShareID, nil); err != nil || got.ID != docs.ID {
		t.Errorf("Megan opens the invitation's share: %+v %v", got, err)
	}
	var ge *Error
	if _, _, err := patti.Drive.GetItem(ctx, inAdeles, notes.ID, nil); !errors.As(err, &ge) || ge.StatusCode != http.StatusForbidden {
		t.Errorf("Patti, not invited, reads the file: %v, want 403", err)
	}
	if _, _, err := patti.Drive.GetSharedItem(ctx, granted.ShareID, nil); !errors.As(err, &ge) || ge.StatusCode != http.StatusForbidden {
		t.Errorf("Patti opens Megan's share: %v, want 403", err)
	}
	if _, _, err := megan.Drive.CreateFolder(ctx, inAdeles, docs.ID, "From Megan", ""); !errors.As(err, &ge) || ge.StatusCode != http.StatusForbidden {
		t.Errorf("Megan writes with a read role: %v, want 403", err)
	}
	up, _, err := adele.Drive.UpdatePermission(ctx, MyDrive, docs.ID, granted.ID, &PermissionUpdate{Roles: []string{RoleWrite}})
	if err != nil || !slices.Equal(up.Roles, []string{RoleWrite}) {
		t.Fatalf("UpdatePermission: %+v %v", up, err)
	}
	if f, _, err := megan.Drive.CreateFolder(ctx, inAdeles, docs.ID, "From Megan", ""); err != nil || f.Name != "From Megan" {
		t.Errorf("Megan writes with a write role: %+v %v", f, err)
	}

	var list []*Permission
	for p, err := range adele.Drive.ListPermissionsIter(ctx, MyDrive, notes.ID, &ListOptions{Top: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		list = append(list, p)
	}
	if len(list) != 2 || !slices.Equal(list[0].Roles, []string{RoleOwner}) || list[1].ID != granted.ID ||
		list[1].InheritedFrom == nil || list[1].InheritedFrom.ID != docs.ID {
		t.Errorf("the file's permissions: %+v", list)
	}
	if first, _, err := adele.Drive.ListPermissions(ctx, MyDrive, docs.ID, nil); err != nil || len(first) != 2 || first[1].InheritedFrom != nil {
		t.Errorf("the folder's permissions: %+v %v", first, err)
	}
	if p, _, err := adele.Drive.GetPermission(ctx, MyDrive, notes.ID, granted.ID); err != nil || p.InheritedFrom == nil {
		t.Errorf("GetPermission (inherited): %+v %v", p, err)
	}
	if _, err := adele.Drive.DeletePermission(ctx, MyDrive, notes.ID, granted.ID); !errors.As(err, &ge) || ge.StatusCode != http.StatusBadRequest {
		t.Errorf("deleting an inherited permission on the file: %v, want 400", err)
	}
	if _, err := adele.Drive.DeletePermission(ctx, MyDrive, docs.ID, granted.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := megan.Drive.GetItem(ctx, inAdeles, notes.ID, nil); !errors.As(err, &ge) || ge.StatusCode != http.StatusForbidden {
		t.Errorf("Megan after the permission is deleted: %v, want 403", err)
	}
}

// TestSandboxDriveSharingGuests: an invitation of an address outside the
// tenant and an anonymous link with a password and an expiry come back as
// Graph shows them.
func TestSandboxDriveSharingGuests(t *testing.T) {
	c, _, _ := onSandbox(t, "Files.ReadWrite", "User.Read")
	ctx := t.Context()
	plan, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Projects/Launch/Plan.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	perms, _, err := c.Drive.Invite(ctx, MyDrive, plan.ID, &InviteOptions{
		Recipients: []DriveRecipient{{Email: "ryan@fabrikam.example"}}, Roles: []string{RoleWrite}, RequireSignIn: true})
	if err != nil || len(perms) != 1 || len(perms[0].GrantedToIdentitiesV2) != 1 ||
		perms[0].GrantedToIdentitiesV2[0].User.DisplayName != "ryan@fabrikam.example" ||
		perms[0].Invitation == nil || perms[0].Invitation.Email != "ryan@fabrikam.example" {
		t.Fatalf("Invite a guest: %+v %v", perms, err)
	}
	expires := time.Date(2099, 1, 1, 0, 0, 0, 0, time.UTC)
	link, _, err := c.Drive.CreateLink(ctx, MyDrive, plan.ID, &CreateLinkOptions{Type: LinkEdit, Scope: ScopeAnonymous,
		Password: "correct horse", ExpirationDateTime: expires})
	if err != nil || !link.HasPassword || !link.ExpirationDateTime.Equal(expires) || !slices.Equal(link.Roles, []string{RoleWrite}) {
		t.Fatalf("CreateLink with a password and an expiry: %+v %v", link, err)
	}
	if _, _, err := c.Drive.CreateLink(ctx, MyDrive, plan.ID, nil); err == nil {
		t.Error("CreateLink without options: no error")
	}
}

// TestSandboxDriveSharingSurvivesRestart: a link and an invitation made
// before the sandbox restarts on its state folder still open for Megan
// after it (the link by its URL, made on the earlier process's port).
func TestSandboxDriveSharingSurvivesRestart(t *testing.T) {
	state := t.TempDir()
	users := sandbox.Users()
	open := func() *sandbox.Server {
		s, err := sandbox.New(sandbox.Options{PlainHTTP: true, StateDir: state, SigningKey: testkey.RSA(t)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		return s
	}
	ctx := t.Context()
	s := open()
	adele := clientAs(t, s, users[0], "Files.ReadWrite", "User.Read")
	plan, _, err := adele.Drive.GetItemByPath(ctx, MyDrive, "Projects/Launch/Plan.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	link, _, err := adele.Drive.CreateLink(ctx, MyDrive, plan.ID, &CreateLinkOptions{Type: LinkView, Scope: ScopeOrganization})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := adele.Drive.Invite(ctx, MyDrive, plan.ID, &InviteOptions{Recipients: []DriveRecipient{{ObjectID: users[2].ID}}, Roles: []string{RoleRead}}); err != nil {
		t.Fatal(err)
	}
	drive, _, err := adele.Drive.GetDrive(ctx, MyDrive)
	if err != nil {
		t.Fatal(err)
	}
	s.Close()

	s = open()
	t.Cleanup(func() { s.Close() })
	megan := clientAs(t, s, users[2], sharedScopes...)
	if got, _, err := megan.Drive.GetSharedItem(ctx, link.Link.WebURL, nil); err != nil || got.ID != plan.ID {
		t.Errorf("the link after a restart: %+v %v", got, err)
	}
	if got, _, err := megan.Drive.GetItem(ctx, DriveByID(drive.ID), plan.ID, nil); err != nil || got.ID != plan.ID {
		t.Errorf("the invitation after a restart: %+v %v", got, err)
	}
}
