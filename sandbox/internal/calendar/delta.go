package calendar

import (
	"net/http"
	"net/url"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// Event delta: GET …/calendarView/delta?startDateTime=…&endDateTime=… (the
// default calendar, or …/calendars/{id}/calendarView/delta), over the
// store's feed: the first round lists the window's single events and
// occurrences; later rounds those of the events changed since the token,
// an occurrence cancelled since as "@removed", and the events deleted
// since as "@removed"; 10 a page unless Prefer: odata.maxpagesize says
// otherwise. The window travels in the links.

func (s *Workload) viewDelta(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	from, to, ce := calWindow(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	keep := url.Values{}
	for _, k := range []string{"startDateTime", "endDateTime"} {
		keep.Set(k, r.URL.Query().Get(k))
	}
	size, applied := graphkit.DeltaPageSize(r, 10)
	s.mu.Lock()
	cu := s.user(u)
	vo.cu = cu
	cal := cu.calendar(r.PathValue("cid"))
	tok, ge := s.feed.ParseToken(r.URL.Query())
	if cal == nil || ge != nil {
		s.mu.Unlock()
		if ge == nil {
			ge = graphkit.ErrItemNotFound
		}
		s.Fail(w, r, ge)
		return
	}
	var entries []graphkit.DeltaEntry
	for _, it := range view(cu.eventsIn(cal.ID), from, to, vo.zone.Loc) {
		if it.Ev.Pos > tok.From {
			entries = append(entries, graphkit.DeltaEntry{Seq: it.Ev.Pos, ID: it.id(), Item: eventObject(it.Ev, it.Occ, vo)})
		}
	}
	if !tok.Initial() {
		for _, ev := range cu.eventsIn(cal.ID) {
			if ev.Pos <= tok.From || ev.Recurrence == nil {
				continue
			}
			for _, date := range ev.Cancelled { // occurrences deleted since
				if d, ok := outlook.ParseDate(date); ok && !d.Before(from.Truncate(24*time.Hour)) && d.Before(to) {
					entries = append(entries, graphkit.DeltaEntry{Seq: ev.Pos, ID: occurrenceID(ev.ID, date), Tomb: &graphkit.Tombstone{ID: occurrenceID(ev.ID, date)}})
				}
			}
		}
	}
	for _, t := range s.feed.Since(u.ID+"/"+cal.ID, tok.RemovedAfter()) {
		entries = append(entries, graphkit.DeltaEntry{Seq: t.Seq, ID: t.ID, Tomb: &t})
	}
	page, more := graphkit.DeltaPage(entries, tok, size)
	items := make([]any, 0, len(page))
	for _, e := range page {
		if e.Tomb != nil {
			items = append(items, graphkit.Removed("#microsoft.graph.event", e.Tomb.ID))
			continue
		}
		o := e.Item.(graphkit.Item).Raw()
		o["@odata.type"] = "#microsoft.graph.event"
		items = append(items, o)
	}
	param, token := s.feed.DeltaLinks(tok, page, more)
	s.mu.Unlock()
	if hdr != nil {
		hdr(w.Header())
	}
	if applied != "" {
		if v := w.Header().Get("Preference-Applied"); v != "" {
			applied = v + ", " + applied
		}
		w.Header().Set("Preference-Applied", applied)
	}
	s.WriteDelta(w, r, "event", items, keep, []string{"startDateTime", "endDateTime"}, param, token)
}
