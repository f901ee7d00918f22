package e2e

import (
	"bytes"
	"crypto/rand"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// oneLine asserts an error was reported as exactly one line on stderr.
func oneLine(t *testing.T, r result, want ...string) {
	t.Helper()
	msg := strings.TrimRight(r.stderr, "\n")
	if msg == "" || strings.Contains(msg, "\n") {
		t.Errorf("stderr is not one line: %q", r.stderr)
	}
	for _, w := range want {
		if !strings.Contains(msg, w) {
			t.Errorf("stderr %q does not mention %q", msg, w)
		}
	}
}

func TestBadProviderJSON(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	good := filepath.Join(t.TempDir(), "acme.json")
	os.WriteFile(good, []byte(`{"name":"acme","display_name":"Acme","auth_type":"api_key","api_url":"api.acme.test","api_key":{"header_name":"X-Key"},"export":{"ACME_KEY":"api_key"}}`), 0o600)
	e.ok("providers", "add", good)

	for name, body := range map[string]string{
		"syntax":  `{"name": "acme",`,
		"typo":    `{"name":"acme","display_name":"Acme","auth_type":"api_key","api_url":"api.acme.test","api_key":{},"exprot":{}}`,
		"badhost": `{"name":"acme","display_name":"Acme","auth_type":"api_key","api_url":"http://api.acme.test","api_key":{}}`,
	} {
		bad := filepath.Join(t.TempDir(), name+".json")
		os.WriteFile(bad, []byte(body), 0o600)
		r := e.run("", "providers", "add", bad)
		if r.code != 2 {
			t.Errorf("%s: exit %d, want 2", name, r.code)
		}
		oneLine(t, r, "invalid provider definition")
	}
	// The earlier definition is untouched.
	var def map[string]any
	if err := json.Unmarshal([]byte(e.ok("providers", "show", "acme", "--json").stdout), &def); err != nil || def["api_url"] != "api.acme.test" {
		t.Errorf("acme after failed adds: %v %v", def, err)
	}
	r := e.run("", "providers", "add", bad(t, "{"), "--json")
	var je struct {
		Error    string `json:"error"`
		Message  string `json:"message"`
		ExitCode int    `json:"exit_code"`
	}
	if err := json.Unmarshal([]byte(r.stderr), &je); err != nil || je.Error != "usage" || je.ExitCode != 2 {
		t.Errorf("--json error = %q (%v)", r.stderr, err)
	}
}

func bad(t *testing.T, content string) string {
	p := filepath.Join(t.TempDir(), "bad.json")
	os.WriteFile(p, []byte(content), 0o600)
	return p
}

func TestUnknownProviderAndConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	r := e.run("", "get", "nosuch")
	if r.code != 4 {
		t.Errorf("unknown provider: exit %d, want 4", r.code)
	}
	oneLine(t, r, "nosuch")
	r = e.run("", "get", "microsoft", "--connection", "nosuch")
	if r.code != 3 {
		t.Errorf("unknown connection: exit %d, want 3", r.code)
	}
	oneLine(t, r, "nosuch")
	if r := e.run("", "logout", "microsoft"); r.code != 3 {
		t.Errorf("logout without connection: exit %d, want 3", r.code)
	}
	if r := e.run("", "login"); r.code != 2 {
		t.Errorf("login without provider: exit %d, want 2", r.code)
	}
}

// TestTokenResponseMissingFields: an authorization server that answers 200 without an
// access_token fails the login with exit 2 and stores nothing.
func TestTokenResponseMissingFields(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		fmt.Fprint(w, `{"token_type":"Bearer","expires_in":3600}`)
	}))
	defer srv.Close()
	def := fmt.Sprintf(`{"name":"broken","display_name":"Broken","auth_type":"oauth2","flow":"client_credentials","api_url":"api.broken.test",
		"oauth":{"token_url":"%s/token","scopes":["x"]},"export":{"BROKEN_TOKEN":"access_token"}}`, srv.URL)
	e.ok("providers", "add", bad(t, def))
	r := e.run("s3cret-value\n", "login", "broken", "--client-id", "cid", "--client-secret-stdin")
	if r.code != 2 {
		t.Errorf("exit %d, want 2 (stderr %q)", r.code, r.stderr)
	}
	oneLine(t, r, "access_token")
	if strings.Contains(r.stderr, "s3cret-value") {
		t.Error("the client secret appears in the error")
	}
	if r := e.run("", "get", "broken"); r.code != 3 {
		t.Errorf("a connection was stored after the failed login (get exit %d)", r.code)
	}
}

func TestCorruptedVault(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	e.signInInProcess(t, e.sb.Info().Users[0].UserPrincipalName)
	path := filepath.Join(e.home, "profiles", "default", "vault.json")
	orig, err := os.ReadFile(path)
	if err != nil {
		t.Fatal(err)
	}
	var doc map[string]any
	if err := json.Unmarshal(orig, &doc); err != nil {
		t.Fatal(err)
	}
	ct, _ := base64.StdEncoding.DecodeString(doc["ciphertext"].(string))
	ct[len(ct)/2] ^= 0x55
	doc["ciphertext"] = base64.StdEncoding.EncodeToString(ct)
	corrupted, _ := json.Marshal(doc)
	commands := [][]string{{"list"}, {"get", "microsoft", "--field", "access_token"}, {"login", "microsoft", "--cloud", "sandbox", "--flow", "client_credentials", "--connection", "x"}}
	for i, variant := range [][]byte{corrupted, orig[:len(orig)/2], []byte("garbage")} {
		os.WriteFile(path, variant, 0o600)
		for j, args := range commands {
			if testing.Short() && j != i {
				continue // under -short each damage meets one of the commands, each command one damage
			}
			r := e.run("", args...)
			if r.code != 1 {
				t.Errorf("%v on a corrupted vault: exit %d, want 1", args, r.code)
			}
			oneLine(t, r, "vault")
		}
		if now, _ := os.ReadFile(path); !bytes.Equal(now, variant) {
			t.Error("a command changed the corrupted vault file")
		}
	}
	os.WriteFile(path, orig, 0o600)
	e.ok("get", "microsoft", "--field", "access_token")
}

func TestWrongMasterKey(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	key := func() string {
		b := make([]byte, 32)
		rand.Read(b)
		return base64.StdEncoding.EncodeToString(b)
	}
	k1, k2 := key(), key()
	e.vars = append(e.vars, "AUTHSOME_MASTER_KEY="+k1)
	e.loginDevice(t, e.sb.Info().Users[0].UserPrincipalName)
	path := filepath.Join(e.home, "profiles", "default", "vault.json")
	orig, _ := os.ReadFile(path)

	e.vars = append(e.vars, "AUTHSOME_MASTER_KEY="+k2)
	r := e.run("", "get", "microsoft", "--field", "access_token")
	if r.code != 1 {
		t.Errorf("wrong key: exit %d, want 1", r.code)
	}
	oneLine(t, r, "key")
	if strings.Contains(r.stderr, k1) || strings.Contains(r.stderr, k2) {
		t.Error("a key appears in the error")
	}
	if r := e.run("", "logout", "microsoft"); r.code != 1 {
		t.Errorf("logout with the wrong key: exit %d", r.code)
	}
	if now, _ := os.ReadFile(path); !bytes.Equal(now, orig) {
		t.Error("the vault changed under a wrong key")
	}
	e.vars = append(e.vars, "AUTHSOME_MASTER_KEY=not-base64!")
	if r := e.run("", "list"); r.code != 1 || strings.Count(r.stderr, "\n") != 1 {
		t.Errorf("malformed key: exit %d stderr %q", r.code, r.stderr)
	}
	e.vars = append(e.vars, "AUTHSOME_MASTER_KEY="+k1)
	e.ok("get", "microsoft", "--field", "access_token")
}
