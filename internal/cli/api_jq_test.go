package cli

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
)

const jqDoc = `{"value":[{"subject":"Hi","isRead":false,"size":10,"to":{"name":"Ann"}},
{"subject":"Re: Hi","isRead":true,"size":2.5e1,"to":{"name":"Bob"}},
{"subject":"Fwd","isRead":false,"size":-3,"to":null}],"@odata.count":3,"ünï":"ĉode","a b":[1,2]}`

func TestJQ(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct{ expr, want string }{
		{".", `{"@odata.count":3,"a b":[1,2],"value":[{"isRead":false,"size":10,"subject":"Hi","to":{"name":"Ann"}},{"isRead":true,"size":2.5e1,"subject":"Re: Hi","to":{"name":"Bob"}},{"isRead":false,"size":-3,"subject":"Fwd","to":null}],"ünï":"ĉode"}` + "\n"},
		{".value[0].subject", "Hi\n"},
		{".value[-1].subject", "Fwd\n"},
		{".value[7]", "null\n"},
		{".value[].subject", "Hi\nRe: Hi\nFwd\n"},
		{".value | .[] | .to.name", "Ann\nBob\nnull\n"},
		{`.value[] | select(.isRead == false) | .subject`, "Hi\nFwd\n"},
		{`.value[] | select(.isRead != false) | .subject`, "Re: Hi\n"},
		{`.value[] | select(.size == 25) | .subject`, "Re: Hi\n"},
		{`.value[] | select(.to.name == "Bob") | .size`, "2.5e1\n"},
		{`.value[] | select(.to == null) | .subject`, "Fwd\n"},
		{`.value[] | select(.subject != "Hi")|.subject`, "Re: Hi\nFwd\n"},
		{`."@odata.count"`, "3\n"},
		{`.["a b"][1]`, "2\n"},
		{`.["a b"] | length`, "2\n"},
		{`."ünï" | length`, "4\n"},
		{`.value | length`, "3\n"},
		{`.value[2].size | length`, "3\n"},
		{`.nothing | length`, "0\n"},
		{`.nothing.deeper`, "null\n"},
		{`keys`, `["@odata.count","a b","value","ünï"]` + "\n"},
		{`.["a b"] | keys`, "[0,1]\n"},
		{`.value[0] | keys | .[0]`, "isRead\n"},
		{`.value[0].to[]`, "Ann\n"},
	} {
		f, err := compileJQ(tc.expr)
		if err != nil {
			t.Errorf("compileJQ(%q): %v", tc.expr, err)
			continue
		}
		var out bytes.Buffer
		if err := runJQ(&out, f, []byte(jqDoc), false); err != nil {
			t.Errorf("%q: %v", tc.expr, err)
			continue
		}
		if out.String() != tc.want {
			t.Errorf("%q = %q, want %q", tc.expr, out.String(), tc.want)
		}
	}
}

func TestJQPretty(t *testing.T) {
	t.Parallel()
	f, err := compileJQ(".value[0].to")
	if err != nil {
		t.Fatal(err)
	}
	var out bytes.Buffer
	if err := runJQ(&out, f, []byte(jqDoc), true); err != nil {
		t.Fatal(err)
	}
	if want := "{\n  \"name\": \"Ann\"\n}\n"; out.String() != want {
		t.Errorf("pretty = %q, want %q", out.String(), want)
	}
}

func TestJQUnsupported(t *testing.T) {
	t.Parallel()
	for _, expr := range []string{"", "..", ".a[", ".a[x]", "map(.a)", ".a | ", "select(.a > 1)", "select(.a == {})",
		`select(.a == "x"`, ".a[]?", ".a,.b", "length(1)", "select .a", ".value [1] . subject", `."unterminated`, "to_entries"} {
		_, err := compileJQ(expr)
		if err == nil {
			t.Errorf("compileJQ(%q) succeeded, want an error", expr)
			continue
		}
		if !strings.Contains(err.Error(), "supported: ") || !errors.As(err, new(*usageError)) {
			t.Errorf("compileJQ(%q) = %v, want a usage error naming what is supported", expr, err)
		}
	}
	for expr, want := range map[string]string{
		".value.subject":            "cannot index an array with \"subject\"",
		".value[0][0]":              "cannot index an object with a number",
		".value[0].size[]":          "cannot iterate over a number",
		".value[0].isRead | length": "a boolean has no length",
		"length | keys":             "a number has no keys",
	} {
		f, err := compileJQ(expr)
		if err != nil {
			t.Errorf("compileJQ(%q): %v", expr, err)
			continue
		}
		err = runJQ(&bytes.Buffer{}, f, []byte(jqDoc), false)
		if err == nil || !strings.Contains(err.Error(), want) {
			t.Errorf("%q: error %v, want %q", expr, err, want)
		}
	}
	f, _ := compileJQ(".")
	if err := runJQ(&bytes.Buffer{}, f, []byte("<html>"), false); err == nil || !strings.Contains(err.Error(), "not JSON") {
		t.Errorf("a body that is not JSON: %v", err)
	}
}

// TestAPIJQInclude: --jq filters what Graph answered; -i prints the status line and headers
// (but no Authorization) before the body; a 403 of an app-only connection names the
// application permission the request needs.
func TestAPIJQInclude(t *testing.T) {
	t.Parallel()
	home := apiHome(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		w.Header().Set("Content-Type", "application/json")
		w.Header().Set("Authorization", "Bearer must-not-show")
		w.Header().Set("Request-Id", "req-1")
		if strings.HasSuffix(r.URL.Path, "/sendMail") {
			w.WriteHeader(http.StatusForbidden)
			w.Write([]byte(`{"error":{"code":"ErrorAccessDenied","message":"Access is denied."}}`))
			return
		}
		w.Write([]byte(`{"value":[{"displayName":"Ann","id":"1"},{"displayName":"Bob","id":"2"}]}`))
	}))

	r := runHome(t, home, "api", "--jq", `.value[] | select(.id != "1") | .displayName`, "/users")
	wantCode(t, r, 0)
	if r.stdout != "Bob\n" {
		t.Errorf("--jq stdout %q", r.stdout)
	}
	r = runHome(t, home, "api", "--jq", ".value | map(.id)", "/users")
	wantCode(t, r, exitUsage)

	r = runHome(t, home, "api", "-i", "/users")
	wantCode(t, r, 0)
	head, body, ok := strings.Cut(r.stdout, "\n\n")
	if !ok || !strings.HasPrefix(head, "HTTP/1.1 200 OK\n") || !strings.Contains(head, "\nRequest-Id: req-1") ||
		!strings.Contains(head, "\nContent-Type: application/json") || !strings.HasPrefix(body, `{"value":`) {
		t.Errorf("-i stdout %q", r.stdout)
	}
	if strings.Contains(r.stdout, "must-not-show") || strings.Contains(r.stdout, "Authorization") {
		t.Errorf("-i printed an Authorization header: %q", r.stdout)
	}
	r = runHome(t, home, "api", "-i", "--paginate", "/users")
	wantCode(t, r, exitUsage)

	r = runHome(t, home, "api", "-i", "-d", `{"message":{}}`, "/me/sendMail")
	if r.code == 0 || !strings.HasPrefix(r.stdout, "HTTP/1.1 403 Forbidden\n") || !strings.Contains(r.stdout, "ErrorAccessDenied") {
		t.Errorf("403 -i: code %d stdout %q", r.code, r.stdout)
	}
	if line := oneLine(t, r); !strings.Contains(line, "Graph answered 403") || !strings.Contains(line, "application permission Mail.Send") {
		t.Errorf("403 of an app-only connection: %q", line)
	}
}

// TestAPIForbiddenHint: a 403 from the sandbox for a delegated connection says which
// permission the request needs and the login command that adds it.
func TestAPIForbiddenHint(t *testing.T) {
	t.Parallel()
	home, _ := driveHome(t)
	r := runHome(t, home, "api", "-d", `{"message":{"subject":"x","toRecipients":[]}}`, "/me/sendMail")
	if r.code == 0 {
		t.Fatalf("sendMail without Mail.Send succeeded: %q", r.stdout)
	}
	line := oneLine(t, r)
	if want := "the request needs Mail.Send; add it with: authsome login microsoft --scopes +Mail.Send"; !strings.Contains(line, want) {
		t.Errorf("stderr %q, want it to contain %q", line, want)
	}
}
