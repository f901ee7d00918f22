package graphkit

import (
	"context"
	"net/http"
	"strings"
	"sync"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// Graph resolves path segments case-insensitively and accepts OData key
// syntax (/me/mailFolders('inbox')/messages); the mux is case-sensitive and
// knows only the slash form. Mux is the one route table of every
// workload: it learns the literal segments of each pattern registered on it
// and rewrites a request's path into the canonical form before routing.

// Mux is an http.ServeMux that canonicalises request paths.
type Mux struct {
	segments map[string]string // lower case → the case the routes use
	patterns []string          // in registration order
	handlers []http.HandlerFunc
	rewrites []func(string) string
	build    sync.Once
	table    *http.ServeMux
}

// tables holds one http.ServeMux per list of patterns, built once per
// process: every sandbox registers the same routes, and parsing and
// conflict-checking the patterns is the dear part of building a route table.
// The handler of its i-th pattern calls the i-th handler of the Mux the
// request came through, so each Mux keeps its own handlers.
var tables sync.Map // patterns joined by "\n" → *http.ServeMux

type muxKey struct{}

// NewMux returns an empty route table.
func NewMux() *Mux {
	return &Mux{segments: map[string]string{}}
}

// HandleFunc registers h for pattern ("METHOD /path/{wildcard}/...") and
// learns the pattern's literal segments. Routes are registered before the
// first request (or Build); a pattern registered later panics.
func (m *Mux) HandleFunc(pattern string, h func(http.ResponseWriter, *http.Request)) {
	if m.table != nil {
		panic("graphkit: route " + pattern + " registered after the route table was built")
	}
	_, p, _ := strings.Cut(pattern, " ")
	for _, seg := range strings.Split(p, "/") {
		if seg != "" && !strings.HasPrefix(seg, "{") {
			m.segments[strings.ToLower(seg)] = seg
		}
	}
	m.patterns = append(m.patterns, pattern)
	m.handlers = append(m.handlers, h)
}

// Build builds the route table (once; the first request does it if Build
// was not called). It panics, as http.ServeMux does, on a malformed or
// conflicting pattern.
func (m *Mux) Build() {
	m.build.Do(func() {
		key := strings.Join(m.patterns, "\n")
		if t, ok := tables.Load(key); ok {
			m.table = t.(*http.ServeMux)
			return
		}
		t := http.NewServeMux()
		for i, p := range m.patterns {
			t.HandleFunc(p, func(w http.ResponseWriter, r *http.Request) {
				r.Context().Value(muxKey{}).(*Mux).handlers[i](w, r)
			})
		}
		v, _ := tables.LoadOrStore(key, t)
		m.table = v.(*http.ServeMux)
	})
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
	m.Build()
	ctx := context.WithValue(r.Context(), muxKey{}, m)
	sent := m.rewrite(r.URL.Path)
	if p := m.canonical(sent); p != r.URL.Path {
		r = r.Clone(context.WithValue(ctx, sentPathKey{}, sent))
		r.URL.Path, r.URL.RawPath = p, ""
	} else {
		r = r.WithContext(ctx)
	}
	m.table.ServeHTTP(w, r)
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
	m.Build()
	_, pattern := m.table.Handler(r)
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
