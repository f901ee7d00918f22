package provider

import (
	"fmt"
	"net/url"
	"strings"
)

// Templated reports whether any endpoint, the registration endpoint or api_url holds
// [BaseURLPlaceholder]: such a definition must be resolved with [Definition.Resolve] before use.
func (d *Definition) Templated() bool {
	for _, s := range d.templatedFields() {
		if strings.Contains(*s, BaseURLPlaceholder) {
			return true
		}
	}
	return false
}

// templatedFields are the fields of d that may hold {base_url}.
func (d *Definition) templatedFields() []*string {
	f := []*string{&d.APIURL}
	if d.OAuth != nil {
		f = append(f, &d.OAuth.AuthorizationURL, &d.OAuth.TokenURL, &d.OAuth.DeviceAuthorizationURL, &d.OAuth.RevocationURL)
	}
	if d.Registration != nil {
		f = append(f, &d.Registration.RegistrationEndpoint)
	}
	return f
}

// Resolve returns a copy of d with {base_url} filled in: in the OAuth endpoints, the
// registration endpoint and api_url. baseURL "" means the definition's OAuth.BaseURL. The base
// URL must be an https URL (http only for 127.0.0.1 and localhost) without credentials, query
// or fragment; a trailing slash is dropped. The substitution is textual: an api_url of
// "{base_url}/api/v3" becomes an https URL prefix route. A definition without placeholders is
// returned as a copy, whatever baseURL is.
func (d *Definition) Resolve(baseURL string) (*Definition, error) {
	c := d.clone()
	if !d.Templated() {
		return c, nil
	}
	if baseURL == "" && d.OAuth != nil {
		baseURL = d.OAuth.BaseURL
	}
	if baseURL == "" {
		return nil, fmt.Errorf("provider %s needs a base URL (pass --base-url, e.g. https://gitlab.example.com)", d.Name)
	}
	base, err := CheckBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", d.Name, err)
	}
	for _, s := range c.templatedFields() {
		*s = strings.ReplaceAll(*s, BaseURLPlaceholder, base)
	}
	if c.OAuth != nil {
		c.OAuth.BaseURL = base
	}
	if c.Templated() {
		return nil, fmt.Errorf("provider %s: a %s placeholder remains after resolving", d.Name, BaseURLPlaceholder)
	}
	return c, nil
}

// CheckBaseURL validates a base URL for [Definition.Resolve] and returns it without a trailing
// slash.
func CheckBaseURL(raw string) (string, error) {
	u, err := url.Parse(strings.TrimSpace(raw))
	if err != nil {
		return "", fmt.Errorf("base URL: %v", err)
	}
	switch {
	case u.Host == "" || u.Opaque != "":
		return "", fmt.Errorf("base URL %q must be an absolute URL such as https://gitlab.example.com", raw)
	case u.User != nil:
		return "", fmt.Errorf("base URL %q must not contain credentials", raw)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.Contains(raw, "#"):
		return "", fmt.Errorf("base URL %q must not have a query or fragment", raw)
	case u.Scheme == "http" && isLoopback(u.Hostname()):
	case u.Scheme != "https":
		return "", fmt.Errorf("base URL %q must use https (plain http is allowed only for 127.0.0.1 and localhost)", raw)
	}
	if strings.Contains(u.Host, BaseURLPlaceholder) || strings.Contains(u.Path, BaseURLPlaceholder) {
		return "", fmt.Errorf("base URL %q must not hold %s", raw, BaseURLPlaceholder)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// clone returns a deep copy of d.
func (d *Definition) clone() *Definition {
	c := *d
	if d.OAuth != nil {
		o := *d.OAuth
		o.Scopes = append([]string(nil), d.OAuth.Scopes...)
		if d.OAuth.Scopes == nil {
			o.Scopes = nil
		}
		c.OAuth = &o
	}
	if d.APIKey != nil {
		k := *d.APIKey
		c.APIKey = &k
	}
	if d.Registration != nil {
		r := *d.Registration
		c.Registration = &r
	}
	if d.Export != nil {
		c.Export = make(map[string]string, len(d.Export))
		for k, v := range d.Export {
			c.Export[k] = v
		}
	}
	c.Ignored = append([]string(nil), d.Ignored...)
	if d.Ignored == nil {
		c.Ignored = nil
	}
	return &c
}
