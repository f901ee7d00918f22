package provider

import (
	"path/filepath"
	"regexp/syntax"
	"strings"
	"testing"
)

// routeSample returns a host the route of apiURL receives credentials for, and the name its
// look-alikes are built on: the host itself for a host route, the domain for a regex route
// tied to one.
func routeSample(t *testing.T, r Route, apiURL string) (legit, boundary string) {
	t.Helper()
	if r.Host() != "" {
		return r.Host(), r.Host()
	}
	re, err := syntax.Parse(strings.TrimPrefix(apiURL, "regex:"), syntax.Perl)
	if err != nil {
		t.Fatal(err)
	}
	ts, ok := tails(re.Simplify())
	if !ok || len(ts) == 0 {
		t.Fatalf("%s: no literal tail", apiURL)
	}
	tl := ts[0]
	if tl.whole {
		return tl.s, tl.s
	}
	_, boundary, _ = strings.Cut(tl.s, ".")
	for _, h := range []string{tl.s, "a" + tl.s, "a." + tl.s, "api1" + tl.s, "us1" + tl.s} {
		if r.MatchHost(h) {
			return h, boundary
		}
	}
	t.Fatalf("%s: no sample host matches", apiURL)
	return "", ""
}

// lookAlikes are hosts that resemble legit (or the domain boundary) but are someone else's,
// or are not plain host names at all.
func lookAlikes(legit, boundary string) []string {
	i := strings.LastIndexByte(legit, '.')
	otherTLD := legit[:i+1] + "co"
	if legit[i+1:] == "co" {
		otherTLD = legit[:i+1] + "com"
	}
	return []string{
		boundary + ".evil.test",  // suffix
		"evil" + boundary,        // prefix
		boundary + "-evil.test",  // embedded
		legit + ".",              // trailing dot: not matched (the proxy keeps it; see MatchHost)
		otherTLD,                 // another top-level domain
		"evil.test@" + legit,     // userinfo
		legit + "@evil.test",     // userinfo the other way
		legit + ":443",           // a port
		legit + "\x00.evil.test", // NUL
		" " + legit,
		"evil.test",
		"",
	}
}

// checkRouteSafe: the route receives legit (in any letter case) and none of its look-alikes.
func checkRouteSafe(t *testing.T, who, apiURL string) {
	t.Helper()
	r, err := ParseRoute(apiURL)
	if err != nil {
		t.Errorf("%s: %v", who, err)
		return
	}
	legit, boundary := routeSample(t, r, apiURL)
	if !r.MatchHost(legit) || !r.MatchHost(strings.ToUpper(legit)) {
		t.Errorf("%s: %s does not match %s (or its upper case)", who, apiURL, legit)
	}
	for _, h := range lookAlikes(legit, boundary) {
		if r.MatchHost(h) {
			t.Errorf("%s: %s matches the look-alike %q", who, apiURL, h)
		}
	}
}

// TestRoutesRefuseLookAlikes: every bundled route, and every route the authsome corpus
// loads to, receives its own host and no look-alike of it.
func TestRoutesRefuseLookAlikes(t *testing.T) {
	defs, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	for _, d := range defs {
		if len(d.Warnings) > 0 {
			t.Errorf("bundled %s: %q (bundled definitions are written tied to their domain)", d.Name, d.Warnings)
		}
		checkRouteSafe(t, "bundled "+d.Name, resolvedAPIURL(t, d))
	}
	files, _ := filepath.Glob(filepath.Join(corpusDir, "*.json*"))
	for _, f := range files {
		d, err := Parse([]byte(mustRead(t, f)))
		if err != nil {
			t.Fatal(err)
		}
		if d.APIURL != "" {
			checkRouteSafe(t, f, resolvedAPIURL(t, d))
		}
	}
	// And some written by hand.
	for _, api := range []string{
		`regex:^[a-z0-9-]+\.googleapis\.com$`, `regex:.*\.linear\.app`, `regex:api[0-9]\.example\.test`,
		`regex:^(api\.twitter\.com|api\.x\.com|x\.com|twitter\.com)`, `regex:(?:.+\.)?googleapis\.com`,
		`regex:(?i)API\.Example\.COM`, `regex:[Aa]pi\.example\.com`, `https://api.atlassian.com/ex/jira`,
	} {
		checkRouteSafe(t, "hand-written", api)
	}
}

// resolvedAPIURL is d's api_url with {base_url} filled in by a sample server.
func resolvedAPIURL(t *testing.T, d *Definition) string {
	t.Helper()
	if !d.Templated() {
		return d.APIURL
	}
	r, err := d.Resolve("https://git.example.com")
	if err != nil {
		t.Fatalf("%s: %v", d.Name, err)
	}
	return r.APIURL
}

// TestRegexRouteMustNameADomain: ParseRoute refuses regex routes that are not tied to
// literal hosts or a registrable domain.
func TestRegexRouteMustNameADomain(t *testing.T) {
	for _, pat := range []string{
		`.*`, `.*googleapis.*`, `.*googleapis\.com.*`, `[a-z]+`, `api\.example\..*`, `.*\.com`, `.*\.co\.uk`,
		`.*\.amazonaws\.com`, `.*\.github\.io`, `.*linear.app`, `api\.example\.com|.*`, `(api|.*)\.example\.com.*`,
		`.*\.example\.com[a-z]*`, `.*example\.com`, `.*\.example\.123`,
	} {
		if _, err := ParseRoute("regex:" + pat); err == nil {
			t.Errorf("regex:%s accepted", pat)
		}
	}
}

// TestNarrowRegexRoute: a loose pattern of a shared file becomes its domain and subdomains,
// with the domain taken from the pattern, or from the definition's own endpoints.
func TestNarrowRegexRoute(t *testing.T) {
	for _, tt := range []struct{ api, endpoint, want string }{
		{`regex:.*googleapis.*`, "https://oauth2.googleapis.com/token", `regex:(?:.+\.)?googleapis\.com`},
		{`regex:.*linear.app.*`, "https://linear.app/oauth/token", `regex:(?:.+\.)?linear\.app`},
		{`regex:.*\.example\.co\.uk.*`, "", `regex:(?:.+\.)?example\.co\.uk`},
		{`regex:.*acme.*`, "https://acme.io/token", `regex:(?:.+\.)?acme\.io`},
	} {
		d := &Definition{Name: "x", APIURL: tt.api, OAuth: &OAuth{TokenURL: tt.endpoint}}
		warning, err := narrowRegexRoute(d)
		if err != nil || d.APIURL != tt.want || !strings.Contains(warning, "evil.test") {
			t.Errorf("%s: %q, %q, %v; want %q", tt.api, d.APIURL, warning, err, tt.want)
		}
	}
	for _, tt := range []struct{ api, endpoint string }{
		{`regex:.*googleapis.*`, "https://accounts.google.com/token"}, // google is not a word of the pattern
		{`regex:.*`, "https://acme.io/token"},
		{`regex:.*(a\.io|b\.io).*`, ""},
	} {
		d := &Definition{Name: "x", APIURL: tt.api, OAuth: &OAuth{TokenURL: tt.endpoint}}
		if _, err := narrowRegexRoute(d); err == nil {
			t.Errorf("%s with %s narrowed to %s", tt.api, tt.endpoint, d.APIURL)
		}
	}
}
