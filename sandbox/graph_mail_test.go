package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strings"
	"testing"
	"time"
)

// mailEnv is a sandbox plus Graph headers for the seeded users.
type mailEnv struct {
	*env
	t *testing.T
}

func startMail(t *testing.T) *mailEnv {
	return &mailEnv{env: start(t, Options{}), t: t}
}

// as returns the headers of user i (index into seedUsers) with scopes.
func (e *mailEnv) as(i int, scopes string) map[string]string {
	u := seedUsers[i]
	return map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, scopes)}
}

const rw = "Mail.ReadWrite Mail.Send User.Read"

// call sends a Graph request with a JSON body (when non-nil) and decodes the answer.
func (e *mailEnv) call(method, path string, hdr map[string]string, in, out any) *http.Response {
	e.t.Helper()
	h := map[string]string{}
	for k, v := range hdr {
		h[k] = v
	}
	var body *bytes.Reader
	if in != nil {
		b, err := json.Marshal(in)
		if err != nil {
			e.t.Fatal(err)
		}
		body = bytes.NewReader(b)
		h["Content-Type"] = "application/json"
	}
	if body == nil {
		return e.do(method, path, nil, h, out)
	}
	return e.do(method, path, body, h, out)
}

// must is call that fails the test unless the status is want.
func (e *mailEnv) must(want int, method, path string, hdr map[string]string, in, out any) *http.Response {
	e.t.Helper()
	var raw json.RawMessage
	resp := e.call(method, path, hdr, in, &raw)
	if resp.StatusCode != want {
		e.t.Fatalf("%s %s: status %d, want %d: %s", method, path, resp.StatusCode, want, raw)
	}
	if out != nil && len(raw) > 0 {
		if err := json.Unmarshal(raw, out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	return resp
}

// wantError checks a Graph error answer.
func (e *mailEnv) wantError(status int, code, msg, method, path string, hdr map[string]string, in any) {
	e.t.Helper()
	var ge graphErr
	resp := e.call(method, path, hdr, in, &ge)
	if resp.StatusCode != status || ge.Error.Code != code || !strings.Contains(ge.Error.Message, msg) {
		e.t.Errorf("%s %s: got %d %s %q, want %d %s %q", method, path, resp.StatusCode, ge.Error.Code, ge.Error.Message, status, code, msg)
	}
	if ge.Error.InnerError["request-id"] == "" {
		e.t.Errorf("%s %s: error without innerError.request-id", method, path)
	}
}

type msgPage struct {
	Context string           `json:"@odata.context"`
	Count   *int             `json:"@odata.count"`
	Value   []map[string]any `json:"value"`
	Next    string           `json:"@odata.nextLink"`
	Delta   string           `json:"@odata.deltaLink"`
}

func (p msgPage) ids() []string {
	var out []string
	for _, v := range p.Value {
		out = append(out, v["id"].(string))
	}
	return out
}

// all follows @odata.nextLink from path and returns every item.
func (e *mailEnv) all(path string, hdr map[string]string) []map[string]any {
	e.t.Helper()
	var out []map[string]any
	for next := path; next != ""; {
		var p msgPage
		e.must(200, "GET", strings.TrimPrefix(next, e.base), hdr, nil, &p)
		out = append(out, p.Value...)
		next = p.Next
	}
	return out
}

// seedMsgs returns user i's seeded messages in the default order (newest first).
func seedMsgs(i int, folder string) []*seedMessage {
	mb := seedMailbox(i)
	id := ""
	if folder != "" {
		id = mb.folder(folder).ID
	}
	return mb.messages(id)
}

func idsOf(ms []*seedMessage) []string {
	var out []string
	for _, m := range ms {
		out = append(out, m.ID)
	}
	return out
}

func TestMailListQueries(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, "Mail.Read")
	all := seedMsgs(0, "")

	var p msgPage
	e.must(200, "GET", "/v1.0/me/messages?$count=true&$top=5", adele, nil, &p)
	if p.Count == nil || *p.Count != len(all) || len(p.Value) != 5 || p.Value[0]["id"] != stableID(AdeleVanceID, "message", "0") {
		t.Fatalf("first page: count %v, %d items, first %v", p.Count, len(p.Value), p.Value[0]["id"])
	}
	if p.Value[0]["subject"] != "Quarterly sales review" {
		t.Errorf("newest message %v, want the original seed's first", p.Value[0]["subject"])
	}
	for _, want := range []string{"$count=true", "$top=5", "$skip=5"} {
		if !strings.Contains(p.Next, want) || !strings.HasPrefix(p.Next, e.base+"/v1.0/me/messages?") {
			t.Errorf("nextLink %q lacks %s", p.Next, want)
		}
	}
	if resp := e.do("GET", "/v1.0/me/mailFolders/inbox/messages/$count?$filter=isRead%20eq%20false", nil, adele, nil); body(resp) != fmt.Sprint(len(filtUnread(seedMsgs(0, "inbox")))) {
		t.Errorf("$count: %d %s", resp.StatusCode, body(resp))
	}
	if got := e.all("/v1.0/me/messages?$top=7&$select=id", adele); len(got) != len(all) {
		t.Errorf("paging: %d messages, want %d", len(got), len(all))
	}

	// Filters and orders, against the same computed from the seed by hand.
	filt := func(f func(m *seedMessage) bool) []*seedMessage {
		var out []*seedMessage
		for _, m := range all {
			if f(m) {
				out = append(out, m)
			}
		}
		return out
	}
	byReceivedAsc := filt(func(m *seedMessage) bool { return !m.IsRead && m.Importance == "high" })
	slices.Reverse(byReceivedAsc)
	flagged := filt(func(m *seedMessage) bool { return m.Flag.FlagStatus == "flagged" })
	sort.SliceStable(flagged, func(i, j int) bool {
		if a, b := strings.ToLower(flagged[i].Subject), strings.ToLower(flagged[j].Subject); a != b {
			return a > b
		}
		return flagged[i].Received.After(flagged[j].Received)
	})
	inboxAtt := filt(func(m *seedMessage) bool { return m.hasAttachments() && m.FolderID == stableID(AdeleVanceID, "inbox") })
	for _, tc := range []struct {
		query string
		want  []*seedMessage
	}{
		{"$filter=receivedDateTime ge 2000-01-01T00:00:00Z and isRead eq false and importance eq 'high'&$orderby=receivedDateTime asc", byReceivedAsc},
		{"$filter=from/emailAddress/address eq 'alexw@contoso.sandbox'", filt(func(m *seedMessage) bool { return m.From.EmailAddress.Address == "AlexW@contoso.sandbox" })},
		{"$filter=categories/any(c:c eq 'Red category')", filt(func(m *seedMessage) bool { return slices.Contains(m.Categories, "Red category") })},
		{"$filter=subject ne null and receivedDateTime ge 2000-01-01 and flag/flagStatus eq 'flagged'&$orderby=subject desc,receivedDateTime desc", flagged},
		{"$filter=toRecipients/any(r:r/emailAddress/address eq 'MeganB@contoso.sandbox') and isDraft eq false", filt(func(m *seedMessage) bool {
			return !m.IsDraft && slices.ContainsFunc(m.To, func(r outlook.Recipient) bool { return r.EmailAddress.Address == "MeganB@contoso.sandbox" })
		})},
		{"$filter=receivedDateTime ge 2025-03-01T00:00:00Z and not (importance eq 'normal')", filt(func(m *seedMessage) bool {
			return m.Received.After(mustTime("2025-03-01T00:00:00Z")) && m.Importance != "normal"
		})},
		{"$filter=startswith(subject,'re:') or contains(subject, 'INVOICE')", filt(func(m *seedMessage) bool {
			s := strings.ToLower(m.Subject)
			return strings.HasPrefix(s, "re:") || strings.Contains(s, "invoice")
		})},
		{`$search="budget"`, filt(func(m *seedMessage) bool {
			return strings.Contains(strings.ToLower(m.Subject+" "+m.Body.Content), "budget")
		})},
		{"$filter=hasAttachments eq true and parentFolderId eq '" + stableID(AdeleVanceID, "inbox") + "'", inboxAtt},
	} {
		got := e.all("/v1.0/me/messages?"+tc.query+"&$top=50", adele)
		var ids []string
		for _, m := range got {
			ids = append(ids, m["id"].(string))
		}
		if len(tc.want) == 0 || !slices.Equal(ids, idsOf(tc.want)) {
			t.Errorf("%s:\n got %v\nwant %v", tc.query, ids, idsOf(tc.want))
		}
	}

	// $select keeps @odata.etag and id, and names the properties in @odata.context.
	p = msgPage{}
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox/messages?$select=subject,isRead&$top=3", adele, nil, &p)
	if !strings.HasSuffix(p.Context, "/mailFolders('"+stableID(AdeleVanceID, "inbox")+"')/messages(subject,isRead)") {
		t.Errorf("context %q", p.Context)
	}
	for _, v := range p.Value {
		var keys []string
		for k := range v {
			keys = append(keys, k)
		}
		sort.Strings(keys)
		if !slices.Equal(keys, []string{"@odata.etag", "id", "isRead", "subject"}) {
			t.Errorf("$select keys %v", keys)
		}
	}
	// A folder's messages are that folder's only.
	receipts := seedMailbox(0).folder(stableID(AdeleVanceID, "folder", "Receipts"))
	if got := e.all("/v1.0/me/mailFolders/inbox/childFolders/"+receipts.ID+"/messages", adele); len(got) != 6 {
		t.Errorf("receipts: %d messages", len(got))
	}

	// Errors, in Graph's words.
	e.wantError(400, "BadRequest", "Could not find a property named 'bogus' on type 'microsoft.graph.message'.", "GET", "/v1.0/me/messages?$select=subject,bogus", adele, nil)
	e.wantError(400, "BadRequest", "Could not find a property named 'nope'", "GET", "/v1.0/me/messages?$filter=nope eq 1", adele, nil)
	e.wantError(400, "BadRequest", "The query parameter '$filter' is not supported with '$search'.", "GET", `/v1.0/me/messages?$search="x"&$filter=isRead`, adele, nil)
	e.wantError(400, "BadRequest", "The query parameter '$orderBy' is not supported with '$search'.", "GET", `/v1.0/me/messages?$search="x"&$orderby=subject`, adele, nil)
	// Exchange's rule: $orderby properties lead the $filter, in order.
	e.wantError(400, "InefficientFilter", "The restriction or sort order is too complex for this operation.", "GET",
		"/v1.0/me/messages?$filter=isRead%20eq%20false&$orderby=receivedDateTime%20desc", adele, nil)
	e.wantError(400, "BadRequest", "A binary operator with incompatible types was detected. Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'.",
		"GET", "/v1.0/me/messages?$filter=isRead%20eq%20'false'", adele, nil)
	e.wantError(400, "BadRequest", "Invalid filter clause", "GET", "/v1.0/me/messages?"+url.Values{"$filter": {"subject eq"}}.Encode(), adele, nil)
	e.wantError(400, "BadRequest", "The limit of '1000' for Top query has been exceeded.", "GET", "/v1.0/me/messages?$top=1001", adele, nil)
	e.wantError(404, "ErrorItemNotFound", "The specified object was not found in the store.", "GET", "/v1.0/me/messages/AAMkAGnothere", adele, nil)
	e.wantError(404, "ErrorItemNotFound", "The specified object was not found in the store.", "GET", "/v1.0/me/mailFolders/nowhere/messages", adele, nil)
}

func TestMailPreferTextBody(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, "Mail.Read")
	id := stableID(AdeleVanceID, "message", "0")
	var m map[string]any
	resp := e.must(200, "GET", "/v1.0/me/messages/"+id, adele, nil, &m)
	if b := m["body"].(map[string]any); b["contentType"] != "html" || resp.Header.Get("Preference-Applied") != "" {
		t.Fatalf("default body %v", b)
	}
	h := map[string]string{"Authorization": adele["Authorization"], "Prefer": `outlook.body-content-type="text"`}
	resp = e.must(200, "GET", "/v1.0/me/messages/"+id, h, nil, &m)
	b := m["body"].(map[string]any)
	if b["contentType"] != "text" || strings.Contains(b["content"].(string), "<") || !strings.HasPrefix(b["content"].(string), "Please find the numbers") {
		t.Errorf("text body %v", b)
	}
	if resp.Header.Get("Preference-Applied") != `outlook.body-content-type="text"` {
		t.Errorf("Preference-Applied %q", resp.Header.Get("Preference-Applied"))
	}
	var p msgPage
	e.must(200, "GET", "/v1.0/me/messages?$top=2&$select=body", h, nil, &p)
	if p.Value[0]["body"].(map[string]any)["contentType"] != "text" {
		t.Errorf("list ignores Prefer: %v", p.Value[0])
	}
}

func TestMailPermissions(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	read := e.as(0, "Mail.Read")
	app := map[string]string{"Authorization": "Bearer " + e.appToken()}
	e.wantError(403, "ErrorAccessDenied", "Access is denied.", "POST", "/v1.0/me/messages", read, map[string]any{"subject": "x"})
	e.wantError(403, "ErrorAccessDenied", "Access is denied.", "POST", "/v1.0/me/sendMail", read, map[string]any{"message": map[string]any{}})
	e.wantError(403, "ErrorAccessDenied", "Access is denied.", "GET", "/v1.0/users/"+MeganBowenID+"/mailFolders", read, nil)
	e.wantError(400, "BadRequest", "/me request is only valid with delegated authentication flow.", "GET", "/v1.0/me/mailFolders", app, nil)
	// The app has Mail.Read and Mail.Send, not Mail.ReadWrite.
	var p msgPage
	e.must(200, "GET", "/v1.0/users/meganb@"+TenantDomain+"/mailFolders/inbox/messages?$top=1", app, nil, &p)
	if len(p.Value) != 1 || !strings.Contains(p.Context, MeganBowenID) {
		t.Errorf("app read: %+v", p)
	}
	e.wantError(403, "ErrorAccessDenied", "Access is denied.", "PATCH", "/v1.0/users/"+MeganBowenID+"/messages/"+p.ids()[0], app, map[string]any{"isRead": true})
}

func TestMailReset(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	id := stableID(AdeleVanceID, "message", "0")
	e.must(204, "DELETE", "/v1.0/me/messages/"+id, adele, nil, nil)
	e.must(404, "GET", "/v1.0/me/messages/"+id, adele, nil, nil)
	if resp := e.do("POST", "/_sandbox/reset", nil, nil, nil); resp.StatusCode != 204 {
		t.Fatalf("reset: %d", resp.StatusCode)
	}
	adele = e.as(0, rw) // reset drops the refresh tokens, not the signing key; a new token anyway
	e.must(200, "GET", "/v1.0/me/messages/"+id, adele, nil, nil)
}

func filtUnread(ms []*seedMessage) []*seedMessage {
	var out []*seedMessage
	for _, m := range ms {
		if !m.IsRead {
			out = append(out, m)
		}
	}
	return out
}

func mustTime(s string) time.Time {
	t, err := time.Parse(time.RFC3339, s)
	if err != nil {
		panic(err)
	}
	return t
}

// TestMailPersists: with a state file, mail and delta tokens survive a restart.
func TestMailPersists(t *testing.T) {
	t.Parallel()
	file := t.TempDir() + "/state.json"
	e := &mailEnv{env: start(t, Options{StateFile: file}), t: t}
	adele := e.as(0, rw)
	_, link := e.deltaRound("/v1.0/me/mailFolders/inbox/messages/delta", adele)
	e.must(202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{"subject": "Kept",
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "AdeleV@" + TenantDomain}}}}}, nil)
	e.must(204, "DELETE", "/v1.0/me/messages/"+stableID(AdeleVanceID, "message", "2"), adele, nil, nil)
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := &mailEnv{env: start(t, Options{StateFile: file}), t: t}
	adele = e2.as(0, rw)
	if len(e2.inboxWith(adele, "sentitems", "Kept")) != 1 || len(e2.inboxWith(adele, "inbox", "Kept")) != 1 {
		t.Error("sent mail lost in the restart")
	}
	items, _ := e2.deltaRound(strings.Replace(link, e.base, e2.base, 1), adele)
	if len(items) != 2 {
		t.Errorf("delta across the restart: %v", items)
	}
}
