package sandbox

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"
	"time"
)

func (e *env) userToken(upn, password, scope string) string {
	e.t.Helper()
	st, tr, eb := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {upn}, "password": {password}, "scope": {scope}})
	if st != 200 {
		e.t.Fatalf("token: %+v", eb)
	}
	return tr.AccessToken
}

func (e *env) appToken() string {
	e.t.Helper()
	st, tr, eb := e.token(TenantID, url.Values{"grant_type": {"client_credentials"}, "client_id": {ConfidentialClientID},
		"client_secret": {ConfidentialClientSecret}, "scope": {GraphResource + "/.default"}})
	if st != 200 {
		e.t.Fatalf("app token: %+v", eb)
	}
	return tr.AccessToken
}

type graphErr struct {
	Error struct {
		Code       string            `json:"code"`
		Message    string            `json:"message"`
		InnerError map[string]string `json:"innerError"`
	} `json:"error"`
}

func TestGraphMe(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.userToken(adele().UserPrincipalName, adele().Password, "User.Read Mail.Read")
	var me map[string]any
	resp := e.do("GET", "/v1.0/me", nil, map[string]string{"Authorization": "Bearer " + tok}, &me)
	if resp.StatusCode != 200 {
		t.Fatalf("me: %d %s", resp.StatusCode, body(resp))
	}
	for k, want := range map[string]any{
		"@odata.context": e.base + "/v1.0/$metadata#users/$entity", "id": adele().ID, "displayName": "Adele Vance",
		"givenName": "Adele", "surname": "Vance", "mail": adele().Mail, "userPrincipalName": adele().UserPrincipalName,
		"jobTitle": "Retail Manager", "officeLocation": "18/2111", "preferredLanguage": "en-US", "mobilePhone": nil,
	} {
		if me[k] != want {
			t.Errorf("%s = %v, want %v", k, me[k], want)
		}
	}
	if phones, ok := me["businessPhones"].([]any); !ok || len(phones) != 1 {
		t.Errorf("businessPhones %v", me["businessPhones"])
	}
	if resp.Header.Get("request-id") == "" {
		t.Error("no request-id header")
	}

	var mgr map[string]any
	dir := e.userToken(adele().UserPrincipalName, adele().Password, "User.Read.All")
	e.do("GET", "/v1.0/me/manager", nil, map[string]string{"Authorization": "Bearer " + dir}, &mgr)
	if mgr["id"] != NestorWilkeID || mgr["@odata.type"] != "#microsoft.graph.user" {
		t.Errorf("manager %v", mgr)
	}

	check := func(name, authz string, status int, code, msg string) {
		t.Helper()
		var ge graphErr
		hdr := map[string]string{"client-request-id": "cr-1"}
		if authz != "" {
			hdr["Authorization"] = authz
		}
		resp := e.do("GET", "/v1.0/me", nil, hdr, &ge)
		if resp.StatusCode != status || ge.Error.Code != code || !strings.Contains(ge.Error.Message, msg) {
			t.Errorf("%s: %d %+v", name, resp.StatusCode, ge)
		}
		if ge.Error.InnerError["request-id"] == "" || ge.Error.InnerError["client-request-id"] != "cr-1" || ge.Error.InnerError["date"] == "" {
			t.Errorf("%s: innerError %v", name, ge.Error.InnerError)
		}
		if status == 401 && !strings.HasPrefix(resp.Header.Get("WWW-Authenticate"), "Bearer ") {
			t.Errorf("%s: WWW-Authenticate %q", name, resp.Header.Get("WWW-Authenticate"))
		}
	}
	check("missing", "", 401, "InvalidAuthenticationToken", "Access token is empty.")
	check("garbage", "Bearer abc", 401, "InvalidAuthenticationToken", "JWT is not well formed")
	check("app-only", "Bearer "+e.appToken(), 400, "BadRequest", "/me request is only valid with delegated authentication flow.")
	mailOnly := e.userToken(adele().UserPrincipalName, adele().Password, "Mail.Read")
	check("no User.Read", "Bearer "+mailOnly, 403, "Authorization_RequestDenied", "Insufficient privileges")
	e.clock.Advance(61 * time.Minute)
	check("expired", "Bearer "+tok, 401, "InvalidAuthenticationToken", "the token is expired")
}

func TestGraphUsersAndMessages(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	app := map[string]string{"Authorization": "Bearer " + e.appToken()}
	var u map[string]any
	resp := e.do("GET", "/v1.0/users/"+url.PathEscape("meganb@"+TenantDomain), nil, app, &u)
	if resp.StatusCode != 200 || u["id"] != MeganBowenID || u["mobilePhone"] != "+1 412 555 0190" {
		t.Fatalf("user by upn: %d %v", resp.StatusCode, u)
	}
	var list struct {
		Value []map[string]any `json:"value"`
		Next  string           `json:"@odata.nextLink"`
	}
	e.do("GET", "/v1.0/users?$top=2", nil, app, &list)
	if len(list.Value) != 2 || !strings.Contains(list.Next, "$skiptoken=") || strings.Contains(list.Next, "$skip=") {
		t.Fatalf("users page (the directory pages with an opaque $skiptoken): %+v", list)
	}
	firstID := list.Value[0]["id"]
	e.do("GET", strings.TrimPrefix(list.Next, e.base), nil, app, &list)
	if len(list.Value) != 2 || list.Value[0]["id"] == firstID {
		t.Fatalf("users page 2: %+v", list)
	}
	var ge graphErr
	if resp := e.do("GET", "/v1.0/users/nobody", nil, app, &ge); resp.StatusCode != 404 || ge.Error.Code != "Request_ResourceNotFound" {
		t.Fatalf("unknown user: %d %+v", resp.StatusCode, ge)
	}
	if resp := e.do("GET", "/v1.0/devices", nil, app, &ge); resp.StatusCode != 400 || !strings.Contains(ge.Error.Message, "'devices'") {
		t.Fatalf("unknown segment: %d %+v", resp.StatusCode, ge)
	}

	// Paging through the seeded inbox with $top and @odata.nextLink.
	user := map[string]string{"Authorization": "Bearer " + e.userToken("AlexW@"+TenantDomain, "Sandbox-Alex-2!", "Mail.Read")}
	var ids []string
	next := e.base + "/v1.0/me/messages?$top=10"
	first := ""
	for pages := 0; next != ""; pages++ {
		if pages > len(seedMailbox(1).msgs)/10+1 {
			t.Fatal("too many pages")
		}
		var page struct {
			Context string            `json:"@odata.context"`
			Value   []json.RawMessage `json:"value"`
			Next    string            `json:"@odata.nextLink"`
		}
		resp := e.do("GET", strings.TrimPrefix(next, e.base), nil, user, &page)
		if resp.StatusCode != 200 {
			t.Fatalf("messages: %d %s", resp.StatusCode, body(resp))
		}
		if page.Context != e.base+"/v1.0/$metadata#users('"+AlexWilberID+"')/messages" {
			t.Errorf("context %q", page.Context)
		}
		for _, raw := range page.Value {
			var m struct {
				ID, Subject, ReceivedDateTime string
				From                          struct {
					EmailAddress struct{ Name, Address string }
				}
				Body struct{ ContentType, Content string }
			}
			_ = json.Unmarshal(raw, &m)
			if m.ID == "" || m.Subject == "" || m.From.EmailAddress.Address == "" || m.Body.ContentType != "html" {
				t.Fatalf("message shape: %s", raw)
			}
			if first == "" {
				first = m.ID
			}
			ids = append(ids, m.ID)
		}
		next = page.Next
	}
	if len(ids) != len(seedMailbox(1).msgs) { // every folder of Alex's mailbox
		t.Fatalf("%d messages", len(ids))
	}
	var one map[string]any
	e.do("GET", "/v1.0/me/messages/"+first, nil, user, &one)
	if one["id"] != first || !strings.HasSuffix(one["@odata.context"].(string), "/messages/$entity") {
		t.Fatalf("single message: %v", one)
	}
	// Delegated tokens cannot read another mailbox; app tokens with Mail.Read can.
	if resp := e.do("GET", "/v1.0/users/"+MeganBowenID+"/messages", nil, user, &ge); resp.StatusCode != 403 || ge.Error.Code != "ErrorAccessDenied" {
		t.Fatalf("other mailbox: %d %+v", resp.StatusCode, ge)
	}
	if resp := e.do("GET", "/v1.0/users/"+MeganBowenID+"/messages?$top=1", nil, app, nil); resp.StatusCode != 200 {
		t.Fatalf("app mailbox: %d", resp.StatusCode)
	}
	if resp := e.do("GET", "/v1.0/me/messages?$top=0", nil, user, &ge); resp.StatusCode != 400 {
		t.Fatalf("$top=0: %d", resp.StatusCode)
	}
}
