package provider

import (
	"fmt"
	"maps"
	"net/url"
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

// checkBaseURL checks a base URL for {base_url}: an absolute https URL, optionally with a
// path, without credentials, query or fragment.
func checkBaseURL(raw string) error {
	u, err := url.Parse(raw)
	if err != nil {
		return fmt.Errorf("not a URL: %v", err)
	}
	switch {
	case u.Scheme != "https" || u.Host == "":
		return fmt.Errorf("%q must be an absolute https URL", raw)
	case u.User != nil:
		return fmt.Errorf("%q must not contain credentials", raw)
	case u.RawQuery != "" || u.ForceQuery || u.Fragment != "" || strings.ContainsAny(raw, "?#"):
		return fmt.Errorf("%q must not have a query or fragment", raw)
	case u.Port() != "":
		return fmt.Errorf("%q must not have a port", raw)
	}
	if err := checkHost(u.Hostname()); err != nil {
		return err
	}
	if p := strings.TrimSuffix(strings.TrimPrefix(raw, "https://"+u.Host), "/"); p != "" {
		if err := checkRoutePath(p); err != nil {
			return fmt.Errorf("%q: %v", raw, err)
		}
	}
	return nil
}

// Resolve returns a copy of d with {base_url} filled in with baseURL, or with OAuth.BaseURL
// when baseURL is "". The result is validated. It is an error when a template stays unfilled
// (no base URL at all), when baseURL is not an https URL without query or fragment, and when
// baseURL is given for a definition without templates. A trailing "/" of the base URL is
// dropped.
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
	if err := checkBaseURL(baseURL); err != nil {
		return nil, fmt.Errorf("base URL: %v", err)
	}
	base := strings.TrimSuffix(baseURL, "/")
	for _, u := range c.templatableURLs() {
		*u = strings.Replace(*u, BaseURLPlaceholder, base, 1)
	}
	if c.OAuth != nil {
		c.OAuth.BaseURL = base // what a base_url export holds
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
