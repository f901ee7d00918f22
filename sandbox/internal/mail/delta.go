package mail

import (
	"net/http"
	"net/url"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Message delta: GET .../mailFolders/{id}/messages/delta, a delta round
// (graphkit.DeltaToken) over the store's feed: the folder's messages changed
// after the token's position, and the messages that left the folder (deleted
// or moved: the feed's tombstones of the folder's scope), in sequence order.

// immutableIDField is the tombstone field with a removed message's immutable id.
const immutableIDField = "immutableId"

// feedScope is the feed scope of folder of mb: its messages' changes and
// removals.
func feedScope(mb *mailbox, folderID string) string { return mb.owner.ID + "/" + folderID }

func (s *Workload) messageDelta(w http.ResponseWriter, r *http.Request, u *user) {
	opts, ge := deltaPrefs(w, r)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.lock(r.Context())
	st := s.mail
	mb := st.boxes[u.ID]
	f, ge := resolveFolder(mb, r)
	if ge != nil {
		s.unlock()
		s.Fail(w, r, ge)
		return
	}
	tok, ge := st.feed.ParseToken(r.URL.Query())
	if ge != nil {
		s.unlock()
		s.Fail(w, r, ge)
		return
	}
	page, more := graphkit.DeltaPage(deltaEntries(st.feed, mb, f.ID, tok, opts), tok, opts.pageSize)
	items := make([]any, 0, len(page))
	for _, e := range page {
		if e.Tomb != nil {
			id := e.ID
			if imm := e.Tomb.Extra[immutableIDField]; opts.view.immutable && imm != "" {
				id = imm
			}
			items = append(items, graphkit.Removed("#microsoft.graph.message", id))
			continue
		}
		obj := rawObject(e.Item.(*mailMessage).toJSON(opts.view, false))
		obj["@odata.type"] = "#microsoft.graph.message"
		p := opts.query.Project(obj, messageType)
		p.Keys = append([]string{"@odata.type"}, p.Keys...)
		items = append(items, p)
	}
	param, token := st.feed.DeltaLinks(tok, page, more)
	s.unlock()
	s.WriteDelta(w, r, "message", items, opts.sel, []string{"$select", "$filter"}, param, token)
}

// deltaOptions is how a delta request wants its pages.
type deltaOptions struct {
	sel      url.Values // $select and $filter, which travel in the links
	query    *odata.Query
	pageSize int
	view     msgView
}

// deltaPrefs reads a delta request's options and preferences and sets
// Preference-Applied. $select and $filter (Graph allows receivedDateTime
// ge|gt) travel in the links; other options do not apply to delta.
func deltaPrefs(w http.ResponseWriter, r *http.Request) (deltaOptions, *graphkit.Error) {
	q := r.URL.Query()
	o := deltaOptions{sel: url.Values{}}
	for _, k := range []string{"$select", "$filter"} {
		if v := q.Get(k); v != "" {
			o.sel.Set(k, v)
		}
	}
	oq, err := odata.Parse(o.sel, messageType, odata.Limits{})
	if err != nil {
		return o, graphkit.QueryError(err)
	}
	o.query = oq
	var applied string
	o.pageSize, applied = graphkit.DeltaPageSize(r, 10)
	o.view = mailPrefs(w, r)
	if applied != "" {
		if pa := w.Header().Get("Preference-Applied"); pa != "" {
			applied += ", " + pa
		}
		w.Header().Set("Preference-Applied", applied)
	}
	return o, nil
}

// deltaEntries returns the changes of folder after tok's position and its
// removals after tok.RemovedAfter, unsorted.
func deltaEntries(feed *graphkit.Feed, mb *mailbox, folderID string, tok graphkit.DeltaToken, o deltaOptions) []graphkit.DeltaEntry {
	var entries []graphkit.DeltaEntry
	for _, m := range mb.msgs {
		if m.FolderID == folderID && m.Seq > tok.From {
			if o.query.Filter != nil {
				if obj, _ := jsonObject(m.toJSON(msgView{}, false)); !odata.Match(o.query.Filter, obj) {
					continue
				}
			}
			entries = append(entries, graphkit.DeltaEntry{Seq: m.Seq, ID: m.ID, Item: m})
		}
	}
	for _, t := range feed.Since(feedScope(mb, folderID), tok.RemovedAfter()) {
		entries = append(entries, graphkit.DeltaEntry{Seq: t.Seq, ID: t.ID, Tomb: &t})
	}
	return entries
}
