package sandbox

import (
	"net/url"
	"strings"
	"testing"
)

// TestCalendarViewDelta: a first round lists the window as calendarView
// does (occurrences of series included); the next lists only what changed:
// an event created, one changed, one deleted and an occurrence cancelled
// (both "@removed").
func TestCalendarViewDelta(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	u := adele()
	tok := map[string]string{"Authorization": "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "Calendars.ReadWrite"), "Content-Type": "application/json"}
	window := "startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-31T00:00:00Z"
	round := func(first string) (items []map[string]any, deltaLink string) {
		for next := first; next != ""; {
			var page struct {
				Value     []map[string]any `json:"value"`
				Next      string           `json:"@odata.nextLink"`
				DeltaLink string           `json:"@odata.deltaLink"`
			}
			if resp := e.do("GET", next, nil, tok, &page); resp.StatusCode != 200 {
				t.Fatalf("GET %s: %d %s", next, resp.StatusCode, body(resp))
			}
			items, deltaLink = append(items, page.Value...), page.DeltaLink
			next = ""
			if page.Next != "" {
				l, _ := url.Parse(page.Next)
				next = l.RequestURI()
			}
		}
		l, _ := url.Parse(deltaLink)
		return items, l.RequestURI()
	}
	first, link := round("/v1.0/me/calendarView/delta?" + window)
	var view struct{ Value []map[string]any }
	e.do("GET", "/v1.0/me/calendarView?"+window+"&$top=1000", nil, tok, &view)
	if len(first) == 0 || len(first) != len(view.Value) {
		t.Fatalf("first round: %d items, calendarView %d", len(first), len(view.Value))
	}
	var series, single map[string]any
	for _, it := range first {
		switch {
		case it["type"] == "occurrence" && series == nil:
			series = it
		case it["type"] == "singleInstance" && single == nil:
			single = it
		}
	}
	if series == nil || single == nil {
		t.Fatalf("the window has no occurrence or no single event: %v", first)
	}
	var made map[string]any
	e.do("POST", "/v1.0/me/events", jsonBody(map[string]any{"subject": "Delta check", "start": map[string]any{"dateTime": "2025-03-12T10:00:00", "timeZone": "UTC"},
		"end": map[string]any{"dateTime": "2025-03-12T11:00:00", "timeZone": "UTC"}}), tok, &made)
	e.do("DELETE", "/v1.0/me/events/"+single["id"].(string), nil, tok, nil)
	if resp := e.do("DELETE", "/v1.0/me/events/"+series["id"].(string), nil, tok, nil); resp.StatusCode != 204 {
		t.Fatalf("cancel an occurrence: %d %s", resp.StatusCode, body(resp))
	}
	second, _ := round(link)
	seen := map[string]map[string]any{}
	for _, it := range second {
		seen[it["id"].(string)] = it
	}
	if it := seen[made["id"].(string)]; it == nil || it["@removed"] != nil || it["subject"] != "Delta check" {
		t.Errorf("the new event in the second round: %v", it)
	}
	for _, id := range []string{single["id"].(string), series["id"].(string)} {
		if it := seen[id]; it == nil || it["@removed"] == nil {
			t.Errorf("%s in the second round: %v", id, it)
		}
	}
	if len(second) >= len(first) {
		t.Errorf("the second round lists %d items: only changes belong in it", len(second))
	}
	if resp := e.do("GET", "/v1.0/me/calendarView/delta", nil, tok, nil); resp.StatusCode != 400 || !strings.Contains(body(resp), "StartDateTime") {
		t.Errorf("no window: %d %s", resp.StatusCode, body(resp))
	}
}
