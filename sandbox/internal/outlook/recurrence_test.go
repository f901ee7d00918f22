package outlook

import (
	"strings"
	"testing"
	"time"
)

func TestRecurrenceDates(t *testing.T) {
	for _, tc := range []struct {
		name string
		rc   Recurrence
		want string // the first dates, up to 8
	}{
		{"daily every 2 days, end date", Recurrence{Pattern{Type: "daily", Interval: 2}, RecurrenceRange{Type: "endDate", StartDate: "2025-03-03", EndDate: "2025-03-09"}},
			"2025-03-03 2025-03-05 2025-03-07 2025-03-09"},
		{"weekly Mon/Wed/Fri from a Wednesday", Recurrence{Pattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"monday", "wednesday", "friday"}}, RecurrenceRange{Type: "numbered", StartDate: "2025-03-05", NumberOfOccurrences: 5}},
			"2025-03-05 2025-03-07 2025-03-10 2025-03-12 2025-03-14"},
		{"every other Thursday", Recurrence{Pattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"thursday"}}, RecurrenceRange{Type: "noEnd", StartDate: "2025-02-27"}},
			"2025-02-27 2025-03-13 2025-03-27 2025-04-10 2025-04-24 2025-05-08 2025-05-22 2025-06-05"},
		{"every other week, Sunday and Saturday, weeks start Monday", Recurrence{Pattern{Type: "weekly", Interval: 2, DaysOfWeek: []string{"sunday", "saturday"}, FirstDayOfWeek: "monday"}, RecurrenceRange{Type: "numbered", StartDate: "2025-03-03", NumberOfOccurrences: 4}},
			"2025-03-08 2025-03-09 2025-03-22 2025-03-23"},
		{"monthly on the 31st falls on the last day", Recurrence{Pattern{Type: "absoluteMonthly", Interval: 1, DayOfMonth: 31}, RecurrenceRange{Type: "numbered", StartDate: "2025-01-31", NumberOfOccurrences: 4}},
			"2025-01-31 2025-02-28 2025-03-31 2025-04-30"},
		{"quarterly on the 15th", Recurrence{Pattern{Type: "absoluteMonthly", Interval: 3, DayOfMonth: 15}, RecurrenceRange{Type: "endDate", StartDate: "2025-01-20", EndDate: "2025-12-31"}},
			"2025-04-15 2025-07-15 2025-10-15"},
		{"first Tuesday", Recurrence{Pattern{Type: "relativeMonthly", Interval: 1, DaysOfWeek: []string{"tuesday"}, Index: "first"}, RecurrenceRange{Type: "numbered", StartDate: "2025-01-07", NumberOfOccurrences: 4}},
			"2025-01-07 2025-02-04 2025-03-04 2025-04-01"},
		{"last weekday", Recurrence{Pattern{Type: "relativeMonthly", Interval: 1, DaysOfWeek: []string{"monday", "tuesday", "wednesday", "thursday", "friday"}, Index: "last"}, RecurrenceRange{Type: "numbered", StartDate: "2025-03-01", NumberOfOccurrences: 3}},
			"2025-03-31 2025-04-30 2025-05-30"},
		{"yearly on 29 February", Recurrence{Pattern{Type: "absoluteYearly", Interval: 1, Month: 2, DayOfMonth: 29}, RecurrenceRange{Type: "numbered", StartDate: "2024-02-29", NumberOfOccurrences: 3}},
			"2024-02-29 2025-02-28 2026-02-28"},
		{"fourth Thursday of November", Recurrence{Pattern{Type: "relativeYearly", Interval: 1, Month: 11, DaysOfWeek: []string{"thursday"}, Index: "fourth"}, RecurrenceRange{Type: "numbered", StartDate: "2025-01-01", NumberOfOccurrences: 2}},
			"2025-11-27 2026-11-26"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			if msg := tc.rc.Validate(); msg != "" {
				t.Fatalf("validate: %s", msg)
			}
			var got []string
			tc.rc.Dates(time.Time{}, func(d time.Time) bool {
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
		rc   Recurrence
		want string
	}{
		{Recurrence{Pattern{Type: "hourly", Interval: 1}, RecurrenceRange{Type: "noEnd", StartDate: "2025-03-03"}}, "pattern type 'hourly'"},
		{Recurrence{Pattern{Type: "daily"}, RecurrenceRange{Type: "noEnd", StartDate: "2025-03-03"}}, "Interval"},
		{Recurrence{Pattern{Type: "weekly", Interval: 1}, RecurrenceRange{Type: "noEnd", StartDate: "2025-03-03"}}, "DaysOfWeek"},
		{Recurrence{Pattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"funday"}}, RecurrenceRange{Type: "noEnd", StartDate: "2025-03-03"}}, "'funday'"},
		{Recurrence{Pattern{Type: "absoluteYearly", Interval: 1, DayOfMonth: 3}, RecurrenceRange{Type: "noEnd", StartDate: "2025-03-03"}}, "Month"},
		{Recurrence{Pattern{Type: "daily", Interval: 1}, RecurrenceRange{Type: "endDate", StartDate: "2025-03-03", EndDate: "2025-03-01"}}, "EndDate"},
		{Recurrence{Pattern{Type: "daily", Interval: 1}, RecurrenceRange{Type: "numbered", StartDate: "2025-03-03"}}, "NumberOfOccurrences"},
		{Recurrence{Pattern{Type: "daily", Interval: 1}, RecurrenceRange{Type: "noEnd", StartDate: "March 3"}}, "StartDate"},
	} {
		if got := tc.rc.Validate(); !strings.Contains(got, tc.want) {
			t.Errorf("%+v: %q, want it to mention %q", tc.rc, got, tc.want)
		}
	}
}
