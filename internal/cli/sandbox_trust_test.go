package cli

import (
	"os"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

// TestSandboxTrust: `sandbox trust` makes the CA if the sandbox never ran and prints how to trust
// it; --install runs only the steps that change the user's own store (a stand-in certutil
// records its arguments), never sudo.
func TestSandboxTrust(t *testing.T) {
	if runtime.GOOS != "linux" {
		t.Skip("the stand-in tools are shell scripts")
	}
	home := testEnv(t)
	userHome, bin := t.TempDir(), t.TempDir()
	t.Setenv("HOME", userHome)
	t.Setenv("PATH", bin+string(os.PathListSeparator)+os.Getenv("PATH"))
	record := filepath.Join(bin, "calls")
	for _, tool := range []string{"certutil", "sudo"} {
		script := "#!/bin/sh\necho " + tool + " \"$@\" >> " + record + "\n"
		if err := os.WriteFile(filepath.Join(bin, tool), []byte(script), 0o700); err != nil {
			t.Fatal(err)
		}
	}
	caFile := filepath.Join(home, "sandbox", "ca.pem")

	r := run(t, "", "--home", home, "sandbox", "trust")
	wantCode(t, r, 0)
	for _, want := range []string{caFile, "certutil -d sql:" + userHome + "/.pki/nssdb", "update-ca-certificates"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("the steps lack %q:\n%s", want, r.stdout)
		}
	}
	if _, err := os.Stat(caFile); err != nil {
		t.Fatalf("no CA was made: %v", err)
	}
	if _, err := os.Stat(record); err == nil {
		t.Fatal("printing the steps ran a tool")
	}

	r = run(t, "", "--home", home, "sandbox", "trust", "--install")
	wantCode(t, r, 0)
	calls, _ := os.ReadFile(record)
	if got := strings.TrimSpace(string(calls)); got != "certutil -d sql:"+userHome+"/.pki/nssdb -A -t C,, -n authsome sandbox -i "+caFile {
		t.Errorf("--install ran:\n%s", got)
	}
	if !strings.Contains(r.stdout, "Added the sandbox's CA to the NSS database") || !strings.Contains(r.stdout, "Not run (needs an administrator)") {
		t.Errorf("--install said:\n%s", r.stdout)
	}
}
