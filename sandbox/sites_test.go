package sandbox

import (
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/testkey"
)

// newSitesClient is a drive client (Adele's token) with SharePoint's scopes.
func newSitesClient(t *testing.T, e *env) *driveClient {
	u := adele()
	return &driveClient{t: t, e: e, tok: "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "User.Read Sites.Manage.All Sites.ReadWrite.All Files.ReadWrite")}
}

// teamSite is the Product Team site's address below /v1.0.
const teamSite = "/v1.0/sites/" + SharePointHost + ":/sites/product:"

// downloadAt fetches the bytes of the item at path (any drive's) through
// its pre-authenticated URL.
func (d *driveClient) downloadAt(path string) []byte {
	d.t.Helper()
	link := d.call("GET", path, nil, 200)["@microsoft.graph.downloadUrl"].(string)
	resp, err := d.e.c.Get(link)
	if err != nil {
		d.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	return data
}

// TestSitesSeed: the Product Team site has its group's members, a library
// with files and folders, and the Project tracker list with its items; a
// user outside the group reaches neither.
func TestSitesSeed(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newSitesClient(t, e)
	if got := itemNames(d.call("GET", "/v1.0/groups/"+ProductTeamGroupID+"/drive/root/children", nil, 200)); strings.Join(got, "|") != "Launch|Specs|Team charter.md" {
		t.Errorf("the team library's root: %v", got)
	}
	if got := string(d.downloadAt(teamSite + "/drive/root:/Launch/Timeline.csv:")); !strings.HasPrefix(got, "Milestone,Date,Owner\n") {
		t.Errorf("Timeline.csv: %q", got)
	}
	items := d.call("GET", teamSite+"/lists/Project%20tracker/items?expand=fields", nil, 200)["value"].([]any)
	if len(items) != 5 || field(items[0].(map[string]any), "fields", "Status") != "Done" {
		t.Errorf("the tracker's items: %v", items)
	}
	var nestor User
	for _, u := range Users() {
		if u.ID == NestorWilkeID {
			nestor = u
		}
	}
	outsider := map[string]string{"Authorization": "Bearer " + e.userToken(nestor.UserPrincipalName, nestor.Password, "Sites.Read.All Files.Read")}
	for _, p := range []string{teamSite + "/lists", teamSite + "/drive/root/children", "/v1.0/groups/" + ProductTeamGroupID + "/drive"} {
		if resp := e.do("GET", p, nil, outsider, nil); resp.StatusCode != http.StatusForbidden {
			t.Errorf("GET %s by a user outside the group: %d, want 403", p, resp.StatusCode)
		}
	}
	if resp := e.do("GET", "/v1.0/sites/root/drive/root/children", nil, outsider, nil); resp.StatusCode != 200 {
		t.Errorf("the root site's library for every user: %d", resp.StatusCode)
	}
}

// TestSitesStateSurvivesRestart: lists, items, field changes and files in
// site libraries (a seeded one and one made as a list) are back after a
// restart, from the snapshot Close writes and from the journal alone (a
// copy of the state folder taken while the sandbox ran).
func TestSitesStateSurvivesRestart(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	s1, d := onState(t, state)
	risks := d.call("POST", teamSite+"/lists", map[string]any{"displayName": "Risks", "columns": []any{map[string]any{"name": "Impact", "number": map[string]any{}}}}, 201)["id"].(string)
	d.call("POST", teamSite+"/lists/"+risks+"/items", map[string]any{"fields": map[string]any{"Title": "Supplier late", "Impact": 3}}, 201)
	d.call("PATCH", teamSite+"/lists/Project%20tracker/items/2/fields", map[string]any{"Status": "Done"}, 200)
	d.call("DELETE", teamSite+"/lists/Project%20tracker/items/5", nil, 204)
	d.call("PUT", teamSite+"/drive/root:/Specs/Review.txt:/content", []byte("reviewed"), 201)
	designs := d.call("POST", teamSite+"/lists", map[string]any{"displayName": "Designs", "list": map[string]any{"template": "documentLibrary"}}, 201)["id"].(string)
	d.call("PUT", teamSite+"/lists/"+designs+"/drive/root:/home.txt:/content", []byte("home"), 201)
	journalOnly := filepath.Join(dir, "journal-only")
	if err := os.CopyFS(journalOnly, os.DirFS(state)); err != nil {
		t.Fatal(err)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	for _, folder := range []string{state, journalOnly} {
		s2, d2 := onState(t, folder)
		items := d2.call("GET", teamSite+"/lists/Risks/items?expand=fields", nil, 200)["value"].([]any)
		if len(items) != 1 || field(items[0].(map[string]any), "fields", "Impact") != 3.0 {
			t.Errorf("%s: the Risks items %v", folder, items)
		}
		if st := d2.call("GET", teamSite+"/lists/Project%20tracker/items/2/fields", nil, 200)["Status"]; st != "Done" {
			t.Errorf("%s: item 2's Status %v, want Done", folder, st)
		}
		d2.call("GET", teamSite+"/lists/Project%20tracker/items/5", nil, 404)
		if got := string(d2.downloadAt(teamSite + "/drive/root:/Specs/Review.txt:")); got != "reviewed" {
			t.Errorf("%s: Review.txt %q", folder, got)
		}
		if got := string(d2.downloadAt(teamSite + "/lists/Designs/drive/root:/home.txt:")); got != "home" {
			t.Errorf("%s: the new library's home.txt %q", folder, got)
		}
		_ = s2.Close()
	}
}

// onState starts a sandbox on the state folder and returns it with a sites
// client.
func onState(t *testing.T, folder string) (*Server, *driveClient) {
	t.Helper()
	s, err := New(Options{PlainHTTP: true, StateDir: folder, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	return s, newSitesClient(t, &env{t: t, s: s, clock: newClock(), c: s.Client(), base: s.URL()})
}

// TestSitesPathAddresses: a site's path address with a tail reaches every
// route below the site, the drive's path addresses included, and keeps the
// case of a file's name.
func TestSitesPathAddresses(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newSitesClient(t, e)
	d.call("PUT", teamSite+"/drive/root:/Contacts/Lists.txt:/content", []byte("x"), 201)
	got := d.call("GET", "/v1.0/sites/"+SharePointHost+":/sites/product:/drive/root:/Contacts:/children", nil, 200)
	if names := itemNames(got); len(names) != 1 || names[0] != "Lists.txt" {
		t.Errorf("children by a path address: %v", names)
	}
	q := url.Values{"search": {"team"}}
	if sites := d.call("GET", "/v1.0/sites?"+q.Encode(), nil, 200)["value"].([]any); len(sites) != 1 {
		t.Errorf("search=team: %v", sites)
	}
}
