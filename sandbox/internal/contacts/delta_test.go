package contacts

import (
	"encoding/json"
	"reflect"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestFeedHearsContactChanges: a subscriber of the feed hears every
// created, changed and deleted contact (what change notifications will
// read), and still does after a Reset.
func TestFeedHearsContactChanges(t *testing.T) {
	env := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	w := env.W.(*Workload)
	var heard []graphkit.Change
	w.mu.Lock()
	w.feed.Subscribe(func(c graphkit.Change) { heard = append(heard, c) })
	w.mu.Unlock()
	adele := kittest.UserToken(directory.Seed()[0].ID, "Contacts.ReadWrite")
	id := write(t, env, "POST", "/v1.0/me/contacts", adele, map[string]any{"givenName": "Ola"}, 201)["id"].(string)
	write(t, env, "PATCH", "/v1.0/me/contacts/"+id, adele, map[string]any{"surname": "Nordmann"}, 200)
	write(t, env, "DELETE", "/v1.0/me/contacts/"+id, adele, nil, 204)
	w.Reset() // not journaled here (the server snapshots after one): no CheckReplay from now on
	rec := env.Do("POST", "/v1.0/me/contacts", adele, map[string]any{"givenName": "Kari"})
	var created struct{ ID string }
	if rec.Code != 201 || json.Unmarshal(rec.Body.Bytes(), &created) != nil {
		t.Fatalf("create after Reset: %d %s", rec.Code, rec.Body)
	}
	id2 := created.ID

	scope := directory.Seed()[0].ID + "/" + w.users[directory.Seed()[0].ID].contactRoot
	var got []graphkit.Change
	for _, c := range heard {
		c.Seq = 0
		got = append(got, c)
	}
	want := []graphkit.Change{{Store: Name, Scope: scope, Key: id, Kind: graphkit.Created}, {Store: Name, Scope: scope, Key: id, Kind: graphkit.Updated},
		{Store: Name, Scope: scope, Key: id, Kind: graphkit.Deleted}, {Store: Name, Scope: scope, Key: id2, Kind: graphkit.Created}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("heard %+v\nwant  %+v", got, want)
	}
}

// TestDeltaTokenPastHorizon: when the feed has dropped the tombstones a
// deltaLink still needs, the link is Graph's 410 SyncStateNotFound; a new
// round works.
func TestDeltaTokenPastHorizon(t *testing.T) {
	env := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	w := env.W.(*Workload)
	w.mu.Lock()
	w.feed.MaxTombstones = 2
	w.mu.Unlock()
	adele := kittest.UserToken(directory.Seed()[0].ID, "Contacts.ReadWrite")
	round := func(link string) (ids []string, deltaLink string) {
		t.Helper()
		for {
			rec := env.Do("GET", link, adele, nil)
			var page struct {
				Value []struct{ ID string }
				Next  string `json:"@odata.nextLink"`
				Delta string `json:"@odata.deltaLink"`
			}
			if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &page) != nil {
				t.Fatalf("GET %s: %d %s", link, rec.Code, rec.Body)
			}
			for _, v := range page.Value {
				ids = append(ids, v.ID)
			}
			if page.Delta != "" {
				return ids, strings.TrimPrefix(page.Delta, "http://example.com")
			}
			link = strings.TrimPrefix(page.Next, "http://example.com")
		}
	}
	all, link := round("/v1.0/me/contacts/delta")
	for _, id := range all[:3] {
		write(t, env, "DELETE", "/v1.0/me/contacts/"+id, adele, nil, 204)
	}
	rec := env.Do("GET", link, adele, nil)
	if rec.Code != 410 || !strings.Contains(rec.Body.String(), `"code":"SyncStateNotFound"`) {
		t.Fatalf("a deltaLink past the horizon: %d %s", rec.Code, rec.Body)
	}
	if again, _ := round("/v1.0/me/contacts/delta"); len(again) != len(all)-3 {
		t.Errorf("a new round: %d contacts, want %d", len(again), len(all)-3)
	}
}
