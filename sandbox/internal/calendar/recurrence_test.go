package calendar

import (
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"strings"
	"testing"
	"time"
)

// A series keeps its wall-clock time in its own zone across a daylight
// saving change: 09:00 Pacific is 17:00 UTC before 9 March 2025, 16:00 after.
func TestOccurrencesKeepLocalTime(t *testing.T) {
	t.Parallel()
	la, _ := outlook.Zone("Pacific Standard Time")
	ev := &calEvent{ID: "m", StartTZ: "Pacific Standard Time",
		Start: time.Date(2025, 3, 3, 9, 0, 0, 0, la), End: time.Date(2025, 3, 3, 9, 15, 0, 0, la),
		Recurrence: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "daily", Interval: 1}, Range: outlook.RecurrenceRange{Type: "noEnd", StartDate: "2025-03-07"}},
		Cancelled:  []string{"2025-03-08"}}
	var got []string
	for _, o := range ev.occurrences(time.Date(2025, 3, 7, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 11, 0, 0, 0, 0, time.UTC), time.UTC) {
		got = append(got, o.Start.UTC().Format("01-02T15:04")+"/"+o.End.UTC().Format("15:04"))
	}
	if g := strings.Join(got, " "); g != "03-07T17:00/17:15 03-09T16:00/16:15 03-10T16:00/16:15" {
		t.Errorf("occurrences %s", g)
	}
	id := occurrenceID("AAMkAGmaster==", "2025-03-09")
	if m, d, ok := parseOccurrenceID(id); !ok || m != "AAMkAGmaster==" || d != "2025-03-09" {
		t.Errorf("occurrence id round trip: %q %q %v", m, d, ok)
	}
	if _, _, ok := parseOccurrenceID("AAMkAGnope"); ok {
		t.Error("a plain id parsed as an occurrence id")
	}
}

// Long-running series jump to the window without losing their rhythm, and
// one answer holds at most maxOccurrences of a series.
func TestOccurrencesOfOldSeries(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rec      outlook.Recurrence
		from, to time.Time
		want     string
	}{
		{outlook.Recurrence{Pattern: outlook.Pattern{Type: "daily", Interval: 3}, Range: outlook.RecurrenceRange{Type: "noEnd", StartDate: "1900-01-01"}},
			time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), "2025-03-03 2025-03-06 2025-03-09"},
		{outlook.Recurrence{Pattern: outlook.Pattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"tuesday"}}, Range: outlook.RecurrenceRange{Type: "noEnd", StartDate: "1900-01-02"}},
			time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), "2025-03-11 2025-03-25"},
	} {
		if msg := tc.rec.Validate(); msg != "" {
			t.Fatal(msg)
		}
		start, _ := outlook.ParseDate(tc.rec.Range.StartDate)
		ev := &calEvent{StartTZ: "UTC", Start: start.Add(9 * time.Hour), End: start.Add(10 * time.Hour), Recurrence: &tc.rec}
		var got []string
		for _, o := range ev.occurrences(tc.from, tc.to, time.UTC) {
			got = append(got, o.Date)
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: %s, want %s", tc.rec.Pattern.Type, g, tc.want)
		}
	}
	ev := &calEvent{StartTZ: "UTC", Start: time.Date(2000, 1, 1, 9, 0, 0, 0, time.UTC), End: time.Date(2000, 1, 1, 10, 0, 0, 0, time.UTC),
		Recurrence: &outlook.Recurrence{Pattern: outlook.Pattern{Type: "daily", Interval: 1}, Range: outlook.RecurrenceRange{Type: "noEnd", StartDate: "2000-01-01"}}}
	if n := len(ev.occurrences(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC)); n != maxOccurrences {
		t.Errorf("two centuries of a daily series: %d occurrences", n)
	}
}

// Skipping ahead counts the skipped occurrences of a numbered series.
func TestNumberedSeriesSkipAhead(t *testing.T) {
	t.Parallel()
	for _, tc := range []struct {
		rec  outlook.Recurrence
		want string
	}{
		// Daily every 2 days from 2025-01-01, 40 times: 10 March is the
		// 35th, 20 March the 40th and last.
		{outlook.Recurrence{Pattern: outlook.Pattern{Type: "daily", Interval: 2}, Range: outlook.RecurrenceRange{Type: "numbered", StartDate: "2025-01-01", NumberOfOccurrences: 40}},
			"2025-03-10 2025-03-12 2025-03-14 2025-03-16 2025-03-18 2025-03-20"},
		// Mon/Thu from Thursday 2025-01-02, 21 times: 1 in the first week,
		// then 2 a week, the 21st on Thursday 2025-03-13.
		{outlook.Recurrence{Pattern: outlook.Pattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"monday", "thursday"}}, Range: outlook.RecurrenceRange{Type: "numbered", StartDate: "2025-01-02", NumberOfOccurrences: 21}},
			"2025-03-10 2025-03-13"},
	} {
		if msg := tc.rec.Validate(); msg != "" {
			t.Fatal(msg)
		}
		start, _ := outlook.ParseDate(tc.rec.Range.StartDate)
		ev := &calEvent{StartTZ: "UTC", Start: start.Add(9 * time.Hour), End: start.Add(10 * time.Hour), Recurrence: &tc.rec}
		var got []string
		for _, o := range ev.occurrences(time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), time.UTC) {
			got = append(got, o.Date)
		}
		if g := strings.Join(got, " "); g != tc.want {
			t.Errorf("%s: %s, want %s", tc.rec.Pattern.Type, g, tc.want)
		}
	}
}
