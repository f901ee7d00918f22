package provider

import (
	"github.com/authsome-go/authsome/internal/lazyre"
)

// envVarRE is an environment variable name in any letter case.
var envVarRE = lazyre.New(`^[A-Za-z_][A-Za-z0-9_]*$`)

// validateExtras checks the OAuth settings beyond the endpoints: the default base URL, the
// device token encoding and the redirect path.
func (o *OAuth) validateExtras(bad func(string, string, ...any) error) error {
	if o.BaseURL != "" {
		if _, err := CheckBaseURL(o.BaseURL); err != nil {
			return bad("oauth.base_url", "%v", err)
		}
	}
	switch o.DeviceTokenRequest {
	case "", DeviceTokenForm, DeviceTokenJSON:
	default:
		return bad("oauth.device_token_request", "unknown value %q (%s or %s)", o.DeviceTokenRequest, DeviceTokenForm, DeviceTokenJSON)
	}
	if p := o.RedirectPath; p != "" && p != "/" {
		if p[0] != '/' {
			return bad("oauth.redirect_path", "must start with /")
		}
		if err := checkRoutePath(p); err != nil {
			return bad("oauth.redirect_path", "%v", err)
		}
	}
	return nil
}
