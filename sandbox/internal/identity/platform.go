// Package identity is the sandbox's Microsoft identity platform (v2.0): the
// authorize, token and device code endpoints, the sign-in and consent pages,
// OpenID discovery and the keys, with the seeded tenant's app registrations.
//
// Its state (codes, device codes, refresh tokens, consents, the apps'
// registered certificate and federated credentials, settings) is a
// graphkit.Store named "identity", with its own lock: every answered change
// touches an entity key so that the server's journal can replay it.
package identity

import (
	"context"
	"crypto/sha256"
	"encoding/json"
	"fmt"
	"net/http"
	"net/url"
	"strings"
	"sync"
	"sync/atomic"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/token"
)

// Config is what the identity platform needs from the server.
type Config struct {
	// Now is the sandbox's clock.
	Now func() time.Time
	// Dir is the tenant's directory; its first user is the one AutoApprove signs in as.
	Dir *directory.Directory
	// Signer signs access and ID tokens and publishes the keys.
	Signer *token.Signer
	// Initial are the settings New and Reset start from.
	Initial Settings
	// NoteForm, when set, is given the non-secret fields of every token and
	// device code request (grant_type, client_id and scope; each at most 512
	// bytes), for the request log.
	NoteForm func(r *http.Request, fields map[string]string)
}

// Platform is the identity platform: its routes and its store.
type Platform struct {
	cfg    Config
	dir    *directory.Directory
	signer *token.Signer

	mu      sync.Mutex
	st      *State
	pending map[string]*pendingAuth // sign-ins in progress (not persisted)

	refreshGrants, refreshReuses atomic.Int64 // see RefreshStats (not persisted)
}

// New returns the identity platform with no codes or tokens and cfg.Initial as its settings.
func New(cfg Config) *Platform {
	s := &Platform{cfg: cfg, dir: cfg.Dir, signer: cfg.Signer}
	s.Reset()
	return s
}

// Routes registers the identity platform's endpoints on m.
func (s *Platform) Routes(m *http.ServeMux) {
	m.HandleFunc("GET /{tenant}/oauth2/v2.0/authorize", s.handleAuthorize)
	m.HandleFunc("POST /{tenant}/login", s.handleLogin)
	m.HandleFunc("POST /{tenant}/oauth2/v2.0/token", s.handleToken)
	m.HandleFunc("POST /{tenant}/oauth2/v2.0/devicecode", s.handleDeviceCode)
	m.HandleFunc("GET /{tenant}/oauth2/v2.0/logout", s.handleLogout)
	m.HandleFunc("GET /devicelogin", s.handleDeviceLogin)
	m.HandleFunc("POST /devicelogin", s.handleDeviceLogin)
	m.HandleFunc("GET /{tenant}/v2.0/.well-known/openid-configuration", s.handleOpenIDConfig)
	m.HandleFunc("GET /{tenant}/discovery/v2.0/keys", s.handleKeys)
	m.HandleFunc("GET /common/discovery/instance", s.handleInstanceDiscovery)
	m.HandleFunc("GET /common/UserRealm/{user}", s.handleUserRealm)
	m.HandleFunc("GET /error", s.handleErrorPage)
}

func (s *Platform) now() time.Time { return s.cfg.Now() }

// firstUser is the user AutoApprove signs in as.
func (s *Platform) firstUser() *directory.User { return s.dir.Users()[0] }

func (s *Platform) noteForm(r *http.Request, form url.Values) {
	if s.cfg.NoteForm == nil {
		return
	}
	fields := map[string]string{}
	for _, k := range []string{"grant_type", "client_id", "scope"} {
		if v := form.Get(k); v != "" {
			fields[k] = truncate(v, 512)
		}
	}
	s.cfg.NoteForm(r, fields)
}

// Settings returns the current settings.
func (s *Platform) Settings() Settings {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.st.Settings
}

// SetSettings replaces the settings; a lifetime of zero means the initial one.
func (s *Platform) SetSettings(ctx context.Context, st Settings) {
	if st.AccessTokenLifetime <= 0 {
		st.AccessTokenLifetime = s.cfg.Initial.AccessTokenLifetime
	}
	if st.AccessTokenLifetime < time.Second {
		st.AccessTokenLifetime = time.Second // expires_in is whole seconds
	}
	if st.DeviceInterval < 0 {
		st.DeviceInterval = 0
	}
	s.mu.Lock()
	s.st.Settings = st
	touch(ctx, keySettings)
	s.mu.Unlock()
}

// RefreshStats returns how many refresh_token grants succeeded and how many
// times a refresh token that had already been redeemed was presented again
// (whether strict rotation refused it or not), since New or Reset.
func (s *Platform) RefreshStats() (grants, reuses int64) {
	return s.refreshGrants.Load(), s.refreshReuses.Load()
}

// RevokeRefreshTokens revokes every refresh token of a user (UPN or id), as
// an administrator or a password reset would; later refreshes fail with
// AADSTS50173. It returns how many tokens it revoked.
func (s *Platform) RevokeRefreshTokens(ctx context.Context, user string) (int, error) {
	u := s.dir.Find(user)
	if u == nil {
		return 0, fmt.Errorf("%w %q", ErrUnknownUser, user)
	}
	s.mu.Lock()
	defer s.mu.Unlock()
	n := 0
	for k, rt := range s.st.RefreshTokens {
		if rt.UserID == u.ID && !rt.Revoked {
			rt.Revoked = true
			touch(ctx, preRefresh+k)
			n++
		}
	}
	return n, nil
}

// State returns a copy of the state (GET /_sandbox/state).
func (s *Platform) State() (State, error) {
	var st State
	data, err := s.Snapshot()
	if err == nil {
		err = json.Unmarshal(data, &st)
	}
	st.fill()
	return st, err
}

// SetState replaces the state (PUT /_sandbox/state); every entity it drops
// or sets is touched.
func (s *Platform) SetState(ctx context.Context, st State) {
	st.fill()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, d := range []*State{s.st, &st} {
		touch(ctx, keySettings)
		for k := range d.Codes {
			touch(ctx, preCode+k)
		}
		for k := range d.DeviceCodes {
			touch(ctx, preDevice+k)
		}
		for k := range d.RefreshTokens {
			touch(ctx, preRefresh+k)
		}
		for k := range d.Consents {
			touch(ctx, preConsent+k)
		}
		for k := range d.Certificates {
			touch(ctx, preCert+k)
		}
		for k := range d.Federated {
			touch(ctx, preFederated+k)
		}
	}
	s.st = &st
}

// tenantKind classifies the tenant path segment.
type tenantKind int

const (
	tenantUnknown tenantKind = iota
	tenantCommon
	tenantOrganizations
	tenantConsumers
	tenantSpecific
)

func resolveTenant(seg string) tenantKind {
	switch strings.ToLower(seg) {
	case "common":
		return tenantCommon
	case "organizations":
		return tenantOrganizations
	case "consumers":
		return tenantConsumers
	case strings.ToLower(directory.TenantID), strings.ToLower(directory.TenantDomain):
		return tenantSpecific
	}
	return tenantUnknown
}

// pairwiseSub derives the per-application subject identifier, like Microsoft's
// pairwise "sub" claim.
func pairwiseSub(clientID, oid string) string {
	sum := sha256.Sum256([]byte(strings.ToLower(clientID) + "|" + oid))
	return ids.B64.EncodeToString(sum[:])[:43]
}

var _ graphkit.Store = (*Platform)(nil)
