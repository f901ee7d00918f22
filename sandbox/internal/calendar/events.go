package calendar

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/lazyre"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is events: their JSON, list, get, create, update, delete, the
// answers to invitations (accept, tentativelyAccept, decline) and cancel.

// eventType is the OData type of events, in Graph's property order.
var eventType = &odata.Type{
	Name: "microsoft.graph.event",
	Keep: []string{"@odata.etag", "id"},
	Props: []string{"@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories", "transactionId",
		"originalStartTimeZone", "originalEndTimeZone", "iCalUId", "reminderMinutesBeforeStart", "isReminderOn",
		"hasAttachments", "subject", "bodyPreview", "importance", "sensitivity", "isAllDay", "isCancelled", "isOrganizer",
		"responseRequested", "seriesMasterId", "showAs", "type", "webLink", "onlineMeetingUrl", "isOnlineMeeting",
		"onlineMeetingProvider", "allowNewTimeProposals", "isDraft", "hideAttendees", "responseStatus", "body", "start",
		"end", "location", "locations", "recurrence", "attendees", "organizer", "onlineMeeting"},
	Extra:      []string{"cancelledOccurrences", "originalStart"},
	Expandable: eventExpandable,
}

var eventLimits = odata.Limits{DefaultTop: 10, MaxTop: 1000}

type calLocation struct {
	DisplayName  string   `json:"displayName"`
	LocationType string   `json:"locationType"`
	UniqueID     string   `json:"uniqueId,omitempty"`
	UniqueIDType string   `json:"uniqueIdType"`
	Address      struct{} `json:"address"`
	Coordinates  struct{} `json:"coordinates"`
}

type calOnlineMeeting struct {
	JoinURL      string `json:"joinUrl"`
	ConferenceID string `json:"conferenceId"`
	TollNumber   string `json:"tollNumber"`
}

// eventJSON is an event in Graph's default property set.
type eventJSON struct {
	ETag                       string                   `json:"@odata.etag"`
	ID                         string                   `json:"id"`
	CreatedDateTime            string                   `json:"createdDateTime"`
	LastModifiedDateTime       string                   `json:"lastModifiedDateTime"`
	ChangeKey                  string                   `json:"changeKey"`
	Categories                 []string                 `json:"categories"`
	TransactionID              *string                  `json:"transactionId"`
	OriginalStartTimeZone      string                   `json:"originalStartTimeZone"`
	OriginalEndTimeZone        string                   `json:"originalEndTimeZone"`
	ICalUID                    string                   `json:"iCalUId"`
	ReminderMinutesBeforeStart int                      `json:"reminderMinutesBeforeStart"`
	IsReminderOn               bool                     `json:"isReminderOn"`
	HasAttachments             bool                     `json:"hasAttachments"`
	Subject                    string                   `json:"subject"`
	BodyPreview                string                   `json:"bodyPreview"`
	Importance                 string                   `json:"importance"`
	Sensitivity                string                   `json:"sensitivity"`
	IsAllDay                   bool                     `json:"isAllDay"`
	IsCancelled                bool                     `json:"isCancelled"`
	IsOrganizer                bool                     `json:"isOrganizer"`
	ResponseRequested          bool                     `json:"responseRequested"`
	SeriesMasterID             *string                  `json:"seriesMasterId"`
	ShowAs                     string                   `json:"showAs"`
	Type                       string                   `json:"type"`
	WebLink                    string                   `json:"webLink"`
	OnlineMeetingURL           *string                  `json:"onlineMeetingUrl"`
	IsOnlineMeeting            bool                     `json:"isOnlineMeeting"`
	OnlineMeetingProvider      string                   `json:"onlineMeetingProvider"`
	AllowNewTimeProposals      bool                     `json:"allowNewTimeProposals"`
	IsDraft                    bool                     `json:"isDraft"`
	HideAttendees              bool                     `json:"hideAttendees"`
	CancelledOccurrences       []string                 `json:"cancelledOccurrences"`
	OriginalStart              string                   `json:"originalStart,omitempty"` // occurrences only
	ResponseStatus             calResponse              `json:"responseStatus"`
	Body                       outlook.ItemBody         `json:"body"`
	Start                      outlook.DateTimeTimeZone `json:"start"`
	End                        outlook.DateTimeTimeZone `json:"end"`
	Location                   calLocation              `json:"location"`
	Locations                  []calLocation            `json:"locations"`
	Recurrence                 *outlook.Recurrence      `json:"recurrence"`
	Attendees                  []calAttendee            `json:"attendees"`
	Organizer                  outlook.Recipient        `json:"organizer"`
	OnlineMeeting              *calOnlineMeeting        `json:"onlineMeeting"`
}

var calTagRE = lazyre.New(`(?s)<head.*?</head>|<[^>]*>`)

// calText is the text of an HTML body, for bodyPreview and text bodies.
func calText(b outlook.ItemBody) string {
	if b.ContentType != "html" {
		return b.Content
	}
	t := calTagRE().ReplaceAllString(b.Content, " ")
	t = strings.NewReplacer("&nbsp;", " ", "&amp;", "&", "&lt;", "<", "&gt;", ">", "&quot;", `"`, "&#39;", "'").Replace(t)
	return strings.Join(strings.Fields(t), " ")
}

// calPreview is bodyPreview: the first 255 characters of the body's text.
func calPreview(b outlook.ItemBody) string {
	p := []rune(calText(b))
	return string(p[:min(len(p), 255)])
}

// viewOpts are the request's preferences for event JSON.
type viewOpts struct {
	zone outlook.ViewZone
	text bool // outlook.body-content-type="text"
	// expand is what $expand asks for; cu, when set, is the calendar
	// owner's data (for $expand=calendar).
	expand outlook.Expansion
	cu     *calUser
}

// eventObject is ev (or its occurrence occ) as Graph's JSON object.
func eventObject(ev *calEvent, occ *occurrence, vo viewOpts) graphkit.Item {
	j := eventJSON{
		ETag: graphkit.OutlookETag(ev.ChangeKey), ID: ev.ID, CreatedDateTime: outlook.Timestamp(ev.Created),
		LastModifiedDateTime: outlook.Timestamp(ev.Changed), ChangeKey: ev.ChangeKey, Categories: ev.Categories,
		OriginalStartTimeZone: ev.StartTZ, OriginalEndTimeZone: ev.EndTZ, ICalUID: ev.ICalUID,
		ReminderMinutesBeforeStart: ev.ReminderMinutes, IsReminderOn: ev.IsReminderOn, Subject: ev.Subject,
		Importance: ev.Importance, Sensitivity: ev.Sensitivity, IsAllDay: ev.IsAllDay, IsCancelled: ev.IsCancelled,
		IsOrganizer: ev.OrgUser == "", ResponseRequested: ev.ResponseRequest, ShowAs: ev.ShowAs, Type: "singleInstance",
		IsOnlineMeeting: ev.IsOnlineMeeting, OnlineMeetingProvider: "unknown", AllowNewTimeProposals: ev.AllowProposals,
		HideAttendees: ev.HideAttendees, HasAttachments: len(ev.Attachments) > 0,
		CancelledOccurrences: []string{}, ResponseStatus: ev.Response, Body: ev.Body, Recurrence: ev.Recurrence,
		Attendees: ev.Attendees, Organizer: outlook.Recipient{EmailAddress: ev.Organizer},
		Location:  calLocation{DisplayName: ev.Location, LocationType: "default", UniqueIDType: "unknown"},
		Locations: []calLocation{},
	}
	if j.Categories == nil {
		j.Categories = []string{}
	}
	if ev.Location != "" {
		j.Location.UniqueID, j.Location.UniqueIDType = ev.Location, "private"
		j.Locations = []calLocation{j.Location}
	}
	j.BodyPreview = calPreview(ev.Body)
	if vo.text {
		j.Body = outlook.ItemBody{ContentType: "text", Content: calText(ev.Body)}
	}
	if ev.TransactionID != "" {
		j.TransactionID = &ev.TransactionID
	}
	if ev.IsOnlineMeeting {
		j.OnlineMeetingProvider = "teamsForBusiness"
		if ev.OnlineProvider != "" && ev.OnlineProvider != "unknown" {
			j.OnlineMeetingProvider = ev.OnlineProvider
		}
		j.OnlineMeeting = &calOnlineMeeting{JoinURL: ev.JoinURL, ConferenceID: conferenceID(ev.ICalUID), TollNumber: "+1 425-555-0199"}
	}
	if ev.Recurrence != nil {
		j.Type = "seriesMaster"
		for _, d := range ev.Cancelled {
			j.CancelledOccurrences = append(j.CancelledOccurrences, "OID."+ev.ID+"."+d)
		}
	}
	s, e := ev.span(vo.zone.Loc)
	if occ != nil {
		master := ev.ID
		j.ID, j.Type, j.SeriesMasterID, j.Recurrence = occurrenceID(ev.ID, occ.Date), "occurrence", &master, nil
		j.CancelledOccurrences = []string{}
		s, e = occ.Start, occ.End
		j.OriginalStart = originalStart(ev, occ.Date)
		if x := occ.Ex; x != nil {
			j.Type, j.Subject, j.Body, j.Importance, j.Sensitivity, j.ShowAs = "exception", x.Subject, x.Body, x.Importance, x.Sensitivity, x.ShowAs
			j.IsAllDay, j.IsReminderOn, j.ReminderMinutesBeforeStart, j.Attendees = x.IsAllDay, x.IsReminderOn, x.ReminderMinutes, x.Attendees
			j.Location = calLocation{DisplayName: x.Location, LocationType: "default", UniqueIDType: "unknown"}
			j.Locations = []calLocation{}
			if x.Location != "" {
				j.Location.UniqueID, j.Location.UniqueIDType = x.Location, "private"
				j.Locations = []calLocation{j.Location}
			}
			j.LastModifiedDateTime, j.OriginalStartTimeZone, j.OriginalEndTimeZone = outlook.Timestamp(x.Changed), x.StartTZ, x.EndTZ
			j.BodyPreview = calPreview(x.Body)
			if vo.text {
				j.Body = outlook.ItemBody{ContentType: "text", Content: calText(x.Body)}
			}
		}
	}
	if j.Attendees == nil {
		j.Attendees = []calAttendee{}
	}
	j.Start, j.End = vo.zone.Format(s), vo.zone.Format(e)
	j.WebLink = "https://outlook.office365.com/owa/?itemid=" + url.QueryEscape(j.ID) + "&exvsurl=1&path=/calendar/item"
	it := graphkit.NewItem(j)
	expandEvent(it, ev, occ, vo)
	return it
}

// originalStart is the start the series ev gives its occurrence on date
// (an exception's start before it was moved).
func originalStart(ev *calEvent, date string) string {
	loc, ok := outlook.Zone(ev.StartTZ)
	d, okd := outlook.ParseDate(date)
	if !ok || !okd {
		return ""
	}
	ms := ev.Start.In(loc)
	return outlook.Timestamp(time.Date(d.Year(), d.Month(), d.Day(), ms.Hour(), ms.Minute(), ms.Second(), 0, loc))
}

// byTransaction returns cu's own event created with transactionId tid, or nil.
func (cu *calUser) byTransaction(tid string) *calEvent {
	if tid == "" {
		return nil
	}
	for _, ev := range cu.events {
		if ev.TransactionID == tid && ev.OrgUser == "" {
			return ev
		}
	}
	return nil
}

// findEvent finds an event by id; an occurrence id gives its master and
// the occurrence.
func findEvent(cu *calUser, id string, zone *time.Location) (*calEvent, *occurrence) {
	if ev := cu.events[id]; ev != nil {
		return ev, nil
	}
	master, date, ok := parseOccurrenceID(id)
	if !ok {
		return nil, nil
	}
	ev := cu.events[master]
	d, ok := outlook.ParseDate(date)
	if ev == nil || !ok || slices.Contains(ev.Cancelled, date) {
		return nil, nil
	}
	if ex := ev.Exceptions[date]; ex != nil {
		s, e := ex.span(zone)
		return ev, &occurrence{Date: date, Start: s, End: e, Ex: ex}
	}
	for _, o := range ev.occurrences(d.AddDate(0, 0, -2), d.AddDate(0, 0, 3), zone) {
		if o.Date == date {
			return ev, &o
		}
	}
	return nil, nil
}

func (s *Workload) eventList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	vo.cu = cu
	cal := cu.calendar(r.PathValue("cid"))
	if cal == nil {
		s.mu.Unlock()
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	var objs []graphkit.Item
	single, multi := outlook.FilterNames(r, eventType) // a $filter on extended properties sees them all
	for _, ev := range cu.eventsIn(cal.ID) {
		objs = append(objs, ev.Extended.SetForFilter(graphkit.LazyItem(func() graphkit.Item { return eventObject(ev, nil, vo) }), single, multi))
	}
	page := graphkit.ListPage(r, graphkit.ItemContext(r, u, false), objs, eventType, eventLimits) // renders the page only
	s.mu.Unlock()
	s.WriteListPage(w, r, page, hdr)
}

// eventEntity answers one event with its context.
func (s *Workload) eventEntity(w http.ResponseWriter, r *http.Request, status int, obj graphkit.Item, ctx string, hdr func(http.Header)) {
	hdr(w.Header())
	s.WriteEntity(w, r, status, obj, eventType, ctx)
}

func (s *Workload) eventGet(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	vo.cu = s.user(u)
	ev, occ := findEvent(vo.cu, r.PathValue("eid"), vo.zone.Loc)
	var obj graphkit.Item
	if ev != nil {
		obj = eventObject(ev, occ, vo)
	}
	s.mu.Unlock()
	if ev == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.eventEntity(w, r, http.StatusOK, obj, graphkit.ItemContext(r, u, true), hdr)
}

// applyTimes sets the start and end a body gave (nil: unchanged) and checks
// the event's times.
func applyTimes(ev *calEvent, start, end *outlook.DateTimeTimeZone) *graphkit.Error {
	for _, p := range []struct {
		d   *outlook.DateTimeTimeZone
		at  *time.Time
		tz  *string
		key string
	}{{start, &ev.Start, &ev.StartTZ, "start"}, {end, &ev.End, &ev.EndTZ, "end"}} {
		if p.d == nil {
			continue
		}
		t, msg := outlook.ParseDateTime(*p.d)
		if msg != "" {
			return graphkit.Err(400, "TimeZoneNotSupportedException", msg)
		}
		*p.at, *p.tz = t, zoneName(p.d.TimeZone)
	}
	if ev.Start.IsZero() || ev.End.IsZero() {
		return graphkit.Err(400, "ErrorInvalidRequest", "Your request can't be completed. An event needs both a start and an end.")
	}
	if ev.End.Before(ev.Start) {
		return graphkit.Err(400, "ErrorCalendarEndDateIsEarlierThanStartDate", "The end date you entered occurs before the start date.")
	}
	if ev.IsAllDay {
		s, e := ev.Start, ev.End
		if s.Hour()+s.Minute()+s.Second() != 0 || e.Hour()+e.Minute()+e.Second() != 0 || !e.After(s) {
			return graphkit.Err(400, "ErrorInvalidRequest", "Your request can't be completed. An all-day event must start and end at midnight, at least a day apart.")
		}
	}
	return nil
}

func (s *Workload) eventCreate(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	ev := &calEvent{Importance: "normal", Sensitivity: "normal", ShowAs: "busy", IsReminderOn: true, ReminderMinutes: 15,
		ResponseRequest: true, AllowProposals: true, Body: outlook.ItemBody{ContentType: "html", Content: ""}, Categories: []string{}}
	if ce = applyEventProps(ev, body, schema.Create); ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	vo.cu = cu
	cal := cu.calendar(r.PathValue("cid"))
	var obj graphkit.Item
	id := ""
	if prev := cu.byTransaction(ev.TransactionID); prev != nil {
		ev = prev // a retried create: Graph answers the event the first one made
	} else if cal != nil {
		if ev.IsOnlineMeeting {
			ev.JoinURL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + ids.GUID() + "%40thread.v2/0"
		}
		s.addEvent(r.Context(), cu, cal, ev, now)
	}
	if cal != nil {
		obj, id = eventObject(ev, nil, vo), ev.ID
	}
	s.mu.Unlock()
	if cal == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/users('"+u.ID+"')/events('"+id+"')")
	s.eventEntity(w, r, http.StatusCreated, obj, graphkit.ItemContext(r, u, true), hdr)
}

func (s *Workload) eventPatch(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	cu := s.user(u)
	vo.cu = cu
	ev, occ := findEvent(cu, r.PathValue("eid"), vo.zone.Loc)
	var obj graphkit.Item
	switch {
	case ev == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(ev.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	case occ != nil:
		var x *calEvent
		x, ce = s.patchOccurrence(r.Context(), cu, ev, occ, body, now)
		if ce == nil {
			obj = eventObject(ev, &occurrence{Date: occ.Date, Start: x.Start, End: x.End, Ex: x}, vo)
		}
	default:
		cp := *ev
		before := ev.Attendees
		if ce = applyEventProps(&cp, body, schema.Update); ce == nil {
			if cp.IsOnlineMeeting && cp.JoinURL == "" {
				cp.JoinURL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + ids.GUID() + "%40thread.v2/0"
			}
			cp.Changed, cp.ChangeKey = now, s.changeKey(r.Context())
			*ev = cp
			s.touchEvent(r.Context(), u.ID, ev, graphkit.Updated)
			if ev.OrgUser == "" {
				s.syncCopies(r.Context(), ev, before, now)
			}
			obj = eventObject(ev, nil, vo)
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.eventEntity(w, r, http.StatusOK, obj, graphkit.ItemContext(r, u, true), hdr)
}

func (s *Workload) eventDelete(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	now := s.Now().UTC()
	s.mu.Lock()
	cu := s.user(u)
	ev, occ := findEvent(cu, r.PathValue("eid"), time.UTC)
	var ce *graphkit.Error
	switch {
	case ev == nil:
		ce = graphkit.ErrItemNotFound
	case !graphkit.IfMatch(r, graphkit.OutlookETag(ev.ChangeKey)):
		ce = graphkit.ErrChangeKeyMismatch
	case occ != nil:
		ev.Cancelled = append(ev.Cancelled, occ.Date)
		delete(ev.Exceptions, occ.Date)
		ev.Changed, ev.ChangeKey = now, s.changeKey(r.Context())
		s.touchEvent(r.Context(), u.ID, ev, graphkit.Updated)
		if ev.OrgUser == "" {
			s.syncCopies(r.Context(), ev, ev.Attendees, now)
		}
	default:
		s.deleteEvent(r.Context(), cu, ev, now)
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// responseBody is the body of accept, tentativelyAccept, decline and cancel.
func responseBody(w http.ResponseWriter, r *http.Request) (comment string, send bool, ce *graphkit.Error) {
	send = true
	body, ce := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		return "", false, ce
	}
	for k, raw := range body {
		switch k {
		case "comment":
			if json.Unmarshal(raw, &comment) != nil {
				return "", false, graphkit.PropTypeError(k, "Edm.String")
			}
		case "sendResponse":
			if json.Unmarshal(raw, &send) != nil {
				return "", false, graphkit.PropTypeError(k, "Edm.Boolean")
			}
		case "proposedNewTime":
		default:
			return "", false, graphkit.Err(400, "RequestBodyRead", "The parameter '"+k+"' in the request payload is not a valid parameter for the operation.")
		}
	}
	return comment, send, nil
}

// eventRespond answers an invitation; an occurrence's answer goes to its series.
func (s *Workload) eventRespond(action string) graphkit.OwnerHandler {
	response := map[string]string{"accept": "accepted", "tentativelyAccept": "tentativelyAccepted", "decline": "declined"}[action]
	return func(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
		_, send, ce := responseBody(w, r)
		if ce != nil {
			s.Fail(w, r, ce)
			return
		}
		now := s.Now().UTC()
		s.mu.Lock()
		cu := s.user(u)
		ev, _ := findEvent(cu, r.PathValue("eid"), time.UTC)
		switch {
		case ev == nil:
			ce = graphkit.ErrItemNotFound
		case ev.OrgUser == "":
			ce = graphkit.Err(400, "ErrorInvalidRequest", "Your request can't be completed. You can't respond to a meeting you organized.")
		case ev.IsCancelled:
			ce = graphkit.Err(400, "ErrorInvalidRequest", "Your request can't be completed. The meeting has been cancelled.")
		default:
			s.respond(r.Context(), cu, ev, response, send, now)
		}
		s.mu.Unlock()
		if ce != nil {
			s.Fail(w, r, ce)
			return
		}
		s.WriteStatus(w, r, http.StatusAccepted, nil)
	}
}

// eventCancel cancels a meeting the user organizes: the attendees' copies
// are marked cancelled and the event leaves the organizer's calendar. An
// occurrence cancels only that occurrence.
func (s *Workload) eventCancel(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	_, _, ce := responseBody(w, r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	cu := s.user(u)
	ev, occ := findEvent(cu, r.PathValue("eid"), time.UTC)
	switch {
	case ev == nil:
		ce = graphkit.ErrItemNotFound
	case ev.OrgUser != "":
		ce = graphkit.Err(400, "ErrorInvalidRequest", "Your request can't be completed. You need to be an organizer to cancel a meeting.")
	case occ != nil:
		ev.Cancelled = append(ev.Cancelled, occ.Date)
		delete(ev.Exceptions, occ.Date)
		ev.Changed, ev.ChangeKey = now, s.changeKey(r.Context())
		s.touchEvent(r.Context(), u.ID, ev, graphkit.Updated)
		s.syncCopies(r.Context(), ev, ev.Attendees, now)
	default:
		s.deleteEvent(r.Context(), cu, ev, now)
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.WriteStatus(w, r, http.StatusAccepted, nil)
}

// conferenceID is a nine-digit Teams conference id derived from the meeting.
func conferenceID(icalUID string) string {
	n := uint32(0)
	for _, c := range icalUID {
		n = n*31 + uint32(c)
	}
	return strconv.FormatUint(uint64(100000000+n%900000000), 10)
}
