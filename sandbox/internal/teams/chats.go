package teams

import (
	"encoding/json"
	"net/http"
	"slices"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the channel messages' routes and the chats: list, create
// (oneOnOne, group), get, members, messages.

func chatKey(id string) string { return "chat/-/" + id }

func msgContext(t *team, ch *channel, parent string) string {
	ctx := "#teams('" + t.ID + "')/channels('" + ch.ID + "')/messages"
	if parent != "" {
		ctx += "('" + parent + "')/replies"
	}
	return ctx
}

// channelMessages lists a channel's messages, or a message's replies.
func (s *Workload) channelMessages(replies bool) channelHandler {
	return func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
		parent := ""
		if replies {
			parent = r.PathValue("mid")
			s.mu.Lock()
			found := s.findMessage(ch.ID, "", parent) != nil
			s.mu.Unlock()
			if !found {
				s.Fail(w, r, errNoMessage)
				return
			}
		}
		s.listMessages(w, r, ch.ID, parent, msgContext(t, ch, parent))
	}
}

// channelMessage gets a channel's message, or a reply to one.
func (s *Workload) channelMessage(reply bool) channelHandler {
	return func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
		parent, id := "", r.PathValue("mid")
		if reply {
			parent, id = id, r.PathValue("rid")
		}
		s.writeMessage(w, r, ch.ID, parent, id, msgContext(t, ch, parent)+"/$entity")
	}
}

// postChannelMessage posts to a channel, or replies to one of its messages.
func (s *Workload) postChannelMessage(reply bool) channelHandler {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, t *team, ch *channel) {
		m, ge := s.readMessage(w, r)
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		m.Container, m.TeamID = ch.ID, t.ID
		base := graphkit.BaseURL(r) + "/v1.0/teams/" + t.ID + "/channels/" + ch.ID
		if reply {
			m.ReplyTo = r.PathValue("mid")
			s.mu.Lock()
			found := s.findMessage(ch.ID, "", m.ReplyTo) != nil
			s.mu.Unlock()
			if !found {
				s.Fail(w, r, errNoMessage)
				return
			}
			base += "/messages/" + m.ReplyTo + "/replies"
		}
		s.post(w, r, c, m, base, msgContext(t, ch, m.ReplyTo)+"/$entity")
	}
}

// channelHosted answers a channel message's hostedContents.
func (s *Workload) channelHosted(kind int) channelHandler {
	return func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team, ch *channel) {
		s.mu.Lock()
		m := s.findMessage(ch.ID, "", r.PathValue("mid"))
		s.mu.Unlock()
		if m == nil {
			s.Fail(w, r, errNoMessage)
			return
		}
		s.writeHosted(w, r, m, kind, msgContext(t, ch, "")+"('"+m.ID+"')/hostedContents")
	}
}

func (s *Workload) chatObject(ch *chat) graphkit.Item {
	var topic any
	if ch.Topic != "" {
		topic = ch.Topic
	}
	members := []any{}
	for _, m := range ch.Members {
		members = append(members, s.memberObject(m).Obj())
	}
	var preview any
	for i := len(s.messages) - 1; i >= 0; i-- {
		if m := s.messages[i]; m.Container == ch.ID {
			preview = map[string]any{"id": m.ID, "createdDateTime": m.Created, "isDeleted": false, "messageType": "message",
				"eventDetail": nil, "body": map[string]any{"contentType": m.ContentType, "content": m.Content},
				"from": map[string]any{"application": nil, "device": nil, "user": s.userIdentity(m.From)}}
			break
		}
	}
	return graphkit.NewItem(map[string]any{"id": ch.ID, "topic": topic, "createdDateTime": ch.Created, "lastUpdatedDateTime": ch.Updated,
		"chatType": ch.ChatType, "webUrl": "https://teams.microsoft.com/l/chat/" + ch.ID + "/0?tenantId=" + directory.TenantID,
		"tenantId": directory.TenantID, "isHiddenForAllMembers": false, "onlineMeetingInfo": nil, "viewpoint": nil,
		"members": members, "lastMessagePreview": preview})
}

func (s *Workload) listChats(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, u *graphkit.User) {
	s.mu.Lock()
	var objs []graphkit.Item
	for _, ch := range s.chats {
		if hasMember(ch.Members, u.ID) {
			objs = append(objs, s.chatObject(ch))
		}
	}
	s.mu.Unlock()
	s.WriteList(w, r, "#chats", objs, chatType, limits, nil)
}

func (s *Workload) getChat(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
	s.mu.Lock()
	obj := s.chatObject(ch)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusOK, obj, chatType, "#chats/$entity")
}

// chatBody is a new chat as the request gives it.
type chatBody struct {
	ChatType string            `json:"chatType"`
	Topic    string            `json:"topic"`
	Members  []json.RawMessage `json:"members"`
}

// oneOnOneID is the id of the one chat two users have.
func oneOnOneID(a, b string) string {
	if a > b {
		a, b = b, a
	}
	return "19:" + a + "_" + b + "@unq.gbl.spaces"
}

func (s *Workload) createChat(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	if !graphkit.Permitted(r, c) {
		s.Fail(w, r, errAccessDenied(r, c))
		return
	}
	raw, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	var clean map[string]json.RawMessage
	if ge == nil {
		clean, ge = schema.Check("chat", raw, schema.Create)
	}
	var cb chatBody
	if ge == nil {
		b, _ := json.Marshal(clean)
		if json.Unmarshal(b, &cb) != nil {
			ge = graphkit.ErrUnreadablePayload
		}
	}
	var users []string
	if ge == nil {
		users, ge = s.memberUsers(cb.Members)
	}
	switch {
	case ge != nil:
	case cb.ChatType != oneOnOne && cb.ChatType != group:
		ge = graphkit.BadRequest("chatType must be oneOnOne or group.")
	case !c.IsApp() && !slices.Contains(users, c.Oid):
		ge = graphkit.Err(403, "Forbidden", "The signed-in user must be a member of the chat.")
	case cb.ChatType == oneOnOne && (len(users) != 2 || cb.Topic != ""):
		ge = graphkit.BadRequest("A oneOnOne chat has exactly two members and no topic.")
	case cb.ChatType == group && len(users) < 2:
		ge = graphkit.BadRequest("A group chat needs at least two members.")
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	status := http.StatusCreated
	id := oneOnOneID(users[0], users[min(1, len(users)-1)])
	if cb.ChatType == group {
		id = threadID("@thread.v2", "chat", itoa(s.feed.Next(r.Context())))
	}
	ch := s.findChat(id)
	if ch == nil {
		now := s.Now().UTC()
		ch = &chat{ID: id, Topic: cb.Topic, ChatType: cb.ChatType, Created: now, Updated: now}
		for _, u := range users {
			ch.Members = append(ch.Members, &member{ID: memberID(id, u), UserID: u, Roles: []string{"owner"}})
		}
		s.chats = append(s.chats, ch)
		graphkit.Touch(r, Name, chatKey(id))
	} else {
		status = http.StatusOK // Graph returns the existing oneOnOne chat
	}
	obj := s.chatObject(ch)
	s.mu.Unlock()
	s.WriteEntity(w, r, status, obj, chatType, "#chats/$entity")
}

func (s *Workload) listChatMembers(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
	s.mu.Lock()
	var objs []graphkit.Item
	for _, m := range ch.Members {
		objs = append(objs, s.memberObject(m))
	}
	s.mu.Unlock()
	s.WriteList(w, r, "#chats('"+ch.ID+"')/members", objs, memberType, limits, nil)
}

func (s *Workload) getChatMember(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
	s.writeMember(w, r, func() []*member { return ch.Members }, "#chats('"+ch.ID+"')/members/$entity")
}

func (s *Workload) addChatMember(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
	if ch.ChatType == oneOnOne {
		s.Fail(w, r, graphkit.BadRequest("Members cannot be added to a oneOnOne chat."))
		return
	}
	m, ge := s.readMember(w, r, ch.ID)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	if old := findMember(ch.Members, m.UserID); old != nil {
		m = old
	} else {
		ch.Members = append(ch.Members, m)
		ch.Updated = s.Now().UTC()
		graphkit.Touch(r, Name, chatKey(ch.ID))
	}
	obj := s.memberObject(m)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, memberType, "#chats('"+ch.ID+"')/members/$entity")
}

func (s *Workload) chatMessages(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
	s.listMessages(w, r, ch.ID, "", "#chats('"+ch.ID+"')/messages")
}

func (s *Workload) chatMessage(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
	s.writeMessage(w, r, ch.ID, "", r.PathValue("mid"), "#chats('"+ch.ID+"')/messages/$entity")
}

func (s *Workload) postChatMessage(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, ch *chat) {
	m, ge := s.readMessage(w, r)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	m.Container = ch.ID
	s.post(w, r, c, m, graphkit.BaseURL(r)+"/v1.0/chats/"+ch.ID, "#chats('"+ch.ID+"')/messages/$entity")
}

func (s *Workload) chatHosted(kind int) chatHandler {
	return func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
		s.mu.Lock()
		m := s.findMessage(ch.ID, "", r.PathValue("mid"))
		s.mu.Unlock()
		if m == nil {
			s.Fail(w, r, errNoMessage)
			return
		}
		s.writeHosted(w, r, m, kind, "#chats('"+ch.ID+"')/messages('"+m.ID+"')/hostedContents")
	}
}
