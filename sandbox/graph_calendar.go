package sandbox

import (
	"encoding/json"
	"maps"
	"net/http"
	"net/url"
	"slices"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is Graph calendars for /me/... and /users/{id|upn}/...: the
// routes of calendars, events, calendar views and getSchedule (the handlers
// of events and views have their own files), the permission check, and the
// helpers the calendar and contact handlers share.

// calNeed is the permission a calendar or contact route requires.
type calNeed int

const (
	needCalRead calNeed = iota
	needCalWrite
	needContactRead
	needContactWrite
)

var calNeedPerms = map[calNeed][]string{
	needCalRead:      {"Calendars.Read", "Calendars.ReadWrite"},
	needCalWrite:     {"Calendars.ReadWrite"},
	needContactRead:  {"Contacts.Read", "Contacts.ReadWrite"},
	needContactWrite: {"Contacts.ReadWrite"},
}

// calHandler serves a calendar or contact route for user u (the signed-in
// user for /me).
type calHandler func(w http.ResponseWriter, r *http.Request, u *User)

// calAuth lets delegated tokens reach only their own calendars and contacts
// and app-only tokens anyone's, both with the permission need asks for.
func (s *Server) calAuth(need calNeed, h calHandler) graphkit.UserHandler {
	return func(w http.ResponseWriter, r *http.Request, c *AccessTokenClaims, u *User, self bool) {
		if !(c.IsApp() || self) || !c.HasAny(calNeedPerms[need]...) {
			s.kit.WriteError(w, r, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
			return
		}
		h(w, r, u)
	}
}

func (s *Server) calMe(need calNeed, h calHandler) http.HandlerFunc {
	return s.kit.Auth(s.kit.Me(s.calAuth(need, h)))
}

func (s *Server) calOther(need calNeed, h calHandler) http.HandlerFunc {
	return s.kit.Auth(s.kit.Other(s.calAuth(need, h)))
}

// calRoute registers a write route for /me and /users/{id}.
func (s *Server) calRoute(m *graphkit.Mux, method, suffix string, need calNeed, h calHandler) {
	m.HandleFunc(method+" /v1.0/me"+suffix, s.calMe(need, h))
	m.HandleFunc(method+" /v1.0/users/{id}"+suffix, s.calOther(need, h))
}

func (s *Server) calendarRoutes(m *graphkit.Mux) {
	m.HandleFunc("GET /v1.0/me/calendars", s.calMe(needCalRead, s.calendarList))
	m.HandleFunc("GET /v1.0/users/{id}/calendars", s.calOther(needCalRead, s.calendarList))
	m.HandleFunc("GET /v1.0/me/calendar", s.calMe(needCalRead, s.calendarGet))
	m.HandleFunc("GET /v1.0/users/{id}/calendar", s.calOther(needCalRead, s.calendarGet))
	m.HandleFunc("GET /v1.0/me/calendars/{cid}", s.calMe(needCalRead, s.calendarGet))
	m.HandleFunc("GET /v1.0/users/{id}/calendars/{cid}", s.calOther(needCalRead, s.calendarGet))
	m.HandleFunc("GET /v1.0/me/events", s.calMe(needCalRead, s.eventList))
	m.HandleFunc("GET /v1.0/users/{id}/events", s.calOther(needCalRead, s.eventList))
	m.HandleFunc("GET /v1.0/me/calendar/events", s.calMe(needCalRead, s.eventList))
	m.HandleFunc("GET /v1.0/users/{id}/calendar/events", s.calOther(needCalRead, s.eventList))
	m.HandleFunc("GET /v1.0/me/calendars/{cid}/events", s.calMe(needCalRead, s.eventList))
	m.HandleFunc("GET /v1.0/users/{id}/calendars/{cid}/events", s.calOther(needCalRead, s.eventList))
	m.HandleFunc("GET /v1.0/me/events/{eid}", s.calMe(needCalRead, s.eventGet))
	m.HandleFunc("GET /v1.0/users/{id}/events/{eid}", s.calOther(needCalRead, s.eventGet))
	m.HandleFunc("GET /v1.0/me/events/{eid}/instances", s.calMe(needCalRead, s.eventInstances))
	m.HandleFunc("GET /v1.0/users/{id}/events/{eid}/instances", s.calOther(needCalRead, s.eventInstances))
	m.HandleFunc("GET /v1.0/me/calendarView", s.calMe(needCalRead, s.calendarView))
	m.HandleFunc("GET /v1.0/users/{id}/calendarView", s.calOther(needCalRead, s.calendarView))
	m.HandleFunc("GET /v1.0/me/calendar/calendarView", s.calMe(needCalRead, s.calendarView))
	m.HandleFunc("GET /v1.0/users/{id}/calendar/calendarView", s.calOther(needCalRead, s.calendarView))
	m.HandleFunc("GET /v1.0/me/calendars/{cid}/calendarView", s.calMe(needCalRead, s.calendarView))
	m.HandleFunc("GET /v1.0/users/{id}/calendars/{cid}/calendarView", s.calOther(needCalRead, s.calendarView))

	s.calRoute(m, "POST", "/calendars", needCalWrite, s.calendarCreate)
	for _, p := range []string{"/calendar", "/calendars/{cid}"} {
		s.calRoute(m, "PATCH", p, needCalWrite, s.calendarPatch)
		s.calRoute(m, "POST", p+"/events", needCalWrite, s.eventCreate)
	}
	s.calRoute(m, "DELETE", "/calendars/{cid}", needCalWrite, s.calendarDelete)
	s.calRoute(m, "POST", "/events", needCalWrite, s.eventCreate)
	s.calRoute(m, "PATCH", "/events/{eid}", needCalWrite, s.eventPatch)
	s.calRoute(m, "DELETE", "/events/{eid}", needCalWrite, s.eventDelete)
	for _, a := range []string{"accept", "tentativelyAccept", "decline"} {
		s.calRoute(m, "POST", "/events/{eid}/"+a, needCalWrite, s.eventRespond(a))
	}
	s.calRoute(m, "POST", "/events/{eid}/cancel", needCalWrite, s.eventCancel)
	s.calRoute(m, "POST", "/calendar/getSchedule", needCalRead, s.getSchedule)
}

// calErr is a Graph error answer of the calendar and contact handlers.
type calErr = graphkit.Error

var errCalNotFound = graphkit.Err(404, "ErrorItemNotFound", "The specified object was not found in the store.")

func calBadRequest(code, msg string) *calErr { return graphkit.Err(400, code, msg) }

func (s *Server) calFail(w http.ResponseWriter, r *http.Request, e *calErr) { s.kit.Fail(w, r, e) }

// calCtx is the @odata.context fragment of the request's path below the
// user: "#users('id')/calendars('c')/events", with "/$entity" for one item.
func calCtx(r *http.Request, u *User, entity bool) string {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/v1.0/me"); ok {
		p = rest
	} else {
		p = strings.TrimPrefix(p, "/v1.0/users/")
		_, p, _ = strings.Cut(p, "/")
		p = "/" + p
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	out := "#users('" + u.ID + "')"
	for i := 0; i < len(segs); i++ {
		seg := segs[i]
		switch seg {
		case "calendars", "events", "contacts", "contactFolders", "childFolders":
			if i+1 == len(segs)-1 {
				return out + "/" + seg + "/$entity"
			}
			if i+1 < len(segs) {
				out += "/" + seg + "('" + segs[i+1] + "')"
				i++
				continue
			}
		}
		out += "/" + seg
	}
	if entity {
		out += "/$entity"
	}
	return out
}

// asJSONObject turns v into what encoding/json decodes: map[string]any.
func asJSONObject(v any) map[string]any {
	b, _ := json.Marshal(v)
	var m map[string]any
	_ = json.Unmarshal(b, &m)
	return m
}

// calItem is an item as Graph's JSON: obj is what $filter, $orderby and
// $search look at; raw holds the same members as json.RawMessage, written
// out as they are, so nested objects keep Graph's member order.
type calItem struct {
	obj, raw map[string]any
}

func newCalItem(v any) calItem {
	b, _ := json.Marshal(v)
	var obj map[string]any
	var raw map[string]json.RawMessage
	_ = json.Unmarshal(b, &obj)
	_ = json.Unmarshal(b, &raw)
	it := calItem{obj: obj, raw: make(map[string]any, len(raw))}
	for k, v := range raw {
		it.raw[k] = v
	}
	return it
}

// calList answers a collection: list filtered, sorted and paged by the
// request's OData options for type t, with the members $select asks for.
// Like Graph, calendars, events and contacts have no $search.
func (s *Server) calList(w http.ResponseWriter, r *http.Request, ctx string, list []calItem, t *odata.Type,
	lim odata.Limits, hdr func(http.Header)) {
	q, err := odata.Parse(r.URL.Query(), t, lim)
	if err == nil && q.Search != nil {
		err = &odata.Error{Code: "BadRequest", Message: "Search is not supported on '" + t.Name + "' collections."}
	}
	if err != nil {
		s.calFail(w, r, graphkit.QueryError(err))
		return
	}
	objs := make([]map[string]any, len(list))
	for i, it := range list {
		objs[i] = it.obj
	}
	idx, total := q.Apply(objs, nil)
	items := make([]any, 0, len(idx))
	for _, i := range idx {
		items = append(items, q.Project(list[i].raw, t))
	}
	out := odata.Object{Keys: []string{"@odata.context"}, Vals: map[string]any{
		"@odata.context": graphkit.BaseURL(r) + "/v1.0/$metadata" + calSelectCtx(ctx, q), "value": items}}
	if q.Count {
		out.Keys = append(out.Keys, "@odata.count")
		out.Vals["@odata.count"] = total
	}
	out.Keys = append(out.Keys, "value")
	if q.Top > 0 && q.Skip+q.Top < total {
		v := r.URL.Query()
		v.Set("$top", strconv.Itoa(q.Top))
		v.Set("$skip", strconv.Itoa(q.Skip+q.Top))
		out.Keys = append(out.Keys, "@odata.nextLink")
		out.Vals["@odata.nextLink"] = graphkit.BaseURL(r) + r.URL.Path + "?" + calEncodeQuery(v)
	}
	if hdr != nil {
		hdr(w.Header())
	}
	s.kit.WriteStatus(w, r, http.StatusOK, out)
}

// calSelectCtx adds the $select list to a context: "…/events(subject,start)".
func calSelectCtx(ctx string, q *odata.Query) string {
	if q == nil || len(q.Select) == 0 {
		return ctx
	}
	return ctx + "(" + strings.Join(q.Select, ",") + ")"
}

// calEncodeQuery encodes a query in sorted order with "$" left as it is.
func calEncodeQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, val := range v[k] {
			parts = append(parts, strings.ReplaceAll(url.QueryEscape(k), "%24", "$")+"="+url.QueryEscape(val))
		}
	}
	return strings.Join(parts, "&")
}

// calendarType is the OData type of calendars, in Graph's property order.
var calendarType = &odata.Type{
	Name: "microsoft.graph.calendar",
	Keep: []string{"id"},
	Props: []string{"id", "name", "color", "hexColor", "isDefaultCalendar", "changeKey", "canShare", "canViewPrivateItems",
		"canEdit", "allowedOnlineMeetingProviders", "defaultOnlineMeetingProvider", "isTallyingResponses", "isRemovable", "owner"},
}

var calendarColors = map[string]string{
	"auto": "", "lightBlue": "#a6d1f5", "lightGreen": "#87d28e", "lightOrange": "#fcab73", "lightGray": "#c0c0c0",
	"lightYellow": "#f4d07a", "lightTeal": "#62d5d3", "lightPink": "#f0a9e1", "lightBrown": "#d7b38d", "lightRed": "#f28b8b",
}

type calendarJSON struct {
	ID                            string               `json:"id"`
	Name                          string               `json:"name"`
	Color                         string               `json:"color"`
	HexColor                      string               `json:"hexColor"`
	IsDefaultCalendar             bool                 `json:"isDefaultCalendar"`
	ChangeKey                     string               `json:"changeKey"`
	CanShare                      bool                 `json:"canShare"`
	CanViewPrivateItems           bool                 `json:"canViewPrivateItems"`
	CanEdit                       bool                 `json:"canEdit"`
	AllowedOnlineMeetingProviders []string             `json:"allowedOnlineMeetingProviders"`
	DefaultOnlineMeetingProvider  string               `json:"defaultOnlineMeetingProvider"`
	IsTallyingResponses           bool                 `json:"isTallyingResponses"`
	IsRemovable                   bool                 `json:"isRemovable"`
	Owner                         outlook.EmailAddress `json:"owner"`
}

func (c *calCalendar) toJSON(owner *User) calendarJSON {
	return calendarJSON{
		ID: c.ID, Name: c.Name, Color: c.Color, HexColor: calendarColors[c.Color], IsDefaultCalendar: c.Default,
		ChangeKey: c.ChangeKey, CanShare: true, CanViewPrivateItems: true, CanEdit: true,
		AllowedOnlineMeetingProviders: []string{"teamsForBusiness"}, DefaultOnlineMeetingProvider: "teamsForBusiness",
		IsTallyingResponses: true, IsRemovable: !c.Default, Owner: outlook.EmailAddress{Name: owner.DisplayName, Address: owner.Mail},
	}
}

func (s *Server) calendarList(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	var objs []calItem
	for _, c := range s.cal.user(u).calendars {
		objs = append(objs, newCalItem(c.toJSON(u)))
	}
	s.cal.mu.Unlock()
	s.calList(w, r, calCtx(r, u, false), objs, calendarType, odata.Limits{DefaultTop: 10, MaxTop: 1000}, nil)
}

// calendarEntity answers one calendar with its context.
func (s *Server) calendarEntity(w http.ResponseWriter, r *http.Request, status int, c calendarJSON, ctx string) {
	s.calEntity(w, r, status, newCalItem(c), calendarType, ctx)
}

func (s *Server) calendarGet(w http.ResponseWriter, r *http.Request, u *User) {
	s.cal.mu.Lock()
	c := s.cal.user(u).calendar(r.PathValue("cid"))
	var j calendarJSON
	if c != nil {
		j = c.toJSON(u)
	}
	s.cal.mu.Unlock()
	if c == nil {
		s.calFail(w, r, errCalNotFound)
		return
	}
	s.calendarEntity(w, r, http.StatusOK, j, calCtx(r, u, true))
}

// calendarProps applies name and color from a body to c.
func calendarProps(cu *calUser, c *calCalendar, body map[string]json.RawMessage) *calErr {
	for k, raw := range body {
		switch k {
		case "name":
			var name string
			if json.Unmarshal(raw, &name) != nil {
				return graphkit.PropTypeError(k, "Edm.String")
			}
			if strings.TrimSpace(name) == "" {
				return calBadRequest("ErrorInvalidRequest", "The calendar name must not be empty.")
			}
			if slices.ContainsFunc(cu.calendars, func(o *calCalendar) bool { return o.ID != c.ID && strings.EqualFold(o.Name, name) }) {
				return graphkit.Err(409, "ErrorFolderExists", "A folder with the specified name already exists.")
			}
			c.Name = name
		case "color":
			var color string
			if json.Unmarshal(raw, &color) != nil {
				return graphkit.PropTypeError(k, "microsoft.graph.calendarColor")
			}
			canon, ok := graphkit.EnumValue(color, slices.Collect(maps.Keys(calendarColors)))
			if !ok {
				return graphkit.EnumError(color)
			}
			c.Color = canon
		case "hexColor", "id", "changeKey", "isDefaultCalendar", "canShare", "canEdit", "canViewPrivateItems", "owner", "isRemovable":
			// read-only here; Graph ignores them as well
		default:
			if !strings.HasPrefix(k, "@odata.") {
				return graphkit.UnknownPropError(k, "Calendar")
			}
		}
	}
	return nil
}

func (s *Server) calendarCreate(w http.ResponseWriter, r *http.Request, u *User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	if _, ok := body["name"]; !ok {
		s.calFail(w, r, calBadRequest("ErrorInvalidRequest", "The calendar name must be set."))
		return
	}
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	c := &calCalendar{Color: "auto"}
	ce = calendarProps(cu, c, body)
	var j calendarJSON
	id := ""
	if ce == nil {
		c.ID = s.cal.newID(u.ID, "calendar")
		id = c.ID
		c.ChangeKey = s.cal.changeKey()
		cu.calendars = append(cu.calendars, c)
		j = c.toJSON(u)
	}
	s.cal.mu.Unlock()
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/users('"+u.ID+"')/calendars('"+id+"')")
	s.calendarEntity(w, r, http.StatusCreated, j, calCtx(r, u, true))
}

func (s *Server) calendarPatch(w http.ResponseWriter, r *http.Request, u *User) {
	body, ce := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	c := cu.calendar(r.PathValue("cid"))
	var j calendarJSON
	switch {
	case c == nil:
		ce = errCalNotFound
	default:
		cp := *c
		if ce = calendarProps(cu, &cp, body); ce == nil {
			cp.ChangeKey = s.cal.changeKey()
			*c = cp
			j = c.toJSON(u)
		}
	}
	s.cal.mu.Unlock()
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.calendarEntity(w, r, http.StatusOK, j, calCtx(r, u, true))
}

func (s *Server) calendarDelete(w http.ResponseWriter, r *http.Request, u *User) {
	now := s.now().UTC()
	s.cal.mu.Lock()
	cu := s.cal.user(u)
	c := cu.calendar(r.PathValue("cid"))
	var ce *calErr
	switch {
	case c == nil:
		ce = errCalNotFound
	case c.Default:
		ce = calBadRequest("ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.")
	default:
		for _, ev := range cu.eventsIn(c.ID) {
			s.cal.deleteEvent(cu, ev, now)
		}
		cu.calendars = slices.DeleteFunc(cu.calendars, func(o *calCalendar) bool { return o == c })
	}
	s.cal.mu.Unlock()
	if ce != nil {
		s.calFail(w, r, ce)
		return
	}
	s.kit.WriteStatus(w, r, http.StatusNoContent, nil)
}
