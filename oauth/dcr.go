package oauth

import (
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// ClientMetadata is an RFC 7591 client registration request: a public client
// for the authorization code flow with PKCE.
type ClientMetadata struct {
	ClientName   string   // client_name; "" → "authsome"
	RedirectURIs []string // redirect_uris; at least one
}

// ClientRegistration is the answer of an RFC 7591 registration endpoint.
//
// ClientSecret is a credential: String, GoString, Format and LogValue redact it.
type ClientRegistration struct {
	ClientID     string
	ClientSecret string // empty for a public client
	// SecretExpiresAt is when ClientSecret expires (client_secret_expires_at);
	// the zero time when it does not, or when there is no secret.
	SecretExpiresAt time.Time
}

// String describes the registration without its secret.
func (r ClientRegistration) String() string {
	secret := "none"
	if r.ClientSecret != "" {
		secret = redacted
	}
	return fmt.Sprintf("oauth.ClientRegistration{ClientID: %q, ClientSecret: %s, SecretExpiresAt: %v}", r.ClientID, secret, r.SecretExpiresAt)
}

// GoString is String.
func (r ClientRegistration) GoString() string { return r.String() }

// Format prints String for every verb.
func (r ClientRegistration) Format(f fmt.State, _ rune) { _, _ = io.WriteString(f, r.String()) }

// LogValue logs the registration without its secret.
func (r ClientRegistration) LogValue() slog.Value {
	return slog.GroupValue(slog.String("client_id", r.ClientID), slog.Bool("confidential", r.ClientSecret != ""))
}

// registrationRequest is the JSON body sent to the registration endpoint.
type registrationRequest struct {
	ClientName              string   `json:"client_name"`
	RedirectURIs            []string `json:"redirect_uris"`
	GrantTypes              []string `json:"grant_types"`
	ResponseTypes           []string `json:"response_types"`
	TokenEndpointAuthMethod string   `json:"token_endpoint_auth_method"`
}

// RegisterClient registers a public client (token_endpoint_auth_method
// "none", grants authorization_code and refresh_token, response type code)
// at an RFC 7591 registration endpoint. It uses c's HTTP client, clock and
// headers; c's client id and secret are not sent. An error response gives an
// [*Error] (RFC 7591 §3.2.2: error, error_description, redacted like any
// other); a success without client_id a [*MalformedResponseError].
func RegisterClient(ctx context.Context, c *Config, endpoint string, md ClientMetadata) (*ClientRegistration, error) {
	if endpoint == "" {
		return nil, errors.New("oauth: the provider has no client registration endpoint")
	}
	if len(md.RedirectURIs) == 0 {
		return nil, errors.New("oauth: a client registration needs a redirect URI")
	}
	name := md.ClientName
	if name == "" {
		name = "authsome"
	}
	status, body, err := c.postJSON(ctx, endpoint, registrationRequest{
		ClientName:              name,
		RedirectURIs:            md.RedirectURIs,
		GrantTypes:              []string{"authorization_code", "refresh_token"},
		ResponseTypes:           []string{"code"},
		TokenEndpointAuthMethod: "none",
	})
	if err != nil {
		return nil, err
	}
	return parseRegistration(status, body)
}

func parseRegistration(status int, body []byte) (*ClientRegistration, error) {
	o, ok := decodeObject(body)
	if !ok {
		// The body of a success holds a secret: quote it only for failures.
		reason, snip := "not a JSON object", ""
		if status >= 400 {
			reason, snip = "registration failed", snippet(body)
		}
		return nil, &MalformedResponseError{StatusCode: status, Reason: reason, Snippet: snip}
	}
	if e := errorFromObject(status, o); e != nil {
		return nil, e
	}
	if status != http.StatusCreated && status != http.StatusOK {
		return nil, &MalformedResponseError{StatusCode: status, Reason: "registration failed without an error code"}
	}
	r := &ClientRegistration{ClientID: o.str("client_id"), ClientSecret: o.str("client_secret")}
	if r.ClientID == "" {
		return nil, &MalformedResponseError{StatusCode: status, Field: "client_id", Reason: "missing"}
	}
	// client_secret_expires_at: seconds since the epoch; 0 (or absent) means never.
	if s := o.str("client_secret_expires_at"); s != "" && s != "0" {
		n, err := strconv.ParseInt(strings.TrimSpace(s), 10, 64)
		if err != nil || n < 0 {
			return nil, &MalformedResponseError{StatusCode: status, Field: "client_secret_expires_at", Reason: "invalid"}
		}
		r.SecretExpiresAt = time.Unix(n, 0).UTC()
	}
	return r, nil
}
