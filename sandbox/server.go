package sandbox

import (
	"bytes"
	"context"
	"crypto/rsa"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"github.com/authsome-go/authsome/internal/sandboxfile"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/drive"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/identity"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/journal"
	"github.com/authsome-go/authsome/sandbox/internal/token"
	"io"
	"log"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"sync/atomic"
	"time"
)

// Options configure a Server.
type Options struct {
	// Dir is where the CA is kept (ca.pem, and its key ca-key.pem, 0600: a restart keeps the
	// CA a person trusted); required unless PlainHTTP.
	Dir string
	// PlainHTTP serves http:// instead of TLS.
	PlainHTTP bool
	// AutoApprove approves every device code and consent as the first seeded user.
	AutoApprove bool
	// RequireControlToken makes the control API (/_sandbox/) answer only requests
	// with "Authorization: Bearer <token>", the random token New generates and
	// Info returns as ControlToken. Set it when the sandbox is reachable from
	// other machines: the control API hands out the client secret and the
	// users' passwords and approves sign-ins.
	RequireControlToken bool
	// StateDir, when set, is where the sandbox keeps its state across
	// restarts: a folder (created 0700) holding a snapshot and a journal of
	// the changes since, and the drives' file content (files/; without
	// StateDir it goes to a temporary folder that Close removes). Every write is in the journal before it is answered,
	// so a sandbox killed at any moment (kill -9) restarts with every answered
	// write. A folder written by a newer sandbox is refused, never touched.
	StateDir string
	// StateFile is the former name of StateDir. A state file an older sandbox
	// wrote at that path is converted to a state folder on New (the file is
	// kept beside it as StateFile.v1).
	StateFile string
	// TokenLifetime is the access token lifetime; default 1h.
	TokenLifetime time.Duration
	// DeviceInterval is the device code polling interval; default 5s. A
	// sub-second value is announced as interval 0.
	DeviceInterval time.Duration
	// Now is the real clock the sandbox's clock runs on; default time.Now.
	// The control API moves the sandbox's clock ahead of it (see Server.Now).
	Now func() time.Time
	// SigningKey is the token-signing key (RSA, 2048 bits or more) when the
	// state folder has none; nil means a new key. Generating it is most of
	// New's work: a process starting many sandboxes (a test suite) can give
	// them one key.
	SigningKey *rsa.PrivateKey
}

// Server is a running (or runnable) sandbox.
type Server struct {
	opts    Options
	initial Settings
	signer  *token.Signer
	tls     *tlsMaterial // nil when PlainHTTP
	caFile  string
	ctlTok  string // the control API's bearer token; "" = open (loopback use)

	identity *http.ServeMux // the identity platform's routes (id)
	graph    http.Handler
	control  *http.ServeMux

	clock clock // the sandbox's time: opts.Now plus an offset
	dir   *directory.Directory
	id    *identity.Platform // the identity platform: codes, tokens, consents, settings
	kit   *graphkit.Kit
	// workloads is the registry (workloads.go).
	workloads []graphkit.Workload

	// tempFiles is the folder of file content made on first use for a
	// server without StateDir, removed on Close (filesDir).
	filesMu     sync.Mutex
	tempFiles   string
	filesClosed bool

	// journal is the durable state (durable.go); nil without StateDir.
	journal    *journal.Journal
	jmu        sync.RWMutex
	compacting atomic.Bool

	mu     sync.Mutex
	st     *stateData // faults
	reqLog []RequestLogEntry

	srvMu  sync.Mutex
	srv    *http.Server
	url    string
	closed bool

	// idle are the server's connections with no request in flight (Start's ConnState hook),
	// which Close ends at once: Shutdown gives an idle HTTP/2 connection a second after its
	// GOAWAY for the client to hang up, and waits for a connection that has sent nothing yet
	// (a client's spare dial) until it is five seconds old.
	idleMu sync.Mutex
	idle   map[net.Conn]bool
}

// New creates a server: it generates the token-signing key (or loads it from
// StateDir, or takes Options.SigningKey) and, unless PlainHTTP, a CA and server certificate, writing the
// CA to Dir/ca.pem.
func New(opts Options) (*Server, error) { return newServer(opts) }

func newServer(opts Options) (_ *Server, err error) {
	opts = opts.withDefaults()
	s := &Server{
		opts: opts,
		initial: Settings{
			AccessTokenLifetime: opts.TokenLifetime,
			DeviceInterval:      opts.DeviceInterval,
			AutoApprove:         opts.AutoApprove,
		},
	}
	if opts.RequireControlToken {
		s.ctlTok = ids.Random("", 32)
	}
	s.st = newState()

	s.dir = directory.New()
	s.kit = &graphkit.Kit{Now: s.now, Dir: s.dir, Verify: s.VerifyAccessToken,
		RevokeSessions: func(ctx context.Context, user string) (int, error) { return s.id.RevokeRefreshTokens(ctx, user) }}
	s.workloads = s.newWorkloads()
	var key *rsa.PrivateKey
	var ls loadedState
	if opts.StateDir == "" {
		opts.StateDir = opts.StateFile
		s.opts.StateDir = opts.StateDir
	}
	if opts.StateDir != "" {
		j, loaded, err := openState(opts.StateDir)
		if err != nil {
			return nil, err
		}
		s.journal, ls, key = j, loaded, loaded.key
		defer func() {
			if err != nil { // let go of the state folder
				j.Close()
			}
		}()
		if ls.st != nil { // the faults
			s.st = ls.st
		}
		s.clock.reset(ls.clockOffset)
		files := filepath.Join(opts.StateDir, "files")
		s.kit.Files = func() (string, error) { return files, nil }
	} else {
		s.kit.Files = s.tempFilesDir
	}
	if key == nil && opts.SigningKey != nil {
		if opts.SigningKey.N.BitLen() < 2048 {
			return nil, errors.New("sandbox: the signing key is shorter than 2048 bits")
		}
		key = opts.SigningKey
	}
	if key == nil {
		k, err := token.NewSigningKey()
		if err != nil {
			return nil, err
		}
		key = k
	}
	sg, err := token.NewSigner(key)
	if err != nil {
		return nil, err
	}
	s.signer = sg
	s.id = identity.New(identity.Config{Now: s.now, Dir: s.dir, Signer: sg, Initial: s.initial, NoteForm: noteForm})

	if err := s.setupTLS(); err != nil {
		return nil, err
	}
	s.routes()
	if s.journal != nil {
		if err := s.restore(ls); err != nil {
			return nil, err
		}
	}
	s.attachWatchers()
	return s, nil
}

func (s *Server) routes() {
	id := http.NewServeMux()
	s.id.Routes(id)
	id.HandleFunc("/", s.handleNotFound)
	s.identity = id
	s.graph = s.graphRoutes()
	s.control = s.controlRoutes()
}

// withDefaults fills in what the Options leave to the sandbox.
func (opts Options) withDefaults() Options {
	if opts.Now == nil {
		opts.Now = time.Now
	}
	if opts.TokenLifetime <= 0 {
		opts.TokenLifetime = time.Hour
	} else if opts.TokenLifetime < time.Second {
		opts.TokenLifetime = time.Second // expires_in is whole seconds
	}
	if opts.DeviceInterval <= 0 {
		opts.DeviceInterval = 5 * time.Second
	}
	return opts
}

// setupTLS loads or makes the CA (kept in Dir), makes the server
// certificate and writes ca.pem, unless PlainHTTP.
func (s *Server) setupTLS() error {
	if s.opts.PlainHTTP {
		return nil
	}
	if s.opts.Dir == "" {
		return errors.New("sandbox: Options.Dir is required for TLS (or set PlainHTTP)")
	}
	m, err := loadTLSMaterial(s.opts.Dir, time.Now()) // clients check certificates against the real clock
	if err != nil {
		return fmt.Errorf("sandbox: TLS certificates: %w", err)
	}
	s.tls = m
	s.caFile = filepath.Join(s.opts.Dir, "ca.pem")
	if kept, err := os.ReadFile(s.caFile); err == nil && bytes.Equal(kept, m.caPEM) {
		return nil // loadTLSMaterial found or wrote it
	}
	s.caFile, err = writeCA(s.opts.Dir, m.caPEM)
	return err
}

// Handler returns the sandbox's HTTP handler (identity platform, Graph and
// the control API). It can be mounted on an httptest server; then issuers and
// endpoints are derived from the request's Host.
func (s *Server) Handler() http.Handler { return http.HandlerFunc(s.serve) }

func (s *Server) serve(w http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, "/_sandbox/") {
		s.durableControl(w, r)
		return
	}
	if (r.URL.Path == "/" || r.URL.Path == "/ca.pem") && (r.Method == http.MethodGet || r.Method == http.MethodHead) {
		s.serveStatus(w, r)
		return
	}
	rec, r, finish := s.beginLog(w, r)
	defer finish()
	rec.Header().Set("Date", s.now().UTC().Format(http.TimeFormat)) // the tenant's time, not the host's
	if s.applyFault(rec, r, false) {
		return
	}
	w, answered := holdAnswer(rec, r)
	defer answered()
	s.route(w, r)
}

// route serves a logged request that no fault answered.
func (s *Server) route(rec http.ResponseWriter, r *http.Request) {
	if strings.HasPrefix(r.URL.Path, drive.DownloadPrefix) || strings.HasPrefix(r.URL.Path, drive.MonitorPrefix) {
		s.serveDriveURL(rec, r)
		return
	}
	if strings.HasPrefix(r.URL.Path, drive.UploadPrefix) { // a session's last fragment writes the file
		s.durable(rec, r, s.serveDriveURL)
		return
	}
	if u := s.workloadURL(r); u != nil { // an attachment session's last fragment attaches the file
		s.durable(rec, r, u.ServeURL)
		return
	}
	if p := strings.ToLower(r.URL.Path); p == "/v1.0" || strings.HasPrefix(p, "/v1.0/") || p == "/oidc/userinfo" {
		s.durable(rec, r, s.graph.ServeHTTP)
		return
	}
	s.durable(rec, r, s.identity.ServeHTTP)
}

func (s *Server) handleNotFound(w http.ResponseWriter, r *http.Request) {
	graphkit.WriteJSONStatus(w, http.StatusNotFound, map[string]string{
		"error": "not_found", "error_description": "The sandbox has no endpoint at " + r.URL.Path + ".",
	})
}

// Start listens on addr (e.g. "127.0.0.1:0") and serves in the background,
// over TLS (HTTP/1.1 and HTTP/2) unless PlainHTTP.
func (s *Server) Start(addr string) error {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	if s.srv != nil || s.closed {
		return errors.New("sandbox: already started or closed")
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return fmt.Errorf("sandbox: listen %s: %w", addr, err)
	}
	srv := &http.Server{
		Handler:           s.Handler(),
		ReadHeaderTimeout: 10 * time.Second,
		ErrorLog:          log.New(io.Discard, "", 0),
		ConnState:         s.connState,
	}
	srv.RegisterOnShutdown(s.closeIdle)
	scheme := "http"
	if s.tls != nil {
		scheme = "https"
		srv.TLSConfig = &tls.Config{
			Certificates: []tls.Certificate{s.tls.cert},
			MinVersion:   tls.VersionTLS12,
			NextProtos:   []string{"h2", "http/1.1"},
		}
	}
	s.srv = srv
	s.url = scheme + "://" + ln.Addr().String()
	go func() {
		if s.tls != nil {
			_ = srv.ServeTLS(ln, "", "")
		} else {
			_ = srv.Serve(ln)
		}
	}()
	return nil
}

// connState keeps s.idle: the connections in StateIdle or StateNew.
func (s *Server) connState(c net.Conn, st http.ConnState) {
	s.idleMu.Lock()
	defer s.idleMu.Unlock()
	if st != http.StateIdle && st != http.StateNew {
		delete(s.idle, c)
		return
	}
	if s.idle == nil {
		s.idle = map[net.Conn]bool{}
	}
	s.idle[c] = true
}

// closeIdle closes the idle connections; Shutdown calls it once the listener is closed.
func (s *Server) closeIdle() {
	s.idleMu.Lock()
	defer s.idleMu.Unlock()
	for c := range s.idle {
		_ = c.Close()
		delete(s.idle, c)
	}
}

// URL returns the base URL after Start, e.g. https://127.0.0.1:PORT (no trailing slash).
func (s *Server) URL() string {
	s.srvMu.Lock()
	defer s.srvMu.Unlock()
	return s.url
}

// Close stops the server and saves the state file, if any.
func (s *Server) Close() error {
	s.srvMu.Lock()
	if s.closed {
		s.srvMu.Unlock()
		return nil
	}
	s.closed = true
	srv := s.srv
	s.srvMu.Unlock()
	var errs []error
	if srv != nil {
		ctx, cancel := context.WithTimeout(context.Background(), 2*time.Second)
		if err := srv.Shutdown(ctx); err != nil {
			_ = srv.Close()
		}
		cancel()
	}
	errs = append(errs, s.closeWorkloads())
	if s.journal != nil {
		errs = append(errs, s.snapshot(), s.journal.Close())
	}
	s.filesMu.Lock()
	s.filesClosed = true
	if s.tempFiles != "" {
		errs = append(errs, os.RemoveAll(s.tempFiles))
	}
	s.filesMu.Unlock()
	return errors.Join(errs...)
}

// tempFilesDir is Kit.Files without StateDir: a temporary folder, made when
// the first file is stored (a server that stores none writes nothing).
func (s *Server) tempFilesDir() (string, error) {
	s.filesMu.Lock()
	defer s.filesMu.Unlock()
	if s.tempFiles == "" {
		if s.filesClosed {
			return "", errors.New("sandbox: closed")
		}
		d, err := os.MkdirTemp("", "authsome-sandbox-files-")
		if err != nil {
			return "", fmt.Errorf("sandbox: folder for file content: %w", err)
		}
		s.tempFiles = d
	}
	return s.tempFiles, nil
}

// CACertPool returns a pool holding the sandbox CA (nil when PlainHTTP).
func (s *Server) CACertPool() *x509.CertPool {
	if s.tls == nil {
		return nil
	}
	return s.tls.pool
}

// CAFile returns the path of ca.pem ("" when PlainHTTP).
func (s *Server) CAFile() string { return s.caFile }

// Client returns an http.Client that trusts the sandbox CA (HTTP/2 enabled).
func (s *Server) Client() *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	tr.Proxy = nil
	tr.ForceAttemptHTTP2 = true
	if s.tls != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: s.tls.pool, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 30 * time.Second}
}

// InfoUser is a user entry of Info.
type InfoUser = sandboxfile.User

// Info is the content of sandbox.json: what a client needs to use the sandbox.
type Info = sandboxfile.Info

// Info returns the sandbox.json content (URL is empty before Start).
func (s *Server) Info() Info {
	info := Info{
		URL:                      s.URL(),
		CAFile:                   s.caFile,
		TenantID:                 TenantID,
		PublicClientID:           PublicClientID,
		ConfidentialClientID:     ConfidentialClientID,
		ConfidentialClientSecret: ConfidentialClientSecret,
		ControlToken:             s.ctlTok,
	}
	for _, u := range seedUsers {
		info.Users = append(info.Users, InfoUser{ID: u.ID, UserPrincipalName: u.UserPrincipalName, Password: u.Password})
	}
	return info
}

// WriteInfo writes the server's Info to path as JSON with mode 0600 (it holds
// a client secret and the fake users' passwords).
func (s *Server) WriteInfo(path string) error { return WriteInfo(path, s.Info()) }

// WriteInfo writes info to path as JSON with mode 0600.
func WriteInfo(path string, info Info) error {
	if err := sandboxfile.Write(path, info); err != nil {
		return fmt.Errorf("sandbox: write %s: %w", path, err)
	}
	return nil
}

// ReadInfo reads a sandbox.json file written by WriteInfo.
func ReadInfo(path string) (Info, error) {
	info, err := sandboxfile.Read(path)
	if err != nil {
		return info, fmt.Errorf("sandbox: read info: %w", err)
	}
	return info, nil
}
