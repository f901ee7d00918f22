package provider

import (
	"fmt"
	"regexp"
	"strings"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// Route is the parsed api_url of a provider: the requests that receive its credential.
// Its zero value matches nothing. A Route is safe for concurrent use.
type Route struct {
	host   string         // lower-case host for host and prefix routes
	prefix string         // path prefix ("" or "/..."), prefix routes only
	re     *regexp.Regexp // regex routes: matched against the lower-case host
}

// ParseRoute parses an api_url: a bare host ("graph.microsoft.com"), an https URL whose path is a
// prefix ("https://api.example.com/v2"), or "regex:<pattern>" matched against the whole host,
// ignoring case. A regex must be tied to literal hosts or a registrable domain (see
// checkRegexRoute): `regex:^[a-z0-9-]+\.googleapis\.com$` is, `regex:.*googleapis.*` is not.
func ParseRoute(apiURL string) (Route, error) {
	if pat, ok := strings.CutPrefix(apiURL, "regex:"); ok {
		if pat == "" {
			return Route{}, fmt.Errorf("empty regex")
		}
		re, err := regexp.Compile(`^(?i:` + pat + `)$`)
		if err != nil {
			return Route{}, fmt.Errorf("bad regex: %v", err)
		}
		if err := checkRegexRoute(pat); err != nil {
			return Route{}, err
		}
		return Route{re: re}, nil
	}
	if strings.Contains(apiURL, "://") {
		rest, ok := strings.CutPrefix(apiURL, "https://")
		if !ok {
			return Route{}, fmt.Errorf("%q must be an https URL (starting with https://)", apiURL)
		}
		host, path, _ := strings.Cut(rest, "/")
		if strings.ContainsAny(host, "@:?#") {
			return Route{}, fmt.Errorf("%q must be scheme, host and optional path only (no credentials, port, query or fragment)", apiURL)
		}
		if err := checkHost(host); err != nil {
			return Route{}, err
		}
		if path != "" {
			path = "/" + path
			if err := checkRoutePath(path); err != nil {
				return Route{}, fmt.Errorf("%q: %v", apiURL, err)
			}
		}
		return Route{host: strings.ToLower(host), prefix: strings.TrimSuffix(path, "/")}, nil
	}
	if apiURL == "" {
		return Route{}, fmt.Errorf("no api_url: the provider names no API host to receive its credential")
	}
	if err := checkHost(apiURL); err != nil {
		return Route{}, err
	}
	return Route{host: strings.ToLower(apiURL)}, nil
}

// routePathRE is what an api_url path may hold: segments of URL path characters that need no
// quoting anywhere (letters, digits, "-._~%:@+,="). Spaces, quotes, ';', '$', '&', '(', '`',
// control characters and non-ASCII are refused: the URL is exported into environments and
// shells as it is written.
var routePathRE = lazyre.New(`^(/[A-Za-z0-9\-._~%:@+,=]*)+$`)

// checkRoutePath checks the path of an https api_url.
func checkRoutePath(p string) error {
	if !routePathRE().MatchString(p) {
		return fmt.Errorf("the path may hold only letters, digits and -._~%%:@+,= between slashes (no spaces, quotes, ';', '?', '#' or control characters)")
	}
	for _, seg := range strings.Split(p, "/") {
		if seg == "." || seg == ".." {
			return fmt.Errorf("the path must not contain . or .. segments")
		}
	}
	for i := 0; i < len(p); i++ {
		if p[i] == '%' && (i+2 >= len(p) || !isHex(p[i+1]) || !isHex(p[i+2])) {
			return fmt.Errorf("the path has a %% that does not start an escape such as %%2F")
		}
	}
	return nil
}

func isHex(c byte) bool { return '0' <= c && c <= '9' || 'a' <= c && c <= 'f' || 'A' <= c && c <= 'F' }

// checkHost accepts a DNS host name of two or more labels, each 1-63 ASCII letters, digits or
// hyphens, neither starting nor ending with a hyphen. (Checked by hand: a regular expression
// with these bounded repeats takes about 1 ms to compile, paid by every command that reads a
// definition.)
func checkHost(h string) error {
	if !isHostName(h) {
		return fmt.Errorf("%q is not a DNS host name (no scheme, port, path or wildcard; use regex: for patterns)", h)
	}
	return nil
}

func isHostName(h string) bool {
	labels := strings.Split(h, ".")
	if len(labels) < 2 {
		return false
	}
	for _, l := range labels {
		if l == "" || len(l) > 63 || l[0] == '-' || l[len(l)-1] == '-' {
			return false
		}
		for i := 0; i < len(l); i++ {
			if c := l[i]; !('a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || '0' <= c && c <= '9' || c == '-') {
				return false
			}
		}
	}
	return true
}

// Host returns the exact host of a host or prefix route, or "" for a regex route.
func (r Route) Host() string { return r.host }

// MatchHost reports whether requests to host may carry the credential. host is a DNS name
// without port; letter case does not matter. A name with a trailing dot ("api.github.com.")
// never matches: the proxy keeps the dot as sent (a fully qualified name is another
// authority to TLS and HTTP), so a route matches only the name as written. Anything that is
// not a plain host name (userinfo, a port, spaces) matches no route.
func (r Route) MatchHost(host string) bool {
	host = strings.ToLower(host)
	switch {
	case r.re != nil:
		return plainHost(host) && r.re.MatchString(host)
	case r.host != "":
		return host == r.host
	}
	return false
}

// plainHost reports whether host is lower-case letters, digits, '-' and '_' in non-empty
// labels separated by dots: the only hosts a regex route is matched against.
func plainHost(host string) bool {
	if host == "" || len(host) > 253 {
		return false
	}
	for _, label := range strings.Split(host, ".") {
		if label == "" || len(label) > 63 {
			return false
		}
		for i := 0; i < len(label); i++ {
			if c := label[i]; !('a' <= c && c <= 'z' || '0' <= c && c <= '9' || c == '-' || c == '_') {
				return false
			}
		}
	}
	return true
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
		return "regex:" + strings.TrimSuffix(strings.TrimPrefix(r.re.String(), "^(?i:"), ")$")
	case r.prefix != "":
		return "https://" + r.host + r.prefix
	}
	return r.host
}
