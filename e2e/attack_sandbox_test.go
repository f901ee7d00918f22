package e2e

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// sbToken redeems form at the sandbox's token endpoint and returns the access token.
func (e *env) sbToken(t *testing.T, form url.Values) string {
	t.Helper()
	resp, err := e.sb.Client().PostForm(e.sb.URL()+"/"+e.sb.Info().TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	var tr struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.Unmarshal([]byte(readAll(t, resp)), &tr); err != nil || tr.AccessToken == "" {
		t.Fatalf("token: %s %v", resp.Status, err)
	}
	return tr.AccessToken
}

// userToken is a delegated token for the i-th seeded user with scopes.
func (e *env) userToken(t *testing.T, i int, scopes string) string {
	info := e.sb.Info()
	return e.sbToken(t, url.Values{"grant_type": {"password"}, "client_id": {info.PublicClientID},
		"username": {info.Users[i].UserPrincipalName}, "password": {info.Users[i].Password}, "scope": {scopes}})
}

// graph sends one request to the sandbox's Graph with tok (none when empty).
func (e *env) graph(t *testing.T, method, path, tok, body string) (int, string) {
	t.Helper()
	var r io.Reader
	if body != "" {
		r = strings.NewReader(body)
	}
	req, err := http.NewRequest(method, e.sb.URL()+path, r)
	if err != nil {
		t.Fatal(err)
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	if body != "" {
		req.Header.Set("Content-Type", "application/json")
	}
	resp, err := e.sb.Client().Do(req)
	if err != nil {
		t.Fatalf("%s %s: %v", method, path, err)
	}
	return resp.StatusCode, readAll(t, resp)
}

// firstID is the id of the first item of a Graph collection answer.
func firstID(t *testing.T, body string) string {
	t.Helper()
	var page struct {
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	if err := json.Unmarshal([]byte(body), &page); err != nil || len(page.Value) == 0 {
		t.Fatalf("no item in %.300s", body)
	}
	return page.Value[0].ID
}

func jwtPart(v any) string {
	b, _ := json.Marshal(v)
	return base64.RawURLEncoding.EncodeToString(b)
}

// TestAttackSandbox runs the sandbox rows: forged tokens, cross-user access, read-only
// roles, hostile OData and $batch input.
func TestAttackSandbox(t *testing.T) {
	t.Parallel()
	skipShort(t)
	e := newAttackEnv(t)
	const all = "User.Read Mail.ReadWrite Mail.Send Calendars.ReadWrite Contacts.ReadWrite"
	adele, alex := e.userToken(t, 0, all), e.userToken(t, 1, all)
	alexID, alexUPN := e.sb.Info().Users[1].ID, e.sb.Info().Users[1].UserPrincipalName

	// Row 43: forged, tampered and malformed JWTs get 401, never a 500 (a tampered payload
	// and garbage alone: sandbox TestJWTAgainstJWKS).
	t.Run("held-43-jwt-forgery", func(t *testing.T) {
		parts := strings.Split(adele, ".")
		var hdr, claims map[string]any
		hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
		cb, _ := base64.RawURLEncoding.DecodeString(parts[1])
		json.Unmarshal(hb, &hdr)
		json.Unmarshal(cb, &claims)
		with := func(m map[string]any, k string, v any) map[string]any {
			out := map[string]any{}
			for a, b := range m {
				out[a] = b
			}
			out[k] = v
			return out
		}
		hs := func(h, c string) string {
			mac := hmac.New(sha256.New, []byte("guessed-secret"))
			mac.Write([]byte(h + "." + c))
			return h + "." + c + "." + base64.RawURLEncoding.EncodeToString(mac.Sum(nil))
		}
		for name, tok := range map[string]string{
			"alg none":         jwtPart(with(hdr, "alg", "none")) + "." + parts[1] + ".",
			"alg none, no dot": jwtPart(with(hdr, "alg", "none")) + "." + parts[1],
			"HS256":            hs(jwtPart(with(hdr, "alg", "HS256")), parts[1]),
			"other oid":        parts[0] + "." + jwtPart(with(claims, "oid", alexID)) + "." + parts[2],
			"exp=1":            parts[0] + "." + jwtPart(with(claims, "exp", 1)) + "." + parts[2],
			"other kid":        jwtPart(with(hdr, "kid", "other-key")) + "." + parts[1] + "." + parts[2],
			"garbage":          "not.a.jwt",
			"empty":            "",
			"100 KB":           strings.Repeat("A", 100<<10),
			"4 parts":          adele + ".AAAA",
			"no signature":     parts[0] + "." + parts[1] + ".",
			"bad base64":       parts[0] + "." + parts[1] + ".!!!",
		} {
			req, _ := http.NewRequest("GET", e.sb.URL()+"/v1.0/me", nil)
			req.Header.Set("Authorization", "Bearer "+tok)
			resp, err := e.sb.Client().Do(req)
			if err != nil {
				t.Fatalf("%s: %v", name, err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusUnauthorized {
				t.Errorf("%s: %s, want 401", name, resp.Status)
			}
		}
		if st, _ := e.graph(t, "GET", "/v1.0/me", adele, ""); st != 200 {
			t.Errorf("the genuine token: %d", st)
		}
	})

	// Row 44: Adele's token on Alex's data under /users/{id, UPN, upper-case id}: 403.
	t.Run("held-44-cross-user-paths", func(t *testing.T) {
		var paths []string
		for _, who := range []string{alexID, url.PathEscape(alexUPN), strings.ToUpper(alexID)} {
			for _, rest := range []string{"/messages", "/mailFolders", "/mailFolders/inbox/messages", "/events", "/calendar",
				"/calendars", "/calendarView?startDateTime=2025-01-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z", "/contacts", "/contactFolders"} {
				paths = append(paths, "/v1.0/users/"+who+rest)
			}
		}
		for _, p := range paths {
			if st, body := e.graph(t, "GET", p, adele, ""); st != http.StatusForbidden {
				t.Errorf("GET %s with Adele's token: %d, want 403\n%.200s", p, st, body)
			}
		}
		if st, body := e.graph(t, "POST", "/v1.0/users/"+alexID+"/sendMail", adele,
			`{"message":{"subject":"x","toRecipients":[{"emailAddress":{"address":"a@b.c"}}]}}`); st != http.StatusForbidden {
			t.Errorf("sendMail as Alex with Adele's token: %d, want 403\n%.200s", st, body)
		}
	})

	// Row 45: Alex's item ids used under Adele's /me: not found or refused, and Alex's items
	// unchanged.
	t.Run("held-45-cross-user-ids", func(t *testing.T) {
		_, msgs := e.graph(t, "GET", "/v1.0/me/messages?$top=1", alex, "")
		_, folders := e.graph(t, "GET", "/v1.0/me/mailFolders?$top=50", alex, "")
		_, events := e.graph(t, "GET", "/v1.0/me/events?$top=1", alex, "")
		_, contacts := e.graph(t, "GET", "/v1.0/me/contacts?$top=1", alex, "")
		msg, folder, event, contact := firstID(t, msgs), firstID(t, folders), firstID(t, events), firstID(t, contacts)
		items := map[string]string{
			"/v1.0/me/messages/" + msg: "", "/v1.0/me/mailFolders/" + folder: "", "/v1.0/me/events/" + event: "", "/v1.0/me/contacts/" + contact: "",
		}
		for p := range items {
			st, body := e.graph(t, "GET", p, alex, "")
			if st != 200 {
				t.Fatalf("Alex reading his own %s: %d", p, st)
			}
			items[p] = body
		}
		patch := `{"subject":"owned","displayName":"owned","isRead":true}`
		for _, op := range []struct{ method, path, body string }{
			{"GET", "/v1.0/me/messages/" + msg, ""}, {"PATCH", "/v1.0/me/messages/" + msg, patch},
			{"DELETE", "/v1.0/me/messages/" + msg, ""}, {"POST", "/v1.0/me/messages/" + msg + "/move", `{"destinationId":"deleteditems"}`},
			{"POST", "/v1.0/me/messages/" + msg + "/copy", `{"destinationId":"inbox"}`}, {"POST", "/v1.0/me/messages/" + msg + "/reply", `{"comment":"x"}`},
			{"POST", "/v1.0/me/messages/" + msg + "/forward", `{"toRecipients":[{"emailAddress":{"address":"a@b.c"}}]}`},
			{"GET", "/v1.0/me/messages/" + msg + "/attachments", ""},
			{"GET", "/v1.0/me/mailFolders/" + folder, ""}, {"GET", "/v1.0/me/mailFolders/" + folder + "/messages", ""},
			{"PATCH", "/v1.0/me/mailFolders/" + folder, patch}, {"DELETE", "/v1.0/me/mailFolders/" + folder, ""},
			{"POST", "/v1.0/me/mailFolders/" + folder + "/childFolders", `{"displayName":"x"}`},
			{"POST", "/v1.0/me/mailFolders/" + folder + "/messages", `{"subject":"planted"}`},
			{"GET", "/v1.0/me/events/" + event, ""}, {"PATCH", "/v1.0/me/events/" + event, patch}, {"DELETE", "/v1.0/me/events/" + event, ""},
			{"POST", "/v1.0/me/events/" + event + "/accept", `{"sendResponse":false}`}, {"POST", "/v1.0/me/events/" + event + "/cancel", `{}`},
			{"GET", "/v1.0/me/events/" + event + "/instances?startDateTime=2025-01-01T00:00:00Z&endDateTime=2026-12-31T00:00:00Z", ""},
			{"GET", "/v1.0/me/contacts/" + contact, ""}, {"PATCH", "/v1.0/me/contacts/" + contact, patch}, {"DELETE", "/v1.0/me/contacts/" + contact, ""},
		} {
			st, body := e.graph(t, op.method, op.path, adele, op.body)
			if st != http.StatusNotFound && st != http.StatusForbidden && st != http.StatusBadRequest {
				t.Errorf("%s %s with Adele's token: %d, want 404/403\n%.200s", op.method, op.path, st, body)
			}
		}
		for p, before := range items {
			if _, now := e.graph(t, "GET", p, alex, ""); now != before {
				t.Errorf("Alex's %s changed:\nbefore %.300s\nafter  %.300s", p, before, now)
			}
		}
	})

	// Row 46: an app token on /me is a bad request; writes with read-only scopes are refused
	// (sendMail and creating a message: sandbox TestMailPermissions).
	t.Run("held-46-read-only-roles", func(t *testing.T) {
		info := e.sb.Info()
		app := e.sbToken(t, url.Values{"grant_type": {"client_credentials"}, "client_id": {info.ConfidentialClientID},
			"client_secret": {info.ConfidentialClientSecret}, "scope": {"https://graph.microsoft.com/.default"}})
		for _, p := range []string{"/v1.0/me", "/v1.0/me/messages", "/v1.0/me/events", "/v1.0/me/contacts", "/v1.0/me/calendar"} {
			if st, _ := e.graph(t, "GET", p, app, ""); st != http.StatusBadRequest {
				t.Errorf("GET %s with an app token: %d, want 400", p, st)
			}
		}
		ro := e.userToken(t, 0, "User.Read Mail.Read Calendars.Read Contacts.Read")
		_, msgs := e.graph(t, "GET", "/v1.0/me/messages?$top=1", ro, "")
		_, events := e.graph(t, "GET", "/v1.0/me/events?$top=1", ro, "")
		_, contacts := e.graph(t, "GET", "/v1.0/me/contacts?$top=1", ro, "")
		msg, event, contact := firstID(t, msgs), firstID(t, events), firstID(t, contacts)
		for _, op := range []struct{ method, path, body string }{
			{"PATCH", "/v1.0/me/messages/" + msg, `{"isRead":true}`}, {"DELETE", "/v1.0/me/messages/" + msg, ""},
			{"POST", "/v1.0/me/messages/" + msg + "/move", `{"destinationId":"archive"}`},
			{"POST", "/v1.0/me/messages/" + msg + "/copy", `{"destinationId":"archive"}`},
			{"POST", "/v1.0/me/messages/" + msg + "/reply", `{"comment":"x"}`},
			{"POST", "/v1.0/me/mailFolders", `{"displayName":"x"}`},
			{"POST", "/v1.0/me/events", `{"subject":"x","start":{"dateTime":"2026-01-01T10:00:00","timeZone":"UTC"},"end":{"dateTime":"2026-01-01T11:00:00","timeZone":"UTC"}}`},
			{"PATCH", "/v1.0/me/events/" + event, `{"subject":"x"}`}, {"DELETE", "/v1.0/me/events/" + event, ""},
			{"POST", "/v1.0/me/events/" + event + "/accept", `{"sendResponse":false}`},
			{"POST", "/v1.0/me/contacts", `{"givenName":"x"}`}, {"PATCH", "/v1.0/me/contacts/" + contact, `{"givenName":"x"}`},
			{"DELETE", "/v1.0/me/contacts/" + contact, ""},
		} {
			if st, body := e.graph(t, op.method, op.path, ro, op.body); st != http.StatusForbidden {
				t.Errorf("%s %s with read-only scopes: %d, want 403\n%.200s", op.method, op.path, st, body)
			}
		}
	})

	// Row 47: hostile OData: huge or negative numbers, deep nesting, long chains, a large
	// literal, unknown functions, long $orderby/$select, $search: 400 or 200, never a 5xx.
	t.Run("held-47-odata", func(t *testing.T) {
		ors := make([]string, 20000)
		for i := range ors {
			ors[i] = fmt.Sprintf("subject eq 's%d'", i)
		}
		orderby := make([]string, 2000)
		for i := range orderby {
			orderby[i] = "subject"
		}
		selects := make([]string, 5000)
		for i := range selects {
			selects[i] = "subject"
		}
		for name, q := range map[string]string{
			"huge $top":       "$top=99999999999999999999999",
			"negative $top":   "$top=-1",
			"huge $skip":      "$skip=99999999999999999999999",
			"negative $skip":  "$skip=-5",
			"5000 parens":     "$filter=" + strings.Repeat("(", 5000) + "isRead" + strings.Repeat(")", 5000),
			"not chain":       "$filter=" + strings.Repeat("not ", 5000) + "isRead",
			"3000 nested any": "$filter=" + strings.Repeat("toRecipients/any(r:", 3000) + "true" + strings.Repeat(")", 3000),
			"20000 ors":       "$filter=" + strings.Join(ors, " or "),
			"20000 ands":      "$filter=" + strings.Join(ors, " and "),
			"500 KB literal":  "$filter=subject eq '" + strings.Repeat("x", 500<<10) + "'",
			"bad token":       "$filter=subject eq @@",
			"bad function":    "$filter=evil(subject)",
			"huge number":     "$filter=size gt 999999999999999999999999999999",
			"huge date":       "$filter=receivedDateTime gt 99999-12-31T00:00:00Z",
			"2000 orderby":    "$orderby=" + strings.Join(orderby, ","),
			"5000 select":     "$select=" + strings.Join(selects, ","),
			"search":          `$search="` + strings.Repeat("a ", 1000) + `"`,
			"search quotes":   `$search="""`,
		} {
			v, _ := url.ParseQuery(q)
			st, body := e.graph(t, "GET", "/v1.0/me/messages?"+v.Encode(), adele, "")
			if st != 200 && st != 400 && st != http.StatusRequestURITooLong && st != http.StatusRequestHeaderFieldsTooLarge {
				t.Errorf("%s: %d, want 400 or 200\n%.200s", name, st, body)
			}
		}
		if st, _ := e.graph(t, "GET", "/v1.0/me", adele, ""); st != 200 {
			t.Errorf("the sandbox no longer serves after the OData attacks: %d", st)
		}
	})

	// Row 49: $batch with 1,000 items, self-dependencies, per-item Authorization, a
	// dot-segment to the control API, CRLF in URL or method (20-item limit at 21, cycles,
	// unknown dependencies, duplicate ids and absolute URLs: sandbox TestBatch).
	t.Run("held-49-batch", func(t *testing.T) {
		var many []map[string]any
		for i := range 1000 {
			many = append(many, map[string]any{"id": fmt.Sprint(i), "method": "GET", "url": "/me"})
		}
		b, _ := json.Marshal(map[string]any{"requests": many})
		if st, _ := e.graph(t, "POST", "/v1.0/$batch", adele, string(b)); st != 400 {
			t.Errorf("1,000 items: %d, want 400", st)
		}
		item := func(m map[string]any) string {
			b, _ := json.Marshal(map[string]any{"requests": []any{m}})
			return string(b)
		}
		if st, _ := e.graph(t, "POST", "/v1.0/$batch", adele, item(map[string]any{"id": "1", "method": "GET", "url": "/me", "dependsOn": []string{"1"}})); st != 400 {
			t.Errorf("self-dependency: %d, want 400", st)
		}
		st, body := e.graph(t, "POST", "/v1.0/$batch", adele, item(map[string]any{"id": "1", "method": "GET", "url": "/me",
			"headers": map[string]string{"Authorization": "Bearer " + alex}}))
		if st != 200 || strings.Contains(body, alexUPN) {
			t.Errorf("per-item Authorization: %d, the item ran as Alex: %.300s", st, body)
		}
		settings := e.sb.Settings()
		for name, it := range map[string]map[string]any{
			"dot-segment to the control API": {"id": "1", "method": "PATCH", "url": "/../_sandbox/settings",
				"headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{"auto_approve": false, "strict_refresh_rotation": true}},
			"encoded dot-segment": {"id": "1", "method": "POST", "url": "/%2e%2e/_sandbox/reset", "headers": map[string]string{"Content-Type": "application/json"}, "body": map[string]any{}},
			"CRLF in URL":         {"id": "1", "method": "GET", "url": "/me HTTP/1.1\r\nHost: x\r\n\r\nGET /_sandbox/info"},
			"CRLF in method":      {"id": "1", "method": "GET /_sandbox/info HTTP/1.1\r\n\r\nGET", "url": "/me"},
		} {
			st, body := e.graph(t, "POST", "/v1.0/$batch", adele, item(it))
			if st == 200 {
				var ans struct {
					Responses []struct{ Status int } `json:"responses"`
				}
				json.Unmarshal([]byte(body), &ans)
				if len(ans.Responses) != 1 || (ans.Responses[0].Status != 400 && ans.Responses[0].Status != 403 &&
					ans.Responses[0].Status != 404 && ans.Responses[0].Status != 307) {
					t.Errorf("%s: item answered %.300s", name, body)
				}
			} else if st != 400 {
				t.Errorf("%s: %d, want 400 or a refused item", name, st)
			}
			if strings.Contains(body, e.sb.Info().ConfidentialClientSecret) {
				t.Errorf("%s reached the control API's info", name)
			}
		}
		if now := e.sb.Settings(); now != settings {
			t.Errorf("a batch item changed the sandbox settings: %+v", now)
		}
	})
}

// TestAttackSandboxBodies runs row 48: 60 MB bodies to the token, device code, sendMail,
// $batch and control endpoints are cut at their limit; the sandbox keeps serving.
func TestAttackSandboxBodies(t *testing.T) {
	t.Parallel()
	skipShort(t)
	e := newAttackEnv(t)
	adele := e.userToken(t, 0, "User.Read Mail.Send")
	tenant := e.sb.Info().TenantID
	t.Run("held-48-oversized-bodies", func(t *testing.T) {
		for _, c := range []struct{ method, path, ctype, tok string }{
			{"POST", "/" + tenant + "/oauth2/v2.0/token", "application/x-www-form-urlencoded", ""},
			{"POST", "/" + tenant + "/oauth2/v2.0/devicecode", "application/x-www-form-urlencoded", ""},
			{"POST", "/v1.0/me/sendMail", "application/json", adele},
			{"POST", "/v1.0/$batch", "application/json", adele},
			{"PATCH", "/_sandbox/settings", "application/json", ""},
			{"POST", "/_sandbox/faults", "application/json", ""},
			{"PUT", "/_sandbox/state", "application/json", ""},
		} {
			body := &countingZeros{left: 60 << 20, fill: 'a'}
			req, _ := http.NewRequest(c.method, e.sb.URL()+c.path, body)
			req.ContentLength = 60 << 20
			req.Header.Set("Content-Type", c.ctype)
			if c.tok != "" {
				req.Header.Set("Authorization", "Bearer "+c.tok)
			}
			resp, err := e.sb.Client().Do(req)
			if err == nil {
				resp.Body.Close()
				if resp.StatusCode < 400 || resp.StatusCode >= 500 {
					t.Errorf("%s %s with 60 MB: %s, want a 4xx refusal", c.method, c.path, resp.Status)
				}
			}
			if body.left == 0 {
				t.Errorf("%s %s: the whole 60 MB body was read", c.method, c.path)
			}
			if st, _ := e.graph(t, "GET", "/v1.0/me", adele, ""); st != 200 {
				t.Fatalf("the sandbox stopped serving after %s %s: %d", c.method, c.path, st)
			}
		}
	})
}

// countingZeros yields left bytes of fill; left tells how much was not read.
type countingZeros struct {
	left int64
	fill byte
}

func (z *countingZeros) Read(p []byte) (int, error) {
	if z.left <= 0 {
		return 0, io.EOF
	}
	n := min(int64(len(p)), z.left)
	for i := range p[:n] {
		p[i] = z.fill
	}
	z.left -= n
	return int(n), nil
}
