package sandbox

import (
	"net/http"
	"regexp"
	"strings"
)

// Graph resolves path segments case-insensitively and accepts OData key
// syntax (/me/mailFolders('inbox')/messages); the mux is case-sensitive and
// knows only the slash form, so graphPaths rewrites paths into it.

var graphSegments = func() map[string]string {
	m := map[string]string{}
	for _, s := range []string{"v1.0", "me", "users", "manager", "messages", "mailFolders", "childFolders", "attachments",
		"sendMail", "move", "copy", "send", "createReply", "createReplyAll", "createForward", "reply", "replyAll",
		"forward", "delta", "$value", "$batch"} {
		m[strings.ToLower(s)] = s
	}
	return m
}()

var keySegmentRE = regexp.MustCompile(`^([A-Za-z]+)\('([^'/]*)'\)$`)

// canonicalGraphPath rewrites the known segments of p to their canonical case
// and name('key') segments to name/key.
func canonicalGraphPath(p string) string {
	segs := strings.Split(p, "/")
	out := make([]string, 0, len(segs))
	for _, s := range segs {
		if m := keySegmentRE.FindStringSubmatch(s); m != nil {
			if c, ok := graphSegments[strings.ToLower(m[1])]; ok {
				out = append(out, c, m[2])
				continue
			}
		}
		if c, ok := graphSegments[strings.ToLower(s)]; ok {
			s = c
		}
		out = append(out, s)
	}
	return strings.Join(out, "/")
}

func graphPaths(h http.Handler) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if p := canonicalGraphPath(r.URL.Path); p != r.URL.Path {
			r2 := r.Clone(r.Context())
			r2.URL.Path, r2.URL.RawPath = p, ""
			r = r2
		}
		h.ServeHTTP(w, r)
	})
}
