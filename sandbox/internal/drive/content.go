package drive

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"mime"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// File content: a simple upload (PUT .../content) streams the bytes into a
// file under Kit.Files named by their SHA-256, so a drive keeps no content
// in memory and the journal only the hash; a download is Graph's 302 to a
// pre-authenticated URL on the sandbox's other host name (localhost ↔
// 127.0.0.1, both in its certificate), served by serveDownload outside
// /v1.0. That URL carries a token (an HMAC over the item, drive, content
// version and expiry by the sandbox's clock) and refuses any request that
// carries an Authorization header: a Graph token must never go there.

// SimpleUploadLimit is the largest body of a simple upload: 250 MB, as
// Graph's documentation of PUT /content says; larger files go through an
// upload session.
const SimpleUploadLimit = 250 << 20

// DownloadPrefix is the path below which the sandbox serves the
// pre-authenticated download URLs (ServeURL).
const DownloadPrefix = "/_content/"

// downloadLifetime is how long a download URL works (Graph's last an hour).
const downloadLifetime = time.Hour

func sha256Hex(b []byte) string { h := sha256.Sum256(b); return hex.EncodeToString(h[:]) }

// mimeType guesses a file's type from its extension, as OneDrive does.
func mimeType(name string) string {
	switch strings.ToLower(path.Ext(name)) {
	case ".md":
		return "text/markdown"
	case ".txt":
		return "text/plain"
	}
	if t, ok := officeTypes[strings.ToLower(path.Ext(name))]; ok {
		return t
	}
	if t, _, err := mime.ParseMediaType(mime.TypeByExtension(path.Ext(name))); err == nil && t != "" {
		return t
	}
	return "application/octet-stream"
}

// otherHost is the host a pre-authenticated URL uses (graphkit.OtherHost).
var otherHost = graphkit.OtherHost

// downloadClaims are what a download URL's token says beside the item
// its path names.
type downloadClaims struct {
	Drive   string `json:"d"`
	Version int    `json:"v"` // the item's content version
	Expires int64  `json:"e"` // Unix seconds, by the sandbox's clock

	// Of names a version whose bytes the URL serves (versions.go);
	// Variant bytes made from the content: a conversion or a thumbnail
	// (convert.go, thumbnails.go).
	Of, Variant string `json:",omitempty"`
}

// downloadURL is it's pre-authenticated content URL; the caller holds the lock.
func (s *Workload) downloadURL(r *http.Request, d *drive, it *item) string {
	c := downloadClaims{Drive: d.ID, Version: it.Content, Expires: s.Now().Add(downloadLifetime).Unix()}
	return s.preauthURL(r, DownloadPrefix, it.ID, c, "/"+url.PathEscape(it.Name))
}

func (s *Workload) contentRedirect(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	s.mu.Lock()
	d := s.user(u)
	it := d.resolve(t)
	loc := ""
	if it != nil && !it.Folder {
		loc = s.downloadURL(r, d, it)
	}
	s.mu.Unlock()
	if loc == "" {
		s.Fail(w, r, errNotFound)
		return
	}
	s.redirect(w, r, loc)
}

// serveDownload serves a pre-authenticated download URL (below
// DownloadPrefix): the file's bytes, with Range requests honoured.
func (s *Workload) serveDownload(w http.ResponseWriter, r *http.Request) {
	if r.Method != http.MethodGet && r.Method != http.MethodHead {
		s.WriteError(w, r, 405, "invalidRequest", "A download URL answers GET and HEAD only.")
		return
	}
	var c downloadClaims
	id, ok := s.preauthClaims(r, DownloadPrefix, &c)
	if !ok {
		s.WriteError(w, r, 401, "unauthenticated", "The download URL is not valid: get a new one from the item's content or @microsoft.graph.downloadUrl.")
		return
	}
	if s.Now().Unix() >= c.Expires {
		s.WriteError(w, r, 401, "unauthenticated", "The download URL has expired: get a new one from the item's content or @microsoft.graph.downloadUrl.")
		return
	}
	s.mu.Lock()
	var it *item
	if d := s.drives[c.Drive]; d != nil {
		it = d.find(id)
	}
	var hash, name string
	var modified time.Time
	if it != nil && !it.Folder {
		if h, ok := it.source(c); ok {
			hash, name, modified = h, it.Name, it.Modified
		}
	}
	s.mu.Unlock()
	if hash == "" {
		s.WriteError(w, r, 404, "itemNotFound", "The file this URL was made for is gone or has changed: get a new URL.")
		return
	}
	if c.Variant != "" {
		s.serveVariant(w, r, c.Variant, hash, name, modified)
		return
	}
	body, err := s.open(hash)
	if err != nil {
		s.WriteError(w, r, 500, "generalException", "The file's content could not be read.")
		return
	}
	if f, ok := body.(io.Closer); ok {
		defer f.Close()
	}
	w.Header().Set("Content-Type", mimeType(name))
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(name, `"`, "")+`"`)
	http.ServeContent(w, r, "", modified, body)
}

// contentPath is where the folder files keeps the bytes whose SHA-256 is hash.
func contentPath(files, hash string) string { return filepath.Join(files, hash[:2], hash) }

// filesDir is Kit.Files' folder.
func (s *Workload) filesDir() (string, error) {
	if s.Files == nil {
		return "", errors.New("drive: no folder for file content")
	}
	return s.Files()
}

// open returns the bytes whose SHA-256 is hash: a seeded file's from
// memory, any other from Kit.Files.
func (s *Workload) open(hash string) (io.ReadSeeker, error) {
	if b, ok := seedContent()[hash]; ok {
		return bytes.NewReader(b), nil
	}
	files, err := s.filesDir()
	if err != nil {
		return nil, err
	}
	return os.Open(contentPath(files, hash))
}

var errTooLarge = graphkit.Err(413, "maxFileSizeExceeded",
	"The file is larger than the "+strconv.Itoa(SimpleUploadLimit>>20)+" MB a simple upload takes: upload it with an upload session (createUploadSession).")

// store streams body into Kit.Files and returns its size and SHA-256.
func (s *Workload) storeContent(body io.Reader) (int64, string, *graphkit.Error) {
	files, err := s.filesDir()
	if err == nil {
		err = os.MkdirAll(files, 0o700)
	}
	if err != nil {
		return 0, "", graphkit.Err(500, "generalException", "The file's content could not be stored: "+err.Error())
	}
	f, err := os.CreateTemp(files, "upload-*")
	if err != nil {
		return 0, "", graphkit.Err(500, "generalException", "The file's content could not be stored.")
	}
	defer os.Remove(f.Name()) // after the rename, a no-op
	h := sha256.New()
	n, err := io.CopyBuffer(io.MultiWriter(f, h), io.LimitReader(body, SimpleUploadLimit+1), make([]byte, copyBuffer))
	if cerr := f.Close(); err == nil {
		err = cerr
	}
	switch {
	case n > SimpleUploadLimit:
		return 0, "", errTooLarge
	case err != nil:
		return 0, "", graphkit.Err(400, "invalidRequest", "The request body could not be read: "+err.Error())
	}
	hash := hex.EncodeToString(h.Sum(nil))
	dst := contentPath(files, hash)
	if err := os.MkdirAll(filepath.Dir(dst), 0o700); err != nil {
		return 0, "", graphkit.Err(500, "generalException", "The file's content could not be stored.")
	}
	if err := os.Rename(f.Name(), dst); err != nil {
		return 0, "", graphkit.Err(500, "generalException", "The file's content could not be stored.")
	}
	return n, hash, nil
}

// upload is a simple upload: PUT .../{item}/content replaces a file's
// content; PUT .../{parent}:/{name}:/content (or root:/a/b.txt:/content)
// creates the file, or follows @microsoft.graph.conflictBehavior (replace by
// default) when the name is taken. Missing folders on the path are created.
func (s *Workload) upload(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	if r.ContentLength > SimpleUploadLimit {
		s.Fail(w, r, errTooLarge)
		return
	}
	how, ce := conflictBehavior(r, nil, "replace")
	if ce == nil && t.byPath && len(t.path) == 0 {
		ce = graphkit.Err(400, "invalidRequest", "The upload path names no file.")
	}
	for _, seg := range t.path { // the file's name and the folders it may create
		if ce == nil && !validName(seg) {
			ce = errBadName(seg)
		}
	}
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	size, hash, ce := s.storeContent(r.Body)
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	now := s.Now().UTC()
	s.mu.Lock()
	d := s.user(u)
	status, it, ce := s.putFile(r, d, t, how, now)
	var obj graphkit.Item
	if ce == nil {
		s.setContent(r, d, it, size, hash, now, ownerOf(r, d))
		obj = graphkit.NewItem(s.itemObject(r, d, it))
	}
	s.mu.Unlock()
	s.answer(w, r, u, status, obj, ce)
}

// putFile finds or creates the file an upload writes; the caller holds the
// lock and sets the content.
func (s *Workload) putFile(r *http.Request, d *drive, t target, how string, now time.Time) (int, *item, *graphkit.Error) {
	if !t.byPath {
		it := d.resolve(t)
		switch {
		case it == nil:
			return 0, nil, errNotFound
		case it.Folder:
			return 0, nil, graphkit.Err(400, "invalidRequest", "A folder has no content to replace.")
		case !graphkit.IfMatch(r, it.eTag()):
			return 0, nil, graphkit.ErrChangeKeyMismatch
		}
		return http.StatusOK, it, nil
	}
	parent := d.find(t.base)
	by := ownerOf(r, d)
	for _, seg := range t.path[:len(t.path)-1] {
		if parent == nil || !parent.Folder {
			return 0, nil, errNotFound
		}
		next := d.child(parent, seg)
		if next == nil {
			next = &item{ID: newItemID(), Name: seg, Folder: true, Version: 1, Content: 1, Created: now, Modified: now, By: by, ModBy: by}
			d.items[next.ID] = next
			d.link(next, parent.ID)
			s.touch(r, d, next)
		}
		parent = next
	}
	if parent == nil || !parent.Folder {
		return 0, nil, errNotFound
	}
	name, old, ce := d.place(parent, t.path[len(t.path)-1], how)
	if ce != nil {
		return 0, nil, ce
	}
	if old != nil && !old.Folder {
		if !graphkit.IfMatch(r, old.eTag()) {
			return 0, nil, graphkit.ErrChangeKeyMismatch
		}
		old.Name = name
		return http.StatusOK, old, nil
	}
	if old != nil { // a folder of that name, replaced by the file
		s.recycle(r, d, old, now)
	}
	it := &item{ID: newItemID(), Name: name, MimeType: mimeType(name), Created: now, Modified: now, By: by, ModBy: by}
	d.items[it.ID] = it
	d.link(it, parent.ID)
	return http.StatusCreated, it, nil
}

// setContent gives file it new content (size bytes whose SHA-256 is hash,
// already in Kit.Files), written by user by; the caller holds the lock.
func (s *Workload) setContent(r *http.Request, d *drive, it *item, size int64, hash string, now time.Time, by string) {
	it.replaceContent(size, hash, now, by)
	s.touch(r, d, it)
}

// replaceContent gives file it new content without journaling it (the
// caller Touches it); the caller holds the lock.
func (it *item) replaceContent(size int64, hash string, now time.Time, by string) {
	it.keepVersion()
	it.Size, it.Hash, it.Content, it.Version, it.Modified, it.ModBy = size, hash, it.Content+1, it.Version+1, now, by
}
