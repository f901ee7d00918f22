package e2e

import (
	"bytes"
	"encoding/json"
	"fmt"
	"math/rand/v2"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// vaultPath is the default profile's vault file.
func (e *env) vaultPath() string { return filepath.Join(e.home, "profiles", "default", "vault.json") }

// connections lists "provider/connection" of the default profile (list --json), failing the
// test when the vault does not open.
func (e *env) connections(t *testing.T) map[string]bool {
	t.Helper()
	type providerOut struct {
		Name        string
		Connections []struct {
			Connection string `json:"connection_name"`
		}
	}
	var out struct{ Bundled, Custom []providerOut }
	r := e.ok("list", "--json")
	if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
		t.Fatalf("list --json: %v\n%s", err, r.stdout)
	}
	got := map[string]bool{}
	for _, p := range append(out.Bundled, out.Custom...) {
		for _, c := range p.Connections {
			got[p.Name+"/"+c.Connection] = true
		}
	}
	return got
}

// writeOnce makes one complete vault write: the next writer removes what a killed one left
// half-written, so noTempFiles checks the state after it.
func (e *env) writeOnce(t *testing.T) {
	t.Helper()
	e.ok("login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--force", "--connection", "after-kills")
}

// noTempFiles fails when the profile folder holds a vault temporary file.
func (e *env) noTempFiles(t *testing.T) {
	t.Helper()
	ents, _ := os.ReadDir(filepath.Join(e.home, "profiles", "default"))
	for _, d := range ents {
		if strings.Contains(d.Name(), ".tmp-") {
			t.Errorf("temporary file left behind: %s", d.Name())
		}
	}
}

// killAt starts authsome with args and SIGKILLs it after a random delay up to max; it
// reports whether the process was killed before it finished.
func (e *env) killAt(t *testing.T, max time.Duration, args ...string) bool {
	t.Helper()
	c := e.cmd(t.Context(), args...)
	if err := c.Start(); err != nil {
		t.Fatal(err)
	}
	time.Sleep(time.Duration(rand.Int64N(int64(max))))
	c.Process.Signal(syscall.SIGKILL)
	err := c.Wait()
	ws, ok := c.ProcessState.Sys().(syscall.WaitStatus)
	return err != nil && ok && ws.Signaled()
}

// killRounds runs args rounds times, each SIGKILLed at a random moment of its run (the
// span measured on one complete run), calling check after each; it logs how many were
// killed before they finished.
func (e *env) killRounds(t *testing.T, rounds int, args func(i int) []string, check func(i int)) {
	t.Helper()
	span := time.Hour
	for range 2 { // the shorter of two complete runs (the first may warm caches)
		began := time.Now()
		e.ok(args(-1)...)
		span = min(span, time.Since(began))
	}
	span += span / 4
	killed := 0
	for i := range rounds {
		if e.killAt(t, span, args(i)...) {
			killed++
		}
		check(i)
	}
	t.Logf("%d of %d rounds were killed before they finished (span %v)", killed, rounds, span.Round(time.Millisecond))
}

// TestAttackVaultFiles runs the rows about damaged, foreign or hostile vault files and
// profile names: every command exits 1 with a clear message and leaves the file untouched.
func TestAttackVaultFiles(t *testing.T) {
	t.Parallel()
	skipShort(t)
	e, _ := attackSignedIn(t)
	e.ok("login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "app")
	path := e.vaultPath()
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	commands := [][]string{
		{"list"}, {"get", "microsoft", "--field", "access_token"}, {"logout", "microsoft", "--connection", "app"},
		{"set-default", "microsoft", "app"}, {"login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "x"},
	}
	// refused runs every command and checks exit 1, one line mentioning want, and the file
	// unchanged.
	refused := func(t *testing.T, name string, content []byte, want string) {
		t.Helper()
		for _, args := range commands {
			r := e.run("", args...)
			if r.code != 1 {
				t.Errorf("%s: %v: exit %d, want 1 (%s)", name, args, r.code, r.stderr)
			}
			oneLine(t, r, want)
		}
		if now, _ := os.ReadFile(path); content != nil && !bytes.Equal(now, content) {
			t.Errorf("%s: a command changed the vault file", name)
		}
	}
	edit := func(f func(map[string]any)) []byte {
		var h map[string]any
		if err := json.Unmarshal(orig, &h); err != nil {
			t.Fatal(err)
		}
		f(h)
		b, _ := json.Marshal(h)
		return b
	}

	// Row 36: empty, null, an unknown header field, a folder in the vault's place (flipped
	// bit, truncation and garbage: TestCorruptedVault).
	t.Run("held-36-corrupted-vault", func(t *testing.T) {
		for name, content := range map[string][]byte{
			"empty":         {},
			"null":          []byte("null"),
			"unknown field": edit(func(h map[string]any) { h["extra"] = "x" }),
			"random bytes":  {0x8b, 0x00, 0xff, 0x13, 0x37, 0x42, 0x99, 0x01},
		} {
			os.WriteFile(path, content, 0o600)
			refused(t, name, content, "vault")
		}
		os.Remove(path)
		if err := os.Mkdir(path, 0o700); err != nil {
			t.Fatal(err)
		}
		refused(t, "a folder", nil, "vault")
		if fi, err := os.Stat(path); err != nil || !fi.IsDir() {
			t.Error("the folder in the vault's place was replaced")
		}
		os.Remove(path)
		os.WriteFile(path, orig, 0o600)
	})

	// Row 37: a vault written by a newer format version.
	t.Run("held-37-newer-version", func(t *testing.T) {
		v2 := edit(func(h map[string]any) { h["version"] = 2 })
		os.WriteFile(path, v2, 0o600)
		refused(t, "version 2", v2, "newer")
		os.WriteFile(path, orig, 0o600)
	})

	// Row 38: the key file missing, readable by others, or not base64 (a wrong key:
	// TestWrongMasterKey).
	t.Run("held-38-bad-key-file", func(t *testing.T) {
		keyFile := filepath.Join(e.home, "profiles", "default", "master.key")
		key, err := os.ReadFile(keyFile)
		if err != nil {
			t.Fatal(err)
		}
		os.Remove(keyFile)
		refused(t, "missing key", orig, "key")
		if _, err := os.Stat(keyFile); err == nil {
			t.Error("a command made a new key file although a vault exists")
			os.Remove(keyFile)
		}
		os.WriteFile(keyFile, key, 0o600)
		os.Chmod(keyFile, 0o644)
		refused(t, "key mode 0644", orig, "key")
		os.WriteFile(keyFile, []byte("this is not base64!\n"), 0o600)
		os.Chmod(keyFile, 0o600)
		refused(t, "key not base64", orig, "key")
		os.WriteFile(keyFile, key, 0o600)
		os.Chmod(keyFile, 0o600)
		e.ok("list")
	})

	// Row 40: a passphrase vault whose header asks for extreme argon2 parameters is refused
	// by validation, not by trying.
	t.Run("held-40-extreme-kdf", func(t *testing.T) {
		e2 := newAttackEnv(t)
		if r := e2.login(); r.code != 0 {
			t.Fatal(r.stderr)
		}
		e2.vars = append(e2.vars, "AUTHSOME_NEW_PASSPHRASE=correct horse")
		e2.ok("rekey", "--to", "passphrase")
		e2.vars = append(e2.vars, "AUTHSOME_PASSPHRASE=correct horse")
		p2 := e2.vaultPath()
		good, _ := os.ReadFile(p2)
		for name, kdf := range map[string]map[string]any{
			"4 TiB memory":  {"memory_kib": uint64(1) << 32},
			"1 GiB + 1 KiB": {"memory_kib": 1<<20 + 1},
			"2^32-1 passes": {"time": uint64(1)<<32 - 1},
			"255 threads":   {"threads": 255},
			"0 threads":     {"threads": 0},
		} {
			var h map[string]any
			json.Unmarshal(good, &h)
			k := h["kdf"].(map[string]any)
			for f, v := range kdf {
				k[f] = v
			}
			b, _ := json.Marshal(h)
			os.WriteFile(p2, b, 0o600)
			r := e2.run("", "list")
			if r.code != 1 {
				t.Errorf("%s: exit %d, want 1 (%s)", name, r.code, r.stderr)
			}
			if now, _ := os.ReadFile(p2); !bytes.Equal(now, b) {
				t.Errorf("%s: the vault changed", name)
			}
		}
		os.WriteFile(p2, good, 0o600)
		e2.ok("list")
	})

	// Row 41: vault.json as a symlink is read through but never written through.
	t.Run("held-41-vault-symlink", func(t *testing.T) {
		elsewhere := filepath.Join(t.TempDir(), "target.json")
		os.WriteFile(elsewhere, orig, 0o600)
		os.Remove(path)
		if err := os.Symlink(elsewhere, path); err != nil {
			t.Fatal(err)
		}
		if c := e.connections(t); !c["microsoft/default"] {
			t.Errorf("the vault was not read through the symlink: %v", c)
		}
		e.ok("login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "through-link")
		if now, _ := os.ReadFile(elsewhere); !bytes.Equal(now, orig) {
			t.Error("a write went through the symlink into its target")
		}
		if c := e.connections(t); !c["microsoft/through-link"] || !c["microsoft/default"] {
			t.Errorf("after the write: %v", c)
		}
		e.ok("logout", "microsoft", "--connection", "through-link")
		orig, _ = os.ReadFile(path)
	})

	// Row 42: profile names that escape or break the layout, and the active profile.
	t.Run("held-42-profile-names", func(t *testing.T) {
		e.ok("profile", "create", "work")
		e.ok("profile", "use", "work")
		for _, args := range [][]string{
			{"profile", "create", "../evil"}, {"profile", "create", "A"}, {"profile", "create", ".."}, {"profile", "create", "a/b"},
			{"profile", "create", ""}, {"profile", "create", strings.Repeat("a", 65)},
			{"profile", "use", "../evil"}, {"profile", "use", "A"}, {"profile", "delete", "../evil", "--yes"}, {"profile", "delete", "../profiles/default", "--yes"},
			{"profile", "delete", "work", "--yes"}, // the active one
		} {
			if r := e.run("", args...); r.code == 0 {
				t.Errorf("%v was accepted", args)
			}
		}
		for _, p := range []string{"evil", "A", filepath.Join("profiles", "..", "evil")} {
			if _, err := os.Stat(filepath.Join(e.home, p)); err == nil {
				t.Errorf("%s was created", p)
			}
		}
		if _, err := os.Stat(filepath.Join(e.home, "profiles", "work")); err != nil {
			t.Error("the active profile was deleted")
		}
		e.ok("profile", "use", "default")
		e.ok("profile", "delete", "work", "--yes")
	})
	e.ok("get", "microsoft", "--field", "access_token")
}

// TestAttackVaultCrashes runs the crash and concurrency rows: SIGKILL at random moments, and
// many processes writing one vault at once, never lose a committed connection.
func TestAttackVaultCrashes(t *testing.T) {
	t.Parallel()
	skipShort(t)
	// Row 30: SIGKILL during a refresh (non-strict rotation), 20 rounds. A process killed after
	// sending its refresh leaves a record: the next one says the refresh was interrupted and
	// asks for a sign-in instead of presenting the refresh token again (docs/storage.md); the
	// connection is never lost and no refresh token is ever presented twice.
	t.Run("held-30-sigkill-refresh", func(t *testing.T) {
		e, _ := attackSignedIn(t)
		st := e.sb.Settings()
		st.AccessTokenLifetime = time.Minute // inside the refresh window: every get refreshes
		e.sb.SetSettings(st)
		e.makeDue(t)
		e.sb.ClearRequests()
		interrupted := 0
		e.killRounds(t, 20, func(int) []string { return []string{"get", "microsoft", "--field", "access_token"} }, func(int) {
			if c := e.connections(t); !c["microsoft/default"] {
				t.Fatalf("the connection was lost after a kill: %v", c)
			}
			r := e.run("", "get", "microsoft", "--field", "access_token")
			switch {
			case r.code == 0:
			case strings.Contains(r.stderr, "a refresh was interrupted after the request was sent"):
				interrupted++
				if r := e.login("--force"); r.code != 0 {
					t.Fatalf("login after an interrupted refresh: exit %d: %s", r.code, r.stderr)
				}
			default:
				t.Fatalf("get after a kill: exit %d: %s", r.code, r.stderr)
			}
		})
		t.Logf("%d refreshes reached the identity platform; %d kills fell after a refresh was sent", e.refreshCount(), interrupted)
		if got := e.sb.RefreshStats(); got.Reuses != 0 {
			t.Errorf("%d refresh tokens were presented again", got.Reuses)
		}
		e.ok("get", "microsoft", "--field", "access_token")
		e.writeOnce(t)
		e.noTempFiles(t)
	})

	// Row 31: SIGKILL during login, 20 rounds; connections committed earlier survive.
	t.Run("held-31-sigkill-login", func(t *testing.T) {
		e, _ := attackSignedIn(t)
		e.killRounds(t, 20, func(i int) []string {
			return []string{"login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--force", "--connection", fmt.Sprintf("c%d", i+1)}
		}, func(i int) {
			if c := e.connections(t); !c["microsoft/default"] || !c["microsoft/c0"] {
				t.Fatalf("round %d: a committed connection was lost: %v", i, c)
			}
		})
		e.ok("get", "microsoft", "--field", "access_token")
		e.writeOnce(t)
		e.noTempFiles(t)
	})

	// parallel runs f(i) for i < n at once and reports failures.
	parallel := func(t *testing.T, n int, f func(i int) result) {
		t.Helper()
		var wg sync.WaitGroup
		results := make([]result, n)
		for i := range n {
			wg.Add(1)
			go func() { defer wg.Done(); results[i] = f(i) }()
		}
		wg.Wait()
		for i, r := range results {
			if r.code != 0 {
				t.Errorf("process %d: exit %d: %s", i, r.code, r.stderr)
			}
		}
	}
	clientCreds := func(e *env, conn string) result {
		return e.run("", "login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", conn)
	}

	// Row 32: concurrent logins (device code and client credentials) into one vault.
	t.Run("held-32-concurrent-logins", func(t *testing.T) {
		e, _ := attackSignedIn(t)
		parallel(t, 8, func(i int) result {
			if i%2 == 0 {
				return e.login("--connection", fmt.Sprintf("user%d", i))
			}
			return clientCreds(e, fmt.Sprintf("app%d", i))
		})
		c := e.connections(t)
		if len(c) != 9 {
			t.Errorf("%d connections, want 9: %v", len(c), c)
		}
	})

	// Row 33: concurrent first-ever logins into an empty home (the key is created once).
	t.Run("held-33-first-logins-race", func(t *testing.T) {
		for round := range 3 {
			e := newAttackEnv(t)
			parallel(t, 6, func(i int) result { return clientCreds(e, fmt.Sprintf("c%d", i)) })
			if c := e.connections(t); len(c) != 6 {
				t.Errorf("round %d: %d connections, want 6: %v", round, len(c), c)
			}
		}
	})

	// Row 34: logouts, set-defaults and logins at once leave a consistent vault.
	t.Run("held-34-mixed-writers", func(t *testing.T) {
		e, _ := attackSignedIn(t)
		for i := range 5 {
			if r := clientCreds(e, fmt.Sprintf("old%d", i)); r.code != 0 {
				t.Fatal(r.stderr)
			}
		}
		parallel(t, 15, func(i int) result {
			switch i % 3 {
			case 0:
				return e.run("", "logout", "microsoft", "--connection", fmt.Sprintf("old%d", i/3))
			case 1:
				return e.run("", "set-default", "microsoft", "default")
			default:
				return clientCreds(e, fmt.Sprintf("new%d", i/3))
			}
		})
		c := e.connections(t)
		for i := range 5 {
			if c[fmt.Sprintf("microsoft/old%d", i)] || !c[fmt.Sprintf("microsoft/new%d", i)] {
				t.Errorf("final connections %v: want every old* gone and every new* present", c)
				break
			}
		}
		var got struct {
			Connection string `json:"connection_name"`
			Default    bool   `json:"is_default"`
		}
		json.Unmarshal([]byte(e.ok("get", "microsoft", "--json").stdout), &got)
		if got.Connection != "default" || !got.Default {
			t.Errorf("the default connection is %+v, want \"default\"", got)
		}
	})

	// Row 35: concurrent refreshes under strict rotation, each process refreshing in turn:
	// every one succeeds and the newest refresh token is kept.
	t.Run("held-35-strict-rotation-storm", func(t *testing.T) {
		e, _ := attackSignedIn(t)
		st := e.sb.Settings()
		st.AccessTokenLifetime = time.Minute // every get refreshes
		st.StrictRefreshRotation = true
		e.sb.SetSettings(st)
		e.makeDue(t)
		for range 2 {
			e.sb.ClearRequests()
			parallel(t, 6, func(int) result { return e.run("", "get", "microsoft", "--field", "access_token") })
			if n := e.refreshCount(); n < 1 {
				t.Errorf("%d refreshes, want at least one", n)
			}
		}
		e.ok("get", "microsoft", "--field", "access_token")
		if c := e.connections(t); !c["microsoft/default"] {
			t.Errorf("connection lost: %v", c)
		}
		var got struct{ Status string }
		json.Unmarshal([]byte(e.ok("get", "microsoft", "--json").stdout), &got)
		if got.Status != "connected" {
			t.Errorf("status %q after the storm, want connected", got.Status)
		}
	})
}
