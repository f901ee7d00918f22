package drive

import (
	"net/http"
	"strings"
)

// Pre-authenticated URLs (graphkit.Preauth): a download's (content.go), an
// upload session's (upload.go) and a copy monitor's (copy.go), signed under
// the workload's key.

// preauthURL is a pre-authenticated URL on the sandbox's other host name
// (graphkit.Preauth.URL).
func (s *Workload) preauthURL(r *http.Request, prefix, id string, claims any, tail string) string {
	return s.pre.URL(r, prefix, id, claims, tail)
}

// preauthClaims reads the token of a request to a URL preauthURL made
// (graphkit.Preauth.Claims).
func (s *Workload) preauthClaims(r *http.Request, prefix string, claims any) (string, bool) {
	return s.pre.Claims(r, prefix, claims)
}

// ServeURL serves the sandbox's pre-authenticated URLs: downloads (below
// DownloadPrefix), upload sessions (below UploadPrefix) and copy monitors
// (below MonitorPrefix). None takes an Authorization header: a Graph token
// must never be sent there.
func (s *Workload) ServeURL(w http.ResponseWriter, r *http.Request) {
	if r.Header.Get("Authorization") != "" {
		s.WriteError(w, r, 401, "unauthenticated", "This URL is pre-authenticated: send the request without an Authorization header (a Graph token must not be sent to it).")
		return
	}
	switch {
	case strings.HasPrefix(r.URL.Path, MonitorPrefix):
		s.serveMonitor(w, r)
	case strings.HasPrefix(r.URL.Path, UploadPrefix):
		s.serveUpload(w, r)
	default:
		s.serveDownload(w, r)
	}
}
