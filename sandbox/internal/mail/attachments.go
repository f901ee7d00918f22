package mail

import (
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strconv"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// File attachments of messages: list, get, add (up to 3 MB, as Graph's
// direct POST allows), delete and the raw bytes at /$value.

// maxAttachment is the largest attachment a single POST may carry; larger
// files need an upload session in Graph.
const maxAttachment = 3 << 20

type attachmentJSON struct {
	Type                 string  `json:"@odata.type"`
	MediaContentType     string  `json:"@odata.mediaContentType"`
	ID                   string  `json:"id"`
	LastModifiedDateTime string  `json:"lastModifiedDateTime"`
	Name                 string  `json:"name"`
	ContentType          string  `json:"contentType"`
	Size                 int     `json:"size"`
	IsInline             bool    `json:"isInline"`
	ContentID            *string `json:"contentId"`
	ContentLocation      *string `json:"contentLocation"`
	ContentBytes         string  `json:"contentBytes,omitempty"`
}

var attachmentType = &odata.Type{
	Name: "microsoft.graph.attachment",
	Keep: []string{"@odata.type", "@odata.mediaContentType", "id"},
	Props: []string{"@odata.type", "@odata.mediaContentType", "id", "lastModifiedDateTime", "name", "contentType",
		"size", "isInline", "contentId", "contentLocation", "contentBytes"},
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

func (a *mailAttachment) toJSON(withBytes bool) attachmentJSON {
	j := attachmentJSON{
		Type: "#microsoft.graph.fileAttachment", MediaContentType: a.ContentType, ID: a.ID,
		LastModifiedDateTime: a.Modified.UTC().Format(graphTime), Name: a.Name, ContentType: a.ContentType,
		Size: len(a.Bytes), IsInline: a.IsInline, ContentID: optString(a.ContentID), ContentLocation: optString(a.ContentLocation),
	}
	if withBytes {
		j.ContentBytes = base64.StdEncoding.EncodeToString(a.Bytes)
	}
	return j
}

// parseAttachment reads a fileAttachment from a request body, checked
// against Graph's schema (an unknown type or property is OData's error).
func parseAttachment(body map[string]json.RawMessage, now time.Time) (*mailAttachment, *graphkit.Error) {
	if _, ok := body["@odata.type"]; !ok {
		return nil, graphkit.BadRequest("The attachment must state its type in '@odata.type', e.g. '#microsoft.graph.fileAttachment'.")
	}
	clean, ge := schema.Check("attachment", body, schema.Create)
	if ge != nil {
		return nil, ge
	}
	var typ string
	_ = json.Unmarshal(clean["@odata.type"], &typ)
	if typ != "#microsoft.graph.fileAttachment" {
		return nil, graphkit.Err(501, "NotImplemented", "The sandbox supports only file attachments.")
	}
	a := &mailAttachment{Modified: now}
	var b64 string
	for k, p := range map[string]*string{"name": &a.Name, "contentType": &a.ContentType, "contentId": &a.ContentID,
		"contentLocation": &a.ContentLocation, "contentBytes": &b64} {
		_ = json.Unmarshal(clean[k], p)
	}
	_ = json.Unmarshal(clean["isInline"], &a.IsInline)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, graphkit.BadRequest("The value of 'contentBytes' is not valid base64.")
	}
	if a.Name == "" {
		return nil, graphkit.Err(400, "ErrorInvalidAttachment", "The attachment name must be set.")
	}
	if len(data) > maxAttachment {
		return nil, graphkit.Err(413, "ErrorAttachmentSizeLimitExceeded", "The attachment is "+strconv.Itoa(len(data))+
			" bytes; attachments over 3 MB must be uploaded with createUploadSession.")
	}
	if a.ContentType == "" {
		a.ContentType = "application/octet-stream"
	}
	a.Bytes = data
	return a, nil
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
	s.mu.Lock()
	m := s.mail.boxes[u.ID].message(r.PathValue("mid"))
	if m != nil {
		for _, a := range m.Attachments {
			obj, raw := jsonObject(a.toJSON(true))
			objs, raws = append(objs, obj), append(raws, raw)
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
		items = append(items, q.Project(raws[i], attachmentType))
	}
	count := -1
	if q.Count {
		count = total
	}
	s.WritePage(w, r, userCtx(u)+"/messages('"+r.PathValue("mid")+"')/attachments"+selectSuffix(q), items, q.Top, q.Skip, total, count)
}

func attachmentEntity(r *http.Request, u *user, a *mailAttachment, q *odata.Query) odata.Object {
	obj := rawObject(a.toJSON(true))
	out := q.Project(obj, attachmentType)
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
