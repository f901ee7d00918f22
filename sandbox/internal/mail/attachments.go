package mail

import (
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Attachments of messages: files (up to 3 MB, as Graph's direct POST
// allows; larger ones through upload sessions, upload.go) and items (a
// message or an event, expanded with $expand=microsoft.graph.itemAttachment/item):
// list, get, add, delete and a file's raw bytes at /$value.

var attachmentType = outlook.AttachmentType

// parseAttachment reads a fileAttachment from a request body, checked
// against Graph's schema (an unknown type or property is OData's error).
func parseAttachment(body map[string]json.RawMessage, now time.Time) (*mailAttachment, *graphkit.Error) {
	typ, clean, ge := outlook.AttachmentKind(body)
	if ge != nil {
		return nil, ge
	}
	switch typ {
	case "#microsoft.graph.fileAttachment":
		return outlook.ParseFileAttachment(clean, now)
	case "#microsoft.graph.itemAttachment":
		return outlook.ParseItemAttachment(clean, now)
	}
	return nil, graphkit.Err(501, "NotImplemented", "The sandbox supports file and item attachments, not reference attachments.")
}

func findAttachment(m *mailMessage, id string) *mailAttachment {
	for _, a := range m.Attachments {
		if a.ID == id {
			return a
		}
	}
	return nil
}

func (s *Workload) attachmentList(w http.ResponseWriter, r *http.Request, u *user) {
	q, err := odata.Parse(r.URL.Query(), attachmentType, odata.Limits{DefaultTop: 1000, MaxTop: 1000})
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	var objs, raws []map[string]any
	var atts []mailAttachment
	s.mu.Lock()
	m := s.mail.boxes[u.ID].message(r.PathValue("mid"))
	if m != nil {
		for _, a := range m.Attachments {
			obj, raw := jsonObject(a.JSON(true))
			objs, raws, atts = append(objs, obj), append(raws, raw), append(atts, *a)
		}
	}
	s.mu.Unlock()
	if m == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	page, total := q.Apply(objs, nil)
	items := make([]any, 0, len(page))
	for _, i := range page {
		items = append(items, outlook.ExpandItem(q.Project(raws[i], attachmentType), &atts[i], q))
	}
	count := -1
	if q.Count {
		count = total
	}
	s.WritePage(w, r, userCtx(u)+"/messages('"+r.PathValue("mid")+"')/attachments"+selectSuffix(q), items, q.Top, q.Skip, total, count)
}

func attachmentEntity(r *http.Request, u *user, a *mailAttachment, q *odata.Query) odata.Object {
	obj := rawObject(a.JSON(true))
	out := outlook.ExpandItem(q.Project(obj, attachmentType), a, q)
	obj["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata" + userCtx(u) + "/messages('" + r.PathValue("mid") + "')/attachments/$entity"
	out.Keys = append([]string{"@odata.context"}, out.Keys...)
	return out
}

func (s *Workload) attachmentGet(w http.ResponseWriter, r *http.Request, u *user) {
	q, ge := entityQuery(r.URL.Query(), attachmentType)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		m := mb.message(r.PathValue("mid"))
		if m == nil {
			return 0, nil, graphkit.ErrItemNotFound
		}
		a := findAttachment(m, r.PathValue("aid"))
		if a == nil {
			return 0, nil, graphkit.ErrItemNotFound
		}
		return 200, attachmentEntity(r, u, a, q), nil
	})
}

func (s *Workload) attachmentCreate(w http.ResponseWriter, r *http.Request, u *user) {
	body, ge := graphkit.ReadBody(w, r, MaxMessageBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		m := mb.message(r.PathValue("mid"))
		if m == nil {
			return 0, nil, graphkit.ErrItemNotFound
		}
		a, ge := parseAttachment(body, now)
		if ge != nil {
			return 0, nil, ge
		}
		st.touch(mb, m, now)
		a.ID = ids.Stable(m.ID, "attachment", st.feed.Epoch(), itoa64(m.Seq))
		m.Attachments = append(m.Attachments, a)
		return 201, attachmentEntity(r, u, a, nil), nil
	})
}

func (s *Workload) attachmentDelete(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		m := mb.message(r.PathValue("mid"))
		if m == nil {
			return 0, nil, graphkit.ErrItemNotFound
		}
		for i, a := range m.Attachments {
			if a.ID == r.PathValue("aid") {
				m.Attachments = append(m.Attachments[:i:i], m.Attachments[i+1:]...)
				st.touch(mb, m, now)
				return 204, nil, nil
			}
		}
		return 0, nil, graphkit.ErrItemNotFound
	})
}

func (s *Workload) attachmentValue(w http.ResponseWriter, r *http.Request, u *user) {
	s.mu.Lock()
	var a *mailAttachment
	if m := s.mail.boxes[u.ID].message(r.PathValue("mid")); m != nil {
		if found := findAttachment(m, r.PathValue("aid")); found != nil {
			c := *found
			a = &c
		}
	}
	s.mu.Unlock()
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
