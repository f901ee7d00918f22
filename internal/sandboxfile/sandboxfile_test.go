package sandboxfile

import (
	"errors"
	"os"
	"path/filepath"
	"reflect"
	"testing"
)

func TestRoundTrip(t *testing.T) {
	path := filepath.Join(t.TempDir(), Name)
	if _, err := Read(path); !errors.Is(err, os.ErrNotExist) {
		t.Fatalf("Read of a missing file = %v, want os.ErrNotExist", err)
	}
	in := Info{URL: "https://127.0.0.1:1", CAFile: "/ca.pem", TenantID: "t", Users: []User{{ID: "1", UserPrincipalName: "a@b", Password: "p"}}, ControlToken: "c"}
	if err := Write(path, in); err != nil {
		t.Fatal(err)
	}
	out, err := Read(path)
	if err != nil || !reflect.DeepEqual(in, out) {
		t.Errorf("Read = %+v, %v; want %+v", out, err, in)
	}
	if err := os.WriteFile(path, []byte("{"), 0o600); err != nil {
		t.Fatal(err)
	}
	if _, err := Read(path); err == nil {
		t.Error("Read of a broken file succeeded")
	}
}
