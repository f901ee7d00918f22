package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"time"
)

// defaultInterval is the RFC 8628 polling interval when the server sends none.
const defaultInterval = 5 * time.Second

// DeviceAuth is a device authorization response (RFC 8628 §3.2).
//
// DeviceCode is a credential: String, GoString, Format and LogValue redact it.
type DeviceAuth struct {
	DeviceCode string
	UserCode   string // the code the user types
	// VerificationURI is where the user goes (verification_uri, or the
	// verification_url some servers send).
	VerificationURI         string
	VerificationURIComplete string // optional; Microsoft does not send it
	// Message is the server's ready-made (and localised) instruction for the
	// user; Microsoft always sends one. Show it when it is not empty.
	Message   string
	Interval  time.Duration // polling interval; 5 s when the server sent none
	ExpiresIn time.Duration // lifetime of the device code; 0 when unknown
	Issued    time.Time     // when the response arrived, by Config.Now
}

// Expiry returns when the device code expires, or the zero time if unknown.
func (da *DeviceAuth) Expiry() time.Time {
	if da.ExpiresIn <= 0 || da.Issued.IsZero() {
		return time.Time{}
	}
	return da.Issued.Add(da.ExpiresIn)
}

// String describes the response without the device code.
func (da DeviceAuth) String() string {
	return fmt.Sprintf("oauth.DeviceAuth{UserCode: %q, VerificationURI: %q, Interval: %s, ExpiresIn: %s, DeviceCode: %s}",
		da.UserCode, da.VerificationURI, da.Interval, da.ExpiresIn, redacted)
}

// GoString is String.
func (da DeviceAuth) GoString() string { return da.String() }

// Format prints String for every verb.
func (da DeviceAuth) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, da.String()) }

// LogValue logs the response without the device code.
func (da DeviceAuth) LogValue() slog.Value {
	return slog.GroupValue(
		slog.String("user_code", da.UserCode),
		slog.String("verification_uri", da.VerificationURI),
		slog.Duration("interval", da.Interval),
		slog.Duration("expires_in", da.ExpiresIn),
	)
}

// DeviceAuth starts the device authorization grant: it posts client_id and
// scope to the device authorization endpoint.
func (c *Config) DeviceAuth(ctx context.Context) (*DeviceAuth, error) {
	if c.Endpoint.DeviceAuthURL == "" {
		return nil, errors.New("oauth: the provider has no device authorization endpoint")
	}
	v := c.form("")
	c.setScope(v)
	status, body, err := c.post(ctx, c.Endpoint.DeviceAuthURL, v)
	if err != nil {
		return nil, err
	}
	return parseDeviceAuth(status, body, c.now())
}

func parseDeviceAuth(status int, body []byte, now time.Time) (*DeviceAuth, error) {
	o, ok := decodeObject(body)
	if !ok {
		return nil, &MalformedResponseError{StatusCode: status, Reason: "not a JSON object", Snippet: snippet(body)}
	}
	if e := errorFromObject(status, o); e != nil {
		return nil, e
	}
	if status != http.StatusOK {
		return nil, &MalformedResponseError{StatusCode: status, Reason: "error response without an error code"}
	}
	da := &DeviceAuth{
		DeviceCode:              o.str("device_code"),
		UserCode:                o.str("user_code"),
		VerificationURI:         o.str("verification_uri"),
		VerificationURIComplete: o.str("verification_uri_complete"),
		Message:                 o.str("message"),
		Issued:                  now,
	}
	if da.VerificationURI == "" {
		da.VerificationURI = o.str("verification_url")
	}
	for _, f := range []struct{ name, val string }{
		{"device_code", da.DeviceCode}, {"user_code", da.UserCode}, {"verification_uri", da.VerificationURI},
	} {
		if f.val == "" {
			return nil, &MalformedResponseError{StatusCode: status, Field: f.name, Reason: "missing"}
		}
	}
	var good bool
	if da.ExpiresIn, _, good = o.seconds("expires_in"); !good {
		return nil, &MalformedResponseError{StatusCode: status, Field: "expires_in", Reason: "invalid"}
	}
	if da.Interval, _, good = o.seconds("interval"); !good {
		return nil, &MalformedResponseError{StatusCode: status, Field: "interval", Reason: "invalid"}
	}
	if da.Interval <= 0 {
		da.Interval = defaultInterval
	}
	return da, nil
}

// PollDeviceToken polls the token endpoint until the user finishes on the
// verification page (RFC 8628 §3.4–3.5). It waits Interval before each
// request; authorization_pending keeps polling, slow_down adds 5 s to the
// interval for all later polls. It stops with
//
//   - an [*Error] matching [ErrDeclined] on authorization_declined or access_denied,
//   - an [*Error] matching [ErrExpired] on expired_token, or an error matching
//     ErrExpired once Issued+ExpiresIn has passed,
//   - the [*Error] for any other error code (bad_verification_code, ...),
//   - ctx.Err() when ctx ends.
func (c *Config) PollDeviceToken(ctx context.Context, da *DeviceAuth) (*Token, error) {
	if da == nil || da.DeviceCode == "" {
		return nil, errors.New("oauth: no device code to poll")
	}
	interval := da.Interval
	if interval <= 0 {
		interval = defaultInterval
	}
	deadline := da.Expiry()
	sleep := c.sleep
	if sleep == nil {
		sleep = sleepCtx
	}
	for {
		if !deadline.IsZero() && !c.now().Before(deadline) {
			return nil, fmt.Errorf("oauth: the device code expired after %s without a sign-in: %w", da.ExpiresIn, ErrExpired)
		}
		if err := sleep(ctx, interval); err != nil {
			return nil, err
		}
		if !deadline.IsZero() && !c.now().Before(deadline) {
			return nil, fmt.Errorf("oauth: the device code expired after %s without a sign-in: %w", da.ExpiresIn, ErrExpired)
		}
		tok, err := c.deviceToken(ctx, da.DeviceCode)
		if err == nil {
			return tok, nil
		}
		if ctx.Err() != nil {
			return nil, ctx.Err()
		}
		var oe *Error
		if !errors.As(err, &oe) {
			return nil, err
		}
		switch oe.Code {
		case "authorization_pending":
			continue
		case "slow_down":
			interval += 5 * time.Second
			continue
		}
		return nil, oe
	}
}

// grantDeviceCode is the RFC 8628 grant type.
const grantDeviceCode = "urn:ietf:params:oauth:grant-type:device_code"

// deviceToken sends one device-code token request: a form, or the same fields
// as a JSON object when DeviceTokenJSON is set.
func (c *Config) deviceToken(ctx context.Context, deviceCode string) (*Token, error) {
	v := c.form(grantDeviceCode)
	v.Set("device_code", deviceCode)
	if !c.DeviceTokenJSON {
		return c.tokenRequest(ctx, v)
	}
	if c.Endpoint.TokenURL == "" {
		return nil, errors.New("oauth: the endpoint has no token URL")
	}
	obj := make(map[string]string, len(v))
	for k := range v {
		obj[k] = v.Get(k)
	}
	now := c.now()
	status, body, err := c.postJSON(ctx, c.Endpoint.TokenURL, obj)
	if err != nil {
		return nil, err
	}
	return ParseTokenResponse(status, body, now)
}

// sleepCtx waits for d or until ctx ends.
func sleepCtx(ctx context.Context, d time.Duration) error {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-ctx.Done():
		return ctx.Err()
	case <-t.C:
		return nil
	}
}
