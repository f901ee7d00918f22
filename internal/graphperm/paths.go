package graphperm

import (
	_ "embed"
	"strconv"
	"strings"
	"sync"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// paths is Microsoft's table of which permissions grant which request,
// for the parts of Graph the sandbox serves (permgen.RenderPaths).
//
//go:embed paths_gen.txt
var paths string

// Grant is what Microsoft lists as granting a request: any one of the
// delegated permissions (for a token with a signed-in user) or of the
// application permissions (for an app-only token).
type Grant struct {
	Delegated, Application []string
	// LeastDelegated and LeastApplication are the least privileged of each
	// kind, "" where Microsoft marks none.
	LeastDelegated, LeastApplication string
}

// Allows reports whether a token holding perms (its scp, or its roles when
// app is true) may make the request.
func (g Grant) Allows(app bool, perms []string) bool {
	list := g.Delegated
	if app {
		list = g.Application
	}
	for _, p := range perms {
		for _, q := range list {
			if Implies(p, q) {
				return true
			}
		}
	}
	return false
}

// BeyondSelf reports whether delegated permission p reaches data other
// than the signed-in user's own: Microsoft names those .All or .Shared
// (Files.Read.All, Mail.Read.Shared); Files.Read, User.Read and Mail.Read
// reach the user's own files, profile and mailbox only.
func BeyondSelf(p string) bool {
	l := strings.ToLower(p)
	return strings.HasSuffix(l, ".all") || strings.HasSuffix(l, ".shared")
}

// Implies reports whether holding permission p grants what q grants: p is
// q (in any case), or includes it as Microsoft defines its permissions
// (ReadWrite includes Read, Read includes ReadBasic, and
// Sites.FullControl.All ⊃ Sites.Manage.All ⊃ Sites.ReadWrite.All), which
// its table does not always spell out (GET /me/messages/{id} lists
// Mail.Read but not Mail.ReadWrite).
func Implies(p, q string) bool {
	if strings.EqualFold(p, q) {
		return true
	}
	if !strings.EqualFold(resource(p), resource(q)) {
		return false // every weaker permission keeps p's resource
	}
	for _, w := range weaker(p) {
		if Implies(w, q) {
			return true
		}
	}
	return false
}

// resource is p's first dot-separated part (Mail of Mail.ReadWrite.Shared).
func resource(p string) string {
	r, _, _ := strings.Cut(p, ".")
	return r
}

// weaker are the permissions p directly includes: X.All includes X (the
// tenant's includes the user's own), X.ReadWrite X.Read, X.Read
// X.ReadBasic, and Sites.FullControl.All ⊃ Sites.Manage.All ⊃
// Sites.ReadWrite.All.
func weaker(p string) []string {
	switch strings.ToLower(p) {
	case "sites.fullcontrol.all":
		return []string{"Sites.Manage.All"}
	case "sites.manage.all":
		return []string{"Sites.ReadWrite.All"}
	}
	var out []string
	if base, ok := strings.CutSuffix(p, ".All"); ok && strings.Contains(base, ".") {
		out = append(out, base)
	}
	parts := strings.Split(p, ".")
	for i, part := range parts {
		if i == 0 {
			continue
		}
		next := ""
		switch {
		case strings.EqualFold(part, "ReadWrite"):
			next = "Read"
		case strings.EqualFold(part, "Read"):
			next = "ReadBasic"
		default:
			continue
		}
		w := append([]string(nil), parts...)
		w[i] = next
		out = append(out, strings.Join(w, "."))
		break
	}
	return out
}

// node is a path segment of the table; "{id}" stands for any key.
type node struct {
	next    map[string]*node
	methods map[string]*Grant
}

var table = sync.OnceValue(func() *node {
	root := &node{}
	var grants []*Grant
	for _, line := range strings.Split(paths, "\n") {
		switch {
		case line == "" || line[0] == '#':
		case line[0] == '=':
			d, a, _ := strings.Cut(strings.TrimPrefix(line, "= "), " | ")
			g := &Grant{}
			g.Delegated, g.LeastDelegated = names(d)
			g.Application, g.LeastApplication = names(a)
			grants = append(grants, g)
		default:
			fields := strings.Fields(line)
			n := root
			for _, seg := range strings.Split(strings.Trim(fields[0], "/"), "/") {
				if n.next == nil {
					n.next = map[string]*node{}
				}
				if n.next[seg] == nil {
					n.next[seg] = &node{}
				}
				n = n.next[seg]
			}
			n.methods = map[string]*Grant{}
			for _, f := range fields[1:] {
				m, i, _ := strings.Cut(f, "=")
				k, _ := strconv.Atoi(i)
				n.methods[m] = grants[k]
			}
		}
	}
	return root
})

func names(list string) (all []string, least string) {
	for _, n := range strings.Split(strings.TrimSpace(list), ",") {
		if n == "" {
			continue
		}
		if name, ok := strings.CutSuffix(n, "*"); ok {
			n = name
			if least == "" {
				least = n
			}
		}
		all = append(all, n)
	}
	return all, least
}

// match finds the grant of method on segs: a literal segment matches
// itself, any segment matches "{id}" (literals first).
func (n *node) match(method string, segs []string) *Grant {
	if len(segs) == 0 {
		return n.methods[method]
	}
	if seg := segs[0]; seg != "{id}" {
		if c := n.next[seg]; c != nil {
			if g := c.match(method, segs[1:]); g != nil {
				return g
			}
		}
	}
	if c := n.next["{id}"]; c != nil {
		return c.match(method, segs[1:])
	}
	return nil
}

var (
	templateRE = lazyre.New(`\{[^}]*\}`)
	// keySegRE is OData key syntax, name('key'), and a function's
	// arguments, name(a='x',b=1).
	keySegRE  = lazyre.New(`^([a-z.]+)\('[^']*'\)$`)
	funcArgRE = lazyre.New(`=('[^']*'|[^,)]*)`)
	// itemPathRE is a drive item addressed by path, root:/a/b:,
	// items/{id}:/a/b: or special/{name}:/a: (to the end when the closing
	// colon is missing).
	itemPathRE = lazyre.New(`(/root|/items/[^/:]+|/special/[^/:]+):(/[^:]*)(:|$)`)
)

// segments turns a request path, concrete (/v1.0/me/messages/AAMk) or a
// route pattern (/v1.0/me/messages/{mid}), into the table's segments.
func segments(path string) []string {
	p := strings.ToLower(strings.TrimPrefix(path, "/v1.0"))
	p = templateRE().ReplaceAllString(p, "{id}")
	p = itemPathRE().ReplaceAllString(p, "/items/{id}")
	segs := strings.Split(strings.Trim(p, "/"), "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		if k := keySegRE().FindStringSubmatch(s); k != nil {
			out = append(out, k[1], "{id}")
			continue
		}
		if strings.HasSuffix(s, ")") && strings.Contains(s, "(") {
			s = funcArgRE().ReplaceAllString(s, "={id}")
		}
		out = append(out, s)
	}
	return out
}

// Lookup returns what grants method on path, a request's path (with or
// without /v1.0; {name} segments stand for any key), and the request of the
// table it comes from. Where Microsoft does not list the request itself,
// or lists none of one kind (delegated or application) for it, that kind
// comes from the nearest request it is a form of (derive).
func Lookup(method, path string) (Grant, string, bool) {
	method = strings.ToUpper(method)
	segs := segments(path)
	if len(segs) > 0 && segs[0] != "" {
		// Most requests are in the table as they are, with both kinds: no forms to derive.
		if g := table().match(method, segs); g != nil && g.Delegated != nil && g.Application != nil {
			return *g, candidate{method, segs}.key(), true
		}
	}
	var out Grant
	from, found := "", false
	for _, c := range derive(method, segs) {
		g := table().match(c.method, c.segs)
		if g == nil {
			continue
		}
		if !found {
			from, found = c.key(), true
		}
		if out.Delegated == nil {
			out.Delegated, out.LeastDelegated = g.Delegated, g.LeastDelegated
		}
		if out.Application == nil {
			out.Application, out.LeastApplication = g.Application, g.LeastApplication
		}
		if out.Delegated != nil && out.Application != nil {
			break
		}
	}
	return out, from, found
}
