package e2e

import (
	"encoding/json"
	"net/http"
	"path/filepath"
	"strings"
	"syscall"
	"testing"
	"time"
)

// TestGatewayTokenExport: an agent whose grant allows token export gets, from POST
// /v1/token/..., the connection's access token, which works directly at the sandbox's Graph;
// the export is in the audit log and the metrics, without the token. An agent without export
// gets 403, as does GET.
func TestGatewayTokenExport(t *testing.T) {
	skipShort(t)
	e, _ := attackSignedIn(t)
	exporter := e.addAgent(t, "exporter", "--grant", "microsoft:default", "--allow-token-export")
	keeper := e.addAgent(t, "keeper", "--grant", "microsoft:default")
	if r := e.run("", "agent", "list"); r.code != 0 || !strings.Contains(r.stdout, "TOKEN EXPORT") {
		t.Errorf("agent list: %d %s", r.code, r.stdout)
	}
	g := e.startGateway(t)
	api := g.apiClient()
	tokenURL := g.URL + "/v1/token/microsoft/default"

	req, _ := http.NewRequest("POST", tokenURL, nil)
	req.Header.Set("Authorization", "Bearer "+exporter)
	resp, err := api.Do(req)
	if err != nil {
		t.Fatal(err)
	}
	var tok struct {
		V           int    `json:"v"`
		AccessToken string `json:"access_token"`
		TokenType   string `json:"token_type"`
		ExpiresAt   string `json:"expires_at"`
		ExpiresIn   int64  `json:"expires_in"`
	}
	err = json.NewDecoder(resp.Body).Decode(&tok)
	resp.Body.Close()
	if err != nil || resp.StatusCode != 200 || resp.Header.Get("Cache-Control") != "no-store" {
		t.Fatalf("POST /v1/token: %d %v %v", resp.StatusCode, resp.Header, err)
	}
	exp, err := time.Parse(time.RFC3339, tok.ExpiresAt)
	if tok.V != 1 || tok.AccessToken == "" || tok.TokenType != "Bearer" || err != nil || !exp.After(time.Now()) || tok.ExpiresIn <= 0 {
		t.Errorf("the exported token: v %d, type %q, expires_at %q, expires_in %d", tok.V, tok.TokenType, tok.ExpiresAt, tok.ExpiresIn)
	}

	// The token works at Graph itself, without the gateway (where another does not).
	for bearer, want := range map[string]int{tok.AccessToken: 200, "not-a-token": 401} {
		me, _ := http.NewRequest("GET", e.sb.URL()+"/v1.0/me", nil)
		me.Header.Set("Authorization", "Bearer "+bearer)
		resp, err := e.sb.Client().Do(me)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != want {
			t.Errorf("GET /v1.0/me at the sandbox: %d, want %d", resp.StatusCode, want)
		}
	}

	if st, body := do(t, api, "POST", tokenURL, keeper, ""); st != 403 || !strings.Contains(body, "authsome_export_not_granted") || strings.Contains(body, tok.AccessToken) {
		t.Errorf("an agent without export: %d %s", st, body)
	}
	if st, body := do(t, api, "POST", g.URL+"/v1/token/microsoft/nosuch", exporter, ""); st != 403 || !strings.Contains(body, "authsome_outside_grant") {
		t.Errorf("a connection outside the grant: %d %s", st, body)
	}
	if st, body := do(t, api, "GET", tokenURL, exporter, ""); st != 405 || strings.Contains(body, tok.AccessToken) {
		t.Errorf("GET: %d %s", st, body)
	}
	_, metrics := do(t, api, "GET", g.URL+"/metrics", "", "")
	if v := metricValue(t, metrics, "authsome_gateway_token_exports_total", `agent="exporter"`, `connection="microsoft:default"`); v != 1 {
		t.Errorf("token exports: %v, want 1", v)
	}

	// A graceful stop writes the audit entries still buffered.
	if err := g.cmd.Process.Signal(syscall.SIGTERM); err != nil {
		t.Fatal(err)
	}
	if err := g.cmd.Wait(); err != nil {
		t.Errorf("serve after SIGTERM: %v", err)
	}
	audit := readFile(t, filepath.Join(e.home, "profiles", "default", "audit.log"))
	var exports, refusals int
	for _, line := range strings.Split(audit, "\n") {
		switch {
		case strings.Contains(line, `"mode":"export"`) && strings.Contains(line, `"agent":"exporter"`) && strings.Contains(line, `"status":200`):
			exports++
		case strings.Contains(line, `"agent":"keeper"`) && strings.Contains(line, `"mode":"denied"`) && strings.Contains(line, `"status":403`):
			refusals++
		}
	}
	if exports != 1 || refusals != 1 {
		t.Errorf("audit: %d exports, %d refusals of keeper; want 1 each:\n%s", exports, refusals, audit)
	}
	for _, secret := range []string{tok.AccessToken, exporter, keeper} {
		if strings.Contains(audit, secret) || strings.Contains(g.logs.String(), secret) {
			t.Error("a secret is in the audit log or the gateway's logs")
		}
	}
}
