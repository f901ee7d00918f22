package proxy

import (
	"crypto/subtle"
	"errors"
	"net"
	"net/http"
	"net/url"
	"strings"
	"time"
)

// ServeBaseURL runs base-URL mode on l, for clients that ignore proxy variables: a request
// for http://ADDR/<secret>/<host>/<path>?<query> is sent to https://<host>/<path>?<query>,
// with the credential when a route matches host and path. host must be a routed host (any
// route, regex routes included: no certificate is minted in this mode); other hosts get 403,
// as does a request without the secret. A redirect back to the same host, and links to it in
// JSON responses (@odata.nextLink, @odata.deltaLink), are rewritten to stay on the base URL.
// It returns http.ErrServerClosed after [Server.Close], or the listener's error.
func (s *Server) ServeBaseURL(l net.Listener, secret string) error {
	if secret == "" || strings.ContainsAny(secret, "/?#%") {
		l.Close()
		return errors.New("proxy: the base-URL secret must be non-empty and URL-safe")
	}
	return s.serve(l, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		s.serveBaseURL(w, r, secret)
	}))
}

func (s *Server) serveBaseURL(w http.ResponseWriter, r *http.Request, secret string) {
	start := time.Now()
	p := r.URL.EscapedPath()
	seg, rest, _ := strings.Cut(strings.TrimPrefix(p, "/"), "/")
	if r.Method == http.MethodConnect || r.URL.IsAbs() || subtle.ConstantTimeCompare([]byte(seg), []byte(secret)) != 1 {
		http.Error(w, "authsome base URL: wrong or missing secret", http.StatusForbidden)
		s.refused.add(Entry{Time: start, Method: r.Method, Status: http.StatusForbidden, Mode: ModeDenied, Error: "wrong or missing base-URL secret"})
		return
	}
	r.Header.Del("Proxy-Authorization")
	hostSeg, rest, _ := strings.Cut(rest, "/")
	path := "/" + rest
	a, err := parseAuthority(hostSeg, false)
	var upRoute *route
	if err == nil && !a.ip && a.port == "" {
		upRoute = s.hostRoute(a.host)
	}
	unescaped, perr := url.PathUnescape(path)
	if upRoute == nil || perr != nil {
		msg := "host not routed by authsome"
		http.Error(w, "authsome base URL: "+msg, http.StatusForbidden)
		s.record(Entry{Time: start, Method: r.Method, Host: a.host, Status: http.StatusForbidden, Duration: time.Since(start), Mode: ModeDenied, Error: msg})
		return
	}
	st := upRoute.upstreamState(ModeBaseURL, a.host, start)
	st.baseURL, st.path = "http://"+r.Host+"/"+secret, unescaped
	st.inject = s.matchRoute(nil, a.host, path)
	r.URL.Path, r.URL.RawPath = unescaped, path
	narrowAcceptEncoding(r.Header)
	s.forward(w, r, st)
}
