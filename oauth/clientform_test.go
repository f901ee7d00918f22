package oauth

import (
	"context"
	"errors"
	"io"
	"net/http"
	"net/url"
	"regexp"
	"strings"
	"testing"
	"time"
)

type collected struct {
	id, secret string
	err        error
}

// startCollect runs CollectClient in the background and returns the form URL.
func startCollect(t *testing.T, ctx context.Context, info ClientFormInfo) (*Loopback, string, chan collected) {
	t.Helper()
	l, err := ListenLoopback(0)
	if err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { l.Close() })
	urls := make(chan string, 1)
	done := make(chan collected, 1)
	go func() {
		id, secret, err := l.CollectClient(ctx, info, nil, func(u string) { urls <- u })
		done <- collected{id, secret, err}
	}()
	return l, <-urls, done
}

func get(t *testing.T, u string) (int, string) {
	t.Helper()
	resp, err := http.Get(u)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

func post(t *testing.T, u string, v url.Values, origin string) (int, string) {
	t.Helper()
	req, _ := http.NewRequest("POST", u, strings.NewReader(v.Encode()))
	req.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	if origin != "" {
		req.Header.Set("Origin", origin)
	}
	resp, err := http.DefaultClient.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	b, _ := io.ReadAll(resp.Body)
	return resp.StatusCode, string(b)
}

var csrfRE = regexp.MustCompile(`name="csrf" value="([^"]+)"`)

func TestCollectClientMicrosoft(t *testing.T) {
	t.Parallel()
	l, u, done := startCollect(t, t.Context(), ClientFormInfo{Provider: "microsoft", DisplayName: "Microsoft 365",
		RedirectURI: "http://127.0.0.1", DocsURL: "https://learn.microsoft.com/entra/identity-platform/quickstart-register-app", AskSecret: true})
	if !regexp.MustCompile(`^http://127\.0\.0\.1:\d+/client/[A-Z2-7]{26}$`).MatchString(u) {
		t.Fatalf("form URL %q", u)
	}
	status, page := get(t, u)
	if status != 200 {
		t.Fatalf("GET %d", status)
	}
	for _, want := range []string{`<code id="redirect-uri">http://127.0.0.1</code>`, "Mobile and desktop applications",
		"Allow public client flows", `<input name="client_id" id="client_id"`, `<input type="password" name="client_secret" id="client_secret">`,
		`<button id="save"`} {
		if !strings.Contains(page, want) {
			t.Errorf("page lacks %s", want)
		}
	}
	if regexp.MustCompile(`(src|href)="http`).MatchString(strings.ReplaceAll(page, `href="https://learn.microsoft.com`, "")) {
		t.Error("page loads external assets")
	}
	csrf := csrfRE.FindStringSubmatch(page)[1]

	// Missing or wrong token, wrong origin, wrong path: refused, still waiting.
	if st, _ := post(t, u, url.Values{"client_id": {"11111111-2222-3333-4444-555555555555"}}, ""); st != 403 {
		t.Errorf("no csrf: %d", st)
	}
	if st, _ := post(t, u, url.Values{"csrf": {csrf}, "client_id": {"11111111-2222-3333-4444-555555555555"}}, "https://evil.example"); st != 403 {
		t.Errorf("cross-origin: %d", st)
	}
	if st, _ := post(t, l.URL("/client/GUESS"), url.Values{"csrf": {csrf}, "client_id": {"x"}}, ""); st != 404 {
		t.Errorf("other path: %d", st)
	}
	// Invalid ids re-render the form.
	for _, id := range []string{"", "   ", "not-a-guid", "1111 2222"} {
		st, body := post(t, u, url.Values{"csrf": {csrf}, "client_id": {id}}, "")
		if st != 400 || !strings.Contains(body, `id="error"`) || !strings.Contains(body, `id="client_id"`) {
			t.Errorf("id %q: %d", id, st)
		}
	}
	select {
	case r := <-done:
		t.Fatalf("returned early: %+v", r)
	default:
	}
	st, body := post(t, u, url.Values{"csrf": {csrf}, "client_id": {" 11111111-2222-3333-4444-555555555555 "}, "client_secret": {"s3cret~x"}}, l.RedirectURI())
	if st != 200 || !strings.Contains(body, "Saved. Return to the terminal.") || strings.Contains(body, "s3cret") {
		t.Errorf("save: %d %s", st, body)
	}
	r := <-done
	if r.err != nil || r.id != "11111111-2222-3333-4444-555555555555" || r.secret != "s3cret~x" {
		t.Errorf("got %+v", r)
	}
}

func TestCollectClientOtherProvider(t *testing.T) {
	t.Parallel()
	_, u, done := startCollect(t, t.Context(), ClientFormInfo{Provider: "github", DisplayName: "GitHub <OAuth>",
		RedirectURI: "http://127.0.0.1:7998"})
	_, page := get(t, u)
	if strings.Contains(page, "client_secret") || strings.Contains(page, "Mobile and desktop") || !strings.Contains(page, "GitHub &lt;OAuth&gt;") {
		t.Errorf("page:\n%s", page)
	}
	csrf := csrfRE.FindStringSubmatch(page)[1]
	if st, _ := post(t, u, url.Values{"csrf": {csrf}, "client_id": {"Iv1.abc123"}}, ""); st != 200 {
		t.Errorf("status %d", st)
	}
	if r := <-done; r.err != nil || r.id != "Iv1.abc123" || r.secret != "" {
		t.Errorf("got %+v", r)
	}
}

func TestCollectClientCancel(t *testing.T) {
	t.Parallel()
	ctx, cancel := context.WithTimeout(t.Context(), 50*time.Millisecond)
	defer cancel()
	l, u, done := startCollect(t, ctx, ClientFormInfo{Provider: "microsoft"})
	if r := <-done; !errors.Is(r.err, context.DeadlineExceeded) {
		t.Errorf("err = %v", r.err)
	}
	if st, _ := get(t, u); st != 404 {
		t.Errorf("form still served: %d", st)
	}
	_ = l
}
