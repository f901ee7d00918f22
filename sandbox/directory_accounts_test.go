package sandbox

import (
	"net/url"
	"strings"
	"testing"
)

// TestUnlicensedUser: a user created through Graph has no mailbox, calendar,
// contacts, To Do or OneDrive, as a new user before a license: its data
// routes answer Graph's 404 (not a crash), mail and invitations sent to it
// are accepted, and the server goes on serving.
func TestUnlicensedUser(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	admin := "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "User.ReadWrite.All Mail.Send Calendars.ReadWrite Files.ReadWrite")
	jsonHdr := map[string]string{"Authorization": admin, "Content-Type": "application/json"}
	var nu struct{ ID string }
	upn := "NewHire@" + TenantDomain
	if resp := e.do("POST", "/v1.0/users", strings.NewReader(`{"accountEnabled": true, "displayName": "New Hire", "mailNickname": "NewHire",
		"userPrincipalName": "`+upn+`", "passwordProfile": {"password": "Sandbox-Hire-1!"}}`), jsonHdr, &nu); resp.StatusCode != 201 {
		t.Fatalf("create: %d", resp.StatusCode)
	}
	app := map[string]string{"Authorization": "Bearer " + e.appToken()}
	for path, code := range map[string]string{"/messages": "MailboxNotEnabledForRESTAPI", "/mailFolders": "MailboxNotEnabledForRESTAPI",
		"/events": "MailboxNotEnabledForRESTAPI", "/contacts": "MailboxNotEnabledForRESTAPI", "/todo/lists": "MailboxNotEnabledForRESTAPI",
		"/drive": "ResourceNotFound", "/drive/root/children": "ResourceNotFound"} {
		var ge graphErr
		if resp := e.do("GET", "/v1.0/users/"+nu.ID+path, nil, app, &ge); resp.StatusCode != 404 || ge.Error.Code != code {
			t.Errorf("GET %s of an unlicensed user: %d %q, want 404 %s", path, resp.StatusCode, ge.Error.Code, code)
		}
	}
	if resp := e.do("POST", "/v1.0/me/sendMail", strings.NewReader(`{"message": {"subject": "Welcome", "toRecipients": [{"emailAddress": {"address": "`+upn+`"}}]}}`), jsonHdr, nil); resp.StatusCode != 202 {
		t.Errorf("mail to an unlicensed user: %d", resp.StatusCode)
	}
	if resp := e.do("POST", "/v1.0/me/events", strings.NewReader(`{"subject": "Onboarding", "start": {"dateTime": "2025-07-01T10:00:00", "timeZone": "UTC"},
		"end": {"dateTime": "2025-07-01T11:00:00", "timeZone": "UTC"}, "attendees": [{"emailAddress": {"address": "`+upn+`"}, "type": "required"}]}`), jsonHdr, nil); resp.StatusCode != 201 {
		t.Errorf("an invitation to an unlicensed user: %d", resp.StatusCode)
	}
	if resp := e.do("POST", "/v1.0/me/calendar/getSchedule", strings.NewReader(`{"schedules": ["`+upn+`"],
		"startTime": {"dateTime": "2025-07-01T08:00:00", "timeZone": "UTC"}, "endTime": {"dateTime": "2025-07-01T18:00:00", "timeZone": "UTC"}}`), jsonHdr, nil); resp.StatusCode != 200 {
		t.Errorf("getSchedule of an unlicensed user: %d", resp.StatusCode)
	}
	if resp := e.do("GET", "/v1.0/me/messages?$top=1", nil, map[string]string{"Authorization": admin}, nil); resp.StatusCode != 403 && resp.StatusCode != 200 {
		t.Errorf("the server stopped serving: %d", resp.StatusCode)
	}
}

// TestDisabledUserSignIn: an account disabled with accountEnabled false is
// refused on the sign-in page and at the token endpoint with AADSTS50057.
func TestDisabledUserSignIn(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	admin := "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "User.ReadWrite.All")
	megan := Users()[2]
	if resp := e.do("PATCH", "/v1.0/users/"+megan.ID, strings.NewReader(`{"accountEnabled": false}`),
		map[string]string{"Authorization": admin, "Content-Type": "application/json"}, nil); resp.StatusCode != 204 {
		t.Fatalf("disable: %d", resp.StatusCode)
	}
	_, challenge := pkcePair()
	resp := e.do("GET", "/common/oauth2/v2.0/authorize?"+authorizeParams("http://127.0.0.1:6000", challenge).Encode(), nil, nil, nil)
	ctx := pageCtx(t, body(resp))
	resp = e.form("/common/login", url.Values{"ctx": {ctx}, "login": {megan.UserPrincipalName}, "password": {megan.Password}, "action": {"accept"}}, nil)
	if html := body(resp); resp.StatusCode != 200 || !strings.Contains(html, "AADSTS50057") {
		t.Errorf("sign-in page of a disabled user: %d\n%.500s", resp.StatusCode, html)
	}
	st, _, eb := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID}, "scope": {"User.Read"},
		"username": {megan.UserPrincipalName}, "password": {megan.Password}})
	if st != 400 || eb.Error != "invalid_grant" || !strings.Contains(eb.ErrorDescription, "AADSTS50057") {
		t.Errorf("password grant of a disabled user: %d %+v", st, eb)
	}
}

// TestRevokeOtherUsersSessions: POST /users/{id | userPrincipalName}/revokeSignInSessions
// by an app-only caller or a delegated one holding User.RevokeSessions.All ends the refresh
// tokens issued to that user before (a refresh gets AADSTS50173), and answers
// {"value": true}; a delegated caller without such a permission gets 403 and revokes
// nothing; an unknown user is 404.
func TestRevokeOtherUsersSessions(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	megan := Users()[2]
	signIn := func() string {
		t.Helper()
		st, tr, eb := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
			"username": {megan.UserPrincipalName}, "password": {megan.Password}, "scope": {"User.Read offline_access"}})
		if st != 200 || tr.RefreshToken == "" {
			t.Fatalf("sign-in of %s: %d %+v", megan.UserPrincipalName, st, eb)
		}
		return tr.RefreshToken
	}
	refresh := func(rt string) (int, errorBody) {
		st, _, eb := e.token(TenantID, url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {rt}})
		return st, eb
	}
	revoke := func(user, authz string) (int, string) {
		t.Helper()
		resp := e.do("POST", "/v1.0/users/"+url.PathEscape(user)+"/revokeSignInSessions", nil, map[string]string{"Authorization": authz}, nil)
		return resp.StatusCode, body(resp)
	}

	// A user without an administrator's permission: 403, and the token still works.
	rt := signIn()
	for _, scope := range []string{"User.Read", "User.Read.All"} {
		if st, data := revoke(megan.ID, "Bearer "+e.userToken(adele().UserPrincipalName, adele().Password, scope)); st != 403 || !strings.Contains(data, "Authorization_RequestDenied") {
			t.Errorf("with %s: %d %s, want 403 Authorization_RequestDenied", scope, st, data)
		}
	}
	if st, eb := refresh(rt); st != 200 {
		t.Fatalf("a refused revocation revoked: %d %+v", st, eb)
	}

	// An administrator, by userPrincipalName.
	rt = signIn()
	admin := "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "User.RevokeSessions.All")
	st, data := revoke(megan.UserPrincipalName, admin)
	if st != 200 || !strings.Contains(data, `"value":true`) || !strings.Contains(data, `/v1.0/$metadata#Edm.Boolean"`) {
		t.Fatalf("revoke as an administrator: %d %s", st, data)
	}
	if st, eb := refresh(rt); st != 400 || eb.Error != "invalid_grant" || len(eb.ErrorCodes) == 0 || eb.ErrorCodes[0] != 50173 {
		t.Errorf("refresh after the revocation: %d %+v, want AADSTS50173", st, eb)
	}
	if _, err := e.s.VerifyAccessToken(strings.TrimPrefix(admin, "Bearer ")); err != nil {
		t.Errorf("the administrator's own token: %v", err)
	}

	// An app with the application permission, by id. The seeded app does not hold
	// User.RevokeSessions.All: its token is signed with that role here.
	rt = signIn()
	claims, err := e.s.VerifyAccessToken(e.appToken())
	if err != nil {
		t.Fatal(err)
	}
	cl := *claims
	cl.Roles = []string{"User.RevokeSessions.All"}
	appTok, err := e.s.signer.Sign(&cl)
	if err != nil {
		t.Fatal(err)
	}
	if st, data := revoke(megan.ID, "Bearer "+e.appToken()); st != 403 {
		t.Errorf("an app without the permission: %d %s", st, data)
	}
	if st, data := revoke(megan.ID, "Bearer "+appTok); st != 200 || !strings.Contains(data, `"value":true`) {
		t.Fatalf("revoke as an app: %d %s", st, data)
	}
	if st, eb := refresh(rt); st != 400 || len(eb.ErrorCodes) == 0 || eb.ErrorCodes[0] != 50173 {
		t.Errorf("refresh after the app's revocation: %d %+v, want AADSTS50173", st, eb)
	}

	var ge graphErr
	resp := e.do("POST", "/v1.0/users/nobody@"+TenantDomain+"/revokeSignInSessions", nil, map[string]string{"Authorization": admin}, &ge)
	if resp.StatusCode != 404 || ge.Error.Code != "Request_ResourceNotFound" {
		t.Errorf("unknown user: %d %+v", resp.StatusCode, ge)
	}
}
