package cli

import (
	"encoding/json"
	"net/http"
	"testing"

	"github.com/authsome-go/authsome/msgraph"
)

// TestLoginJSONDefault: login --json says is_default true for the provider's first
// connection, false for a second one.
func TestLoginJSONDefault(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	isDefault := func(stdin string, args ...string) bool {
		t.Helper()
		r := run(t, stdin, append([]string{"--home", home, "--json", "login", "openai", "--api-key-stdin"}, args...)...)
		wantCode(t, r, exitOK)
		var out struct {
			Record struct {
				Default bool `json:"is_default"`
			} `json:"record"`
		}
		if err := json.Unmarshal([]byte(r.stdout), &out); err != nil {
			t.Fatalf("%v: %s", err, r.stdout)
		}
		return out.Record.Default
	}
	if !isDefault("sk-test-first-0000000000000000000\n") {
		t.Error("the first connection is not the default")
	}
	if isDefault("sk-test-second-000000000000000000\n", "--connection", "second") {
		t.Error("a second connection says it is the default")
	}
}

// TestGraphErrorCodes: a failed Graph call gets an error code from its status in --json.
func TestGraphErrorCodes(t *testing.T) {
	t.Parallel()
	for status, want := range map[int]string{
		http.StatusNotFound:            "not_found",
		http.StatusForbidden:           "forbidden",
		http.StatusBadRequest:          "bad_request",
		http.StatusConflict:            "conflict",
		http.StatusPreconditionFailed:  "precondition_failed",
		http.StatusInternalServerError: "server_error",
		http.StatusTeapot:              "graph_error",
	} {
		if _, got := classify(&graphFailure{msg: "x", err: &msgraph.Error{StatusCode: status}}); got != want {
			t.Errorf("%d: %q, want %q", status, got, want)
		}
	}
	if _, got := classify(&msgraph.ThrottleError{Err: &msgraph.Error{StatusCode: http.StatusServiceUnavailable}}); got != "throttled" {
		t.Errorf("throttled: %q", got)
	}
	if _, got := classify(notInDrive("a/b.txt")); got != "not_found" {
		t.Errorf("drive path not found: %q", got)
	}

	// End to end: `authsome api --json` on a Graph that answers 404 with its error body.
	home := apiHome(t, http.HandlerFunc(func(w http.ResponseWriter, _ *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusNotFound)
		w.Write([]byte(`{"error":{"code":"Request_ResourceNotFound","message":"Resource 'x' does not exist."}}`))
	}))
	r := runHome(t, home, "--json", "api", "/users/x")
	wantCode(t, r, exitError)
	var e errorJSON
	if err := json.Unmarshal([]byte(oneLine(t, r)), &e); err != nil || e.Error != "not_found" || e.ExitCode != exitError {
		t.Errorf("stderr %q (%v); want error not_found", r.stderr, err)
	}
}
