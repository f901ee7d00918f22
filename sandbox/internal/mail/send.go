package mail

import (
	"encoding/json"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"html"
	"net/http"
	"strings"
	"time"
)

// Sending: sendMail, send a draft, and the reply/forward actions. A sent
// message is saved in the sender's Sent Items and delivered to the inbox of
// every seeded user among its recipients; other recipients are accepted and
// go nowhere.

// param returns the action parameter name from body, matched case-insensitively
// (Graph's action parameters are PascalCase in the schema, camelCase in the docs).
func param(body map[string]json.RawMessage, name string) (json.RawMessage, bool) {
	for k, v := range body {
		if strings.EqualFold(k, name) {
			return v, true
		}
	}
	return nil, false
}

var errNoRecipients = graphkit.Err(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., A message can't be sent because it contains no recipients.")

func (s *Workload) sendMail(w http.ResponseWriter, r *http.Request, u *user) {
	if isMIME(r) {
		s.sendMIME(w, r, u)
		return
	}
	body, ge := graphkit.ReadBody(w, r, MaxMessageBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	raw, ok := param(body, "message")
	var props map[string]json.RawMessage
	if !ok || json.Unmarshal(raw, &props) != nil || props == nil {
		s.Fail(w, r, graphkit.BadRequest("Empty Payload. JSON content expected."))
		return
	}
	save := true
	if v, ok := param(body, "saveToSentItems"); ok && string(v) != "null" {
		if json.Unmarshal(v, &save) != nil {
			s.Fail(w, r, graphkit.PropTypeError("SaveToSentItems", "Edm.Boolean"))
			return
		}
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		m := newDraft(now)
		if ge := applyMessage(m, props, false, now); ge != nil {
			return 0, nil, ge
		}
		if len(m.To)+len(m.Cc)+len(m.Bcc) == 0 {
			return 0, nil, errNoRecipients
		}
		st.send(s.Dir, mb, m, save, now)
		return 202, nil, nil
	})
}

// deliver sends m from mb's owner: a copy in Sent Items (when save) and one
// in the inbox of each recipient with a mailbox (found in dir).
func (st *mailStore) deliver(dir *directory.Directory, mb *mailbox, m *mailMessage, save bool, now time.Time) *graphkit.Error {
	if len(m.To)+len(m.Cc)+len(m.Bcc) == 0 {
		return errNoRecipients
	}
	owner := userRecipient(mb.owner)
	if m.From == nil {
		m.From = owner
	}
	m.Sender = owner
	m.IsDraft, m.IsRead = false, true
	m.Sent, m.Received = now, now
	if m.ConversationID == "" {
		m.ConversationID = ids.Stable("conversation", mb.owner.ID, st.feed.Epoch(), itoa64(st.feed.Seq()+1))
	}
	if m.InternetMessageID == "" {
		m.InternetMessageID = "<" + strings.ToLower(ids.Stable(mb.owner.ID, "imid", st.feed.Epoch(), itoa64(st.feed.Seq()+1))[6:22]) + "@" + directory.TenantDomain + ">"
	}
	seen := map[string]bool{}
	for _, rc := range append(append(append([]outlook.Recipient{}, m.To...), m.Cc...), m.Bcc...) {
		addr := strings.ToLower(rc.EmailAddress.Address)
		u := dir.FindByMail(addr)
		if u == nil || seen[u.ID] || st.boxes[u.ID] == nil {
			continue
		}
		seen[u.ID] = true
		rb := st.boxes[u.ID]
		c := m.clone()
		c.IsRead, c.Bcc = false, nil
		c.Categories = []string{}
		c.Flag = followupFlag{FlagStatus: "notFlagged"}
		c.Created = stampOf(now)
		st.insert(rb, c, rb.wellKnown("inbox").ID, "delivered", now)
		c.finishNew(now)
		for i, a := range c.Attachments {
			a.ID = ids.Stable(c.ID, "attachment", itoa64(int64(i)))
		}
	}
	if save {
		st.insert(mb, m, mb.wellKnown("sentitems").ID, "sent", now)
		m.finishNew(now)
	}
	return nil
}

func (s *Workload) messageSend(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		m, ge := messageAt(r, mb)
		if ge != nil {
			return 0, nil, ge
		}
		if !m.IsDraft {
			return 0, nil, graphkit.Err(400, "ErrorInvalidOperation", "Only draft messages can be sent.")
		}
		if len(m.To)+len(m.Cc)+len(m.Bcc) == 0 {
			return 0, nil, errNoRecipients
		}
		st.remove(mb, m)
		st.send(s.Dir, mb, m, true, now)
		return 202, nil, nil
	})
}

// messageRespond serves createReply, createReplyAll, createForward (a new
// draft, 201) and reply, replyAll, forward (sent at once, 202).
func (s *Workload) messageRespond(action string) graphkit.OwnerHandler {
	create := strings.HasPrefix(action, "create")
	kind := strings.ToLower(strings.TrimPrefix(action, "create"))
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		view := mailPrefs(w, r)
		body, ge := graphkit.ReadParams(w, r, MaxMessageBody)
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		var comment string
		if v, ok := param(body, "comment"); ok && string(v) != "null" && json.Unmarshal(v, &comment) != nil {
			s.Fail(w, r, graphkit.PropTypeError("Comment", "Edm.String"))
			return
		}
		var props map[string]json.RawMessage
		if v, ok := param(body, "message"); ok && string(v) != "null" && json.Unmarshal(v, &props) != nil {
			s.Fail(w, r, graphkit.PropTypeError("Message", "microsoft.graph.message"))
			return
		}
		var to []outlook.Recipient
		if v, ok := param(body, "toRecipients"); ok && string(v) != "null" && json.Unmarshal(v, &to) != nil {
			s.Fail(w, r, graphkit.PropTypeError("ToRecipients", "Collection(microsoft.graph.recipient)"))
			return
		}
		s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
			orig := mb.message(r.PathValue("mid"))
			if orig == nil {
				return 0, nil, graphkit.ErrItemNotFound
			}
			d := respondDraft(mb.owner, orig, kind, comment, to, now)
			if ge := applyMessage(d, props, false, now); ge != nil {
				return 0, nil, ge
			}
			if create {
				st.insert(mb, d, mb.wellKnown("drafts").ID, "message", now)
				d.finishNew(now)
				return 201, messageEntity(r, u, d, nil, view), nil
			}
			if kind == "forward" && len(d.To)+len(d.Cc)+len(d.Bcc) == 0 {
				return 0, nil, errNoRecipients
			}
			if ge := st.deliver(s.Dir, mb, d, true, now); ge != nil {
				return 0, nil, ge
			}
			return 202, nil, nil
		})
	}
}

// respondDraft builds the reply (kind reply, replyall) or forward draft of orig.
func respondDraft(owner *user, orig *mailMessage, kind, comment string, to []outlook.Recipient, now time.Time) *mailMessage {
	d := newDraft(now)
	d.ConversationID, d.ConversationIndex = orig.ConversationID, orig.ConversationIndex
	prefix := "RE: "
	self := strings.ToLower(owner.Mail)
	notSelf := func(rs []outlook.Recipient) []outlook.Recipient {
		var out []outlook.Recipient
		for _, rc := range rs {
			if strings.ToLower(rc.EmailAddress.Address) != self {
				out = append(out, rc)
			}
		}
		return out
	}
	switch kind {
	case "forward":
		prefix = "FW: "
		d.To = to
		for _, a := range orig.Attachments {
			ac := *a
			ac.ID = ""
			d.Attachments = append(d.Attachments, &ac)
		}
	default:
		if len(orig.ReplyTo) > 0 {
			d.To = append(d.To, orig.ReplyTo...)
		} else if orig.From != nil {
			d.To = append(d.To, *orig.From)
		}
		if kind == "replyall" {
			d.To = append(d.To, notSelf(orig.To)...)
			d.Cc = notSelf(orig.Cc)
		}
	}
	d.Subject = prefix + orig.Subject
	var hdr strings.Builder
	if orig.From != nil {
		hdr.WriteString("<b>From:</b> " + html.EscapeString(orig.From.EmailAddress.Name+" <"+orig.From.EmailAddress.Address+">") + "<br>")
	}
	hdr.WriteString("<b>Sent:</b> " + orig.Sent.UTC().Format("Monday, January 2, 2006 3:04 PM") + "<br>")
	var names []string
	for _, rc := range orig.To {
		names = append(names, rc.EmailAddress.Name)
	}
	hdr.WriteString("<b>To:</b> " + html.EscapeString(strings.Join(names, "; ")) + "<br>")
	hdr.WriteString("<b>Subject:</b> " + html.EscapeString(orig.Subject))
	quoted := orig.Body.Content
	if orig.Body.ContentType == "html" {
		quoted = htmlToText(quoted)
	}
	d.Body = outlook.ItemBody{ContentType: "html", Content: "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><div>" +
		html.EscapeString(comment) + "</div><hr><div id=\"divRplyFwdMsg\">" + hdr.String() + "</div><div>" +
		strings.ReplaceAll(html.EscapeString(quoted), "\r\n", "<br>") + "</div></body></html>"}
	return d
}

// sendMIME sends a base64 MIME message (sendMail with text/plain), saved
// in Sent Items.
func (s *Workload) sendMIME(w http.ResponseWriter, r *http.Request, u *user) {
	m, ge := readMIME(w, r, s.Now().UTC())
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		if ge := st.deliver(s.Dir, mb, m, true, now); ge != nil {
			return 0, nil, ge
		}
		return 202, nil, nil
	})
}
