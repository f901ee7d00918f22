package calendar

import (
	"strings"
	"testing"
	"time"
)

func TestRecurrenceDates(t *testing.T) {
	for _, tc := range []struct {
		name string
		rc   calRecurrence
		want string // the first dates, up to 8
	}{
		{"daily every 2 days, end date", calRecurrence{calPattern{Type: "daily", Interval: 2}, calRange{Type: "endDate", StartDate: "2025-03-03", EndDate: "2025-03-09"}},
			"2025-03-03 2025-03-05 2025-03-07 2025-03-09"},
		{"weekly Mon/Wed/Fri from a Wednesday", calRecurrence{calPattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"monday", "wednesday", "friday"}}, calRange{Type: "numbered", StartDate: "2025-03-05", NumberOfOccurrences: 5}},
			"2025-03-05 2025-03-07 2025-03-10 2025-03-12 2025-03-14"},
		{"every other Thursday", calRecurrence{calPattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"thursday"}}, calRange{Type: "noEnd", StartDate: "2025-02-27"}},
			"2025-02-27 2025-03-13 2025-03-27 2025-04-10 2025-04-24 2025-05-08 2025-05-22 2025-06-05"},
		{"every other week, Sunday and Saturday, weeks start Monday", calRecurrence{calPattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"sunday", "saturday"}, FirstDayOfWeek: "monday"}, calRange{Type: "numbered", StartDate: "2025-03-03", NumberOfOccurrences: 4}},
			"2025-03-08 2025-03-09 2025-03-22 2025-03-23"},
		{"monthly on the 31st falls on the last day", calRecurrence{calPattern{Type: "absoluteMonthly", Interval: 1, DayOfMonth: 31}, calRange{Type: "numbered", StartDate: "2025-01-31", NumberOfOccurrences: 4}},
			"2025-01-31 2025-02-28 2025-03-31 2025-04-30"},
		{"quarterly on the 15th", calRecurrence{calPattern{Type: "absoluteMonthly", Interval: 3, DayOfMonth: 15}, calRange{Type: "endDate", StartDate: "2025-01-20", EndDate: "2025-12-31"}},
			"2025-04-15 2025-07-15 2025-10-15"},
		{"first Tuesday", calRecurrence{calPattern{Type: "relativeMonthly", Interval: 1, DaysOfWeek: []string{"tuesday"}, Index: "first"}, calRange{Type: "numbered", StartDate: "2025-01-07", NumberOfOccurrences: 4}},
			"2025-01-07 2025-02-04 2025-03-04 2025-04-01"},
		{"last weekday", calRecurrence{calPattern{Type: "relativeMonthly", Interval: 1, DaysOfWeek: []string{"monday", "tuesday", "wednesday", "thursday", "friday"}, Index: "last"}, calRange{Type: "numbered", StartDate: "2025-03-01", NumberOfOccurrences: 3}},
			"2025-03-31 2025-04-30 2025-05-30"},
		{"yearly on 29 February", calRecurrence{calPattern{Type: "absoluteYearly", Interval: 1, Month: 2, DayOfMonth: 29}, calRange{Type: "numbered", StartDate: "2024-02-29", NumberOfOccurrences: 3}},
			"2024-02-29 2025-02-28 2026-02-28"},
		{"fourth Thursday of November", calRecurrence{calPattern{Type: "relativeYearly", Interval: 1, Month: 11, DaysOfWeek: []string{"thursday"}, Index: "fourth"}, calRange{Type: "numbered", StartDate: "2025-01-01", NumberOfOccurrences: 2}},
			"2025-11-27 2026-11-26"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if msg := tc.rc.validate(); msg != "" {
				t.Fatalf("validate: %s", msg)
			}
			var got []string
			tc.rc.dates(time.Time{}, func(d time.Time) bool {
				got = append(got, d.Format("2006-01-02"))
				return len(got) < 8
			})
			if g := strings.Join(got, " "); g != tc.want {
				t.Errorf("dates\n got %s\nwant %s", g, tc.want)
			}
		})
	}
}

func TestRecurrenceValidate(t *testing.T) {
	for _, tc := range []struct {
		rc   calRecurrence
		want string
	}{
		{calRecurrence{calPattern{Type: "hourly", Interval: 1}, calRange{Type: "noEnd", StartDate: "2025-03-03"}}, "pattern type 'hourly'"},
		{calRecurrence{calPattern{Type: "daily"}, calRange{Type: "noEnd", StartDate: "2025-03-03"}}, "Interval"},
		{calRecurrence{calPattern{Type: "weekly", Interval: 1}, calRange{Type: "noEnd", StartDate: "2025-03-03"}}, "DaysOfWeek"},
		{calRecurrence{calPattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"funday"}}, calRange{Type: "noEnd", StartDate: "2025-03-03"}}, "'funday'"},
		{calRecurrence{calPattern{Type: "absoluteYearly", Interval: 1, DayOfMonth: 3}, calRange{Type: "noEnd", StartDate: "2025-03-03"}}, "Month"},
		{calRecurrence{calPattern{Type: "daily", Interval: 1}, calRange{Type: "endDate", StartDate: "2025-03-03", EndDate: "2025-03-01"}}, "EndDate"},
		{calRecurrence{calPattern{Type: "daily", Interval: 1}, calRange{Type: "numbered", StartDate: "2025-03-03"}}, "NumberOfOccurrences"},
		{calRecurrence{calPattern{Type: "daily", Interval: 1}, calRange{Type: "noEnd", StartDate: "March 3"}}, "StartDate"},
	} {
		if got := tc.rc.validate(); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want it to mention %q", tc.rc, got, tc.want)
		}
	}
}

// A series keeps its wall-clock time in its own zone across a daylight
// saving change: 09:00 Pacific is 17:00 UTC before 9 March 2025, 16:00 after.
func TestOccurrencesKeepLocalTime(t *testing.T) {
	la, _ := calZone("Pacific Standard Time")
	ev := &calEvent{ID: "m", StartTZ: "Pacific Standard Time",
		Start: time.Date(2025, 3, 3, 9, 0, 0, 0, la), End: time.Date(2025, 3, 3, 9, 15, 0, 0, la),
		Recurrence: &calRecurrence{calPattern{Type: "daily", Interval: 1}, calRange{Type: "noEnd", StartDate: "2025-03-07"}},
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
	for _, tc := range []struct {
		rec      calRecurrence
		from, to time.Time
		want     string
	}{
		{calRecurrence{calPattern{Type: "daily", Interval: 3}, calRange{Type: "noEnd", StartDate: "1900-01-01"}},
			time.Date(2025, 3, 3, 0, 0, 0, 0, time.UTC), time.Date(2025, 3, 10, 0, 0, 0, 0, time.UTC), "2025-03-03 2025-03-06 2025-03-09"},
		{calRecurrence{calPattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"tuesday"}}, calRange{Type: "noEnd", StartDate: "1900-01-02"}},
			time.Date(2025, 3, 1, 0, 0, 0, 0, time.UTC), time.Date(2025, 4, 1, 0, 0, 0, 0, time.UTC), "2025-03-11 2025-03-25"},
	} {
		if msg := tc.rec.validate(); msg != "" {
			t.Fatal(msg)
		}
		start, _ := parseCalDate(tc.rec.Range.StartDate)
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
		Recurrence: &calRecurrence{calPattern{Type: "daily", Interval: 1}, calRange{Type: "noEnd", StartDate: "2000-01-01"}}}
	if n := len(ev.occurrences(time.Date(2000, 1, 1, 0, 0, 0, 0, time.UTC), time.Date(2200, 1, 1, 0, 0, 0, 0, time.UTC), time.UTC)); n != maxOccurrences {
		t.Errorf("two centuries of a daily series: %d occurrences", n)
	}
}

// Skipping ahead counts the skipped occurrences of a numbered series.
func TestNumberedSeriesSkipAhead(t *testing.T) {
	for _, tc := range []struct {
		rec  calRecurrence
		want string
	}{
		// Daily every 2 days from 2025-01-01, 40 times: 10 March is the
		// 35th, 20 March the 40th and last.
		{calRecurrence{calPattern{Type: "daily", Interval: 2}, calRange{Type: "numbered", StartDate: "2025-01-01", NumberOfOccurrences: 40}},
			"2025-03-10 2025-03-12 2025-03-14 2025-03-16 2025-03-18 2025-03-20"},
		// Mon/Thu from Thursday 2025-01-02, 21 times: 1 in the first week,
		// then 2 a week, the 21st on Thursday 2025-03-13.
		{calRecurrence{calPattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"monday", "thursday"}}, calRange{Type: "numbered", StartDate: "2025-01-02", NumberOfOccurrences: 21}},
			"2025-03-10 2025-03-13"},
	} {
		if msg := tc.rec.validate(); msg != "" {
			t.Fatal(msg)
		}
		start, _ := parseCalDate(tc.rec.Range.StartDate)
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
