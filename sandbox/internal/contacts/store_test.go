package contacts

import (
	"encoding/json"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// write sends a request that changes data and checks its status; then the
// journal, replayed, must give the served state (so a change a handler
// forgot to touch shows at the request that made it).
func write(t *testing.T, env *kittest.Env, method, path, tok string, body any, want int) map[string]any {
	t.Helper()
	rec := env.Do(method, path, tok, body)
	if rec.Code != want {
		t.Fatalf("%s %s: %d, want %d: %s", method, path, rec.Code, want, rec.Body.String())
	}
	var out map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	env.CheckReplay()
	return out
}

// TestStoreContract drives every write route of contacts (folders and
// contacts: create, update, delete, a folder's delete taking its contacts
// along; an app writing another user's contacts) and checks that the
// journal they produce, replayed over the seed or over a snapshot taken
// midway, gives back the served state.
func TestStoreContract(t *testing.T) {
	env := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	seed := directory.Seed()
	adele := kittest.UserToken(seed[0].ID, "Contacts.ReadWrite")
	app := kittest.AppToken("Contacts.ReadWrite")

	folder := write(t, env, "POST", "/v1.0/me/contactFolders", adele, map[string]any{"displayName": "Club"}, 201)["id"].(string)
	inFolder := write(t, env, "POST", "/v1.0/me/contactFolders/"+folder+"/contacts", adele, map[string]any{"givenName": "Pavel",
		"homeAddress": map[string]any{"city": "Brno"}}, 201)["id"].(string)
	write(t, env, "POST", "/v1.0/me/contactFolders/"+folder+"/contacts", adele, map[string]any{"givenName": "Jana"}, 201)
	root := write(t, env, "POST", "/v1.0/me/contacts", adele, map[string]any{"givenName": "Ola",
		"emailAddresses": []any{map[string]any{"address": "ola@fabrikam.com"}}}, 201)["id"].(string)
	env.Mark()

	write(t, env, "PATCH", "/v1.0/me/contacts/"+inFolder, adele, map[string]any{"surname": "Novak", "categories": []string{"Red category"}}, 200)
	write(t, env, "PATCH", "/v1.0/me/contactFolders/"+folder, adele, map[string]any{"displayName": "Chess club"}, 200)
	// Extended properties, merged by id, on a contact and a folder.
	ext := func(id, v string) []any {
		return []any{map[string]any{"id": "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name " + id, "value": v}}
	}
	write(t, env, "PATCH", "/v1.0/me/contacts/"+inFolder, adele, map[string]any{"singleValueExtendedProperties": ext("a", "1")}, 200)
	write(t, env, "PATCH", "/v1.0/me/contacts/"+inFolder, adele, map[string]any{"singleValueExtendedProperties": ext("a", "2"),
		"multiValueExtendedProperties": []any{map[string]any{"id": "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name m", "value": []string{"x"}}}}, 200)
	write(t, env, "PATCH", "/v1.0/me/contactFolders/"+folder, adele, map[string]any{"singleValueExtendedProperties": ext("f", "1")}, 200)
	write(t, env, "POST", "/v1.0/me/contacts", adele, map[string]any{"givenName": "Tagged", "singleValueExtendedProperties": ext("b", "3")}, 201)
	write(t, env, "DELETE", "/v1.0/me/contacts/"+root, adele, nil, 204)
	write(t, env, "DELETE", "/v1.0/me/contactFolders/"+folder, adele, nil, 204)
	// A seeded contact, and an app writing into another user's contacts.
	anna := "/v1.0/users/" + seed[2].ID + "/contacts/" + firstSeeded(t, env, seed[2].ID)
	write(t, env, "PATCH", anna, app, map[string]any{"jobTitle": "Head of Purchasing"}, 200)
	write(t, env, "POST", "/v1.0/users/"+seed[2].ID+"/contactFolders", app, map[string]any{"displayName": "Partners"}, 201)
	write(t, env, "POST", "/v1.0/users/"+seed[2].ID+"/contacts", app, map[string]any{"givenName": "Booked"}, 201)
	write(t, env, "DELETE", anna, app, nil, 204)
}

// firstSeeded is the id of the first contact of user's.
func firstSeeded(t *testing.T, env *kittest.Env, user string) string {
	t.Helper()
	rec := env.Do("GET", "/v1.0/users/"+user+"/contacts?$top=1", kittest.AppToken("Contacts.Read"), nil)
	var out struct {
		Value []struct{ ID string } `json:"value"`
	}
	if rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &out) != nil || len(out.Value) == 0 {
		t.Fatalf("list contacts: %d %s", rec.Code, rec.Body.String())
	}
	return out.Value[0].ID
}
