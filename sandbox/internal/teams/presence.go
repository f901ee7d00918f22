package teams

import (
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"time"

	"github.com/authsome-go/authsome/internal/lazyre"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is presence: a user's default presence, the sessions apps set
// with setPresence (each expires by the sandbox clock) and the preferred
// presence the user sets; the one in force is the preferred presence, else
// the latest live session, else the default.

// presence is one user's presence state.
type presence struct {
	Availability string     `json:"availability"` // the default
	Activity     string     `json:"activity"`
	Sessions     []*session `json:"sessions,omitempty"`
	Preferred    *session   `json:"preferred,omitempty"`
}

// session is a presence an app set (or the user's preferred one) until
// Expires.
type session struct {
	ID           string    `json:"id"`
	Availability string    `json:"availability"`
	Activity     string    `json:"activity"`
	Expires      time.Time `json:"expires"`
}

func presenceKey(user string) string { return "presence/-/" + user }

// Combinations Graph accepts.
var (
	sessionStates = map[string][]string{"Available": {"Available"}, "Busy": {"InACall", "InAConferenceCall"},
		"Away": {"Away"}, "DoNotDisturb": {"Presenting"}}
	preferredStates = map[string][]string{"Available": {"Available"}, "Busy": {"Busy"}, "DoNotDisturb": {"DoNotDisturb"},
		"BeRightBack": {"BeRightBack"}, "Away": {"Away"}, "Offline": {"OffWork"}}
)

// current is p's presence in force at now.
func (p *presence) current(now time.Time) (availability, activity string) {
	if p.Preferred != nil && now.Before(p.Preferred.Expires) {
		return p.Preferred.Availability, p.Preferred.Activity
	}
	var live *session
	for _, s := range p.Sessions {
		if now.Before(s.Expires) && (live == nil || s.Expires.After(live.Expires)) {
			live = s
		}
	}
	if live != nil {
		return live.Availability, live.Activity
	}
	return p.Availability, p.Activity
}

func (s *Workload) presenceRoutes(m *graphkit.Mux) {
	s.onUser(m, "GET", "/presence", true, s.getPresence)
	m.HandleFunc("POST /v1.0/users/{id}/presence/setPresence", s.Auth(s.Other(s.presenceWrite(s.setPresence))))
	m.HandleFunc("POST /v1.0/users/{id}/presence/clearPresence", s.Auth(s.Other(s.presenceWrite(s.clearPresence))))
	m.HandleFunc("POST /v1.0/users/{id}/presence/setUserPreferredPresence", s.Auth(s.Other(s.presenceWrite(s.setPreferred))))
	m.HandleFunc("POST /v1.0/users/{id}/presence/clearUserPreferredPresence", s.Auth(s.Other(s.presenceWrite(s.clearPreferred))))
}

// presenceOf returns u's presence, made on first use; the caller holds mu.
func (st *store) presenceOf(u string) *presence {
	p := st.presence[u]
	if p == nil {
		p = &presence{Availability: "Offline", Activity: "Offline"}
		st.presence[u] = p
	}
	return p
}

func (s *Workload) getPresence(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, u *graphkit.User) {
	s.mu.Lock()
	av, act := s.presenceOf(u.ID).current(s.Now())
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(map[string]any{"id": u.ID, "availability": av, "activity": act,
		"statusMessage": nil, "outOfOfficeSettings": map[string]any{"message": nil, "isOutOfOffice": false}}),
		presenceEntity, "#users('"+u.ID+"')/presence/$entity")
}

// presenceAction is a presence write on user u, with the request's parameters.
type presenceAction func(r *http.Request, c *graphkit.Claims, u *graphkit.User, body presenceBody) *graphkit.Error

// presenceBody is the parameters of the presence actions.
type presenceBody struct {
	SessionID          string `json:"sessionId"`
	Availability       string `json:"availability"`
	Activity           string `json:"activity"`
	ExpirationDuration string `json:"expirationDuration"`
}

// presenceWrite checks perms (a delegated caller writes only its own
// presence), reads the parameters and answers 200 with no body.
func (s *Workload) presenceWrite(h presenceAction) graphkit.UserHandler {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *graphkit.User, self bool) {
		if !graphkit.Permitted(r, c) {
			s.Fail(w, r, errAccessDenied(r, c))
			return
		}
		if !c.IsApp() && !self {
			s.Fail(w, r, errForbidden)
			return
		}
		raw, ge := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
		var pb presenceBody
		if ge == nil {
			b, _ := json.Marshal(raw)
			if json.Unmarshal(b, &pb) != nil {
				ge = graphkit.ErrUnreadablePayload
			}
		}
		if ge == nil {
			s.mu.Lock()
			ge = h(r, c, u, pb)
			if ge == nil {
				graphkit.Touch(r, Name, presenceKey(u.ID))
			}
			s.mu.Unlock()
		}
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		s.WriteStatus(w, r, http.StatusOK, nil)
	}
}

// duration reads an ISO 8601 duration ("PT1H", "PT30M"; def when empty)
// between lo and hi.
func duration(v string, def, lo, hi time.Duration) (time.Duration, *graphkit.Error) {
	if v == "" {
		return def, nil
	}
	d, ok := parseISODuration(v)
	if !ok || d < lo || d > hi {
		return 0, graphkit.BadRequest("expirationDuration must be an ISO 8601 duration between " + lo.String() + " and " + hi.String() + ".")
	}
	return d, nil
}

func validState(states map[string][]string, availability, activity string) *graphkit.Error {
	if !slices.Contains(states[availability], activity) {
		return graphkit.BadRequest("The combination of availability '" + availability + "' and activity '" + activity + "' is not supported.")
	}
	return nil
}

func (s *Workload) setPresence(_ *http.Request, _ *graphkit.Claims, u *graphkit.User, pb presenceBody) *graphkit.Error {
	if pb.SessionID == "" {
		return graphkit.BadRequest("sessionId is required.")
	}
	if ge := validState(sessionStates, pb.Availability, pb.Activity); ge != nil {
		return ge
	}
	d, ge := duration(pb.ExpirationDuration, 5*time.Minute, 5*time.Minute, 4*time.Hour)
	if ge != nil {
		return ge
	}
	p := s.presenceOf(u.ID)
	p.Sessions = slices.DeleteFunc(p.Sessions, func(o *session) bool { return o.ID == pb.SessionID })
	p.Sessions = append(p.Sessions, &session{ID: pb.SessionID, Availability: pb.Availability, Activity: pb.Activity, Expires: s.Now().UTC().Add(d)})
	return nil
}

func (s *Workload) clearPresence(_ *http.Request, _ *graphkit.Claims, u *graphkit.User, pb presenceBody) *graphkit.Error {
	if pb.SessionID == "" {
		return graphkit.BadRequest("sessionId is required.")
	}
	p := s.presenceOf(u.ID)
	p.Sessions = slices.DeleteFunc(p.Sessions, func(o *session) bool { return o.ID == pb.SessionID })
	return nil
}

func (s *Workload) setPreferred(_ *http.Request, _ *graphkit.Claims, u *graphkit.User, pb presenceBody) *graphkit.Error {
	if ge := validState(preferredStates, pb.Availability, pb.Activity); ge != nil {
		return ge
	}
	def := 7 * 24 * time.Hour
	if pb.Availability == "Busy" || pb.Availability == "DoNotDisturb" {
		def = 24 * time.Hour
	}
	d, ge := duration(pb.ExpirationDuration, def, time.Minute, 28*24*time.Hour)
	if ge != nil {
		return ge
	}
	s.presenceOf(u.ID).Preferred = &session{Availability: pb.Availability, Activity: pb.Activity, Expires: s.Now().UTC().Add(d)}
	return nil
}

func (s *Workload) clearPreferred(_ *http.Request, _ *graphkit.Claims, u *graphkit.User, _ presenceBody) *graphkit.Error {
	s.presenceOf(u.ID).Preferred = nil
	return nil
}

var presenceEntity = &odata.Type{Name: "microsoft.graph.presence", Keep: []string{"id"},
	Props: []string{"id", "availability", "activity", "statusMessage", "outOfOfficeSettings"}}

var isoDurationRE = lazyre.New(`^P(?:(\d+)D)?(?:T(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?)?$`)

// parseISODuration reads the days-and-time ISO 8601 durations Graph takes
// ("PT1H", "P1DT2H30M").
func parseISODuration(v string) (time.Duration, bool) {
	m := isoDurationRE().FindStringSubmatch(v)
	if m == nil || v == "P" || v == "PT" {
		return 0, false
	}
	var d time.Duration
	for i, unit := range []time.Duration{24 * time.Hour, time.Hour, time.Minute, time.Second} {
		if m[i+1] != "" {
			n, err := strconv.Atoi(m[i+1])
			if err != nil {
				return 0, false
			}
			d += time.Duration(n) * unit
		}
	}
	return d, true
}
