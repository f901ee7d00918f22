package provider

import (
	"fmt"
	"maps"
	"net/url"
	"slices"
	"strings"
)

// {base_url} templates. An OAuth endpoint, the registration endpoint or an https api_url may
// start with BaseURLPlaceholder ("{base_url}/login/oauth/authorize"); login fills it in with
// --base-url, or with OAuth.BaseURL when that is not given (self-hosted GitLab, GitHub
// Enterprise). The placeholder may appear once, at the start, and never in a regex api_url.
// Validate checks a templated URL with a sample host in its place.

// baseURLSample stands for the base URL when a templated URL is validated.
const baseURLSample = "https://base-url.example"

// Templated reports whether any URL of d holds {base_url}.
func (d *Definition) Templated() bool {
	for _, u := range d.templatableURLs() {
		if strings.Contains(*u, BaseURLPlaceholder) {
			return true
		}
	}
	return false
}

// templatableURLs are the fields that may hold {base_url}.
func (d *Definition) templatableURLs() []*string {
	out := []*string{&d.APIURL}
	if o := d.OAuth; o != nil {
		out = append(out, &o.AuthorizationURL, &o.TokenURL, &o.DeviceAuthorizationURL, &o.RevocationURL)
	}
	if d.Registration != nil {
		out = append(out, &d.Registration.RegistrationEndpoint)
	}
	return out
}

// withSample returns raw with a leading {base_url} replaced by the sample base URL, or an
// error when the placeholder is anywhere else.
func withSample(raw string) (string, error) {
	rest, ok := strings.CutPrefix(raw, BaseURLPlaceholder)
	if strings.Contains(rest, BaseURLPlaceholder) || !ok && strings.Contains(raw, BaseURLPlaceholder) {
		return "", fmt.Errorf("%s may appear only once, at the start (%s/path)", BaseURLPlaceholder, BaseURLPlaceholder)
	}
	if !ok {
		return raw, nil
	}
	if rest != "" && rest[0] != '/' {
		return "", fmt.Errorf("%s must be followed by a path starting with / (or nothing)", BaseURLPlaceholder)
	}
	return baseURLSample + rest, nil
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
	case isLoopback(u.Hostname()) && (u.Scheme == "http" || u.Scheme == "https"):
		// a local test server: any port
	case u.Scheme != "https":
		return "", fmt.Errorf("base URL %q must use https (plain http is allowed only for 127.0.0.1 and localhost)", raw)
	case u.Port() != "":
		return "", fmt.Errorf("base URL %q must not have a port: an api_url route cannot hold one", raw)
	}
	if p := strings.TrimRight(u.Path, "/"); p != "" {
		if err := checkRoutePath(p); err != nil {
			return "", fmt.Errorf("base URL %q: %v", raw, err)
		}
	}
	if strings.Contains(u.Host, BaseURLPlaceholder) || strings.Contains(u.Path, BaseURLPlaceholder) {
		return "", fmt.Errorf("base URL %q must not hold %s", raw, BaseURLPlaceholder)
	}
	u.Path = strings.TrimRight(u.Path, "/")
	u.RawPath = ""
	return u.String(), nil
}

// Resolve returns a copy of d with {base_url} filled in with baseURL, or with OAuth.BaseURL
// when baseURL is "". The result is validated (unless the base URL is a loopback one, a local
// test server, whose address no api_url route can hold). It is an error when a template stays unfilled
// (no base URL at all), when baseURL is not one [CheckBaseURL] accepts, and when baseURL is
// given for a definition without templates. A trailing "/" of the base URL is dropped.
func (d *Definition) Resolve(baseURL string) (*Definition, error) {
	c := d.clone()
	if !d.Templated() {
		if baseURL != "" {
			return nil, fmt.Errorf("provider %s has no %s in its URLs; a base URL does not apply", d.Name, BaseURLPlaceholder)
		}
		return c, nil
	}
	if baseURL == "" && d.OAuth != nil {
		baseURL = d.OAuth.BaseURL
	}
	if baseURL == "" {
		return nil, fmt.Errorf("provider %s needs a base URL for %s (--base-url https://host)", d.Name, BaseURLPlaceholder)
	}
	base, err := CheckBaseURL(baseURL)
	if err != nil {
		return nil, fmt.Errorf("provider %s: %w", d.Name, err)
	}
	for _, u := range c.templatableURLs() {
		*u = strings.Replace(*u, BaseURLPlaceholder, base, 1)
	}
	if c.OAuth != nil {
		c.OAuth.BaseURL = base // what a base_url export holds
	}
	if u, _ := url.Parse(base); isLoopback(u.Hostname()) {
		return c, nil // a local test server: its address is no route the proxy would take
	}
	if err := c.Validate(); err != nil {
		return nil, err
	}
	return c, nil
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
	c.Export = maps.Clone(d.Export)
	if d.ScopePresets != nil {
		c.ScopePresets = make(map[string][]string, len(d.ScopePresets))
		for n, scopes := range d.ScopePresets {
			c.ScopePresets[n] = slices.Clone(scopes)
		}
	}
	c.Ignored = append([]string(nil), d.Ignored...)
	c.Warnings = append([]string(nil), d.Warnings...)
	if d.Ignored == nil {
		c.Ignored = nil
	}
	if d.Warnings == nil {
		c.Warnings = nil
	}
	return &c
}

// checkTemplatedEndpoint is checkEndpoint for a URL that may start with {base_url}.
func checkTemplatedEndpoint(raw string) error {
	s, err := withSample(raw)
	if err != nil {
		return err
	}
	if err := checkEndpoint(s); err != nil {
		if s != raw {
			return fmt.Errorf("%q with %s filled in: %v", raw, BaseURLPlaceholder, err)
		}
		return err
	}
	return nil
}

// checkAPIURL checks an api_url: a route, with {base_url} allowed at the start of an
// https one.
func checkAPIURL(apiURL string) error {
	if strings.HasPrefix(apiURL, "regex:") && strings.Contains(apiURL, BaseURLPlaceholder) {
		return fmt.Errorf("%s cannot be used in a regex", BaseURLPlaceholder)
	}
	s, err := withSample(apiURL)
	if err != nil {
		return err
	}
	_, err = ParseRoute(s)
	return err
}
