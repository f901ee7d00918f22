package graphkit

import (
	"context"
	"encoding/json"
	"net/url"
	"reflect"
	"slices"
	"testing"
)

func TestFeedNumbersChangesAndKeepsTombstones(t *testing.T) {
	f := NewFeed("contacts")
	var heard []Change
	cancel := f.Subscribe(func(c Change) { heard = append(heard, c) })
	ctx, touched := WithChanges(context.Background())
	if s := f.Changed(ctx, "u/a", "c1", Created); s != 1 {
		t.Fatalf("first change at %d, want 1", s)
	}
	f.Next(ctx)
	f.Removed(ctx, "u/a", "c1", map[string]string{"immutableId": "I1"})
	f.Removed(ctx, "u/b", "c2", nil)
	if f.Seq() != 4 {
		t.Fatalf("Seq = %d, want 4", f.Seq())
	}
	if got := f.Since("u/a", 0); len(got) != 1 || got[0].ID != "c1" || got[0].Seq != 3 || got[0].Extra["immutableId"] != "I1" {
		t.Fatalf("Since(u/a, 0) = %+v", got)
	}
	if got := f.Since("u/a", 3); len(got) != 0 {
		t.Fatalf("Since(u/a, 3) = %+v, want none", got)
	}
	want := []Change{{"contacts", "u/a", "c1", Created, 1}, {"contacts", "u/a", "c1", Deleted, 3}, {"contacts", "u/b", "c2", Deleted, 4}}
	if !reflect.DeepEqual(heard, want) {
		t.Fatalf("subscriber heard %+v, want %+v", heard, want)
	}
	if keys := touched()["contacts"]; !slices.Equal(keys, []string{FeedKey, "feed/3", "feed/4"}) {
		t.Fatalf("touched %v", keys)
	}
	cancel()
	f.Changed(ctx, "u/a", "c3", Updated)
	if len(heard) != 3 {
		t.Fatal("a cancelled subscriber still hears changes")
	}
}

// TestFeedJournalReplay: the feed's journal keys, applied over a fresh feed
// (or one restored from State), give the same feed.
func TestFeedJournalReplay(t *testing.T) {
	f := NewFeed("mail")
	f.MaxTombstones = 4
	ctx, touched := WithChanges(context.Background())
	for i := range 7 {
		f.Changed(ctx, "s", "x", Created)
		f.Removed(ctx, "s", string(rune('a'+i)), nil)
	}
	replayed := NewFeed("mail")
	for _, key := range touched()["mail"] {
		v, err := f.Value(key)
		if err != nil {
			t.Fatal(err)
		}
		var raw json.RawMessage
		if v != nil {
			raw, _ = json.Marshal(v)
		}
		if err := replayed.Apply(key, raw); err != nil {
			t.Fatal(err)
		}
	}
	if !reflect.DeepEqual(replayed.State(), f.State()) {
		t.Fatalf("replayed %+v\nwant     %+v", replayed.State(), f.State())
	}
	restored := NewFeed("mail")
	restored.Restore(f.State())
	if !reflect.DeepEqual(restored.State(), f.State()) {
		t.Fatalf("restored %+v, want %+v", restored.State(), f.State())
	}
	if f.Horizon() == 0 || len(f.State().Tombstones) > 4 {
		t.Fatalf("horizon %d with %d tombstones: compaction did not run", f.Horizon(), len(f.State().Tombstones))
	}
}

func TestFeedTokens(t *testing.T) {
	f := NewFeed("contacts")
	ctx := context.Background()
	for range 5 {
		f.Changed(ctx, "s", "x", Updated)
	}
	first, ge := f.ParseToken(url.Values{})
	if ge != nil || !first.Initial() || first.Start != 5 || first.RemovedAfter() != 5 {
		t.Fatalf("first round: %+v %v", first, ge)
	}
	entries := []DeltaEntry{{Seq: 3, ID: "b"}, {Seq: 1, ID: "a"}, {Seq: 3, ID: "a"}}
	page, more := DeltaPage(entries, first, 2)
	if !more || page[0].ID != "a" || page[1].Seq != 3 || page[1].ID != "a" {
		t.Fatalf("page %+v more %v", page, more)
	}
	param, tok := f.DeltaLinks(first, page, more)
	next, ge := f.ParseToken(url.Values{param: {tok}})
	if param != "$skiptoken" || ge != nil || next != (DeltaToken{From: -1, Start: 5, CursorSeq: 3, CursorID: "a"}) {
		t.Fatalf("skip token %s=%s read back as %+v %v", param, tok, next, ge)
	}
	page, more = DeltaPage(entries, next, 2)
	if more || len(page) != 1 || page[0].ID != "b" {
		t.Fatalf("second page %+v more %v", page, more)
	}
	param, tok = f.DeltaLinks(next, page, more)
	d, ge := f.ParseToken(url.Values{param: {tok}})
	if param != "$deltatoken" || ge != nil || d.From != 5 || d.Initial() {
		t.Fatalf("delta token %s=%s read back as %+v %v", param, tok, d, ge)
	}

	// Another store's token, a damaged one, a skip token given as a delta
	// token: 400. One older than the horizon: 410.
	other := NewFeed("contacts")
	_, otherTok := other.DeltaLinks(DeltaToken{}, nil, false)
	for _, q := range []url.Values{{"$deltatoken": {otherTok}}, {"$deltatoken": {"!!"}}, {"$deltatoken": {next.CursorID}}} {
		if _, ge := f.ParseToken(q); ge != ErrSyncState {
			t.Errorf("%v: %v, want ErrSyncState", q, ge)
		}
	}
	_, old := f.DeltaLinks(DeltaToken{}, nil, false) // position 5
	f.Removed(ctx, "s", "gone", nil)
	f.Compact(ctx, f.Seq())
	if _, ge := f.ParseToken(url.Values{"$deltatoken": {old}}); ge != ErrSyncStateExpired || ge.Status != 410 {
		t.Fatalf("token older than the horizon: %v, want 410", ge)
	}
	if _, ge := f.ParseToken(url.Values{}); ge != nil {
		t.Fatalf("a new round after compaction: %v", ge)
	}
}
