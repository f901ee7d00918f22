package mail

import (
	"encoding/base64"
	"fmt"
	"net/http"
	"net/url"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Message delta: GET .../mailFolders/{id}/messages/delta. A round reports
// the folder's messages changed after position "from" of the store's change
// sequence, and the messages that left the folder, in sequence order; pages
// continue from a cursor (seq, id). A message changed while a round is being
// paged gets a later position and so comes again later in the same round;
// the deltaLink of the last page holds the position at that moment. Tokens
// are opaque base64url strings:
//
//	$skiptoken  = "s.<epoch>.<from>.<start>.<cursorSeq>.<cursorID>"
//	$deltatoken = "d.<epoch>.<from>"
//
// The first round (from = -1) lists the folder's messages, and as removals
// only those after its start.

type deltaToken struct {
	from      int64
	start     int64 // the position when the round began
	cursorSeq int64
	cursorID  string
}

func encodeToken(parts ...string) string {
	return base64.RawURLEncoding.EncodeToString([]byte(strings.Join(parts, ".")))
}

var errSyncState = graphkit.Err(400, "SyncStateNotFound", "The sync state could not be found or is invalid; restart synchronization without a token.")

// parseDeltaToken reads $skiptoken or $deltatoken; ok is false for a token
// that is not ours or is from another store.
func parseDeltaToken(q url.Values, epoch string) (t deltaToken, initial, ok bool) {
	skip, delta := q.Get("$skiptoken"), q.Get("$deltatoken")
	if skip == "" && delta == "" {
		return deltaToken{from: -1, cursorSeq: -1}, true, true
	}
	raw := skip
	if raw == "" {
		raw = delta
	}
	b, err := base64.RawURLEncoding.DecodeString(raw)
	if err != nil {
		return t, false, false
	}
	f := strings.Split(string(b), ".")
	num := func(s string) (int64, bool) {
		n, err := strconv.ParseInt(s, 10, 64)
		return n, err == nil && n >= -1
	}
	switch {
	case skip != "" && len(f) == 6 && f[0] == "s" && f[1] == epoch:
		var ok1, ok2, ok3 bool
		t.from, ok1 = num(f[2])
		t.start, ok2 = num(f[3])
		t.cursorSeq, ok3 = num(f[4])
		t.cursorID = f[5]
		return t, t.from == -1, ok1 && ok2 && ok3 && t.from <= t.start
	case skip == "" && len(f) == 3 && f[0] == "d" && f[1] == epoch:
		var ok1 bool
		t.from, ok1 = num(f[2])
		t.cursorSeq = -1
		return t, false, ok1
	}
	return t, false, false
}

type deltaEntry struct {
	seq       int64
	id        string // the regular id (the cursor's)
	removedID string // the id a removal reports
	msg       *mailMessage
	removed   bool
}

func (s *Workload) messageDelta(w http.ResponseWriter, r *http.Request, u *user) {
	q := r.URL.Query()
	opts, ge := deltaPrefs(w, r)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	st := s.mail
	mb := st.boxes[u.ID]
	f, ge := resolveFolder(mb, r)
	if ge != nil {
		s.mu.Unlock()
		s.Fail(w, r, ge)
		return
	}
	tok, initial, ok := parseDeltaToken(q, st.epoch)
	if !ok || tok.from > st.seq || tok.start > st.seq {
		s.mu.Unlock()
		s.Fail(w, r, errSyncState)
		return
	}
	if q.Get("$skiptoken") == "" {
		tok.start = st.seq
	}
	removedAfter := tok.from
	if initial {
		removedAfter = tok.start
	}
	entries := deltaEntries(mb, f.ID, tok, removedAfter, opts)
	more := len(entries) > opts.pageSize
	if more {
		entries = entries[:opts.pageSize]
	}
	items := make([]any, 0, len(entries))
	for _, e := range entries {
		if e.removed {
			items = append(items, odata.Object{Keys: []string{"@odata.type", "id", "@removed"}, Vals: map[string]any{
				"@odata.type": "#microsoft.graph.message", "id": e.removedID, "@removed": map[string]string{"reason": "deleted"}}})
			continue
		}
		obj := rawObject(e.msg.toJSON(opts.view, false))
		obj["@odata.type"] = "#microsoft.graph.message"
		p := opts.query.Project(obj, messageType)
		p.Keys = append([]string{"@odata.type"}, p.Keys...)
		items = append(items, p)
	}
	epoch, now := st.epoch, st.seq
	s.mu.Unlock()

	link := graphkit.BaseURL(r) + r.URL.Path + "?"
	for _, k := range []string{"$select", "$filter"} {
		if v := opts.sel.Get(k); v != "" {
			link += k + "=" + url.QueryEscape(v) + "&"
		}
	}
	out := odata.Object{Keys: []string{"@odata.context"}, Vals: map[string]any{
		"@odata.context": graphkit.BaseURL(r) + "/v1.0/$metadata#Collection(message)", "value": items}}
	if more {
		last := entries[len(entries)-1]
		out.Keys = append(out.Keys, "@odata.nextLink")
		out.Vals["@odata.nextLink"] = link + "$skiptoken=" + encodeToken("s", epoch, fmt.Sprint(tok.from), fmt.Sprint(tok.start), fmt.Sprint(last.seq), last.id)
	} else {
		out.Keys = append(out.Keys, "@odata.deltaLink")
		out.Vals["@odata.deltaLink"] = link + "$deltatoken=" + encodeToken("d", epoch, fmt.Sprint(now))
	}
	out.Keys = append(out.Keys, "value")
	s.WriteJSON(w, r, out)
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
	o := deltaOptions{sel: url.Values{}, pageSize: 10}
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
	pref := graphkit.Prefer(r)
	v, sized := pref["odata.maxpagesize"]
	if sized {
		if n, err := strconv.Atoi(v); err == nil && n > 0 {
			o.pageSize = min(n, 1000)
		} else {
			sized = false
		}
	}
	o.view = mailPrefs(w, r)
	if sized {
		applied := "odata.maxpagesize=" + strconv.Itoa(o.pageSize)
		if pa := w.Header().Get("Preference-Applied"); pa != "" {
			applied += ", " + pa
		}
		w.Header().Set("Preference-Applied", applied)
	}
	return o, nil
}

// deltaEntries returns the changes of folder after tok's position (removals
// after removedAfter), in sequence order, from tok's cursor on.
func deltaEntries(mb *mailbox, folderID string, tok deltaToken, removedAfter int64, o deltaOptions) []deltaEntry {
	var entries []deltaEntry
	for _, m := range mb.msgs {
		if m.FolderID == folderID && m.Seq > tok.from {
			if o.query.Filter != nil {
				if obj, _ := jsonObject(m.toJSON(msgView{}, false)); !odata.Match(o.query.Filter, obj) {
					continue
				}
			}
			entries = append(entries, deltaEntry{seq: m.Seq, id: m.ID, msg: m})
		}
	}
	for _, t := range mb.tombs {
		if t.FolderID == folderID && t.Seq > removedAfter {
			out := t.ID
			if o.view.immutable && t.ImmutableID != "" {
				out = t.ImmutableID
			}
			entries = append(entries, deltaEntry{seq: t.Seq, id: t.ID, removedID: out, removed: true})
		}
	}
	sort.Slice(entries, func(i, j int) bool {
		if entries[i].seq != entries[j].seq {
			return entries[i].seq < entries[j].seq
		}
		return entries[i].id < entries[j].id
	})
	start := sort.Search(len(entries), func(i int) bool {
		e := entries[i]
		return e.seq > tok.cursorSeq || (e.seq == tok.cursorSeq && e.id > tok.cursorID)
	})
	return entries[start:]
}
