package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"strings"
)

// Route is the parsed api_url of a provider: the requests that receive its credential.
// Its zero value matches nothing. A Route is safe for concurrent use.
type Route struct {
	host   string         // lower-case host for host and prefix routes
	prefix string         // path prefix ("" or "/..."), prefix routes only
	re     *regexp.Regexp // regex routes: matched against the lower-case host
}

// ParseRoute parses an api_url: a bare host ("graph.microsoft.com"), an https URL whose path is a
// prefix ("https://api.example.com/v2"), or "regex:<pattern>" matched against the whole host.
func ParseRoute(apiURL string) (Route, error) {
	if pat, ok := strings.CutPrefix(apiURL, "regex:"); ok {
		if pat == "" {
			return Route{}, fmt.Errorf("empty regex")
		}
		re, err := regexp.Compile(`^(?:` + pat + `)$`)
		if err != nil {
			return Route{}, fmt.Errorf("bad regex: %v", err)
		}
		return Route{re: re}, nil
	}
	if strings.Contains(apiURL, "://") {
		u, err := url.Parse(apiURL)
		if err != nil {
			return Route{}, fmt.Errorf("not a URL: %v", err)
		}
		if u.Scheme != "https" {
			return Route{}, fmt.Errorf("%q must be an https URL", apiURL)
		}
		if u.User != nil || u.RawQuery != "" || u.Fragment != "" || u.Port() != "" {
			return Route{}, fmt.Errorf("%q must be scheme, host and optional path only", apiURL)
		}
		if err := checkHost(u.Hostname()); err != nil {
			return Route{}, err
		}
		return Route{host: strings.ToLower(u.Hostname()), prefix: strings.TrimSuffix(u.EscapedPath(), "/")}, nil
	}
	if err := checkHost(apiURL); err != nil {
		return Route{}, err
	}
	return Route{host: strings.ToLower(apiURL)}, nil
}

var hostRE = regexp.MustCompile(`^(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))+$`)

func checkHost(h string) error {
	if !hostRE.MatchString(h) {
		return fmt.Errorf("%q is not a DNS host name (no scheme, port, path or wildcard; use regex: for patterns)", h)
	}
	return nil
}

// Host returns the exact host of a host or prefix route, or "" for a regex route.
func (r Route) Host() string { return r.host }

// MatchHost reports whether requests to host may carry the credential. host must already be
// normalised by the caller (lower-case, no port, no trailing dot); comparison is exact.
func (r Route) MatchHost(host string) bool {
	switch {
	case r.re != nil:
		return r.re.MatchString(host)
	case r.host != "":
		return host == r.host
	}
	return false
}

// Match reports whether a request for host and path receives the credential.
func (r Route) Match(host, path string) bool {
	if !r.MatchHost(host) {
		return false
	}
	if r.prefix == "" {
		return true
	}
	return path == r.prefix || strings.HasPrefix(path, r.prefix+"/")
}

func (r Route) String() string {
	switch {
	case r.re != nil:
		return "regex:" + strings.TrimSuffix(strings.TrimPrefix(r.re.String(), "^(?:"), ")$")
	case r.prefix != "":
		return "https://" + r.host + r.prefix
	}
	return r.host
}
