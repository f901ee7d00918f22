package teams

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the teams and their channels: get a team, a user's joined
// teams, channels (list, create standard and private, get, update,
// delete, the primary channel) and a private channel's members.

func teamKey(id string) string          { return "team/-/" + id }
func channelKey(team, id string) string { return "channel/" + team + "/" + id }
func teamsURL(kind, id, tenant string) string {
	return "https://teams.microsoft.com/l/" + kind + "/" + id + "?tenantId=" + tenant
}

func (s *Workload) teamObject(t *team) graphkit.Item {
	g := s.Dir.Group(t.ID)
	name, desc := "", ""
	if g != nil {
		name, desc = g.DisplayName, g.Description
	}
	return graphkit.NewItem(map[string]any{"id": t.ID, "createdDateTime": t.Created, "displayName": name, "description": desc,
		"internalId": threadID("@thread.tacv2", t.ID), "classification": nil, "specialization": "none",
		"visibility": t.Visibility, "webUrl": teamsURL("team", threadID("@thread.tacv2", t.ID), directory.TenantID),
		"isArchived": false, "tenantId": directory.TenantID,
		"memberSettings":    map[string]any{"allowCreateUpdateChannels": true, "allowCreatePrivateChannels": true, "allowDeleteChannels": true, "allowAddRemoveApps": true, "allowCreateUpdateRemoveTabs": true, "allowCreateUpdateRemoveConnectors": true},
		"guestSettings":     map[string]any{"allowCreateUpdateChannels": false, "allowDeleteChannels": false},
		"messagingSettings": map[string]any{"allowUserEditMessages": true, "allowUserDeleteMessages": true, "allowOwnerDeleteMessages": true, "allowTeamMentions": true, "allowChannelMentions": true},
		"funSettings":       map[string]any{"allowGiphy": true, "giphyContentRating": "moderate", "allowStickersAndMemes": true, "allowCustomMemes": true},
		"summary":           nil})
}

func (s *Workload) getTeam(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team) {
	s.WriteEntity(w, r, http.StatusOK, s.teamObject(t), teamType, "#teams/$entity")
}

func (s *Workload) joinedTeams(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, u *graphkit.User) {
	s.mu.Lock()
	var objs []graphkit.Item
	for _, t := range s.teams {
		if s.Dir.IsMember(t.ID, u.ID) {
			objs = append(objs, s.teamObject(t))
		}
	}
	s.mu.Unlock()
	s.WriteList(w, r, "#teams", objs, teamType, limits, nil)
}

func channelObject(ch *channel) graphkit.Item {
	return graphkit.NewItem(map[string]any{"id": ch.ID, "createdDateTime": ch.Created, "displayName": ch.DisplayName,
		"description": ch.Description, "isFavoriteByDefault": nil, "email": ch.Email, "tenantId": directory.TenantID,
		"webUrl":         teamsURL("channel", ch.ID+"/"+strings.ReplaceAll(ch.DisplayName, " ", "%20"), directory.TenantID),
		"membershipType": ch.MembershipType, "isArchived": false})
}

func channelContext(t *team, entity bool) string {
	ctx := "#teams('" + t.ID + "')/channels"
	if entity {
		ctx += "/$entity"
	}
	return ctx
}

// visibleChannels are the team's channels c may see: a delegated caller
// sees private channels only as a member; the caller holds mu.
func (st *store) visibleChannels(c *graphkit.Claims, t *team) []*channel {
	var out []*channel
	for _, ch := range st.channels {
		if ch.TeamID == t.ID && (c.IsApp() || ch.MembershipType != private || hasMember(ch.Members, c.Oid)) {
			out = append(out, ch)
		}
	}
	return out
}

func (s *Workload) listChannels(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, t *team) {
	s.mu.Lock()
	var objs []graphkit.Item
	for _, ch := range s.visibleChannels(c, t) {
		objs = append(objs, channelObject(ch))
	}
	s.mu.Unlock()
	s.WriteList(w, r, channelContext(t, false), objs, channelType, limits, nil)
}

func (s *Workload) primaryChannel(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team) {
	s.mu.Lock()
	var obj graphkit.Item
	for _, ch := range s.channels {
		if ch.TeamID == t.ID && ch.DisplayName == "General" {
			obj = channelObject(ch)
			break
		}
	}
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusOK, obj, channelType, "#teams('"+t.ID+"')/primaryChannel/$entity")
}

func (s *Workload) getChannel(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
	s.mu.Lock()
	obj := channelObject(ch)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusOK, obj, channelType, channelContext(t, true))
}

// channelBody is what a channel's create or update may set.
type channelBody struct {
	DisplayName    *string           `json:"displayName"`
	Description    *string           `json:"description"`
	MembershipType string            `json:"membershipType"`
	Members        []json.RawMessage `json:"members"`
}

func readChannel(w http.ResponseWriter, r *http.Request, op schema.Op) (*channelBody, *graphkit.Error) {
	raw, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		return nil, ge
	}
	clean, ge := schema.Check("channel", raw, op)
	if ge != nil {
		return nil, ge
	}
	b, _ := json.Marshal(clean)
	var cb channelBody
	if err := json.Unmarshal(b, &cb); err != nil {
		return nil, graphkit.ErrUnreadablePayload
	}
	if cb.DisplayName != nil && (strings.TrimSpace(*cb.DisplayName) == "" || len(*cb.DisplayName) > 50 || strings.ContainsAny(*cb.DisplayName, `~#%&*{}+/\:<>?|'".`)) {
		return nil, graphkit.BadRequest("Channel name is invalid: it must be 1 to 50 characters and cannot contain ~ # % & * { } + / \\ : < > ? | ' \" .")
	}
	return &cb, nil
}

// nameTaken reports whether team already has a channel called name; the
// caller holds mu.
func (st *store) nameTaken(teamID, name, except string) bool {
	return slices.ContainsFunc(st.channels, func(ch *channel) bool {
		return ch.TeamID == teamID && ch.ID != except && strings.EqualFold(ch.DisplayName, name)
	})
}

func (s *Workload) createChannel(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, t *team) {
	cb, ge := readChannel(w, r, schema.Create)
	if ge == nil && cb.DisplayName == nil {
		ge = graphkit.BadRequest("Channel name cannot be empty.")
	}
	if ge == nil && cb.MembershipType == "" {
		cb.MembershipType = standard
	}
	if ge == nil && cb.MembershipType != standard && cb.MembershipType != private {
		ge = graphkit.BadRequest("Only standard and private channels can be created.")
	}
	var owners []string
	if ge == nil && cb.MembershipType == private {
		owners, ge = s.memberUsers(cb.Members)
		if ge == nil && c.IsApp() && len(owners) == 0 {
			ge = graphkit.BadRequest("A private channel created with application permissions needs an owner in members.")
		}
		if ge == nil && !c.IsApp() && !slices.Contains(owners, c.Oid) {
			owners = append([]string{c.Oid}, owners...)
		}
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	if s.nameTaken(t.ID, *cb.DisplayName, "") {
		s.mu.Unlock()
		s.Fail(w, r, graphkit.Err(400, "NameAlreadyExists", "Channel name already existed, please use other name."))
		return
	}
	seq := s.feed.Next(r.Context())
	ch := &channel{ID: threadID("@thread.tacv2", t.ID, "channel", itoa(seq)), TeamID: t.ID,
		DisplayName: *cb.DisplayName, MembershipType: cb.MembershipType, Created: s.Now().UTC()}
	if cb.Description != nil {
		ch.Description = *cb.Description
	}
	for _, o := range owners {
		ch.Members = append(ch.Members, &member{ID: memberID(ch.ID, o), UserID: o, Roles: []string{"owner"}})
	}
	s.channels = append(s.channels, ch)
	graphkit.Touch(r, Name, channelKey(t.ID, ch.ID))
	obj := channelObject(ch)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, channelType, channelContext(t, true))
}

func (s *Workload) updateChannel(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
	cb, ge := readChannel(w, r, schema.Update)
	if ge == nil && cb.MembershipType != "" && cb.MembershipType != ch.MembershipType {
		ge = graphkit.BadRequest("The membershipType of a channel cannot be changed.")
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	switch {
	case cb.DisplayName != nil && ch.DisplayName == "General" && *cb.DisplayName != "General":
		ge = graphkit.BadRequest("The General channel cannot be renamed.")
	case cb.DisplayName != nil && s.nameTaken(t.ID, *cb.DisplayName, ch.ID):
		ge = graphkit.Err(400, "NameAlreadyExists", "Channel name already existed, please use other name.")
	default:
		if cb.DisplayName != nil {
			ch.DisplayName = *cb.DisplayName
		}
		if cb.Description != nil {
			ch.Description = *cb.Description
		}
		graphkit.Touch(r, Name, channelKey(t.ID, ch.ID))
	}
	s.mu.Unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

func (s *Workload) deleteChannel(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
	if ch.DisplayName == "General" {
		s.Fail(w, r, errDeleteGeneral)
		return
	}
	s.mu.Lock()
	s.channels = slices.DeleteFunc(s.channels, func(o *channel) bool { return o == ch })
	graphkit.Touch(r, Name, channelKey(t.ID, ch.ID))
	s.messages = slices.DeleteFunc(s.messages, func(m *message) bool {
		if m.Container != ch.ID {
			return false
		}
		graphkit.Touch(r, Name, messageKey(m.Container, m.ID))
		return true
	})
	s.mu.Unlock()
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

func (s *Workload) listChannelMembers(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
	s.mu.Lock()
	var objs []graphkit.Item
	if ch.MembershipType == private {
		for _, m := range ch.Members {
			objs = append(objs, s.memberObject(m))
		}
	} else if g := s.Dir.Group(t.ID); g != nil {
		// A standard channel's members are the team's.
		for _, u := range g.Members {
			role := []string{}
			if slices.Contains(g.Owners, u) {
				role = []string{"owner"}
			}
			objs = append(objs, s.memberObject(&member{ID: memberID(t.ID, u), UserID: u, Roles: role}))
		}
	}
	s.mu.Unlock()
	s.WriteList(w, r, "#teams('"+t.ID+"')/channels('"+ch.ID+"')/members", objs, memberType, limits, nil)
}

func (s *Workload) getChannelMember(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
	s.writeMember(w, r, func() []*member { return ch.Members }, "#teams('"+t.ID+"')/channels('"+ch.ID+"')/members/$entity")
}

func (s *Workload) addChannelMember(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
	if ch.MembershipType != private {
		s.Fail(w, r, errNotPrivate)
		return
	}
	m, ge := s.readMember(w, r, ch.ID)
	if ge == nil && !s.Dir.IsMember(t.ID, m.UserID) {
		ge = graphkit.BadRequest("A private channel's members must be members of the team.")
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	if !hasMember(ch.Members, m.UserID) {
		ch.Members = append(ch.Members, m)
		graphkit.Touch(r, Name, channelKey(t.ID, ch.ID))
	}
	obj := s.memberObject(m)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, memberType, "#teams('"+t.ID+"')/channels('"+ch.ID+"')/members/$entity")
}

func (s *Workload) removeChannelMember(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
	s.mu.Lock()
	m := findMember(ch.Members, r.PathValue("mbid"))
	if m != nil {
		ch.Members = slices.DeleteFunc(ch.Members, func(o *member) bool { return o == m })
		graphkit.Touch(r, Name, channelKey(t.ID, ch.ID))
	}
	s.mu.Unlock()
	if m == nil {
		s.Fail(w, r, errNoMember)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}
