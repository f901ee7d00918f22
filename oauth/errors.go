package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// ErrDeclined matches (with errors.Is) an [*Error] saying the user declined
// the request: authorization_declined (Microsoft) or access_denied (RFC).
var ErrDeclined = errors.New("oauth: the sign-in was declined")

// ErrExpired matches (with errors.Is) a device code that expired before the
// user finished: the server's expired_token, or the local expires_in deadline.
var ErrExpired = errors.New("oauth: the device code expired")

// Error is an OAuth error response (RFC 6749 §5.2), with the extra fields of
// the Microsoft identity platform.
//
// Microsoft advises branching on Code and using the AADSTS numbers only for
// diagnostics and hints; [Error.NeedsLogin] follows that advice.
type Error struct {
	StatusCode  int    // HTTP status; 0 for errors delivered to the redirect URI
	Code        string // "error", e.g. "invalid_grant"
	Description string // "error_description"; Microsoft's starts with "AADSTSnnnn:"
	URI         string // "error_uri"

	ErrorCodes    []int  // Microsoft "error_codes" (AADSTS numbers)
	TraceID       string // Microsoft "trace_id"
	CorrelationID string // Microsoft "correlation_id"
	Timestamp     string // Microsoft "timestamp"

	// RedirectURI is the redirect URI the sign-in sent, when known; the
	// AADSTS50011 hint names it.
	RedirectURI string
}

// Error returns one line such as
//
//	oauth: invalid_grant AADSTS70008: The provided authorization code or refresh token has expired ... (trace 0b5c…, correlation 7a1f…)
//
// It holds the first line of the description only, with control characters
// and token-like strings removed.
func (e *Error) Error() string {
	var b strings.Builder
	b.WriteString("oauth: ")
	code := cleanText(e.Code)
	if code == "" {
		code = "error"
	}
	b.WriteString(redactLongRuns(limitRunes(code, 64)))
	first := strings.TrimSpace(e.Description)
	if i := strings.IndexAny(first, "\r\n"); i >= 0 {
		first = first[:i]
	}
	first = redactLongRuns(limitRunes(cleanText(first), 300))
	if n := e.AADSTS(); n != 0 && !strings.Contains(first, "AADSTS"+strconv.Itoa(n)) {
		fmt.Fprintf(&b, " AADSTS%d", n)
		if first != "" {
			b.WriteByte(':')
		}
	}
	if first != "" {
		b.WriteString(" " + first)
	}
	var ids []string
	if e.TraceID != "" {
		ids = append(ids, "trace "+limitRunes(cleanText(e.TraceID), 64))
	}
	if e.CorrelationID != "" {
		ids = append(ids, "correlation "+limitRunes(cleanText(e.CorrelationID), 64))
	}
	if len(ids) > 0 {
		b.WriteString(" (" + strings.Join(ids, ", ") + ")")
	} else if e.StatusCode != 0 && first == "" {
		fmt.Fprintf(&b, " (HTTP %d)", e.StatusCode)
	}
	return b.String()
}

// Is makes errors.Is(err, ErrDeclined) and errors.Is(err, ErrExpired) work
// for the matching error codes.
func (e *Error) Is(target error) bool {
	switch target {
	case ErrDeclined:
		return e.Code == "authorization_declined" || e.Code == "access_denied"
	case ErrExpired:
		return e.Code == "expired_token"
	}
	return false
}

var aadstsRE = lazyre.New(`AADSTS(\d{1,9})`)

// AADSTS returns the Microsoft error number: the first of ErrorCodes, else
// the one named in the description ("AADSTS70008: ..."), else 0.
func (e *Error) AADSTS() int {
	if len(e.ErrorCodes) > 0 {
		return e.ErrorCodes[0]
	}
	if m := aadstsRE().FindStringSubmatch(e.Description); m != nil {
		n, _ := strconv.Atoi(m[1])
		return n
	}
	return 0
}

const (
	hintRelogin    = "the sign-in has expired or was revoked; run `authsome login microsoft --force`"
	hintBrowser    = "your organisation blocks this sign-in method (Conditional Access); use the browser flow: `authsome login microsoft --flow pkce`"
	hintMFA        = "multi-factor authentication is required; use the browser flow: `authsome login microsoft --flow pkce`"
	hintPublicFlow = "the app registration must allow public client flows (Authentication → Allow public client flows = Yes), or supply a client secret"
)

var hints = map[int]string{
	7000218: hintPublicFlow,
	700082:  hintRelogin,
	70008:   hintRelogin,
	50173:   hintRelogin,
	70043:   hintRelogin,
	50089:   hintRelogin,
	53003:   hintBrowser,
	50131:   hintBrowser,
	50076:   hintMFA,
	50079:   hintMFA,
	65001:   "consent is required: sign in with the browser flow and accept the permissions, or ask an administrator to grant consent for the app",
	90094:   "an administrator must grant consent for these permissions (Entra admin center → the app → API permissions → Grant admin consent)",
	500113:  "the app has no redirect URI: add http://127.0.0.1 under Authentication → Mobile and desktop applications",
	700016:  "the application (client) id was not found in this tenant: check the client id, --cloud and --tenant (the app must be registered in that cloud, and a single-tenant app needs its own tenant)",
	9001023: "client credentials and password sign-in need a tenant id or domain, not common or consumers: pass --tenant",
	700025:  "the app is a public client and must not send a client secret: remove the secret, or register a confidential client",
	90002:   "tenant not found: check --tenant (a tenant GUID or verified domain) and --cloud",
	50126:   "wrong username or password",
	50034:   "the account does not exist in this tenant: check the username and --tenant",
	501481:  "the PKCE code verifier did not match the challenge; start the sign-in again",
	54005:   "the authorization code was already redeemed; start the sign-in again",
	50194:   "the app is single-tenant: pass --tenant with its tenant id or domain",
	7000215: "the client secret is wrong: copy the secret's Value (not its ID) from Certificates & secrets",
	7000222: "the client secret has expired: create a new one under Certificates & secrets",
	70011:   "a requested scope is invalid: check --scopes (client credentials need <resource>/.default, e.g. https://graph.microsoft.com/.default)",
	1002012: "a requested scope is invalid: check --scopes (client credentials need <resource>/.default, e.g. https://graph.microsoft.com/.default)",
	650057:  "a requested permission is not configured for the app: add it under API permissions, or remove it from --scopes",
	9002327: "the redirect URI is registered as a single-page application: register it under Mobile and desktop applications instead",
	700084:  "the refresh token was issued to a single-page application and has expired: register the redirect under Mobile and desktop applications and sign in again",
	50020:   "the account is not a member of this tenant: for guests pass --tenant with the resource tenant's id",
	50196:   "Microsoft detected a request loop; wait a few minutes before trying again",
}

// Hint returns actionable advice for known Microsoft error numbers, or "".
func (e *Error) Hint() string {
	if e.AADSTS() == 50011 {
		return RedirectHint(e.RedirectURI)
	}
	return hints[e.AADSTS()]
}

// RedirectHint is the advice for AADSTS50011 (the redirect URI sent is not one
// the app registered): the two loopback forms authsome can send, and which one
// this sign-in sent ("" when unknown).
func RedirectHint(sent string) string {
	var b strings.Builder
	b.WriteString("the redirect URI is not registered for the app")
	if sent != "" {
		b.WriteString("; this sign-in sent " + sent)
	}
	b.WriteString(". Under Authentication → Mobile and desktop applications, register http://127.0.0.1:" + strconv.Itoa(DefaultLoopbackPort) +
		" (authsome's default; http://127.0.0.1 covers every port, since Microsoft ignores the port of loopback redirect URIs but matches the path)" +
		" or http://127.0.0.1:" + strconv.Itoa(DefaultLoopbackPort) + CallbackPath + " (the original authsome's)," +
		" or send the form the app has: --redirect-uri http://127.0.0.1" + CallbackPath + " or --redirect-uri http://127.0.0.1")
	return b.String()
}

// NeedsLogin reports whether only a new interactive sign-in can fix the
// error: the invalid_grant / interaction_required family.
func (e *Error) NeedsLogin() bool {
	switch e.Code {
	case "invalid_grant", "interaction_required", "login_required", "consent_required":
		return true
	}
	return false
}

// parseError returns the *Error in body, or nil when body is not an OAuth
// error response.
func parseError(status int, body []byte) *Error {
	o, ok := decodeObject(body)
	if !ok {
		return nil
	}
	return errorFromObject(status, o)
}

func errorFromObject(status int, o jsonObject) *Error {
	code := o.str("error")
	if code == "" {
		return nil
	}
	e := &Error{
		StatusCode:    status,
		Code:          code,
		Description:   o.str("error_description"),
		URI:           o.str("error_uri"),
		TraceID:       o.str("trace_id"),
		CorrelationID: o.str("correlation_id"),
		Timestamp:     o.str("timestamp"),
	}
	if raw, ok := o["error_codes"]; ok {
		var nums []json.Number
		if json.Unmarshal(raw, &nums) == nil {
			for _, n := range nums {
				if i, err := strconv.Atoi(n.String()); err == nil {
					e.ErrorCodes = append(e.ErrorCodes, i)
				}
			}
		}
	}
	e.fillFromDescription()
	return e
}

// fillFromDescription takes trace id, correlation id and timestamp from the
// "Trace ID: …" lines Microsoft appends to descriptions, when the dedicated
// fields are absent (as for errors sent to the redirect URI).
func (e *Error) fillFromDescription() {
	for _, line := range strings.FieldsFunc(e.Description, func(r rune) bool { return r == '\r' || r == '\n' }) {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch strings.TrimSpace(k) {
		case "Trace ID":
			if e.TraceID == "" {
				e.TraceID = v
			}
		case "Correlation ID":
			if e.CorrelationID == "" {
				e.CorrelationID = v
			}
		case "Timestamp":
			if e.Timestamp == "" {
				e.Timestamp = v
			}
		}
	}
}

func limitRunes(s string, n int) string {
	if len(s) <= n {
		return s
	}
	r := []rune(s)
	if len(r) <= n {
		return s
	}
	return string(r[:n]) + "…"
}
