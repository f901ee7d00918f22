package proxy

import (
	"encoding/json"
	"fmt"
	"net/http"
	"testing"
	"time"
)

// TestCredentialRefusal: Credentials that cannot give a credential for now return a Refusal;
// the child gets its status, code and Retry-After instead of a 502.
func TestCredentialRefusal(t *testing.T) {
	refusal := &Refusal{Status: http.StatusServiceUnavailable, Code: "store_down", Message: "the store is down", RetryAfter: 1500 * time.Millisecond}
	h := newHarness(t, setup{creds: &fakeCreds{err: fmt.Errorf("reading: %w", refusal)}})
	resp, body, err := h.get(h.client(true), "GET", "https://graph.microsoft.com/v1.0/me")
	if err != nil {
		t.Fatal(err)
	}
	var out struct {
		Error struct{ Code, Message string }
	}
	if resp.StatusCode != http.StatusServiceUnavailable || resp.Header.Get("Retry-After") != "2" ||
		json.Unmarshal([]byte(body), &out) != nil || out.Error.Code != "store_down" || out.Error.Message != "the store is down" {
		t.Fatalf("got %s (Retry-After %q) %s", resp.Status, resp.Header.Get("Retry-After"), body)
	}
	if es := h.waitEntries(1); len(es) != 1 || es[0].Status != http.StatusServiceUnavailable || es[0].Injected {
		t.Fatalf("audit %+v", es)
	}
}
