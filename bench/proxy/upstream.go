package main

import (
	"bytes"
	"crypto/ecdsa"
	"crypto/elliptic"
	"crypto/rand"
	"crypto/tls"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/pem"
	"fmt"
	"io"
	"log"
	"math/big"
	"net"
	"net/http"
	"net/url"
	"sync/atomic"
	"time"
)

// graphHost is the host the workload asks for when it goes through a proxy. The proxies route
// it to the local upstream, the way `authsome run` reaches the sandbox, so no DNS is involved.
const graphHost = "graph.microsoft.com"

// bodySize is the size of every response body.
const bodySize = 1024

// expectation is what the upstream requires of the Authorization header in the current
// scenario.
type expectation int32

const (
	expectNone  expectation = iota // direct: the client sends none, so none may arrive
	expectToken                    // proxied: exactly "Bearer <token>" must arrive
)

// upstream is a Graph-like HTTPS server on 127.0.0.1 answering GET /v1.0/me with a fixed
// 1 KiB JSON body. It checks the Authorization header against the scenario's expectation,
// answering 401 (and counting a failure) when it does not hold.
type upstream struct {
	URL    *url.URL
	CAPEM  []byte // the self-made CA that signed the server certificate
	Roots  *x509.CertPool
	token  string
	body   []byte
	srv    *http.Server
	expect atomic.Int32

	withToken   atomic.Int64 // Authorization: Bearer <token>
	withoutAuth atomic.Int64 // no Authorization header
	other       atomic.Int64 // anything else: placeholder, wrong token, wrong path
	conns       atomic.Int64 // connections accepted
}

// upstreamCounts is what reached the upstream during one scenario, warm-up included.
type upstreamCounts struct {
	WithToken   int64 `json:"with_token"`
	WithoutAuth int64 `json:"without_auth"`
	Other       int64 `json:"other"`
	// Connections is how many connections the upstream accepted: with keep-alive, about one
	// per client connection (HTTP/1.1) or one in all (HTTP/2), not one per request.
	Connections int64 `json:"connections"`
}

func (c upstreamCounts) total() int64 { return c.WithToken + c.WithoutAuth + c.Other }

func startUpstream(token string) (*upstream, error) {
	if n := len(meBody()); n != bodySize {
		return nil, fmt.Errorf("response body is %d bytes, want %d", n, bodySize)
	}
	caPEM, cert, err := upstreamTLS(time.Now())
	if err != nil {
		return nil, err
	}
	roots := x509.NewCertPool()
	roots.AppendCertsFromPEM(caPEM)
	ln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return nil, err
	}
	u := &upstream{
		URL:   &url.URL{Scheme: "https", Host: ln.Addr().String()},
		CAPEM: caPEM,
		Roots: roots,
		token: token,
		body:  meBody(),
	}
	u.srv = &http.Server{
		Handler:           u,
		ReadHeaderTimeout: 10 * time.Second,
		// Like the sandbox and Graph, offer HTTP/2 and HTTP/1.1; clients pick.
		TLSConfig: &tls.Config{
			Certificates: []tls.Certificate{cert},
			NextProtos:   []string{"h2", "http/1.1"},
			MinVersion:   tls.VersionTLS12,
		},
		ErrorLog: log.New(io.Discard, "", 0), // handshakes cut short at shutdown
		ConnState: func(_ net.Conn, st http.ConnState) {
			if st == http.StateNew {
				u.conns.Add(1)
			}
		},
	}
	go func() { _ = u.srv.ServeTLS(ln, "", "") }()
	return u, nil
}

func (u *upstream) Close() error { return u.srv.Close() }

// reset sets the expectation for the next scenario and zeroes the counters.
func (u *upstream) reset(e expectation) {
	u.expect.Store(int32(e))
	u.withToken.Store(0)
	u.withoutAuth.Store(0)
	u.other.Store(0)
	u.conns.Store(0)
}

func (u *upstream) counts() upstreamCounts {
	return upstreamCounts{WithToken: u.withToken.Load(), WithoutAuth: u.withoutAuth.Load(), Other: u.other.Load(), Connections: u.conns.Load()}
}

func (u *upstream) ServeHTTP(w http.ResponseWriter, r *http.Request) {
	auth, hasAuth := r.Header["Authorization"]
	ok := false
	switch {
	case r.Method != http.MethodGet || r.URL.Path != "/v1.0/me":
		u.other.Add(1)
	case !hasAuth:
		u.withoutAuth.Add(1)
		ok = expectation(u.expect.Load()) == expectNone
	case len(auth) == 1 && auth[0] == "Bearer "+u.token:
		u.withToken.Add(1)
		ok = expectation(u.expect.Load()) == expectToken
	default:
		u.other.Add(1)
	}
	if !ok {
		w.Header().Set("Content-Type", "application/json")
		w.WriteHeader(http.StatusUnauthorized)
		io.WriteString(w, `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty or invalid for this scenario."}}`)
		return
	}
	h := w.Header()
	h["Content-Type"] = []string{"application/json; odata.metadata=minimal"}
	h["Content-Length"] = []string{"1024"}
	w.Write(u.body)
}

// meBody is a Graph /v1.0/me response padded to exactly bodySize bytes.
func meBody() []byte {
	b := []byte(`{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#users/$entity",` +
		`"businessPhones":["+1 425 555 0109"],"displayName":"Adele Vance","givenName":"Adele",` +
		`"jobTitle":"Retail Manager","mail":"AdeleV@contoso.example","mobilePhone":null,` +
		`"officeLocation":"18/2111","preferredLanguage":"en-US","surname":"Vance",` +
		`"userPrincipalName":"AdeleV@contoso.example","id":"87d349ed-44d7-43e1-9a83-5f2406dee5bd",` +
		`"padding":"`)
	b = append(b, bytes.Repeat([]byte("x"), bodySize-len(b)-2)...)
	return append(b, `"}`...)
}

// upstreamTLS makes an ECDSA P-256 CA and a server certificate it signs for 127.0.0.1,
// localhost and graph.microsoft.com (a proxy may verify the upstream under either name).
func upstreamTLS(now time.Time) (caPEM []byte, cert tls.Certificate, err error) {
	caKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, err
	}
	caTmpl := &x509.Certificate{
		SerialNumber:          big.NewInt(1),
		Subject:               pkix.Name{CommonName: "authsome bench upstream CA"},
		NotBefore:             now.Add(-time.Hour),
		NotAfter:              now.Add(24 * time.Hour),
		KeyUsage:              x509.KeyUsageCertSign | x509.KeyUsageDigitalSignature,
		BasicConstraintsValid: true,
		IsCA:                  true,
		MaxPathLenZero:        true,
	}
	caDER, err := x509.CreateCertificate(rand.Reader, caTmpl, caTmpl, &caKey.PublicKey, caKey)
	if err != nil {
		return nil, cert, err
	}
	ca, err := x509.ParseCertificate(caDER)
	if err != nil {
		return nil, cert, err
	}
	leafKey, err := ecdsa.GenerateKey(elliptic.P256(), rand.Reader)
	if err != nil {
		return nil, cert, err
	}
	leafTmpl := &x509.Certificate{
		SerialNumber: big.NewInt(2),
		Subject:      pkix.Name{CommonName: graphHost},
		NotBefore:    now.Add(-time.Hour),
		NotAfter:     now.Add(24 * time.Hour),
		KeyUsage:     x509.KeyUsageDigitalSignature,
		ExtKeyUsage:  []x509.ExtKeyUsage{x509.ExtKeyUsageServerAuth},
		DNSNames:     []string{graphHost, "localhost"},
		IPAddresses:  []net.IP{net.IPv4(127, 0, 0, 1)},
	}
	leafDER, err := x509.CreateCertificate(rand.Reader, leafTmpl, ca, &leafKey.PublicKey, caKey)
	if err != nil {
		return nil, cert, err
	}
	caPEM = pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: caDER})
	return caPEM, tls.Certificate{Certificate: [][]byte{leafDER}, PrivateKey: leafKey}, nil
}
