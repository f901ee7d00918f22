package outlook

import (
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// Attachment upload sessions (attachment: createUploadSession), for the
// attachments of messages and events: POST .../attachments/createUploadSession
// with an AttachmentItem answers 201 and an uploadSession whose uploadUrl is
// pre-authenticated (graphkit.Preauth) and takes the file in fragments by
// the byte-range rules of graphkit.OutlookFragments (in order, at most
// 4 MB each, any size). A fragment that is not the last is answered 200 with
// the session's nextExpectedRanges; the last attaches the file and is
// answered 201 with no body and the attachment's Location, as Outlook does.
// GET on the URL reports the session, DELETE cancels it. Sessions, and the
// bytes received so far, live in memory only: a restarted sandbox has none
// (their URLs answer 404 and a client starts over).

// UploadPrefix is the path below which the sandbox serves attachment
// sessions' URLs; each workload's are below UploadPrefix + its name + "/".
const UploadPrefix = "/_attachments/"

// MaxAttachment is the largest file Outlook attaches (150 MB), through an
// upload session; a direct POST takes up to MaxDirectAttachment.
const (
	MaxAttachment       = 150 << 20
	MaxDirectAttachment = 3 << 20
)

// uploadLifetime is how long a session lasts after its creation or its last
// fragment, by the sandbox's clock (the sandbox's choice).
const uploadLifetime = 6 * time.Hour

// AttachmentUpload is what an upload session attaches, from its
// AttachmentItem, and to which item of which user.
type AttachmentUpload struct {
	Owner, Item                  string // user id; message or event id
	Name, ContentType, ContentID string
	IsInline                     bool
	Size                         int64
}

type attachSession struct {
	AttachmentUpload
	id      string
	data    []byte
	expires time.Time
}

// AttachmentUploads are a workload's attachment upload sessions.
type AttachmentUploads struct {
	prefix string
	pre    *graphkit.Preauth
	mu     sync.Mutex
	m      map[string]*attachSession
}

// NewAttachmentUploads returns the sessions of the workload called name.
func NewAttachmentUploads(name string) *AttachmentUploads {
	return &AttachmentUploads{prefix: UploadPrefix + name + "/", pre: graphkit.NewPreauth(), m: map[string]*attachSession{}}
}

// Prefix is the path below which u's sessions are served.
func (u *AttachmentUploads) Prefix() string { return u.prefix }

// ParseAttachmentItem reads createUploadSession's body, {"AttachmentItem":
// {attachmentType, name, size, contentType, isInline, contentId}}.
func ParseAttachmentItem(body map[string]json.RawMessage) (AttachmentUpload, *graphkit.Error) {
	var raw json.RawMessage
	for k, v := range body {
		if !strings.EqualFold(k, "AttachmentItem") {
			return AttachmentUpload{}, graphkit.Err(400, "RequestBodyRead", "The parameter '"+k+"' in the request payload is not a valid parameter for the operation 'createUploadSession'.")
		}
		raw = v
	}
	var it struct {
		AttachmentType string `json:"attachmentType"`
		Name           string `json:"name"`
		Size           *int64 `json:"size"`
		ContentType    string `json:"contentType"`
		IsInline       bool   `json:"isInline"`
		ContentID      string `json:"contentId"`
	}
	if raw == nil || json.Unmarshal(raw, &it) != nil {
		return AttachmentUpload{}, graphkit.Err(400, "RequestBodyRead", "createUploadSession needs {\"AttachmentItem\": {\"attachmentType\": \"file\", \"name\": ..., \"size\": ...}}.")
	}
	a := AttachmentUpload{Name: it.Name, ContentType: it.ContentType, ContentID: it.ContentID, IsInline: it.IsInline}
	switch {
	case !strings.EqualFold(it.AttachmentType, "file"):
		return a, graphkit.Err(400, "ErrorInvalidRequest", "Only file attachments can be uploaded in a session: attachmentType must be 'file'.")
	case it.Name == "":
		return a, graphkit.Err(400, "ErrorInvalidAttachment", "The attachment name must be set.")
	case it.Size == nil || *it.Size <= 0:
		return a, graphkit.Err(400, "ErrorInvalidRequest", "AttachmentItem.size is the file's size in bytes, more than 0.")
	case *it.Size > MaxAttachment:
		return a, graphkit.Err(413, "ErrorAttachmentSizeLimitExceeded", fmt.Sprintf("The attachment is %d bytes; Outlook attaches files of up to 150 MB (%d bytes).", *it.Size, MaxAttachment))
	}
	a.Size = *it.Size
	if a.ContentType == "" {
		a.ContentType = "application/octet-stream"
	}
	return a, nil
}

// Create makes a session for a and returns its uploadSession.
func (u *AttachmentUploads) Create(r *http.Request, now time.Time, a AttachmentUpload) map[string]any {
	ss := &attachSession{AttachmentUpload: a, id: ids.GUID(), expires: now.Add(uploadLifetime)}
	u.mu.Lock()
	for id, old := range u.m {
		if !now.Before(old.expires) {
			delete(u.m, id)
		}
	}
	u.m[ss.id] = ss
	obj := ss.status()
	u.mu.Unlock()
	obj["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata#microsoft.graph.uploadSession"
	obj["uploadUrl"] = u.pre.URL(r, u.prefix, ss.id, struct{}{}, "")
	return obj
}

func (ss *attachSession) status() map[string]any {
	return map[string]any{"expirationDateTime": ss.expires.UTC().Format("2006-01-02T15:04:05.0000000Z"),
		"nextExpectedRanges": graphkit.NextExpectedRanges(int64(len(ss.data)), ss.Size)}
}

var errSessionGone = graphkit.Err(404, "ErrorItemNotFound", "The upload session does not exist: it was completed, cancelled or expired, or the sandbox restarted. Create a new one.")

// Commit attaches a finished upload's bytes; it answers the attachment's
// URL (the Location of the answer) or Graph's error.
type Commit func(r *http.Request, a AttachmentUpload, data []byte) (location string, ge *graphkit.Error)

// Serve serves a session's URL: PUT a fragment (the last is committed),
// GET the session's status, DELETE to cancel. It takes no Authorization
// header: a Graph token must never be sent there.
func (u *AttachmentUploads) Serve(k *graphkit.Kit, w http.ResponseWriter, r *http.Request, commit Commit) {
	if r.Header.Get("Authorization") != "" {
		k.WriteError(w, r, 401, "unauthenticated", "This URL is pre-authenticated: send the request without an Authorization header (a Graph token must not be sent to it).")
		return
	}
	id, ok := u.pre.Claims(r, u.prefix, &struct{}{})
	if !ok {
		k.Fail(w, r, errSessionGone)
		return
	}
	now := k.Now()
	switch r.Method {
	case http.MethodGet, http.MethodDelete:
		u.mu.Lock()
		ss := u.live(id, now)
		var obj map[string]any
		if ss != nil {
			obj = ss.status()
			if r.Method == http.MethodDelete {
				delete(u.m, id)
				obj = nil
			}
		}
		u.mu.Unlock()
		switch {
		case ss == nil:
			k.Fail(w, r, errSessionGone)
		case obj == nil:
			k.WriteStatus(w, r, http.StatusNoContent, nil)
		default:
			k.WriteJSON(w, r, obj)
		}
	case http.MethodPut:
		u.put(k, w, r, id, now, commit)
	default:
		k.Fail(w, r, graphkit.Err(405, "ErrorInvalidRequest", "An upload URL answers PUT (a fragment), GET (the session's status) and DELETE (cancel)."))
	}
}

// live returns the session id unless it is gone or expired; the caller holds u.mu.
func (u *AttachmentUploads) live(id string, now time.Time) *attachSession {
	ss := u.m[id]
	if ss != nil && !now.Before(ss.expires) {
		delete(u.m, id)
		return nil
	}
	return ss
}

// put takes one fragment of session id.
func (u *AttachmentUploads) put(k *graphkit.Kit, w http.ResponseWriter, r *http.Request, id string, now time.Time, commit Commit) {
	f, ge := graphkit.OutlookFragments.Fragment(r)
	if ge != nil {
		k.Fail(w, r, ge)
		return
	}
	data, err := io.ReadAll(io.LimitReader(r.Body, f.Len()+1))
	if err != nil || int64(len(data)) != f.Len() {
		k.Fail(w, r, graphkit.Err(400, "ErrorInvalidRequest", fmt.Sprintf("The fragment's body was not the %d bytes its Content-Range names (%d read); send it again.", f.Len(), len(data))))
		return
	}
	u.mu.Lock()
	ss := u.live(id, now)
	switch {
	case ss == nil:
		ge = errSessionGone
	default:
		ge = f.Follows(int64(len(ss.data)), ss.Size)
	}
	if ge != nil {
		u.mu.Unlock()
		k.Fail(w, r, ge)
		return
	}
	ss.data = append(ss.data, data...)
	ss.expires = now.Add(uploadLifetime)
	done := int64(len(ss.data)) == ss.Size
	obj := ss.status()
	if done {
		delete(u.m, id)
	}
	u.mu.Unlock()
	if !done {
		k.WriteStatus(w, r, http.StatusOK, obj)
		return
	}
	loc, ge := commit(r, ss.AttachmentUpload, ss.data)
	if ge != nil {
		k.Fail(w, r, ge)
		return
	}
	k.IDs(w, r)
	w.Header().Set("Location", loc)
	w.Header().Set("Content-Length", "0")
	w.WriteHeader(http.StatusCreated)
}
