package mail

import (
	"encoding/json"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// TestOlderStateIntoFeed: a snapshot and a journal written before the feed
// (the sequence and epoch at the top, tombstones per mailbox, journal keys
// "seq" and "tomb/<user>/<seq>") are read into the feed: the same state.
func TestOlderStateIntoFeed(t *testing.T) {
	t.Parallel()
	e := kittest.New(t, newWorkload)
	adele := kittest.UserToken(directory.AdeleVanceID, "Mail.ReadWrite")
	do(t, e, 204, "DELETE", "/v1.0/me/messages/"+ids.Stable(directory.AdeleVanceID, "message", "0"), adele, nil)
	do(t, e, 201, "POST", "/v1.0/me/messages/"+ids.Stable(directory.AdeleVanceID, "message", "1")+"/move", adele, map[string]any{"destinationId": "archive"})
	want, err := e.W.Snapshot()
	if err != nil {
		t.Fatal(err)
	}

	// The same state as the format before the feed wrote it.
	var cur struct {
		Feed  graphkit.FeedState         `json:"feed"`
		Boxes map[string]json.RawMessage `json:"boxes"`
	}
	if err := json.Unmarshal(want, &cur); err != nil {
		t.Fatal(err)
	}
	old := map[string]any{"seq": cur.Feed.Seq, "epoch": cur.Feed.Epoch}
	boxes := map[string]map[string]any{}
	for id, raw := range cur.Boxes {
		var b map[string]any
		_ = json.Unmarshal(raw, &b)
		boxes[id] = b
	}
	var journal []kittest.Record
	for _, tb := range cur.Feed.Tombstones {
		owner, folder, _ := strings.Cut(tb.Scope, "/")
		legacy := tombstone{ID: tb.ID, ImmutableID: tb.Extra[immutableIDField], FolderID: folder, Seq: tb.Seq}
		list, _ := boxes[owner]["tombstones"].([]any)
		boxes[owner]["tombstones"] = append(list, legacy)
		v, _ := json.Marshal(legacy)
		journal = append(journal, kittest.Record{Store: Name, Key: "tomb/" + owner + "/" + itoa64(tb.Seq), Value: v})
	}
	if len(journal) != 2 {
		t.Fatalf("%d tombstones, want 2", len(journal))
	}
	old["boxes"] = boxes
	data, _ := json.Marshal(old)
	w := New(e.Kit)
	if err := w.Restore(data); err != nil {
		t.Fatal(err)
	}
	if got, _ := w.Snapshot(); string(got) != string(want) {
		t.Errorf("an older snapshot restored:\n got %s\nwant %s", got, want)
	}

	// The older journal over the seed.
	w = New(e.Kit)
	head, _ := json.Marshal(seqState{cur.Feed.Seq, cur.Feed.Epoch})
	for _, r := range append([]kittest.Record{{Store: Name, Key: seqKey, Value: head}}, journal...) {
		if err := w.Apply(r.Key, r.Value); err != nil {
			t.Fatal(err)
		}
	}
	if st := w.mail.feed.State(); st.Seq != cur.Feed.Seq || st.Epoch != cur.Feed.Epoch || len(st.Tombstones) != 2 ||
		st.Tombstones[1].Scope != cur.Feed.Tombstones[1].Scope || st.Tombstones[1].Extra[immutableIDField] == "" {
		t.Errorf("an older journal replayed: %+v, want %+v", st, cur.Feed)
	}
}
