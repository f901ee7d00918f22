package msgraph

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
	"time"
)

// DriveItemVersion is one version of a file: the current content is the
// newest version, earlier ones are what it replaced.
type DriveItemVersion struct {
	ID                   string      `json:"id,omitempty"` // "1.0", "2.0", ...
	Size                 int64       `json:"size,omitempty"`
	LastModifiedDateTime time.Time   `json:"lastModifiedDateTime,omitzero"`
	LastModifiedBy       IdentitySet `json:"lastModifiedBy,omitzero"`
	Publication          *struct {
		Level     string `json:"level,omitempty"`
		VersionID string `json:"versionId,omitempty"`
	} `json:"publication,omitempty"`
}

// ThumbnailSet is one set of an item's thumbnails (Graph names the first
// "0"); a size is nil when Graph has none.
type ThumbnailSet struct {
	ID     string     `json:"id,omitempty"`
	Small  *Thumbnail `json:"small,omitempty"`
	Medium *Thumbnail `json:"medium,omitempty"`
	Large  *Thumbnail `json:"large,omitempty"`
	Source *Thumbnail `json:"source,omitempty"`
}

// Thumbnail is one thumbnail image. URL is pre-authenticated: fetch it
// without credentials (DownloadThumbnail does), and do not log it.
type Thumbnail struct {
	Width  int    `json:"width,omitempty"`
	Height int    `json:"height,omitempty"`
	URL    string `json:"url,omitempty"`
}

// Thumbnail sizes of a [ThumbnailSet].
const (
	ThumbnailSmall  = "small"
	ThumbnailMedium = "medium"
	ThumbnailLarge  = "large"
)

func (d DriveRef) versions(id string) string { return d.item(id) + "/versions" }

func (d DriveRef) version(id, version string) string {
	return d.versions(id) + "/" + escapeSegment(version)
}

// ListVersions returns the first page of a file's versions, newest (the
// current content) first.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-list-versions
//
//meta:operation GET /drives/{id}/items/{id}/versions
func (s *DriveService) ListVersions(ctx context.Context, d DriveRef, id string, opts *ListOptions) ([]*DriveItemVersion, *Response, error) {
	var q query
	q.list(opts)
	return getPage[DriveItemVersion](ctx, s.client, q.on(d.versions(id)), nil)
}

// ListVersionsIter iterates over all of a file's versions, newest first.
func (s *DriveService) ListVersionsIter(ctx context.Context, d DriveRef, id string, opts *ListOptions) iter.Seq2[*DriveItemVersion, error] {
	var q query
	q.list(opts)
	return all[DriveItemVersion](ctx, s.client, q.on(d.versions(id)), nil)
}

// GetVersion returns one version of a file.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitemversion-get
//
//meta:operation GET /drives/{id}/items/{id}/versions/{id}
func (s *DriveService) GetVersion(ctx context.Context, d DriveRef, id, version string) (*DriveItemVersion, *Response, error) {
	return getOne[DriveItemVersion](ctx, s.client, d.version(id, version))
}

// DownloadVersion writes the content of one version of a file to w, as
// [DriveService.Download] does the current content.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitemversion-get-contents
//
//meta:operation GET /drives/{id}/items/{id}/versions/{id}/content
func (s *DriveService) DownloadVersion(ctx context.Context, d DriveRef, id, version string, w io.Writer) (*Response, error) {
	return s.client.download(ctx, d.version(id, version)+"/content", w)
}

// RestoreVersion makes a version's content the file's current content (the
// replaced content becomes a version too).
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitemversion-restore
//
//meta:operation POST /drives/{id}/items/{id}/versions/{id}/restoreVersion
func (s *DriveService) RestoreVersion(ctx context.Context, d DriveRef, id, version string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, d.version(id, version)+"/restoreVersion", nil)
}

// ListThumbnails returns the first page of an item's thumbnail sets (none
// for a file Graph makes no thumbnails of).
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-list-thumbnails
//
//meta:operation GET /drives/{id}/items/{id}/thumbnails
func (s *DriveService) ListThumbnails(ctx context.Context, d DriveRef, id string, opts *ListOptions) ([]*ThumbnailSet, *Response, error) {
	var q query
	q.list(opts)
	return getPage[ThumbnailSet](ctx, s.client, q.on(d.item(id)+"/thumbnails"), nil)
}

// ListThumbnailsIter iterates over all of an item's thumbnail sets.
func (s *DriveService) ListThumbnailsIter(ctx context.Context, d DriveRef, id string, opts *ListOptions) iter.Seq2[*ThumbnailSet, error] {
	var q query
	q.list(opts)
	return all[ThumbnailSet](ctx, s.client, q.on(d.item(id)+"/thumbnails"), nil)
}

// DownloadThumbnail writes one thumbnail image of an item to w: set is the
// set's id ("0" for the first), size [ThumbnailSmall], [ThumbnailMedium]
// or [ThumbnailLarge]. Graph redirects to a pre-authenticated URL, fetched
// without credentials.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-list-thumbnails
//
//meta:operation GET /drives/{id}/items/{id}/thumbnails/{id}/{size}/content
func (s *DriveService) DownloadThumbnail(ctx context.Context, d DriveRef, id, set, size string, w io.Writer) (*Response, error) {
	return s.client.download(ctx, d.item(id)+"/thumbnails/"+escapeSegment(set)+"/"+escapeSegment(size)+"/content", w)
}

// download writes the bytes at u (a Graph content address that redirects to
// a pre-authenticated URL, fetched without credentials) to w.
func (c *Client) download(ctx context.Context, u string, w io.Writer) (*Response, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "*/*")
	resp, err := c.send(req)
	if err != nil {
		return resp, err
	}
	defer resp.Body.Close()
	resp.Written, err = io.CopyBuffer(w, resp.Body, make([]byte, downloadBuffer))
	if err != nil {
		return resp, fmt.Errorf("msgraph: download: %w", err)
	}
	return resp, nil
}

// downloadValue writes the raw answer of a $value request to w.
func (c *Client) downloadValue(ctx context.Context, u string, w io.Writer) (*Response, error) {
	req, err := c.NewRequest(ctx, http.MethodGet, u, nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "*/*")
	return c.Do(req, w)
}
