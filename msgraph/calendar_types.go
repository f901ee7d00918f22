package msgraph

import (
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/winzone"
)

// Event is a calendar event. As with [Message], read fields are values; use
// [EventUpdate] to change an event.
type Event struct {
	ID                    string           `json:"id,omitempty"`
	ETag                  string           `json:"@odata.etag,omitempty"`
	ChangeKey             string           `json:"changeKey,omitempty"`
	ICalUID               string           `json:"iCalUId,omitempty"`
	TransactionID         string           `json:"transactionId,omitempty"`
	Subject               string           `json:"subject,omitempty"`
	BodyPreview           string           `json:"bodyPreview,omitempty"`
	Body                  ItemBody         `json:"body,omitzero"`
	Start                 DateTimeTimeZone `json:"start,omitzero"`
	End                   DateTimeTimeZone `json:"end,omitzero"`
	OriginalStartTimeZone string           `json:"originalStartTimeZone,omitempty"`
	OriginalEndTimeZone   string           `json:"originalEndTimeZone,omitempty"`
	IsAllDay              bool             `json:"isAllDay,omitempty"`
	Location              Location         `json:"location,omitzero"`
	Locations             []Location       `json:"locations,omitempty"`
	Attendees             []Attendee       `json:"attendees,omitempty"`
	Organizer             Recipient        `json:"organizer,omitzero"`
	Categories            []string         `json:"categories,omitempty"`
	// Importance is "low", "normal" or "high".
	Importance string `json:"importance,omitempty"`
	// Sensitivity is "normal", "personal", "private" or "confidential".
	Sensitivity string `json:"sensitivity,omitempty"`
	// ShowAs is "free", "tentative", "busy", "oof", "workingElsewhere" or "unknown".
	ShowAs string `json:"showAs,omitempty"`
	// IsReminderOn, ResponseRequested and AllowNewTimeProposals are pointers:
	// Graph defaults them to true on a new event; nil keeps that default and
	// Ptr(false) turns them off.
	IsReminderOn               *bool          `json:"isReminderOn,omitempty"`
	ReminderMinutesBeforeStart int            `json:"reminderMinutesBeforeStart,omitempty"`
	IsCancelled                bool           `json:"isCancelled,omitempty"`
	IsOrganizer                bool           `json:"isOrganizer,omitempty"`
	IsDraft                    bool           `json:"isDraft,omitempty"`
	ResponseRequested          *bool          `json:"responseRequested,omitempty"`
	ResponseStatus             ResponseStatus `json:"responseStatus,omitzero"`
	AllowNewTimeProposals      *bool          `json:"allowNewTimeProposals,omitempty"`
	HasAttachments             bool           `json:"hasAttachments,omitempty"`
	IsOnlineMeeting            bool           `json:"isOnlineMeeting,omitempty"`
	// OnlineMeetingProvider is "teamsForBusiness", "skypeForBusiness", "skypeForConsumer" or "unknown".
	OnlineMeetingProvider string            `json:"onlineMeetingProvider,omitempty"`
	OnlineMeeting         OnlineMeetingInfo `json:"onlineMeeting,omitzero"`
	Recurrence            *Recurrence       `json:"recurrence,omitempty"`
	SeriesMasterID        string            `json:"seriesMasterId,omitempty"`
	// Type is "singleInstance", "occurrence", "exception" or "seriesMaster".
	Type                 string    `json:"type,omitempty"`
	WebLink              string    `json:"webLink,omitempty"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	// SingleValueExtendedProperties and MultiValueExtendedProperties are
	// MAPI properties (see [ExpandExtended]).
	SingleValueExtendedProperties []SingleValueExtendedProperty `json:"singleValueExtendedProperties,omitempty"`
	MultiValueExtendedProperties  []MultiValueExtendedProperty  `json:"multiValueExtendedProperties,omitempty"`
	// Removed is set on a delta result for an event that is gone.
	Removed *Removed `json:"@removed,omitempty"`
}

// EventUpdate is the body of an event PATCH: nil fields are left as they
// are; a non-nil empty slice clears the property.
type EventUpdate struct {
	Subject                    *string           `json:"subject,omitempty"`
	Body                       *ItemBody         `json:"body,omitempty"`
	Start                      *DateTimeTimeZone `json:"start,omitempty"`
	End                        *DateTimeTimeZone `json:"end,omitempty"`
	IsAllDay                   *bool             `json:"isAllDay,omitempty"`
	Location                   *Location         `json:"location,omitempty"`
	Attendees                  []Attendee        `json:"attendees,omitzero"`
	Categories                 []string          `json:"categories,omitzero"`
	Importance                 *string           `json:"importance,omitempty"`
	Sensitivity                *string           `json:"sensitivity,omitempty"`
	ShowAs                     *string           `json:"showAs,omitempty"`
	IsReminderOn               *bool             `json:"isReminderOn,omitempty"`
	ReminderMinutesBeforeStart *int              `json:"reminderMinutesBeforeStart,omitempty"`
	ResponseRequested          *bool             `json:"responseRequested,omitempty"`
	IsOnlineMeeting            *bool             `json:"isOnlineMeeting,omitempty"`
	Recurrence                 *Recurrence       `json:"recurrence,omitempty"`
}

// Calendar is a user's calendar.
type Calendar struct {
	ID   string `json:"id,omitempty"`
	Name string `json:"name,omitempty"`
	// Color is "auto", "lightBlue", "lightGreen", … (Graph's calendarColor).
	Color               string       `json:"color,omitempty"`
	HexColor            string       `json:"hexColor,omitempty"`
	IsDefaultCalendar   bool         `json:"isDefaultCalendar,omitempty"`
	ChangeKey           string       `json:"changeKey,omitempty"`
	CanShare            bool         `json:"canShare,omitempty"`
	CanViewPrivateItems bool         `json:"canViewPrivateItems,omitempty"`
	CanEdit             bool         `json:"canEdit,omitempty"`
	IsRemovable         bool         `json:"isRemovable,omitempty"`
	Owner               EmailAddress `json:"owner,omitzero"`
}

// Attendee is an attendee of an event.
type Attendee struct {
	EmailAddress EmailAddress `json:"emailAddress"`
	// Type is "required", "optional" or "resource".
	Type   string         `json:"type,omitempty"`
	Status ResponseStatus `json:"status,omitzero"`
}

// ResponseStatus is an attendee's (or the user's) answer to an event.
type ResponseStatus struct {
	// Response is "none", "organizer", "tentativelyAccepted", "accepted",
	// "declined" or "notResponded".
	Response string    `json:"response,omitempty"`
	Time     time.Time `json:"time,omitzero"`
}

// Location is where an event takes place.
type Location struct {
	DisplayName          string          `json:"displayName,omitempty"`
	LocationEmailAddress string          `json:"locationEmailAddress,omitempty"`
	LocationURI          string          `json:"locationUri,omitempty"`
	LocationType         string          `json:"locationType,omitempty"`
	UniqueID             string          `json:"uniqueId,omitempty"`
	UniqueIDType         string          `json:"uniqueIdType,omitempty"`
	Address              PhysicalAddress `json:"address,omitzero"`
}

// PhysicalAddress is a postal address.
type PhysicalAddress struct {
	Street          string `json:"street,omitempty"`
	City            string `json:"city,omitempty"`
	State           string `json:"state,omitempty"`
	CountryOrRegion string `json:"countryOrRegion,omitempty"`
	PostalCode      string `json:"postalCode,omitempty"`
}

// OnlineMeetingInfo is how to join an online meeting.
type OnlineMeetingInfo struct {
	JoinURL      string `json:"joinUrl,omitempty"`
	ConferenceID string `json:"conferenceId,omitempty"`
	TollNumber   string `json:"tollNumber,omitempty"`
}

// Recurrence is how an event repeats: a pattern and the range it applies to.
type Recurrence struct {
	Pattern RecurrencePattern `json:"pattern"`
	Range   RecurrenceRange   `json:"range"`
}

// RecurrencePattern is how often an event repeats.
type RecurrencePattern struct {
	// Type is "daily", "weekly", "absoluteMonthly", "relativeMonthly",
	// "absoluteYearly" or "relativeYearly".
	Type     string `json:"type"`
	Interval int    `json:"interval"`
	// DaysOfWeek are "sunday" … "saturday" (weekly and relative patterns).
	DaysOfWeek     []string `json:"daysOfWeek,omitempty"`
	FirstDayOfWeek string   `json:"firstDayOfWeek,omitempty"`
	DayOfMonth     int      `json:"dayOfMonth,omitempty"`
	Month          int      `json:"month,omitempty"`
	// Index is "first", "second", "third", "fourth" or "last" (relative patterns).
	Index string `json:"index,omitempty"`
}

// RecurrenceRange is the span a recurrence covers.
type RecurrenceRange struct {
	// Type is "endDate", "noEnd" or "numbered".
	Type string `json:"type"`
	// StartDate and EndDate are dates: "2025-03-03".
	StartDate           string `json:"startDate"`
	EndDate             string `json:"endDate,omitempty"`
	NumberOfOccurrences int    `json:"numberOfOccurrences,omitempty"`
	RecurrenceTimeZone  string `json:"recurrenceTimeZone,omitempty"`
}

// ScheduleInformation is the free/busy information of one user or room.
type ScheduleInformation struct {
	ScheduleID string `json:"scheduleId"`
	// AvailabilityView has one digit per interval: 0 free, 1 tentative,
	// 2 busy, 3 out of office, 4 working elsewhere.
	AvailabilityView string         `json:"availabilityView"`
	ScheduleItems    []ScheduleItem `json:"scheduleItems"`
	Error            *struct {
		Message      string `json:"message"`
		ResponseCode string `json:"responseCode"`
	} `json:"error,omitempty"`
}

// ScheduleItem is one busy block of a schedule.
type ScheduleItem struct {
	Start     DateTimeTimeZone `json:"start"`
	End       DateTimeTimeZone `json:"end"`
	Status    string           `json:"status"`
	Subject   string           `json:"subject,omitempty"`
	Location  string           `json:"location,omitempty"`
	IsPrivate bool             `json:"isPrivate,omitempty"`
}

// graphLocalTime is how Outlook writes a DateTimeTimeZone's local time.
const graphLocalTime = "2006-01-02T15:04:05.0000000"

// NewDateTimeTimeZone returns t as Outlook's local time and zone: in UTC, or
// in t's location when it has an IANA name Exchange knows ("Europe/Paris").
func NewDateTimeTimeZone(t time.Time) DateTimeTimeZone {
	if name := t.Location().String(); name != "Local" && name != "UTC" && name != "" && strings.Contains(name, "/") {
		return DateTimeTimeZone{DateTime: t.Format(graphLocalTime), TimeZone: name}
	}
	return DateTimeTimeZone{DateTime: t.UTC().Format(graphLocalTime), TimeZone: "UTC"}
}

// Time returns the instant d names. The zone may be UTC, an IANA name, or
// one of the common Windows names Outlook uses ("Pacific Standard Time").
func (d DateTimeTimeZone) Time() (time.Time, error) {
	loc, err := zoneLocation(d.TimeZone)
	if err != nil {
		return time.Time{}, err
	}
	for _, layout := range []string{graphLocalTime, "2006-01-02T15:04:05.999999999", "2006-01-02T15:04:05", "2006-01-02"} {
		if t, err := time.ParseInLocation(layout, strings.TrimSuffix(d.DateTime, "Z"), loc); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("msgraph: date-time %q is not Outlook's local time format", d.DateTime)
}

func zoneLocation(name string) (*time.Location, error) {
	if name == "" {
		return time.UTC, nil
	}
	if iana, ok := winzone.IANA(name); ok {
		name = iana
	}
	loc, err := time.LoadLocation(name)
	if err != nil {
		return nil, fmt.Errorf("msgraph: unknown time zone %q", name)
	}
	return loc, nil
}
