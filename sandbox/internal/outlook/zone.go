package outlook

import (
	"strings"
	"time"
)

// This file is Outlook's dateTimeTimeZone: a wall-clock time and the name
// of its zone (Windows or IANA), as events and To Do tasks carry them.

// LocalTime is how Outlook writes a DateTimeTimeZone's local time.
const LocalTime = "2006-01-02T15:04:05.0000000"

// windowsZones maps the Windows time zone names Outlook uses most to IANA
// names (CLDR windowsZones, territory "001").
var windowsZones = map[string]string{
	"UTC": "UTC", "Coordinated Universal Time": "UTC", "GMT Standard Time": "Europe/London",
	"Greenwich Standard Time": "Atlantic/Reykjavik", "W. Europe Standard Time": "Europe/Berlin",
	"Romance Standard Time": "Europe/Paris", "Central Europe Standard Time": "Europe/Budapest",
	"Central European Standard Time": "Europe/Warsaw", "E. Europe Standard Time": "Europe/Chisinau",
	"FLE Standard Time": "Europe/Kiev", "GTB Standard Time": "Europe/Bucharest", "Russian Standard Time": "Europe/Moscow",
	"Turkey Standard Time": "Europe/Istanbul", "Israel Standard Time": "Asia/Jerusalem", "Arabian Standard Time": "Asia/Dubai",
	"India Standard Time": "Asia/Kolkata", "China Standard Time": "Asia/Shanghai", "Singapore Standard Time": "Asia/Singapore",
	"Tokyo Standard Time": "Asia/Tokyo", "Korea Standard Time": "Asia/Seoul", "AUS Eastern Standard Time": "Australia/Sydney",
	"New Zealand Standard Time": "Pacific/Auckland", "Eastern Standard Time": "America/New_York",
	"Central Standard Time": "America/Chicago", "Mountain Standard Time": "America/Denver",
	"US Mountain Standard Time": "America/Phoenix", "Pacific Standard Time": "America/Los_Angeles",
	"Alaskan Standard Time": "America/Anchorage", "Hawaiian Standard Time": "Pacific/Honolulu",
	"Atlantic Standard Time": "America/Halifax", "E. South America Standard Time": "America/Sao_Paulo",
	"SA Pacific Standard Time": "America/Bogota", "Central Standard Time (Mexico)": "America/Mexico_City",
	"South Africa Standard Time": "Africa/Johannesburg", "Egypt Standard Time": "Africa/Cairo",
}

// Zone resolves a time zone name: UTC, an IANA name or a Windows name
// from windowsZones. It reports false for anything else.
func Zone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "UTC") {
		return time.UTC, true
	}
	if iana, ok := windowsZones[name]; ok {
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
