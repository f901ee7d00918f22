package calendar

import (
	"net/http"
	"strconv"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// File attachments of events (GET, POST, GET and DELETE by id, /$value) and
// large ones through upload sessions (outlook.AttachmentUploads). A change
// to an event's attachments is a change of the event (its change key); the
// attendees' copies keep theirs. An occurrence's id names no attachments.

var attachmentLimits = odata.Limits{DefaultTop: 1000, MaxTop: 1000}

// attachmentRoutes registers the routes of events' attachments.
func (s *Workload) attachmentRoutes(m *graphkit.Mux) {
	p := "/events/{eid}/attachments"
	s.HandleOwned(m, "GET", p, s.attachmentList)
	s.HandleOwned(m, "GET", p+"/{aid}", s.attachmentGet)
	s.HandleOwned(m, "GET", p+"/{aid}/$value", s.attachmentValue)
	s.HandleOwned(m, "POST", p, s.attachmentCreate)
	s.HandleOwned(m, "DELETE", p+"/{aid}", s.attachmentDelete)
	s.HandleOwned(m, "POST", p+"/createUploadSession", s.attachmentUploadSession)
}

// URLPrefix is the path below which the workload's upload sessions are served.
func (s *Workload) URLPrefix() string { return s.up.Prefix() }

// ServeURL serves an attachment upload session's pre-authenticated URL.
func (s *Workload) ServeURL(w http.ResponseWriter, r *http.Request) {
	s.up.Serve(s.Kit, w, r, s.commitUpload)
}

// attachmentsCtx is the @odata.context of an event's attachments.
func attachmentsCtx(u *graphkit.User, eid string) string {
	return "#users('" + u.ID + "')/events('" + eid + "')/attachments"
}

func findAttachment(ev *calEvent, id string) (int, *outlook.FileAttachment) {
	for i, a := range ev.Attachments {
		if a.ID == id {
			return i, a
		}
	}
	return -1, nil
}

// attachmentObjects are ev's attachments as JSON, with their bytes.
func attachmentObjects(ev *calEvent) []any {
	out := []any{}
	for _, a := range ev.Attachments {
		out = append(out, graphkit.NewItem(a.JSON(true)).Raw())
	}
	return out
}

func (s *Workload) attachmentList(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	s.mu.Lock()
	ev := s.user(u).events[r.PathValue("eid")]
	var items []graphkit.Item
	if ev != nil {
		for _, a := range ev.Attachments {
			items = append(items, graphkit.NewItem(a.JSON(true)))
		}
	}
	s.mu.Unlock()
	if ev == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteList(w, r, attachmentsCtx(u, r.PathValue("eid")), items, outlook.AttachmentType, attachmentLimits, nil)
}

// attachment returns a copy of the attachment of the path.
func (s *Workload) attachment(r *http.Request, u *graphkit.User) *outlook.FileAttachment {
	s.mu.Lock()
	defer s.mu.Unlock()
	if ev := s.user(u).events[r.PathValue("eid")]; ev != nil {
		if _, a := findAttachment(ev, r.PathValue("aid")); a != nil {
			c := *a
			return &c
		}
	}
	return nil
}

func (s *Workload) attachmentGet(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	a := s.attachment(r, u)
	if a == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(a.JSON(true)), outlook.AttachmentType, attachmentsCtx(u, r.PathValue("eid"))+"/$entity")
}

func (s *Workload) attachmentValue(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	a := s.attachment(r, u)
	if a == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.IDs(w, r)
	w.Header().Set("Content-Type", a.ContentType)
	w.Header().Set("Content-Length", strconv.Itoa(len(a.Bytes)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(a.Bytes)
}

// attach adds a to the event eid of user as a change of the event; the
// caller holds s.mu.
func (s *Workload) attach(r *http.Request, user, eid string, a *outlook.FileAttachment, now time.Time) *graphkit.Error {
	cu := s.users[user]
	if cu == nil || cu.events[eid] == nil {
		return graphkit.ErrItemNotFound
	}
	ev := cu.events[eid]
	a.ID = s.newID(r.Context(), ev.ID, "attachment")
	ev.Attachments = append(ev.Attachments, a)
	s.changed(r, user, ev, now)
	return nil
}

// changed dates a change of ev and touches it; the caller holds s.mu.
func (s *Workload) changed(r *http.Request, user string, ev *calEvent, now time.Time) {
	ev.Changed, ev.ChangeKey = now, s.changeKey(r.Context())
	s.touchEvent(r.Context(), user, ev, graphkit.Updated)
}

func (s *Workload) attachmentCreate(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	var typ string
	if ge == nil {
		typ, body, ge = outlook.AttachmentKind(body)
	}
	if ge == nil && typ != "#microsoft.graph.fileAttachment" {
		ge = graphkit.Err(501, "NotImplemented", "The sandbox supports only file attachments on events.")
	}
	now := s.Now().UTC()
	var a *outlook.FileAttachment
	if ge == nil {
		a, ge = outlook.ParseFileAttachment(body, now)
	}
	if ge == nil {
		s.mu.Lock()
		ge = s.attach(r, u.ID, r.PathValue("eid"), a, now)
		s.mu.Unlock()
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteEntity(w, r, http.StatusCreated, graphkit.NewItem(a.JSON(true)), outlook.AttachmentType, attachmentsCtx(u, r.PathValue("eid"))+"/$entity")
}

func (s *Workload) attachmentDelete(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	now := s.Now().UTC()
	s.mu.Lock()
	ev := s.user(u).events[r.PathValue("eid")]
	i := -1
	if ev != nil {
		i, _ = findAttachment(ev, r.PathValue("aid"))
	}
	if i >= 0 {
		ev.Attachments = append(ev.Attachments[:i:i], ev.Attachments[i+1:]...)
		s.changed(r, u.ID, ev, now)
	}
	s.mu.Unlock()
	if i < 0 {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

func (s *Workload) attachmentUploadSession(w http.ResponseWriter, r *http.Request, u *graphkit.User) {
	body, ge := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	var a outlook.AttachmentUpload
	if ge == nil {
		a, ge = outlook.ParseAttachmentItem(body)
	}
	if ge == nil {
		s.mu.Lock()
		if s.user(u).events[r.PathValue("eid")] == nil {
			ge = graphkit.ErrItemNotFound
		}
		s.mu.Unlock()
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	a.Owner, a.Item = u.ID, r.PathValue("eid")
	s.WriteStatus(w, r, http.StatusCreated, s.up.Create(r, s.Now(), a))
}

// commitUpload attaches a finished upload to its event.
func (s *Workload) commitUpload(r *http.Request, up outlook.AttachmentUpload, data []byte) (string, *graphkit.Error) {
	now := s.Now().UTC()
	a := up.FromUpload("", data, now)
	s.mu.Lock()
	ge := s.attach(r, up.Owner, up.Item, a, now)
	s.mu.Unlock()
	if ge != nil {
		return "", ge
	}
	return graphkit.BaseURL(r) + "/v1.0/users('" + up.Owner + "')/events('" + up.Item + "')/attachments('" + a.ID + "')", nil
}
