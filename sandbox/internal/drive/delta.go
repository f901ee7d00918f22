package drive

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Drive delta: GET .../root/delta over the store's feed (graphkit.Feed),
// whose scope is the drive's id. Every write of an item goes through touch,
// which journals the item and gives it the feed's next position (Seq). A
// round reports the items whose last change is after the token's position:
// those still reachable from the root as they are, the others (in the
// recycle bin, or below a folder that is) with Graph's deleted facet. A
// folder sent to the recycle bin or restored from it moves everything
// below it too, so a client learns of them. The first round lists every
// item, parents before their children. Graph's OneDrive for Business
// answers delta on the root folder only; so does the sandbox. Tokens travel
// as ?token=, as OneDrive's links carry them; $deltatoken and $skiptoken,
// and the function form delta(token='...'), are read too.

// touch journals it and gives it the feed's next position; every write of
// an item ends here. The caller holds the lock.
func (s *Workload) touch(r *http.Request, d *drive, it *item) {
	kind := graphkit.Updated
	switch {
	case !it.live():
		kind = graphkit.Deleted
	case it.Version <= 1:
		kind = graphkit.Created
	}
	it.Seq = s.feed.Changed(r.Context(), d.ID, it.ID, kind)
	graphkit.Touch(r, Name, itemKey(d.ID, it.ID))
}

// touchTree touches it and every item below it that is not in the recycle
// bin on its own: a folder's deletion or restore changes what delta
// reports of them. The caller holds the lock.
func (s *Workload) touchTree(r *http.Request, d *drive, it *item) {
	s.touch(r, d, it)
	for _, id := range it.Children {
		if c := d.items[id]; c != nil && c.live() {
			s.touchTree(r, d, c)
		}
	}
}

// deltaPage is delta's page size unless $top or Prefer:
// odata.maxpagesize says another (the smaller of the two when both do).
const deltaPage = 200

// maxDeltaPage is the largest page $top or Prefer get.
const maxDeltaPage = 1000

// errDeltaRootOnly answers delta on a folder below the root.
var errDeltaRootOnly = graphkit.Err(400, "invalidRequest", "Delta is only supported on the root folder of a OneDrive for Business or SharePoint drive: call root/delta.")

// deltaToken reads the round's token: ?token= (or delta(token='...')),
// $skiptoken or $deltatoken; latest reports token=latest, since a token
// that is a time (OneDrive for Business takes one: the changes after it).
func deltaToken(r *http.Request, t target) (q url.Values, latest bool, since time.Time) {
	in := r.URL.Query()
	q = url.Values{}
	tok := in.Get("token")
	if arg, ok := strings.CutPrefix(t.sub, "("); ok {
		arg = strings.TrimSuffix(arg, ")")
		if v, ok := cutFold(arg, "token="); ok {
			tok = strings.Trim(v, "'")
		}
	}
	if ts, err := time.Parse(time.RFC3339, tok); err == nil {
		return q, false, ts
	}
	switch {
	case strings.EqualFold(tok, "latest"):
		return q, true, since
	case tok != "":
		if b, err := base64.RawURLEncoding.DecodeString(tok); err == nil && strings.HasPrefix(string(b), "s.") {
			q.Set("$skiptoken", tok)
		} else {
			q.Set("$deltatoken", tok)
		}
	default:
		for _, k := range []string{"$skiptoken", "$deltatoken"} {
			if v := in.Get(k); v != "" {
				q.Set(k, v)
			}
		}
	}
	return q, false, since
}

// errResync answers a token the drive cannot continue (malformed, or from
// before a Reset), as OneDrive does: 410 with a Location that starts over.
var errResync = graphkit.Err(410, "resyncChangesApplyDifferences", "The delta token can no longer be used: enumerate the drive again from the Location given, replacing local items with the server's (deletions included).")

// roundToken is where the round r asks for stands in d; the caller holds
// the lock.
func (s *Workload) roundToken(r *http.Request, d *drive, t target) (graphkit.DeltaToken, bool, *graphkit.Error) {
	tq, latest, since := deltaToken(r, t)
	switch {
	case latest:
		return graphkit.DeltaToken{From: s.feed.Seq(), Start: s.feed.Seq(), CursorSeq: -1}, true, nil
	case !since.IsZero():
		return graphkit.DeltaToken{From: d.seqSince(since, s.feed.Seq()), Start: s.feed.Seq(), CursorSeq: -1}, false, nil
	}
	tok, ce := s.feed.ParseToken(tq)
	if ce != nil {
		ce = errResync
	}
	return tok, false, ce
}

// seqSince is the feed position before the first item change after ts
// (now: seq, when there is none; -1, a first round, when every item
// changed after it).
func (d *drive) seqSince(ts time.Time, now int64) int64 {
	from := now
	for _, it := range d.items {
		if (it.Modified.After(ts) || it.Deleted.After(ts)) && it.Seq-1 < from {
			from = max(it.Seq-1, -1)
		}
	}
	return from
}

// deltaSize is a round's page size and the Preference-Applied it honoured.
func deltaSize(r *http.Request) (int, string, *graphkit.Error) {
	size, applied := graphkit.DeltaPageSize(r, deltaPage)
	if v := r.URL.Query().Get("$top"); v != "" {
		n, err := strconv.Atoi(v)
		if err != nil || n < 1 {
			return 0, "", graphkit.BadRequest("$top must be a positive number, not '" + v + "'.")
		}
		if applied == "" {
			size = maxDeltaPage
		}
		size = min(size, n)
	}
	return size, applied, nil
}

func (s *Workload) delta(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	keep := url.Values{}
	for _, k := range []string{"$select", "$top"} {
		if v := r.URL.Query().Get(k); v != "" {
			keep.Set(k, v)
		}
	}
	q, err := odata.Parse(url.Values{"$select": keep["$select"]}, driveItemType, odata.Limits{})
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	size, applied, ce := deltaSize(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	var tok graphkit.DeltaToken
	latest := false
	switch {
	case it == nil:
		ce = errNotFound
	case it.ParentID != "":
		ce = errDeltaRootOnly
	default:
		tok, latest, ce = s.roundToken(r, d, t)
	}
	if ce != nil {
		s.mu.Unlock()
		if ce == errResync {
			w.Header().Set("Location", deltaBase(r, keep))
		}
		s.Fail(w, r, ce)
		return
	}
	var page []graphkit.DeltaEntry
	more := false
	if !latest {
		page, more = graphkit.DeltaPage(s.deltaEntries(d, tok), tok, size)
	}
	items := make([]any, 0, len(page))
	for _, e := range page {
		items = append(items, s.deltaItem(r, d, e.Item.(*item), q))
	}
	param, token := s.feed.DeltaLinks(tok, page, more)
	s.mu.Unlock()
	if applied != "" {
		w.Header().Set("Preference-Applied", applied)
	}
	s.writeDelta(w, r, u, items, keep, param == "$skiptoken", token)
}

// deltaEntries are the items a round reports: every reachable one in a
// first round (those unchanged since it began at position 0, so that the
// cursor passes over them in the order of their depth), else every one
// changed after the token. Entry ids put parents before their children.
// The caller holds the lock.
func (s *Workload) deltaEntries(d *drive, tok graphkit.DeltaToken) []graphkit.DeltaEntry {
	var out []graphkit.DeltaEntry
	for _, it := range d.items {
		reachable := d.find(it.ID) != nil
		seq := it.Seq
		switch {
		case tok.Initial() && !reachable:
			continue
		case tok.Initial() && seq <= tok.Start:
			seq = 0
		case !tok.Initial() && seq <= tok.From:
			continue
		}
		out = append(out, graphkit.DeltaEntry{Seq: seq, ID: fmt.Sprintf("%03d%s", d.depth(it), it.ID), Item: it})
	}
	return out
}

// depth is how many folders are above it.
func (d *drive) depth(it *item) int {
	n := 0
	for p := d.items[it.ParentID]; p != nil; p = d.items[p.ParentID] {
		n++
	}
	return n
}

// deltaItem is one item of a delta page as OneDrive for Business gives it:
// the item as GET answers it without cTag, and without a path in its
// parentReference (delta reports no descendants of a renamed folder: track
// items by id); or, when it is no longer reachable, its id and folder with
// the deleted facet (no name). The caller holds the lock.
func (s *Workload) deltaItem(r *http.Request, d *drive, it *item, q *odata.Query) odata.Object {
	var obj map[string]any
	if d.find(it.ID) != nil {
		obj = s.itemObject(r, d, it)
		delete(obj, "cTag")
		ref := obj["parentReference"].(map[string]any)
		delete(ref, "path")
	} else {
		ref := map[string]any{"driveType": "business", "driveId": d.ID}
		if it.ParentID != "" {
			ref["id"] = it.ParentID
		}
		obj = map[string]any{"id": it.ID, "lastModifiedDateTime": stamp(it.Modified), "parentReference": ref,
			"deleted": map[string]any{"state": "deleted"}}
		if it.Folder {
			obj["folder"] = map[string]any{"childCount": 0}
		} else {
			obj["file"] = map[string]any{}
		}
	}
	out := q.Project(obj, driveItemType)
	if _, ok := obj["deleted"]; ok && !slices.Contains(out.Keys, "deleted") {
		out.Keys = append(out.Keys, "deleted")
	}
	return out
}

// deltaBase is the delta address r reached with keep's options, and no
// token: a new round.
func deltaBase(r *http.Request, keep url.Values) string {
	p := r.URL.Path
	if i := strings.LastIndex(p, "/"); i >= 0 && strings.HasPrefix(strings.ToLower(p[i+1:]), "delta(") {
		p = p[:i] + "/delta"
	}
	var opts []string
	for _, k := range []string{"$select", "$top"} {
		if v := keep.Get(k); v != "" {
			opts = append(opts, k+"="+url.QueryEscape(v))
		}
	}
	if len(opts) == 0 {
		return graphkit.BaseURL(r) + p
	}
	return graphkit.BaseURL(r) + p + "?" + strings.Join(opts, "&")
}

// writeDelta writes a delta page: its context, the link that continues it
// (@odata.nextLink when more, else @odata.deltaLink) with the token as
// ?token= and keep's options, and the items.
func (s *Workload) writeDelta(w http.ResponseWriter, r *http.Request, u *graphkit.User, items []any, keep url.Values, more bool, token string) {
	link := deltaBase(r, keep)
	if strings.Contains(link, "?") {
		link += "&"
	} else {
		link += "?"
	}
	name := "@odata.deltaLink"
	if more {
		name = "@odata.nextLink"
	}
	out := odata.Object{Keys: []string{"@odata.context", name, "value"}, Vals: map[string]any{
		"@odata.context": graphkit.BaseURL(r) + "/v1.0/$metadata" + driveContext(r, u, "/items"),
		name:             link + "token=" + token,
		"value":          items}}
	s.WriteJSON(w, r, out)
}
