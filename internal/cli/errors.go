package cli

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// Exit codes (DESIGN §3).
const (
	exitOK                 = 0
	exitError              = 1
	exitUsage              = 2 // usage error, or sign-in failed or cancelled
	exitConnectionNotFound = 3
	exitProviderNotFound   = 4
	exitCredential         = 5
	exitAlreadyExists      = 6
	exitUnreachable        = 8
)

// usageError is a bad flag or argument; it exits 2.
type usageError struct{ msg string }

func (e *usageError) Error() string { return e.msg }

func usagef(format string, args ...any) error { return &usageError{fmt.Sprintf(format, args...)} }

// silentError carries an exit code for a failure that was already reported.
type silentError struct{ code int }

func (e *silentError) Error() string { return fmt.Sprintf("exit status %d", e.code) }

// errNotFound marks a failure about something that does not exist at the service (a drive
// path), so that --json names it not_found like Graph's own 404.
var errNotFound = errors.New("not found")

// graphFailure is a failed Graph call in the CLI's words (see graphError); it wraps Graph's
// error, whose status and code decide the --json error code (graphCode).
type graphFailure struct {
	msg string
	err *msgraph.Error
}

func (e *graphFailure) Error() string { return e.msg }
func (e *graphFailure) Unwrap() error { return e.err }

// graphCode is the --json error code of a Graph failure, from its status and Graph's error
// code: not_found, forbidden, throttled, bad_request, conflict, precondition_failed,
// too_large, server_error, else graph_error.
func graphCode(err error, ge *msgraph.Error) string {
	switch {
	case msgraph.IsThrottled(err), ge.StatusCode == http.StatusTooManyRequests, ge.Code == "activityLimitReached":
		return "throttled"
	case ge.StatusCode == http.StatusNotFound, strings.HasSuffix(ge.Code, "NotFound"):
		return "not_found"
	case ge.StatusCode == http.StatusForbidden, ge.Code == "accessDenied", ge.Code == "Authorization_RequestDenied":
		return "forbidden"
	case ge.StatusCode == http.StatusConflict, ge.Code == "nameAlreadyExists":
		return "conflict"
	case ge.StatusCode == http.StatusPreconditionFailed:
		return "precondition_failed"
	case ge.StatusCode == http.StatusRequestEntityTooLarge:
		return "too_large"
	case ge.StatusCode == http.StatusBadRequest:
		return "bad_request"
	case ge.StatusCode >= 500:
		return "server_error"
	}
	return "graph_error"
}

// classify maps an error to its exit code and a stable name for --json.
func classify(err error) (int, string) {
	var ue *usageError
	var se *silentError
	var ce *broker.CredentialError
	var oe *oauth.Error
	var me *oauth.MalformedResponseError
	var ve *provider.ValidationError
	var ge *msgraph.Error
	switch {
	case errors.As(err, &se):
		return se.code, "error"
	case errors.As(err, &ue), errors.As(err, &ve), errors.Is(err, vault.ErrInvalidProfileName), errors.Is(err, broker.ErrDuplicateProvider):
		return exitUsage, "usage"
	case errors.Is(err, broker.ErrConnectionNotFound):
		return exitConnectionNotFound, "connection_not_found"
	case errors.Is(err, provider.ErrNotFound):
		return exitProviderNotFound, "provider_not_found"
	case errors.Is(err, broker.ErrUnreachable): // before credential errors: the fix is the network
		return exitUnreachable, "unreachable"
	case errors.As(err, &ce):
		return exitCredential, "credential_unavailable"
	case errors.Is(err, broker.ErrAlreadyExists), errors.Is(err, vault.ErrProfileExists), errors.Is(err, provider.ErrExists):
		return exitAlreadyExists, "already_exists"
	case errors.As(err, &oe), errors.As(err, &me), errors.Is(err, oauth.ErrDeclined), errors.Is(err, oauth.ErrExpired),
		errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return exitUsage, "auth_failed"
	case errors.As(err, &ge):
		return exitError, graphCode(err, ge)
	case errors.Is(err, errNotFound):
		return exitError, "not_found"
	}
	return exitError, "error"
}

// message renders err as one line, with the actionable hint of identity-platform errors.
func message(err error) string {
	msg := err.Error()
	var oe *oauth.Error
	var ce *broker.CredentialError
	if errors.As(err, &oe) && !errors.As(err, &ce) { // a CredentialError already says what to do
		if h := oe.Hint(); h != "" {
			msg += " — " + h
		}
	}
	if errors.Is(err, context.Canceled) {
		msg = "cancelled"
	}
	return strings.Join(strings.Fields(strings.ReplaceAll(msg, "\n", " ")), " ")
}

// errorJSON is the --json form of a failure, one line on stderr (docs/json.md).
type errorJSON struct {
	V        int    `json:"v"`
	Error    string `json:"error"` // snake_case code, see classify
	Message  string `json:"message"`
	ExitCode int    `json:"exit_code"`
}

// reportError prints err as one line on w (or a JSON object) and returns the exit code.
func reportError(w io.Writer, asJSON bool, err error) int {
	code, name := classify(err)
	var se *silentError
	if errors.As(err, &se) {
		return code
	}
	if asJSON {
		b, _ := json.Marshal(errorJSON{V: jsonVersion, Error: name, Message: message(err), ExitCode: code})
		fmt.Fprintln(w, string(b))
	} else {
		fmt.Fprintln(w, "authsome: "+message(err))
	}
	return code
}
