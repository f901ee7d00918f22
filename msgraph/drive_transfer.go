package msgraph

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// SimpleUploadMax is the largest file sent in one PUT (4 MiB); larger files
// go through an upload session.
const SimpleUploadMax = 4 << 20

// UploadChunkUnit is the unit of an upload session's chunks: each chunk but
// the last must be a multiple of 320 KiB.
const UploadChunkUnit = 320 << 10

// UploadOptions are the options of [DriveService.Upload].
type UploadOptions struct {
	// Conflict is what happens when the name is taken: [ConflictFail],
	// [ConflictRename] or [ConflictReplace] (the default).
	Conflict string
	// ChunkSize is the size of an upload session's chunks, rounded down to
	// a multiple of [UploadChunkUnit]; 0 means 10 MiB. Graph takes less than
	// 60 MiB a request.
	ChunkSize int
	// Progress, if set, is called after each chunk with the bytes sent so far.
	Progress func(sent, total int64)
}

// UploadSession is a large-file upload in progress.
type UploadSession struct {
	// UploadURL is pre-authenticated: it must not receive Graph credentials.
	UploadURL          string    `json:"uploadUrl"`
	ExpirationDateTime time.Time `json:"expirationDateTime,omitzero"`
	NextExpectedRanges []string  `json:"nextExpectedRanges,omitempty"`
}

// Upload writes size bytes from r as the file name in folder parent ("" for
// the root) and returns the new item. Files up to [SimpleUploadMax] go in one
// request; larger ones through an upload session, chunk by chunk, each chunk
// retried on throttling and network errors as the [RetryPolicy] says. If r is
// an io.Seeker, an upload session can also go back to the range the server
// expects. A failed session is cancelled.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-createuploadsession
//
//meta:operation PUT /drives/{id}/items/{id}:/{name}:/content
//meta:operation POST /drives/{id}/items/{id}:/{name}:/createUploadSession
func (s *DriveService) Upload(ctx context.Context, d DriveRef, parent, name string, r io.Reader, size int64, opts *UploadOptions) (*DriveItem, *Response, error) {
	var o UploadOptions
	if opts != nil {
		o = *opts
	}
	if o.Conflict == "" {
		o.Conflict = ConflictReplace
	}
	if name == "" || strings.ContainsAny(name, `/\`) {
		return nil, nil, fmt.Errorf("msgraph: upload: %q is not a file name", name)
	}
	target := d.item(parent) + ":/" + escapeSegment(name) + ":"
	if size <= SimpleUploadMax {
		data, err := io.ReadAll(io.LimitReader(r, size+1))
		if err != nil {
			return nil, nil, fmt.Errorf("msgraph: upload %s: reading: %w", name, err)
		}
		if int64(len(data)) != size {
			return nil, nil, fmt.Errorf("msgraph: upload %s: read %d bytes, expected %d", name, len(data), size)
		}
		var q query
		q.add("@microsoft.graph.conflictBehavior", o.Conflict)
		req, err := s.client.NewRequest(ctx, http.MethodPut, q.on(target+"/content"), bytes.NewReader(data))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Content-Type", "application/octet-stream")
		item := new(DriveItem)
		resp, err := s.client.Do(req, item)
		if err != nil {
			return nil, resp, err
		}
		if o.Progress != nil {
			o.Progress(size, size)
		}
		return item, resp, nil
	}
	body := map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": o.Conflict, "name": name}}
	sess, resp, err := doJSON[UploadSession](ctx, s.client, http.MethodPost, target+"/createUploadSession", body, nil)
	if err != nil {
		return nil, resp, err
	}
	item, resp, err := s.client.uploadChunks(ctx, sess, r, size, o)
	if err != nil {
		s.client.cancelUpload(ctx, sess.UploadURL)
		return nil, resp, fmt.Errorf("msgraph: upload %s: %w", name, err)
	}
	return item, resp, nil
}

// cancelUpload deletes an upload session, best effort: a session left
// behind holds quota until it expires.
func (c *Client) cancelUpload(ctx context.Context, uploadURL string) (*Response, error) {
	cctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), 30*time.Second)
	defer cancel()
	req, err := newPreauthRequest(cctx, http.MethodDelete, uploadURL, nil)
	if err != nil {
		return nil, err
	}
	resp, err := c.sendWith(c.preauth, req)
	if resp != nil {
		resp.Body.Close()
	}
	return resp, err
}

// maxUploadResumes is how many times an upload session is resumed from the
// server's nextExpectedRanges after a fragment's answer was lost or refused
// as overlapping (416).
const maxUploadResumes = 10

// uploadChunks sends r to an upload session and returns the created item.
// When a fragment's answer is lost (a network error) or the server refuses
// it with 416 (it already has those bytes, say from the attempt whose answer
// was lost), the session is asked for nextExpectedRanges and the upload
// continues from there, as Graph's guidance for upload sessions says.
func (c *Client) uploadChunks(ctx context.Context, sess *UploadSession, r io.Reader, size int64, o UploadOptions) (*DriveItem, *Response, error) {
	chunk := o.ChunkSize / UploadChunkUnit * UploadChunkUnit
	if chunk <= 0 {
		chunk = 32 * UploadChunkUnit // 10 MiB
	}
	buf := make([]byte, chunk)
	var off int64   // the first byte of the next fragment
	var have []byte // bytes from off already read from r (after a resume)
	resumes := 0
	for off < size {
		frag := have
		if len(frag) == 0 {
			n, err := io.ReadFull(r, buf[:min(int64(chunk), size-off)])
			if err != nil {
				return nil, nil, fmt.Errorf("reading at byte %d: %w", off, err)
			}
			frag = buf[:n]
		}
		have = nil
		end := off + int64(len(frag))
		req, err := newPreauthRequest(ctx, http.MethodPut, sess.UploadURL, bytes.NewReader(frag))
		if err != nil {
			return nil, nil, err
		}
		req.Header.Set("Content-Range", fmt.Sprintf("bytes %d-%d/%d", off, end-1, size))
		resp, err := c.sendWith(c.preauth, req)
		if err != nil {
			var ge *Error
			if (errors.As(err, &ge) && ge.StatusCode != http.StatusRequestedRangeNotSatisfiable) || ctx.Err() != nil || resumes == maxUploadResumes {
				return nil, nil, err
			}
			resumes++
			next, serr := c.uploadNext(ctx, sess.UploadURL)
			if serr != nil {
				return nil, nil, fmt.Errorf("%w (then asking the upload session where to continue: %v)", err, serr)
			}
			if have, off, err = resumeAt(r, next, off, frag); err != nil {
				return nil, nil, err
			}
			continue
		}
		data, err := io.ReadAll(io.LimitReader(resp.Body, maxErrorBody))
		resp.Body.Close()
		if err != nil {
			return nil, nil, err
		}
		off = end
		if o.Progress != nil {
			o.Progress(off, size)
		}
		if resp.StatusCode < 200 || resp.StatusCode > 299 {
			return nil, nil, fmt.Errorf("unexpected status %s for byte range at %d", resp.Status, off)
		}
		var st UploadSession
		_ = json.Unmarshal(data, &st) // a final answer may be an item, or empty
		// The upload is done when the last byte is in and the server expects no
		// more: a driveItem (200/201), or for Outlook attachments 201 with an
		// empty body and the attachment's Location. Drive sessions answer
		// chunks with 202, Outlook's with 200; both list nextExpectedRanges.
		if off == size && resp.StatusCode != http.StatusAccepted && len(st.NextExpectedRanges) == 0 {
			item := new(DriveItem)
			if len(bytes.TrimSpace(data)) == 0 {
				item.ID = quotedKey(resp.Header.Get("Location"))
				return item, resp, nil
			}
			if err := json.Unmarshal(data, item); err != nil {
				return nil, resp, fmt.Errorf("decoding the uploaded item: %w", err)
			}
			return item, resp, nil
		}
		next, ok := nextRange(st.NextExpectedRanges)
		if !ok || next == off {
			continue
		}
		// The server expects another range than the one that follows.
		if have, off, err = resumeAt(r, next, off-int64(len(frag)), frag); err != nil {
			return nil, nil, err
		}
	}
	return nil, nil, errors.New("the server did not complete the upload after the last byte")
}

// uploadNext asks an upload session for the first byte it expects next.
func (c *Client) uploadNext(ctx context.Context, uploadURL string) (int64, error) {
	req, err := newPreauthRequest(ctx, http.MethodGet, uploadURL, nil)
	if err != nil {
		return 0, err
	}
	resp, err := c.sendWith(c.preauth, req)
	if err != nil {
		return 0, err
	}
	defer resp.Body.Close()
	var st UploadSession
	if err := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&st); err != nil {
		return 0, fmt.Errorf("decoding the upload session's status: %w", err)
	}
	next, ok := nextRange(st.NextExpectedRanges)
	if !ok {
		return 0, fmt.Errorf("the upload session expects no range (%q)", st.NextExpectedRanges)
	}
	return next, nil
}

// resumeAt moves an upload to byte next, the server's choice, after the
// fragment frag sent from off (r has been read to its end): frag again when
// next is its start, what follows it when next is its end, else r seeked to
// next (so that every fragment but the last stays a multiple of
// [UploadChunkUnit]). It returns the bytes already read from next and the
// new offset.
func resumeAt(r io.Reader, next, off int64, frag []byte) ([]byte, int64, error) {
	end := off + int64(len(frag))
	switch next {
	case off:
		return frag, next, nil
	case end:
		return nil, next, nil
	}
	sk, seekable := r.(io.Seeker)
	if !seekable {
		return nil, 0, fmt.Errorf("server expects byte %d, not %d, and the source cannot seek", next, end)
	}
	if _, err := sk.Seek(next, io.SeekStart); err != nil {
		return nil, 0, err
	}
	return nil, next, nil
}

// quotedKey returns the key of a URL ending in Segment('key'), or "".
func quotedKey(u string) string {
	if !strings.HasSuffix(u, "')") {
		return ""
	}
	i := strings.LastIndex(u, "('")
	if i < 0 {
		return ""
	}
	return u[i+2 : len(u)-2]
}

// nextRange returns the start of the first expected range ("12345-" or "12345-23456").
func nextRange(ranges []string) (int64, bool) {
	if len(ranges) == 0 {
		return 0, false
	}
	start, _, _ := strings.Cut(ranges[0], "-")
	n, err := strconv.ParseInt(start, 10, 64)
	return n, err == nil
}

// downloadBuffer is what a download is read in: io.Copy's 32 KiB would
// cost a system call every 32 KiB of a file of any size (unless w takes the
// body itself, with ReadFrom).
const downloadBuffer = 256 << 10

// DownloadOptions are the options of [DriveService.Download].
type DownloadOptions struct {
	// Format, if set, asks for the file converted to this format ("pdf",
	// "html", "jpg", ...), as Graph's ?format= does; see the docs for which
	// source formats convert to which.
	Format string
}

// Download writes a file's content to w; the Response's Written is the
// number of bytes written. Graph answers with a redirect to a pre-authenticated URL, which is
// fetched without Graph credentials (see [Client.Do]); the Response is that
// URL's.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-get-content
// and https://learn.microsoft.com/graph/api/driveitem-get-content-format
//
//meta:operation GET /drives/{id}/items/{id}/content
func (s *DriveService) Download(ctx context.Context, d DriveRef, id string, w io.Writer, opts *DownloadOptions) (*Response, error) {
	var q query
	if opts != nil && opts.Format != "" {
		q.add("format", opts.Format)
	}
	return s.client.download(ctx, q.on(d.item(id)+"/content"), w)
}
