package oauth

import (
	"errors"
	"fmt"
	"strings"
	"testing"

	"github.com/google/go-cmp/cmp"
)

// msBody is a token error as Microsoft sends it.
const msBody = `{"error":"invalid_grant","error_description":"AADSTS70008: The provided authorization code or refresh token has expired due to inactivity. Send a new interactive authorization request for this user and resource. Trace ID: 0b5c5bd3-81b6-4d3a-9c2e-4a2b1c9d6e00 Correlation ID: 7a1f2e3d-4c5b-6a79-8e0f-112233445566 Timestamp: 2025-03-01 10:00:00Z","error_codes":[70008],"timestamp":"2025-03-01 10:00:00Z","trace_id":"0b5c5bd3-81b6-4d3a-9c2e-4a2b1c9d6e00","correlation_id":"7a1f2e3d-4c5b-6a79-8e0f-112233445566","error_uri":"https://login.microsoftonline.com/error?code=70008"}`

func TestParseMicrosoftError(t *testing.T) {
	t.Parallel()
	_, err := ParseTokenResponse(400, []byte(msBody), fixedNow)
	var oe *Error
	if !errors.As(err, &oe) {
		t.Fatalf("err = %T %v", err, err)
	}
	want := &Error{
		StatusCode:    400,
		Code:          "invalid_grant",
		Description:   oe.Description,
		URI:           "https://login.microsoftonline.com/error?code=70008",
		ErrorCodes:    []int{70008},
		TraceID:       "0b5c5bd3-81b6-4d3a-9c2e-4a2b1c9d6e00",
		CorrelationID: "7a1f2e3d-4c5b-6a79-8e0f-112233445566",
		Timestamp:     "2025-03-01 10:00:00Z",
	}
	if diff := cmp.Diff(want, oe); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	if !strings.HasPrefix(oe.Description, "AADSTS70008: The provided") {
		t.Errorf("Description = %q", oe.Description)
	}
	msg := err.Error()
	for _, s := range []string{"oauth: invalid_grant AADSTS70008: The provided authorization code",
		"(trace 0b5c5bd3-81b6-4d3a-9c2e-4a2b1c9d6e00, correlation 7a1f2e3d-4c5b-6a79-8e0f-112233445566)"} {
		if !strings.Contains(msg, s) {
			t.Errorf("Error() = %q, missing %q", msg, s)
		}
	}
	if strings.Count(msg, "AADSTS70008") != 1 {
		t.Errorf("code repeated: %q", msg)
	}
	if oe.Hint() == "" || !oe.NeedsLogin() {
		t.Errorf("Hint %q NeedsLogin %v", oe.Hint(), oe.NeedsLogin())
	}
}

func TestErrorMessage(t *testing.T) {
	t.Parallel()
	tests := []struct {
		e    Error
		want string
	}{
		{Error{Code: "invalid_client", Description: "AADSTS7000218: The request body must contain client_assertion or client_secret.\r\nTrace ID: t1\r\nCorrelation ID: c1\r\nTimestamp: x"},
			"oauth: invalid_client AADSTS7000218: The request body must contain client_assertion or client_secret."},
		{Error{Code: "invalid_grant", ErrorCodes: []int{50173}, Description: "The grant has been revoked."},
			"oauth: invalid_grant AADSTS50173: The grant has been revoked."},
		{Error{Code: "invalid_grant", ErrorCodes: []int{50173}}, "oauth: invalid_grant AADSTS50173"},
		{Error{StatusCode: 500, Code: "server_error"}, "oauth: server_error (HTTP 500)"},
		{Error{StatusCode: 400}, "oauth: error (HTTP 400)"},
		{Error{Code: "invalid_request", Description: "token eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJl \x1b]0;pwn\x07 echoed"},
			"oauth: invalid_request token REDACTED ]0;pwn echoed"},
	}
	for _, tt := range tests {
		if got := tt.e.Error(); got != tt.want {
			t.Errorf("Error()\n got %q\nwant %q", got, tt.want)
		}
	}
	e := &Error{Code: "invalid_client", Description: "AADSTS7000218: x\r\nTrace ID: t1\r\nCorrelation ID: c1\r\nTimestamp: ts"}
	e.fillFromDescription()
	if e.TraceID != "t1" || e.CorrelationID != "c1" || e.Timestamp != "ts" {
		t.Errorf("fillFromDescription: %+v", e)
	}
}

func TestAADSTS(t *testing.T) {
	t.Parallel()
	for e, want := range map[*Error]int{
		{ErrorCodes: []int{50076, 50079}}:                       50076,
		{Description: "AADSTS700082: The refresh token has..."}: 700082,
		{Description: "no code here"}:                           0,
		{}:                                                      0,
	} {
		if got := e.AADSTS(); got != want {
			t.Errorf("%+v: AADSTS() = %d, want %d", e, got, want)
		}
	}
}

func TestHint(t *testing.T) {
	t.Parallel()
	tests := map[int]string{
		7000218: "Allow public client flows = Yes",
		700082:  "authsome login microsoft --force",
		70008:   "authsome login microsoft --force",
		50173:   "authsome login microsoft --force",
		70043:   "authsome login microsoft --force",
		50089:   "authsome login microsoft --force",
		53003:   "Conditional Access",
		50131:   "authsome login microsoft --flow pkce",
		65001:   "consent",
		50011:   "Mobile and desktop applications",
		700016:  "not found",
		9001023: "not common",
		700025:  "must not send a client secret",
		50076:   "multi-factor",
		50079:   "multi-factor",
		90002:   "tenant not found",
		50126:   "wrong username or password",
		501481:  "verifier",
		50194:   "single-tenant",
		1:       "",
	}
	for code, want := range tests {
		got := (&Error{ErrorCodes: []int{code}}).Hint()
		if want == "" && got != "" || !strings.Contains(got, want) {
			t.Errorf("Hint(%d) = %q, want it to contain %q", code, got, want)
		}
	}
	if !strings.Contains((&Error{Description: "AADSTS50011: The redirect URI"}).Hint(), "http://127.0.0.1") {
		t.Error("50011 hint from description")
	}
	// The 50011 hint names both forms and the one this sign-in sent.
	h := (&Error{ErrorCodes: []int{50011}, RedirectURI: "http://127.0.0.1:7998/auth/callback/oauth"}).Hint()
	for _, want := range []string{"http://127.0.0.1:7998 ", "http://127.0.0.1:7998/auth/callback/oauth ", "sent http://127.0.0.1:7998/auth/callback/oauth", "--redirect-uri"} {
		if !strings.Contains(h, want) {
			t.Errorf("50011 hint %q lacks %q", h, want)
		}
	}
	if h := (&Error{ErrorCodes: []int{50011}}).Hint(); strings.Contains(h, "sent") {
		t.Errorf("50011 hint without a known redirect claims one was sent: %q", h)
	}
}

func TestNeedsLoginAndIs(t *testing.T) {
	t.Parallel()
	for code, want := range map[string]bool{"invalid_grant": true, "interaction_required": true,
		"invalid_client": false, "temporarily_unavailable": false} {
		if got := (&Error{Code: code}).NeedsLogin(); got != want {
			t.Errorf("NeedsLogin(%s) = %v", code, got)
		}
	}
	wrap := func(code string) error { return fmt.Errorf("login: %w", &Error{Code: code}) }
	if !errors.Is(wrap("authorization_declined"), ErrDeclined) || !errors.Is(wrap("access_denied"), ErrDeclined) {
		t.Error("declined not matched")
	}
	if !errors.Is(wrap("expired_token"), ErrExpired) || errors.Is(wrap("invalid_grant"), ErrExpired) {
		t.Error("expired matching wrong")
	}
}
