package graphkit

import (
	"encoding/base64"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/odata"
)

// Delta rounds over a Feed. A round reports the entities changed after
// position From and the tombstones after it, in sequence order; pages
// continue from a cursor (seq, id). An entity changed while a round is being
// paged gets a later position and so comes again later in the same round;
// the deltaLink of the last page holds the position at that moment. Tokens
// are opaque base64url strings:
//
//	$skiptoken  = "s.<epoch>.<from>.<start>.<cursorSeq>.<cursorID>"
//	$deltatoken = "d.<epoch>.<from>"
//
// The first round (From = -1) lists every entity, and as removals only those
// after its Start.

// DeltaToken is where a delta round stands.
type DeltaToken struct {
	From      int64 // changes after this position (-1: the first round)
	Start     int64 // the position when the round began
	CursorSeq int64 // the last entry paged so far
	CursorID  string
}

// Initial reports whether this is a first round (every entity is listed).
func (t DeltaToken) Initial() bool { return t.From == -1 }

// RemovedAfter is the position after which the round reports tombstones.
func (t DeltaToken) RemovedAfter() int64 {
	if t.Initial() {
		return t.Start
	}
	return t.From
}

// ErrSyncState answers a delta token that is not this store's (malformed,
// of another store, or from before a Reset).
var ErrSyncState = Err(400, "SyncStateNotFound", "The sync state could not be found or is invalid; restart synchronization without a token.")

// ErrSyncStateExpired answers a token older than the feed's horizon: the
// removals since then are no longer known, so the client must start over.
var ErrSyncStateExpired = Err(410, "SyncStateNotFound", "The sync state generation is not found. The delta token is expired and data must be synchronized again.")

func encodeDeltaToken(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, ".")))
}

// ParseToken reads a request's $skiptoken or $deltatoken (none: a first
// round starting now).
func (f *Feed) ParseToken(q url.Values) (DeltaToken, *Error) {
	skip, delta := q.Get("$skiptoken"), q.Get("$deltatoken")
	t := DeltaToken{From: -1, Start: f.seq, CursorSeq: -1}
	if skip == "" && delta == "" {
		return t, nil
	}
	raw := skip
	if raw == "" {
		raw = delta
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return t, ErrSyncState
	}
	p := strings.Split(string(b), ".")
	num := func(s string, ok *bool) int64 {
		n, err := strconv.ParseInt(s, 10, 64)
		*ok = *ok && err == nil && n >= -1
		return n
	}
	ok := true
	switch {
	case skip != "" && len(p) == 6 && p[0] == "s" && p[1] == f.epoch:
		t = DeltaToken{From: num(p[2], &ok), Start: num(p[3], &ok), CursorSeq: num(p[4], &ok), CursorID: p[5]}
		ok = ok && t.From <= t.Start
	case skip == "" && len(p) == 3 && p[0] == "d" && p[1] == f.epoch:
		t = DeltaToken{From: num(p[2], &ok), Start: f.seq, CursorSeq: -1}
	default:
		ok = false
	}
	switch {
	case !ok || t.From > f.seq || t.Start > f.seq:
		return t, ErrSyncState
	case t.RemovedAfter() < f.horizon:
		return t, ErrSyncStateExpired
	}
	return t, nil
}

// DeltaEntry is one entry of a round: a changed entity (Item) or a removal
// (Tomb), at position Seq; ID is the cursor's id.
type DeltaEntry struct {
	Seq  int64
	ID   string
	Item any
	Tomb *Tombstone
}

// DeltaPage sorts entries in sequence order, skips those up to t's cursor
// and returns at most size of them; more reports whether others remain.
func DeltaPage(entries []DeltaEntry, t DeltaToken, size int) (page []DeltaEntry, more bool) {
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].Seq != entries[j].Seq {
			return entries[i].Seq < entries[j].Seq
		}
		return entries[i].ID < entries[j].ID
	})
	start := sort.Search(len(entries), func(i int) bool {
		e := entries[i]
		return e.Seq > t.CursorSeq || (e.Seq == t.CursorSeq && e.ID > t.CursorID)
	})
	entries = entries[start:]
	if len(entries) > size {
		return entries[:size], true
	}
	return entries, false
}

// DeltaLinks is the continuation of a page: the @odata.nextLink's token
// when more entries remain after last, else the @odata.deltaLink's.
func (f *Feed) DeltaLinks(t DeltaToken, page []DeltaEntry, more bool) (param, token string) {
	if more {
		last := page[len(page)-1]
		return "$skiptoken", encodeDeltaToken("s", f.epoch, strconv.FormatInt(t.From, 10), strconv.FormatInt(t.Start, 10), strconv.FormatInt(last.Seq, 10), last.ID)
	}
	return "$deltatoken", encodeDeltaToken("d", f.epoch, strconv.FormatInt(f.seq, 10))
}

// Removed is the entry a delta page gives for a removed entity of type
// ("#microsoft.graph.contact"): its id and "@removed": {"reason": "deleted"}.
func Removed(odataType, id string) odata.Object {
	return odata.Object{Keys: []string{"@odata.type", "id", "@removed"}, Vals: map[string]any{
		"@odata.type": odataType, "id": id, "@removed": map[string]string{"reason": "deleted"}}}
}

// WriteDelta writes a delta page: @odata.context (Collection(ctxType)), the
// link that continues it (keep: the query options that travel in it, in
// order) and the items.
func (s *Kit) WriteDelta(w http.ResponseWriter, r *http.Request, ctxType string, items []any, keep url.Values, keys []string, param, token string) {
	link := BaseURL(r) + r.URL.Path + "?"
	for _, k := range keys {
		if v := keep.Get(k); v != "" {
			link += k + "=" + url.QueryEscape(v) + "&"
		}
	}
	linkName := "@odata.deltaLink"
	if param == "$skiptoken" {
		linkName = "@odata.nextLink"
	}
	out := odata.Object{Keys: []string{"@odata.context", linkName, "value"}, Vals: map[string]any{
		"@odata.context": BaseURL(r) + "/v1.0/$metadata#Collection(" + ctxType + ")",
		linkName:         link + param + "=" + token,
		"value":          items}}
	s.WriteJSON(w, r, out)
}

// DeltaPageSize reads Prefer: odata.maxpagesize for a delta round (def when
// absent or invalid, at most 1000); applied is the Preference-Applied value
// it honoured ("" when none).
func DeltaPageSize(r *http.Request, def int) (size int, applied string) {
	v, ok := Prefer(r)["odata.maxpagesize"]
	if n, err := strconv.Atoi(v); ok && err == nil && n > 0 {
		size = min(n, 1000)
		return size, "odata.maxpagesize=" + strconv.Itoa(size)
	}
	return def, ""
}
