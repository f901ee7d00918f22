package todo

import (
	"net/http"
	"net/url"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Delta of lists (GET …/todo/lists/delta) and of a list's tasks (GET
// …/todo/lists/{id}/tasks/delta), over the store's feed (graphkit.Feed):
// what changed since the token, then "@removed" entries for what was
// deleted, 10 a page unless Prefer: odata.maxpagesize says otherwise;
// $select travels in the links.

// delta writes a delta page of the entities of type t in scope; collect
// returns those changed after a position (Item: their graphkit.Item), or
// false when the scope's list is gone.
func (s *Workload) delta(w http.ResponseWriter, r *http.Request, u *graphkit.User, t *odata.Type, scope string,
	collect func(tu *user, after int64) ([]graphkit.DeltaEntry, bool)) {
	keep := url.Values{}
	if v := r.URL.Query().Get("$select"); v != "" {
		keep.Set("$select", v)
	}
	q, err := odata.Parse(keep, t, odata.Limits{})
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	size, applied := graphkit.DeltaPageSize(r, 10)
	s.mu.Lock()
	tok, ge := s.feed.ParseToken(r.URL.Query())
	if ge != nil {
		s.mu.Unlock()
		s.Fail(w, r, ge)
		return
	}
	entries, ok := collect(s.user(u), tok.From)
	if !ok {
		s.mu.Unlock()
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	for _, tomb := range s.feed.Since(scope, tok.RemovedAfter()) {
		entries = append(entries, graphkit.DeltaEntry{Seq: tomb.Seq, ID: tomb.ID, Tomb: &tomb})
	}
	page, more := graphkit.DeltaPage(entries, tok, size)
	typ := "#" + t.Name
	items := make([]any, 0, len(page))
	for _, e := range page {
		if e.Tomb != nil {
			items = append(items, graphkit.Removed(typ, e.ID))
			continue
		}
		p := q.Project(e.Item.(graphkit.Item).Raw(), t)
		p.Keys = append([]string{"@odata.type"}, p.Keys...)
		p.Vals["@odata.type"] = typ
		items = append(items, p)
	}
	param, token := s.feed.DeltaLinks(tok, page, more)
	s.mu.Unlock()
	if applied != "" {
		w.Header().Set("Preference-Applied", applied)
	}
	s.WriteDelta(w, r, strings.TrimPrefix(t.Name, "microsoft.graph."), items, keep, []string{"$select"}, param, token)
}
