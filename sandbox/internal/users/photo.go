package users

import (
	"fmt"
	"io"
	"net/http"
	"slices"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
)

// This file is the profile photos: /photo (the largest size), /photos (every
// size up to the original), their $value (scaled JPEGs) and PUT of a new one.

// maxPhoto bounds an uploaded photo (Graph's limit is 4 MB).
const maxPhoto = 4 << 20

func (s *Workload) photoRoutes(m *graphkit.Mux) {
	for _, p := range []struct {
		suffix string
		h      graphkit.UserHandler
	}{
		{"/photo", s.photo(false)}, {"/photo/$value", s.photo(true)}, {"/photos", s.photos},
		{"/photos/{size}", s.photo(false)}, {"/photos/{size}/$value", s.photo(true)},
	} {
		m.HandleFunc("GET /v1.0/me"+p.suffix, s.Auth(s.Me(p.h)))
		m.HandleFunc("GET /v1.0/users/{id}"+p.suffix, s.Auth(s.Other(p.h)))
	}
	m.HandleFunc("PUT /v1.0/me/photo/$value", s.Auth(s.Me(s.putPhoto)))
	m.HandleFunc("PUT /v1.0/users/{id}/photo/$value", s.Auth(s.Other(s.putPhoto)))
}

var errNoImage = graphkit.Err(404, "ImageNotFound", "Exception of type 'Microsoft.Fast.Profile.Core.Exception.ImageNotFoundException' was thrown.")

// sizes are the sizes u's photo has, smallest first.
func sizes(u *directory.User) []int {
	n := directory.PhotoSize(u.Photo)
	var out []int
	for _, sz := range directory.PhotoSizes {
		if sz <= n {
			out = append(out, sz)
		}
	}
	if len(out) == 0 && n > 0 {
		out = []int{n}
	}
	return out
}

func photoObject(u *directory.User, size int) map[string]any {
	id := fmt.Sprintf("%dX%d", size, size)
	return map[string]any{"@odata.mediaContentType": "image/jpeg", "@odata.mediaEtag": `"` + ids.Stable(u.ID, string(u.Photo[:min(len(u.Photo), 64)]), fmt.Sprint(len(u.Photo))) + `"`,
		"id": id, "height": size, "width": size}
}

// photo serves /photo and /photos/{size}, as metadata or ($value) bytes.
func (s *Workload) photo(value bool) graphkit.UserHandler {
	return func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
		if !permitted(r, c, self) {
			s.deny(w, r)
			return
		}
		have := sizes(u)
		if len(have) == 0 {
			s.Fail(w, r, errNoImage)
			return
		}
		size := have[len(have)-1]
		if v := r.PathValue("size"); v != "" {
			a, b, _ := strings.Cut(strings.ToLower(v), "x")
			n, err := strconv.Atoi(a)
			if err != nil || a != b || !slices.Contains(have, n) {
				s.Fail(w, r, errNoImage)
				return
			}
			size = n
		}
		if !value {
			o := photoObject(u, size)
			o["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata#users('" + u.ID + "')/photo/$entity"
			s.WriteJSON(w, r, withKeys(o, "@odata.context", "@odata.mediaContentType", "@odata.mediaEtag", "id", "height", "width"))
			return
		}
		data := u.Photo
		if size != directory.PhotoSize(u.Photo) {
			var err error
			if data, err = directory.ScalePhoto(u.Photo, size); err != nil {
				s.Fail(w, r, errNoImage)
				return
			}
		}
		w.Header().Set("Content-Type", "image/jpeg")
		w.Header().Set("Content-Length", strconv.Itoa(len(data)))
		_, _ = w.Write(data)
	}
}

func (s *Workload) photos(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
	if !permitted(r, c, self) {
		s.deny(w, r)
		return
	}
	var items []any
	for _, sz := range sizes(u) {
		items = append(items, withKeys(photoObject(u, sz), "@odata.mediaContentType", "@odata.mediaEtag", "id", "height", "width"))
	}
	s.WritePageStyle(w, r, graphkit.TokenPages, "#users('"+u.ID+"')/photos", items, len(items)+1, 0, len(items), -1)
}

func (s *Workload) putPhoto(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, u *directory.User, self bool) {
	if !permitted(r, c, self) {
		s.deny(w, r)
		return
	}
	data, err := io.ReadAll(http.MaxBytesReader(w, r.Body, maxPhoto+1))
	if err != nil || len(data) > maxPhoto {
		s.Fail(w, r, graphkit.Err(413, "ErrorRequestEntityTooLarge", "The photo is larger than 4 MB."))
		return
	}
	if directory.PhotoSize(data) == 0 {
		s.Fail(w, r, graphkit.Err(400, "ErrorInvalidImage", "The photo is not a JPEG, PNG or GIF image."))
		return
	}
	if s.change(w, r, u.ID, func(nu *directory.User) *graphkit.Error { nu.Photo = data; return nil }) {
		w.WriteHeader(http.StatusOK)
	}
}
