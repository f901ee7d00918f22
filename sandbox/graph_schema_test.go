package sandbox

import (
	"encoding/json"
	"sort"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
)

// TestGraphMailSchema checks what the sandbox emits for mail against Graph's
// v1.0 schema: property names, JSON types and enum values.
func TestGraphMailSchema(t *testing.T) {
	t.Parallel()
	sc := graphschema.ForTest(t)
	check := func(where, typ string, v map[string]any) {
		t.Helper()
		data, _ := json.Marshal(v)
		for _, p := range sc.CheckJSON(typ, data) {
			t.Errorf("%s: %s", where, p)
		}
	}
	e := startMail(t)
	adele := e.as(0, rw)
	// Make the rarer shapes appear: a completed flag, headers, a text body.
	id := stableID(AdeleVanceID, "message", "3")
	e.must(200, "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{"flag": map[string]any{"flagStatus": "complete"},
		"inferenceClassification": "other", "importance": "low"}, nil)
	e.must(202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{"subject": "Headers",
		"body":                   map[string]any{"contentType": "text", "content": "x"},
		"toRecipients":           []any{map[string]any{"emailAddress": map[string]any{"address": "MeganB@" + TenantDomain, "name": "Megan"}}},
		"internetMessageHeaders": []any{map[string]any{"name": "X-Sandbox", "value": "1"}}}}, nil)

	// Every default property, and the two that only $select brings.
	var first struct{ Value []map[string]any }
	e.must(200, "GET", "/v1.0/me/messages?$top=1", adele, nil, &first)
	var props []string
	for k := range first.Value[0] {
		if k != "@odata.etag" && k != "id" {
			props = append(props, k)
		}
	}
	sort.Strings(props)
	for _, m := range e.all("/v1.0/me/messages?$top=100&$expand=attachments&$select=uniqueBody,internetMessageHeaders,"+strings.Join(props, ","), adele) {
		check("message "+m["subject"].(string), "message", m)
	}
	for _, f := range e.all("/v1.0/me/mailFolders/inbox/childFolders", adele) {
		check("folder", "mailFolder", f)
	}
	for _, f := range e.all("/v1.0/me/mailFolders?includeHiddenFolders=true", adele) {
		check("folder", "mailFolder", f)
	}
	for _, d := range e.all("/v1.0/me/mailFolders/drafts/messages", adele) {
		check("draft", "message", d)
	}
	delta, _ := e.deltaRound("/v1.0/me/mailFolders/inbox/messages/delta", adele)
	for _, m := range delta {
		check("delta", "message", m)
	}
}
