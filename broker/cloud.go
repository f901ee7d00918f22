package broker

import (
	"crypto/x509"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"strings"

	"github.com/authsome-go/authsome/internal/sandboxfile"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
)

// CloudSandbox is the cloud name of the offline Microsoft 365 sandbox.
const CloudSandbox = "sandbox"

// SandboxInfo is what `authsome sandbox` writes to sandbox.json in the home folder while it runs.
type SandboxInfo = sandboxfile.Info

// SandboxUser is a seeded user of the sandbox tenant.
type SandboxUser = sandboxfile.User

// SandboxInfoFile is the name of the sandbox state file inside the home folder.
const SandboxInfoFile = sandboxfile.Name

// Sandbox returns the running sandbox's description: $AUTHSOME_SANDBOX_URL (with
// $AUTHSOME_SANDBOX_CA for its CA file) if set, else the home's sandbox.json.
func (b *Broker) Sandbox() (*SandboxInfo, error) {
	info, err := sandboxfile.Read(filepath.Join(b.home.Dir, SandboxInfoFile))
	if err != nil && !errors.Is(err, os.ErrNotExist) {
		return nil, err
	}
	if u := os.Getenv("AUTHSOME_SANDBOX_URL"); u != "" {
		if info.URL != strings.TrimSuffix(u, "/") {
			info = SandboxInfo{}
		}
		info.URL = strings.TrimSuffix(u, "/")
		if ca := os.Getenv("AUTHSOME_SANDBOX_CA"); ca != "" {
			info.CAFile = ca
		}
	}
	if info.URL == "" {
		return nil, fmt.Errorf("%w: no sandbox is running (start one with `authsome sandbox`, or set AUTHSOME_SANDBOX_URL)", ErrUnreachable)
	}
	return &info, nil
}

// target is where a connection's identity and API requests go.
type target struct {
	cloud     string
	authority string // e.g. https://login.microsoftonline.com (Microsoft only)
	graph     string // e.g. https://graph.microsoft.com (Microsoft only)
	endpoint  oauth.Endpoint
	hc        *http.Client
	sandbox   *SandboxInfo
}

// resolve maps a provider, cloud and tenant to endpoints. Non-Microsoft providers use their
// definition's URLs as they are.
func (b *Broker) resolve(def *provider.Definition, cloud, tenant string) (*target, error) {
	t := &target{hc: b.hc}
	if def.OAuth == nil {
		return t, nil
	}
	if !def.IsMicrosoft() {
		if cloud != "" && cloud != "global" {
			return nil, fmt.Errorf("--cloud applies only to Microsoft providers")
		}
		t.endpoint = oauth.Endpoint{
			AuthURL:       def.OAuth.AuthorizationURL,
			TokenURL:      def.OAuth.TokenURL,
			DeviceAuthURL: def.OAuth.DeviceAuthorizationURL,
			RevocationURL: def.OAuth.RevocationURL,
		}
		return t, nil
	}
	if tenant == "" {
		tenant = "common"
	}
	if err := oauth.ValidateTenant(tenant); err != nil {
		return nil, err
	}
	switch cloud {
	case CloudSandbox:
		info, err := b.Sandbox()
		if err != nil {
			return nil, err
		}
		t.cloud, t.authority, t.graph, t.sandbox = CloudSandbox, info.URL, info.URL, info
		if info.CAFile != "" {
			hc, err := b.clientTrusting(info.CAFile)
			if err != nil {
				return nil, err
			}
			t.hc = hc
		}
	default:
		c, err := oauth.LookupCloud(cloud)
		if err != nil {
			return nil, err
		}
		t.cloud, t.authority, t.graph = c.Name, c.AuthorityHost, c.GraphHost
	}
	t.endpoint = oauth.MicrosoftEndpoint(t.authority, tenant)
	return t, nil
}

// clientTrusting is ClientTrusting with one client (and so one connection pool) per CA file.
func (b *Broker) clientTrusting(caFile string) (*http.Client, error) {
	if hc, ok := b.caClients.Load(caFile); ok {
		return hc.(*http.Client), nil
	}
	hc, err := ClientTrusting(caFile)
	if err != nil {
		return nil, err
	}
	actual, _ := b.caClients.LoadOrStore(caFile, hc)
	return actual.(*http.Client), nil
}

// ClientTrusting returns an HTTP client that trusts the system roots plus the CA in caFile
// (an empty caFile means the system roots only).
func ClientTrusting(caFile string) (*http.Client, error) {
	if caFile == "" {
		return defaultHTTPClient(nil), nil
	}
	pool, err := RootsTrusting(caFile)
	if err != nil {
		return nil, err
	}
	return defaultHTTPClient(pool), nil
}

// RootsTrusting returns the system roots plus the CA certificates in caFile, for example the
// sandbox's CA.
func RootsTrusting(caFile string) (*x509.CertPool, error) {
	pem, err := os.ReadFile(caFile)
	if err != nil {
		return nil, fmt.Errorf("sandbox CA: %w", err)
	}
	pool, err := x509.SystemCertPool()
	if err != nil || pool == nil {
		pool = x509.NewCertPool()
	}
	if !pool.AppendCertsFromPEM(pem) {
		return nil, fmt.Errorf("sandbox CA %s: no PEM certificate found", caFile)
	}
	return pool, nil
}

// scopesFor returns the scopes to request: the given ones or the provider's defaults, plus
// the provider's refresh scope for a delegated flow ([RefreshScope]), openid and profile for Microsoft (the id token labels the connection), qualified for
// national clouds.
func scopesFor(def *provider.Definition, t *target, flow provider.Flow, requested []string) []string {
	scopes := requested
	if len(scopes) == 0 {
		scopes = def.DefaultScopes()
	}
	if rs := RefreshScope(def); rs != "" && flow != provider.FlowClientCredentials {
		scopes = appendMissing(scopes, rs)
	}
	if !def.IsMicrosoft() {
		return scopes
	}
	scopes = appendMissing(scopes, "openid", "profile")
	if t.cloud != CloudSandbox {
		scopes = appendMissing(nil, oauth.QualifyScopes(scopes, t.graph)...)
	}
	return scopes
}

func appendMissing(scopes []string, extra ...string) []string {
	out := append([]string(nil), scopes...)
	for _, e := range extra {
		found := false
		for _, s := range out {
			if strings.EqualFold(s, e) {
				found = true
				break
			}
		}
		if !found {
			out = append(out, e)
		}
	}
	return out
}
