package broker_test

import (
	"errors"
	"os"
	"path/filepath"
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/vault"
)

// TestOpenInvalidProfile: a profile name that is not valid is refused before any path is
// built (finding 11: --profile .. wrote the vault and key straight into the home folder, and
// ../x used a folder outside profiles/).
func TestOpenInvalidProfile(t *testing.T) {
	home := t.TempDir()
	outside := filepath.Join(home, "x")
	if err := os.Mkdir(outside, 0o700); err != nil {
		t.Fatal(err)
	}
	for _, name := range []string{"..", "../x", ".", "a/b", "A", "-x", "x\x00"} {
		_, err := broker.Open(t.Context(), broker.Options{Home: home, Profile: name,
			Keys: vault.FileKey(filepath.Join(t.TempDir(), vault.KeyFileName))})
		if !errors.Is(err, vault.ErrInvalidProfileName) {
			t.Errorf("Open(profile %q) = %v, want ErrInvalidProfileName", name, err)
		}
	}
	for _, dir := range []string{home, outside} {
		entries, _ := os.ReadDir(dir)
		for _, e := range entries {
			if e.Name() != "x" {
				t.Errorf("Open wrote %s into %s", e.Name(), dir)
			}
		}
	}
}
