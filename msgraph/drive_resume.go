package msgraph

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"strings"
)

// Resumable uploads: [DriveService.Upload] runs a whole upload session in one
// call and cancels it when it fails. A caller that wants to survive its own
// end (Ctrl-C, a lost network, a crash) creates the session itself, keeps its
// upload URL somewhere safe (it is pre-authenticated: whoever holds it can
// write the file, so treat it as a secret), and sends the bytes with
// [DriveService.ResumeUpload], as many times as it takes.

// CreateUploadSession starts an upload session for the file name in folder
// parent ("" for the root). Only opts.Conflict is used ([ConflictReplace]
// when empty); Graph applies it when the last byte arrives. The session
// lives until its ExpirationDateTime, which each fragment moves forward.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-createuploadsession
//
//meta:operation POST /drives/{id}/items/{id}:/{name}:/createUploadSession
func (s *DriveService) CreateUploadSession(ctx context.Context, d DriveRef, parent, name string, opts *UploadOptions) (*UploadSession, *Response, error) {
	conflict := ConflictReplace
	if opts != nil && opts.Conflict != "" {
		conflict = opts.Conflict
	}
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, nil, fmt.Errorf("msgraph: upload session: %q is not a file name", name)
	}
	target := d.item(parent) + ":/" + escapeSegment(name) + ":"
	body := map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": conflict, "name": name}}
	return doJSON[UploadSession](ctx, s.client, http.MethodPost, target+"/createUploadSession", body, nil)
}

// ResumeUpload sends the size bytes of r to the upload session sess from
// where the session is: it asks the session for its nextExpectedRanges
// (from the start for a new session) and continues from there, seeking r as
// needed, until the file is complete; it returns the new item. r must hold
// the same bytes as before, from its start. opts.ChunkSize and opts.Progress
// are used as by [DriveService.Upload]; Progress is first called with the
// bytes the session already has.
//
// Unlike Upload, ResumeUpload never cancels the session: when it fails
// (ctx ends, the network is lost), the session stays as it is, and a later
// ResumeUpload with the same URL continues it. A session that has expired
// or was cancelled answers 404 ([Error]); start a new one. Cancel a session
// that is no longer wanted with [DriveService.CancelUpload].
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-createuploadsession#resuming-an-in-progress-upload
func (s *DriveService) ResumeUpload(ctx context.Context, sess *UploadSession, r io.ReadSeeker, size int64, opts *UploadOptions) (*DriveItem, *Response, error) {
	var o UploadOptions
	if opts != nil {
		o = *opts
	}
	next, err := s.client.uploadNext(ctx, sess.UploadURL)
	if err != nil {
		return nil, nil, fmt.Errorf("msgraph: resuming upload: %w", err)
	}
	if next < 0 || next > size {
		return nil, nil, fmt.Errorf("msgraph: resuming upload: the session expects byte %d of a %d-byte file", next, size)
	}
	if o.Progress != nil {
		o.Progress(next, size)
	}
	// uploadChunks starts at byte 0. When the session already has bytes, its
	// first fragment is refused as overlapping (416), and uploadChunks goes on
	// from the session's nextExpectedRanges, seeking r.
	if _, err := r.Seek(0, io.SeekStart); err != nil {
		return nil, nil, fmt.Errorf("msgraph: resuming upload: %w", err)
	}
	item, resp, err := s.client.uploadChunks(ctx, sess, r, size, o)
	if err != nil {
		return nil, resp, fmt.Errorf("msgraph: upload: %w", err)
	}
	return item, resp, nil
}

// CancelUpload deletes an upload session and the bytes it holds (a session
// left behind ends when it expires, so callers may ignore a failure). The
// URL is pre-authenticated: it is sent without the Graph token, and it runs
// for up to 30 seconds even when ctx is cancelled, so that it can clean up
// after a cancelled upload.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-createuploadsession#cancel-the-upload-session
func (s *DriveService) CancelUpload(ctx context.Context, uploadURL string) (*Response, error) {
	return s.client.cancelUpload(ctx, uploadURL)
}
