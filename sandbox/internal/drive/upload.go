package drive

import (
	"crypto/sha256"
	"encoding"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"hash"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// Upload sessions (driveItem: createUploadSession): POST
// .../{parent}:/{name}:/createUploadSession (or items/{id}/createUploadSession
// for a file's new content) answers an uploadUrl, pre-authenticated and on
// the sandbox's other host name like a download URL (preauthURL), which
// takes the file in fragments: PUT with Content-Range, in order, each but the
// last a multiple of 320 KiB and none over 60 MiB. The bytes go straight to a
// part file under Kit.Files (uploads/), hashed as they come; the last
// fragment commits the file (conflict behaviour and If-Match applied then)
// and is answered with the driveItem. GET on the URL reports the session,
// DELETE cancels it and frees its bytes.
//
// Sessions live in memory only: a restarted sandbox has none (the URL key is
// new on every start, as for downloads), so their URLs answer 404 and a
// client starts over, as Graph's guidance for a 404 says; the part files a
// previous process left are removed when the first session is made. Graph's
// sessions survive its restarts; the sandbox's state keeps committed files.

// UploadPrefix is the path below which the sandbox serves upload sessions'
// URLs (serveUpload).
const UploadPrefix = "/_upload/"

const (
	// uploadLifetime is how long a session lasts after its creation or its
	// last fragment, by the sandbox's clock.
	uploadLifetime = 7 * 24 * time.Hour
	// copyBuffer is the buffer a fragment or a simple upload is read into
	// on its way to the disk: io.Copy's 32 KiB would cost a read and a
	// write system call every 32 KiB.
	copyBuffer = 256 << 10
)

// uploads are the upload sessions of a workload.
type uploads struct {
	mu      sync.Mutex
	m       map[string]*session // by id
	cleaned bool                // the part files of an earlier process are removed
}

// session is one upload session. The fields after mu are guarded by
// uploads.mu; write is held while a fragment is written.
type session struct {
	id, drive string
	t         target // the file (by id) or the path of a new one
	how       string // conflict behaviour
	desc      *string
	ifMatch   string
	by        string // who made the session
	part      string // the part file
	write     sync.Mutex
	h         hash.Hash // of the bytes received, used under write

	total    int64 // -1 until a fragment or fileSize says
	received int64
	expires  time.Time
	ended    bool // committed, cancelled or expired
}

// uploadBody is createUploadSession's body.
type uploadBody struct {
	Item *struct {
		Conflict    string  `json:"@microsoft.graph.conflictBehavior"`
		Name        string  `json:"name"`
		Description *string `json:"description"`
		FileSize    *int64  `json:"fileSize"`
	} `json:"item"`
	DeferCommit bool `json:"deferCommit"`
}

func stampMillis(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05.000Z") }

// ranges is a session's nextExpectedRanges; the caller holds uploads.mu.
func (ss *session) ranges() []string { return graphkit.NextExpectedRanges(ss.received, ss.total) }

// status is the session as Graph reports it; the caller holds uploads.mu.
func (ss *session) status() map[string]any {
	return map[string]any{"expirationDateTime": stampMillis(ss.expires), "nextExpectedRanges": ss.ranges()}
}

func (s *Workload) createUploadSession(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	var b uploadBody
	params, ce := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	if ce == nil {
		data, _ := json.Marshal(params)
		if json.Unmarshal(data, &b) != nil {
			ce = graphkit.Err(400, "invalidRequest", "The body is not a createUploadSession body: {\"item\": {\"@microsoft.graph.conflictBehavior\": ..., \"name\": ...}}.")
		}
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	ss := &session{id: ids.GUID(), t: t, how: "fail", total: -1, ifMatch: r.Header.Get("If-Match")}
	if b.Item != nil {
		ss.desc = b.Item.Description
		if b.Item.FileSize != nil {
			ss.total = *b.Item.FileSize
		}
		if b.Item.Conflict != "" {
			ss.how, ce = conflictBehavior(r, map[string]json.RawMessage{"@microsoft.graph.conflictBehavior": json.RawMessage(strconv.Quote(b.Item.Conflict))}, "fail")
		}
	}
	switch {
	case ce != nil:
	case b.DeferCommit:
		ce = graphkit.Err(400, "notSupported", "The sandbox commits an upload session with its last fragment: leave deferCommit out.")
	case ss.total < -1 || ss.total == 0:
		ce = graphkit.Err(400, "invalidRequest", "item.fileSize is the file's size in bytes, more than 0.")
	case t.byPath && len(t.path) == 0:
		ce = graphkit.Err(400, "invalidRequest", "The upload path names no file: POST items/{parent-id}:/{name}:/createUploadSession.")
	case t.byPath && b.Item != nil && b.Item.Name != "" && !strings.EqualFold(b.Item.Name, t.path[len(t.path)-1]):
		ce = graphkit.Err(400, "invalidRequest", "item.name '"+b.Item.Name+"' is not the name the path ends with ('"+t.path[len(t.path)-1]+"').")
	}
	for _, seg := range t.path {
		if ce == nil && !validName(seg) {
			ce = errBadName(seg)
		}
	}
	if ce == nil {
		ce = s.checkTarget(r, u, ss)
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	files, err := s.filesDir()
	if err == nil {
		err = s.up.prepare(files)
	}
	if err != nil {
		s.Fail(w, r, graphkit.Err(500, "generalException", "The upload session could not be made: "+err.Error()))
		return
	}
	ss.part, ss.h = filepath.Join(files, "uploads", ss.id), sha256.New()
	s.up.mu.Lock()
	s.up.sweep(s.Now())
	ss.expires = s.Now().Add(uploadLifetime)
	s.up.m[ss.id] = ss
	obj := ss.status()
	s.up.mu.Unlock()
	obj["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata#microsoft.graph.uploadSession"
	obj["uploadUrl"] = s.preauthURL(r, UploadPrefix, ss.id, struct{}{}, "")
	s.WriteJSON(w, r, obj)
}

// checkTarget checks what a new session will write, as its commit will
// again: an existing file (by id), or a name that fail does not refuse.
func (s *Workload) checkTarget(r *http.Request, u *graphkit.User, ss *session) *graphkit.Error {
	s.mu.Lock()
	defer s.mu.Unlock()
	d := s.user(u)
	ss.drive, ss.by = d.ID, ownerOf(r, d)
	it := d.resolve(ss.t)
	switch {
	case !ss.t.byPath && it == nil:
		return errNotFound
	case !ss.t.byPath && it.Folder:
		return graphkit.Err(400, "invalidRequest", "A folder has no content: name the new file, POST items/{parent-id}:/{name}:/createUploadSession.")
	case it != nil && !graphkit.IfMatch(r, it.eTag()):
		return graphkit.ErrChangeKeyMismatch
	case ss.t.byPath && it != nil && !it.Folder && ss.how == "fail":
		return errNameExists
	}
	return nil
}

// prepare makes the folder of part files, emptied of an earlier process's
// at its first use.
func (up *uploads) prepare(files string) error {
	up.mu.Lock()
	defer up.mu.Unlock()
	dir := filepath.Join(files, "uploads")
	if !up.cleaned {
		if err := os.RemoveAll(dir); err != nil {
			return err
		}
		up.cleaned = true
	}
	if up.m == nil {
		up.m = map[string]*session{}
	}
	return os.MkdirAll(dir, 0o700)
}

// sweep ends the sessions past their expiry; the caller holds up.mu.
func (up *uploads) sweep(now time.Time) {
	for _, ss := range up.m {
		if !now.Before(ss.expires) {
			up.end(ss)
		}
	}
}

// end removes a session and its bytes; the caller holds up.mu.
func (up *uploads) end(ss *session) {
	ss.ended = true
	delete(up.m, ss.id)
	_ = os.Remove(ss.part)
}

var (
	errSessionGone = graphkit.Err(404, "itemNotFound", "The upload session does not exist: it was completed or cancelled, or the sandbox restarted. Create a new one.")
	errSessionOver = graphkit.Err(404, "itemNotFound", "The upload session has expired (it lasts a week after its last fragment, by the sandbox's clock). Create a new one.")
)

// serveUpload serves an upload session's URL (below UploadPrefix): PUT a
// fragment, GET the session's status, DELETE to cancel.
func (s *Workload) serveUpload(w http.ResponseWriter, r *http.Request) {
	id, ok := s.preauthClaims(r, UploadPrefix, &struct{}{})
	if !ok {
		s.Fail(w, r, errSessionGone) // made by an earlier process (its key is gone), or not at all
		return
	}
	s.up.mu.Lock()
	ss, ce := s.up.find(id, s.Now())
	if ce == nil && r.Method != http.MethodPut {
		switch r.Method {
		case http.MethodGet:
			obj := ss.status()
			s.up.mu.Unlock()
			s.WriteJSON(w, r, obj)
			return
		case http.MethodDelete:
			s.up.end(ss)
			s.up.mu.Unlock()
			s.WriteStatus(w, r, http.StatusNoContent, nil)
			return
		}
		ce = graphkit.Err(405, "invalidRequest", "An upload URL answers PUT (a fragment), GET (the session's status) and DELETE (cancel).")
	}
	s.up.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.putFragment(w, r, ss)
}

// find returns the live session id; the caller holds up.mu.
func (up *uploads) find(id string, now time.Time) (*session, *graphkit.Error) {
	ss := up.m[id]
	switch {
	case ss == nil:
		return nil, errSessionGone
	case !now.Before(ss.expires):
		up.end(ss)
		return nil, errSessionOver
	}
	return ss, nil
}

// putFragment takes one fragment of ss.
func (s *Workload) putFragment(w http.ResponseWriter, r *http.Request, ss *session) {
	f, ce := graphkit.DriveFragments.Fragment(r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	first, last, total, n := f.First, f.Last, f.Total, f.Len()
	ss.write.Lock()
	defer ss.write.Unlock()
	s.up.mu.Lock()
	if ss.ended {
		ce = errSessionGone
	} else {
		ce = f.Follows(ss.received, ss.total)
	}
	s.up.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	if ce := ss.append(r.Body, first, n); ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.up.mu.Lock()
	if ss.ended { // cancelled while the fragment came in
		s.up.mu.Unlock()
		s.Fail(w, r, errSessionGone)
		return
	}
	ss.total, ss.received, ss.expires = total, last+1, s.Now().Add(uploadLifetime)
	obj, done := ss.status(), ss.received == total
	if done {
		ss.ended = true
		delete(s.up.m, ss.id)
	}
	s.up.mu.Unlock()
	if !done {
		s.WriteStatus(w, r, http.StatusAccepted, obj)
		return
	}
	s.commit(w, r, ss)
}

// append writes n bytes of body at offset off (where the part file ends)
// and hashes them; a fragment cut short leaves the file and the hash as
// they were. The caller holds ss.write.
func (ss *session) append(body io.Reader, off, n int64) *graphkit.Error {
	f, err := os.OpenFile(ss.part, os.O_WRONLY|os.O_CREATE, 0o600)
	if err != nil {
		return graphkit.Err(500, "generalException", "The fragment could not be stored.")
	}
	defer f.Close()
	saved, _ := ss.h.(encoding.BinaryMarshaler).MarshalBinary()
	_, err = f.Seek(off, io.SeekStart)
	var got int64
	if err == nil {
		got, err = io.CopyBuffer(io.MultiWriter(f, ss.h), io.LimitReader(body, n), make([]byte, copyBuffer))
		if err == nil && got < n {
			err = io.EOF
		}
	}
	if err == nil {
		var extra [1]byte
		if k, _ := body.Read(extra[:]); k > 0 {
			err = errors.New("longer than its Content-Range")
		}
	}
	if err != nil {
		_ = f.Truncate(off)
		_ = ss.h.(encoding.BinaryUnmarshaler).UnmarshalBinary(saved)
		return graphkit.Err(400, "invalidRequest", fmt.Sprintf("The fragment's body was not the %d bytes its Content-Range names (%d read: %v); send it again.", n, got, err))
	}
	return nil
}

// commit makes the file of a session whose last byte is in: the part file
// goes under its SHA-256, then the item is created or its content replaced,
// as the session's target, conflict behaviour and If-Match say. A commit
// that fails ends the session.
func (s *Workload) commit(w http.ResponseWriter, r *http.Request, ss *session) {
	files, err := s.filesDir()
	sum := hex.EncodeToString(ss.h.Sum(nil))
	dst := ""
	if err == nil {
		dst = contentPath(files, sum)
		err = os.MkdirAll(filepath.Dir(dst), 0o700)
	}
	if err == nil {
		err = os.Rename(ss.part, dst)
	}
	if err != nil {
		_ = os.Remove(ss.part)
		s.Fail(w, r, graphkit.Err(500, "generalException", "The uploaded file could not be stored."))
		return
	}
	cr := r.WithContext(r.Context()) // the session's If-Match, not the fragment's headers
	cr.Header = http.Header{}
	if ss.ifMatch != "" {
		cr.Header.Set("If-Match", ss.ifMatch)
	}
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.drives[ss.drive]
	status, ce := 0, errNotFound
	var it *item
	var obj graphkit.Item
	if d != nil {
		status, it, ce = s.putFile(cr, d, ss.t, ss.how, now)
	}
	if ce == nil {
		if status == http.StatusCreated {
			it.By = ss.by
		}
		if ss.desc != nil {
			it.Desc = *ss.desc
		}
		s.setContent(r, d, it, ss.total, sum, now, ss.by)
		obj = graphkit.NewItem(s.itemObject(r, d, it))
	}
	owner := ""
	if d != nil {
		owner = d.Owner
	}
	s.mu.Unlock()
	if ce == errNameExists {
		ce = graphkit.Err(409, "nameAlreadyExists", "Another file exists with the same name as the uploaded session.")
	}
	u := s.ownerUser(owner)
	if ce == nil && u == nil {
		ce = errNotFound
	}
	s.answer(w, r, u, status, obj, ce)
}
