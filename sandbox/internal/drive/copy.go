package drive

import (
	"encoding/json"
	"net/http"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// Copies (driveItem: copy): POST items/{id}/copy with a parentReference and
// an optional name is 202 Accepted with Location, a monitor URL on the
// sandbox's other host name, pre-authenticated like a download URL (Graph's
// is on another host and takes no token). The copy is made at once (a
// folder with everything below it, every new item journaled), but the
// monitor of a folder's copy answers "inProgress" to its first poll, so a
// client's polling is exercised; after that it is "completed" with the new
// item's id as resourceId. Monitors live in memory, an hour by the sandbox's
// clock; a restarted sandbox answers 404 for the old ones.

// MonitorPrefix is the path below which the sandbox serves copy monitors
// (ServeURL).
const MonitorPrefix = "/_monitor/"

// monitorLifetime is how long a copy's monitor answers.
const monitorLifetime = time.Hour

// monitors are the copy monitors of a workload.
type monitors struct {
	mu sync.Mutex
	m  map[string]*monitor // by id
}

// monitor is one copy's progress.
type monitor struct {
	resource string    // the new item's id
	pending  int       // polls still answered "inProgress"
	expires  time.Time // by the sandbox's clock

	failed *graphkit.Error // why the copy failed (nil: it did not)
}

// copyBody is copy's body.
type copyBody struct {
	Parent *itemRef `json:"parentReference"`
	Name   *string  `json:"name"`
}

func (s *Workload) copyItem(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	b, how, ce := readCopy(w, r)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	made, ce := s.copyInto(r, s.user(u), t, b, how, now)
	s.mu.Unlock()
	mon := &monitor{expires: now.Add(monitorLifetime)}
	switch {
	case ce == errNameExists: // accepted, then failed, as Graph reports a copy's conflict
		mon.failed = ce
	case ce != nil:
		s.Fail(w, r, ce)
		return
	default:
		mon.resource = made.ID
		if made.Folder {
			mon.pending = 1
		}
	}
	id := ids.GUID()
	s.mon.mu.Lock()
	if s.mon.m == nil {
		s.mon.m = map[string]*monitor{}
	}
	for k, m := range s.mon.m {
		if !now.Before(m.expires) {
			delete(s.mon.m, k)
		}
	}
	s.mon.m[id] = mon
	s.mon.mu.Unlock()
	s.IDs(w, r)
	w.Header().Set("Location", s.preauthURL(r, MonitorPrefix, id, struct{}{}, ""))
	w.WriteHeader(http.StatusAccepted)
}

// readCopy reads a copy's body and conflict behaviour (the body's or the
// query's @microsoft.graph.conflictBehavior; fail by default).
func readCopy(w http.ResponseWriter, r *http.Request) (copyBody, string, *graphkit.Error) {
	var b copyBody
	params, ce := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	if ce == nil {
		data, _ := json.Marshal(params)
		if json.Unmarshal(data, &b) != nil {
			ce = graphkit.Err(400, "invalidRequest", "The body is not a copy body: {\"parentReference\": {\"id\": ...}, \"name\": ...}.")
		}
	}
	how := ""
	if ce == nil {
		how, ce = conflictBehavior(r, params, "fail")
	}
	if ce == nil && b.Name != nil && !validName(*b.Name) {
		ce = errBadName(*b.Name)
	}
	return b, how, ce
}

// copyInto makes the copy b asks for of the item t names in d, under
// conflict behaviour how; errNameExists when the name is taken and how is
// fail. The caller holds the lock.
func (s *Workload) copyInto(r *http.Request, d *drive, t target, b copyBody, how string, now time.Time) (*item, *graphkit.Error) {
	src := d.resolve(t)
	parent := d.find("")
	if b.Parent != nil {
		parent = d.resolveRef(b.Parent)
	}
	switch {
	case src == nil:
		return nil, errNotFound
	case src.ParentID == "":
		return nil, graphkit.Err(400, "invalidRequest", "The root folder cannot be copied: copy the items in it.")
	case parent == nil || !parent.Folder:
		return nil, errNoFolder
	}
	for p := parent; p != nil; p = d.items[p.ParentID] {
		if p == src {
			return nil, graphkit.Err(400, "invalidRequest", "A folder cannot be copied into itself or one of its folders.")
		}
	}
	name := src.Name
	if b.Name != nil {
		name = *b.Name
	}
	name, old, ce := d.place(parent, name, how)
	if ce != nil {
		return nil, ce
	}
	if old != nil {
		s.recycle(r, d, old, now)
	}
	return s.copyTree(r, d, src, parent.ID, name, ownerOf(r, d), now), nil
}

// copyTree copies src, and all below it when it is a folder, into the
// folder parent as name; every new item is journaled. The caller holds the
// lock.
func (s *Workload) copyTree(r *http.Request, d *drive, src *item, parent, name, by string, now time.Time) *item {
	it := &item{ID: newItemID(), Name: name, Folder: src.Folder, Desc: src.Desc, Size: src.Size, Hash: src.Hash,
		MimeType: src.MimeType, Version: 1, Content: 1, Created: now, Modified: now, By: by, ModBy: by}
	d.items[it.ID] = it
	d.link(it, parent)
	s.touch(r, d, it)
	if src.Folder {
		for _, c := range d.children(src) {
			s.copyTree(r, d, c, it.ID, c.Name, by, now)
		}
	}
	return it
}

// serveMonitor answers a copy monitor's GET: 202 with Retry-After while the
// copy is "inProgress", then 200 "completed" with the new item's id.
func (s *Workload) serveMonitor(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet {
		s.WriteError(w, r, 405, "invalidRequest", "A monitor URL answers GET only.")
		return
	}
	id, ok := s.preauthClaims(r, MonitorPrefix, &struct{}{})
	if !ok {
		s.WriteError(w, r, 404, "itemNotFound", "The copy monitor does not exist (the sandbox may have restarted): check whether the copy is in the folder.")
		return
	}
	s.mon.mu.Lock()
	m := s.mon.m[id]
	if m != nil && !s.Now().Before(m.expires) {
		delete(s.mon.m, id)
		m = nil
	}
	obj := map[string]any{"status": "completed", "percentageComplete": 100.0}
	status := http.StatusOK
	switch {
	case m != nil && m.failed != nil:
		obj["status"], obj["percentageComplete"] = "failed", 0.0
		obj["error"] = map[string]any{"code": m.failed.Code, "message": m.failed.Message}
	case m != nil:
		obj["resourceId"] = m.resource
		if m.pending > 0 {
			m.pending--
			obj["status"], obj["percentageComplete"], status = "inProgress", 0.0, http.StatusAccepted
		}
	}
	s.mon.mu.Unlock()
	if m == nil {
		s.WriteError(w, r, 404, "itemNotFound", "The copy monitor has expired (an hour after the copy, by the sandbox's clock).")
		return
	}
	if status == http.StatusAccepted {
		w.Header().Set("Retry-After", "1")
	}
	s.WriteStatus(w, r, status, obj)
}
