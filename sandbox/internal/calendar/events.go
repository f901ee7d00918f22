package calendar

import (
	"encoding/json"
	"net/http"
	"net/url"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
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
	Extra: []string{"cancelledOccurrences"},
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
	ETag                       string            `json:"@odata.etag"`
	ID                         string            `json:"id"`
	CreatedDateTime            string            `json:"createdDateTime"`
	LastModifiedDateTime       string            `json:"lastModifiedDateTime"`
	ChangeKey                  string            `json:"changeKey"`
	Categories                 []string          `json:"categories"`
	TransactionID              *string           `json:"transactionId"`
	OriginalStartTimeZone      string            `json:"originalStartTimeZone"`
	OriginalEndTimeZone        string            `json:"originalEndTimeZone"`
	ICalUID                    string            `json:"iCalUId"`
	ReminderMinutesBeforeStart int               `json:"reminderMinutesBeforeStart"`
	IsReminderOn               bool              `json:"isReminderOn"`
	HasAttachments             bool              `json:"hasAttachments"`
	Subject                    string            `json:"subject"`
	BodyPreview                string            `json:"bodyPreview"`
	Importance                 string            `json:"importance"`
	Sensitivity                string            `json:"sensitivity"`
	IsAllDay                   bool              `json:"isAllDay"`
	IsCancelled                bool              `json:"isCancelled"`
	IsOrganizer                bool              `json:"isOrganizer"`
	ResponseRequested          bool              `json:"responseRequested"`
	SeriesMasterID             *string           `json:"seriesMasterId"`
	ShowAs                     string            `json:"showAs"`
	Type                       string            `json:"type"`
	WebLink                    string            `json:"webLink"`
	OnlineMeetingURL           *string           `json:"onlineMeetingUrl"`
	IsOnlineMeeting            bool              `json:"isOnlineMeeting"`
	OnlineMeetingProvider      string            `json:"onlineMeetingProvider"`
	AllowNewTimeProposals      bool              `json:"allowNewTimeProposals"`
	IsDraft                    bool              `json:"isDraft"`
	HideAttendees              bool              `json:"hideAttendees"`
	CancelledOccurrences       []string          `json:"cancelledOccurrences"`
	ResponseStatus             calResponse       `json:"responseStatus"`
	Body                       outlook.ItemBody  `json:"body"`
	Start                      calDateTime       `json:"start"`
	End                        calDateTime       `json:"end"`
	Location                   calLocation       `json:"location"`
	Locations                  []calLocation     `json:"locations"`
	Recurrence                 *calRecurrence    `json:"recurrence"`
	Attendees                  []calAttendee     `json:"attendees"`
	Organizer                  outlook.Recipient `json:"organizer"`
	OnlineMeeting              *calOnlineMeeting `json:"onlineMeeting"`
}

var calTagRE = regexp.MustCompile(`(?s)<head.*?</head>|<[^>]*>`)

// calText is the text of an HTML body, for bodyPreview and text bodies.
func calText(b outlook.ItemBody) string {
	if b.ContentType != "html" {
		return b.Content
	}
	t := calTagRE.ReplaceAllString(b.Content, " ")
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
	zone viewZone
	text bool // outlook.body-content-type="text"
}

// eventObject is ev (or its occurrence occ) as Graph's JSON object.
func eventObject(ev *calEvent, occ *occurrence, vo viewOpts) graphkit.Item {
	j := eventJSON{
		ETag: `W/"` + ev.ChangeKey + `"`, ID: ev.ID, CreatedDateTime: outlook.Timestamp(ev.Created),
		LastModifiedDateTime: outlook.Timestamp(ev.Changed), ChangeKey: ev.ChangeKey, Categories: ev.Categories,
		OriginalStartTimeZone: ev.StartTZ, OriginalEndTimeZone: ev.EndTZ, ICalUID: ev.ICalUID,
		ReminderMinutesBeforeStart: ev.ReminderMinutes, IsReminderOn: ev.IsReminderOn, Subject: ev.Subject,
		Importance: ev.Importance, Sensitivity: ev.Sensitivity, IsAllDay: ev.IsAllDay, IsCancelled: ev.IsCancelled,
		IsOrganizer: ev.OrgUser == "", ResponseRequested: ev.ResponseRequest, ShowAs: ev.ShowAs, Type: "singleInstance",
		IsOnlineMeeting: ev.IsOnlineMeeting, OnlineMeetingProvider: "unknown", AllowNewTimeProposals: ev.AllowProposals,
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
	if ev.IsOnlineMeeting {
		j.OnlineMeetingProvider = "teamsForBusiness"
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
	j.Start, j.End = vo.zone.format(s), vo.zone.format(e)
	j.WebLink = "https://outlook.office365.com/owa/?itemid=" + url.QueryEscape(j.ID) + "&exvsurl=1&path=/calendar/item"
	return graphkit.NewItem(j)
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
	d, ok := parseCalDate(date)
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
	vo, hdr := viewPrefs(r)
	s.mu.Lock()
	cu := s.user(u)
	cal := cu.calendar(r.PathValue("cid"))
	var objs []graphkit.Item
	if cal != nil {
		for _, ev := range cu.eventsIn(cal.ID) {
			objs = append(objs, eventObject(ev, nil, vo))
		}
	}
	s.mu.Unlock()
	if cal == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, eventType, eventLimits, hdr)
}

// eventEntity answers one event with its context.
func (s *Workload) eventEntity(w http.ResponseWriter, r *http.Request, status int, obj graphkit.Item, ctx string, hdr func(http.Header)) {
	hdr(w.Header())
	s.WriteEntity(w, r, status, obj, eventType, ctx)
}

func (s *Workload) eventGet(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	vo, hdr := viewPrefs(r)
	s.mu.Lock()
	ev, occ := findEvent(s.user(u), r.PathValue("eid"), vo.zone.Loc)
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

var (
	sensitivityValues = []string{"normal", "personal", "private", "confidential"}
	showAsValues      = []string{"free", "tentative", "busy", "oof", "workingElsewhere", "unknown"}
	attendeeTypes     = []string{"required", "optional", "resource"}
)

// str reads a string property into dst; with allowed, it must be one of them
// (in any case) and is stored in their case.
func str(k string, raw json.RawMessage, dst *string, allowed []string) *graphkit.Error {
	var v string
	if json.Unmarshal(raw, &v) != nil {
		return graphkit.PropTypeError(k, "Edm.String")
	}
	if allowed != nil {
		c, ok := graphkit.EnumValue(v, allowed)
		if !ok {
			return graphkit.EnumError(v)
		}
		v = c
	}
	*dst = v
	return nil
}

// boolean reads a boolean property into dst.
func boolean(k string, raw json.RawMessage, dst *bool) *graphkit.Error {
	if json.Unmarshal(raw, dst) != nil {
		return graphkit.PropTypeError(k, "Edm.Boolean")
	}
	return nil
}

// applyEventProps sets the writable properties in body on ev; start and end
// are checked together at the end.
func applyEventProps(ev *calEvent, body map[string]json.RawMessage) *graphkit.Error {
	var start, end *calDateTime
	for k, raw := range body {
		var ce *graphkit.Error
		switch k {
		case "subject":
			ce = str(k, raw, &ev.Subject, nil)
		case "body":
			var b outlook.ItemBody
			if json.Unmarshal(raw, &b) != nil {
				return graphkit.PropTypeError(k, "microsoft.graph.itemBody")
			}
			if b.ContentType == "" {
				b.ContentType = "text"
			}
			ct, ok := graphkit.EnumValue(b.ContentType, graphkit.BodyTypes)
			if !ok {
				return graphkit.EnumError(b.ContentType)
			}
			b.ContentType = ct
			ev.Body = b
		case "start", "end":
			var d calDateTime
			if json.Unmarshal(raw, &d) != nil || d.DateTime == "" {
				return graphkit.PropTypeError(k, "microsoft.graph.dateTimeTimeZone")
			}
			if k == "start" {
				start = &d
			} else {
				end = &d
			}
		case "isAllDay":
			ce = boolean(k, raw, &ev.IsAllDay)
		case "location":
			var l struct{ DisplayName string }
			if json.Unmarshal(raw, &l) != nil {
				return graphkit.PropTypeError(k, "microsoft.graph.location")
			}
			ev.Location = l.DisplayName
		case "attendees":
			ce = applyAttendees(ev, raw)
		case "categories":
			var cs []string
			if json.Unmarshal(raw, &cs) != nil {
				return graphkit.PropTypeError(k, "Collection(Edm.String)")
			}
			ev.Categories = cs
		case "importance":
			ce = str(k, raw, &ev.Importance, outlook.Importance)
		case "sensitivity":
			ce = str(k, raw, &ev.Sensitivity, sensitivityValues)
		case "showAs":
			ce = str(k, raw, &ev.ShowAs, showAsValues)
		case "isReminderOn":
			ce = boolean(k, raw, &ev.IsReminderOn)
		case "reminderMinutesBeforeStart":
			if json.Unmarshal(raw, &ev.ReminderMinutes) != nil {
				return graphkit.PropTypeError(k, "Edm.Int32")
			}
		case "responseRequested":
			ce = boolean(k, raw, &ev.ResponseRequest)
		case "allowNewTimeProposals":
			ce = boolean(k, raw, &ev.AllowProposals)
		case "isOnlineMeeting":
			ce = boolean(k, raw, &ev.IsOnlineMeeting)
		case "recurrence":
			if string(raw) == "null" {
				ev.Recurrence, ev.Cancelled = nil, nil
				continue
			}
			var rc calRecurrence
			if json.Unmarshal(raw, &rc) != nil {
				return graphkit.PropTypeError(k, "microsoft.graph.patternedRecurrence")
			}
			if msg := rc.validate(); msg != "" {
				return graphkit.Err(400, "ErrorInvalidRequest", msg)
			}
			ev.Recurrence = &rc
		case "onlineMeetingProvider", "hideAttendees", "transactionId", "locations", "isDraft", "id", "@odata.etag",
			"createdDateTime", "lastModifiedDateTime", "changeKey", "iCalUId", "organizer", "isOrganizer", "type",
			"webLink", "responseStatus", "seriesMasterId", "bodyPreview", "hasAttachments", "isCancelled",
			"originalStartTimeZone", "originalEndTimeZone", "onlineMeeting", "onlineMeetingUrl", "cancelledOccurrences":
			// read-only, or set by the service: Graph ignores them in a request
		default:
			if !strings.HasPrefix(k, "@odata.") {
				return graphkit.UnknownPropError(k, "Event")
			}
		}
		if ce != nil {
			return ce
		}
	}
	if ce := applyTimes(ev, start, end); ce != nil {
		return ce
	}
	if ev.Recurrence != nil && ev.Recurrence.Range.RecurrenceTimeZone == "" {
		ev.Recurrence.Range.RecurrenceTimeZone = ev.StartTZ
	}
	return nil
}

// applyAttendees sets the attendees in raw on ev; those already invited
// keep their answers.
func applyAttendees(ev *calEvent, raw json.RawMessage) *graphkit.Error {
	var as []calAttendee
	if json.Unmarshal(raw, &as) != nil {
		return graphkit.PropTypeError("attendees", "Collection(microsoft.graph.attendee)")
	}
	for i := range as {
		if as[i].Type == "" {
			as[i].Type = "required"
		}
		t, ok := graphkit.EnumValue(as[i].Type, attendeeTypes)
		if !ok {
			return graphkit.EnumError(as[i].Type)
		}
		as[i].Type = t
		if as[i].EmailAddress.Address == "" {
			return graphkit.Err(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., Recipient is missing an email address.")
		}
		if u := userByMail(as[i].EmailAddress.Address); u != nil && as[i].EmailAddress.Name == "" {
			as[i].EmailAddress.Name = u.DisplayName
		}
		as[i].Status = calResponse{"none", calNoTime}
		for _, old := range ev.Attendees {
			if strings.EqualFold(old.EmailAddress.Address, as[i].EmailAddress.Address) {
				as[i].Status = old.Status
			}
		}
	}
	ev.Attendees = as
	return nil
}

// applyTimes sets the start and end a body gave (nil: unchanged) and checks
// the event's times.
func applyTimes(ev *calEvent, start, end *calDateTime) *graphkit.Error {
	for _, p := range []struct {
		d   *calDateTime
		at  *time.Time
		tz  *string
		key string
	}{{start, &ev.Start, &ev.StartTZ, "start"}, {end, &ev.End, &ev.EndTZ, "end"}} {
		if p.d == nil {
			continue
		}
		t, msg := parseCalDateTime(*p.d)
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
	vo, hdr := viewPrefs(r)
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	ev := &calEvent{Importance: "normal", Sensitivity: "normal", ShowAs: "busy", IsReminderOn: true, ReminderMinutes: 15,
		ResponseRequest: true, AllowProposals: true, Body: outlook.ItemBody{ContentType: "html", Content: ""}, Categories: []string{}}
	if ce = applyEventProps(ev, body); ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	cal := cu.calendar(r.PathValue("cid"))
	var obj graphkit.Item
	id := ""
	if cal != nil {
		if ev.IsOnlineMeeting {
			ev.JoinURL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + ids.GUID() + "%40thread.v2/0"
		}
		s.addEvent(r.Context(), cu, cal, ev, now)
		obj = eventObject(ev, nil, vo)
		id = ev.ID
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
	vo, hdr := viewPrefs(r)
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	cu := s.user(u)
	ev, occ := findEvent(cu, r.PathValue("eid"), vo.zone.Loc)
	var obj graphkit.Item
	switch {
	case ev == nil:
		ce = graphkit.ErrItemNotFound
	case occ != nil:
		var x *calEvent
		x, ce = s.patchOccurrence(r.Context(), cu, ev, occ, body, now)
		if ce == nil {
			obj = eventObject(ev, &occurrence{Date: occ.Date, Start: x.Start, End: x.End, Ex: x}, vo)
		}
	default:
		cp := *ev
		before := ev.Attendees
		if ce = applyEventProps(&cp, body); ce == nil {
			if cp.IsOnlineMeeting && cp.JoinURL == "" {
				cp.JoinURL = "https://teams.microsoft.com/l/meetup-join/19%3ameeting_" + ids.GUID() + "%40thread.v2/0"
			}
			cp.Changed, cp.ChangeKey = now, s.changeKey(r.Context())
			*ev = cp
			graphkit.Touch(r, Name, eventKey(u.ID, ev.ID))
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
	switch {
	case ev == nil:
	case occ != nil:
		ev.Cancelled = append(ev.Cancelled, occ.Date)
		delete(ev.Exceptions, occ.Date)
		ev.Changed, ev.ChangeKey = now, s.changeKey(r.Context())
		graphkit.Touch(r, Name, eventKey(u.ID, ev.ID))
		if ev.OrgUser == "" {
			s.syncCopies(r.Context(), ev, ev.Attendees, now)
		}
	default:
		s.deleteEvent(r.Context(), cu, ev, now)
	}
	s.mu.Unlock()
	if ev == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
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
		graphkit.Touch(r, Name, eventKey(u.ID, ev.ID))
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
