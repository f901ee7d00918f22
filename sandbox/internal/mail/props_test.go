package mail

import (
	"encoding/json"
	"net/http/httptest"
	"net/url"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestSettersNameSchemaProperties: every setter sits behind a property of
// Graph's type, so none is unreachable by a misspelt name.
func TestSettersNameSchemaProperties(t *testing.T) {
	t.Parallel()
	if u := messageSetters.Unknown("message"); len(u) > 0 {
		t.Errorf("message setters for properties Graph's message does not have: %v", u)
	}
	if u := folderSetters.Unknown("mailFolder"); len(u) > 0 {
		t.Errorf("mail folder setters for properties Graph's mailFolder does not have: %v", u)
	}
}

// TestExtendedPropertiesSurvive: a message's extended properties come back
// from the journal and from a snapshot.
func TestExtendedPropertiesSurvive(t *testing.T) {
	t.Parallel()
	e := kittest.New(t, newWorkload)
	adele := kittest.UserToken(directory.AdeleVanceID, "Mail.ReadWrite")
	const color = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
	id := do(t, e, 201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Ext",
		"singleValueExtendedProperties": []any{map[string]any{"id": color, "value": "green"}}})["id"].(string)
	get := "/v1.0/me/messages/" + id + "?$expand=" + url.QueryEscape("singleValueExtendedProperties($filter=id eq '"+color+"')")
	replayed := New(e.Kit)
	for _, r := range e.Log {
		if err := replayed.Apply(r.Key, r.Value); err != nil {
			t.Fatal(err)
		}
	}
	snap, err := e.W.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	restored := New(e.Kit)
	if err := restored.Restore(snap); err != nil {
		t.Fatal(err)
	}
	for name, w := range map[string]*Workload{"journal": replayed, "snapshot": restored} {
		mux := graphkit.NewMux()
		w.Routes(mux)
		req := httptest.NewRequest("GET", get, nil)
		req.Header.Set("Authorization", "Bearer "+adele)
		rec := httptest.NewRecorder()
		mux.ServeHTTP(rec, req)
		var m struct {
			Ext []singleExt `json:"singleValueExtendedProperties"`
		}
		_ = json.Unmarshal(rec.Body.Bytes(), &m)
		if rec.Code != 200 || len(m.Ext) != 1 || m.Ext[0].Value == nil || *m.Ext[0].Value != "green" {
			t.Errorf("from the %s: %d %s", name, rec.Code, rec.Body)
		}
	}
}
