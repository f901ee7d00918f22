package graphkit

import (
	"context"
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// Graph resolves path segments case-insensitively and accepts OData key
// syntax (/me/mailFolders('inbox')/messages); the mux is case-sensitive and
// knows only the slash form. Mux is the one route table of every
// workload: it learns the literal segments of each pattern registered on it
// and rewrites a request's path into the canonical form before routing.

// Mux is an http.ServeMux that canonicalises request paths.
type Mux struct {
	mux      *http.ServeMux
	segments map[string]string // lower case → the case the routes use
	patterns []string          // in registration order
	rewrites []func(string) string
}

// NewMux returns an empty route table.
func NewMux() *Mux {
	return &Mux{mux: http.NewServeMux(), segments: map[string]string{}}
}

// HandleFunc registers h for pattern ("METHOD /path/{wildcard}/...") and
// learns the pattern's literal segments.
func (m *Mux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	_, p, _ := strings.Cut(pattern, " ")
	for _, seg := range strings.Split(p, "/") {
		if seg != "" && !strings.HasPrefix(seg, "{") {
			m.segments[strings.ToLower(seg)] = seg
		}
	}
	m.mux.HandleFunc(pattern, h)
	m.patterns = append(m.patterns, pattern)
}

// Patterns returns the registered patterns, in registration order: the
// route table the conformance test covers.
func (m *Mux) Patterns() []string { return append([]string(nil), m.patterns...) }

var keySegmentRE = lazyre.New(`^([A-Za-z]+)\('([^'/]*)'\)$`)

// Rewrite adds f, which rewrites a request's path before it is routed: a
// workload whose addresses the patterns cannot express (SharePoint's
// "/sites/{host}:/sites/team:/lists") turns them into ones they can. f
// returns the path unchanged when it is not one of its own.
func (m *Mux) Rewrite(f func(string) string) { m.rewrites = append(m.rewrites, f) }

func (m *Mux) rewrite(p string) string {
	for _, f := range m.rewrites {
		p = f(p)
	}
	return p
}

// CanonicalPath rewrites p (Rewrite), the known segments of p to their
// canonical case and name('key') segments to name/key.
func (m *Mux) CanonicalPath(p string) string { return m.canonical(m.rewrite(p)) }

func (m *Mux) canonical(p string) string {
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		if k := keySegmentRE().FindStringSubmatch(s); k != nil {
			if c, ok := m.segments[strings.ToLower(k[1])]; ok {
				out = append(out, c, k[2])
				continue
			}
		}
		if c, ok := m.segments[strings.ToLower(s)]; ok {
			s = c
		}
		out = append(out, s)
	}
	return strings.Join(out, "/")
}

func (m *Mux) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	sent := m.rewrite(r.URL.Path)
	if p := m.canonical(sent); p != r.URL.Path {
		r2 := r.Clone(context.WithValue(r.Context(), sentPathKey{}, sent))
		r2.URL.Path, r2.URL.RawPath = p, ""
		r = r2
	}
	m.mux.ServeHTTP(w, r)
}

type sentPathKey struct{}

// SentCase returns tail, a trailing part of the request's canonical path
// (a {rest...} wildcard), as the client sent it: names the client chose,
// such as a file's path, keep their letter case even where a segment
// spells a route's literal ("Contacts" stays "Contacts").
func SentCase(r *http.Request, tail string) string {
	sent, _ := r.Context().Value(sentPathKey{}).(string)
	if sent == "" {
		return tail
	}
	o, c := strings.Split(sent, "/"), strings.Split(r.URL.Path, "/")
	n := len(strings.Split(tail, "/"))
	if len(o) != len(c) || n > len(o) {
		return tail // a name('key') segment was split: the parts no longer line up
	}
	if s := strings.Join(o[len(o)-n:], "/"); strings.EqualFold(s, tail) {
		return s
	}
	return tail
}

// RoutePath is the path permissions are looked up by (graphkit.RoutePath)
// for a request of method on path, as the route it reaches gives it; ""
// when it reaches none. A test asks it of the route table.
func (m *Mux) RoutePath(method, path string) string {
	p := m.canonical(m.rewrite(path))
	r, err := http.NewRequest(method, "http://graph.test"+p, nil)
	if err != nil {
		return ""
	}
	_, pattern := m.mux.Handler(r)
	_, pat, ok := strings.Cut(pattern, " ")
	if !ok || pattern == "" {
		return ""
	}
	if i := strings.LastIndex(pat, "{"); i >= 0 && strings.HasSuffix(pat, "...}") {
		fixed := strings.Count(pat[:i], "/")
		segs := strings.SplitN(p, "/", fixed+1)
		return pat[:i] + segs[len(segs)-1]
	}
	return pat
}
