package m365mcp

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
	"github.com/modelcontextprotocol/go-sdk/mcp"
)

func TestListTools(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	var names []string
	for tool, err := range cs.Tools(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tool.Name)
		for what, sch := range map[string]any{"input": tool.InputSchema, "output": tool.OutputSchema} {
			b, _ := json.Marshal(sch)
			var s jsonschema.Schema
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatalf("%s: %s schema: %v", tool.Name, what, err)
			}
			if _, err := s.Resolve(nil); err != nil || s.Type != "object" {
				t.Errorf("%s: %s schema %s: %v", tool.Name, what, b, err)
			}
		}
		if tool.Description == "" || tool.Annotations == nil || tool.Annotations.DestructiveHint == nil {
			t.Errorf("%s: no description or annotations", tool.Name)
		}
	}
	if len(names) != len(e.server(t, Options{}).tools) || len(names) < 25 {
		t.Errorf("tools: %v", names)
	}
	t.Log(names)
}

// TestHTTPHandler: the streamable HTTP handler wants the secret, and then serves MCP.
func TestHTTPHandler(t *testing.T) {
	e := newEnv(t)
	ts := httptest.NewServer(e.server(t, Options{ReadOnly: true}).HTTPHandler("s3cret"))
	t.Cleanup(ts.Close)
	for _, auth := range []string{"", "Bearer wrong", "s3cret"} {
		req, _ := http.NewRequest("POST", ts.URL, strings.NewReader(`{"jsonrpc":"2.0","id":1,"method":"ping"}`))
		req.Header.Set("Authorization", auth)
		resp, err := http.DefaultClient.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		resp.Body.Close()
		if resp.StatusCode != http.StatusUnauthorized {
			t.Errorf("Authorization %q: %s", auth, resp.Status)
		}
	}
	hc := &http.Client{Transport: roundTripFunc(func(r *http.Request) (*http.Response, error) {
		r = r.Clone(r.Context())
		r.Header.Set("Authorization", "Bearer s3cret")
		return http.DefaultTransport.RoundTrip(r)
	})}
	cs, err := mcp.NewClient(&mcp.Implementation{Name: "t", Version: "v0"}, nil).Connect(t.Context(),
		&mcp.StreamableClientTransport{Endpoint: ts.URL, HTTPClient: hc}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer cs.Close()
	var l MessageList
	call(t, cs, "mail_list", map[string]any{"top": 1}, &l)
	if len(l.Messages) != 1 {
		t.Errorf("mail_list over HTTP: %+v", l)
	}
}

type roundTripFunc func(*http.Request) (*http.Response, error)

func (f roundTripFunc) RoundTrip(r *http.Request) (*http.Response, error) { return f(r) }
