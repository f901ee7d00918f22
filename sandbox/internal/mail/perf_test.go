package mail

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http/httptest"
	"net/url"
	"runtime"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// seededEnv is a workload whose first user's inbox holds n bulk-seeded messages.
func seededEnv(tb testing.TB, n int) (*kittest.Env, string) {
	e := kittest.New(tb, newWorkload)
	if err := e.W.(*Workload).SeedMessages(context.Background(), directory.AdeleVanceID, "inbox", n); err != nil {
		tb.Fatal(err)
	}
	return e, kittest.UserToken(directory.AdeleVanceID, "Mail.Read")
}

// BenchmarkMessagePage pages an inbox of 10,000 and one of 100,000 messages with $top=100,
// one page an op (the path of bench/sandbox's paging pass, without the network).
func BenchmarkMessagePage(b *testing.B) {
	for _, n := range []int{10_000, 100_000} {
		b.Run(itoa64(int64(n)), func(b *testing.B) { benchmarkMessagePage(b, n) })
	}
}

func benchmarkMessagePage(b *testing.B, n int) {
	e, tok := seededEnv(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		skip := (i * 100) % n
		rec := e.Do("GET", "/v1.0/me/mailFolders/inbox/messages?$top=100&$skip="+itoa64(int64(skip)), tok, nil)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
	b.ReportMetric(float64(b.Elapsed().Nanoseconds())/float64(b.N*100), "ns/msg")
}

// BenchmarkMessagePageSelect is BenchmarkMessagePage with a $select.
func BenchmarkMessagePageSelect(b *testing.B) {
	const n = 10_000
	e, tok := seededEnv(b, n)
	b.ReportAllocs()
	b.ResetTimer()
	for i := 0; b.Loop(); i++ {
		skip := (i * 100) % n
		rec := e.Do("GET", "/v1.0/me/mailFolders/inbox/messages?$select=subject,from,bodyPreview&$top=100&$skip="+itoa64(int64(skip)), tok, nil)
		if rec.Code != 200 {
			b.Fatal(rec.Code, rec.Body)
		}
	}
}

// TestHeapPerMessage checks what the store keeps per bulk-seeded message, as the growth
// of the heap in use (what bench/sandbox reports as heap/msg): at most 1 KiB, so that a
// million messages fit the 1 GiB (skipped with -short).
func TestHeapPerMessage(t *testing.T) {
	if testing.Short() {
		t.Skip("seeds 100,000 messages")
	}
	heap := func() uint64 {
		runtime.GC()
		runtime.GC()
		var ms runtime.MemStats
		runtime.ReadMemStats(&ms)
		return ms.HeapInuse
	}
	e := kittest.New(t, newWorkload)
	// A listing builds the order cache, which the store keeps too.
	tok := kittest.UserToken(directory.AdeleVanceID, "Mail.Read")
	before := heap()
	const n = 100_000
	if err := e.W.(*Workload).SeedMessages(context.Background(), directory.AdeleVanceID, "inbox", n); err != nil {
		t.Fatal(err)
	}
	rec := e.Do("GET", "/v1.0/me/mailFolders/inbox/messages?$top=1", tok, nil)
	var page map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &page)
	if !strings.Contains(rec.Body.String(), "nextLink") {
		t.Fatal(rec.Body)
	}
	after := heap()
	per := (after - before) / n
	t.Logf("heap per message: %d B", per)
	if per > 1024 {
		t.Errorf("the store keeps %d B per message; over 1 KiB, a million messages no longer fit 1 GiB", per)
	}
	runtime.KeepAlive(e)
}

// TestOrderCacheOutlivesOtherMailboxes: mail delivered to another mailbox leaves a mailbox's
// sorted order in place (a 100k inbox is not sorted again because someone else got mail),
// while a change in the mailbox itself is seen by the next listing.
func TestOrderCacheOutlivesOtherMailboxes(t *testing.T) {
	e, tok := seededEnv(t, 50)
	w := e.W.(*Workload)
	inbox := func() []*mailMessage {
		w.mu.Lock()
		defer w.mu.Unlock()
		mb := w.mail.boxes[directory.AdeleVanceID]
		return w.mail.inOrder(mb, mb.wellKnown("inbox").ID)
	}
	before := inbox()
	megan := kittest.UserToken(directory.MeganBowenID, "Mail.Send")
	do(t, e, 202, "POST", "/v1.0/me/sendMail", megan, map[string]any{"message": map[string]any{
		"subject": "Hi Alex", "toRecipients": to("AlexW@" + directory.TenantDomain)}})
	if after := inbox(); &after[0] != &before[0] {
		t.Fatal("mail delivered to another mailbox re-sorted this one's inbox")
	}
	top := do(t, e, 200, "GET", "/v1.0/me/mailFolders/inbox/messages?$top=1&$select=id", tok, nil)["value"].([]any)[0].(map[string]any)["id"].(string)
	do(t, e, 204, "DELETE", "/v1.0/me/messages/"+top, kittest.UserToken(directory.AdeleVanceID, "Mail.ReadWrite"), nil)
	next := do(t, e, 200, "GET", "/v1.0/me/mailFolders/inbox/messages?$top=1&$select=id", tok, nil)["value"].([]any)[0].(map[string]any)["id"].(string)
	if next == top || next != before[1].ID {
		t.Fatalf("after deleting the newest message %s the listing starts with %s, want %s", top, next, before[1].ID)
	}
}

// TestListingEncodesDefaultPropertiesOnce: a listing without $select or $expand, which
// encodes each message straight to Graph's default properties, answers member for member
// and byte for byte what projecting the full rendering gives, for every message of every
// seeded mailbox (attachments, internet headers, unique bodies, drafts) in each body type.
func TestListingEncodesDefaultPropertiesOnce(t *testing.T) {
	e, _ := seededEnv(t, 40)
	w := e.W.(*Workload)
	q, err := odata.Parse(url.Values{}, messageType, messageLimits)
	if err != nil {
		t.Fatal(err)
	}
	for _, bodyType := range []string{"", "text", "html"} {
		for _, immutable := range []bool{false, true} {
			view := msgView{bodyType: bodyType, immutable: immutable}
			var views []messageJSON
			for _, mb := range w.mail.boxes {
				for _, m := range mb.messages("") {
					views = append(views, m.toJSON(view, false))
				}
			}
			page := make([]int, len(views))
			for i := range page {
				page[i] = i
			}
			rec := httptest.NewRecorder()
			r := httptest.NewRequest("GET", "/v1.0/me/messages", nil)
			w.writeMessagePage(rec, r, q, "#users('x')", views, page, len(views))
			var got struct{ Value []json.RawMessage }
			if err := json.Unmarshal(rec.Body.Bytes(), &got); err != nil || len(got.Value) != len(views) {
				t.Fatalf("%v: %d of %d messages: %s", err, len(got.Value), len(views), rec.Body)
			}
			for i, v := range views {
				want, _ := q.Project(rawObject(v), messageType).MarshalJSON()
				if string(got.Value[i]) != string(want) {
					t.Fatalf("view %+v, message %s:\n got %s\nwant %s", view, v.ID, got.Value[i], want)
				}
			}
		}
	}
}

// TestBodyPreviewFollowsBody: previews are kept by body, so a message whose body changes
// shows the new body's preview, and one whose body goes back shows the old one again.
func TestBodyPreviewFollowsBody(t *testing.T) {
	e := kittest.New(t, newWorkload)
	tok := kittest.UserToken(directory.AdeleVanceID, "Mail.ReadWrite")
	id := do(t, e, 201, "POST", "/v1.0/me/messages", tok, map[string]any{"subject": "P",
		"body": map[string]any{"contentType": "html", "content": "<p>first   <b>version</b></p>"}})["id"].(string)
	for _, c := range []struct{ content, want string }{
		{"<p>second</p><p>version &amp; more</p>", "second version & more"},
		{"<p>first   <b>version</b></p>", "first version"},
	} {
		do(t, e, 200, "PATCH", "/v1.0/me/messages/"+id, tok, map[string]any{"body": map[string]any{"contentType": "html", "content": c.content}})
		got := do(t, e, 200, "GET", "/v1.0/me/messages/"+id+"?$select=bodyPreview", tok, nil)["bodyPreview"]
		if got != c.want {
			t.Fatalf("bodyPreview %q after the body became %q, want %q", got, c.content, c.want)
		}
	}
}

// TestPreviewMemoBounded: the preview memo holds at most previewMemoBytes of bodies.
func TestPreviewMemoBounded(t *testing.T) {
	var pm previewMemo
	body := strings.Repeat("x", 64<<10)
	for i := range 1000 {
		b := outlook.ItemBody{ContentType: "text", Content: body + itoa64(int64(i))}
		pm.put(b, "p")
		if p, ok := pm.get(b); !ok || p != "p" {
			t.Fatal("a preview just kept is not found")
		}
		if pm.bytes > previewMemoBytes {
			t.Fatalf("the memo holds %d bytes of bodies, more than %d", pm.bytes, previewMemoBytes)
		}
	}
}

// TestChangeKey: change keys are what they were (base64 of "CQAAABYAAAC" and the sequence
// number in ten digits), made with one allocation.
func TestChangeKey(t *testing.T) {
	for _, seq := range []int64{0, 7, 1234567890, 9_999_999_999, 10_000_000_000, -3} {
		want := base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("CQAAABYAAAC%010d", seq)))
		if got := changeKey(seq); got != want {
			t.Errorf("changeKey(%d) = %s, want %s", seq, got, want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = changeKey(42) }); n > 1 {
		t.Errorf("changeKey allocates %v times, want 1", n)
	}
}

// TestStampEncodesAsTime: a stamp is encoded and decoded as a time.Time in UTC is (saved
// state reads and writes as before), to the nanosecond, and the zero stamp is the zero time.
func TestStampEncodesAsTime(t *testing.T) {
	for _, tm := range []time.Time{{}, time.Date(2026, 1, 15, 9, 0, 0, 123456789, time.UTC), time.Unix(0, 0).UTC(),
		time.Date(1999, 12, 31, 23, 59, 59, 1, time.FixedZone("x", 3600)).UTC()} {
		want, _ := json.Marshal(tm)
		got, err := json.Marshal(stampOf(tm))
		if err != nil || string(got) != string(want) {
			t.Fatalf("stamp of %v encodes as %s (%v), want %s", tm, got, err, want)
		}
		var s stamp
		if err := json.Unmarshal(want, &s); err != nil || !s.Time().Equal(tm) || s != stampOf(tm) {
			t.Fatalf("%s decodes as %v (%v), want %v", want, s.Time(), err, tm)
		}
	}
	if !stamp(0).Time().IsZero() {
		t.Fatal("the zero stamp is not the zero time")
	}
}
