package mail

import (
	"bytes"
	"context"
	"encoding/json"
	"reflect"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"net/http/httptest"
	"net/url"
)

func newWorkload(k *graphkit.Kit) graphkit.Workload { return New(k) }

// do sends a request and fails the test unless the answer has status want;
// it returns the decoded JSON answer (nil for none).
func do(t *testing.T, e *kittest.Env, want int, method, path, tok string, body any) map[string]any {
	t.Helper()
	rec := e.Do(method, path, tok, body)
	if rec.Code != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, rec.Code, want, rec.Body)
	}
	var out map[string]any
	if rec.Body.Len() > 0 {
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
	}
	return out
}

func to(addrs ...string) []any {
	var out []any
	for _, a := range addrs {
		out = append(out, map[string]any{"emailAddress": map[string]any{"address": a}})
	}
	return out
}

// TestStoreContract writes through every mutating mail route, including mail
// delivered to other users' inboxes, and checks that the journal those writes
// produce, replayed over the seed and over a snapshot taken midway, gives the
// served state: messages, folders, delta tombstones, the change sequence and
// the epoch (so ids, change keys and delta tokens answer as before a crash).
func TestStoreContract(t *testing.T) {
	t.Parallel()
	e := kittest.New(t, newWorkload)
	adele := kittest.UserToken(directory.AdeleVanceID, "Mail.ReadWrite", "Mail.Send")
	megan := kittest.UserToken(directory.MeganBowenID, "Mail.ReadWrite", "Mail.Send")
	const meganMail, alexMail = "MeganB@" + directory.TenantDomain, "AlexW@" + directory.TenantDomain
	seedMsg := func(n string) string { return ids.Stable(directory.AdeleVanceID, "message", n) }
	png := []byte("\x89PNG\r\n\x1a\n")

	// Before the snapshot: messages and folders that later writes change.
	d := do(t, e, 201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Plan", "toRecipients": to(meganMail)})
	draft := d["id"].(string)
	do(t, e, 200, "PATCH", "/v1.0/me/messages/"+draft, adele, map[string]any{"subject": "Plan v2", "importance": "high"})
	do(t, e, 201, "POST", "/v1.0/me/messages/"+draft+"/attachments", adele, map[string]any{
		"@odata.type": "#microsoft.graph.fileAttachment", "name": "dot.png", "contentType": "image/png", "contentBytes": png})
	kept := do(t, e, 201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Kept draft"})["id"].(string)
	a := do(t, e, 201, "POST", "/v1.0/me/messages/"+kept+"/attachments", adele, map[string]any{
		"@odata.type": "#microsoft.graph.fileAttachment", "name": "one.png", "contentType": "image/png", "contentBytes": png})
	work := do(t, e, 201, "POST", "/v1.0/me/mailFolders", adele, map[string]any{"displayName": "Work"})["id"].(string)
	old := do(t, e, 201, "POST", "/v1.0/me/mailFolders", adele, map[string]any{"displayName": "Old name"})["id"].(string)
	sub := do(t, e, 201, "POST", "/v1.0/me/mailFolders/"+work+"/childFolders", adele, map[string]any{"displayName": "Sub"})["id"].(string)
	do(t, e, 201, "POST", "/v1.0/me/mailFolders/"+sub+"/messages", adele, map[string]any{"subject": "Filed"})
	keep := do(t, e, 201, "POST", "/v1.0/me/mailFolders", adele, map[string]any{"displayName": "Keep"})["id"].(string)
	const color, tags = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color", "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Tags"
	ext := do(t, e, 201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Extended",
		"singleValueExtendedProperties": []any{map[string]any{"id": color, "value": "green"}}})

	e.Mark()

	// After it, each write changes something that is still there at the
	// end, so that a write its journal misses shows in the replay.
	do(t, e, 200, "PATCH", "/v1.0/me/messages/"+seedMsg("7"), adele, map[string]any{"flag": map[string]any{"flagStatus": "flagged"}})
	do(t, e, 201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "New draft"})
	do(t, e, 201, "POST", "/v1.0/me/mailFolders/inbox/childFolders", adele, map[string]any{"displayName": "New"})
	do(t, e, 200, "PATCH", "/v1.0/me/mailFolders/"+old, adele, map[string]any{"displayName": "New name"})
	// Extended properties merge by id.
	do(t, e, 200, "PATCH", "/v1.0/me/messages/"+ext["id"].(string), adele, map[string]any{
		"singleValueExtendedProperties": []any{map[string]any{"id": color, "value": "blue"}},
		"multiValueExtendedProperties":  []any{map[string]any{"id": tags, "value": []any{"a", "b"}}}})
	do(t, e, 200, "PATCH", "/v1.0/me/mailFolders/"+keep, adele, map[string]any{
		"singleValueExtendedProperties": []any{map[string]any{"id": color, "value": "red"}}})
	do(t, e, 201, "POST", "/v1.0/me/messages/"+kept+"/attachments", adele, map[string]any{
		"@odata.type": "#microsoft.graph.fileAttachment", "name": "two.png", "contentType": "image/png", "contentBytes": png})
	do(t, e, 204, "DELETE", "/v1.0/me/messages/"+kept+"/attachments/"+a["id"].(string), adele, nil)
	// Copy and move messages (a move gives a new id and leaves a tombstone).
	do(t, e, 201, "POST", "/v1.0/me/messages/"+seedMsg("1")+"/copy", adele, map[string]any{"destinationId": keep})
	do(t, e, 201, "POST", "/v1.0/me/messages/"+seedMsg("2")+"/move", adele, map[string]any{"destinationId": keep})
	do(t, e, 204, "DELETE", "/v1.0/me/messages/"+seedMsg("6"), adele, nil)
	// Folders: move, copy, delete (with their messages).
	do(t, e, 201, "POST", "/v1.0/me/mailFolders/"+sub+"/move", adele, map[string]any{"destinationId": "archive"})
	do(t, e, 201, "POST", "/v1.0/me/mailFolders/"+sub+"/copy", adele, map[string]any{"destinationId": keep})
	do(t, e, 204, "DELETE", "/v1.0/me/mailFolders/"+work, adele, nil)
	// Sending: a draft, sendMail, the reply and forward actions; each
	// delivers to other users' inboxes.
	do(t, e, 202, "POST", "/v1.0/me/messages/"+draft+"/send", adele, nil)
	do(t, e, 202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{"subject": "Lunch",
		"toRecipients": to(meganMail), "ccRecipients": to(alexMail, "someone@example.com")}})
	do(t, e, 202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"saveToSentItems": false,
		"message": map[string]any{"subject": "Unsaved", "toRecipients": to(alexMail)}})
	for _, act := range []string{"createReply", "createReplyAll", "createForward"} {
		do(t, e, 201, "POST", "/v1.0/me/messages/"+seedMsg("3")+"/"+act, adele, map[string]any{"comment": act})
	}
	do(t, e, 202, "POST", "/v1.0/me/messages/"+seedMsg("3")+"/reply", adele, map[string]any{"comment": "Thanks"})
	do(t, e, 202, "POST", "/v1.0/me/messages/"+seedMsg("4")+"/replyAll", adele, map[string]any{"comment": "All"})
	do(t, e, 202, "POST", "/v1.0/me/messages/"+seedMsg("5")+"/forward", adele, map[string]any{"comment": "FYI", "toRecipients": to(meganMail)})
	// Megan acts on what she received.
	inbox := do(t, e, 200, "GET", "/v1.0/me/mailFolders/inbox/messages?$top=1", megan, nil)
	got := inbox["value"].([]any)[0].(map[string]any)["id"].(string)
	do(t, e, 200, "PATCH", "/v1.0/me/messages/"+got, megan, map[string]any{"isRead": true})
	do(t, e, 202, "POST", "/v1.0/me/messages/"+got+"/reply", megan, map[string]any{"comment": "Yes"})

	e.CheckReplay()
}

// TestSeedMessagesJournaled: bulk-seeded messages are touched on the context
// they are seeded with, so a journal keeps them too.
func TestSeedMessagesJournaled(t *testing.T) {
	t.Parallel()
	k := &graphkit.Kit{Now: kittest.New(t, newWorkload).Kit.Now, Dir: directory.New()}
	w := New(k)
	ctx, touched := graphkit.WithChanges(context.Background())
	if err := w.SeedMessages(ctx, directory.AlexWilberID, "archive", seedChunk+10); err != nil {
		t.Fatal(err)
	}
	replay := New(k)
	for store, keys := range touched() {
		if store != Name {
			t.Fatalf("touched store %q", store)
		}
		err := w.Record(keys, func(key string, v json.RawMessage) error { return replay.Apply(key, v) })
		if err != nil {
			t.Fatal(err)
		}
	}
	want, _ := w.Snapshot()
	got, _ := replay.Snapshot()
	if bytes.Equal(want, got) && json.Valid(want) {
		return // the same state; decoding is for snapshots whose bytes differ
	}
	var a, b any
	_ = json.Unmarshal(want, &a)
	_ = json.Unmarshal(got, &b)
	if !reflect.DeepEqual(a, b) {
		t.Error("the journal of a bulk seed does not give the seeded mailbox back")
	}
}

// TestMessageStructConformance judges the message struct by Graph's schema,
// so that a field no request fills is judged too.
func TestMessageStructConformance(t *testing.T) {
	t.Parallel()
	for _, p := range graphschema.ForTest(t).CheckStruct("message", reflect.TypeFor[messageJSON]()) {
		t.Errorf("message: %s", p)
	}
}

// TestDeltaAfterReplay: a delta token taken before some writes gives the same
// answer from a workload rebuilt from the journal of those writes as from the
// one that served them (same epoch, positions and tombstones).
func TestDeltaAfterReplay(t *testing.T) {
	t.Parallel()
	e := kittest.New(t, newWorkload)
	adele := kittest.UserToken(directory.AdeleVanceID, "Mail.ReadWrite", "Mail.Send")
	path := func(link string) string {
		u, err := url.Parse(link)
		if err != nil {
			t.Fatal(err)
		}
		return u.RequestURI()
	}
	link := "/v1.0/me/mailFolders/inbox/messages/delta"
	for {
		p := do(t, e, 200, "GET", link, adele, nil)
		if next, ok := p["@odata.nextLink"].(string); ok {
			link = path(next)
			continue
		}
		link = path(p["@odata.deltaLink"].(string))
		break
	}
	do(t, e, 202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{"subject": "To myself",
		"toRecipients": to("AdeleV@" + directory.TenantDomain)}})
	do(t, e, 204, "DELETE", "/v1.0/me/messages/"+ids.Stable(directory.AdeleVanceID, "message", "0"), adele, nil)
	do(t, e, 201, "POST", "/v1.0/me/messages/"+ids.Stable(directory.AdeleVanceID, "message", "1")+"/move", adele, map[string]any{"destinationId": "archive"})
	do(t, e, 200, "PATCH", "/v1.0/me/messages/"+ids.Stable(directory.AdeleVanceID, "message", "2"), adele, map[string]any{"isRead": true})

	served := e.Do("GET", link, adele, nil)
	replayed := New(e.Kit)
	for _, r := range e.Log {
		if err := replayed.Apply(r.Key, r.Value); err != nil {
			t.Fatal(err)
		}
	}
	mux := graphkit.NewMux()
	replayed.Routes(mux)
	req := httptest.NewRequest("GET", link, nil)
	req.Header.Set("Authorization", "Bearer "+adele)
	again := httptest.NewRecorder()
	mux.ServeHTTP(again, req)
	if served.Code != 200 || again.Code != 200 || served.Body.String() != again.Body.String() {
		t.Errorf("delta after replay:\n got %d %s\nwant %d %s", again.Code, again.Body, served.Code, served.Body)
	}
	var page struct{ Value []map[string]any }
	_ = json.Unmarshal(served.Body.Bytes(), &page)
	if len(page.Value) != 4 {
		t.Errorf("the delta round reports %d changes, want 4 (new, deleted, moved out, read): %s", len(page.Value), served.Body)
	}
}
