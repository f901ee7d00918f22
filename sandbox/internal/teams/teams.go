// Package teams is the sandbox's Microsoft Teams workload (O365's Teams):
// teams (the directory's groups that have one), their channels (standard
// and private, with members), channel messages and replies, chats
// (oneOnOne and group) with members and messages, inline images as
// hostedContents, mentions that resolve to users, presence (sessions,
// preferred presence, expiry by the sandbox clock) and installed apps. A
// delegated caller reaches only the teams, private channels and chats it
// is a member of; an application one reaches them all. Its data has its
// own lock and journals by entity (state.go); channel and chat messages
// can be watched by change-notification subscriptions (watch.go).
package teams

import (
	"crypto/sha256"
	"encoding/hex"
	"net/http"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/internal/graphperm"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Name is the workload's name: it keys its part of the state and its
// journal records.
const Name = "teams"

// Workload is the Teams workload: the Graph kit and the teams' and chats'
// data under one lock.
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
	*store
}

// New returns the Teams workload with the seeded teams, channels, chats and
// presence.
func New(k *graphkit.Kit) *Workload { return &Workload{Kit: k, store: seedStore()} }

// store is every team's, chat's and user's Teams data.
type store struct {
	teams    []*team
	channels []*channel
	chats    []*chat
	messages []*message
	presence map[string]*presence // by user id
	// feed numbers every change; subscriptions watch it.
	feed *graphkit.Feed
}

// team is the team of a directory group (its id is the group's).
type team struct {
	ID         string    `json:"id"`
	Visibility string    `json:"visibility"`
	Created    time.Time `json:"created"`
}

// channel is a channel of a team; a private one has its own members.
type channel struct {
	ID, TeamID     string
	DisplayName    string
	Description    string
	MembershipType string
	Email          string
	Created        time.Time
	Members        []*member `json:",omitempty"` // private channels only
}

// chat is a oneOnOne or group chat.
type chat struct {
	ID       string
	Topic    string
	ChatType string
	Created  time.Time
	Updated  time.Time
	Members  []*member
}

// member is a conversationMember of a chat or private channel.
type member struct {
	ID      string    `json:"id"`
	UserID  string    `json:"userId"`
	Roles   []string  `json:"roles"`
	History time.Time `json:"history,omitzero"` // visibleHistoryStartDateTime
}

// Membership types and chat types Graph knows.
const (
	standard = "standard"
	private  = "private"
	oneOnOne = "oneOnOne"
	group    = "group"
)

var (
	teamType = &odata.Type{Name: "microsoft.graph.team", Keep: []string{"id"},
		Props: []string{"id", "createdDateTime", "displayName", "description", "internalId", "classification", "specialization",
			"visibility", "webUrl", "isArchived", "tenantId", "memberSettings", "guestSettings",
			"messagingSettings", "funSettings", "summary"}}
	channelType = &odata.Type{Name: "microsoft.graph.channel", Keep: []string{"id"},
		Props: []string{"id", "createdDateTime", "displayName", "description", "isFavoriteByDefault", "email", "tenantId",
			"webUrl", "membershipType", "isArchived"}}
	memberType = &odata.Type{Name: "microsoft.graph.conversationMember", Keep: []string{"@odata.type", "id"},
		Props: []string{"@odata.type", "id", "roles", "displayName", "visibleHistoryStartDateTime", "userId", "email", "tenantId"}}
	chatType = &odata.Type{Name: "microsoft.graph.chat", Keep: []string{"id"},
		Props:      []string{"id", "topic", "createdDateTime", "lastUpdatedDateTime", "chatType", "webUrl", "tenantId", "isHiddenForAllMembers", "onlineMeetingInfo", "viewpoint"},
		Expandable: []string{"members", "lastMessagePreview"}}
	messageType = &odata.Type{Name: "microsoft.graph.chatMessage", Keep: []string{"id"},
		Props: []string{"id", "replyToId", "etag", "messageType", "createdDateTime", "lastModifiedDateTime", "lastEditedDateTime",
			"deletedDateTime", "subject", "summary", "chatId", "importance", "locale", "webUrl", "policyViolation", "eventDetail",
			"from", "body", "channelIdentity", "attachments", "mentions", "reactions", "messageHistory"},
		Expandable: []string{"replies", "hostedContents"}}
	hostedType = &odata.Type{Name: "microsoft.graph.chatMessageHostedContent", Keep: []string{"id"},
		Props: []string{"id", "contentBytes", "contentType"}}
)

var limits = odata.Limits{DefaultTop: 50, MaxTop: 50}

// Graph's answers of Teams.
var (
	errForbidden     = graphkit.Err(403, "Forbidden", "Forbidden")
	errNoChannel     = graphkit.Err(404, "NotFound", "Channel not found")
	errNoChat        = graphkit.Err(404, "NotFound", "Chat not found")
	errNoMessage     = graphkit.Err(404, "NotFound", "Message not found")
	errNoMember      = graphkit.Err(404, "NotFound", "Member not found")
	errNoHosted      = graphkit.Err(404, "NotFound", "Hosted content not found")
	errNotPrivate    = graphkit.Err(400, "BadRequest", "Members can be managed only for private or shared channels.")
	errDeleteGeneral = graphkit.Err(400, "BadRequest", "The General channel cannot be deleted.")
)

// threadID is a Teams thread id made from parts: "19:" and 32 hex digits,
// then suffix ("@thread.tacv2" for a channel, "@thread.v2" for a chat).
func threadID(suffix string, parts ...string) string {
	sum := sha256.Sum256([]byte(strings.Join(parts, "|")))
	return "19:" + hex.EncodeToString(sum[:16]) + suffix
}

func errNoTeam(id string) *graphkit.Error {
	return graphkit.Err(404, "NotFound", "No team found with Group Id "+id)
}

// errAccessDenied is Teams' 403 for a token without a permission that
// grants request r: it names those Microsoft lists and what the token
// carries.
func errAccessDenied(r *http.Request, c *graphkit.Claims) *graphkit.Error {
	g, _, _ := graphperm.Lookup(r.Method, r.URL.Path)
	perms := slices.Concat(g.Delegated, g.Application)
	have := "Scopes on the request '" + strings.Join(c.Scopes(), ", ") + "'"
	if c.IsApp() {
		have = "Roles on the request '" + strings.Join(c.Roles, ", ") + "'"
	}
	return graphkit.Err(403, "Forbidden", "Missing scope permissions on the request. API requires one of '"+strings.Join(perms, ", ")+"'. "+have)
}

// findTeam returns the team id (case-insensitive), or nil; the caller holds mu.
func (st *store) findTeam(id string) *team {
	i := slices.IndexFunc(st.teams, func(t *team) bool { return strings.EqualFold(t.ID, id) })
	if i < 0 {
		return nil
	}
	return st.teams[i]
}

// findChannel returns team's channel id, or nil; the caller holds mu.
func (st *store) findChannel(teamID, id string) *channel {
	for _, ch := range st.channels {
		if ch.TeamID == teamID && strings.EqualFold(ch.ID, id) {
			return ch
		}
	}
	return nil
}

// findChat returns the chat id, or nil; the caller holds mu.
func (st *store) findChat(id string) *chat {
	for _, ch := range st.chats {
		if strings.EqualFold(ch.ID, id) {
			return ch
		}
	}
	return nil
}

func hasMember(ms []*member, user string) bool {
	return slices.ContainsFunc(ms, func(m *member) bool { return m.UserID == user })
}

// teamHandler serves a route of team t for the caller c.
type teamHandler func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, t *team)

// onTeam resolves {tid} and checks the permissions (graphkit.Permitted) and, for a delegated caller,
// membership of the team's group.
func (s *Workload) onTeam(h teamHandler) http.HandlerFunc {
	return s.Auth(func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		if !graphkit.Permitted(r, c) {
			s.Fail(w, r, errAccessDenied(r, c))
			return
		}
		id := r.PathValue("tid")
		s.mu.Lock()
		t := s.findTeam(id)
		s.mu.Unlock()
		switch {
		case t == nil || s.Dir.Group(t.ID) == nil:
			s.Fail(w, r, errNoTeam(id))
		case !c.IsApp() && !s.Dir.IsMember(t.ID, c.Oid):
			s.Fail(w, r, errForbidden)
		default:
			h(w, r, c, t)
		}
	})
}

// channelHandler serves a route of channel ch of team t; the caller holds
// no lock.
type channelHandler func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, t *team, ch *channel)

// onChannel resolves {cid} of the team; a delegated caller must be a
// member of a private channel.
func (s *Workload) onChannel(h channelHandler) http.HandlerFunc {
	return s.onTeam(func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, t *team) {
		s.mu.Lock()
		ch := s.findChannel(t.ID, r.PathValue("cid"))
		ok := ch != nil && (c.IsApp() || ch.MembershipType != private || hasMember(ch.Members, c.Oid))
		s.mu.Unlock()
		switch {
		case ch == nil:
			s.Fail(w, r, errNoChannel)
		case !ok:
			s.Fail(w, r, errForbidden)
		default:
			h(w, r, c, t, ch)
		}
	})
}

// chatHandler serves a route of chat ch for the caller c.
type chatHandler func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, ch *chat)

// onChat resolves {chid}; a delegated caller must be a member.
func (s *Workload) onChat(h chatHandler) http.HandlerFunc {
	return s.Auth(func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		if !graphkit.Permitted(r, c) {
			s.Fail(w, r, errAccessDenied(r, c))
			return
		}
		s.mu.Lock()
		ch := s.findChat(r.PathValue("chid"))
		ok := ch != nil && (c.IsApp() || hasMember(ch.Members, c.Oid))
		s.mu.Unlock()
		switch {
		case ch == nil:
			s.Fail(w, r, errNoChat)
		case !ok:
			s.Fail(w, r, errForbidden)
		default:
			h(w, r, c, ch)
		}
	})
}

// userHandler serves a route of user u's Teams data.
type userHandler func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *graphkit.User)

// onUser registers h on /me+suffix and /users/{id}+suffix behind the
// permissions that grant the request (graphkit.Permitted); a
// delegated caller reaches only itself unless others is set, and then
// with a permission beyond its own data (Presence.Read.All).
func (s *Workload) onUser(m *graphkit.Mux, method, suffix string, others bool, h userHandler) {
	wrap := func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *graphkit.User, self bool) {
		switch {
		case !graphkit.Permitted(r, c):
			s.Fail(w, r, errAccessDenied(r, c))
		case !c.IsApp() && !self && !others:
			s.Fail(w, r, errForbidden)
		case !c.IsApp() && !self && !graphkit.PermittedBeyondSelf(r, c):
			s.Fail(w, r, errAccessDenied(r, c))
		default:
			h(w, r, c, u)
		}
	}
	m.HandleFunc(method+" /v1.0/me"+suffix, s.Auth(s.Me(wrap)))
	m.HandleFunc(method+" /v1.0/users/{id}"+suffix, s.Auth(s.Other(wrap)))
}

// Routes registers the Teams routes.
func (s *Workload) Routes(m *graphkit.Mux) {
	const team, ch, msg = "/v1.0/teams/{tid}", "/v1.0/teams/{tid}/channels/{cid}", "/v1.0/teams/{tid}/channels/{cid}/messages/{mid}"
	m.HandleFunc("GET "+team, s.onTeam(s.getTeam))
	s.onUser(m, "GET", "/joinedTeams", true, s.joinedTeams)
	m.HandleFunc("GET "+team+"/channels", s.onTeam(s.listChannels))
	m.HandleFunc("POST "+team+"/channels", s.onTeam(s.createChannel))
	m.HandleFunc("GET "+team+"/primaryChannel", s.onTeam(s.primaryChannel))
	m.HandleFunc("GET "+ch, s.onChannel(s.getChannel))
	m.HandleFunc("PATCH "+ch, s.onChannel(s.updateChannel))
	m.HandleFunc("DELETE "+ch, s.onChannel(s.deleteChannel))
	m.HandleFunc("GET "+ch+"/members", s.onChannel(s.listChannelMembers))
	m.HandleFunc("POST "+ch+"/members", s.onChannel(s.addChannelMember))
	m.HandleFunc("GET "+ch+"/members/{mbid}", s.onChannel(s.getChannelMember))
	m.HandleFunc("DELETE "+ch+"/members/{mbid}", s.onChannel(s.removeChannelMember))
	m.HandleFunc("GET "+ch+"/messages", s.onChannel(s.channelMessages(false)))
	m.HandleFunc("POST "+ch+"/messages", s.onChannel(s.postChannelMessage(false)))
	m.HandleFunc("GET "+msg, s.onChannel(s.channelMessage(false)))
	m.HandleFunc("GET "+msg+"/replies", s.onChannel(s.channelMessages(true)))
	m.HandleFunc("POST "+msg+"/replies", s.onChannel(s.postChannelMessage(true)))
	m.HandleFunc("GET "+msg+"/replies/{rid}", s.onChannel(s.channelMessage(true)))
	m.HandleFunc("GET "+msg+"/hostedContents", s.onChannel(s.channelHosted(hostedList)))
	m.HandleFunc("GET "+msg+"/hostedContents/{hid}", s.onChannel(s.channelHosted(hostedOne)))
	m.HandleFunc("GET "+msg+"/hostedContents/{hid}/$value", s.onChannel(s.channelHosted(hostedValue)))
	s.chatRoutes(m)
	s.presenceRoutes(m)
	s.appRoutes(m)
}

func (s *Workload) chatRoutes(m *graphkit.Mux) {
	const chat, msg = "/v1.0/chats/{chid}", "/v1.0/chats/{chid}/messages/{mid}"
	s.onUser(m, "GET", "/chats", false, s.listChats)
	m.HandleFunc("POST /v1.0/chats", s.Auth(s.createChat))
	m.HandleFunc("GET "+chat, s.onChat(s.getChat))
	m.HandleFunc("GET "+chat+"/members", s.onChat(s.listChatMembers))
	m.HandleFunc("POST "+chat+"/members", s.onChat(s.addChatMember))
	m.HandleFunc("GET "+chat+"/members/{mbid}", s.onChat(s.getChatMember))
	m.HandleFunc("GET "+chat+"/messages", s.onChat(s.chatMessages))
	m.HandleFunc("POST "+chat+"/messages", s.onChat(s.postChatMessage))
	m.HandleFunc("GET "+msg, s.onChat(s.chatMessage))
	m.HandleFunc("GET "+msg+"/hostedContents", s.onChat(s.chatHosted(hostedList)))
	m.HandleFunc("GET "+msg+"/hostedContents/{hid}", s.onChat(s.chatHosted(hostedOne)))
	m.HandleFunc("GET "+msg+"/hostedContents/{hid}/$value", s.onChat(s.chatHosted(hostedValue)))
}
