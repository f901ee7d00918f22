package calendar

import (
	"encoding/json"
	"net/http"
	"net/url"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// FuzzEventBody feeds event bodies (as a create or update sends them) and a
// calendarView window through the parsers: they must answer with an error or
// an event whose end is not before its start, and expanding it must stay
// within its window.
func FuzzEventBody(f *testing.F) {
	f.Add(`{"subject":"x","start":{"dateTime":"2025-03-03T09:00:00","timeZone":"Pacific Standard Time"},"end":{"dateTime":"2025-03-03T10:00:00","timeZone":"UTC"}}`,
		"2025-03-01T00:00:00Z", "2025-04-01T00:00:00Z")
	f.Add(`{"isAllDay":true,"start":{"dateTime":"2025-03-05","timeZone":"UTC"},"end":{"dateTime":"2025-03-06","timeZone":"UTC"},`+
		`"recurrence":{"pattern":{"type":"absoluteYearly","interval":1,"month":2,"dayOfMonth":29},"range":{"type":"noEnd","startDate":"0001-01-01"}}}`,
		"2025-01-01", "2030-01-01T00:00:00+01:00")
	f.Add(`{"start":{"dateTime":"2025-03-03T09:00:00.0000000","timeZone":"Europe/Paris"},"end":{"dateTime":"2025-03-03T09:30:00","timeZone":"Europe/Paris"},`+
		`"recurrence":{"pattern":{"type":"relativeMonthly","interval":1,"daysOfWeek":["friday","monday"],"index":"last"},"range":{"type":"numbered","startDate":"2025-03-03","numberOfOccurrences":2000000000}},`+
		`"attendees":[{"emailAddress":{"address":"AlexW@contoso.sandbox"}}]}`, "2025-03-03T00:00:00", "9999-12-31T00:00:00Z")
	f.Fuzz(func(t *testing.T, body, from, to string) {
		var m map[string]json.RawMessage
		if json.Unmarshal([]byte(body), &m) != nil {
			return
		}
		ev := &calEvent{ID: "AAMkAGfuzz", ChangeKey: "ck", ICalUID: "0400000082", Importance: "normal", Sensitivity: "normal", ShowAs: "busy"}
		if applyEventProps(ev, m, schema.Create) != nil {
			return
		}
		if ev.End.Before(ev.Start) {
			t.Fatalf("end %v before start %v", ev.End, ev.Start)
		}
		r := &http.Request{URL: &url.URL{RawQuery: url.Values{"startDateTime": {from}, "endDateTime": {to}}.Encode()}}
		ws, we, ce := calWindow(r)
		if ce != nil {
			return
		}
		if we.Sub(ws) > 5*366*24*time.Hour {
			we = ws.Add(5 * 366 * 24 * time.Hour)
		}
		for _, it := range view([]*calEvent{ev}, ws, we, time.UTC) {
			s, e := it.start(), it.start()
			if it.Occ != nil {
				e = it.Occ.End
			}
			if !s.Before(we) || e.Before(s) {
				t.Fatalf("item %v–%v outside [%v, %v)", s, e, ws, we)
			}
			_ = eventObject(it.Ev, it.Occ, viewOpts{zone: outlook.UTCView})
		}
	})
}
