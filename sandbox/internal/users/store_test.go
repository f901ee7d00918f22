package users

import (
	"encoding/json"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// TestStoreRoundTrip: the directory's changes recorded by key and applied to
// a fresh directory give the same snapshot; so does Restore of a snapshot.
func TestStoreRoundTrip(t *testing.T) {
	served := New(&graphkit.Kit{Dir: directory.New()})
	nu := directory.User{ID: "9e8d7c6b-0000-4000-8000-000000000001", UserPrincipalName: "NewU@" + directory.TenantDomain, DisplayName: "New User"}
	served.Dir.Put(nu)
	adele := *served.Dir.Find(directory.AdeleVanceID)
	adele.JobTitle = "Head of Retail"
	served.Dir.Put(adele)
	served.Dir.Delete(directory.AlexWilberID)

	var log [][2]json.RawMessage
	keys := []string{"user/" + nu.ID, "user/" + adele.ID, "user/" + directory.AlexWilberID}
	if err := served.Record(keys, func(k string, v json.RawMessage) error {
		log = append(log, [2]json.RawMessage{json.RawMessage(k), v})
		return nil
	}); err != nil {
		t.Fatal(err)
	}
	replayed := New(&graphkit.Kit{Dir: directory.New()})
	for _, rec := range log {
		if err := replayed.Apply(string(rec[0]), rec[1]); err != nil {
			t.Fatal(err)
		}
	}
	want, _ := served.Snapshot()
	if got, _ := replayed.Snapshot(); string(got) != string(want) {
		t.Errorf("replayed directory:\n got %s\nwant %s", got, want)
	}
	restored := New(&graphkit.Kit{Dir: directory.New()})
	if err := restored.Restore(want); err != nil {
		t.Fatal(err)
	}
	if got, _ := restored.Snapshot(); string(got) != string(want) {
		t.Errorf("restored directory:\n got %s\nwant %s", got, want)
	}
	if replayed.Dir.Find(directory.AlexWilberID) != nil || replayed.Dir.Find("NewU@"+directory.TenantDomain) == nil {
		t.Error("the delete or the addition was not replayed")
	}
}
