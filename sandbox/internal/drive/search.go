package drive

import (
	"bytes"
	"io"
	"net/http"
	"net/url"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Search (GET /me/drive/search(q='text'), /me/drive/root/search(q='text'),
// and the same below /drives/{id} and /users/{id}/drive): the items below
// the folder (the whole drive for the drive's search) whose name,
// description or, for a small text file, content holds every word of the
// text, in any case, as OneDrive's search finds them. The answer pages
// with $skiptoken and takes $select.

// searchContentLimit is the largest text file whose content is searched.
const searchContentLimit = 1 << 20

// searchRoute serves rest when it is a search; false when it is not one.
func (s *Workload) searchRoute(w http.ResponseWriter, r *http.Request, u *graphkit.User, rest string) bool {
	i := searchAt(rest)
	if i < 0 {
		return false
	}
	if r.Method != http.MethodGet {
		s.Fail(w, r, graphkit.Err(405, "BadRequest", "The HTTP method '"+r.Method+"' is not allowed on search: it is a GET."))
		return true
	}
	text, ok := searchText(r)
	if !ok {
		s.Fail(w, r, graphkit.BadRequest("search takes the text to find as q='text' (a quote inside it doubled)."))
		return true
	}
	terms := strings.Fields(strings.ToLower(text))
	if len(terms) == 0 {
		s.Fail(w, r, graphkit.Err(400, "invalidRequest", "The search text is empty: search(q='words to find')."))
		return true
	}
	var t target
	if base := strings.TrimSuffix(rest[:i], "/"); base != "" {
		if t, ok = parseRest(base); !ok || t.tail != "" {
			s.Fail(w, r, graphkit.BadRequest("search is a function of a drive or a folder: /drive/search(q='…') or /drive/root/search(q='…')."))
			return true
		}
		if t.special != "" && !s.openSpecial(w, r, u, &t) {
			return true
		}
	}
	s.search(w, r, u, t, terms)
	return true
}

// searchAt is where rest's search(...) segment starts: its first segment,
// or the one after a folder's address; -1 when it has none (a file called
// "search(1)" in a path, root:/a/search(1), is not a search).
func searchAt(rest string) int {
	low := strings.ToLower(rest)
	i := strings.Index(low, "search(")
	if i < 0 || (i > 0 && low[i-1] != '/') || !strings.HasSuffix(low, ")") || strings.Count(low[:i], ":")%2 == 1 {
		return -1
	}
	return i
}

// searchText reads q='text' from the request as it was sent: the path's
// decoded form loses an escaped slash in the text.
func searchText(r *http.Request) (string, bool) {
	raw, _, _ := strings.Cut(r.RequestURI, "?")
	if raw == "" { // a request made in process ($batch)
		raw = r.URL.EscapedPath()
	}
	low := strings.ToLower(raw)
	i := strings.Index(low, "/search(")
	if i < 0 || !strings.HasSuffix(raw, ")") {
		return "", false
	}
	arg, err := url.PathUnescape(raw[i+len("/search(") : len(raw)-1])
	if err != nil {
		return "", false
	}
	v, ok := cutFold(strings.TrimSpace(arg), "q=")
	v = strings.TrimSpace(v)
	if !ok || len(v) < 2 || v[0] != '\'' || v[len(v)-1] != '\'' {
		return "", false
	}
	v = v[1 : len(v)-1]
	if strings.Contains(strings.ReplaceAll(v, "''", ""), "'") {
		return "", false
	}
	return strings.ReplaceAll(v, "''", "'"), true
}

// matches reports whether every term is in text (lower case).
func matches(text string, terms []string) bool {
	for _, t := range terms {
		if !strings.Contains(text, t) {
			return false
		}
	}
	return true
}

// textual reports whether a file's content is searched.
func textual(it *item) bool {
	if it.Folder || it.Hash == "" || it.Size > searchContentLimit {
		return false
	}
	m := it.MimeType
	return strings.HasPrefix(m, "text/") || m == "application/json" || m == "application/xml"
}

func (s *Workload) search(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target, terms []string) {
	// Under the lock: the items below the folder, and which of them match
	// by name; the content of the others is read without it (a file's
	// bytes never change under its hash).
	s.mu.Lock()
	d := s.user(u)
	base := d.resolve(t)
	var found, unread []*item
	if base != nil {
		var walk func(*item)
		walk = func(f *item) {
			for _, c := range d.children(f) {
				if matches(strings.ToLower(c.Name+"\n"+c.Desc), terms) {
					found = append(found, c)
				} else if textual(c) {
					unread = append(unread, c)
				}
				if c.Folder {
					walk(c)
				}
			}
		}
		walk(base)
	}
	hashes := make([]string, len(unread))
	for i, c := range unread {
		hashes[i] = c.Hash
	}
	s.mu.Unlock()
	if base == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	for i, h := range hashes {
		if s.contentMatches(h, terms) {
			found = append(found, unread[i])
		}
	}

	s.mu.Lock()
	var list []graphkit.Item
	for _, c := range found {
		if d.find(c.ID) != nil {
			list = append(list, graphkit.ItemFunc(func() any { return s.itemObject(r, d, c) }))
		}
	}
	page := graphkit.ListPageStyle(r, graphkit.TokenPages, "#Collection(driveItem)", list, driveItemType, childLimits)
	s.mu.Unlock()
	s.WriteListPage(w, r, page, nil)
}

// contentMatches reports whether the text in the bytes hash names holds
// every term (case ignored).
func (s *Workload) contentMatches(hash string, terms []string) bool {
	f, err := s.open(hash)
	if err != nil {
		return false
	}
	if c, ok := f.(io.Closer); ok {
		defer c.Close()
	}
	b, err := io.ReadAll(io.LimitReader(f, searchContentLimit))
	return err == nil && matches(string(bytes.ToLower(b)), terms)
}
