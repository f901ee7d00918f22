package sandbox

import (
	"strings"
	"testing"
)

func contactNames(t *testing.T, list map[string]any) string {
	t.Helper()
	var out []string
	for _, c := range values(t, list) {
		out = append(out, c["displayName"].(string))
	}
	return strings.Join(out, ", ")
}

func TestContactsQueries(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Contacts.Read")
	app := e.appToken()
	for _, tc := range []struct {
		name, token, path, want string
	}{
		{"by e-mail address", tok, "/v1.0/me/contacts?$filter=emailAddresses/any(a:a/address%20eq%20%27anna.kowalski@fabrikam.com%27)", "Anna Kowalski"},
		{"by initial", tok, "/v1.0/me/contacts?$filter=startswith(displayName,%27A%27)&$orderby=displayName", "Alex Wilber, Anna Kowalski"},
		{"colleagues", tok, "/v1.0/me/contacts?$filter=companyName%20eq%20%27Contoso%20(sandbox)%27&$orderby=surname%20desc&$select=displayName", "Nestor Wilke, Alex Wilber, Patti Fernandez, Megan Bowen"},
		{"the Suppliers folder", tok, "/v1.0/me/contactFolders/{folder}/contacts?$orderby=givenName", "Kira Patel, Liam O'Brien, Maya Cohen, Noah Fischer, Olivia Dubois"},
		{"another user's, app-only", app, "/v1.0/users/" + MeganBowenID + "/contacts?$filter=startswith(givenName,%27Ad%27)", "Adele Vance"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			path := strings.NewReplacer(calendarFill(e)...).Replace(tc.path)
			st, out, _ := e.call("GET", path, tc.token, nil, nil)
			if st != 200 || contactNames(t, out) != tc.want {
				t.Errorf("%d %s, want %s (%v)", st, contactNames(t, out), tc.want, out)
			}
		})
	}
	st, page, _ := e.call("GET", "/v1.0/me/contacts?$top=5&$count=true", tok, nil, nil)
	if st != 200 || len(values(t, page)) != 5 || page["@odata.count"] != float64(13) || !strings.Contains(page["@odata.nextLink"].(string), "$skip=5") {
		t.Errorf("first page: %d count %v next %v", st, page["@odata.count"], page["@odata.nextLink"])
	}
	if st, out, _ := e.call("GET", "/v1.0/users/"+MeganBowenID+"/contacts", tok, nil, nil); st != 403 || errCode(out) != "ErrorAccessDenied" {
		t.Errorf("another user's contacts, delegated: %d %v", st, out)
	}
}

func TestContactsWrites(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	tok := e.calToken(adele(), "Contacts.ReadWrite")
	st, c, _ := e.call("POST", "/v1.0/me/contacts", tok, map[string]any{
		"givenName": "Pavel", "surname": "Bansky", "emailAddresses": []any{map[string]any{"address": "pavelb@fabrikam.com", "name": "Pavel Bansky"}},
		"businessPhones": []string{"+1 732 555 0102"}, "birthday": "1974-07-22T00:00:00Z",
	}, nil)
	if st != 201 || c["displayName"] != "Pavel Bansky" || c["parentFolderId"] == nil || c["mobilePhone"] != nil || c["homeAddress"] == nil {
		t.Fatalf("create: %d %v", st, c)
	}
	id := c["id"].(string)
	st, c, _ = e.call("PATCH", "/v1.0/me/contacts/"+id, tok, map[string]any{"jobTitle": "Buyer", "homeAddress": map[string]any{"city": "Redmond"}}, nil)
	if st != 200 || c["jobTitle"] != "Buyer" || field(c, "homeAddress", "city") != "Redmond" || c["givenName"] != "Pavel" {
		t.Fatalf("patch: %d %v", st, c)
	}
	for _, tc := range []struct {
		name, method, path string
		body               any
		status             int
		code               string
	}{
		{"unknown property", "PATCH", "/v1.0/me/contacts/" + id, map[string]any{"nick": "P"}, 400, "RequestBodyRead"},
		{"wrong type", "PATCH", "/v1.0/me/contacts/" + id, map[string]any{"businessPhones": "555"}, 400, "RequestBodyRead"},
		{"address without a field we know", "PATCH", "/v1.0/me/contacts/" + id, map[string]any{"homeAddress": map[string]any{"planet": "Mars"}}, 400, "RequestBodyRead"},
		{"read-only token", "POST", "/v1.0/me/contacts", map[string]any{"givenName": "X"}, 403, "ErrorAccessDenied"},
		{"folder", "POST", "/v1.0/me/contactFolders", map[string]any{"displayName": "Family"}, 201, ""},
		{"folder twice", "POST", "/v1.0/me/contactFolders", map[string]any{"displayName": "family"}, 409, "ErrorFolderExists"},
		{"folder without a name", "POST", "/v1.0/me/contactFolders", map[string]any{}, 400, "ErrorInvalidRequest"},
		{"delete the default folder", "DELETE", "/v1.0/me/contactFolders/contacts", nil, 400, "ErrorDeleteDistinguishedFolder"},
		{"delete", "DELETE", "/v1.0/me/contacts/" + id, nil, 204, ""},
		{"deleted", "GET", "/v1.0/me/contacts/" + id, nil, 404, "ErrorItemNotFound"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			tk := tok
			if tc.name == "read-only token" {
				tk = e.calToken(adele(), "Contacts.Read")
			}
			st, out, _ := e.call(tc.method, tc.path, tk, tc.body, nil)
			if st != tc.status || errCode(out) != tc.code {
				t.Errorf("%d %v, want %d %s", st, out, tc.status, tc.code)
			}
		})
	}
	// A contact in a new folder; deleting the folder deletes it.
	_, folders, _ := e.call("GET", "/v1.0/me/contactFolders?$filter=displayName%20eq%20%27Family%27", tok, nil, nil)
	fid := values(t, folders)[0]["id"].(string)
	if st, c, _ := e.call("POST", "/v1.0/me/contactFolders/"+fid+"/contacts", tok, map[string]any{"givenName": "Grandma"}, nil); st != 201 || c["parentFolderId"] != fid {
		t.Fatalf("contact in folder: %d %v", st, c)
	}
	if st, _, _ := e.call("DELETE", "/v1.0/me/contactFolders/"+fid, tok, nil, nil); st != 204 {
		t.Fatalf("delete folder: %d", st)
	}
	if _, all, _ := e.call("GET", "/v1.0/me/contacts?$filter=givenName%20eq%20%27Grandma%27", tok, nil, nil); len(values(t, all)) != 0 {
		t.Errorf("contact of a deleted folder is still there")
	}
	if st, out, _ := e.call("GET", "/v1.0/me/contactFolders/"+fid+"/contacts", tok, nil, nil); st != 404 {
		t.Errorf("contacts of a deleted folder: %d %v", st, out)
	}
}
