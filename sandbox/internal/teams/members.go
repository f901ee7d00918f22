package teams

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the conversationMembers of chats and private channels: their
// ids, their JSON and the bodies that add them.

func itoa(n int64) string { return strconv.FormatInt(n, 10) }

// memberID is the id of user's membership of a chat or channel: an opaque
// base64 of both, as Graph's.
func memberID(container, user string) string {
	return base64.URLEncoding.EncodeToString([]byte("0#" + container + "#" + user))
}

func findMember(ms []*member, id string) *member {
	for _, m := range ms {
		if m.ID == id || strings.EqualFold(m.UserID, id) {
			return m
		}
	}
	return nil
}

// memberObject is m as an aadUserConversationMember; the caller holds mu.
func (s *Workload) memberObject(m *member) graphkit.Item {
	name, email := "", ""
	if u := s.Dir.Find(m.UserID); u != nil {
		name, email = u.DisplayName, u.Mail
	}
	var history any
	if !m.History.IsZero() {
		history = m.History
	} else {
		history = "0001-01-01T00:00:00Z"
	}
	roles := m.Roles
	if roles == nil {
		roles = []string{}
	}
	return graphkit.NewItem(map[string]any{"@odata.type": "#microsoft.graph.aadUserConversationMember", "id": m.ID,
		"roles": roles, "displayName": name, "visibleHistoryStartDateTime": history, "userId": m.UserID,
		"email": email, "tenantId": directory.TenantID})
}

// memberBody is a conversationMember as a request gives it.
type memberBody struct {
	Roles    []string `json:"roles"`
	Bind     string   `json:"user@odata.bind"`
	UserID   string   `json:"userId"`
	History  string   `json:"visibleHistoryStartDateTime"`
	TypeName string   `json:"@odata.type"`
}

// memberUser resolves a conversationMember body to a user of the directory.
func (s *Workload) memberUser(raw map[string]json.RawMessage) (*memberBody, *graphkit.User, *graphkit.Error) {
	clean, ge := schema.Check("conversationMember", raw, schema.Create)
	if ge != nil {
		return nil, nil, ge
	}
	b, _ := json.Marshal(clean)
	var mb memberBody
	if err := json.Unmarshal(b, &mb); err != nil {
		return nil, nil, graphkit.ErrUnreadablePayload
	}
	if mb.TypeName != "#microsoft.graph.aadUserConversationMember" {
		return nil, nil, graphkit.BadRequest("Only members of type #microsoft.graph.aadUserConversationMember are supported.")
	}
	id := mb.UserID
	if mb.Bind != "" {
		id = bindID(mb.Bind)
	}
	if id == "" {
		return nil, nil, graphkit.BadRequest("A member needs user@odata.bind or userId.")
	}
	u := s.Dir.Find(id)
	if u == nil {
		return nil, nil, graphkit.Err(404, "NotFound", "User "+id+" was not found.")
	}
	return &mb, u, nil
}

// bindID reads the user id out of "https://graph.microsoft.com/v1.0/users('id')"
// or ".../users/id".
func bindID(bind string) string {
	if i := strings.Index(bind, "users('"); i >= 0 {
		rest := bind[i+len("users('"):]
		id, _, _ := strings.Cut(rest, "')")
		return id
	}
	if i := strings.LastIndex(bind, "/users/"); i >= 0 {
		return strings.Trim(bind[i+len("/users/"):], "/")
	}
	return ""
}

// memberUsers resolves the members of a create body to user ids.
func (s *Workload) memberUsers(list []json.RawMessage) ([]string, *graphkit.Error) {
	var out []string
	for _, raw := range list {
		var obj map[string]json.RawMessage
		if json.Unmarshal(raw, &obj) != nil {
			return nil, graphkit.ErrUnreadablePayload
		}
		_, u, ge := s.memberUser(obj)
		if ge != nil {
			return nil, ge
		}
		if !slices.Contains(out, u.ID) {
			out = append(out, u.ID)
		}
	}
	return out, nil
}

// readMember reads a body that adds a member to container.
func (s *Workload) readMember(w http.ResponseWriter, r *http.Request, container string) (*member, *graphkit.Error) {
	raw, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		return nil, ge
	}
	mb, u, ge := s.memberUser(raw)
	if ge != nil {
		return nil, ge
	}
	m := &member{ID: memberID(container, u.ID), UserID: u.ID, Roles: mb.Roles}
	if mb.History != "" {
		if t, err := parseTime(mb.History); err == nil {
			m.History = t
		}
	}
	return m, nil
}

// writeMember answers the member {mbid} of those members returns (read
// under mu).
func (s *Workload) writeMember(w http.ResponseWriter, r *http.Request, members func() []*member, ctx string) {
	s.mu.Lock()
	m := findMember(members(), r.PathValue("mbid"))
	var obj graphkit.Item
	if m != nil {
		obj = s.memberObject(m)
	}
	s.mu.Unlock()
	if m == nil {
		s.Fail(w, r, errNoMember)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, memberType, ctx)
}
