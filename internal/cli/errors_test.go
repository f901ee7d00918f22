package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

func TestClassify(t *testing.T) {
	t.Parallel()
	aad := &oauth.Error{StatusCode: 400, Code: "invalid_grant", Description: "AADSTS50173: The provided grant has expired.", ErrorCodes: []int{50173}}
	tests := []struct {
		name string
		err  error
		code int
		id   string
	}{
		{"usage", usagef("bad flag"), 2, "usage"},
		{"provider definition", &provider.ValidationError{Field: "name", Reason: "is required"}, 2, "usage"},
		{"connection not found", fmt.Errorf("%w: microsoft/work", broker.ErrConnectionNotFound), 3, "connection_not_found"},
		{"provider not found", fmt.Errorf("%w: %q", provider.ErrNotFound, "nosuch"), 4, "provider_not_found"},
		{"credential", &broker.CredentialError{Provider: "microsoft", Connection: "default", Reason: "refresh was refused", Err: aad}, 5, "credential_unavailable"},
		{"credential wrapped", fmt.Errorf("get: %w", &broker.CredentialError{Provider: "p", Connection: "c", Reason: "expired"}), 5, "credential_unavailable"},
		{"connection exists", fmt.Errorf("%w: openai/default", broker.ErrAlreadyExists), 6, "already_exists"},
		{"profile exists", fmt.Errorf("%w: %q", vault.ErrProfileExists, "work"), 6, "already_exists"},
		{"unreachable", fmt.Errorf("%w: dial tcp 127.0.0.1:1: connection refused", broker.ErrUnreachable), 8, "unreachable"},
		{"oauth error", aad, 2, "auth_failed"},
		{"oauth error wrapped", fmt.Errorf("login: %w", aad), 2, "auth_failed"},
		{"malformed token response", &oauth.MalformedResponseError{StatusCode: 200, Field: "access_token", Reason: "missing"}, 2, "auth_failed"},
		{"declined", fmt.Errorf("device code: %w", oauth.ErrDeclined), 2, "auth_failed"},
		{"device code expired", oauth.ErrExpired, 2, "auth_failed"},
		{"cancelled", fmt.Errorf("waiting: %w", context.Canceled), 2, "auth_failed"},
		{"timed out", context.DeadlineExceeded, 2, "auth_failed"},
		{"other", errors.New("disk full"), 1, "error"},
		{"other wrapped os error", fmt.Errorf("read: %w", fs.ErrPermission), 1, "error"},
		{"already reported", &silentError{code: 7}, 7, "error"},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			code, id := classify(tt.err)
			if code != tt.code || id != tt.id {
				t.Errorf("classify(%v) = %d, %q; want %d, %q", tt.err, code, id, tt.code, tt.id)
			}
		})
	}
}

func TestReportError(t *testing.T) {
	t.Parallel()
	aad := &oauth.Error{StatusCode: 400, Code: "invalid_grant", Description: "AADSTS50173: The provided grant has expired\r\ndue to it being revoked.", ErrorCodes: []int{50173}}

	var buf bytes.Buffer
	code := reportError(&buf, false, fmt.Errorf("refresh:\n%w", aad))
	if code != exitUsage {
		t.Errorf("code %d", code)
	}
	line := buf.String()
	if !strings.HasPrefix(line, "authsome: ") || strings.Count(line, "\n") != 1 || !strings.HasSuffix(line, "\n") {
		t.Errorf("not one line: %q", line)
	}
	if !strings.Contains(line, "50173") || strings.Contains(line, "\r") {
		t.Errorf("message %q lacks the AADSTS code or keeps a carriage return", line)
	}
	if h := aad.Hint(); h != "" && !strings.Contains(line, h) {
		t.Errorf("message %q lacks the hint %q", line, h)
	}

	buf.Reset()
	code = reportError(&buf, true, fmt.Errorf("%w: openai/x", broker.ErrConnectionNotFound))
	var v map[string]any
	if err := json.Unmarshal(buf.Bytes(), &v); err != nil {
		t.Fatalf("JSON error is not JSON: %q", buf.String())
	}
	if code != 3 || v["error"] != "connection_not_found" || v["exit_code"] != float64(3) || !strings.Contains(v["message"].(string), "openai/x") {
		t.Errorf("JSON error = %v (code %d)", v, code)
	}

	buf.Reset()
	if code := reportError(&buf, false, fmt.Errorf("login: %w", context.Canceled)); code != exitUsage || buf.String() != "authsome: cancelled\n" {
		t.Errorf("cancel = %d %q", code, buf.String())
	}

	buf.Reset()
	if code := reportError(&buf, true, &silentError{code: 42}); code != 42 || buf.Len() != 0 {
		t.Errorf("an already reported failure printed %q (code %d)", buf.String(), code)
	}
}

func TestWhen(t *testing.T) {
	t.Parallel()
	now := time.Date(2026, 3, 1, 12, 0, 0, 0, time.UTC)
	tests := []struct {
		t    time.Time
		tty  bool
		want string
	}{
		{time.Time{}, true, "-"},
		{time.Time{}, false, "-"},
		{now.Add(30 * time.Second), true, "in 30s"},
		{now.Add(-45 * time.Second), true, "45s ago"},
		{now.Add(52 * time.Minute), true, "in 52m"},
		{now.Add(-(3*time.Hour + 5*time.Minute)), true, "3h05m ago"},
		{now.Add(47*time.Hour + 59*time.Minute), true, "in 47h59m"},
		{now.Add(3*24*time.Hour + time.Hour), true, "in 3d"},
		{now.Add(-10 * 24 * time.Hour), true, "10d ago"},
		// Piped: an absolute UTC timestamp whatever the zone of the value.
		{now.Add(52 * time.Minute), false, "2026-03-01T12:52:00Z"},
		{time.Date(2026, 3, 1, 14, 0, 0, 0, time.FixedZone("CET", 3600)), false, "2026-03-01T13:00:00Z"},
		{now.Add(-time.Hour), false, "2026-03-01T11:00:00Z"},
	}
	for _, tt := range tests {
		if got := when(tt.t, now, tt.tty); got != tt.want {
			t.Errorf("when(%v, tty=%t) = %q, want %q", tt.t, tt.tty, got, tt.want)
		}
	}
}
