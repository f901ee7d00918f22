package msgraph

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/graphperm"
)

// maxErrorBody bounds how much of an error response is read.
const maxErrorBody = 1 << 20

// Error is an error response from Microsoft Graph: the HTTP status, Graph's
// error code and message, and the ids Microsoft support asks for.
//
// Error never holds a token: the request URL is kept without its query
// (which can carry pre-authenticated download tokens or personal data).
type Error struct {
	// StatusCode is the HTTP status, e.g. 404.
	StatusCode int
	// Code is Graph's error code, e.g. "ErrorItemNotFound", "Request_ResourceNotFound".
	Code string
	// Message is Graph's human-readable message.
	Message string
	// InnerCode is the code of the inner error, where Graph sends one.
	InnerCode string
	// Details are the error's details (for example per-field validation errors).
	Details []ErrorDetail
	// RequestID and ClientRequestID identify the request for Microsoft support.
	RequestID, ClientRequestID string
	// Date is when Graph answered, as Graph wrote it.
	Date string
	// RetryAfter is the wait the server asked for (429, 503), or zero.
	RetryAfter time.Duration

	// Method and Path describe the request: method, and the URL path without query.
	Method, Path string
	// Response is the HTTP response; its body has been read and closed.
	Response *http.Response `json:"-"`
}

// ErrorDetail is one entry of Graph's error.details.
type ErrorDetail struct {
	Code    string `json:"code"`
	Message string `json:"message"`
	Target  string `json:"target"`
}

func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("msgraph: ")
	if e.Method != "" {
		fmt.Fprintf(&b, "%s %s: ", e.Method, e.Path)
	}
	fmt.Fprintf(&b, "%d", e.StatusCode)
	if e.Code != "" {
		b.WriteString(" " + e.Code)
	}
	if e.Message != "" {
		b.WriteString(": " + e.Message)
	}
	var ids []string
	if e.RequestID != "" {
		ids = append(ids, "request-id "+e.RequestID)
	}
	if e.ClientRequestID != "" && e.ClientRequestID != e.RequestID {
		ids = append(ids, "client-request-id "+e.ClientRequestID)
	}
	if e.Date != "" {
		ids = append(ids, "date "+e.Date)
	}
	if len(ids) > 0 {
		b.WriteString(" (" + strings.Join(ids, ", ") + ")")
	}
	if e.StatusCode == http.StatusForbidden {
		if hint := e.permissionHint(); hint != "" {
			b.WriteString("; " + hint)
		}
	}
	return b.String()
}

// NeededPermissions returns the least privileged permissions Microsoft lists
// for the request that failed (by its method and path): delegated, for a
// token with a signed-in user, and application, for an app-only token; ""
// where it lists none or does not know the request. After a 403 it names
// the permission to add (to the login's scopes, or the app's roles).
func (e *Error) NeededPermissions() (delegated, application string) {
	if e.Method == "" || e.Path == "" {
		return "", ""
	}
	g, _, ok := graphperm.Lookup(e.Method, e.Path)
	if !ok {
		return "", ""
	}
	return g.LeastDelegated, g.LeastApplication
}

// permissionHint says which permission the request needs, or "".
func (e *Error) permissionHint() string {
	d, a := e.NeededPermissions()
	switch {
	case d != "" && a != "":
		return "the request needs the permission " + d + " (delegated) or " + a + " (app-only)"
	case d != "":
		return "the request needs the delegated permission " + d
	case a != "":
		return "the request needs the application permission " + a
	}
	return ""
}

// ThrottleError is returned when Graph kept throttling a request (429, 503 or
// 504) after the client's retries, or asked for a wait longer than
// [RetryPolicy.MaxWait]. RetryAfter is the wait Graph asked for last.
type ThrottleError struct {
	Err        *Error
	RetryAfter time.Duration
	// Attempts is how many times the request was sent.
	Attempts int
}

func (e *ThrottleError) Error() string {
	s := e.Err.Error() + fmt.Sprintf(" (throttled; %d attempts", e.Attempts)
	if e.RetryAfter > 0 {
		s += ", server asks to retry after " + e.RetryAfter.String()
	}
	return s + ")"
}

// Unwrap returns the last Graph error.
func (e *ThrottleError) Unwrap() error { return e.Err }

// IsNotFound reports whether err is a Graph 404.
func IsNotFound(err error) bool { return statusOf(err) == http.StatusNotFound }

// IsThrottled reports whether err is a throttling error (429, 503 or 504).
func IsThrottled(err error) bool {
	var t *ThrottleError
	if errors.As(err, &t) {
		return true
	}
	return retryableStatus(statusOf(err))
}

// StatusCode returns the HTTP status of a Graph error, or 0.
func StatusCode(err error) int { return statusOf(err) }

func statusOf(err error) int {
	var e *Error
	if errors.As(err, &e) {
		return e.StatusCode
	}
	return 0
}

// graphErrorJSON is Graph's error body.
type graphErrorJSON struct {
	Error struct {
		Code       string        `json:"code"`
		Message    string        `json:"message"`
		Details    []ErrorDetail `json:"details"`
		InnerError struct {
			Code            string `json:"code"`
			Date            string `json:"date"`
			RequestID       string `json:"request-id"`
			ClientRequestID string `json:"client-request-id"`
		} `json:"innerError"`
	} `json:"error"`
}

// CheckResponse returns nil for a 2xx response and an *Error otherwise. It
// reads (at most 1 MiB of) the body of an error response and replaces it
// with a copy, so the caller can still read it.
func CheckResponse(resp *http.Response) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	e := &Error{
		StatusCode:      resp.StatusCode,
		RequestID:       resp.Header.Get("request-id"),
		ClientRequestID: resp.Header.Get("client-request-id"),
		RetryAfter:      parseRetryAfter(resp.Header.Get("Retry-After"), time.Now()),
		Response:        resp,
	}
	if resp.Request != nil {
		e.Method, e.Path = resp.Request.Method, resp.Request.URL.EscapedPath()
	}
	var data []byte
	if resp.Body != nil {
		data, _ = io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		resp.Body = io.NopCloser(bytes.NewReader(data))
	}
	var body graphErrorJSON
	if json.Unmarshal(data, &body) == nil && body.Error.Code != "" {
		g := body.Error
		e.Code, e.Message, e.Details = g.Code, g.Message, g.Details
		e.InnerCode, e.Date = g.InnerError.Code, g.InnerError.Date
		if e.RequestID == "" {
			e.RequestID = g.InnerError.RequestID
		}
		if e.ClientRequestID == "" {
			e.ClientRequestID = g.InnerError.ClientRequestID
		}
	} else if len(data) > 0 && isText(resp.Header.Get("Content-Type")) {
		e.Message = strings.TrimSpace(string(data[:min(len(data), 300)]))
	}
	if e.Message == "" {
		e.Message = http.StatusText(resp.StatusCode)
	}
	return e
}

func isText(ct string) bool {
	return strings.HasPrefix(ct, "text/plain") || strings.HasPrefix(ct, "application/json")
}
