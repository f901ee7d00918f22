package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"
)

// receiver is a webhook on loopback: it answers Graph's validation request
// (echoing validationToken), fails the first failFirst notification POSTs
// with 500, and keeps the notifications of the others.
type receiver struct {
	*httptest.Server
	mu        sync.Mutex
	failFirst int
	posts     int // notification POSTs, failed ones included
	got       []map[string]any
	echo      func(token string) (int, string) // the validation answer; nil: 200 and the token
}

func newReceiver(t *testing.T, failFirst int) *receiver {
	rc := &receiver{failFirst: failFirst}
	rc.Server = httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			status, body := 200, tok
			rc.mu.Lock()
			echo := rc.echo
			rc.mu.Unlock()
			if echo != nil {
				status, body = echo(tok)
			}
			w.Header().Set("Content-Type", "text/plain")
			w.WriteHeader(status)
			io.WriteString(w, body)
			return
		}
		var in struct{ Value []map[string]any }
		if err := json.NewDecoder(r.Body).Decode(&in); err != nil {
			t.Errorf("notification body: %v", err)
		}
		rc.mu.Lock()
		defer rc.mu.Unlock()
		rc.posts++
		if rc.posts <= rc.failFirst {
			w.WriteHeader(500)
			return
		}
		rc.got = append(rc.got, in.Value...)
		w.WriteHeader(202)
	}))
	t.Cleanup(rc.Close)
	return rc
}

// wait returns the notifications once there are at least n (failing the
// test after a generous bound: deliveries retry with growing waits).
func (rc *receiver) wait(t *testing.T, n int) []map[string]any {
	t.Helper()
	for deadline := time.Now().Add(60 * time.Second); ; {
		rc.mu.Lock()
		got := append([]map[string]any(nil), rc.got...)
		rc.mu.Unlock()
		if len(got) >= n {
			return got
		}
		if time.Now().After(deadline) {
			t.Fatalf("%d notifications arrived, want %d", len(got), n)
		}
		time.Sleep(20 * time.Millisecond)
	}
}

func jsonBody(v any) io.Reader {
	b, _ := json.Marshal(v)
	return bytes.NewReader(b)
}

// TestSubscriptionsDeliver: a subscription is created after the
// validation handshake; 100 changes across mail, contacts and To Do give
// the notifications expected (count, resources, clientState), in batches,
// although the receiver fails twice; expiry stops them and sends
// subscriptionRemoved to the lifecycle URL.
func TestSubscriptionsDeliver(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	tok := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "Mail.ReadWrite Contacts.ReadWrite Tasks.ReadWrite"),
		"Content-Type": "application/json"}
	rc := newReceiver(t, 2)
	life := newReceiver(t, 0)
	var lists struct {
		Value []struct{ ID, WellknownListName string }
	}
	e.do("GET", "/v1.0/me/todo/lists", nil, tok, &lists)
	taskList := lists.Value[0].ID
	expiry := e.s.Now().Add(24 * time.Hour).UTC().Format(time.RFC3339)
	subscribe := func(resource, changeType string) string {
		var out map[string]any
		resp := e.do("POST", "/v1.0/subscriptions", jsonBody(map[string]any{"changeType": changeType, "notificationUrl": rc.URL + "/hook",
			"lifecycleNotificationUrl": life.URL, "resource": resource, "expirationDateTime": expiry, "clientState": "s3cret"}), tok, &out)
		if resp.StatusCode != 201 {
			t.Fatalf("subscribe to %s: %d %v", resource, resp.StatusCode, out)
		}
		return out["id"].(string)
	}
	mailSub := subscribe("me/messages", "created,updated,deleted")
	contactSub := subscribe("/me/contacts", "created")
	taskSub := subscribe("me/todo/lists/"+taskList+"/tasks", "created,deleted")

	want := map[string]string{} // resource → subscription
	for i := range 40 {
		var m map[string]any
		e.do("POST", "/v1.0/me/messages", jsonBody(map[string]any{"subject": fmt.Sprint("note ", i)}), tok, &m)
		want["Users/"+u.ID+"/Messages/"+m["id"].(string)] = mailSub
	}
	for i := range 40 {
		var c map[string]any
		e.do("POST", "/v1.0/me/contacts", jsonBody(map[string]any{"givenName": fmt.Sprint("Person ", i)}), tok, &c)
		want["Users/"+u.ID+"/Contacts/"+c["id"].(string)] = contactSub
	}
	for i := range 20 {
		var tk map[string]any
		e.do("POST", "/v1.0/me/todo/lists/"+taskList+"/tasks", jsonBody(map[string]any{"title": fmt.Sprint("Task ", i)}), tok, &tk)
		want["Users/"+u.ID+"/todo/lists/"+taskList+"/tasks/"+tk["id"].(string)] = taskSub
	}
	got := rc.wait(t, 100)
	if len(got) != 100 {
		t.Fatalf("%d notifications for 100 changes", len(got))
	}
	for _, n := range got {
		res, _ := n["resource"].(string)
		if want[res] == "" || n["subscriptionId"] != want[res] || n["changeType"] != "created" || n["clientState"] != "s3cret" || n["tenantId"] != TenantID {
			t.Errorf("notification %v", n)
		}
		if data, _ := n["resourceData"].(map[string]any); data == nil || !strings.HasSuffix(res, "/"+data["id"].(string)) || data["@odata.etag"] == nil {
			t.Errorf("resourceData of %s: %v", res, n["resourceData"])
		}
		delete(want, res)
	}
	rc.mu.Lock()
	posts := rc.posts
	rc.mu.Unlock()
	if posts >= 100 {
		t.Errorf("%d POSTs for 100 notifications: they are not batched", posts)
	}

	// Past its expiry a subscription is removed (lifecycle notification) and
	// changes notify nobody.
	if _, err := e.s.AdvanceClock(25 * time.Hour); err != nil {
		t.Fatal(err)
	}
	removed := life.wait(t, 3)
	for _, n := range removed {
		if n["lifecycleEvent"] != "subscriptionRemoved" && n["lifecycleEvent"] != "reauthorizationRequired" {
			t.Errorf("lifecycle notification %v", n)
		}
	}
	for deadline := time.Now().Add(30 * time.Second); ; {
		var list struct{ Value []any }
		e.do("GET", "/v1.0/subscriptions", nil, tok, &list)
		if len(list.Value) == 0 {
			break
		}
		if time.Now().After(deadline) {
			t.Fatalf("expired subscriptions still listed: %v", list.Value)
		}
		time.Sleep(20 * time.Millisecond)
	}
	e.do("POST", "/v1.0/me/messages", jsonBody(map[string]any{"subject": "after expiry"}), tok, nil)
	time.Sleep(300 * time.Millisecond) // no bound on a delivery that must not come: look once, after a while
	if n := len(rc.wait(t, 100)); n != 100 {
		t.Errorf("%d notifications after expiry, want none more", n-100)
	}
}

// TestSubscriptionsRefused: a receiver that fails the handshake, a
// notification URL that is not on loopback, an expiry beyond the
// resource's limit, a resource the token may not read: Graph's errors.
func TestSubscriptionsRefused(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	tok := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "Mail.Read"), "Content-Type": "application/json"}
	rc := newReceiver(t, 0)
	in := func(url, resource string, expiry time.Duration) map[string]any {
		return map[string]any{"changeType": "created", "notificationUrl": url, "resource": resource,
			"expirationDateTime": e.s.Now().Add(expiry).UTC().Format(time.RFC3339)}
	}
	for _, c := range []struct {
		name   string
		body   map[string]any
		echo   func(string) (int, string)
		status int
		msg    string
	}{
		{"handshake not answered with 200", in(rc.URL, "me/messages", time.Hour), func(string) (int, string) { return 404, "" }, 400, "must respond with 200 OK"},
		{"handshake echo differs", in(rc.URL, "me/messages", time.Hour), func(tok string) (int, string) { return 200, tok + "x" }, 400, "must exactly match validationToken"},
		{"not on loopback", in("https://hooks.example.com/graph", "me/messages", time.Hour), nil, 400, "loopback"},
		{"too long", in(rc.URL, "me/messages", 8*24*time.Hour), nil, 400, "10080 minutes"},
		{"in the past", in(rc.URL, "me/messages", -time.Hour), nil, 400, "in the future"},
		{"no permission", in(rc.URL, "me/contacts", time.Hour), nil, 403, ""},
		{"another user", in(rc.URL, "users/"+MeganBowenID+"/messages", time.Hour), nil, 403, ""},
		{"unsupported resource", in(rc.URL, "me/onenote/notebooks", time.Hour), nil, 400, "does not support change notifications"},
		{"bad change type", map[string]any{"changeType": "moved", "notificationUrl": rc.URL, "resource": "me/messages",
			"expirationDateTime": e.s.Now().Add(time.Hour).UTC().Format(time.RFC3339)}, nil, 400, "changeType"},
	} {
		rc.mu.Lock()
		rc.echo = c.echo
		rc.mu.Unlock()
		var out graphErr
		resp := e.do("POST", "/v1.0/subscriptions", jsonBody(c.body), tok, &out)
		if resp.StatusCode != c.status || !strings.Contains(out.Error.Message, c.msg) {
			t.Errorf("%s: %d %+v, want %d with %q", c.name, resp.StatusCode, out.Error, c.status, c.msg)
		}
	}
}

// TestSubscriptionsDriveRoot: a subscription to a drive's root hears of
// changes anywhere in the drive as "updated" of the root, a burst coalesced
// while undelivered; OneDrive refuses other folders and other change types.
func TestSubscriptionsDriveRoot(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	tok := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "Files.ReadWrite"), "Content-Type": "application/json"}
	rc := newReceiver(t, 0)
	body := func(resource, changeType string) io.Reader {
		return jsonBody(map[string]any{"changeType": changeType, "notificationUrl": rc.URL, "resource": resource,
			"expirationDateTime": e.s.Now().Add(time.Hour).UTC().Format(time.RFC3339), "clientState": "d"})
	}
	var out map[string]any
	if resp := e.do("POST", "/v1.0/subscriptions", body("/me/drive/root", "updated"), tok, &out); resp.StatusCode != 201 {
		t.Fatalf("subscribe to the root: %d %v", resp.StatusCode, out)
	}
	for _, c := range []struct{ resource, changeType string }{{"/me/drive/root", "created"}, {"me/drive/items/x", "updated"}, {"drives/nope/root", "updated"}} {
		if resp := e.do("POST", "/v1.0/subscriptions", body(c.resource, c.changeType), tok, nil); resp.StatusCode < 400 {
			t.Errorf("subscribe to %s for %s: %d", c.resource, c.changeType, resp.StatusCode)
		}
	}
	for i := range 5 {
		e.do("PUT", fmt.Sprintf("/v1.0/me/drive/root:/notes/n%d.txt:/content", i), strings.NewReader("hello"),
			map[string]string{"Authorization": tok["Authorization"], "Content-Type": "text/plain"}, nil)
	}
	got := rc.wait(t, 1)
	for _, n := range got {
		if n["changeType"] != "updated" || n["resource"] != "/me/drive/root" || n["clientState"] != "d" || n["resourceData"] != nil {
			t.Errorf("drive notification %v", n)
		}
	}
	if len(got) > 5 {
		t.Errorf("%d notifications for 5 uploads", len(got))
	}
}

// TestSubscriptionsEvents: a subscription to a user's events hears of an
// event created, of the copy an invitation puts in an attendee's calendar
// (on the attendee's subscription), and of a deletion.
func TestSubscriptionsEvents(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	tok := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "Calendars.ReadWrite"), "Content-Type": "application/json"}
	rc := newReceiver(t, 0)
	var sub map[string]any
	if resp := e.do("POST", "/v1.0/subscriptions", jsonBody(map[string]any{"changeType": "created,deleted", "notificationUrl": rc.URL,
		"resource": "me/events", "expirationDateTime": e.s.Now().Add(time.Hour).UTC().Format(time.RFC3339)}), tok, &sub); resp.StatusCode != 201 {
		t.Fatalf("subscribe: %d %v", resp.StatusCode, sub)
	}
	var ev map[string]any
	e.do("POST", "/v1.0/me/events", jsonBody(map[string]any{"subject": "Review", "start": map[string]any{"dateTime": "2025-07-01T10:00:00", "timeZone": "UTC"},
		"end": map[string]any{"dateTime": "2025-07-01T11:00:00", "timeZone": "UTC"}}), tok, &ev)
	e.do("DELETE", "/v1.0/me/events/"+ev["id"].(string), nil, tok, nil)
	got := rc.wait(t, 2)
	if len(got) != 2 || got[0]["changeType"] != "created" || got[1]["changeType"] != "deleted" ||
		got[0]["resource"] != "Users/"+u.ID+"/Events/"+ev["id"].(string) || got[0]["resourceData"].(map[string]any)["@odata.etag"] == nil {
		t.Errorf("event notifications: %v", got)
	}
}
