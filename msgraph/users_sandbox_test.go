package msgraph

import (
	"bytes"
	"context"
	"errors"
	"image/jpeg"
	"slices"
	"strings"
	"testing"

	"golang.org/x/oauth2"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxUserLifecycle: a user created with a password signs in to the
// sandbox, an update shows, a disabled one is refused with AADSTS50057, and a
// deleted one is gone; a taken UPN, another domain and a weak password get
// Graph's errors.
func TestSandboxUserLifecycle(t *testing.T) {
	c, s, _ := onSandbox(t, "User.ReadWrite.All")
	ctx := t.Context()
	enabled := true
	nu := &User{AccountEnabled: &enabled, DisplayName: "Isaiah Langer", MailNickname: "IsaiahL",
		UserPrincipalName: "IsaiahL@" + sandbox.TenantDomain, PasswordProfile: &PasswordProfile{Password: "Sandbox-Isaiah-6!"}}
	made, resp, err := c.Users.Create(ctx, nu)
	if err != nil || made.ID == "" || made.UserPrincipalName != nu.UserPrincipalName || resp.StatusCode != 201 {
		t.Fatalf("Create: %+v %v", made, err)
	}
	for _, bad := range []struct {
		upn, pw, want string
	}{
		{nu.UserPrincipalName, "Sandbox-Other-7!", "Another object with the same value for property userPrincipalName already exists."},
		{"x@example.com", "Sandbox-Other-7!", "The domain portion of the userPrincipalName property is invalid. You must use one of the verified domain names in your organization."},
		{"weak@" + sandbox.TenantDomain, "password", "The specified password does not comply with password complexity requirements. Please provide a different password."},
	} {
		_, _, err := c.Users.Create(ctx, &User{AccountEnabled: &enabled, DisplayName: "X", MailNickname: "x", UserPrincipalName: bad.upn, PasswordProfile: &PasswordProfile{Password: bad.pw}})
		var ge *Error
		if !errors.As(err, &ge) || ge.StatusCode != 400 || ge.Code != "Request_BadRequest" || ge.Message != bad.want {
			t.Errorf("Create %s: %v, want %q", bad.upn, err, bad.want)
		}
	}
	isaiah := sandbox.User{ID: made.ID, UserPrincipalName: nu.UserPrincipalName, Password: "Sandbox-Isaiah-6!"}
	me, _, err := clientAs(t, s, isaiah, "User.Read").Users.Me(ctx, nil)
	if err != nil || me.ID != made.ID {
		t.Fatalf("the new user signs in: %+v %v", me, err)
	}
	if _, err := c.Users.Update(ctx, made.ID, &User{JobTitle: "Engineer"}); err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Users.Get(ctx, made.ID, nil); err != nil || got.JobTitle != "Engineer" {
		t.Errorf("after Update: %+v %v", got, err)
	}
	disabled := false
	if _, err := c.Users.Update(ctx, made.ID, &User{AccountEnabled: &disabled}); err != nil {
		t.Fatal(err)
	}
	if err := signInError(t, s, isaiah); err == nil || !bytes.Contains([]byte(err.Error()), []byte("AADSTS50057")) {
		t.Errorf("a disabled user signs in: %v", err)
	}
	if _, err := c.Users.Delete(ctx, made.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Users.Get(ctx, made.ID, nil); !IsNotFound(err) {
		t.Errorf("deleted user: %v", err)
	}
}

// TestSandboxManagers: the org chart has one top; SetManager and
// RemoveManager change the manager and the old and new managers' direct
// reports together.
func TestSandboxManagers(t *testing.T) {
	c, _, _ := onSandbox(t, "User.ReadWrite.All")
	ctx := t.Context()
	tops := 0
	for _, u := range sandbox.Users() {
		if _, _, err := c.Users.Manager(ctx, u.ID, nil); IsNotFound(err) {
			tops++
		}
	}
	if tops != 1 {
		t.Errorf("%d users without a manager, want the one at the top", tops)
	}
	reports := func(id string) []string {
		var out []string
		for u, err := range c.Users.ListDirectReportsIter(ctx, id, nil) {
			if err != nil {
				t.Fatal(err)
			}
			out = append(out, u.ID)
		}
		return out
	}
	if got := reports(sandbox.PattiFernandezID); !slices.Equal(got, []string{sandbox.MeganBowenID, sandbox.NestorWilkeID}) {
		t.Errorf("Patti's reports: %v", got)
	}
	if _, err := c.Users.SetManager(ctx, sandbox.AlexWilberID, sandbox.NestorWilkeID); err != nil {
		t.Fatal(err)
	}
	if mgr, _, err := c.Users.Manager(ctx, sandbox.AlexWilberID, nil); err != nil || mgr.ID != sandbox.NestorWilkeID {
		t.Errorf("Manager after SetManager: %+v %v", mgr, err)
	}
	if got := reports(sandbox.MeganBowenID); len(got) != 0 || !slices.Contains(reports(sandbox.NestorWilkeID), sandbox.AlexWilberID) {
		t.Errorf("direct reports do not follow: Megan %v, Nestor %v", got, reports(sandbox.NestorWilkeID))
	}
	if _, err := c.Users.SetManager(ctx, sandbox.PattiFernandezID, sandbox.AlexWilberID); StatusCode(err) != 400 {
		t.Errorf("a manager cycle: %v", err)
	}
	if _, err := c.Users.RemoveManager(ctx, sandbox.AlexWilberID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Users.Manager(ctx, sandbox.AlexWilberID, nil); !IsNotFound(err) {
		t.Errorf("Manager after RemoveManager: %v", err)
	}
}

// TestSandboxPhotos: seeded users have a photo in every size up to 648x648,
// scaled; one has none (ImageNotFound); SetPhoto replaces it.
func TestSandboxPhotos(t *testing.T) {
	c, _, _ := onSandbox(t, "User.ReadWrite", "User.ReadBasic.All")
	ctx := t.Context()
	p, _, err := c.Users.Photo(ctx, "me", nil)
	if err != nil || p.ID != "648X648" || p.Width != 648 || p.ContentType != "image/jpeg" {
		t.Fatalf("Photo: %+v %v", p, err)
	}
	sizes, _, err := c.Users.ListPhotos(ctx, "me", nil)
	if err != nil || len(sizes) != 9 || sizes[0].ID != "48X48" {
		t.Errorf("ListPhotos: %d %v", len(sizes), err)
	}
	var small bytes.Buffer
	if _, err := c.Users.DownloadPhoto(ctx, sandbox.MeganBowenID, &small, &PhotoOptions{Size: "48x48"}); err != nil {
		t.Fatal(err)
	}
	if img, err := jpeg.Decode(&small); err != nil || img.Bounds().Dx() != 48 {
		t.Errorf("48x48 content: %v", err)
	}
	top := sandbox.Users()[len(sandbox.Users())-1]
	if _, _, err := c.Users.Photo(ctx, top.ID, nil); !IsNotFound(err) {
		t.Errorf("a user without a photo: %v", err)
	}
	var full, mine bytes.Buffer
	if _, err := c.Users.DownloadPhoto(ctx, sandbox.MeganBowenID, &full, nil); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.SetPhoto(ctx, "me", "image/jpeg", full.Bytes()); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Users.DownloadPhoto(ctx, "me", &mine, nil); err != nil || !bytes.Equal(mine.Bytes(), full.Bytes()) {
		t.Errorf("after SetPhoto: %d bytes, %v", mine.Len(), err)
	}
}

// TestSandboxRevokeSignInSessions: an administrator (User.RevokeSessions.All)
// revokes another user's sessions by userPrincipalName, after which that
// user's refresh token is refused with AADSTS50173; a user without the
// permission gets 403; "" is the signed-in user; an unknown user is not found.
func TestSandboxRevokeSignInSessions(t *testing.T) {
	c, s, _ := onSandbox(t, "User.RevokeSessions.All")
	ctx := t.Context()
	megan := sandbox.Users()[2]
	cfg, hctx := publicClient(s, "User.Read", "offline_access"), context.WithValue(ctx, oauth2.HTTPClient, s.Client())
	tok, err := cfg.PasswordCredentialsToken(hctx, megan.UserPrincipalName, megan.Password)
	if err != nil {
		t.Fatal(err)
	}
	refresh := func() error {
		_, err := cfg.TokenSource(hctx, &oauth2.Token{RefreshToken: tok.RefreshToken}).Token()
		return err
	}
	if err := refresh(); err != nil {
		t.Fatalf("refresh before: %v", err)
	}
	plain := clientAs(t, s, sandbox.Users()[0], "User.Read.All")
	if _, err := plain.Users.RevokeSignInSessions(ctx, megan.ID); StatusCode(err) != 403 {
		t.Errorf("without User.RevokeSessions.All: %v, want 403", err)
	}
	if err := refresh(); err != nil {
		t.Fatalf("a refused revocation revoked: %v", err)
	}
	resp, err := c.Users.RevokeSignInSessions(ctx, megan.UserPrincipalName)
	if err != nil || resp.StatusCode != 200 {
		t.Fatalf("RevokeSignInSessions: %v", err)
	}
	if err := refresh(); err == nil || !strings.Contains(err.Error(), "AADSTS50173") {
		t.Errorf("refresh after the revocation: %v, want AADSTS50173", err)
	}
	if _, err := c.Users.RevokeSignInSessions(ctx, ""); err != nil {
		t.Errorf("the signed-in user's own: %v", err)
	}
	if _, err := c.Users.RevokeSignInSessions(ctx, "nobody@"+sandbox.TenantDomain); !IsNotFound(err) {
		t.Errorf("an unknown user: %v", err)
	}
}

// publicClient is the configuration of the sandbox's public client on s.
func publicClient(s *sandbox.Server, scopes ...string) *oauth2.Config {
	return &oauth2.Config{
		ClientID: sandbox.PublicClientID,
		Endpoint: oauth2.Endpoint{TokenURL: s.URL() + "/" + sandbox.TenantID + "/oauth2/v2.0/token", AuthStyle: oauth2.AuthStyleInParams},
		Scopes:   scopes,
	}
}

// signInError is the error of user's password sign-in to s.
func signInError(t *testing.T, s *sandbox.Server, user sandbox.User) error {
	t.Helper()
	_, err := publicClient(s, "User.Read").PasswordCredentialsToken(context.WithValue(t.Context(), oauth2.HTTPClient, s.Client()), user.UserPrincipalName, user.Password)
	return err
}
