// Package broker is the credential lifecycle of authsome and its library API: it opens a
// profile, signs in to providers, keeps connections in the encrypted vault, and hands out valid
// tokens, refreshing them with rotation so that concurrent callers in any number of goroutines and
// processes cause one refresh at a time.
package broker

import (
	"context"
	"crypto/tls"
	"crypto/x509"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"net"
	"net/http"
	"os"
	"path/filepath"
	"sync"
	"time"

	"golang.org/x/sync/singleflight"

	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// Errors of the broker. Test with errors.Is; [CredentialError] with errors.As.
var (
	ErrConnectionNotFound = errors.New("connection not found")
	ErrAlreadyExists      = errors.New("connection already exists")
	ErrUnreachable        = errors.New("endpoint unreachable")
)

// CredentialError means a connection exists but holds no usable credential: the token expired
// and could not be refreshed, or the provider revoked the sign-in.
type CredentialError struct {
	Provider, Connection string
	Reason               string
	Err                  error
}

func (e *CredentialError) Error() string {
	msg := fmt.Sprintf("%s/%s: %s", e.Provider, e.Connection, e.Reason)
	if e.Err != nil {
		msg += ": " + e.Err.Error()
	}
	return msg
}

func (e *CredentialError) Unwrap() error { return e.Err }

// Options configure [Open]. The zero value opens the active profile of the default home.
type Options struct {
	Home       string           // authsome home; "" → DefaultHome()
	Profile    string           // "" → the active profile
	Keys       vault.KeySource  // nil → vault.DefaultKeySource for the profile
	HTTPClient *http.Client     // for identity endpoints; nil → a client with sane timeouts
	Now        func() time.Time // nil → time.Now
	Logger     *slog.Logger     // debug logs, never secrets; nil → discard
	// RefreshSkew is how long before expiry a token is refreshed; default 5 minutes.
	RefreshSkew time.Duration
	// Events receives the credential events (sign-ins, refreshes, exports, logouts) for an
	// audit trail, synchronously, from any goroutine; nil → none. See [Event].
	Events func(Event)
	// Providers are definitions built in code by a program that embeds the broker. They take
	// precedence over the catalogue's definitions of the same name and are used as they are
	// (validate them first with [provider.Definition.Validate] where that applies).
	Providers []*provider.Definition
	// Store, when set, keeps the connections instead of the profile's encrypted vault file (a
	// database shared by replicas, memory in tests; see docs/storage.md). Keys is then unused,
	// no profile folder is made, and Profile ("" → "default") only names the profile. The
	// home still holds the provider catalogue and sandbox.json.
	Store Store
}

// Broker is one open profile. It is safe for concurrent use by multiple goroutines.
type Broker struct {
	home    vault.Home
	profile string
	store   Store
	vault   *vault.Store // nil when Options.Store replaces the vault
	catalog *provider.Catalog
	defs    map[string]*provider.Definition // Options.Providers by name
	hc      *http.Client
	now     func() time.Time
	log     *slog.Logger
	skew    time.Duration
	events  func(Event)
	flight  singleflight.Group
	// abandoned counts refreshes whose callers stopped waiting; see [Broker.Wait].
	abandoned pending

	caClients sync.Map // CA file → *http.Client trusting it
	recent    sync.Map // provider+"\x00"+connection → recentConn
}

// Open opens (creating on first use) a profile's vault, or takes [Options.Store]. It refuses a home or profile folder
// that other users could change ([vault.CheckFolder]); a profile name that is not valid
// (vault.ValidateProfileName) is an error wrapping vault.ErrInvalidProfileName.
func Open(ctx context.Context, opts Options) (*Broker, error) {
	if opts.Home == "" {
		opts.Home = DefaultHome()
	}
	if err := CheckHome(opts.Home); err != nil {
		return nil, err
	}
	home := vault.Home{Dir: opts.Home}
	var (
		profile string
		vs      *vault.Store
		store   = opts.Store
		err     error
	)
	if store == nil {
		profile, vs, err = openVault(home, opts)
		store = vs
	} else {
		profile, err = storeProfile(opts)
	}
	if err != nil {
		return nil, err
	}
	b := &Broker{
		home:    home,
		profile: profile,
		store:   store,
		vault:   vs,
		catalog: provider.NewCatalog(CatalogDir(opts.Home)),
		hc:      opts.HTTPClient,
		now:     opts.Now,
		log:     opts.Logger,
		skew:    opts.RefreshSkew,
		events:  opts.Events,
	}
	for _, d := range opts.Providers {
		if b.defs == nil {
			b.defs = map[string]*provider.Definition{}
		}
		b.defs[d.Name] = d
	}
	if b.hc == nil {
		b.hc = defaultHTTPClient(nil)
	}
	if b.now == nil {
		b.now = time.Now
	}
	if b.log == nil {
		b.log = slog.New(slog.NewTextHandler(io.Discard, nil))
	}
	if b.skew == 0 {
		b.skew = 5 * time.Minute
	}
	return b, nil
}

// openVault opens the encrypted vault of the profile opts names, or of the active one.
func openVault(home vault.Home, opts Options) (string, *vault.Store, error) {
	profile := opts.Profile
	if profile == "" {
		p, err := home.Active()
		if err != nil {
			return "", nil, err
		}
		profile = p
	}
	if err := vault.ValidateProfileName(profile); err != nil {
		return "", nil, err // before any path is built: ".." would put the vault outside profiles/
	}
	dir := home.ProfileDir(profile)
	if opts.Profile != "" && opts.Profile != "default" {
		if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
			return "", nil, fmt.Errorf("%w: %q (create it with `authsome profile create %s`)", vault.ErrProfileNotFound, profile, profile)
		}
	}
	keys := opts.Keys
	if keys == nil {
		keys = vault.DefaultKeySource(dir)
	}
	store, err := vault.Open(dir, keys)
	if err != nil {
		return "", nil, err
	}
	if err := vault.CheckFolder(home.Dir); err != nil { // vault.Open made it if needed
		return "", nil, err
	}
	return profile, store, nil
}

// storeProfile names the profile of a broker on [Options.Store]. The home is not created; if
// it exists, it must be safe, since its catalogue says where tokens are sent.
func storeProfile(opts Options) (string, error) {
	profile := opts.Profile
	if profile == "" {
		profile = "default"
	}
	if err := vault.ValidateProfileName(profile); err != nil {
		return "", err
	}
	if _, err := os.Stat(opts.Home); err == nil {
		if err := vault.CheckFolder(opts.Home); err != nil {
			return "", err
		}
	}
	return profile, nil
}

// Wait blocks until the token refreshes that callers of [Broker.Token] stopped waiting for
// (their ctx ended) have finished: the rotated tokens are in the vault, or the refresh failed.
// It returns ctx.Err() if ctx ends first. Call it before the process exits, with a bound: a
// refresh the identity platform has answered must reach the vault, since a rotated refresh
// token exists nowhere else. Token may be called again while or after Wait runs.
func (b *Broker) Wait(ctx context.Context) error {
	done := b.abandoned.idle()
	if done == nil {
		return nil
	}
	b.log.Debug("waiting for a token refresh to be saved")
	select {
	case <-done:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}

// pending counts work in flight. The zero value is ready to use.
type pending struct {
	mu   sync.Mutex
	n    int
	done chan struct{} // closed when n drops to 0; nil while n == 0
}

func (p *pending) add() {
	p.mu.Lock()
	if p.n == 0 {
		p.done = make(chan struct{})
	}
	p.n++
	p.mu.Unlock()
}

func (p *pending) finish() {
	p.mu.Lock()
	p.n--
	if p.n == 0 {
		close(p.done)
		p.done = nil
	}
	p.mu.Unlock()
}

// idle returns a channel closed once the work in flight now has finished, or nil if there is
// none.
func (p *pending) idle() <-chan struct{} {
	p.mu.Lock()
	defer p.mu.Unlock()
	return p.done
}

// Profile returns the name of the open profile.
func (b *Broker) Profile() string { return b.profile }

// Home returns the authsome home folder.
func (b *Broker) Home() string { return b.home.Dir }

// Catalog returns the provider catalogue (bundled + the home's user definitions).
func (b *Broker) Catalog() *provider.Catalog { return b.catalog }

// Vault returns the profile's encrypted vault: its folder, key source and rekeying. It is nil
// when [Options.Store] replaced the vault.
func (b *Broker) Vault() *vault.Store { return b.vault }

// defaultHTTPClient returns a client for identity endpoints; roots, when non-nil, replaces the
// system trust store (used for the sandbox's own CA).
func defaultHTTPClient(roots *x509.CertPool) *http.Client {
	tr := http.DefaultTransport.(*http.Transport).Clone()
	if roots != nil {
		tr.TLSClientConfig = &tls.Config{RootCAs: roots, MinVersion: tls.VersionTLS12}
	}
	return &http.Client{Transport: tr, Timeout: 60 * time.Second}
}

// unreachable wraps network failures (DNS, refused, TLS) as ErrUnreachable, keeping the cause.
func unreachable(err error) error {
	var ne net.Error
	var oe *net.OpError
	if errors.As(err, &oe) || (errors.As(err, &ne) && ne.Timeout()) {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	var ce *tls.CertificateVerificationError
	if errors.As(err, &ce) {
		return fmt.Errorf("%w: %v", ErrUnreachable, err)
	}
	return err
}

// CatalogDir is the folder of the user's provider definitions in home.
func CatalogDir(home string) string { return filepath.Join(home, "providers") }
