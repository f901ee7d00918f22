package sandbox

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
)

// TestSeedMessages seeds messages through the control API (more than one
// chunk) and checks that $count grows by exactly that many and that paging
// the inbox returns every message once.
func TestSeedMessages(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	h := e.as(0, "Mail.Read")
	count := func(path string) int {
		t.Helper()
		var n int
		e.must(200, "GET", path, h, nil, &n)
		return n
	}
	before := count("/v1.0/me/mailFolders/inbox/messages/$count")
	n := 5000 // more than one of the mail store's chunks (4096 messages)
	if testing.Short() {
		// Still more than one page of $top=1000; the chunk boundary is crossed under
		// -short by the mail store's TestSeedMessagesJournaled (seedChunk+10 messages).
		n = 1500
	}
	var out map[string]int
	if resp := e.do("POST", "/_sandbox/seed/messages", strings.NewReader(fmt.Sprintf(`{"count":%d}`, n)), nil, &out); resp.StatusCode != 200 || out["seeded"] != n {
		t.Fatalf("seed: %d %v", resp.StatusCode, out)
	}
	if got := count("/v1.0/me/mailFolders/inbox/messages/$count"); got != before+n {
		t.Fatalf("inbox $count after seeding %d: %d, want %d", n, got, before+n)
	}

	all := e.all("/v1.0/me/mailFolders/inbox/messages?$top=1000&$select=subject,receivedDateTime", h)
	seen := map[string]bool{}
	for _, m := range all {
		id := m["id"].(string)
		if seen[id] {
			t.Fatalf("message %s listed twice", id)
		}
		seen[id] = true
	}
	if len(seen) != before+n {
		t.Fatalf("paging the inbox gave %d distinct messages, want %d", len(seen), before+n)
	}
	for i := 1; i < len(all); i++ {
		if all[i]["receivedDateTime"].(string) > all[i-1]["receivedDateTime"].(string) {
			t.Fatalf("messages %d and %d out of order: %v after %v", i-1, i, all[i]["receivedDateTime"], all[i-1]["receivedDateTime"])
		}
	}

	// The content varies enough for $filter and $search to select subsets.
	unread := count("/v1.0/me/mailFolders/inbox/messages/$count?$filter=isRead%20eq%20false")
	if unread < n/4 || unread > n/2 {
		t.Errorf("%d of %d messages unread, want about a third", unread, before+n)
	}
	weekly := count("/v1.0/me/mailFolders/inbox/messages/$count?$filter=startswith(subject,'Weekly')")
	if weekly < n/100 || weekly > n/10 {
		t.Errorf("%d messages with a subject starting Weekly", weekly)
	}

	// A bulk message is about 2 KB as Graph JSON.
	var page msgPage
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox/messages?$top=1&$skip="+fmt.Sprint(before+n/2), h, nil, &page)
	b, _ := json.Marshal(page.Value[0])
	if len(b) < 1500 || len(b) > 3000 {
		t.Errorf("a seeded message is %d bytes of JSON, want about 2 KB: %s", len(b), b)
	}
}

// TestSeedMessagesFolderAndErrors seeds another user's folder by well-known
// name through the Go API, and checks the errors.
func TestSeedMessagesFolderAndErrors(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	u := seedUsers[1]
	if err := e.s.SeedMessages(u.UserPrincipalName, "archive", 30); err != nil {
		t.Fatal(err)
	}
	var n int
	e.must(200, "GET", "/v1.0/me/mailFolders/archive/messages/$count", e.as(1, "Mail.Read"), nil, &n)
	if n != 4+30 {
		t.Errorf("archive of %s has %d messages, want 34", u.UserPrincipalName, n)
	}
	e.must(200, "GET", "/v1.0/me/mailFolders/archive/messages/$count", e.as(0, "Mail.Read"), nil, &n)
	if n != 4 {
		t.Errorf("another user's archive has %d messages, want 4", n)
	}

	if err := e.s.SeedMessages("nobody@example.com", "", 1); !errors.Is(err, ErrUnknownUser) {
		t.Errorf("unknown user: %v", err)
	}
	if err := e.s.SeedMessages("", "nosuchfolder", 1); !errors.Is(err, ErrUnknownFolder) {
		t.Errorf("unknown folder: %v", err)
	}
	for _, body := range []string{`{"count":0}`, `{"count":-3}`, `{"count":20000000}`} {
		if resp := e.do("POST", "/_sandbox/seed/messages", strings.NewReader(body), nil, nil); resp.StatusCode != 400 {
			t.Errorf("seed %s: status %d, want 400", body, resp.StatusCode)
		}
	}
	if resp := e.do("POST", "/_sandbox/seed/messages", strings.NewReader(`{"folder":"nosuchfolder","count":1}`), nil, nil); resp.StatusCode != 404 {
		t.Errorf("seed into an unknown folder: status %d, want 404", resp.StatusCode)
	}
}

// TestSeedMessagesDeterministic checks that the same seeding of two fresh
// sandboxes gives the same messages, in the same order.
func TestSeedMessagesDeterministic(t *testing.T) {
	t.Parallel()
	var lists [2][]string
	for i := range lists {
		e := startMail(t)
		if err := e.s.SeedMessages("", "", 50); err != nil {
			t.Fatal(err)
		}
		for _, m := range e.all("/v1.0/me/messages?$top=100&$select=subject,receivedDateTime,from,isRead", e.as(0, "Mail.Read")) {
			delete(m, "id")
			delete(m, "@odata.etag")
			b, _ := json.Marshal(m)
			lists[i] = append(lists[i], string(b))
		}
	}
	if strings.Join(lists[0], "\n") != strings.Join(lists[1], "\n") {
		t.Errorf("two fresh sandboxes seeded alike differ:\n%s\n----\n%s", lists[0], lists[1])
	}
}
