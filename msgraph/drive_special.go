package msgraph

import (
	"context"
	"iter"
	"strings"
)

// Special folders a drive has (Graph's specialFolder names), for
// [DriveService.GetSpecialFolder].
const (
	SpecialDocuments  = "documents"
	SpecialPhotos     = "photos"
	SpecialCameraRoll = "cameraroll"
	// SpecialAppRoot is the calling app's own folder (Apps/<app name>).
	SpecialAppRoot    = "approot"
	SpecialMusic      = "music"
	SpecialRecordings = "recordings"
)

// GetSpecialFolder returns one of a drive's special folders by its name
// ([SpecialDocuments], [SpecialAppRoot], ...); Graph makes it on first
// access. Its ID lists and takes items like any folder's (ListChildren,
// Upload...), and GetOptions{Expand: []string{"children"}} returns its
// items in Children.
//
// Graph docs: https://learn.microsoft.com/graph/api/drive-get-specialfolder
//
//meta:operation GET /drives/{id}/special/{name}
func (s *DriveService) GetSpecialFolder(ctx context.Context, d DriveRef, name string, opts *GetOptions) (*DriveItem, *Response, error) {
	var q query
	q.get(opts)
	return getOne[DriveItem](ctx, s.client, q.on(string(d)+"/special/"+escapeSegment(name)))
}

// ListSpecialChildren returns the first page of a special folder's items.
//
// Graph docs: https://learn.microsoft.com/graph/api/drive-get-specialfolder
//
//meta:operation GET /drives/{id}/special/{name}/children
func (s *DriveService) ListSpecialChildren(ctx context.Context, d DriveRef, name string, opts *ListOptions) ([]*DriveItem, *Response, error) {
	var q query
	q.list(opts)
	return getPage[DriveItem](ctx, s.client, q.on(string(d)+"/special/"+escapeSegment(name)+"/children"), nil)
}

// ListSpecialChildrenIter iterates over everything ListSpecialChildren would page through.
func (s *DriveService) ListSpecialChildrenIter(ctx context.Context, d DriveRef, name string, opts *ListOptions) iter.Seq2[*DriveItem, error] {
	var q query
	q.list(opts)
	return all[DriveItem](ctx, s.client, q.on(string(d)+"/special/"+escapeSegment(name)+"/children"), nil)
}

// SearchIter iterates over every item of a drive matching text (see
// [DriveService.Search]), page after page.
func (s *DriveService) SearchIter(ctx context.Context, d DriveRef, text string, opts *ListOptions) iter.Seq2[*DriveItem, error] {
	var q query
	q.list(opts)
	return all[DriveItem](ctx, s.client, q.on(d.item("")+searchCall(text)), nil)
}

// searchCall is the search function's segment: search(q='text'), a quote
// in text doubled and the rest escaped.
func searchCall(text string) string {
	return "/search(q='" + escapeSegment(strings.ReplaceAll(text, "'", "''")) + "')"
}
