package outlook

import (
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// This file is Outlook's recurrence (patternedRecurrence) as events and To
// Do tasks share it: the checks Graph makes on create and update, and the
// dates a series falls on, picked by the pattern from the range's start
// date on.

// Recurrence is a patternedRecurrence: how often, and from when to when.
type Recurrence struct {
	Pattern Pattern         `json:"pattern"`
	Range   RecurrenceRange `json:"range"`
}

// Pattern is a recurrencePattern.
type Pattern struct {
	Type           string   `json:"type"`
	Interval       int      `json:"interval"`
	Month          int      `json:"month"`
	DayOfMonth     int      `json:"dayOfMonth"`
	DaysOfWeek     []string `json:"daysOfWeek,omitempty"`
	FirstDayOfWeek string   `json:"firstDayOfWeek"`
	Index          string   `json:"index"`
}

// RecurrenceRange is a recurrenceRange.
type RecurrenceRange struct {
	Type                string `json:"type"`
	StartDate           string `json:"startDate"`
	EndDate             string `json:"endDate"`
	RecurrenceTimeZone  string `json:"recurrenceTimeZone"`
	NumberOfOccurrences int    `json:"numberOfOccurrences"`
}

var weekdayNames = []string{"sunday", "monday", "tuesday", "wednesday", "thursday", "friday", "saturday"}

var weekIndexes = []string{"first", "second", "third", "fourth", "last"}

var patternTypes = []string{"daily", "weekly", "absoluteMonthly", "relativeMonthly", "absoluteYearly", "relativeYearly"}

var rangeTypes = []string{"endDate", "noEnd", "numbered"}

// enumCanon is v in its canonical case when it is one of members, or v
// unchanged (for the error message).
func enumCanon(v string, members []string) (string, bool) {
	if c, ok := graphkit.EnumValue(v, members); ok {
		return c, true
	}
	return v, false
}

func weekdayOf(name string) (time.Weekday, bool) {
	i := slices.Index(weekdayNames, strings.ToLower(name))
	return time.Weekday(i), i >= 0
}

// civil returns the date of d as midnight UTC, for date arithmetic.
func civil(y int, m time.Month, d int) time.Time { return time.Date(y, m, d, 0, 0, 0, 0, time.UTC) }

// ParseDate reads a date ("2006-01-02") as midnight UTC.
func ParseDate(s string) (time.Time, bool) {
	t, err := time.Parse("2006-01-02", s)
	return t, err == nil
}

func daysIn(y int, m time.Month) int { return civil(y, m+1, 0).Day() }

// Validate checks a recurrence as Graph does on create and update, fills
// its defaults, and returns an error message or "".
func (rc *Recurrence) Validate() string {
	p, rg := &rc.Pattern, &rc.Range
	var ok bool
	if p.Type, ok = enumCanon(p.Type, patternTypes); !ok {
		return "Recurrence pattern type '" + p.Type + "' is not valid."
	}
	if p.Interval < 1 {
		return "The recurrence pattern's Interval must be greater than 0."
	}
	if p.FirstDayOfWeek == "" {
		p.FirstDayOfWeek = "sunday"
	}
	if _, ok := weekdayOf(p.FirstDayOfWeek); !ok {
		return "The value '" + p.FirstDayOfWeek + "' is not a valid day of the week."
	}
	p.FirstDayOfWeek = strings.ToLower(p.FirstDayOfWeek)
	for i, d := range p.DaysOfWeek {
		if _, ok := weekdayOf(d); !ok {
			return "The value '" + d + "' is not a valid day of the week."
		}
		p.DaysOfWeek[i] = strings.ToLower(d)
	}
	if p.Index == "" {
		p.Index = "first"
	}
	if p.Index, ok = enumCanon(p.Index, weekIndexes); !ok {
		return "The value '" + p.Index + "' is not a valid week index."
	}
	switch p.Type {
	case "weekly", "relativeMonthly", "relativeYearly":
		if len(p.DaysOfWeek) == 0 {
			return "DaysOfWeek must be specified for a " + p.Type + " recurrence pattern."
		}
	}
	switch p.Type {
	case "absoluteMonthly", "absoluteYearly":
		if p.DayOfMonth < 1 || p.DayOfMonth > 31 {
			return "DayOfMonth must be between 1 and 31 for a " + p.Type + " recurrence pattern."
		}
	}
	switch p.Type {
	case "absoluteYearly", "relativeYearly":
		if p.Month < 1 || p.Month > 12 {
			return "Month must be between 1 and 12 for a " + p.Type + " recurrence pattern."
		}
	}
	if rg.Type, ok = enumCanon(rg.Type, rangeTypes); !ok {
		return "Recurrence range type '" + rg.Type + "' is not valid."
	}
	start, ok := ParseDate(rg.StartDate)
	if !ok {
		return "The recurrence range's StartDate must be a date: '" + rg.StartDate + "'."
	}
	switch rg.Type {
	case "endDate":
		end, ok := ParseDate(rg.EndDate)
		if !ok || end.Before(start) {
			return "The recurrence range's EndDate must be a date on or after its StartDate."
		}
	case "numbered":
		if rg.NumberOfOccurrences < 1 {
			return "The recurrence range's NumberOfOccurrences must be greater than 0."
		}
		rg.EndDate = "0001-01-01"
	case "noEnd":
		rg.EndDate = "0001-01-01"
	}
	if rg.Type != "numbered" {
		rg.NumberOfOccurrences = 0
	}
	return ""
}

// Dates yields the dates of the series in order (as midnight UTC) until
// yield returns false or the range ends. Dates before after may be left out:
// a daily or weekly series without a count starts there.
func (rc *Recurrence) Dates(after time.Time, yield func(time.Time) bool) {
	p, rg := rc.Pattern, rc.Range
	start, ok := ParseDate(rg.StartDate)
	if !ok {
		return
	}
	end, hasEnd := ParseDate(rg.EndDate)
	hasEnd = hasEnd && rg.Type == "endDate"
	n := 0
	emit := func(d time.Time) bool {
		if d.Before(start) {
			return true
		}
		if hasEnd && d.After(end) {
			return false
		}
		if rg.Type == "numbered" && n >= rg.NumberOfOccurrences {
			return false
		}
		n++
		return yield(d)
	}
	interval := max(p.Interval, 1)
	days := map[time.Weekday]bool{}
	for _, d := range p.DaysOfWeek {
		if wd, ok := weekdayOf(d); ok {
			days[wd] = true
		}
	}
	// Each step of the loop is one period of the pattern; a series that
	// outlives year 9999 is cut there. Daily and weekly series skip the
	// periods before after, counting the dates they skip.
	k0, skipped := skipAhead(p, start, after, interval, days)
	n = skipped
	for k := k0; ; k += interval {
		var cands []time.Time
		switch p.Type {
		case "daily":
			cands = []time.Time{start.AddDate(0, 0, k)}
		case "weekly":
			fdow, _ := weekdayOf(p.FirstDayOfWeek)
			offset := (int(start.Weekday()) - int(fdow) + 7) % 7 // days since the week began
			week := start.AddDate(0, 0, 7*k-offset)
			for i := range 7 {
				if d := week.AddDate(0, 0, i); days[d.Weekday()] || (len(days) == 0 && d.Weekday() == start.Weekday()) {
					cands = append(cands, d)
				}
			}
		case "absoluteMonthly":
			m := civil(start.Year(), start.Month()+time.Month(k), 1)
			cands = []time.Time{civil(m.Year(), m.Month(), min(p.DayOfMonth, daysIn(m.Year(), m.Month())))}
		case "relativeMonthly":
			m := civil(start.Year(), start.Month()+time.Month(k), 1)
			cands = []time.Time{relativeDay(m.Year(), m.Month(), days, p.Index)}
		case "absoluteYearly":
			y := start.Year() + k
			cands = []time.Time{civil(y, time.Month(p.Month), min(p.DayOfMonth, daysIn(y, time.Month(p.Month))))}
		case "relativeYearly":
			cands = []time.Time{relativeDay(start.Year()+k, time.Month(p.Month), days, p.Index)}
		default:
			return
		}
		for _, d := range cands {
			if d.Year() > 9999 || !emit(d) {
				return
			}
		}
		if len(cands) > 0 && cands[0].Year() > 9999 {
			return
		}
	}
}

// skipAhead is the first period a daily or weekly series needs to look at
// for dates from after on, and the number of dates it skips to get there;
// other patterns start at the first period.
func skipAhead(p Pattern, start, after time.Time, interval int, days map[time.Weekday]bool) (k0, skipped int) {
	skip := int(after.Sub(start).Hours() / 24)
	if skip <= 0 {
		return 0, 0
	}
	switch p.Type {
	case "daily":
		k0 = max(skip/interval-1, 0) * interval
		return k0, k0 / interval
	case "weekly":
		if k0 = max(skip/7/interval-1, 0) * interval; k0 > 0 {
			per, first := max(len(days), 1), 0
			fdow, _ := weekdayOf(p.FirstDayOfWeek)
			week := start.AddDate(0, 0, -((int(start.Weekday()) - int(fdow) + 7) % 7))
			for i := range 7 {
				if d := week.AddDate(0, 0, i); !d.Before(start) && (days[d.Weekday()] || (len(days) == 0 && d.Weekday() == start.Weekday())) {
					first++
				}
			}
			return k0, first + (k0/interval-1)*per
		}
	}
	return 0, 0
}

// relativeDay is the index-th ("first" … "fourth", "last") day of the month
// whose weekday is in days.
func relativeDay(y int, m time.Month, days map[time.Weekday]bool, index string) time.Time {
	var match []time.Time
	for d := 1; d <= daysIn(y, m); d++ {
		if t := civil(y, m, d); days[t.Weekday()] {
			match = append(match, t)
		}
	}
	if len(match) == 0 {
		return civil(y, m, 1)
	}
	if index == "last" {
		return match[len(match)-1]
	}
	i := slices.Index(weekIndexes, index)
	return match[min(max(i, 0), len(match)-1)]
}
