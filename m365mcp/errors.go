package m365mcp

import (
	"errors"
	"fmt"
	"net/http"
	"strings"
	"time"

	"github.com/authsome-go/authsome/msgraph"
)

// inputError is a mistake in a tool's input, said so a model can fix it.
type inputError struct{ msg string }

func (e *inputError) Error() string { return e.msg }

func badInput(format string, args ...any) error { return &inputError{fmt.Sprintf(format, args...)} }

// toolError rewrites err as a tool error a model can act on: what went
// wrong, and what to do about it. Graph's errors never hold a token.
func (s *Server) toolError(err error) error {
	var ie *inputError
	if errors.As(err, &ie) {
		return err
	}
	var te *msgraph.ThrottleError
	if errors.As(err, &te) {
		wait := max(te.RetryAfter, time.Second).Round(time.Second)
		return fmt.Errorf("Microsoft Graph is throttling requests: wait %s (retry after %d seconds), then try again; %s",
			wait, int(wait.Seconds()), te.Err.Message)
	}
	var wrapped *msgraph.Error
	if !errors.As(err, &wrapped) {
		return fmt.Errorf("the request did not complete: %v", err)
	}
	ge := *wrapped
	ge.Path = graphPath(ge.Path)
	switch ge.StatusCode {
	case http.StatusNotFound:
		return fmt.Errorf("not found (%s %s: %s): check the id, which must come from a list or search tool of this server", ge.Method, ge.Path, ge.Code)
	case http.StatusUnauthorized:
		return fmt.Errorf("Microsoft Graph refused the sign-in (%s); the user must sign in again: %s", ge.Code, s.loginHint(""))
	case http.StatusForbidden:
		if d, _ := ge.NeededPermissions(); d != "" {
			return fmt.Errorf("the connection lacks the permission %s for %s %s; the user can add it with: %s, then call the tool again",
				d, ge.Method, ge.Path, s.loginHint(d))
		}
		return fmt.Errorf("access denied (%s: %s); the signed-in user may not have access to this item", ge.Code, ge.Message)
	case http.StatusTooManyRequests, http.StatusServiceUnavailable:
		return fmt.Errorf("Microsoft Graph is busy (%d %s); try again in a minute", ge.StatusCode, ge.Code)
	}
	if ge.StatusCode >= 400 && ge.StatusCode < 500 {
		return fmt.Errorf("Microsoft Graph refused the request (%d %s: %s); change the input and try again", ge.StatusCode, ge.Code, ge.Message)
	}
	return fmt.Errorf("Microsoft Graph failed (%d %s: %s); try again later", ge.StatusCode, ge.Code, ge.Message)
}

// graphPath is path from its Graph version on ("/v1.0/me/..."): inside
// `authsome run` a request's path starts with run's base-URL prefix, which
// neither the model nor the permission table needs.
func graphPath(path string) string {
	for _, v := range []string{"/v1.0/", "/beta/"} {
		if i := strings.Index(path, v); i >= 0 {
			return path[i:]
		}
	}
	return path
}

// loginHint is the command that signs in again, adding scope if not "".
func (s *Server) loginHint(scope string) string {
	cmd := "authsome login microsoft"
	if s.opts.Connection != "" {
		cmd += " --connection " + s.opts.Connection
	}
	if scope != "" {
		cmd += " --scopes +" + scope
	}
	return cmd
}
