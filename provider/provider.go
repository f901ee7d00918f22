// Package provider defines what authsome knows about a credential provider: how to sign in, which
// API host receives the credential, and which environment variables carry it. Definitions are
// JSON data (JSONC is read too, and so are the original Python authsome's provider files: see
// compat.go); the bundled ones are embedded in the binary and a user file of the same name
// overrides a bundled one.
package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net"
	"net/url"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// AuthType says what kind of credential a provider uses.
type AuthType string

// Auth types.
const (
	AuthOAuth2 AuthType = "oauth2"
	AuthAPIKey AuthType = "api_key"
)

// Flow names a way to obtain a credential.
type Flow string

// Flows.
const (
	FlowPKCE              Flow = "pkce"
	FlowDeviceCode        Flow = "device_code"
	FlowClientCredentials Flow = "client_credentials"
	FlowPassword          Flow = "password"
	FlowAPIKey            Flow = "api_key"
	// FlowDCRPKCE registers a client first (RFC 7591 dynamic client registration at
	// Registration.RegistrationEndpoint), then signs in with PKCE as that client.
	FlowDCRPKCE Flow = "dcr_pkce"
)

// DialectMicrosoft marks providers backed by the Microsoft identity platform: endpoints depend on
// the cloud and tenant, errors carry AADSTS codes.
const DialectMicrosoft = "microsoft"

// Export sources: what an exported environment variable holds.
const (
	ExportAccessToken  = "access_token"
	ExportRefreshToken = "refresh_token"
	ExportAPIKey       = "api_key"
	ExportAPIURL       = "api_url"
	// ExportBaseURL is the base URL a templated provider was signed in with ({base_url}).
	ExportBaseURL = "base_url"
)

// ProxyPlaceholder is the value `authsome run` gives every exported credential variable of a
// routed provider (MICROSOFT_ACCESS_TOKEN=authsome-proxy-managed): the proxy adds the real
// credential, and a client holding this value knows it runs behind the proxy.
const ProxyPlaceholder = "authsome-proxy-managed"

// BaseURLPlaceholder is the template an endpoint or api_url may hold, filled in at login with
// --base-url or OAuth.BaseURL (self-hosted GitLab, GitHub Enterprise, Atlassian).
const BaseURLPlaceholder = "{base_url}"

// Device token request encodings (OAuth.DeviceTokenRequest).
const (
	DeviceTokenForm = "oauth2_form" // RFC 8628: a form-encoded token request (the default)
	DeviceTokenJSON = "json"        // a JSON body {"device_code": ...}, as some providers poll
)

// Definition is one provider. The zero value is not valid; build one with [Parse].
type Definition struct {
	SchemaVersion int               `json:"schema_version,omitempty"`
	Name          string            `json:"name"`
	DisplayName   string            `json:"display_name"`
	Description   string            `json:"description,omitempty"`
	AuthType      AuthType          `json:"auth_type"`
	Flow          Flow              `json:"flow"`
	DocsURL       string            `json:"docs_url,omitempty"`
	APIURL        string            `json:"api_url"` // "" when the provider has no route (see Validate)
	OAuth         *OAuth            `json:"oauth,omitempty"`
	APIKey        *APIKey           `json:"api_key,omitempty"`
	Export        map[string]string `json:"export,omitempty"`
	// Registration is where a dcr_pkce provider registers its client (RFC 7591).
	Registration *Registration `json:"registration,omitempty"`
	// ScopePresets name groups of scopes a sign-in may ask for as "@name" (oauth2 only; see
	// [Definition.ExpandScopes]): preset name → the provider's scopes.
	ScopePresets map[string][]string `json:"scope_presets,omitempty"`
	// Ignored are keys of the file the project does not use (authsome's "metadata", "logo", ...):
	// kept out of the definition, reported once. Sorted dotted paths ("oauth.extra").
	Ignored []string `json:"-"`
	// Warnings say what Parse changed in a definition it accepted (a loose api_url regex
	// narrowed to its domain), one sentence each, for people to read once.
	Warnings []string `json:"-"`
}

// Registration holds a provider's dynamic client registration endpoint.
type Registration struct {
	RegistrationEndpoint string `json:"registration_endpoint"`
}

// OAuth holds the OAuth 2.0 endpoints and defaults of a provider.
type OAuth struct {
	Dialect                string   `json:"dialect,omitempty"`
	AuthorizationURL       string   `json:"authorization_url"`
	TokenURL               string   `json:"token_url"`
	DeviceAuthorizationURL string   `json:"device_authorization_url,omitempty"`
	RevocationURL          string   `json:"revocation_url,omitempty"`
	Scopes                 []string `json:"scopes,omitempty"`
	PKCE                   bool     `json:"pkce"`
	SupportsDeviceCode     bool     `json:"supports_device_code"`
	SupportsDCR            bool     `json:"supports_dcr"`
	// BaseURL is the default for {base_url} in templated endpoints and api_url.
	BaseURL string `json:"base_url,omitempty"`
	// DeviceTokenRequest is how device-code polling sends the device code: DeviceTokenForm
	// ("" means the same) or DeviceTokenJSON.
	DeviceTokenRequest string `json:"device_token_request,omitempty"`
	// RedirectPath is the path of the loopback redirect URI this provider's app is registered
	// with: "/" (the default) or "/auth/callback/oauth" (the original authsome's).
	RedirectPath string `json:"redirect_path,omitempty"`
}

// APIKey says how an API key is presented to the provider's API.
type APIKey struct {
	// HeaderName is the request header; default "Authorization".
	HeaderName string `json:"header_name,omitempty"`
	// HeaderPrefix goes before the key with one space ("Bearer"); empty sends the raw key.
	// (A file that leaves it out gets "Bearer" when the header is Authorization, as in the
	// original authsome; it is always written out, so that "" survives a round trip.)
	HeaderPrefix string `json:"header_prefix"`
	// KeyPattern, when set, is a regular expression the whole key must match.
	KeyPattern     string `json:"key_pattern,omitempty"`
	KeyPatternHint string `json:"key_pattern_hint,omitempty"`
	// EnvVar is the environment variable an existing key may be found in (the original
	// authsome's scan imports it from there).
	EnvVar string `json:"env_var,omitempty"`
}

// ValidationError says which field of a definition is wrong and why.
type ValidationError struct {
	Provider string // may be empty when the name itself is missing
	Field    string
	Reason   string
}

func (e *ValidationError) Error() string {
	if e.Provider == "" {
		return fmt.Sprintf("invalid provider definition: %s: %s", e.Field, e.Reason)
	}
	return fmt.Sprintf("invalid provider definition %q: %s: %s", e.Provider, e.Field, e.Reason)
}

// maxDefinitionSize bounds what Parse reads; real definitions are a few KiB.
const maxDefinitionSize = 256 << 10

// Parse reads one definition file and validates it. It accepts JSON and JSON with comments
// and trailing commas (JSONC), in this project's form or in the original authsome's (0.2 to
// 0.7; see compat.go): keys it does not use are listed in Definition.Ignored, a key within two
// edits of a known one is an error, a key given twice is an error, and a loose regex api_url
// is narrowed to its domain with a Definition.Warnings entry. Errors are *ValidationError,
// naming the field (or "(json)" with the line and column).
func Parse(data []byte) (*Definition, error) {
	if len(data) > maxDefinitionSize {
		return nil, &ValidationError{Field: "(file)", Reason: fmt.Sprintf("larger than %d bytes", maxDefinitionSize)}
	}
	data, err := stripJSONC(data)
	if err != nil {
		return nil, err
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	var raw json.RawMessage
	if err := dec.Decode(&raw); err != nil {
		return nil, jsonError(data, err)
	}
	if _, err := dec.Token(); err != io.EOF {
		return nil, &ValidationError{Field: "(file)", Reason: "unexpected data after the JSON object"}
	}
	if err := checkDuplicateKeys(data); err != nil {
		return nil, err
	}
	d, ignored, err := decode(raw)
	if err != nil {
		return nil, err
	}
	if pat, ok := strings.CutPrefix(d.APIURL, "regex:"); ok && pat != "" {
		if _, err := regexp.Compile(pat); err == nil && checkRegexRoute(pat) != nil {
			warning, err := narrowRegexRoute(d)
			if err != nil {
				return nil, &ValidationError{Provider: d.Name, Field: "api_url", Reason: err.Error()}
			}
			d.Warnings = append(d.Warnings, warning)
		}
	}
	if err := d.Validate(); err != nil {
		return nil, err
	}
	// "scopes": [] and "export": {} mean the same as leaving them out.
	if d.OAuth != nil && len(d.OAuth.Scopes) == 0 {
		d.OAuth.Scopes = nil
	}
	if len(d.Export) == 0 {
		d.Export = nil
	}
	d.Ignored = ignored
	return d, nil
}

func jsonError(data []byte, err error) error {
	var syn *json.SyntaxError
	var typ *json.UnmarshalTypeError
	switch {
	case errors.As(err, &syn):
		line, col := position(data, syn.Offset)
		return &ValidationError{Field: "(json)", Reason: fmt.Sprintf("line %d column %d: %v", line, col, syn)}
	case errors.As(err, &typ):
		return &ValidationError{Field: typ.Field, Reason: fmt.Sprintf("must be a JSON %s, not %s", typ.Type.Kind(), typ.Value)}
	case errors.Is(err, io.EOF):
		return &ValidationError{Field: "(json)", Reason: "empty file"}
	}
	return &ValidationError{Field: "(json)", Reason: err.Error()}
}

// checkDuplicateKeys refuses an object that names a key twice: encoding/json keeps the last
// value silently (and matches field names regardless of case), so a definition could read one
// way to people and another to authsome. data is already known to be valid JSON.
func checkDuplicateKeys(data []byte) error {
	type frame struct {
		object    bool
		path      string          // where this object or array is, "" at the top
		keys      map[string]bool // keys seen, case-folded
		expectKey bool            // objects: the next token is a key or the end
		key       string          // objects: the key whose value comes next
		index     int             // arrays: the next element's index
	}
	join := func(path, key string) string {
		if path == "" {
			return fieldKey(key)
		}
		return path + "." + fieldKey(key)
	}
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var stack []*frame
	for {
		tok, err := dec.Token()
		if err == io.EOF {
			return nil
		}
		if err != nil {
			return jsonError(data, err)
		}
		if d, ok := tok.(json.Delim); ok && (d == '}' || d == ']') {
			stack = stack[:len(stack)-1]
			continue
		}
		var top *frame
		if len(stack) > 0 {
			top = stack[len(stack)-1]
		}
		if top != nil && top.object && top.expectKey {
			k, _ := tok.(string)
			fold := strings.ToLower(strings.ToUpper(k))
			if top.keys[fold] {
				return &ValidationError{Field: join(top.path, k), Reason: "appears more than once in its object (each key may appear only once)"}
			}
			top.keys[fold], top.key, top.expectKey = true, k, false
			continue
		}
		path := ""
		switch {
		case top != nil && top.object:
			path, top.expectKey = join(top.path, top.key), true
		case top != nil:
			path = fmt.Sprintf("%s[%d]", top.path, top.index)
			top.index++
		}
		if d, ok := tok.(json.Delim); ok {
			stack = append(stack, &frame{object: d == '{', path: path, keys: map[string]bool{}, expectKey: d == '{'})
		}
	}
}

// fieldKey is a JSON key as a part of ValidationError.Field: as it is when it is plain
// printable ASCII, else quoted with Go escapes, so that an error names it without passing
// control characters from a shared file to the terminal.
func fieldKey(k string) string {
	for _, r := range k {
		if r <= ' ' || r > '~' || r == '"' || r == '\\' {
			return strconv.Quote(k)
		}
	}
	if k == "" {
		return `""`
	}
	return k
}

func position(data []byte, offset int64) (line, col int) {
	line, col = 1, 1
	for i := int64(0); i < offset && i < int64(len(data)); i++ {
		if data[i] == '\n' {
			line, col = line+1, 1
		} else {
			col++
		}
	}
	return line, col
}

var nameRE = lazyre.New(`^[a-z0-9][a-z0-9._-]{0,63}$`)

// Validate checks every field and reports the first problem as a *ValidationError.
func (d *Definition) Validate() error {
	bad := func(field, format string, args ...any) error {
		return &ValidationError{Provider: d.Name, Field: field, Reason: fmt.Sprintf(format, args...)}
	}
	if d.SchemaVersion != 0 && d.SchemaVersion != 1 {
		return bad("schema_version", "unsupported version %d (this authsome reads version 1)", d.SchemaVersion)
	}
	if d.Name == "" {
		return bad("name", "is required")
	}
	if !nameRE().MatchString(d.Name) {
		return bad("name", "must be lower-case letters, digits, '.', '_' or '-', starting with a letter or digit")
	}
	if strings.TrimSpace(d.DisplayName) == "" {
		return bad("display_name", "is required")
	}
	// api_url may be left out, as in the original authsome: the provider's credential is then
	// exported but routed nowhere.
	if d.APIURL != "" {
		if err := checkAPIURL(d.APIURL); err != nil {
			return bad("api_url", "%v", err)
		}
	}
	if d.DocsURL != "" {
		if err := checkURL(d.DocsURL); err != nil {
			return bad("docs_url", "%v", err)
		}
	}
	switch d.AuthType {
	case AuthOAuth2:
		if err := d.validateOAuth(bad); err != nil {
			return err
		}
	case AuthAPIKey:
		if err := d.validateAPIKey(bad); err != nil {
			return err
		}
	case "":
		return bad("auth_type", "is required (oauth2 or api_key)")
	case "browser":
		return bad("auth_type", "browser sessions (cookies from a signed-in browser) are not supported; use oauth2 or api_key")
	default:
		return bad("auth_type", "unknown value %q (oauth2 or api_key)", d.AuthType)
	}
	if d.Registration != nil {
		if d.AuthType != AuthOAuth2 {
			return bad("registration", "is only for oauth2 providers (dynamic client registration)")
		}
		if err := checkTemplatedEndpoint(d.Registration.RegistrationEndpoint); err != nil {
			return bad("registration.registration_endpoint", "%v", err)
		}
	}
	if err := d.validatePresets(bad); err != nil {
		return err
	}
	names := make([]string, 0, len(d.Export))
	for name := range d.Export {
		names = append(names, name)
	}
	sort.Strings(names)
	for _, name := range names {
		src := d.Export[name]
		if err := d.checkExportSource(src); err != nil {
			return bad("export."+fieldKey(name), "%v", err)
		}
		if why := d.checkExportName(name, src); why != "" {
			return bad("export."+fieldKey(name), "%s", why)
		}
	}
	return nil
}

func (d *Definition) validateOAuth(bad func(string, string, ...any) error) error {
	o := d.OAuth
	if o == nil {
		return bad("oauth", "is required when auth_type is oauth2")
	}
	if d.APIKey != nil {
		return bad("api_key", "must not be set when auth_type is oauth2")
	}
	switch d.Flow {
	case FlowPKCE, FlowDeviceCode, FlowClientCredentials, FlowPassword:
	case FlowDCRPKCE:
		if d.Registration == nil || d.Registration.RegistrationEndpoint == "" {
			return bad("registration.registration_endpoint", "is required for the dcr_pkce flow (where the client registers itself)")
		}
	case "":
		return bad("flow", "is required (pkce, device_code, dcr_pkce, client_credentials or password)")
	default:
		return bad("flow", "%q is not an oauth2 flow (pkce, device_code, dcr_pkce, client_credentials or password)", d.Flow)
	}
	if o.Dialect != "" && o.Dialect != DialectMicrosoft {
		return bad("oauth.dialect", "unknown dialect %q (only %q)", o.Dialect, DialectMicrosoft)
	}
	if o.AuthorizationURL == "" && (d.Flow == FlowPKCE || d.Flow == FlowDCRPKCE) {
		return bad("oauth.authorization_url", "is required for the %s flow", d.Flow)
	}
	for _, f := range []struct{ name, v string }{
		{"oauth.authorization_url", o.AuthorizationURL},
		{"oauth.token_url", o.TokenURL},
		{"oauth.device_authorization_url", o.DeviceAuthorizationURL},
		{"oauth.revocation_url", o.RevocationURL},
	} {
		if f.v == "" {
			if f.name == "oauth.token_url" {
				return bad(f.name, "is required")
			}
			continue
		}
		if err := checkTemplatedEndpoint(f.v); err != nil {
			return bad(f.name, "%v", err)
		}
	}
	if err := o.validateExtras(bad); err != nil {
		return err
	}
	if (o.SupportsDeviceCode || d.Flow == FlowDeviceCode) && o.DeviceAuthorizationURL == "" {
		return bad("oauth.device_authorization_url", "is required when the device code flow is supported")
	}
	if d.Flow == FlowDeviceCode && !o.SupportsDeviceCode {
		return bad("oauth.supports_device_code", "must be true when the default flow is device_code")
	}
	for i, s := range o.Scopes {
		if s == "" || strings.ContainsAny(s, " \t\r\n") {
			return bad(fmt.Sprintf("oauth.scopes[%d]", i), "scopes are non-empty and contain no spaces")
		}
	}
	return nil
}

func (d *Definition) validateAPIKey(bad func(string, string, ...any) error) error {
	if d.OAuth != nil {
		return bad("oauth", "must not be set when auth_type is api_key")
	}
	if d.Flow != "" && d.Flow != FlowAPIKey {
		return bad("flow", "must be api_key when auth_type is api_key")
	}
	if d.APIKey == nil {
		return bad("api_key", "is required when auth_type is api_key")
	}
	if h := d.APIKey.HeaderName; h != "" && !validHeaderName(h) {
		return bad("api_key.header_name", "%q is not a valid HTTP header name", h)
	}
	if strings.ContainsAny(d.APIKey.HeaderPrefix, "\r\n") {
		return bad("api_key.header_prefix", "must be one line")
	}
	if p := d.APIKey.KeyPattern; p != "" {
		if _, err := regexp.Compile(p); err != nil {
			return bad("api_key.key_pattern", "not a valid regular expression: %v", err)
		}
	}
	if v := d.APIKey.EnvVar; v != "" && !envVarRE().MatchString(v) {
		return bad("api_key.env_var", "%q is not an environment variable name", v)
	}
	return nil
}

func (d *Definition) checkExportSource(src string) error {
	switch src {
	case ExportAccessToken, ExportRefreshToken:
		if d.AuthType != AuthOAuth2 {
			return fmt.Errorf("%q is only available for oauth2 providers", src)
		}
	case ExportAPIKey:
		if d.AuthType != AuthAPIKey {
			return fmt.Errorf("%q is only available for api_key providers", src)
		}
	case ExportAPIURL:
		if d.APIURL == "" {
			return fmt.Errorf("%q needs an api_url", src)
		}
	case ExportBaseURL:
		if d.OAuth == nil || d.OAuth.BaseURL == "" && !d.Templated() {
			return fmt.Errorf("%q is only available for oauth2 providers with oauth.base_url or %s in their URLs", src, BaseURLPlaceholder)
		}
	default:
		return fmt.Errorf("unknown source %q (access_token, refresh_token, api_key, api_url or base_url)", src)
	}
	return nil
}

func validHeaderName(h string) bool {
	for _, r := range h {
		if r > 0x7e || r <= ' ' || strings.ContainsRune(`"(),/:;<=>?@[\]{}`, r) {
			return false
		}
	}
	return h != ""
}

func checkURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	if u.Scheme != "https" && u.Scheme != "http" || u.Host == "" {
		return fmt.Errorf("%q must be an absolute http(s) URL", raw)
	}
	return nil
}

// checkEndpoint requires https, except for loopback hosts (local test servers).
func checkEndpoint(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	if u.Host == "" {
		return fmt.Errorf("%q must be an absolute URL", raw)
	}
	if u.User != nil {
		return fmt.Errorf("%q must not contain credentials", raw)
	}
	switch u.Scheme {
	case "https":
		return nil
	case "http":
		if isLoopback(u.Hostname()) {
			return nil
		}
		return fmt.Errorf("%q must use https (plain http is allowed only for 127.0.0.1 and localhost)", raw)
	}
	return fmt.Errorf("%q must be an https URL", raw)
}

func isLoopback(host string) bool {
	if strings.EqualFold(host, "localhost") {
		return true
	}
	ip := net.ParseIP(host)
	return ip != nil && ip.IsLoopback()
}

// ExportNames returns the environment variable names the provider exports, sorted.
func (d *Definition) ExportNames() []string {
	names := make([]string, 0, len(d.Export))
	for n := range d.Export {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// DefaultScopes returns a copy of the provider's default scopes.
func (d *Definition) DefaultScopes() []string {
	if d.OAuth == nil {
		return nil
	}
	return append([]string(nil), d.OAuth.Scopes...)
}

// IsMicrosoft reports whether the provider uses the Microsoft identity platform.
func (d *Definition) IsMicrosoft() bool { return d.OAuth != nil && d.OAuth.Dialect == DialectMicrosoft }

// MarshalIndent renders the definition as stable, indented JSON.
func (d *Definition) MarshalIndent() ([]byte, error) { return json.MarshalIndent(d, "", "  ") }
