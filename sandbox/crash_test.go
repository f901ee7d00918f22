package sandbox

import (
	"bufio"
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"strings"
	"sync"
	"syscall"
	"testing"
	"time"
)

// The crash test's server: a sandbox on its state folder, printing its URL,
// until it is killed.
func init() {
	dir := os.Getenv("SANDBOX_CRASH_STATE")
	if dir == "" {
		return
	}
	s, err := New(Options{PlainHTTP: true, StateDir: dir})
	if err != nil {
		fmt.Println("new:", err)
		os.Exit(1)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		fmt.Println("start:", err)
		os.Exit(1)
	}
	fmt.Println(s.URL())
	select {}
}

// crashItem is one entity the writers made, with the values a restarted
// sandbox may show: the last acknowledged one, or the one in flight when the
// sandbox was killed.
type crashItem struct {
	path     string // e.g. /v1.0/me/messages/ID
	field    string // the field the writers change
	acked    string // "" = deleted (acknowledged)
	inFlight *string
}

type crashRun struct {
	t      *testing.T
	base   string
	client *http.Client

	mu      sync.Mutex
	items   []*crashItem
	refresh string // the last acknowledged refresh token (redeemed ones stay valid: rotation is not strict)
}

func (c *crashRun) do(method, path, tok string, body any) (int, map[string]any, error) {
	var rd io.Reader
	if body != nil {
		data, _ := json.Marshal(body)
		rd = bytes.NewReader(data)
	}
	req, _ := http.NewRequest(method, c.base+path, rd)
	if body != nil {
		req.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		req.Header.Set("Authorization", "Bearer "+tok)
	}
	resp, err := c.client.Do(req)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, nil
}

// tokens redeems a refresh token (rotating it) or signs in with a password.
func (c *crashRun) tokens(rt string) (int, map[string]any, error) {
	form := url.Values{"client_id": {PublicClientID}, "scope": {"Mail.ReadWrite Calendars.ReadWrite Contacts.ReadWrite Files.ReadWrite offline_access"}}
	if rt != "" {
		form.Set("grant_type", "refresh_token")
		form.Set("refresh_token", rt)
	} else {
		u := seedUsers[0]
		form.Set("grant_type", "password")
		form.Set("username", u.UserPrincipalName)
		form.Set("password", u.Password)
	}
	resp, err := c.client.PostForm(c.base+"/"+TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		return 0, nil, err
	}
	defer resp.Body.Close()
	var out map[string]any
	_ = json.NewDecoder(resp.Body).Decode(&out)
	return resp.StatusCode, out, nil
}

// write makes random changes in one workload until the server dies: it
// creates in collection and changes and deletes at items/{id}.
func (c *crashRun) write(tok, collection, items, field string, body func(v string) map[string]any) {
	var mine []*crashItem
	for i := 0; ; i++ {
		v := fmt.Sprintf("%s-%d-%d", field, i, rand.IntN(1e6))
		switch op := rand.IntN(4); {
		case op <= 1 || len(mine) == 0: // create
			st, out, err := c.do("POST", "/v1.0/me/"+collection, tok, body(v))
			if err != nil {
				return
			}
			if st != 201 {
				c.t.Errorf("POST %s: %d %v", collection, st, out)
				return
			}
			it := &crashItem{path: "/v1.0/me/" + items + "/" + out["id"].(string), field: field, acked: v}
			c.mu.Lock()
			c.items, mine = append(c.items, it), append(mine, it)
			c.mu.Unlock()
		case op == 2: // update
			it := mine[rand.IntN(len(mine))]
			if it.acked == "" {
				continue
			}
			c.mu.Lock()
			it.inFlight = &v
			c.mu.Unlock()
			st, out, err := c.do("PATCH", it.path, tok, map[string]any{field: v})
			if err != nil {
				return
			}
			if st != 200 {
				c.t.Errorf("PATCH %s: %d %v", it.path, st, out)
				return
			}
			c.mu.Lock()
			it.acked, it.inFlight = v, nil
			c.mu.Unlock()
		default: // delete
			it := mine[rand.IntN(len(mine))]
			if it.acked == "" {
				continue
			}
			gone := ""
			c.mu.Lock()
			it.inFlight = &gone
			c.mu.Unlock()
			st, _, err := c.do("DELETE", it.path, tok, nil)
			if err != nil {
				return
			}
			if st != 204 {
				c.t.Errorf("DELETE %s: %d", it.path, st)
				return
			}
			c.mu.Lock()
			it.acked, it.inFlight = "", nil
			c.mu.Unlock()
		}
	}
}

// rotate redeems refresh tokens one after another until the server dies.
func (c *crashRun) rotate() {
	for {
		c.mu.Lock()
		rt := c.refresh
		c.mu.Unlock()
		st, out, err := c.tokens(rt)
		if err != nil {
			return
		}
		if st != 200 {
			c.t.Errorf("refresh: %d %v", st, out)
			return
		}
		c.mu.Lock()
		c.refresh = out["refresh_token"].(string)
		c.mu.Unlock()
	}
}

func startCrashServer(t *testing.T, dir string) (*exec.Cmd, string) {
	t.Helper()
	cmd := exec.Command(os.Args[0], "-test.run=^$")
	cmd.Env = append(os.Environ(), "SANDBOX_CRASH_STATE="+dir)
	out, _ := cmd.StdoutPipe()
	cmd.Stderr = os.Stderr
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	line, err := bufio.NewReader(out).ReadString('\n')
	if err != nil || !strings.HasPrefix(line, "http://") {
		cmd.Process.Kill()
		cmd.Wait()
		t.Fatalf("the sandbox did not start: %q %v", line, err)
	}
	return cmd, strings.TrimSpace(line)
}

// TestStateSurvivesKill: a sandbox on a state folder is killed (SIGKILL) at a
// random moment while writers change mail, events, contacts and drive
// folders and rotate a refresh token; restarted on the same folder, it has
// every write it answered (and, for the writes in flight, either the old or
// the new value).
func TestStateSurvivesKill(t *testing.T) {
	if testing.Short() {
		t.Skip("crash rounds (sandbox processes killed and restarted) run without -short")
	}
	t.Parallel()
	rounds := 8
	dir := t.TempDir()
	c := &crashRun{t: t, client: &http.Client{Timeout: 30 * time.Second}}
	for round := 0; round <= rounds; round++ {
		cmd, base := startCrashServer(t, dir)
		c.base = base
		if round > 0 {
			c.verify(round)
		}
		if round == rounds || t.Failed() {
			cmd.Process.Kill()
			cmd.Wait()
			return
		}
		if c.refresh == "" {
			st, out, err := c.tokens("")
			if err != nil || st != 200 {
				t.Fatalf("sign in: %d %v %v", st, out, err)
			}
			c.refresh = out["refresh_token"].(string)
		}
		st, out, err := c.tokens(c.refresh)
		if err != nil || st != 200 {
			t.Fatalf("round %d: refresh: %d %v %v", round, st, out, err)
		}
		c.refresh = out["refresh_token"].(string)
		tok := out["access_token"].(string)

		var wg sync.WaitGroup
		for _, w := range []struct{ coll, items, field string }{{"messages", "messages", "subject"}, {"events", "events", "subject"},
			{"contacts", "contacts", "givenName"}, {"drive/root/children", "drive/items", "name"}} {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.write(tok, w.coll, w.items, w.field, func(v string) map[string]any {
					b := map[string]any{w.field: v}
					switch w.coll {
					case "events":
						b["start"] = map[string]any{"dateTime": "2026-03-01T10:00:00", "timeZone": "UTC"}
						b["end"] = map[string]any{"dateTime": "2026-03-01T11:00:00", "timeZone": "UTC"}
					case "drive/root/children":
						b["folder"] = map[string]any{}
					}
					return b
				})
			}()
		}
		wg.Add(1)
		go func() { defer wg.Done(); c.rotate() }()
		time.Sleep(time.Duration(200+rand.IntN(600)) * time.Millisecond)
		cmd.Process.Signal(syscall.SIGKILL)
		cmd.Wait()
		wg.Wait()
		c.client.CloseIdleConnections()
	}
}

// verify checks every acknowledged write after a restart.
func (c *crashRun) verify(round int) {
	t := c.t
	st, out, err := c.tokens("")
	if err != nil || st != 200 {
		t.Fatalf("round %d: sign-in after restart: %d %v %v", round, st, out, err)
	}
	tok := out["access_token"].(string)
	n := 0
	for _, it := range c.items {
		st, out, err := c.do("GET", it.path, tok, nil)
		if err != nil {
			t.Fatalf("round %d: GET %s: %v", round, it.path, err)
		}
		got := ""
		if st == 200 {
			got, _ = out[it.field].(string)
		} else if st != 404 {
			t.Errorf("round %d: GET %s: %d %v", round, it.path, st, out)
			continue
		}
		if got == it.acked || (it.inFlight != nil && got == *it.inFlight) {
			if it.inFlight != nil {
				it.acked, it.inFlight = got, nil // whichever the sandbox kept is now the truth
			}
			n++
			continue
		}
		t.Errorf("round %d: %s has %s %q after the restart; the last answered write set %q", round, it.path, it.field, got, it.acked)
	}
	t.Logf("round %d: %d items checked after kill -9", round, n)
	if st, out, _ := c.tokens(c.refresh); st != 200 {
		t.Errorf("round %d: the last acknowledged refresh token is refused after the restart: %d %v", round, st, out)
	}
}
