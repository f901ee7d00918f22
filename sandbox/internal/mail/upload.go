package mail

import (
	"net/http"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// Large attachments of messages: POST .../messages/{id}/attachments/
// createUploadSession (outlook.AttachmentUploads has the sessions and their
// byte-range rules); the session's last fragment attaches the file.

// URLPrefix is the path below which the workload's upload sessions are served.
func (s *Workload) URLPrefix() string { return s.up.Prefix() }

// ServeURL serves an attachment upload session's pre-authenticated URL.
func (s *Workload) ServeURL(w http.ResponseWriter, r *http.Request) {
	s.up.Serve(s.Kit, w, r, s.commitUpload)
}

func (s *Workload) attachmentUploadSession(w http.ResponseWriter, r *http.Request, u *user) {
	body, ge := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	a, ge := outlook.ParseAttachmentItem(body)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	m := s.mail.boxes[u.ID].message(r.PathValue("mid"))
	if m != nil {
		a.Owner, a.Item = u.ID, m.ID
	}
	s.mu.Unlock()
	if m == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteStatus(w, r, http.StatusCreated, s.up.Create(r, s.Now(), a))
}

// commitUpload attaches a finished upload to its message.
func (s *Workload) commitUpload(r *http.Request, up outlook.AttachmentUpload, data []byte) (string, *graphkit.Error) {
	now := s.Now().UTC()
	st := s.lock(r.Context())
	defer s.unlock()
	mb := st.boxes[up.Owner]
	m := mb.message(up.Item)
	if m == nil {
		return "", graphkit.ErrItemNotFound
	}
	st.touch(mb, m, now)
	a := up.FromUpload(ids.Stable(m.ID, "attachment", st.feed.Epoch(), itoa64(m.Seq)), data, now)
	m.Attachments = append(m.Attachments, a)
	return graphkit.BaseURL(r) + "/v1.0/users('" + up.Owner + "')/messages('" + m.ID + "')/attachments('" + a.ID + "')", nil
}
