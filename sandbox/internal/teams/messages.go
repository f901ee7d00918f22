package teams

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/lazyre"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the chatMessages of channels and chats: their JSON, the
// body of a new one (mentions that resolve to users, inline images as
// hostedContents) and the hostedContents' routes.

// message is a chatMessage of a channel (a reply has ReplyTo) or a chat.
type message struct {
	ID        string
	Container string // the channel's or chat's id
	TeamID    string `json:",omitempty"` // channel messages
	ReplyTo   string `json:",omitempty"`
	From      string `json:",omitempty"` // user id
	Subject   string `json:",omitempty"`
	// Importance is normal, high or urgent.
	Importance  string
	ContentType string
	Content     string
	Mentions    []mention `json:",omitempty"`
	Hosted      []*hosted `json:",omitempty"`
	Created     time.Time
}

// mention is an <at id="N"> of a message's body and the user it names.
type mention struct {
	ID     int    `json:"id"`
	Text   string `json:"text"`
	UserID string `json:"userId"`
}

// hosted is a chatMessageHostedContent: an inline image's bytes.
type hosted struct {
	ID          string `json:"id"`
	ContentType string `json:"contentType"`
	Bytes       []byte `json:"bytes"`
}

func messageKey(container, id string) string { return "message/" + container + "/" + id }

// findMessage returns container's message id (a reply when parent is set),
// or nil; the caller holds mu.
func (st *store) findMessage(container, parent, id string) *message {
	for _, m := range st.messages {
		if m.Container == container && m.ID == id && m.ReplyTo == parent {
			return m
		}
	}
	return nil
}

// userIdentity is a teamworkUserIdentity of user id.
func (s *Workload) userIdentity(id string) map[string]any {
	name := ""
	if u := s.Dir.Find(id); u != nil {
		name = u.DisplayName
	}
	return map[string]any{"@odata.type": "#microsoft.graph.teamworkUserIdentity", "id": id, "displayName": name,
		"userIdentityType": "aadUser"}
}

// messageObject is m as Graph's chatMessage; the caller holds mu.
func (s *Workload) messageObject(m *message) graphkit.Item {
	nilIfEmpty := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	mentions := []any{}
	for _, mn := range m.Mentions {
		mentions = append(mentions, map[string]any{"id": mn.ID, "mentionText": mn.Text, "mentioned": map[string]any{
			"application": nil, "device": nil, "conversation": nil, "user": s.userIdentity(mn.UserID)}})
	}
	obj := map[string]any{"id": m.ID, "replyToId": nilIfEmpty(m.ReplyTo), "etag": strconv.FormatInt(m.Created.UnixMilli(), 10),
		"messageType": "message", "createdDateTime": m.Created, "lastModifiedDateTime": m.Created, "lastEditedDateTime": nil,
		"deletedDateTime": nil, "subject": nilIfEmpty(m.Subject), "summary": nil, "chatId": nil, "importance": m.Importance,
		"locale": "en-us", "webUrl": nil, "policyViolation": nil, "eventDetail": nil,
		"from":        map[string]any{"application": nil, "device": nil, "user": s.userIdentity(m.From)},
		"body":        map[string]any{"contentType": m.ContentType, "content": m.Content},
		"attachments": []any{}, "mentions": mentions, "reactions": []any{}, "messageHistory": []any{}, "channelIdentity": nil}
	if m.TeamID != "" {
		obj["channelIdentity"] = map[string]any{"teamId": m.TeamID, "channelId": m.Container}
		obj["webUrl"] = "https://teams.microsoft.com/l/message/" + m.Container + "/" + m.ID + "?tenantId=" + directory.TenantID
	} else {
		obj["chatId"] = m.Container
	}
	var hc []any
	for _, h := range m.Hosted {
		hc = append(hc, map[string]any{"id": h.ID, "contentBytes": nil, "contentType": nil})
	}
	obj["hostedContents"] = hc
	if m.TeamID != "" && m.ReplyTo == "" {
		replies := []any{}
		for _, o := range s.messages {
			if o.Container == m.Container && o.ReplyTo == m.ID {
				replies = append(replies, s.messageObject(o).Obj())
			}
		}
		obj["replies"] = replies
	}
	return graphkit.NewItem(obj)
}

// listMessages writes container's messages (the replies to parent when it
// is set), newest first.
func (s *Workload) listMessages(w http.ResponseWriter, r *http.Request, container, parent, ctx string) {
	s.mu.Lock()
	var objs []graphkit.Item
	for i := len(s.messages) - 1; i >= 0; i-- {
		if m := s.messages[i]; m.Container == container && m.ReplyTo == parent {
			objs = append(objs, s.messageObject(m))
		}
	}
	s.mu.Unlock()
	s.WriteList(w, r, ctx, objs, messageType, limits, nil)
}

// writeMessage answers container's message id (a reply to parent when it
// is set; the parent must be a top-level message).
func (s *Workload) writeMessage(w http.ResponseWriter, r *http.Request, container, parent, id, ctx string) {
	s.mu.Lock()
	m := s.findMessage(container, parent, id)
	if m != nil && parent != "" && s.findMessage(container, "", parent) == nil {
		m = nil
	}
	var obj graphkit.Item
	if m != nil {
		obj = s.messageObject(m)
	}
	s.mu.Unlock()
	if m == nil {
		s.Fail(w, r, errNoMessage)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, messageType, ctx)
}

// postBody is a new chatMessage as the request gives it.
type postBody struct {
	Subject    string `json:"subject"`
	Importance string `json:"importance"`
	Body       struct {
		ContentType string `json:"contentType"`
		Content     string `json:"content"`
	} `json:"body"`
	Mentions []struct {
		ID          int    `json:"id"`
		MentionText string `json:"mentionText"`
		Mentioned   struct {
			User *struct {
				ID string `json:"id"`
			} `json:"user"`
		} `json:"mentioned"`
	} `json:"mentions"`
	HostedContents []struct {
		TempID       string `json:"@microsoft.graph.temporaryId"`
		ContentBytes string `json:"contentBytes"`
		ContentType  string `json:"contentType"`
	} `json:"hostedContents"`
}

var (
	atRE     = lazyre.New(`<at\s+id="?(\d+)"?\s*>`)
	hostedRE = lazyre.New(`\.\./hostedContents/([^/"']+)/\$value`)
)

// readMessage reads a new message's body: its mentions must name users of
// the directory and match the <at> tags of the body, its hostedContents the
// images the body refers to.
func (s *Workload) readMessage(w http.ResponseWriter, r *http.Request) (*message, *graphkit.Error) {
	raw, ge := graphkit.ReadBody(w, r, 4<<20)
	if ge != nil {
		return nil, ge
	}
	// A mention names its user as a teamworkUserIdentity, which the
	// schema's identity does not describe: mentions are read as given.
	mentions := raw["mentions"]
	delete(raw, "mentions")
	clean, ge := schema.Check("chatMessage", raw, schema.Create)
	if ge != nil {
		return nil, ge
	}
	if mentions != nil {
		clean["mentions"] = mentions
	}
	b, _ := json.Marshal(clean)
	var pb postBody
	if err := json.Unmarshal(b, &pb); err != nil {
		return nil, graphkit.ErrUnreadablePayload
	}
	if strings.TrimSpace(pb.Body.Content) == "" {
		return nil, graphkit.BadRequest("Missing body content")
	}
	m := &message{Subject: pb.Subject, Importance: pb.Importance, ContentType: pb.Body.ContentType, Content: pb.Body.Content}
	if m.Importance == "" {
		m.Importance = "normal"
	}
	if m.ContentType == "" {
		m.ContentType = "text"
	}
	tags := map[int]bool{}
	for _, t := range atRE().FindAllStringSubmatch(m.Content, -1) {
		n, _ := strconv.Atoi(t[1])
		tags[n] = true
	}
	for _, mn := range pb.Mentions {
		if mn.Mentioned.User == nil || s.Dir.Find(mn.Mentioned.User.ID) == nil {
			return nil, graphkit.BadRequest("Mentioned user was not found: a mention must name a user of the tenant by id.")
		}
		if !tags[mn.ID] {
			return nil, graphkit.BadRequest("Mention id " + strconv.Itoa(mn.ID) + " has no matching <at id=\"" + strconv.Itoa(mn.ID) + "\"> tag in the message body.")
		}
		delete(tags, mn.ID)
		m.Mentions = append(m.Mentions, mention{ID: mn.ID, Text: mn.MentionText, UserID: s.Dir.Find(mn.Mentioned.User.ID).ID})
	}
	for n := range tags {
		return nil, graphkit.BadRequest("The <at id=\"" + strconv.Itoa(n) + "\"> tag of the message body has no entry in mentions.")
	}
	refs := map[string]bool{}
	for _, t := range hostedRE().FindAllStringSubmatch(m.Content, -1) {
		refs[t[1]] = true
	}
	for i, hc := range pb.HostedContents {
		data, err := base64.StdEncoding.DecodeString(hc.ContentBytes)
		if err != nil || len(data) == 0 || hc.TempID == "" || !refs[hc.TempID] {
			return nil, graphkit.BadRequest("Invalid hosted content: each needs @microsoft.graph.temporaryId, contentBytes (base64) and a reference ../hostedContents/{temporaryId}/$value in the body.")
		}
		delete(refs, hc.TempID)
		h := &hosted{ID: base64.URLEncoding.EncodeToString([]byte("id=" + strconv.Itoa(i+1) + ",type=1")),
			ContentType: orDefault(hc.ContentType, "image/png"), Bytes: data}
		m.Hosted = append(m.Hosted, h)
		m.Content = strings.ReplaceAll(m.Content, "../hostedContents/"+hc.TempID+"/$value", "{hosted:"+h.ID+"}")
	}
	if len(refs) > 0 {
		return nil, graphkit.BadRequest("The message body refers to hosted content that the request does not carry.")
	}
	return m, nil
}

func orDefault(v, def string) string {
	if v == "" {
		return def
	}
	return v
}

// post stores m (read by readMessage) in container, from the caller, and
// answers it; its hosted contents get their URLs below base.
func (s *Workload) post(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, m *message, base, ctx string) {
	s.mu.Lock()
	m.From = c.Oid
	if c.IsApp() {
		m.From = ""
	}
	m.Created = s.Now().UTC().Truncate(time.Millisecond)
	n := m.Created.UnixMilli()
	for slices.ContainsFunc(s.messages, func(o *message) bool { return o.ID == strconv.FormatInt(n, 10) && o.Container == m.Container }) {
		n++
	}
	m.ID = strconv.FormatInt(n, 10)
	for _, h := range m.Hosted {
		m.Content = strings.ReplaceAll(m.Content, "{hosted:"+h.ID+"}", base+"/messages/"+m.ID+"/hostedContents/"+h.ID+"/$value")
	}
	s.messages = append(s.messages, m)
	graphkit.Touch(r, Name, messageKey(m.Container, m.ID))
	key := m.ID
	if m.ReplyTo != "" {
		key = m.ReplyTo + "/" + m.ID
	}
	s.feed.Changed(r.Context(), m.Container, key, graphkit.Created)
	if ch := s.findChat(m.Container); ch != nil {
		ch.Updated = m.Created
		graphkit.Touch(r, Name, chatKey(ch.ID))
	}
	obj := s.messageObject(m)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, messageType, ctx)
}

// Kinds of hostedContents answers.
const (
	hostedList = iota
	hostedOne
	hostedValue
)

// writeHosted answers m's hostedContents as kind asks.
func (s *Workload) writeHosted(w http.ResponseWriter, r *http.Request, m *message, kind int, ctx string) {
	if kind == hostedList {
		var objs []graphkit.Item
		for _, h := range m.Hosted {
			objs = append(objs, graphkit.NewItem(map[string]any{"id": h.ID, "contentBytes": nil, "contentType": nil}))
		}
		s.WriteList(w, r, ctx, objs, hostedType, limits, nil)
		return
	}
	i := slices.IndexFunc(m.Hosted, func(h *hosted) bool { return h.ID == r.PathValue("hid") })
	if i < 0 {
		s.Fail(w, r, errNoHosted)
		return
	}
	h := m.Hosted[i]
	if kind == hostedOne {
		s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(map[string]any{"id": h.ID,
			"contentBytes": base64.StdEncoding.EncodeToString(h.Bytes), "contentType": h.ContentType}), hostedType, ctx+"/$entity")
		return
	}
	w.Header().Set("Content-Type", h.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(h.Bytes)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(h.Bytes)
}

func parseTime(v string) (time.Time, error) { return time.Parse(time.RFC3339Nano, v) }
