package e2e

import (
	"fmt"
	"html"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"sync"
	"testing"
)

// TestAttackLoopback runs the rows about authsome's loopback listener (the OAuth callback and
// the client-id page) against the real binary.
func TestAttackLoopback(t *testing.T) {
	t.Parallel()
	// Rows 26, 27 and 28 (callback): a rebinding Host is refused with 421 and the flow goes
	// on; of 5 concurrent deliveries of the valid callback one wins and the code is exchanged
	// once; a replay after completion finds the listener closed.
	t.Run("held-26-27-28-callback", func(t *testing.T) {
		e := newAttackEnv(t) // the sandbox approves sign-ins by itself
		p := e.start("login", "microsoft", "--cloud", "sandbox", "--flow", "pkce", "--no-browser", "--port", "0")
		authorize := urlLineRE.FindString(p.waitLine(t, func(l string) bool { return urlLineRE.MatchString(l) }))
		noFollow := *e.sb.Client()
		noFollow.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
		resp, err := noFollow.Get(authorize)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		callback := resp.Header.Get("Location")
		cu, err := url.Parse(callback)
		if err != nil || cu.Query().Get("code") == "" || cu.Hostname() != "127.0.0.1" {
			t.Fatalf("the sandbox did not redirect to the loopback with a code: %s %q", resp.Status, callback)
		}
		// Row 28: DNS rebinding, the page reached under another name.
		for _, host := range []string{"evil.example:" + cu.Port(), "evil.example", "127.0.0.1.evil.example:" + cu.Port()} {
			req, _ := http.NewRequest("GET", callback, nil)
			req.Host = host
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			resp.Body.Close()
			if resp.StatusCode != http.StatusMisdirectedRequest {
				t.Errorf("callback with Host %s: %s, want 421", host, resp.Status)
			}
		}
		// Row 26: five deliveries at once.
		var wg sync.WaitGroup
		statuses := make(chan int, 5)
		start := make(chan struct{})
		for range 5 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				<-start
				resp, err := http.Get(callback)
				if err != nil {
					statuses <- 0 // closed: the listener was done
					return
				}
				resp.Body.Close()
				statuses <- resp.StatusCode
			}()
		}
		close(start)
		wg.Wait()
		close(statuses)
		ok := 0
		var got []int
		for s := range statuses {
			got = append(got, s)
			switch s {
			case 200:
				ok++
			case 0, http.StatusConflict, http.StatusBadRequest:
			default:
				t.Errorf("a concurrent callback got %d", s)
			}
		}
		if ok != 1 {
			t.Errorf("statuses %v: want exactly one 200", got)
		}
		if code := p.wait(t); code != 0 {
			t.Fatalf("login: exit %d\n%s", code, p.errb.String())
		}
		exchanges := 0
		for _, r := range e.sb.Requests() {
			if r.Form["grant_type"] == "authorization_code" {
				exchanges++
			}
		}
		if exchanges != 1 {
			t.Errorf("%d code exchanges, want 1", exchanges)
		}
		// Row 27: replay after completion.
		if resp, err := http.Get(callback); err == nil {
			resp.Body.Close()
			t.Errorf("the callback still answers after the login ended: %s", resp.Status)
		}
	})

	// Rows 28 (client-id page) and 29: the page for a provider without a stored client
	// refuses another Host (421), Origin: null (403), a 200 KB body (400), and shows a
	// <script> client id escaped; a valid submission is then still accepted.
	t.Run("held-28-29-client-id-page", func(t *testing.T) {
		e := newAttackEnv(t)
		info := e.sb.Info()
		def := fmt.Sprintf(`{"name":"contoso","display_name":"Contoso Graph","auth_type":"oauth2","flow":"pkce","api_url":"graph.contoso.test",
		 "oauth":{"authorization_url":"%[1]s/%[2]s/oauth2/v2.0/authorize","token_url":"%[1]s/%[2]s/oauth2/v2.0/token",
		          "scopes":["User.Read","offline_access"],"pkce":true},"export":{"CONTOSO_TOKEN":"access_token"}}`, info.URL, info.TenantID)
		e.ok("providers", "add", bad(t, def))
		e.vars = append(e.vars, "BROWSER=true") // a browser that opens nothing
		p := e.start("login", "contoso", "--port", "0")
		defer func() {
			p.cmd.Process.Kill()
			p.wait(t)
		}()
		formRE := regexp.MustCompile(`http://127\.0\.0\.1:\d+/client/[A-Z2-7]+`)
		form := formRE.FindString(p.waitLine(t, func(l string) bool { return formRE.MatchString(l) }))
		fu, _ := url.Parse(form)
		resp, err := http.Get(form)
		if err != nil {
			t.Fatal(err)
		}
		page := readAll(t, resp)
		m := regexp.MustCompile(`name="csrf" value="([^"]+)"`).FindStringSubmatch(page)
		if m == nil {
			t.Fatalf("no CSRF token on the page:\n%s", page)
		}
		csrf := html.UnescapeString(m[1])
		post := func(host, origin string, v url.Values) (int, string) {
			t.Helper()
			req, _ := http.NewRequest("POST", form, strings.NewReader(v.Encode()))
			req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
			if host != "" {
				req.Host = host
			}
			if origin != "" {
				req.Header.Set("Origin", origin)
			}
			resp, err := http.DefaultClient.Do(req)
			if err != nil {
				t.Fatal(err)
			}
			return resp.StatusCode, readAll(t, resp)
		}
		req, _ := http.NewRequest("GET", form, nil)
		req.Host = "evil.example:" + fu.Port()
		if resp, err := http.DefaultClient.Do(req); err != nil || resp.StatusCode != http.StatusMisdirectedRequest {
			t.Errorf("GET with a rebinding Host: %v %v, want 421", resp, err)
		} else {
			resp.Body.Close()
		}
		valid := url.Values{"csrf": {csrf}, "client_id": {"contoso-app-1"}}
		if st, _ := post("evil.example:"+fu.Port(), "", valid); st != http.StatusMisdirectedRequest {
			t.Errorf("POST with a rebinding Host: %d, want 421", st)
		}
		if st, _ := post("", "null", valid); st != http.StatusForbidden {
			t.Errorf("Origin: null: %d, want 403", st)
		}
		if st, _ := post("", "http://127.0.0.1:1", valid); st != http.StatusForbidden {
			t.Errorf("another loopback origin: %d, want 403", st)
		}
		if st, _ := post("", "", url.Values{"csrf": {csrf}, "client_id": {"x"}, "pad": {strings.Repeat("a", 200<<10)}}); st != http.StatusBadRequest && st != http.StatusRequestEntityTooLarge {
			t.Errorf("200 KB body: %d, want 400", st)
		}
		st, body := post("", "", url.Values{"csrf": {csrf}, "client_id": {`<script>alert(1)</script> x`}})
		if st != http.StatusBadRequest || strings.Contains(body, "<script>alert") || !strings.Contains(body, "&lt;script&gt;") {
			t.Errorf("<script> client id: %d, page shows it unescaped or not at all:\n%s", st, body)
		}
		if st, body := post("", "", valid); st != 200 || !strings.Contains(body, "Saved") {
			t.Errorf("a valid submission after the attacks: %d\n%s", st, body)
		}
	})
}
