package main

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"os/exec"
	"path/filepath"
	"runtime"
	"strings"
	"testing"
)

func TestParseTargets(t *testing.T) {
	ts, err := parseTargets(defaultTargets)
	if err != nil || len(ts) != 6 || ts[0] != (target{"linux", "amd64"}) || ts[5] != (target{"windows", "arm64"}) {
		t.Errorf("parseTargets(default) = %v, %v", ts, err)
	}
	for _, bad := range []string{"linux", "linux/", "/amd64", "linux/amd64,"} {
		if _, err := parseTargets(bad); err == nil {
			t.Errorf("parseTargets(%q) succeeded", bad)
		}
	}
}

func TestWriteSums(t *testing.T) {
	dir := t.TempDir()
	b, a := filepath.Join(dir, "b.zip"), filepath.Join(dir, "a.tar.gz")
	os.WriteFile(b, []byte("bbb"), 0o644)
	os.WriteFile(a, []byte("aaa"), 0o644)
	sums := filepath.Join(dir, "SHA256SUMS")
	if err := writeSums(sums, []string{b, a}); err != nil {
		t.Fatal(err)
	}
	h := func(s string) string { x := sha256.Sum256([]byte(s)); return hex.EncodeToString(x[:]) }
	want := h("aaa") + "  a.tar.gz\n" + h("bbb") + "  b.zip\n"
	if got := string(readFile(t, sums)); got != want {
		t.Errorf("SHA256SUMS =\n%s\nwant\n%s", got, want)
	}
}

// TestReleaseBuild builds the release of this host's platform twice, from the work tree, and
// checks the archive, SHA256SUMS, the SBOM, that both builds are byte for byte the same, and
// what the built binary says its version is. It compiles authsome from scratch (-trimpath
// misses the ordinary build cache), so it runs without -short only.
func TestReleaseBuild(t *testing.T) {
	if testing.Short() {
		t.Skip("builds authsome twice; run without -short")
	}
	if _, err := exec.LookPath("git"); err != nil {
		t.Skip("git not found")
	}
	t.Setenv("TMPDIR", t.TempDir()) // the build's staging folder
	host := target{runtime.GOOS, runtime.GOARCH}
	const version = "v0.0.1-test"
	var outs [2]string
	for i := range outs {
		outs[i] = t.TempDir()
		if _, err := build(t.Context(), options{Version: version, Out: outs[i], Targets: []target{host}, AllowDirty: true}); err != nil {
			t.Fatal(err)
		}
	}
	src, err := readSource(t.Context(), true)
	if err != nil {
		t.Fatal(err)
	}

	base := fmt.Sprintf("authsome_%s_%s_%s", version, host.OS, host.Arch)
	archive, bin := base+".tar.gz", "authsome"
	if host.OS == "windows" {
		archive, bin = base+".zip", "authsome.exe"
	}
	for _, name := range []string{archive, base + ".spdx.json", "SHA256SUMS"} {
		if !bytes.Equal(readFile(t, filepath.Join(outs[0], name)), readFile(t, filepath.Join(outs[1], name))) {
			t.Errorf("%s differs between two builds of the same commit", name)
		}
	}

	// The archive.
	entries := map[string]archived{}
	for _, e := range listArchive(t, filepath.Join(outs[0], archive)) {
		entries[strings.TrimPrefix(e.name, base+"/")] = e
	}
	for name, mode := range map[string]os.FileMode{
		bin: 0o755, "LICENSE": 0o644, "README.md": 0o644, "CHANGELOG.md": 0o644,
		"man/man1/authsome.1": 0o644, "man/man1/authsome-login.1": 0o644, "man/man1/authsome-profile-use.1": 0o644,
		"completions/authsome.bash": 0o644, "completions/_authsome": 0o644,
		"completions/authsome.fish": 0o644, "completions/authsome.ps1": 0o644,
	} {
		if e, ok := entries[name]; !ok || e.mode != mode {
			t.Errorf("archive entry %s: present %v, mode %v, want %v", name, ok, e.mode, mode)
		}
	}
	if lic := entries["LICENSE"].content; !strings.HasPrefix(lic, "MIT License") {
		t.Errorf("LICENSE = %.40q", lic)
	}

	// SHA256SUMS names every other file with its hash.
	sums := strings.Split(strings.TrimSuffix(string(readFile(t, filepath.Join(outs[0], "SHA256SUMS"))), "\n"), "\n")
	if len(sums) != 2 {
		t.Errorf("SHA256SUMS has %d lines, want 2: %q", len(sums), sums)
	}
	for _, line := range sums {
		sum, name, ok := strings.Cut(line, "  ")
		h := sha256.Sum256(readFile(t, filepath.Join(outs[0], name)))
		if !ok || sum != hex.EncodeToString(h[:]) {
			t.Errorf("SHA256SUMS line %q does not match %s", line, name)
		}
	}

	// The SBOM lists the main module and its dependencies.
	var doc spdxDocument
	if err := json.Unmarshal(readFile(t, filepath.Join(outs[0], base+".spdx.json")), &doc); err != nil {
		t.Fatal(err)
	}
	purls := map[string]spdxPackage{}
	for _, p := range doc.Packages {
		purls[strings.SplitN(p.ExternalRefs[0].ReferenceLocator, "@", 2)[0]] = p
	}
	if p, ok := purls["pkg:golang/github.com/authsome-go/authsome"]; !ok || p.VersionInfo != version {
		t.Errorf("SBOM main module = %+v, %v", p, ok)
	}
	if p, ok := purls["pkg:golang/github.com/spf13/cobra"]; !ok || len(p.Checksums) != 1 || p.Checksums[0].Algorithm != "SHA256" {
		t.Errorf("SBOM cobra = %+v, %v", p, ok)
	}

	// The binary says what it is.
	exe := filepath.Join(t.TempDir(), bin)
	if err := os.WriteFile(exe, []byte(entries[bin].content), 0o755); err != nil {
		t.Fatal(err)
	}
	out, err := exec.Command(exe, "version", "--json").Output()
	if err != nil {
		t.Fatalf("%s version --json: %v", bin, err)
	}
	var v map[string]any
	if err := json.Unmarshal(out, &v); err != nil {
		t.Fatalf("version --json = %q: %v", out, err)
	}
	if v["version"] != version || v["commit"] != src.Commit || v["date"] != src.Time.Format("2006-01-02T15:04:05Z07:00") {
		t.Errorf("version --json = %v, want version %s, commit %s, date %s", v, version, src.Commit, src.Time)
	}
}
