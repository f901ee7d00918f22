// Package grant is what an agent of the gateway may do: which connections it may use and,
// optionally, which requests (METHOD /path patterns) it may send with them. It is pure: it
// parses grants, normalises request paths and decides; the gateway applies the decision.
//
// # Grammar
//
//	rule     = method SP pattern
//	method   = "*" / token                 ; upper-cased; "*" is any method
//	pattern  = 1*( "/" segment )
//	segment  = "**" / 1*( literal / "*" )  ; "*" inside a segment: any characters but "/"
//
// "**" as a whole segment matches zero or more segments. The first segment (the version
// prefix, such as v1.0 or beta) must be a literal: /beta is its own prefix and a pattern
// never spans versions. Patterns are lower-cased and matched against the normalised path
// ([Normalize]); the query string is not part of the path.
package grant

import (
	"errors"
	"fmt"
	"strings"
)

// Connection names one connection of a provider: "microsoft:work".
type Connection struct {
	Provider, Name string
}

func (c Connection) String() string { return c.Provider + ":" + c.Name }

// ParseConnection parses PROVIDER:CONNECTION.
func ParseConnection(s string) (Connection, error) {
	p, n, ok := strings.Cut(s, ":")
	if !ok || p == "" || n == "" || strings.ContainsAny(s, " /\t") || strings.Contains(n, ":") {
		return Connection{}, fmt.Errorf("grant: %q: want PROVIDER:CONNECTION, such as microsoft:work", s)
	}
	return Connection{Provider: p, Name: n}, nil
}

// Rule is one allowed METHOD /pattern.
type Rule struct {
	Method string   // upper-case, or "*"
	Segs   []string // lower-case pattern segments
}

// ParseRule parses "METHOD /pattern" (see the package grammar).
func ParseRule(s string) (Rule, error) {
	m, p, ok := strings.Cut(strings.TrimSpace(s), " ")
	p = strings.TrimSpace(p)
	if !ok || m == "" || p == "" {
		return Rule{}, fmt.Errorf("grant: rule %q: want METHOD /path, such as 'GET /v1.0/me/messages/**'", s)
	}
	m = strings.ToUpper(m)
	if m != "*" && strings.IndexFunc(m, func(r rune) bool { return r < 'A' || r > 'Z' }) >= 0 {
		return Rule{}, fmt.Errorf("grant: rule %q: method %q is not a method name or *", s, m)
	}
	if !strings.HasPrefix(p, "/") || strings.ContainsAny(p, "?#%\\ \t") || strings.IndexFunc(p, func(r rune) bool { return r < 0x20 || r == 0x7f }) >= 0 {
		return Rule{}, fmt.Errorf("grant: rule %q: the pattern must start with / and hold no query, %%-escape, backslash or space", s)
	}
	segs := strings.Split(strings.ToLower(p[1:]), "/")
	for i, seg := range segs {
		switch {
		case seg == "" || seg == "." || seg == "..":
			return Rule{}, fmt.Errorf("grant: rule %q: empty or dot segment", s)
		case i == 0 && strings.Contains(seg, "*"):
			return Rule{}, fmt.Errorf("grant: rule %q: the first segment (the version prefix, such as v1.0 or beta) must be written out", s)
		case seg != "**" && strings.Contains(seg, "**"):
			return Rule{}, fmt.Errorf("grant: rule %q: ** must be a whole segment", s)
		}
	}
	return Rule{Method: m, Segs: segs}, nil
}

func (r Rule) String() string { return r.Method + " /" + strings.Join(r.Segs, "/") }

// MarshalText writes the rule as it parses.
func (r Rule) MarshalText() ([]byte, error) { return []byte(r.String()), nil }

// UnmarshalText parses a rule.
func (r *Rule) UnmarshalText(b []byte) error {
	x, err := ParseRule(string(b))
	*r = x
	return err
}

// UnmarshalText parses PROVIDER:CONNECTION.
func (c *Connection) UnmarshalText(b []byte) error {
	x, err := ParseConnection(string(b))
	*c = x
	return err
}

// MarshalText writes PROVIDER:CONNECTION.
func (c Connection) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// matches reports whether the rule allows method on the normalised segments.
func (r Rule) matches(method string, segs []string) bool {
	return (r.Method == "*" || r.Method == method) && matchSegs(r.Segs, segs)
}

func matchSegs(pat, segs []string) bool {
	for len(pat) > 0 {
		if pat[0] == "**" {
			for i := len(segs); i >= 0; i-- {
				if matchSegs(pat[1:], segs[i:]) {
					return true
				}
			}
			return false
		}
		if len(segs) == 0 || !glob(pat[0], segs[0]) {
			return false
		}
		pat, segs = pat[1:], segs[1:]
	}
	return len(segs) == 0
}

// glob matches one segment against a pattern segment whose "*" stand for any characters.
func glob(pat, s string) bool {
	star := strings.IndexByte(pat, '*')
	if star < 0 {
		return pat == s
	}
	if !strings.HasPrefix(s, pat[:star]) {
		return false
	}
	rest := pat[star+1:]
	for i := star; i <= len(s); i++ {
		if glob(rest, s[i:]) {
			return true
		}
	}
	return false
}

// Grant is what one agent may do.
type Grant struct {
	// Connections the agent may use; at least one.
	Connections []Connection `json:"connections"`
	// Allow, when not empty, limits the requests to those a rule allows; empty allows
	// every request to the connections' hosts (versioned paths only, for Microsoft Graph).
	Allow []Rule `json:"allow,omitempty"`
	// ExportToken lets the agent fetch the connections' access tokens themselves (POST
	// /v1/token/...), for programs that can use neither the proxy nor the API. It is the one
	// deliberate exception to "the credential never leaves the gateway": until a token
	// expires, its holder can do anything its scopes allow, outside Allow and the audit log.
	// Off unless asked for; a grant that has it has no Allow rules (they would bind nothing).
	ExportToken bool `json:"export_token,omitempty"`
}

// Uses reports whether the grant names provider/connection.
func (g *Grant) Uses(provider, connection string) bool {
	for _, c := range g.Connections {
		if c.Provider == provider && c.Name == connection {
			return true
		}
	}
	return false
}

// Validate checks that the grant names a connection.
func (g *Grant) Validate() error {
	if len(g.Connections) == 0 {
		return errors.New("grant: no connection (--grant PROVIDER:CONNECTION)")
	}
	if g.ExportToken && len(g.Allow) > 0 {
		return errors.New("grant: --allow rules cannot bind an agent that may export tokens (--allow-token-export): it can send any request with the token")
	}
	return nil
}
