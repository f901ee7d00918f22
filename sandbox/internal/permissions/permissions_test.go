package permissions

import (
	"bytes"
	"os"
	"path/filepath"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/permissions/permgen"
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
	want, err := permgen.Render(f)
	if err != nil {
		t.Fatal(err)
	}
	if got, err := os.ReadFile(permgen.File); err != nil || !bytes.Equal(got, want) {
		t.Fatalf("%s is stale (%v): run go generate ./sandbox/internal/permissions", permgen.File, err)
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
