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
	// feed numbers every change (the ids and change keys of new items take
	// their positions in it) and keeps removed events; change
	// notifications hear it.
	feed *graphkit.Feed
	// mail delivers the meeting messages of invitations, updates and
	// cancellations (meeting.go); nil delivers none.
	mail outlook.Mailer
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
	Seq                                int   // creation order
	Pos                                int64 `json:",omitempty"` // the feed position of its last change (0: seeded), for delta
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
	Attachments     []*outlook.FileAttachment `json:",omitempty"`
	Recurrence      *outlook.Recurrence
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

// user returns u's data; the caller holds Workload.mu.
func (st *store) user(u *graphkit.User) *calUser { return st.users[u.ID] }

// next returns the next sequence number, for new ids and change keys.
func (st *store) next(ctx context.Context) int { return int(st.feed.Next(ctx)) }

// newID returns an id for a new item of owner's.
func (st *store) newID(ctx context.Context, owner, kind string) string {
	return ids.Stable(owner, kind, "created", fmt.Sprint(st.next(ctx)))
}

func (st *store) changeKey(ctx context.Context) string {
	return outlook.ChangeKey(st.next(ctx))
}

// touchEvent notes that the request made (kind), changed or removed event ev
// of user: the journal records it and the feed's subscribers hear of it.
func (st *store) touchEvent(ctx context.Context, user string, ev *calEvent, kind graphkit.ChangeKind) {
	graphkit.TouchCtx(ctx, Name, eventKey(user, ev.ID))
	scope := user + "/" + ev.CalendarID
	if kind == graphkit.Deleted {
		st.feed.Removed(ctx, scope, ev.ID, nil)
		return
	}
	ev.Pos = st.feed.Seq()
	st.feed.Notify(scope, ev.ID, kind, ev.Pos)
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

// calNoTime is the time Outlook gives a response that has not been made.
const calNoTime = "0001-01-01T00:00:00Z"

// zoneName is the name to store for a zone given in a request: "UTC" for
// an empty one.
func zoneName(tz string) string {
	if tz == "" {
		return "UTC"
	}
	return tz
}
