package outlook

import (
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/winzone"
)

// This file is Outlook's dateTimeTimeZone: a wall-clock time and the name
// of its zone (Windows or IANA), as events and To Do tasks carry them.

// LocalTime is how Outlook writes a DateTimeTimeZone's local time.
const LocalTime = "2006-01-02T15:04:05.0000000"

// Zone resolves a time zone name: UTC, an IANA name or a Windows name
// from the [winzone] table. It reports false for anything else.
func Zone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "UTC") {
		return time.UTC, true
	}
	if iana, ok := winzone.IANA(name); ok {
		name = iana
	}
	if !strings.Contains(name, "/") {
		return nil, false // time.LoadLocation would also take "Local" and abbreviations
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// ParseDateTime reads a DateTimeTimeZone; the second result is the error
// message for a bad value.
func ParseDateTime(d DateTimeTimeZone) (time.Time, string) {
	loc, ok := Zone(d.TimeZone)
	if !ok {
		return time.Time{}, "A valid TimeZone value must be specified. The following TimeZone value is not supported: '" + d.TimeZone + "'."
	}
	v := strings.TrimSuffix(d.DateTime, "Z")
	for _, layout := range []string{"2006-01-02T15:04:05.9999999", "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, v, loc); err == nil {
			return t, ""
		}
	}
	return time.Time{}, "Cannot convert the literal '" + d.DateTime + "' to the expected type 'Edm.DateTimeOffset'."
}

// ViewZone is the zone start and end times are written in: the request's
// outlook.timezone preference, or UTC.
type ViewZone struct {
	Name string
	Loc  *time.Location
}

var UTCView = ViewZone{"UTC", time.UTC}

// Format writes t in the zone.
func (z ViewZone) Format(t time.Time) DateTimeTimeZone {
	return DateTimeTimeZone{DateTime: t.In(z.Loc).Format(LocalTime), TimeZone: z.Name}
}

// PreferredZone is the zone of a request's outlook.timezone preference
// (Prefer header values, by name), with the Preference-Applied value that
// honours it; UTC and "" when there is none or Outlook does not know it.
func PreferredZone(prefer map[string]string) (ViewZone, string) {
	if v, ok := prefer["outlook.timezone"]; ok {
		if loc, ok := Zone(v); ok {
			return ViewZone{Name: v, Loc: loc}, `outlook.timezone="` + v + `"`
		}
	}
	return UTCView, ""
}
