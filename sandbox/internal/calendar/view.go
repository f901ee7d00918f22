package calendar

import (
	"encoding/json"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"net/http"
	"slices"
	"strings"
	"time"
)

// This file is what a calendar shows over time: calendarView and instances
// (series expanded into occurrences between startDateTime and endDateTime),
// the outlook.timezone preference, and getSchedule's free/busy view.

// viewPrefs reads the Prefer headers and the $expand that shape event JSON and returns a
// function that sets Preference-Applied for the ones honoured.
func viewPrefs(r *http.Request) (viewOpts, func(http.Header), *graphkit.Error) {
	vo := viewOpts{zone: outlook.UTCView}
	if ge := vo.readExpand(r); ge != nil {
		return vo, nil, ge
	}
	var applied []string
	p := graphkit.Prefer(r)
	zone, zoneApplied := outlook.PreferredZone(p)
	if zoneApplied != "" {
		vo.zone = zone
		applied = append(applied, zoneApplied)
	}
	if v, ok := graphkit.EnumValue(p["outlook.body-content-type"], graphkit.BodyTypes); ok {
		vo.text = v == "text"
		applied = append(applied, `outlook.body-content-type="`+v+`"`)
	}
	return vo, func(h http.Header) {
		if len(applied) > 0 {
			h.Set("Preference-Applied", strings.Join(applied, ", "))
		}
	}, nil
}

var errNoWindow = graphkit.Err(400, "ErrorInvalidParameter",
	"This request requires a time window specified by the query string parameters StartDateTime and EndDateTime.")

// calWindow reads startDateTime and endDateTime; a value without an offset
// is UTC, as in Graph (the Prefer time zone does not apply to them).
func calWindow(r *http.Request) (from, to time.Time, ce *graphkit.Error) {
	q := r.URL.Query()
	var out [2]time.Time
	for i, name := range []string{"startDateTime", "endDateTime"} {
		v := q.Get(name)
		if v == "" {
			return from, to, errNoWindow
		}
		v = strings.ReplaceAll(v, " ", "+") // an unescaped "+" offset arrives as a space
		ok := false
		for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05.9999999", "2006-01-02T15:04", "2006-01-02"} {
			if t, err := time.Parse(layout, v); err == nil {
				out[i], ok = t.UTC(), true
				break
			}
		}
		if !ok {
			return from, to, graphkit.Err(400, "ErrorInvalidParameter", "The value '"+v+"' of parameter '"+
				strings.ToUpper(name[:1])+name[1:]+"' is invalid.")
		}
	}
	return out[0], out[1], nil
}

func (s *Workload) calendarView(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	from, to, ce := calWindow(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	cu := s.user(u)
	vo.cu = cu
	cal := cu.calendar(r.PathValue("cid"))
	var objs []graphkit.Item
	if cal != nil {
		for _, it := range view(cu.eventsIn(cal.ID), from, to, vo.zone.Loc) {
			objs = append(objs, eventObject(it.Ev, it.Occ, vo))
		}
	}
	s.mu.Unlock()
	if cal == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, eventType, eventLimits, hdr)
}

func (s *Workload) eventInstances(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	from, to, ce := calWindow(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.mu.Lock()
	vo.cu = s.user(u)
	ev := vo.cu.events[r.PathValue("eid")]
	var objs []graphkit.Item
	if ev != nil {
		for _, it := range view([]*calEvent{ev}, from, to, vo.zone.Loc) {
			objs = append(objs, eventObject(it.Ev, it.Occ, vo))
		}
	}
	s.mu.Unlock()
	if ev == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteList(w, r, graphkit.ItemContext(r, u, false), objs, eventType, eventLimits, hdr)
}

// availability digits of getSchedule's availabilityView, and which status
// wins when items overlap (the first in busyOrder).
var (
	availabilityDigit = map[string]byte{"free": '0', "tentative": '1', "busy": '2', "oof": '3', "workingElsewhere": '4', "unknown": '0'}
	busyOrder         = []string{"oof", "busy", "tentative", "workingElsewhere"}
)

type scheduleItemJSON struct {
	IsPrivate bool                     `json:"isPrivate"`
	Status    string                   `json:"status"`
	Subject   string                   `json:"subject,omitempty"`
	Location  string                   `json:"location,omitempty"`
	Start     outlook.DateTimeTimeZone `json:"start"`
	End       outlook.DateTimeTimeZone `json:"end"`
}

type freeBusyErrorJSON struct {
	Message      string `json:"message"`
	ResponseCode string `json:"responseCode"`
}

type scheduleInformationJSON struct {
	ScheduleID       string             `json:"scheduleId"`
	AvailabilityView string             `json:"availabilityView"`
	ScheduleItems    []scheduleItemJSON `json:"scheduleItems"`
	Error            *freeBusyErrorJSON `json:"error,omitempty"`
}

// getSchedule answers POST /calendar/getSchedule: the free/busy view of
// seeded users between startTime and endTime, from all their calendars.
func (s *Workload) getSchedule(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	var req struct {
		Schedules []string                  `json:"schedules"`
		Start     *outlook.DateTimeTimeZone `json:"startTime"`
		End       *outlook.DateTimeTimeZone `json:"endTime"`
		Interval  *int                      `json:"availabilityViewInterval"`
	}
	raw, _ := json.Marshal(body)
	for k := range body {
		if !slices.Contains([]string{"schedules", "startTime", "endTime", "availabilityViewInterval"}, k) {
			s.Fail(w, r, graphkit.Err(400, "RequestBodyRead", "The parameter '"+k+"' in the request payload is not a valid parameter for the operation 'getSchedule'."))
			return
		}
	}
	if json.Unmarshal(raw, &req) != nil {
		s.Fail(w, r, graphkit.Err(400, "RequestBodyRead", "Cannot read the parameters of the operation 'getSchedule'."))
		return
	}
	if len(req.Schedules) == 0 || req.Start == nil || req.End == nil {
		s.Fail(w, r, graphkit.Err(400, "ErrorInvalidParameter", "The parameters 'schedules', 'startTime' and 'endTime' are required."))
		return
	}
	from, msg := outlook.ParseDateTime(*req.Start)
	to, msg2 := outlook.ParseDateTime(*req.End)
	if msg != "" || msg2 != "" {
		s.Fail(w, r, graphkit.Err(400, "TimeZoneNotSupportedException", msg+msg2))
		return
	}
	interval := 30
	if req.Interval != nil {
		interval = *req.Interval
	}
	if interval < 5 || interval > 1440 {
		s.Fail(w, r, graphkit.Err(400, "ErrorInvalidParameter", "The value of 'availabilityViewInterval' must be between 5 and 1440 minutes."))
		return
	}
	if !to.After(from) {
		s.Fail(w, r, graphkit.Err(400, "ErrorInvalidParameter", "The 'endTime' must be later than the 'startTime'."))
		return
	}
	if to.Sub(from) > 62*24*time.Hour {
		s.Fail(w, r, graphkit.Err(400, "ErrorInvalidParameter", "The requested time window is longer than 62 days."))
		return
	}
	vo, hdr, ce := viewPrefs(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	step := time.Duration(interval) * time.Minute
	var out []scheduleInformationJSON
	s.mu.Lock()
	for _, id := range req.Schedules {
		su := userByMail(id)
		if su == nil {
			out = append(out, scheduleInformationJSON{ScheduleID: id, ScheduleItems: []scheduleItemJSON{},
				Error: &freeBusyErrorJSON{Message: "The specified SMTP address is not a mailbox in this organization.", ResponseCode: "ErrorMailRecipientNotFound"}})
			continue
		}
		out = append(out, scheduleOf(s.users[su.ID], id, from, to, step, vo))
	}
	s.mu.Unlock()
	hdr(w.Header())
	s.WriteStatus(w, r, http.StatusOK, map[string]any{
		"@odata.context": graphkit.BaseURL(r) + "/v1.0/$metadata#Collection(microsoft.graph.scheduleInformation)",
		"value":          out,
	})
}

// scheduleOf is cu's free/busy view between from and to in steps of step,
// answering for the schedule id; the caller holds Workload.mu.
func scheduleOf(cu *calUser, id string, from, to time.Time, step time.Duration, vo viewOpts) scheduleInformationJSON {
	info := scheduleInformationJSON{ScheduleID: id, ScheduleItems: []scheduleItemJSON{}}
	type busy struct {
		s, e   time.Time
		status string
	}
	var blocks []busy
	for _, it := range view(cu.eventsIn(""), from, to, vo.zone.Loc) {
		ev := it.Ev
		if ev.IsCancelled || ev.ShowAs == "free" || ev.ShowAs == "unknown" {
			continue
		}
		st, en := ev.span(vo.zone.Loc)
		if it.Occ != nil {
			st, en = it.Occ.Start, it.Occ.End
		}
		item := scheduleItemJSON{IsPrivate: ev.Sensitivity == "private", Status: ev.ShowAs,
			Start: vo.zone.Format(st), End: vo.zone.Format(en)}
		if !item.IsPrivate {
			item.Subject, item.Location = ev.Subject, ev.Location
		}
		info.ScheduleItems = append(info.ScheduleItems, item)
		blocks = append(blocks, busy{st, en, ev.ShowAs})
	}
	var view []byte
	for t := from; t.Before(to); t = t.Add(step) {
		best := -1
		for _, b := range blocks {
			if b.s.Before(t.Add(step)) && b.e.After(t) {
				if i := slices.Index(busyOrder, b.status); i >= 0 && (best < 0 || i < best) {
					best = i
				}
			}
		}
		d := byte('0')
		if best >= 0 {
			d = availabilityDigit[busyOrder[best]]
		}
		view = append(view, d)
	}
	info.AvailabilityView = string(view)
	return info
}
