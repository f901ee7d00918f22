package grant

import (
	"encoding/json"
	"fmt"
	"net/url"
	"strings"
)

// Denied is a request outside the grant (or one that cannot be checked safely).
type Denied struct{ Reason string }

func (d *Denied) Error() string { return d.Reason }

func deny(format string, args ...any) *Denied { return &Denied{Reason: fmt.Sprintf(format, args...)} }

// Request is what [Grant.Check] decides on.
type Request struct {
	Method string
	Path   string // escaped, as sent
	Query  string // raw query, without "?"
	// Body returns the request body; it is read only for a $batch request.
	Body func() ([]byte, error)
	// Graph applies Microsoft Graph's rules: an explicit version prefix (v1.0 or beta),
	// /users/{Self} counted as /me, $batch items and $expand checked.
	Graph bool
	// Self are the connection account's object id and user principal name: /users/{either}
	// is matched as /me.
	Self []string
}

// graphVersions are the version prefixes of Microsoft Graph.
var graphVersions = map[string]bool{"v1.0": true, "beta": true}

// MaxBatchBody is the largest $batch body Check reads.
const MaxBatchBody = 4 << 20

// Check decides req. It returns the path to send upstream (dot segments removed, see
// [Path.Raw]) or a *Denied saying why the request is outside the grant.
func (g *Grant) Check(req Request) (string, error) {
	p, err := Normalize(req.Path)
	if err != nil {
		return "", err
	}
	if len(g.Allow) == 0 {
		return p.Raw, nil
	}
	return p.Raw, g.check(strings.ToUpper(req.Method), p.Segs, req, true)
}

// check decides one request (or $batch item) on normalised segments.
func (g *Grant) check(method string, segs []string, req Request, top bool) error {
	if !req.Graph {
		return g.allow(method, segs)
	}
	if len(segs) == 0 || !graphVersions[segs[0]] {
		return deny("%s %s: a Microsoft Graph path starts with its version, /v1.0 or /beta", method, joinSegs(segs))
	}
	segs = asMe(segs, req.Self)
	if len(segs) == 2 && segs[1] == "$batch" {
		if !top {
			return deny("a $batch inside a $batch")
		}
		return g.checkBatch(segs[0], req)
	}
	if err := g.allow(method, segs); err != nil {
		return err
	}
	return g.checkExpand(method, segs, req.Query)
}

// allow reports whether a rule allows method on segs.
func (g *Grant) allow(method string, segs []string) error {
	for _, r := range g.Allow {
		if r.matches(method, segs) {
			return nil
		}
	}
	return deny("%s %s is outside the agent's grant", method, joinSegs(segs))
}

func joinSegs(segs []string) string { return "/" + strings.Join(segs, "/") }

// asMe rewrites /VERSION/users/{self}/... as /VERSION/me/...
func asMe(segs []string, self []string) []string {
	if len(segs) < 3 || segs[1] != "users" {
		return segs
	}
	for _, s := range self {
		if s != "" && strings.ToLower(s) == segs[2] {
			return append([]string{segs[0], "me"}, segs[3:]...)
		}
	}
	return segs
}

// checkBatch checks every request of a JSON $batch body as if it were sent on its own.
func (g *Grant) checkBatch(version string, req Request) error {
	if req.Body == nil {
		return deny("a $batch body cannot be checked")
	}
	body, err := req.Body()
	if err != nil {
		return deny("the $batch body cannot be read: %v", err)
	}
	var b struct {
		Requests []struct {
			ID     string `json:"id"`
			Method string `json:"method"`
			URL    string `json:"url"`
		} `json:"requests"`
	}
	if err := json.Unmarshal(body, &b); err != nil || len(b.Requests) == 0 {
		return deny("the $batch body is not a JSON batch with requests")
	}
	for _, it := range b.Requests {
		if strings.Contains(it.URL, "://") || strings.HasPrefix(it.URL, "//") {
			return deny("$batch request %q: an absolute URL", it.ID)
		}
		path, query, _ := strings.Cut(it.URL, "?")
		p, err := Normalize("/" + version + "/" + strings.TrimPrefix(path, "/"))
		if err != nil {
			return deny("$batch request %q: %v", it.ID, err)
		}
		sub := req
		sub.Query = query
		if err := g.check(strings.ToUpper(it.Method), p.Segs, sub, false); err != nil {
			return deny("$batch request %q: %v", it.ID, err)
		}
	}
	return nil
}

// anyMember stands for any member of a collection: only wildcards match it (no real segment
// holds a control character).
const anyMember = "\x00"

// checkExpand requires every navigation property a $expand (or expand) option names, nested
// ones included, to be allowed below segs both as P/name and as P/{id}/name, since segs may
// be a collection whose members the property hangs off: $expand=attachments on /me/messages
// needs /me/messages/attachments and /me/messages/*/attachments; $expand=* needs P/* and
// P/*/* (wildcard rules).
func (g *Grant) checkExpand(method string, segs []string, rawQuery string) error {
	for _, kv := range strings.Split(rawQuery, "&") {
		k, v, _ := strings.Cut(kv, "=")
		key, err1 := url.QueryUnescape(k)
		val, err2 := url.QueryUnescape(v)
		if err1 != nil || err2 != nil {
			return deny("a malformed %%-escape in the query")
		}
		key = strings.ToLower(strings.TrimSpace(key))
		if key != "$expand" && key != "expand" {
			continue
		}
		if err := g.expand(method, segs, val); err != nil {
			return err
		}
	}
	return nil
}

// expand checks one $expand value below segs.
func (g *Grant) expand(method string, segs []string, val string) error {
	for _, item := range splitTop(val, ',') {
		item = strings.TrimSpace(item)
		name, opts, _ := strings.Cut(item, "(")
		name = strings.ToLower(strings.TrimSpace(name))
		if name == "" {
			continue
		}
		below := append(append([]string(nil), segs...), strings.Split(name, "/")...)
		// On a collection, the property is reached below each member: P/{id}/name.
		member := append(append(append([]string(nil), segs...), anyMember), strings.Split(name, "/")...)
		if g.allow(method, below) != nil || g.allow(method, member) != nil {
			return deny("$expand=%s reaches %s (or, on a collection, %s/{id}/%s), outside the agent's grant", name, joinSegs(below), joinSegs(segs), name)
		}
		opts = strings.TrimSuffix(strings.TrimSpace(opts), ")")
		for _, o := range splitTop(opts, ';') {
			k, v, _ := strings.Cut(o, "=")
			if k = strings.ToLower(strings.TrimSpace(k)); k == "$expand" || k == "expand" {
				if err := g.expand(method, below, v); err != nil {
					return err
				}
			}
		}
	}
	return nil
}

// splitTop splits s at sep outside parentheses.
func splitTop(s string, sep byte) []string {
	var out []string
	depth, start := 0, 0
	for i := 0; i < len(s); i++ {
		switch s[i] {
		case '(':
			depth++
		case ')':
			depth--
		case sep:
			if depth == 0 {
				out = append(out, s[start:i])
				start = i + 1
			}
		}
	}
	return append(out, s[start:])
}
