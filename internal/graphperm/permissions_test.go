package graphperm

import (
	"bytes"
	"io"
	"os"
	"path/filepath"
	"testing"

	"github.com/authsome-go/authsome/internal/graphperm/permgen"
	"github.com/authsome-go/authsome/internal/graphschema"
)

// TestTableMatchesReference renders the table from
// ../shared/graph-permissions and compares it with the checked-in one: a
// change of the reference without go generate fails here.
func TestTableMatchesReference(t *testing.T) {
	shared, err := graphschema.SharedDir()
	if err != nil {
		t.Fatal(err)
	}
	f, err := os.Open(filepath.Join(shared, "graph-permissions", "permissions.json"))
	if err != nil {
		if os.Getenv("CI") == "true" {
			t.Fatalf("the permissions reference is missing: %v", err)
		}
		t.Skipf("the permissions reference is missing: %v", err)
	}
	defer f.Close()
	ref, err := io.ReadAll(f)
	if err != nil {
		t.Fatal(err)
	}
	for _, o := range permgen.Outputs {
		want, err := o.Render(bytes.NewReader(ref))
		if err != nil {
			t.Fatal(err)
		}
		if got, err := os.ReadFile(o.File); err != nil || !bytes.Equal(got, want) {
			t.Errorf("%s is stale (%v): run go generate ./internal/graphperm", o.File, err)
		}
	}
}

// TestLookup: requests Microsoft lists, and forms of them it does not,
// find the permissions that grant them; a request Graph has not is not
// found.
func TestLookup(t *testing.T) {
	for _, c := range []struct {
		method, path   string
		from           string // the request of the table it is granted as
		delegated, app string // one permission of each kind that grants it ("" none)
		notDelegated   string // one that does not
	}{
		{"GET", "/v1.0/me/messages", "GET /me/messages", "Mail.ReadBasic", "Mail.Read", "Calendars.Read"},
		{"GET", "/v1.0/me/messages/{mid}", "GET /me/messages/{id}", "Mail.ReadWrite", "", "Mail.Send"},
		{"GET", "/v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/$value", "GET /users/{id}/mailfolders/{id}/messages/{id}", "Mail.Read", "Mail.Read", "Contacts.Read"},
		{"PUT", "/v1.0/me/drive/root:/a/b.txt:/content", "PUT /me/drive/items/{id}/content", "Files.ReadWrite", "Files.ReadWrite.All", "Files.Read"},
		{"GET", "/v1.0/drives/{did}/items/X/workbook/worksheets", "", "Files.ReadWrite", "", "Mail.Read"},
		{"POST", "/v1.0/groups/{gid}/members/$ref", "DELETE /groups/{id}/members/{id}", "GroupMember.ReadWrite.All", "GroupMember.ReadWrite.All", "Group.Read.All"},
		{"GET", "/v1.0/planner/tasks/{id}", "GET /planner/tasks/{id}", "Tasks.Read", "Tasks.Read.All", "Mail.Read"},
		{"GET", "/v1.0/me/calendar", "GET /me/calendars", "Calendars.ReadBasic", "Calendars.Read", "Mail.Read"},
	} {
		g, from, ok := Lookup(c.method, c.path)
		if !ok || c.from != "" && from != c.from {
			t.Errorf("%s %s: found %v as %q, want %q", c.method, c.path, ok, from, c.from)
			continue
		}
		if c.delegated != "" && !g.Allows(false, []string{c.delegated}) {
			t.Errorf("%s %s: %s does not grant it: %v", c.method, c.path, c.delegated, g.Delegated)
		}
		if c.app != "" && !g.Allows(true, []string{c.app}) {
			t.Errorf("%s %s: role %s does not grant it: %v", c.method, c.path, c.app, g.Application)
		}
		if g.Allows(false, []string{c.notDelegated}) {
			t.Errorf("%s %s: %s grants it: %v", c.method, c.path, c.notDelegated, g.Delegated)
		}
	}
	if _, _, ok := Lookup("GET", "/v1.0/me/teleporter"); ok {
		t.Error("a request Graph has not is found")
	}
}

// TestImplies: what a permission includes, and what it does not.
func TestImplies(t *testing.T) {
	for _, c := range []struct {
		p, q string
		want bool
	}{
		{"Mail.ReadWrite", "Mail.Read", true}, {"Mail.Read", "Mail.ReadBasic", true},
		{"Files.ReadWrite.All", "Files.Read", true}, {"Sites.FullControl.All", "Sites.ReadWrite.All", true},
		{"mail.read", "Mail.Read", true}, {"Mail.Read", "Mail.ReadWrite", false},
		{"Files.Read", "Files.Read.All", false}, {"Mail.Read", "Mail.Send", false},
	} {
		if got := Implies(c.p, c.q); got != c.want {
			t.Errorf("Implies(%s, %s) = %v", c.p, c.q, got)
		}
	}
}

// TestDelegated: names are found in any case and keep Microsoft's
// spelling; the permissions the sandbox used to refuse are known.
func TestDelegated(t *testing.T) {
	for _, name := range []string{"group.readwrite.all", "Mail.Read", "ChannelMessage.Send", "Sites.Selected"} {
		p, ok := Delegated(name)
		if !ok || p.Text == "" || !bytes.EqualFold([]byte(p.Name), []byte(name)) {
			t.Errorf("%s: %+v %v", name, p, ok)
		}
	}
	if p, _ := Delegated("group.readwrite.all"); p.Name != "Group.ReadWrite.All" || !p.AdminConsent {
		t.Errorf("Group.ReadWrite.All: %+v", p)
	}
	if _, ok := Delegated("Mail.Teleport"); ok {
		t.Error("an unknown permission is found")
	}
}
