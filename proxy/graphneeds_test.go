package proxy

import (
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// TestAuditNeedsOnGraph403: a request with a credential that Graph answers 403 is audited with
// the permission it needs and the command that adds it; a 200, or a 403 from another host, is
// not; the line in the audit file carries both, and an older line without them still reads.
func TestAuditNeedsOnGraph403(t *testing.T) {
	t.Parallel()
	h := newHarness(t, setup{})
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Path == "/v1.0/me/sendMail" {
			w.WriteHeader(http.StatusForbidden)
			return
		}
		w.Write([]byte("ok"))
	})
	c := h.client(false)
	for _, u := range []string{"https://" + graphHost + "/v1.0/me/sendMail", "https://" + graphHost + "/v1.0/me/messages"} {
		resp, _, err := h.get(c, "POST", u)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
	}
	es := h.waitEntries(2)
	if len(es) != 2 {
		t.Fatalf("%d entries, want 2", len(es))
	}
	byPath := map[string]Entry{}
	for _, e := range es {
		byPath[e.Path] = e
	}
	denied := byPath["/v1.0/me/sendMail"]
	if denied.Status != 403 || denied.Needs != "Mail.Send" || denied.Hint != "authsome login microsoft --scopes +Mail.Send" {
		t.Errorf("403 entry: status %d, needs %q, hint %q", denied.Status, denied.Needs, denied.Hint)
	}
	if ok := byPath["/v1.0/me/messages"]; ok.Needs != "" || ok.Hint != "" {
		t.Errorf("200 entry has needs %q, hint %q", ok.Needs, ok.Hint)
	}

	path := filepath.Join(t.TempDir(), "audit.jsonl")
	a, err := OpenAuditFile(path)
	if err != nil {
		t.Fatal(err)
	}
	a.Write(denied)
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}
	old := `{"time":"2026-01-02T03:04:05Z","provider":"microsoft","method":"GET","host":"graph.microsoft.com","path":"/v1.0/me","status":403,"bytes_in":0,"bytes_out":0,"duration_ms":1,"injected":true,"mode":"mitm"}` + "\n"
	f, err := os.OpenFile(path, os.O_APPEND|os.O_WRONLY, 0o600)
	if err != nil {
		t.Fatal(err)
	}
	f.WriteString(old)
	f.Close()
	recs, err := ReadAudit(path, 10)
	if err != nil || len(recs) != 2 {
		t.Fatalf("ReadAudit: %d records, %v", len(recs), err)
	}
	if recs[0].Needs != "Mail.Send" || !strings.Contains(recs[0].Hint, "--scopes +Mail.Send") {
		t.Errorf("record read back: needs %q, hint %q", recs[0].Needs, recs[0].Hint)
	}
	if recs[1].Needs != "" || recs[1].Status != 403 {
		t.Errorf("older record: %+v", recs[1])
	}
}

func TestGraphNeeds(t *testing.T) {
	t.Parallel()
	for _, tt := range []struct{ prov, conn, method, host, path, needs, hint string }{
		{"microsoft", "work", "POST", "graph.microsoft.com", "/v1.0/me/sendMail", "Mail.Send", "authsome login microsoft --scopes +Mail.Send --connection work"},
		{"microsoft", "default", "GET", "graph.microsoft.us", "/v1.0/me/contacts", "Contacts.Read", "authsome login microsoft --scopes +Contacts.Read"},
		{"github", "", "POST", "api.github.com", "/v1.0/me/sendMail", "", ""},
		{"microsoft", "", "GET", "graph.microsoft.com", "/v1.0/no/such/thing", "", ""},
	} {
		needs, hint := GraphNeeds(tt.prov, tt.conn, tt.method, tt.host, tt.path)
		if needs != tt.needs || hint != tt.hint {
			t.Errorf("GraphNeeds(%s %s%s) = %q, %q; want %q, %q", tt.method, tt.host, tt.path, needs, hint, tt.needs, tt.hint)
		}
	}
}
