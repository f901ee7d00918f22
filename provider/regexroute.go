package provider

import (
	"fmt"
	"net/url"
	"regexp"
	"regexp/syntax"
	"strings"
	"unicode"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// Regex routes. A "regex:<pattern>" api_url is matched against the whole (lower-case) host,
// so it is anchored whether or not it says ^...$. It must also say which domain it belongs
// to: every host it matches must be one literal host of the pattern, or end in "." followed
// by a literal registrable domain the pattern spells out (an escaped "\." before the domain's
// last labels: `^[a-z0-9-]+\.googleapis\.com$`, `.*\.linear\.app`, `api[0-9]\.example\.test`,
// `(api\.x\.com|x\.com)`). Otherwise an unrelated host (googleapis.evil.test for
// `.*googleapis.*`) would receive the credential.
//
// Registrable means two labels or more, an alphabetic top-level label, and not a known public
// suffix: <co|com|net|org|gov|edu|ac|...>.<country> (co.uk), or a shared hosting domain whose
// subdomains belong to different people (amazonaws.com, github.io, herokuapp.com, ...). This
// is a short list, not the Public Suffix List: a definition naming another shared suffix is
// its author's responsibility.
//
// Parse narrows a loose pattern from a shared file (the original authsome ships
// `regex:.*googleapis.*`) instead of refusing it: see narrowRegexRoute.

// maxRouteTails bounds the literal alternatives a pattern's analysis keeps.
const maxRouteTails = 32

// tail is what every string a (sub)pattern matches ends with; whole: the string is s itself.
type tail struct {
	s     string
	whole bool
}

// tails returns the literal endings of re's matches, or false when re guarantees none.
func tails(re *syntax.Regexp) ([]tail, bool) {
	switch re.Op {
	case syntax.OpLiteral:
		return []tail{{strings.ToLower(string(re.Rune)), true}}, true // routes ignore case
	case syntax.OpCharClass:
		if r, ok := singleRune(re.Rune); ok {
			return []tail{{string(r), true}}, true
		}
	case syntax.OpEmptyMatch, syntax.OpBeginText, syntax.OpEndText, syntax.OpBeginLine, syntax.OpEndLine:
		return []tail{{"", true}}, true
	case syntax.OpCapture:
		return tails(re.Sub[0])
	case syntax.OpQuest, syntax.OpStar, syntax.OpPlus:
		ts, ok := tails(re.Sub[0])
		if !ok {
			return nil, false
		}
		if re.Op != syntax.OpQuest { // repeated: the ending is the last repetition's
			ts = notWhole(ts)
		}
		if re.Op != syntax.OpPlus {
			ts = append(ts, tail{"", true})
		}
		return dedupe(ts), true
	case syntax.OpAlternate:
		var all []tail
		for _, sub := range re.Sub {
			ts, ok := tails(sub)
			if !ok {
				return nil, false
			}
			all = append(all, ts...)
		}
		all = dedupe(all)
		return all, len(all) <= maxRouteTails
	case syntax.OpConcat:
		acc := []tail{{"", true}}
		for i := len(re.Sub) - 1; i >= 0; i-- {
			ts, ok := tails(re.Sub[i])
			if !ok {
				return notWhole(acc), true
			}
			var next []tail
			for _, a := range acc {
				if !a.whole {
					next = append(next, a)
					continue
				}
				for _, t := range ts {
					next = append(next, tail{t.s + a.s, t.whole})
				}
			}
			if acc = dedupe(next); len(acc) > maxRouteTails {
				return nil, false
			}
		}
		return acc, true
	}
	return nil, false
}

// singleRune reports whether a character class holds one rune, in one or more letter cases.
func singleRune(ranges []rune) (rune, bool) {
	one := rune(-1)
	for i := 0; i+1 < len(ranges); i += 2 {
		if ranges[i+1]-ranges[i] > 1 {
			return 0, false
		}
		for r := ranges[i]; r <= ranges[i+1]; r++ {
			l := unicode.ToLower(r)
			if one >= 0 && l != one {
				return 0, false
			}
			one = l
		}
	}
	return one, one >= 0
}

func notWhole(ts []tail) []tail {
	out := make([]tail, len(ts))
	for i, t := range ts {
		out[i] = tail{t.s, false}
	}
	return out
}

func dedupe(ts []tail) []tail {
	seen := map[tail]bool{}
	var out []tail
	for _, t := range ts {
		if !seen[t] {
			seen[t] = true
			out = append(out, t)
		}
	}
	return out
}

// checkRegexRoute says why a regex route's pattern is not tied to literal hosts or a
// registrable domain, or returns nil.
func checkRegexRoute(pat string) error {
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return fmt.Errorf("bad regex: %v", err)
	}
	ts, ok := tails(re.Simplify())
	if !ok {
		return errLooseRegex
	}
	for _, t := range ts {
		if t.whole {
			if checkHost(t.s) != nil {
				return errLooseRegex
			}
			continue
		}
		_, domain, found := strings.Cut(t.s, ".")
		if !found || checkHost(domain) != nil || !registrable(domain) {
			return errLooseRegex
		}
	}
	return nil
}

var errLooseRegex = fmt.Errorf(`the regex must match only hosts under a domain it spells out, ending in an escaped literal such as \.example\.com (for example regex:^[a-z0-9-]+\.example\.com$)`)

// publicSecondLevel are second-level labels under country codes that are public suffixes.
var publicSecondLevel = map[string]bool{"co": true, "com": true, "net": true, "org": true, "gov": true, "edu": true,
	"ac": true, "or": true, "ne": true, "go": true, "gob": true, "mil": true, "nic": true, "ltd": true, "plc": true,
	"sch": true, "nhs": true, "gen": true, "biz": true, "info": true, "firm": true, "ind": true}

// sharedHosting are domains whose subdomains belong to different customers.
var sharedHosting = map[string]bool{"amazonaws.com": true, "cloudfront.net": true, "github.io": true,
	"githubusercontent.com": true, "herokuapp.com": true, "azurewebsites.net": true, "cloudapp.net": true,
	"appspot.com": true, "firebaseapp.com": true, "web.app": true, "blogspot.com": true, "vercel.app": true,
	"netlify.app": true, "pages.dev": true, "workers.dev": true, "fly.dev": true, "onrender.com": true,
	"ngrok.io": true, "ngrok-free.app": true, "trycloudflare.com": true, "r2.dev": true}

// registrable reports whether domain (a valid host name, lower case) can be one owner's.
func registrable(domain string) bool {
	labels := strings.Split(strings.ToLower(domain), ".")
	n := len(labels)
	if n < 2 || sharedHosting[strings.ToLower(domain)] {
		return false
	}
	for _, r := range labels[n-1] {
		if r < 'a' || r > 'z' {
			return false
		}
	}
	return !(n == 2 && len(labels[1]) == 2 && publicSecondLevel[labels[0]])
}

// registrableDomain returns the registrable domain a host is under (its last two labels, or
// three under a public second level such as co.uk), or "".
func registrableDomain(host string) string {
	labels := strings.Split(strings.ToLower(host), ".")
	for k := 2; k <= 3 && k <= len(labels); k++ {
		if d := strings.Join(labels[len(labels)-k:], "."); registrable(d) {
			return d
		}
	}
	return ""
}

var domainInTextRE = lazyre.New(`[a-z0-9-]+(?:\.[a-z0-9-]+)+`)
var labelRunRE = lazyre.New(`[a-z0-9-]+`)

// narrowRegexRoute replaces a loose regex api_url of d by the domain the pattern names,
// and that domain's subdomains. The domain is a registrable domain written in the pattern
// (".*linear.app.*" → linear.app); failing that, the registrable domain of one of d's own
// endpoints (authorization, token, device, revocation, registration, docs URL) whose name
// is a whole word of the pattern's literal text (".*googleapis.*" with the token URL
// https://oauth2.googleapis.com/token → googleapis.com). No such domain, or two, is an error.
// It returns the warning to show.
func narrowRegexRoute(d *Definition) (string, error) {
	pat := strings.TrimPrefix(d.APIURL, "regex:")
	re, err := syntax.Parse(pat, syntax.Perl)
	if err != nil {
		return "", fmt.Errorf("bad regex: %v", err)
	}
	candidates := map[string]bool{}
	text := strings.ToLower(strings.ReplaceAll(pat, `\.`, "."))
	for _, m := range domainInTextRE().FindAllString(text, -1) {
		if dom := registrableDomain(m); dom != "" {
			candidates[dom] = true
		}
	}
	if len(candidates) == 0 {
		words := map[string]bool{}
		for _, lit := range literals(re) {
			for _, w := range labelRunRE().FindAllString(lit, -1) {
				words[w] = true
			}
		}
		for _, raw := range d.endpointURLs() {
			u, err := url.Parse(raw)
			if err != nil || u.Hostname() == "" {
				continue
			}
			if dom := registrableDomain(u.Hostname()); dom != "" && words[strings.Split(dom, ".")[0]] {
				candidates[dom] = true
			}
		}
	}
	var doms []string
	for dom := range candidates {
		doms = append(doms, dom)
	}
	switch len(doms) {
	case 0:
		return "", fmt.Errorf("%w; no domain can be derived from %q", errLooseRegex, pat)
	case 1:
	default:
		return "", fmt.Errorf("%w; %q names more than one domain", errLooseRegex, pat)
	}
	narrowed := `regex:(?:.+\.)?` + regexp.QuoteMeta(doms[0])
	warning := fmt.Sprintf("api_url %q is not tied to a domain (it would match %s.evil.test too); using %s: %s and its subdomains",
		d.APIURL, strings.SplitN(doms[0], ".", 2)[0], narrowed, doms[0])
	d.APIURL = narrowed
	return warning, nil
}

// literals returns the literal strings of a parsed pattern, lower case.
func literals(re *syntax.Regexp) []string {
	var out []string
	if re.Op == syntax.OpLiteral {
		out = append(out, strings.ToLower(string(re.Rune)))
	}
	for _, sub := range re.Sub {
		out = append(out, literals(sub)...)
	}
	return out
}

// endpointURLs are the URLs of d that name its provider's own hosts.
func (d *Definition) endpointURLs() []string {
	var out []string
	if o := d.OAuth; o != nil {
		out = append(out, o.AuthorizationURL, o.TokenURL, o.DeviceAuthorizationURL, o.RevocationURL)
	}
	if d.Registration != nil {
		out = append(out, d.Registration.RegistrationEndpoint)
	}
	return append(out, d.DocsURL)
}
