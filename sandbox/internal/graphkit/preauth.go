package graphkit

import (
	"crypto/hmac"
	"crypto/rand"
	"crypto/sha256"
	"encoding/base64"
	"encoding/json"
	"net"
	"net/http"
	"strconv"
	"strings"
)

// Pre-authenticated URLs: a drive download's, an upload session's (a drive
// item's or an Outlook attachment's) and a copy monitor's are all made by
// Preauth.URL and read by Preauth.Claims. Each is on the sandbox's other
// host name (OtherHost), names what it is for in its path (an item, a
// session, a monitor) and carries its token in the query as tempauth, as
// SharePoint's download.aspx?UniqueId=…&tempauth=… and
// uploadSession?guid=…&tempauth=… do: the request log keeps a query's
// parameter names only, and clients print URLs without their query, so the
// token, which lets anyone holding it read the file or write the upload,
// stays out of both. The token is an HMAC, under a key new on every start,
// over the prefix, the id and the claims (JSON) it carries.

// Tempauth is the query parameter holding a pre-authenticated URL's token.
const Tempauth = "tempauth"

// Preauth signs and checks a workload's pre-authenticated URLs under a key
// of its own, new with every Preauth (so a URL does not outlive the
// process that made it).
type Preauth struct{ key []byte }

// NewPreauth returns a Preauth with a new random key.
func NewPreauth() *Preauth {
	key := make([]byte, 32)
	_, _ = rand.Read(key)
	return &Preauth{key: key}
}

func (p *Preauth) sign(prefix, id string, payload []byte) []byte {
	m := hmac.New(sha256.New, p.key)
	m.Write([]byte(prefix))
	m.Write([]byte(id))
	m.Write([]byte{0})
	m.Write(payload)
	return m.Sum(nil)
}

// URL is a pre-authenticated URL on the sandbox's other host name: prefix,
// id, tail (escaped), and the token signing prefix, id and claims in the
// query.
func (p *Preauth) URL(r *http.Request, prefix, id string, claims any, tail string) string {
	payload, _ := json.Marshal(claims)
	tok := base64.RawURLEncoding.EncodeToString(payload) + "." + base64.RawURLEncoding.EncodeToString(p.sign(prefix, id, payload))
	scheme := "http"
	if r.TLS != nil {
		scheme = "https"
	}
	return scheme + "://" + OtherHost(r) + prefix + id + tail + "?" + Tempauth + "=" + tok
}

// Claims reads the token of r, a request to a URL that URL made below
// prefix, into claims and returns the id the URL's path names; false when
// there is no token, or it is not one p signed for that id.
func (p *Preauth) Claims(r *http.Request, prefix string, claims any) (string, bool) {
	id, _, _ := strings.Cut(strings.TrimPrefix(r.URL.Path, prefix), "/")
	pl, m, ok := strings.Cut(r.URL.Query().Get(Tempauth), ".")
	if !ok || id == "" {
		return "", false
	}
	payload, err1 := base64.RawURLEncoding.DecodeString(pl)
	mac, err2 := base64.RawURLEncoding.DecodeString(m)
	if err1 != nil || err2 != nil || !hmac.Equal(mac, p.sign(prefix, id, payload)) {
		return "", false
	}
	return id, json.Unmarshal(payload, claims) == nil
}

// OtherHost is the host a pre-authenticated URL uses: another name for the sandbox
// than the one the request came to (localhost and the loopback addresses
// swap, both in the certificate; a name reached from elsewhere gives the
// address the connection came in on), so that a client that sends its Graph
// token to Graph's host only is seen to do so. A request to a non-loopback
// address keeps it: the sandbox knows no other name there.
func OtherHost(r *http.Request) string {
	host, port, err := net.SplitHostPort(r.Host)
	if err != nil {
		host, port = r.Host, ""
	}
	other := host
	ip := net.ParseIP(strings.Trim(host, "[]"))
	switch {
	case strings.EqualFold(host, "localhost"):
		other = "127.0.0.1"
	case ip != nil && ip.IsLoopback():
		other = "localhost"
	case ip == nil:
		// Graph's name through a proxy (graph.microsoft.com, no port): the address and
		// port the connection came in on, which the client can reach directly.
		if a, ok := r.Context().Value(http.LocalAddrContextKey).(*net.TCPAddr); ok {
			other, port = a.IP.String(), strconv.Itoa(a.Port)
		}
	}
	if port != "" {
		return net.JoinHostPort(other, port)
	}
	return other
}
