package users

import (
	"encoding/json"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
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

// TestStoreContract drives every write route of the directory (users
// created, updated, given a manager and a photo, deleted with their
// memberships and reports; groups created, updated, given members and
// owners, nested, deleted) and checks that the journal they produce,
// replayed over the seed or over a snapshot taken midway, gives back the
// served directory.
func TestStoreContract(t *testing.T) {
	env := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	admin := kittest.UserToken(directory.AdeleVanceID, "User.ReadWrite.All", "Group.ReadWrite.All", "User.ReadWrite")
	nu := env.Write("POST", "/v1.0/users", admin, map[string]any{"accountEnabled": true, "displayName": "Lee Gu",
		"mailNickname": "LeeG", "userPrincipalName": "LeeG@" + directory.TenantDomain,
		"passwordProfile": map[string]any{"password": "Sandbox-Lee-9!"}}, 201)["id"].(string)
	env.Mark()
	env.Write("PATCH", "/v1.0/users/"+nu, admin, map[string]any{"jobTitle": "Director", "accountEnabled": false}, 204)
	env.Write("PATCH", "/v1.0/me", admin, map[string]any{"officeLocation": "18/2112"}, 204)
	env.Write("PUT", "/v1.0/users/"+directory.AlexWilberID+"/manager/$ref", admin, map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/users/" + nu}, 204)
	env.Write("DELETE", "/v1.0/users/"+directory.AdeleVanceID+"/manager/$ref", admin, nil, 204)
	env.Write("PUT", "/v1.0/users/"+nu+"/photo/$value", admin, directory.SeedPhoto(1), 200)
	g := env.Write("POST", "/v1.0/groups", admin, map[string]any{"displayName": "Design", "mailNickname": "design",
		"mailEnabled": true, "securityEnabled": false, "groupTypes": []string{"Unified"}}, 201)["id"].(string)
	env.Write("PATCH", "/v1.0/groups/"+g, admin, map[string]any{"description": "Design reviews"}, 204)
	for _, ref := range []string{"members", "owners"} {
		env.Write("POST", "/v1.0/groups/"+g+"/"+ref+"/$ref", admin, map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/directoryObjects/" + nu}, 204)
	}
	env.Write("POST", "/v1.0/groups/"+directory.LeadershipID+"/members/$ref", admin, map[string]any{"@odata.id": "https://graph.microsoft.com/v1.0/groups/" + g}, 204)
	env.Write("DELETE", "/v1.0/groups/"+g+"/owners/"+directory.AdeleVanceID+"/$ref", admin, nil, 204)
	env.Write("DELETE", "/v1.0/users/"+nu, admin, nil, 204) // Alex loses his manager, the group its member and owner
	env.Write("DELETE", "/v1.0/groups/"+g, admin, nil, 204) // Leadership loses its nested group
}
