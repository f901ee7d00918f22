package cli

import (
	"bufio"
	"context"
	"errors"
	"fmt"
	"io"
	"os"
	"os/exec"
	"runtime"
	"slices"
	"strings"

	clibrowser "github.com/cli/browser"
	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
)

type loginOptions struct {
	f *Factory

	Provider          string
	Connection        string
	Flow              string
	Scopes            []string
	AddScopes         bool // every --scopes value had a leading '+'
	Tenant            string
	Cloud             string
	ClientID          string
	ClientSecretStdin bool
	ClientCertFile    string
	FederatedFile     string
	APIKeyStdin       bool
	Username          string
	Port              int
	RedirectURI       string
	BaseURL           string
	NoBrowser         bool
	Force             bool
	flowSet           bool
}

func newLoginCmd(f *Factory, runF func(*loginOptions) error) *cobra.Command {
	opts := &loginOptions{f: f}
	cmd := &cobra.Command{
		Use:   "login PROVIDER",
		Short: "Sign in to a provider and store the connection",
		Long: `Sign in to a provider and keep the connection encrypted in the profile's vault.

Microsoft: the browser flow (PKCE on http://127.0.0.1:7998) is the default; without a display
the device code flow is used. App-only sign-in uses --flow client_credentials with --tenant and
the client secret on stdin, --client-certificate (PEM certificate and key) or
--federated-token-file (workload identity; AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID and
AZURE_TENANT_ID are used when set). --cloud sandbox signs in to the offline sandbox (authsome sandbox).

The browser's redirect is accepted at / and at /auth/callback/oauth; --redirect-uri sends the
loopback URI the app registered (http://127.0.0.1/auth/callback/oauth for apps set up for the
original authsome). --base-url fills {base_url} in a self-hosted provider's endpoints.`,
		Example: `  authsome login microsoft
  authsome login microsoft --flow device_code --connection work
  printf %s "$SECRET" | authsome login microsoft --flow client_credentials --tenant contoso.com --client-id ID --client-secret-stdin
  authsome login microsoft --flow client_credentials --tenant contoso.com --client-id ID --client-certificate app.pem
  authsome login microsoft --cloud sandbox
  authsome login microsoft --scopes +Mail.Send,+@contacts
  authsome login microsoft --redirect-uri http://127.0.0.1/auth/callback/oauth
  authsome login gitlab --base-url https://gitlab.example.com`,
		Args:              exactArgs(1, "a provider name"),
		ValidArgsFunction: completeProviderArg(f),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Provider = args[0]
			opts.flowSet = cmd.Flags().Changed("flow")
			if opts.ClientSecretStdin && opts.APIKeyStdin {
				return usagef("--client-secret-stdin and --api-key-stdin both read stdin; use one")
			}
			switch provider.Flow(opts.Flow) {
			case "", provider.FlowPKCE, provider.FlowDCRPKCE, provider.FlowDeviceCode, provider.FlowClientCredentials, provider.FlowPassword, provider.FlowAPIKey:
			default:
				return usagef("unknown --flow %q (pkce, dcr_pkce, device_code, client_credentials, password)", opts.Flow)
			}
			if opts.RedirectURI != "" {
				if _, _, _, err := oauth.ParseLoopbackRedirect(opts.RedirectURI); err != nil {
					return usagef("--redirect-uri: %v", err)
				}
			}
			if opts.BaseURL != "" {
				if _, err := provider.CheckBaseURL(opts.BaseURL); err != nil {
					return usagef("--base-url: %v", err)
				}
			}
			if opts.Connection != "" {
				if err := broker.ValidateConnectionName(opts.Connection); err != nil {
					return &usageError{"--connection: " + err.Error()}
				}
			}
			var err error
			if opts.Scopes, opts.AddScopes, err = parseScopes(opts.Scopes); err != nil {
				return err
			}
			if err := checkPresets(f, opts); err != nil {
				return err
			}
			if opts.Port < 0 || opts.Port > 65535 {
				return usagef("--port %d is not a port number", opts.Port)
			}
			if runF != nil {
				return runF(opts)
			}
			return runLogin(cmd.Context(), opts)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&opts.Connection, "connection", "", "connection name (default \"default\")")
	fl.StringVar(&opts.Flow, "flow", "", "pkce, dcr_pkce, device_code, client_credentials or password (default: the provider's)")
	fl.StringSliceVar(&opts.Scopes, "scopes", nil, "scopes to request, comma-separated, replacing the provider's defaults (offline_access is kept); +SCOPE adds to the connection's scopes; @PRESET names a group (authsome providers show PROVIDER)")
	fl.StringVar(&opts.Tenant, "tenant", "", "Microsoft tenant: common, organizations, consumers, a tenant id or domain")
	fl.StringVar(&opts.Cloud, "cloud", "", "Microsoft cloud: global, usgov, usgov-dod, china or sandbox")
	fl.StringVar(&opts.ClientID, "client-id", "", "OAuth client (application) id; stored for later logins")
	fl.BoolVar(&opts.ClientSecretStdin, "client-secret-stdin", false, "read the client secret from stdin")
	fl.StringVar(&opts.ClientCertFile, "client-certificate", "", "PEM file with the app's certificate and unencrypted RSA key (kept encrypted in the vault)")
	fl.StringVar(&opts.FederatedFile, "federated-token-file", "", "federated (workload identity) token file, read for every token request (default $AZURE_FEDERATED_TOKEN_FILE)")
	fl.BoolVar(&opts.APIKeyStdin, "api-key-stdin", false, "read the API key from stdin (API-key providers)")
	fl.StringVar(&opts.Username, "username", "", "user name for the legacy password flow")
	fl.IntVar(&opts.Port, "port", broker.DefaultPort, "loopback port for the browser flow (0 picks a free port)")
	fl.StringVar(&opts.RedirectURI, "redirect-uri", "", "loopback redirect URI the app is registered with, e.g. http://127.0.0.1/auth/callback/oauth (default: http://127.0.0.1:PORT)")
	fl.StringVar(&opts.BaseURL, "base-url", "", "base URL of a self-hosted provider (GitLab, GitHub Enterprise), filling its {base_url} endpoints")
	fl.BoolVar(&opts.NoBrowser, "no-browser", false, "do not open a browser; print the URL and ask in the terminal")
	fl.BoolVar(&opts.Force, "force", false, "sign in again, replacing an existing connection")
	_ = cmd.RegisterFlagCompletionFunc("flow", cobra.FixedCompletions([]string{"pkce", "dcr_pkce", "device_code", "client_credentials", "password"}, cobra.ShellCompDirectiveNoFileComp))
	_ = cmd.RegisterFlagCompletionFunc("cloud", cobra.FixedCompletions([]string{"global", "usgov", "usgov-dod", "china", "sandbox"}, cobra.ShellCompDirectiveNoFileComp))
	registerConnectionFlag(cmd, f)
	registerScopesFlag(cmd, f)
	return cmd
}

func runLogin(ctx context.Context, opts *loginOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	def, _, err := b.Catalog().Get(opts.Provider)
	if err != nil {
		return err
	}
	ios := f.IO
	clientID := strings.TrimSpace(opts.ClientID)
	if clientID != "" {
		if msg := (oauth.ClientFormInfo{Provider: def.Name}).CheckClientID(clientID); msg != "" {
			return usagef("--client-id: %s", msg)
		}
	}
	screen := newSigninScreen(f)
	req := broker.LoginRequest{
		Provider:   def.Name,
		Connection: opts.Connection,
		Flow:       provider.Flow(opts.Flow),
		Scopes:     opts.Scopes,
		AddScopes:  opts.AddScopes,
		Tenant:     opts.Tenant,
		Cloud:      opts.Cloud,
		ClientID:   clientID,
		Port:       loopbackPort(opts.Port),
		Force:      opts.Force,
		Username:   opts.Username,
	}
	req.Notify, req.OnDeviceCode = screen.notify, screen.deviceCode
	req.RedirectURI, req.BaseURL = opts.RedirectURI, opts.BaseURL
	if err := appCredentialFlags(opts, &req); err != nil {
		return err
	}
	if opts.ClientSecretStdin || opts.APIKeyStdin {
		secret, err := readSecretStdin(ios.In)
		if err != nil {
			return err
		}
		if opts.ClientSecretStdin {
			req.ClientSecret = secret
		} else {
			req.APIKey = secret
		}
	}
	headless := !hasDisplay()
	if !opts.NoBrowser && !headless {
		req.Open = openBrowser
	}
	if opts.NoBrowser || headless || !ios.CanPrompt() {
		if ios.CanPrompt() {
			req.PromptClient = func(ctx context.Context, info oauth.ClientFormInfo) (string, string, error) {
				return promptClient(ctx, ios, info)
			}
		}
	}
	if ios.CanPrompt() {
		req.PromptSecret = func(label string) (string, error) { return promptHiddenCtx(ctx, ios, label) }
	}
	req.OnAuthURL = func(authURL, redirect string) { screen.browser(authURL, redirect, req.Open != nil) }
	if !opts.flowSet && def.IsMicrosoft() && headless && !opts.NoBrowser && def.OAuth.SupportsDeviceCode {
		req.Flow = provider.FlowDeviceCode
		fmt.Fprintln(ios.ErrOut, "No display found: using the device code flow (pass --flow pkce --no-browser to use the browser flow with a printed URL).")
	}
	conn, err := b.Login(ctx, req)
	if err = screen.finish(err); err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(ios.Out, loginJSON(ctx, b, conn, nowFunc()))
	}
	who := conn.Account.Username
	if who == "" {
		who = conn.Account.Name
	}
	if who != "" {
		who = " as " + who
	}
	f.notef("Signed in to %s%s (connection %q, profile %q).\n", def.DisplayName, who, conn.Name, b.Profile())
	return nil
}

// parseScopes reads the --scopes values: all with a leading '+' (add them to the connection's
// scopes) or none (replace); empty values are dropped.
func parseScopes(values []string) (scopes []string, add bool, err error) {
	plus := 0
	for _, v := range values {
		v = strings.TrimSpace(v)
		if v == "" {
			continue
		}
		if s, ok := strings.CutPrefix(v, "+"); ok {
			plus++
			v = strings.TrimSpace(s)
			if v == "" {
				return nil, false, usagef("--scopes: '+' names no scope")
			}
		}
		scopes = append(scopes, v)
	}
	if plus > 0 && plus < len(scopes) {
		return nil, false, usagef("--scopes: mixes scopes to add (+SCOPE) with scopes that replace the current ones; give all with '+' to add, or none to replace")
	}
	return scopes, plus > 0, nil
}

// checkPresets refuses an unknown @preset in --scopes as a usage error, before anything is
// written to the home folder.
func checkPresets(f *Factory, opts *loginOptions) error {
	if !slices.ContainsFunc(opts.Scopes, func(s string) bool { return strings.HasPrefix(s, provider.PresetPrefix) }) {
		return nil
	}
	def, _, err := provider.NewCatalog(broker.CatalogDir(f.Home())).Get(opts.Provider)
	if err != nil {
		return nil // login says what is wrong with the provider
	}
	if _, err := def.ExpandScopes(opts.Scopes); err != nil {
		return usagef("--scopes: %v", err)
	}
	return nil
}

// readSecretStdin reads one secret from stdin: the first line, trimmed.
func readSecretStdin(in io.Reader) (string, error) {
	r := bufio.NewReader(io.LimitReader(in, 64<<10))
	line, err := r.ReadString('\n')
	if err != nil && !errors.Is(err, io.EOF) {
		return "", err
	}
	s := strings.TrimSpace(line)
	if s == "" {
		return "", usagef("nothing was read from stdin")
	}
	return s, nil
}

// hasDisplay reports whether a browser can be shown on this machine.
func hasDisplay() bool {
	if os.Getenv("BROWSER") != "" {
		return true
	}
	switch runtime.GOOS {
	case "darwin", "windows":
		return os.Getenv("SSH_CONNECTION") == ""
	}
	return os.Getenv("DISPLAY") != "" || os.Getenv("WAYLAND_DISPLAY") != ""
}

// openBrowser opens url with $BROWSER if set, else the system's opener.
func openBrowser(url string) error {
	if b := os.Getenv("BROWSER"); b != "" {
		cmd := exec.Command(b, url)
		cmd.Stdout, cmd.Stderr = io.Discard, io.Discard
		return cmd.Start()
	}
	return clibrowser.OpenURL(url)
}

// loopbackPort maps the --port flag to the broker's convention (0 there means the default).
func loopbackPort(flag int) int {
	if flag == 0 {
		return -1
	}
	return flag
}

// appCredentialFlags fills the certificate or federated credential of an app-only sign-in:
// --client-certificate, --federated-token-file, or Azure workload identity's environment
// (AZURE_FEDERATED_TOKEN_FILE, AZURE_CLIENT_ID, AZURE_TENANT_ID) when no credential is given.
func appCredentialFlags(opts *loginOptions, req *broker.LoginRequest) error {
	if opts.ClientCertFile != "" {
		pem, err := os.ReadFile(opts.ClientCertFile)
		if err != nil {
			return usagef("--client-certificate: %v", err)
		}
		req.ClientCertificate = pem
	}
	req.FederatedTokenFile = opts.FederatedFile
	if req.Flow != provider.FlowClientCredentials || opts.ClientCertFile != "" || opts.ClientSecretStdin {
		return nil
	}
	if req.FederatedTokenFile == "" {
		req.FederatedTokenFile = os.Getenv("AZURE_FEDERATED_TOKEN_FILE")
	}
	if req.FederatedTokenFile != "" && req.ClientID == "" {
		req.ClientID = strings.TrimSpace(os.Getenv("AZURE_CLIENT_ID"))
	}
	if req.FederatedTokenFile != "" && req.Tenant == "" {
		req.Tenant = strings.TrimSpace(os.Getenv("AZURE_TENANT_ID"))
	}
	return nil
}
