package calendar

import (
	"context"
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// This file holds the calendars and events of the seeded users (seed.go
// fills it) and the time zone and date-time helpers they share. The store
// is guarded by Workload.mu: calendar requests never wait for another
// workload, and Reset swaps the contents under it.

// store is the calendar data of every seeded user.
type store struct {
	users map[string]*calUser // by user id
	seq   int                 // numbers the ids and change keys of new items
}

// calUser is one user's calendars and events.
type calUser struct {
	owner     *graphkit.User // the seeded user (not the directory's)
	calendars []*calCalendar // the default calendar first
	events    map[string]*calEvent
}

type calCalendar struct {
	ID, Name, Color, ChangeKey string
	Default                    bool
	Extended                   outlook.Extended
}

// calEvent is a single event or a series master in one user's calendar.
type calEvent struct {
	ID, CalendarID, ICalUID, ChangeKey string
	Seq                                int // creation order
	Subject                            string
	Body                               outlook.ItemBody
	// Start and End are the instants; StartTZ and EndTZ the zones the
	// organizer gave (originalStartTimeZone). All-day events keep local
	// midnight in StartTZ.
	Start, End      time.Time
	StartTZ, EndTZ  string
	IsAllDay        bool
	Location        string
	Attendees       []calAttendee
	Organizer       outlook.EmailAddress
	Categories      []string
	Importance      string
	Sensitivity     string
	ShowAs          string
	IsReminderOn    bool
	ReminderMinutes int
	IsCancelled     bool
	ResponseRequest bool
	AllowProposals  bool
	Response        calResponse // the owner's own answer
	IsOnlineMeeting bool
	OnlineProvider  string // as given; answered only for an online meeting
	JoinURL         string
	HideAttendees   bool
	TransactionID   string // the client's, for retried creates
	Extended        outlook.Extended
	Recurrence      *calRecurrence
	Cancelled       []string // dates (2006-01-02) of deleted occurrences
	// Exceptions are the changed occurrences of a series by their date:
	// copies of the master (without recurrence) with their own changes.
	Exceptions       map[string]*calEvent
	Created, Changed time.Time
	// OrgUser and OrgEvent link an attendee's copy to the organizer's event
	// (both "" on the organizer's own event).
	OrgUser, OrgEvent string
}

type calResponse struct {
	Response string `json:"response"`
	Time     string `json:"time"`
}

type calAttendee struct {
	Type         string               `json:"type"`
	Status       calResponse          `json:"status"`
	EmailAddress outlook.EmailAddress `json:"emailAddress"`
}

type calDateTime struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}

type calRecurrence struct {
	Pattern calPattern `json:"pattern"`
	Range   calRange   `json:"range"`
}

type calPattern struct {
	Type           string   `json:"type"`
	Interval       int      `json:"interval"`
	Month          int      `json:"month"`
	DayOfMonth     int      `json:"dayOfMonth"`
	DaysOfWeek     []string `json:"daysOfWeek,omitempty"`
	FirstDayOfWeek string   `json:"firstDayOfWeek"`
	Index          string   `json:"index"`
}

type calRange struct {
	Type                string `json:"type"`
	StartDate           string `json:"startDate"`
	EndDate             string `json:"endDate"`
	RecurrenceTimeZone  string `json:"recurrenceTimeZone"`
	NumberOfOccurrences int    `json:"numberOfOccurrences"`
}

// user returns u's data; the caller holds Workload.mu.
func (st *store) user(u *graphkit.User) *calUser { return st.users[u.ID] }

// next returns the next sequence number, for new ids and change keys.
func (st *store) next(ctx context.Context) int { return graphkit.NextSeq(ctx, Name, &st.seq) }

// newID returns an id for a new item of owner's.
func (st *store) newID(ctx context.Context, owner, kind string) string {
	return ids.Stable(owner, kind, "created", fmt.Sprint(st.next(ctx)))
}

func (st *store) changeKey(ctx context.Context) string {
	return outlook.ChangeKey(st.next(ctx))
}

// touchEvent notes that the request changed (or removed) event id of user.
func touchEvent(ctx context.Context, user, id string) {
	graphkit.TouchCtx(ctx, Name, eventKey(user, id))
}

func (cu *calUser) defaultCalendar() *calCalendar { return cu.calendars[0] }

// calendar finds a calendar by id; "" is the default calendar.
func (cu *calUser) calendar(id string) *calCalendar {
	if id == "" {
		return cu.defaultCalendar()
	}
	for _, c := range cu.calendars {
		if c.ID == id {
			return c
		}
	}
	return nil
}

// userByMail finds a seeded user by SMTP address or UPN (case-insensitive).
func userByMail(addr string) *graphkit.User {
	for i := range seedUsers {
		if strings.EqualFold(seedUsers[i].Mail, addr) || strings.EqualFold(seedUsers[i].UserPrincipalName, addr) {
			return &seedUsers[i]
		}
	}
	return nil
}

// calLocalTime is how Outlook writes a DateTimeTimeZone's local time.
const calLocalTime = "2006-01-02T15:04:05.0000000"

// calNoTime is the time Outlook gives a response that has not been made.
const calNoTime = "0001-01-01T00:00:00Z"

// calWindowsZones maps the Windows time zone names Outlook uses most to IANA
// names (CLDR windowsZones, territory "001").
var calWindowsZones = map[string]string{
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

// calZone resolves a time zone name: UTC, an IANA name or a Windows name
// from calWindowsZones. It reports false for anything else.
func calZone(name string) (*time.Location, bool) {
	if name == "" || strings.EqualFold(name, "UTC") {
		return time.UTC, true
	}
	if iana, ok := calWindowsZones[name]; ok {
		name = iana
	}
	if !strings.Contains(name, "/") {
		return nil, false // time.LoadLocation would also take "Local" and abbreviations
	}
	loc, err := time.LoadLocation(name)
	return loc, err == nil
}

// viewZone is the zone start and end times are written in: the request's
// outlook.timezone preference, or UTC.
type viewZone struct {
	Name string
	Loc  *time.Location
}

var utcView = viewZone{"UTC", time.UTC}

// format writes t in the zone.
func (z viewZone) format(t time.Time) calDateTime {
	return calDateTime{DateTime: t.In(z.Loc).Format(calLocalTime), TimeZone: z.Name}
}

// parseCalDateTime reads a DateTimeTimeZone; the second result is the error
// message for a bad value.
func parseCalDateTime(d calDateTime) (time.Time, string) {
	loc, ok := calZone(d.TimeZone)
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

// zoneName is the name to store for a zone given in a request: "UTC" for
// an empty one.
func zoneName(tz string) string {
	if tz == "" {
		return "UTC"
	}
	return tz
}
