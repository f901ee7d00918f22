package drive

import (
	"crypto/hmac"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net/http"
	"strings"
)

// Pre-authenticated URLs: a download's (content.go), an upload session's
// (upload.go) and a copy monitor's (copy.go) are all made by preauthURL and
// read by preauthClaims. Each is on the sandbox's other host name
// (otherHost), names what it is for in its path (an item, a session, a
// monitor) and carries its token in the query as tempauth, as SharePoint's
// download.aspx?UniqueId=…&tempauth=… and uploadSession?guid=…&tempauth=…
// do: the request log keeps a query's parameter names only, and clients
// print URLs without their query, so the token, which lets anyone holding
// it read the file or write the upload, stays out of both. The token is an
// HMAC, under a key new on every start, over the prefix, the id and the
// claims (JSON) it carries.

// tempauth is the query parameter holding a pre-authenticated URL's token.
const tempauth = "tempauth"

func (s *Workload) sign(prefix, id string, payload []byte) []byte {
	m := hmac.New(sha256.New, s.urlKey)
	m.Write([]byte(prefix))
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

// preauthURL is a pre-authenticated URL on the sandbox's other host name:
// prefix, id, tail (escaped), and the token signing prefix, id and claims in
// the query.
func (s *Workload) preauthURL(r *http.Request, prefix, id string, claims any, tail string) string {
	payload, _ := json.Marshal(claims)
	tok := base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(s.sign(prefix, id, payload))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + otherHost(r) + prefix + id + tail + "?" + tempauth + "=" + tok
}

// preauthClaims reads the token of r, a request to a URL preauthURL made
// below prefix, into claims and returns the id the URL's path names; false
// when there is no token, or it is not one the sandbox signed for that id.
func (s *Workload) preauthClaims(r *http.Request, prefix string, claims any) (string, bool) {
	id, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, prefix), "/")
	p, m, ok := strings.Cut(r.URL.Query().Get(tempauth), ".")
	if !ok || id == "" {
		return "", false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(p)
	mac, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, s.sign(prefix, id, payload)) {
		return "", false
	}
	return id, json.Unmarshal(payload, claims) == nil
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
