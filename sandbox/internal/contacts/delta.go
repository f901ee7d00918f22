package contacts

import (
	"context"
	"net/http"
	"net/url"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Contact delta: GET .../contactFolders/{id}/contacts/delta and
// .../contacts/delta (the default folder), over the store's feed
// (graphkit.Feed): the folder's contacts changed since the token, then
// "@removed" entries for those deleted, 10 a page unless Prefer:
// odata.maxpagesize says otherwise; $select travels in the links.

// scope is the feed scope of a folder's contacts.
func scope(owner, folder string) string { return owner + "/" + folder }

// noteChange gives c (just created or changed; its change key took the
// feed's last position) its position and tells the feed's subscribers.
func (st *store) noteChange(u *graphkit.User, c *contact, kind graphkit.ChangeKind) {
	c.Seq = st.feed.Seq()
	st.feed.Notify(scope(u.ID, c.FolderID), c.ID, kind, c.Seq)
}

// noteRemoval leaves the tombstone of c, which was removed.
func (st *store) noteRemoval(ctx context.Context, u *graphkit.User, c *contact) {
	st.feed.Removed(ctx, scope(u.ID, c.FolderID), c.ID, nil)
}

func (s *Workload) contactDelta(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	keep := url.Values{}
	if v := r.URL.Query().Get("$select"); v != "" {
		keep.Set("$select", v)
	}
	q, err := odata.Parse(keep, contactType, odata.Limits{})
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	size, applied := graphkit.DeltaPageSize(r, 10)
	s.mu.Lock()
	cu := s.user(u)
	folder, ok := contactFolderOf(cu, r.PathValue("fid"))
	if !ok {
		s.mu.Unlock()
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	tok, ge := s.feed.ParseToken(r.URL.Query())
	if ge != nil {
		s.mu.Unlock()
		s.Fail(w, r, ge)
		return
	}
	var entries []graphkit.DeltaEntry
	for _, c := range cu.contacts {
		if c.FolderID == folder && c.Seq > tok.From {
			entries = append(entries, graphkit.DeltaEntry{Seq: c.Seq, ID: c.ID, Item: c})
		}
	}
	for _, t := range s.feed.Since(scope(u.ID, folder), tok.RemovedAfter()) {
		entries = append(entries, graphkit.DeltaEntry{Seq: t.Seq, ID: t.ID, Tomb: &t})
	}
	page, more := graphkit.DeltaPage(entries, tok, size)
	items := make([]any, 0, len(page))
	for _, e := range page {
		if e.Tomb != nil {
			items = append(items, graphkit.Removed("#microsoft.graph.contact", e.ID))
			continue
		}
		p := q.Project(contactObject(e.Item.(*contact), outlook.Expansion{}).Raw(), contactType)
		p.Keys = append([]string{"@odata.type"}, p.Keys...)
		p.Vals["@odata.type"] = "#microsoft.graph.contact"
		items = append(items, p)
	}
	param, token := s.feed.DeltaLinks(tok, page, more)
	s.mu.Unlock()
	if applied != "" {
		w.Header().Set("Preference-Applied", applied)
	}
	s.WriteDelta(w, r, "contact", items, keep, []string{"$select"}, param, token)
}
