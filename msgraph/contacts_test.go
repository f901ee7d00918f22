package msgraph

import (
	"io"
	"net/http"
	"testing"
)

func TestContacts(t *testing.T) {
	c, mux, _ := setup(t)
	var patch string
	mux.HandleFunc("GET /v1.0/me/contactFolders/{f}/contacts", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("f") != "AQMk=/x" || r.URL.Query().Get("$filter") != "emailAddresses/any(a:a/address eq 'alex@contoso.com')" {
			t.Errorf("list %s %v", r.URL.EscapedPath(), r.URL.Query())
		}
		io.WriteString(w, `{"value":[{"id":"c1","displayName":"Alex","emailAddresses":[{"name":"Alex","address":"alex@contoso.com"}],"birthday":"1990-05-01T11:59:00Z"}]}`)
	})
	mux.HandleFunc("PATCH /v1.0/users/adele@contoso.com/contacts/c1", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		patch = string(b)
		io.WriteString(w, `{"id":"c1"}`)
	})
	ctx := t.Context()
	got, _, err := c.Contacts.ListContacts(ctx, "me", "AQMk=/x", &ListOptions{Filter: "emailAddresses/any(a:a/address eq 'alex@contoso.com')"})
	if err != nil || len(got) != 1 || got[0].EmailAddresses[0].Address != "alex@contoso.com" || got[0].Birthday.Year() != 1990 {
		t.Fatalf("ListContacts: %+v %v", got, err)
	}
	if _, _, err := c.Contacts.UpdateContact(ctx, "adele@contoso.com", "c1", &ContactUpdate{MobilePhone: Ptr(""), HomePhones: []string{}}); err != nil {
		t.Fatal(err)
	}
	if patch != `{"homePhones":[],"mobilePhone":""}`+"\n" && patch != `{"mobilePhone":"","homePhones":[]}`+"\n" {
		t.Errorf("PATCH body %s: an empty phone and an empty list must be sent to clear them", patch)
	}
}
