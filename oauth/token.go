package oauth

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"log/slog"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"
)

const redacted = "REDACTED"

// Token is the result of a token request.
//
// Its String, GoString, Format and LogValue methods never print the token
// values, so a Token can be passed to fmt and log/slog safely. encoding/json
// is deliberately left alone so a Token can be stored; do not log a struct
// holding a Token through a JSON encoder.
type Token struct {
	AccessToken  string
	RefreshToken string // empty when none was issued
	TokenType    string // usually "Bearer"
	IDToken      string // OpenID Connect ID token, when "openid" was requested
	Scope        string // granted scopes, space-separated, as returned by the server
	// Expiry is when the access token expires, computed from expires_in and
	// the clock at the time of the request; zero when unknown. The access
	// token itself is never parsed: it is opaque to clients.
	Expiry time.Time
	// ExtExpiry is Microsoft's extended expiry (ext_expires_in); zero when
	// absent.
	ExtExpiry time.Time
}

// String describes the token with every secret value redacted.
func (t Token) String() string {
	var b strings.Builder
	b.WriteString("oauth.Token{")
	fmt.Fprintf(&b, "TokenType: %q", t.TokenType)
	for _, f := range []struct{ name, val string }{
		{"AccessToken", t.AccessToken}, {"RefreshToken", t.RefreshToken}, {"IDToken", t.IDToken},
	} {
		if f.val != "" {
			fmt.Fprintf(&b, ", %s: %s", f.name, redacted)
		}
	}
	if t.Scope != "" {
		fmt.Fprintf(&b, ", Scope: %q", t.Scope)
	}
	if !t.Expiry.IsZero() {
		fmt.Fprintf(&b, ", Expiry: %s", t.Expiry.Format(time.RFC3339))
	}
	if !t.ExtExpiry.IsZero() {
		fmt.Fprintf(&b, ", ExtExpiry: %s", t.ExtExpiry.Format(time.RFC3339))
	}
	b.WriteString("}")
	return b.String()
}

// GoString is String, so %#v cannot print secrets.
func (t Token) GoString() string { return t.String() }

// Format prints String for every verb (%v, %+v, %#v, %s, %q, %x, ...).
func (t Token) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, t.String()) }

// LogValue logs the token's metadata; secret values appear as "REDACTED".
func (t Token) LogValue() slog.Value {
	attrs := []slog.Attr{slog.String("token_type", t.TokenType)}
	for _, f := range []struct{ name, val string }{
		{"access_token", t.AccessToken}, {"refresh_token", t.RefreshToken}, {"id_token", t.IDToken},
	} {
		if f.val != "" {
			attrs = append(attrs, slog.String(f.name, redacted))
		}
	}
	if t.Scope != "" {
		attrs = append(attrs, slog.String("scope", t.Scope))
	}
	if !t.Expiry.IsZero() {
		attrs = append(attrs, slog.Time("expiry", t.Expiry))
	}
	return slog.GroupValue(attrs...)
}

// MalformedResponseError reports a response that is neither a valid token
// (or device authorization) response nor an OAuth error.
type MalformedResponseError struct {
	StatusCode int
	// Field names the missing or invalid JSON field, if that is the problem.
	Field string
	// Reason says what is wrong, e.g. "missing" or "not JSON".
	Reason string
	// Snippet is a short, sanitised start of the body; empty when the body
	// may hold secrets.
	Snippet string
}

func (e *MalformedResponseError) Error() string {
	var b strings.Builder
	fmt.Fprintf(&b, "oauth: unexpected response (HTTP %d)", e.StatusCode)
	switch {
	case e.Field != "":
		fmt.Fprintf(&b, ": %s field %q", e.Reason, e.Field)
	case e.Reason != "":
		fmt.Fprintf(&b, ": %s", e.Reason)
	}
	if e.Snippet != "" {
		fmt.Fprintf(&b, ": %q", e.Snippet)
	}
	return b.String()
}

// jsonObject is a decoded JSON object whose values are kept raw, so that a
// field of an unexpected type does not make the whole body unreadable.
type jsonObject map[string]json.RawMessage

func decodeObject(body []byte) (jsonObject, bool) {
	body = bytes.TrimSpace(body)
	if len(body) == 0 || body[0] != '{' {
		return nil, false
	}
	var o jsonObject
	if err := json.Unmarshal(body, &o); err != nil {
		return nil, false
	}
	return o, true
}

// str returns a string field; JSON numbers are returned as their text.
func (o jsonObject) str(name string) string {
	raw, ok := o[name]
	if !ok {
		return ""
	}
	var s string
	if json.Unmarshal(raw, &s) == nil {
		return s
	}
	var n json.Number
	if json.Unmarshal(raw, &n) == nil {
		return n.String()
	}
	return ""
}

// seconds reads a duration in seconds given as a JSON number or a numeric
// string. ok is false when the field is present but not a usable number.
func (o jsonObject) seconds(name string) (d time.Duration, present, ok bool) {
	raw, has := o[name]
	if !has || string(raw) == "null" {
		return 0, false, true
	}
	s := o.str(name)
	if s == "" {
		return 0, true, false
	}
	f, err := strconv.ParseFloat(s, 64)
	if err != nil || math.IsNaN(f) || f < 0 || f > math.MaxInt32 {
		return 0, true, false
	}
	return time.Duration(f * float64(time.Second)), true, true
}

// ParseTokenResponse interprets a token endpoint response. A success needs
// access_token and token_type; a body with an "error" field gives an
// [*Error] (whatever the status); anything else gives a
// [*MalformedResponseError] naming the status and, for bodies that are not
// JSON, a short sanitised snippet. Expiry times count from now.
func ParseTokenResponse(status int, body []byte, now time.Time) (*Token, error) {
	o, isJSON := decodeObject(body)
	if !isJSON {
		reason := "not a JSON object"
		if len(bytes.TrimSpace(body)) == 0 {
			reason = "empty body"
		}
		return nil, &MalformedResponseError{StatusCode: status, Reason: reason, Snippet: snippet(body)}
	}
	if e := errorFromObject(status, o); e != nil {
		return nil, e
	}
	if status < 200 || status > 299 {
		return nil, &MalformedResponseError{StatusCode: status, Reason: "error response without an error code", Snippet: snippet(body)}
	}
	t := &Token{
		AccessToken:  o.str("access_token"),
		TokenType:    o.str("token_type"),
		RefreshToken: o.str("refresh_token"),
		IDToken:      o.str("id_token"),
		Scope:        o.str("scope"),
	}
	// The body holds tokens: never quote it in these errors.
	if t.AccessToken == "" {
		return nil, &MalformedResponseError{StatusCode: status, Field: "access_token", Reason: "missing"}
	}
	if t.TokenType == "" {
		return nil, &MalformedResponseError{StatusCode: status, Field: "token_type", Reason: "missing"}
	}
	for _, f := range []struct {
		name string
		dst  *time.Time
	}{{"expires_in", &t.Expiry}, {"ext_expires_in", &t.ExtExpiry}} {
		d, present, ok := o.seconds(f.name)
		if !ok {
			return nil, &MalformedResponseError{StatusCode: status, Field: f.name, Reason: "invalid"}
		}
		if present && d > 0 {
			*f.dst = now.Add(d)
		}
	}
	return t, nil
}

// snippet returns a short, printable start of a body with anything that
// looks like a credential removed.
func snippet(body []byte) string {
	const max = 120
	s := redactLongRuns(cleanText(string(bytes.TrimSpace(body[:min(len(body), 4*max)]))))
	if utf8.RuneCountInString(s) > max {
		s = string([]rune(s)[:max]) + "…"
	}
	return s
}

// cleanText drops control characters (terminal escapes included), folds
// whitespace runs into one space and replaces invalid UTF-8.
func cleanText(s string) string {
	var b strings.Builder
	space := false
	for _, r := range strings.ToValidUTF8(s, "\uFFFD") {
		switch {
		case unicode.IsSpace(r):
			space = true
			continue
		case unicode.IsControl(r) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r):
			continue
		}
		if space && b.Len() > 0 {
			b.WriteByte(' ')
		}
		space = false
		b.WriteRune(r)
	}
	return b.String()
}

// redactLongRuns replaces runs of 40 or more token-like characters (JWTs,
// refresh tokens, secrets) with REDACTED. GUIDs (36 characters) survive.
func redactLongRuns(s string) string {
	isTok := func(r rune) bool {
		return r < utf8.RuneSelf && (r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' ||
			r == '-' || r == '_' || r == '.' || r == '~' || r == '+' || r == '/' || r == '=' || r == '%')
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		j := i
		for j < len(s) && isTok(rune(s[j])) {
			j++
		}
		if j > i {
			if j-i >= 40 {
				b.WriteString(redacted)
			} else {
				b.WriteString(s[i:j])
			}
			i = j
			continue
		}
		r, n := utf8.DecodeRuneInString(s[i:])
		b.WriteRune(r)
		i += n
	}
	return b.String()
}
