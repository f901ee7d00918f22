package broker

import (
	"context"
	"errors"
	"fmt"
	"net/url"
	"regexp"
	"strings"
	"sync"

	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// DefaultConnection is the connection name used when none is given.
const DefaultConnection = "default"

// LoginRequest describes one sign-in. Callbacks let the caller (the CLI) talk to the user;
// nil callbacks mean "cannot ask", and a missing input is then an error.
type LoginRequest struct {
	Provider   string
	Connection string        // "" → "default"
	Flow       provider.Flow // "" → the provider's default flow
	Scopes     []string      // nil → the provider's defaults; see AddScopes
	Tenant     string        // Microsoft: common (default), organizations, consumers, id or domain
	Cloud      string        // Microsoft: global (default), usgov, usgov-dod, china, sandbox
	// AddScopes adds Scopes to the connection's current scopes (the provider's defaults for a
	// new connection); without it Scopes replace the defaults. Either way "@name" in Scopes
	// names one of the provider's scope presets, and a delegated sign-in keeps the scope that
	// brings a refresh token ([RefreshScope]). An existing connection is signed in again for
	// the union (Microsoft's incremental consent) and keeps its name, default-ness, flow,
	// cloud and tenant unless given; Force is implied.
	AddScopes bool
	// ClientID and ClientSecret override (and replace) the stored OAuth client.
	ClientID, ClientSecret string
	Port                   int  // loopback port for the browser flow and the client page; 0 → 7998, negative → any free port
	Force                  bool // replace an existing connection
	// RedirectURI is the loopback redirect URI to send (an app registered with another path,
	// such as http://127.0.0.1/auth/callback/oauth): http, host 127.0.0.1 or localhost, any
	// path; its port, when it names one, replaces Port. "" → the provider's redirect_path on
	// 127.0.0.1.
	RedirectURI string
	// BaseURL fills {base_url} in a templated provider's endpoints and api_url (self-hosted
	// GitLab, GitHub Enterprise); "" → the provider's default. The connection remembers it.
	BaseURL string

	// ClientCertificate is a PEM certificate with its unencrypted RSA private key: the client
	// authenticates with signed assertions instead of a secret, and the connection keeps the PEM
	// in the encrypted vault for later token requests. FederatedTokenFile is the path of a
	// federated (workload identity) token file, read for every token request; the connection
	// keeps the path.
	ClientCertificate  []byte
	FederatedTokenFile string

	Username string // password flow
	APIKey   string // api_key providers

	// Open opens a URL in the user's browser; nil means no browser is available.
	Open func(url string) error
	// Notify tells the user something (URLs to open, what happens next).
	Notify func(msg string)
	// OnAuthURL, when set, shows the browser sign-in's URL and the redirect URI it sends
	// (instead of a Notify sentence); the browser is opened (when Open is set) after it
	// returns, and the wait lasts up to [oauth.SignInTimeout].
	OnAuthURL func(authURL, redirectURI string)
	// OnDeviceCode shows the device-code instructions.
	OnDeviceCode func(da *oauth.DeviceAuth)
	// PromptClient asks in the terminal for a client id and optional secret. When nil and a
	// browser is available, a local page on the loopback listener asks instead.
	PromptClient func(ctx context.Context, info oauth.ClientFormInfo) (id, secret string, err error)
	// PromptSecret asks in the terminal for a hidden value (password, API key).
	PromptSecret func(label string) (string, error)
}

// DefaultPort is the loopback port of the browser flow (register http://127.0.0.1:7998 or
// http://localhost as a "Mobile and desktop applications" redirect URI).
const DefaultPort = oauth.DefaultLoopbackPort

// connNameRE is compiled on first use (its bounded repeat is costly at start-up).
var connNameRE = sync.OnceValue(func() *regexp.Regexp { return regexp.MustCompile(`^[a-zA-Z0-9][a-zA-Z0-9._-]{0,63}$`) })

// ErrInvalidConnectionName is returned for a connection name that [ValidateConnectionName] refuses.
var ErrInvalidConnectionName = errors.New("invalid connection name")

// ValidateConnectionName reports (as ErrInvalidConnectionName) whether name can name a new
// connection: 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit.
func ValidateConnectionName(name string) error {
	if !connNameRE().MatchString(name) {
		return fmt.Errorf("%w %q: use 1-64 letters, digits, '.', '_' or '-', starting with a letter or digit", ErrInvalidConnectionName, name)
	}
	return nil
}

// Login signs in and stores the connection. It returns the stored connection.
func (b *Broker) Login(ctx context.Context, req LoginRequest) (*vault.Connection, error) {
	def, err := b.definition(req.Provider)
	if err != nil {
		return nil, err
	}
	if req.Connection == "" {
		req.Connection = DefaultConnection
	}
	if err := ValidateConnectionName(req.Connection); err != nil {
		return nil, err
	}
	def, baseURL, err := resolveLogin(def, req.BaseURL)
	if err != nil {
		return nil, err
	}
	if req.RedirectURI != "" {
		if _, _, _, err := oauth.ParseLoopbackRedirect(req.RedirectURI); err != nil {
			return nil, err
		}
	}
	if req.Notify == nil {
		req.Notify = func(string) {}
	}
	switch {
	case req.Port == 0:
		req.Port = DefaultPort
	case req.Port < 0:
		req.Port = 0 // the loopback listener picks a free port
	}
	data, err := b.store.Load(ctx)
	if err != nil {
		return nil, err
	}
	existing := lookup(data, def.Name, req.Connection)
	if req, err = scopeRequest(def, req, existing); err != nil {
		return nil, err
	}
	if existing != nil && !req.Force {
		return nil, fmt.Errorf("%w: %s/%s (use --force to sign in again, --scopes +SCOPE to add scopes, or --connection NAME for another account)", ErrAlreadyExists, def.Name, req.Connection)
	}
	flow := req.Flow
	if flow == "" {
		flow = def.Flow
	}
	var conn *vault.Connection
	switch def.AuthType {
	case provider.AuthAPIKey:
		if flow != provider.FlowAPIKey {
			return nil, fmt.Errorf("%s uses an API key; --flow %s does not apply", def.Name, flow)
		}
		conn, err = b.loginAPIKey(def, req)
	default:
		conn, err = b.loginOAuth(ctx, def, flow, req, existing)
	}
	if err != nil {
		return nil, err
	}
	conn.Provider, conn.Name, conn.Flow = def.Name, req.Connection, string(flow)
	conn.ObtainedAt, conn.Status = b.now(), StatusConnected
	if baseURL != "" {
		conn.Metadata = map[string]string{MetadataBaseURL: baseURL}
	}
	err = b.store.Update(ctx, func(d *vault.Data) error {
		ps := providerState(d, def.Name)
		if _, exists := ps.Connections[req.Connection]; exists && !req.Force {
			return fmt.Errorf("%w: %s/%s", ErrAlreadyExists, def.Name, req.Connection)
		}
		ps.Connections[req.Connection] = conn
		if ps.Default == "" || ps.Connections[ps.Default] == nil {
			ps.Default = req.Connection
		}
		return nil
	})
	if err != nil {
		return nil, err
	}
	b.log.Debug("login stored", "provider", def.Name, "connection", req.Connection, "flow", flow)
	b.Record(Event{Kind: EventLogin, Provider: def.Name, Connection: req.Connection, Flow: string(flow), Scopes: conn.Scopes})
	return conn, nil
}

// Connection statuses: the vault's, which stores them ([vault.StatusConnected]).
const (
	StatusConnected  = vault.StatusConnected
	StatusNeedsLogin = vault.StatusNeedsLogin
)

func (b *Broker) loginAPIKey(def *provider.Definition, req LoginRequest) (*vault.Connection, error) {
	key := strings.TrimSpace(req.APIKey)
	if key == "" {
		if req.PromptSecret == nil {
			return nil, fmt.Errorf("%s needs an API key: pass it on stdin (--api-key-stdin) or run in a terminal", def.Name)
		}
		k, err := req.PromptSecret(def.DisplayName + " API key")
		if err != nil {
			return nil, err
		}
		key = strings.TrimSpace(k)
	}
	if key == "" {
		return nil, fmt.Errorf("empty API key")
	}
	if p := def.APIKey.KeyPattern; p != "" {
		// The whole key must match, as Python's re.fullmatch in the original authsome.
		re, err := regexp.Compile(`^(?:` + p + `)$`)
		if err != nil {
			return nil, fmt.Errorf("provider %s: api_key.key_pattern: %v", def.Name, err)
		}
		if !re.MatchString(key) {
			hint := def.APIKey.KeyPatternHint
			if hint == "" {
				hint = "it does not match " + p
			}
			return nil, fmt.Errorf("that does not look like a %s API key: %s", def.DisplayName, hint)
		}
	}
	return &vault.Connection{AuthType: string(provider.AuthAPIKey), APIKey: key}, nil
}

func (b *Broker) loginOAuth(ctx context.Context, def *provider.Definition, flow provider.Flow, req LoginRequest, existing *vault.Connection) (*vault.Connection, error) {
	switch flow {
	case provider.FlowPKCE:
	case provider.FlowDCRPKCE:
		if def.Registration == nil || def.Registration.RegistrationEndpoint == "" {
			return nil, fmt.Errorf("%s has no client registration endpoint (registration.registration_endpoint) for the dcr_pkce flow", def.Name)
		}
	case provider.FlowDeviceCode:
		if !def.OAuth.SupportsDeviceCode {
			return nil, fmt.Errorf("%s does not support the device code flow", def.Name)
		}
	case provider.FlowClientCredentials:
		if def.IsMicrosoft() && isMultiTenant(req.Tenant) {
			if req.Cloud != CloudSandbox {
				return nil, fmt.Errorf("client credentials (app-only) sign-in needs a tenant id or domain: pass --tenant (not %q)", orCommon(req.Tenant))
			}
			info, err := b.Sandbox()
			if err != nil {
				return nil, err
			}
			req.Tenant = info.TenantID
		}
	case provider.FlowPassword:
		req.Notify("warning: the password flow is legacy: it fails with MFA, federated and personal accounts; prefer the browser flow")
	default:
		return nil, fmt.Errorf("unknown flow %q (pkce, dcr_pkce, device_code, client_credentials or password)", flow)
	}
	t, err := b.resolve(def, req.Cloud, req.Tenant)
	if err != nil {
		return nil, err
	}
	var lb *oauth.Loopback
	var redirect string
	browser := flow == provider.FlowPKCE || flow == provider.FlowDCRPKCE
	if browser {
		if lb, redirect, err = listenRedirect(def, req); err != nil {
			return nil, err
		}
		defer lb.Close()
	}
	var client vault.Client
	var persist bool
	var cred *appCredential
	if cred, err = newAppCredential(req); err != nil {
		return nil, err
	}
	if cred != nil {
		client, err = b.assertionClient(ctx, def, t, req)
	} else if flow == provider.FlowDCRPKCE && req.ClientID == "" {
		client, persist, err = b.registeredClient(ctx, def, t, redirect)
	} else {
		client, persist, err = b.client(ctx, def, t, flow, req, lb, redirect)
	}
	if err != nil {
		return nil, err
	}
	cfg := &oauth.Config{
		ClientID:     client.ClientID,
		ClientSecret: client.ClientSecret,
		Endpoint:     t.endpoint,
		Scopes:       scopesFor(def, t, flow, req.Scopes),
		HTTPClient:   t.hc,
		Now:          b.now,
		// Some providers (Postiz) poll the device code with a JSON body.
		DeviceTokenJSON: def.OAuth.DeviceTokenRequest == provider.DeviceTokenJSON,
	}
	if cred != nil {
		cfg.Assertion = cred.assertion
	}
	var tok *oauth.Token
	switch flow {
	case provider.FlowPKCE, provider.FlowDCRPKCE:
		opts := oauth.AuthCodeOptions{RedirectURI: redirect, Open: req.Open, Notify: func(u string) {
			switch {
			case req.OnAuthURL != nil:
				req.OnAuthURL(u, redirect)
			case req.Open == nil:
				req.Notify("Open this URL in a browser to sign in:\n  " + u + "\n(redirect URI " + redirect + ")")
			default:
				req.Notify("Opening the sign-in page in your browser; if it does not open, go to:\n  " + u + "\n(redirect URI " + redirect + ")")
			}
		}}
		switch {
		case def.IsMicrosoft() && req.AddScopes && existing != nil && existing.Account.Username != "":
			// More scopes for the same account: Microsoft asks consent for the new ones only.
			opts.Extra = url.Values{"login_hint": {existing.Account.Username}}
		case def.IsMicrosoft() && (req.Connection != DefaultConnection || req.Force):
			// Another account, or a fresh sign-in: let the user pick instead of reusing the session.
			opts.Extra = url.Values{"prompt": {"select_account"}}
		}
		tok, err = lb.AuthCode(ctx, cfg, opts)
		if def.IsMicrosoft() && (errors.Is(err, context.Canceled) || errors.Is(err, context.DeadlineExceeded)) {
			// Microsoft shows AADSTS50011 (redirect URI not registered) on its own page and
			// never comes back: say what to check.
			err = fmt.Errorf("%w (if the sign-in page showed AADSTS50011: %s)", err, oauth.RedirectHint(redirect))
		}
	case provider.FlowDeviceCode:
		var da *oauth.DeviceAuth
		if da, err = cfg.DeviceAuth(ctx); err == nil {
			if req.OnDeviceCode != nil {
				req.OnDeviceCode(da)
			}
			tok, err = cfg.PollDeviceToken(ctx, da)
		}
	case provider.FlowClientCredentials:
		if def.IsMicrosoft() {
			cfg.Scopes = []string{strings.TrimSuffix(t.graph, "/") + "/.default"}
		}
		tok, err = cfg.ClientCredentials(ctx)
	case provider.FlowPassword:
		tok, err = b.passwordLogin(ctx, cfg, req)
	}
	if err != nil {
		return nil, unreachable(err)
	}
	if tok.RefreshToken == "" && flow != provider.FlowClientCredentials && RefreshScope(def) != "" {
		req.Notify(fmt.Sprintf("warning: %s/%s got no refresh token: it cannot refresh, and needs `authsome login %s --force` when the access token expires", def.Name, req.Connection, def.Name))
	}
	if persist {
		err := b.store.Update(ctx, func(d *vault.Data) error {
			stored := client
			providerState(d, def.Name).Client = &stored
			return nil
		})
		if err != nil {
			return nil, err
		}
	}
	conn := &vault.Connection{
		AuthType:     string(provider.AuthOAuth2),
		AccessToken:  tok.AccessToken,
		RefreshToken: tok.RefreshToken,
		TokenType:    tok.TokenType,
		Expiry:       tok.Expiry,
		Scopes:       cfg.Scopes,
		ClientID:     client.ClientID,
		Cloud:        t.cloud,
		AuthorityURL: t.authority,
		GraphURL:     t.graph,
		Tenant:       orCommon(req.Tenant),
	}
	if !def.IsMicrosoft() {
		conn.Tenant = ""
	}
	cred.store(conn)
	if tok.IDToken != "" {
		if c, err := oauth.ParseIDTokenClaims(tok.IDToken); err == nil {
			conn.Account = vault.Account{Username: c.Username, ObjectID: c.ObjectID, Name: c.Name, TenantID: c.TenantID}
			if def.IsMicrosoft() && c.TenantID != "" {
				conn.Tenant = c.TenantID // refresh against the tenant that issued the token
			}
		}
	}
	if flow == provider.FlowClientCredentials {
		conn.Account = vault.Account{Name: "app " + client.ClientID, TenantID: conn.Tenant}
	}
	return conn, nil
}

func (b *Broker) passwordLogin(ctx context.Context, cfg *oauth.Config, req LoginRequest) (*oauth.Token, error) {
	if req.Username == "" {
		return nil, errors.New("the password flow needs --username")
	}
	if req.PromptSecret == nil {
		return nil, errors.New("the password flow needs a terminal to ask for the password")
	}
	pw, err := req.PromptSecret("Password for " + req.Username)
	if err != nil {
		return nil, err
	}
	return cfg.Password(ctx, req.Username, pw)
}

// client finds the OAuth client for a login: flags, then the vault, then the sandbox's seeded
// clients, then the user (terminal prompt or local page). persist reports whether it should be
// stored for later logins.
func (b *Broker) client(ctx context.Context, def *provider.Definition, t *target, flow provider.Flow, req LoginRequest, lb *oauth.Loopback, redirect string) (c vault.Client, persist bool, err error) {
	confidential := flow == provider.FlowClientCredentials
	if req.ClientID != "" {
		c = vault.Client{ClientID: req.ClientID, ClientSecret: req.ClientSecret}
		if confidential && c.ClientSecret == "" {
			return c, false, errors.New("client credentials need a client secret: pipe it to --client-secret-stdin")
		}
		return c, t.sandbox == nil, nil
	}
	if t.sandbox != nil {
		if confidential {
			return vault.Client{ClientID: t.sandbox.ConfidentialClientID, ClientSecret: t.sandbox.ConfidentialClientSecret}, false, nil
		}
		return vault.Client{ClientID: t.sandbox.PublicClientID}, false, nil
	}
	data, err := b.store.Load(ctx)
	if err != nil {
		return c, false, err
	}
	if ps := data.Providers[def.Name]; ps != nil && ps.Client != nil && ps.Client.ClientID != "" {
		c = *ps.Client
		if req.ClientSecret != "" {
			c.ClientSecret = req.ClientSecret
			persist = true
		}
		if confidential && c.ClientSecret == "" {
			return c, false, errors.New("client credentials need a client secret: pipe it to --client-secret-stdin")
		}
		return c, persist, nil
	}
	info := oauth.ClientFormInfo{Provider: def.Name, DisplayName: def.DisplayName, DocsURL: def.DocsURL, AskSecret: true}
	if redirect != "" {
		info.RedirectURI = redirect
	} else {
		info.RedirectURI = fmt.Sprintf("http://127.0.0.1:%d", req.Port)
	}
	switch {
	case req.PromptClient != nil:
		c.ClientID, c.ClientSecret, err = req.PromptClient(ctx, info)
	case req.Open != nil:
		if lb == nil {
			if lb, err = oauth.ListenLoopback(req.Port); err != nil {
				return c, false, err
			}
			defer lb.Close()
			info.RedirectURI = lb.RedirectURI()
		}
		c.ClientID, c.ClientSecret, err = lb.CollectClient(ctx, info, req.Open, func(u string) {
			req.Notify("No OAuth client is stored for " + def.DisplayName + ". Enter it on the page that opened; if none did, visit:\n  " + u)
		})
	default:
		return c, false, fmt.Errorf("no OAuth client id is stored for %s: pass --client-id (and --client-secret-stdin if it has a secret)", def.Name)
	}
	if err != nil {
		return c, false, err
	}
	c.ClientID = strings.TrimSpace(c.ClientID)
	if c.ClientID == "" {
		return c, false, errors.New("no client id given")
	}
	if confidential && c.ClientSecret == "" {
		return c, false, errors.New("client credentials need a client secret")
	}
	return c, true, nil
}

// listenRedirect starts the loopback listener of a browser sign-in and returns the redirect URI
// to send: --redirect-uri (whose port, when given, replaces --port), else the provider's
// redirect_path on 127.0.0.1.
func listenRedirect(def *provider.Definition, req LoginRequest) (*oauth.Loopback, string, error) {
	host, port, path := "127.0.0.1", req.Port, def.OAuth.RedirectPath
	if req.RedirectURI != "" {
		var p int
		var err error
		if host, p, path, err = oauth.ParseLoopbackRedirect(req.RedirectURI); err != nil {
			return nil, "", err
		}
		if p != 0 {
			port = p
		}
	}
	lb, err := oauth.ListenLoopback(port)
	if err != nil {
		return nil, "", err
	}
	return lb, lb.Redirect(host, path), nil
}

func isMultiTenant(t string) bool {
	switch strings.ToLower(t) {
	case "", "common", "organizations", "consumers":
		return true
	}
	return false
}

func orCommon(t string) string {
	if t == "" {
		return "common"
	}
	return t
}

func providerState(d *vault.Data, name string) *vault.ProviderState {
	if d.Providers == nil {
		d.Providers = map[string]*vault.ProviderState{}
	}
	ps := d.Providers[name]
	if ps == nil {
		ps = &vault.ProviderState{}
		d.Providers[name] = ps
	}
	if ps.Connections == nil {
		ps.Connections = map[string]*vault.Connection{}
	}
	return ps
}

func lookup(d *vault.Data, prov, name string) *vault.Connection {
	if d == nil || d.Providers == nil {
		return nil
	}
	ps := d.Providers[prov]
	if ps == nil {
		return nil
	}
	return ps.Connections[name]
}
