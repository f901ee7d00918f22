package gateway

import (
	"context"
	"crypto/rand"
	"crypto/sha256"
	"crypto/subtle"
	"crypto/x509"
	"encoding/base64"
	"encoding/hex"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/gateway/grant"
	"github.com/authsome-go/authsome/internal/lazyre"
)

// Errors of agents and their store.
var (
	ErrAgentNotFound = errors.New("agent not found")
	ErrAgentExists   = errors.New("agent already exists")
	// ErrBadCredential is an agent credential that is malformed, unknown, rotated away,
	// revoked or expired. Callers show one message for all of them.
	ErrBadCredential = errors.New("invalid agent credential")
)

// Agent is one client of the gateway: a name, the hash of its credential and its grant.
type Agent struct {
	ID   string `json:"id"` // random; the credential carries it to find the agent
	Name string `json:"name"`
	// SecretSHA256 is the hex SHA-256 of the credential's 256-bit random secret: the only
	// form in which the credential is kept.
	SecretSHA256 string `json:"secret_sha256,omitempty"`
	// CertSHA256, for an agent that authenticates with a TLS client certificate instead, is
	// the hex SHA-256 of that certificate (DER): the certificate is pinned, not chained.
	CertSHA256 string      `json:"cert_sha256,omitempty"`
	Grant      grant.Grant `json:"grant"`
	CreatedAt  time.Time   `json:"created_at"`
	RotatedAt  time.Time   `json:"rotated_at,omitzero"`
	ExpiresAt  time.Time   `json:"expires_at,omitzero"` // zero: never
	RevokedAt  time.Time   `json:"revoked_at,omitzero"`
}

// Status is "active", "revoked" or "expired" at now.
func (a *Agent) Status(now time.Time) string {
	switch {
	case !a.RevokedAt.IsZero():
		return "revoked"
	case !a.ExpiresAt.IsZero() && !now.Before(a.ExpiresAt):
		return "expired"
	}
	return "active"
}

// AgentStore keeps agents. Implementations are safe for concurrent use by several processes
// (gateway replicas and `authsome agent` commands) and show every process a change within a
// second. The file store ([FileAgents]) keeps them in the profile folder.
type AgentStore interface {
	// List returns every agent, revoked and expired ones included, sorted by name.
	List(ctx context.Context) ([]*Agent, error)
	// Get returns the agent called name, or ErrAgentNotFound.
	Get(ctx context.Context, name string) (*Agent, error)
	// Lookup returns the agent whose ID is id, or ErrAgentNotFound. The gateway calls it for
	// every request, so it must be cheap.
	Lookup(ctx context.Context, id string) (*Agent, error)
	// LookupCert returns the agent whose CertSHA256 is sum, or ErrAgentNotFound; as cheap.
	LookupCert(ctx context.Context, sum string) (*Agent, error)
	// Create adds a, or fails with ErrAgentExists when its name is taken.
	Create(ctx context.Context, a *Agent) error
	// Update applies fn to the agent called name and stores the result, atomically with
	// respect to other writers; ErrAgentNotFound when there is none.
	Update(ctx context.Context, name string, fn func(*Agent) error) error
}

// credentialPrefix starts every agent credential (and lets secret scanners find them).
const credentialPrefix = "asa1"

var agentName = lazyre.New(`^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$`)

// ValidateAgentName checks an agent name: 1 to 64 letters, digits, '.', '_' or '-', not
// starting with a punctuation mark.
func ValidateAgentName(name string) error {
	if !agentName().MatchString(name) {
		return fmt.Errorf("agent name %q: use 1 to 64 letters, digits, '.', '_' or '-'", name)
	}
	return nil
}

// NewAgent makes an agent with a fresh ID and credential, returned once: only its hash is
// kept in the agent. With cert (a DER certificate), the agent authenticates with that TLS
// client certificate instead, and the credential returned is "".
func NewAgent(name string, g grant.Grant, now time.Time, ttl time.Duration, cert []byte) (*Agent, string, error) {
	if err := ValidateAgentName(name); err != nil {
		return nil, "", err
	}
	if err := g.Validate(); err != nil {
		return nil, "", err
	}
	id := make([]byte, 8)
	if _, err := rand.Read(id); err != nil {
		return nil, "", err
	}
	a := &Agent{ID: hex.EncodeToString(id), Name: name, Grant: g, CreatedAt: now.UTC()}
	if ttl > 0 {
		a.ExpiresAt = a.CreatedAt.Add(ttl)
	}
	if cert != nil {
		a.CertSHA256 = CertSHA256(cert)
		return a, "", nil
	}
	cred, err := a.NewSecret()
	return a, cred, err
}

// CertSHA256 is the pin of a DER certificate, as [Agent.CertSHA256] keeps it.
func CertSHA256(der []byte) string {
	sum := sha256.Sum256(der)
	return hex.EncodeToString(sum[:])
}

// NewSecret gives a a new random secret (256 bits), replacing its hash, and returns the
// credential that carries it: "asa1.<id>.<secret>". The previous credential stops working.
func (a *Agent) NewSecret() (string, error) {
	secret := make([]byte, 32)
	if _, err := rand.Read(secret); err != nil {
		return "", err
	}
	s := base64.RawURLEncoding.EncodeToString(secret)
	sum := sha256.Sum256([]byte(s))
	a.SecretSHA256 = hex.EncodeToString(sum[:])
	return credentialPrefix + "." + a.ID + "." + s, nil
}

// parseCredential splits a credential into the agent ID and the secret.
func parseCredential(cred string) (id, secret string, ok bool) {
	p, rest, ok1 := strings.Cut(cred, ".")
	id, secret, ok2 := strings.Cut(rest, ".")
	return id, secret, ok1 && ok2 && p == credentialPrefix && id != "" && secret != ""
}

// verify reports, in constant time, whether secret hashes to the agent's SecretSHA256 (never
// for an agent without one).
func (a *Agent) verify(secret string) bool {
	sum := sha256.Sum256([]byte(secret))
	got := hex.EncodeToString(sum[:])
	return a.SecretSHA256 != "" && subtle.ConstantTimeCompare([]byte(got), []byte(a.SecretSHA256)) == 1
}

// AuthenticateCert returns the active agent whose pinned certificate is cert (DER), or
// ErrBadCredential.
func AuthenticateCert(ctx context.Context, store AgentStore, cert *x509.Certificate, now time.Time) (*Agent, error) {
	if now.After(cert.NotAfter) || now.Before(cert.NotBefore) {
		return nil, ErrBadCredential
	}
	a, err := store.LookupCert(ctx, CertSHA256(cert.Raw))
	if errors.Is(err, ErrAgentNotFound) {
		return nil, ErrBadCredential
	}
	if err != nil {
		return nil, err
	}
	if a.Status(now) != "active" {
		return nil, ErrBadCredential
	}
	return a, nil
}

// Authenticate returns the active agent a credential belongs to, or ErrBadCredential.
func Authenticate(ctx context.Context, store AgentStore, cred string, now time.Time) (*Agent, error) {
	id, secret, ok := parseCredential(cred)
	if !ok {
		return nil, ErrBadCredential
	}
	a, err := store.Lookup(ctx, id)
	if errors.Is(err, ErrAgentNotFound) {
		return nil, ErrBadCredential
	}
	if err != nil {
		return nil, err
	}
	if !a.verify(secret) || a.Status(now) != "active" {
		return nil, ErrBadCredential
	}
	return a, nil
}
