package msgraph

import (
	"bytes"
	"context"
	"io"
	"iter"
	"net/http"
)

// ProfilePhoto is the metadata of a user's profile photo in one size.
type ProfilePhoto struct {
	// ID is the size, e.g. "240X240".
	ID     string `json:"id"`
	Height int    `json:"height"`
	Width  int    `json:"width"`
	// ContentType is the photo's media type, e.g. "image/jpeg".
	ContentType string `json:"@odata.mediaContentType,omitempty"`
	// ETag changes when the photo does.
	ETag string `json:"@odata.mediaEtag,omitempty"`
}

// PhotoOptions pick the size of a photo.
type PhotoOptions struct {
	// Size is one of Graph's sizes ("48x48", "64x64", "96x96", "120x120",
	// "240x240", "360x360", "432x432", "504x504", "648x648"); "" is the
	// largest the user has.
	Size string
}

func photoPath(user string, o *PhotoOptions) string {
	if o == nil || o.Size == "" {
		return userPath(user) + "/photo"
	}
	return userPath(user) + "/photos/" + escapeSegment(o.Size)
}

// Photo returns the metadata of a user's photo ("me" for the signed-in
// user's). A user without a photo is a 404 ImageNotFound ([IsNotFound]).
//
// Graph docs: https://learn.microsoft.com/graph/api/profilephoto-get
//
//meta:operation GET /users/{id}/photo
func (s *UsersService) Photo(ctx context.Context, user string, opts *PhotoOptions) (*ProfilePhoto, *Response, error) {
	return getOne[ProfilePhoto](ctx, s.client, photoPath(user, opts))
}

// DownloadPhoto writes a user's photo (a JPEG) in the size asked for to w.
//
// Graph docs: https://learn.microsoft.com/graph/api/profilephoto-get
//
//meta:operation GET /users/{id}/photo/$value
func (s *UsersService) DownloadPhoto(ctx context.Context, user string, w io.Writer, opts *PhotoOptions) (*Response, error) {
	return s.client.downloadValue(ctx, photoPath(user, opts)+"/$value", w)
}

// ListPhotos returns the sizes a user's photo has.
//
// Graph docs: https://learn.microsoft.com/graph/api/profilephoto-get
//
//meta:operation GET /users/{id}/photos
func (s *UsersService) ListPhotos(ctx context.Context, user string, opts *ListOptions) ([]*ProfilePhoto, *Response, error) {
	return getPage[ProfilePhoto](ctx, s.client, listURL(userPath(user)+"/photos", opts), nil)
}

// ListPhotosIter iterates over the sizes a user's photo has.
func (s *UsersService) ListPhotosIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*ProfilePhoto, error] {
	return all[ProfilePhoto](ctx, s.client, listURL(userPath(user)+"/photos", opts), nil)
}

// SetPhoto replaces a user's photo with data, an image of contentType
// ("image/jpeg" or "image/png"); Graph takes up to 4 MB.
//
// Graph docs: https://learn.microsoft.com/graph/api/profilephoto-update
//
//meta:operation PUT /users/{id}/photo/$value
func (s *UsersService) SetPhoto(ctx context.Context, user, contentType string, data []byte) (*Response, error) {
	req, err := s.client.NewRequest(ctx, http.MethodPut, userPath(user)+"/photo/$value", bytes.NewReader(data))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", contentType)
	return s.client.Do(req, nil)
}
