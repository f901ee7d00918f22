package cli

import (
	"context"
	"crypto/rand"
	"encoding/hex"
	"errors"
	"fmt"
	"log/slog"
	"net"
	"net/url"
	"os"
	"os/exec"
	"os/signal"
	"path/filepath"
	"strings"
	"syscall"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/isolate"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/proxy"
)

type runOptions struct {
	f             *Factory
	Providers     []string // P or P:CONN
	DenyUnmatched bool
	Isolation     string
	Command       []string
	// Gateway, CredentialFile and GatewayCA: run through an `authsome serve` gateway.
	Gateway, CredentialFile, GatewayCA string
}

func newRunCmd(f *Factory, runF func(*runOptions) error) *cobra.Command {
	opts := &runOptions{f: f}
	cmd := &cobra.Command{
		Use:   "run [--provider P[:CONN]]... [--deny-unmatched] -- CMD [ARGS...]",
		Short: "Run a command behind the credential-injecting proxy",
		Long: `Run CMD behind a local HTTPS proxy that adds the real credential to requests for each
connected provider's API host (graph.microsoft.com for Microsoft). The command sees only
placeholders (MICROSOFT_ACCESS_TOKEN=authsome-proxy-managed), a proxy URL with per-run
credentials, and a CA bundle that trusts this run's short-lived CA (and the sandbox's CA when a
connection targets the sandbox, whose file URLs the command reaches directly). Other HTTPS traffic is
tunnelled untouched (or refused with --deny-unmatched). Clients that ignore proxy variables can
use the per-provider base URL instead (MICROSOFT_GRAPH_URL). Exits with the command's exit code.`,
		Example: `  authsome run -- python agent.py
  authsome run --provider microsoft:work --deny-unmatched -- node agent.js`,
		RunE: func(cmd *cobra.Command, args []string) error {
			if cmd.ArgsLenAtDash() != 0 || len(args) == 0 {
				return usagef("run expects the command after --, e.g. `authsome run -- python agent.py`")
			}
			opts.Command = args
			if _, err := isolate.ParseMode(opts.Isolation); err != nil {
				return usagef("--isolation: %v", err)
			}
			if opts.Gateway == "" && (opts.CredentialFile != "" || opts.GatewayCA != "") {
				return usagef("--agent-credential-file and --gateway-ca go with --gateway")
			}
			if runF != nil {
				return runF(opts)
			}
			return runRun(cmd.Context(), opts)
		},
	}
	cmd.Flags().StringArrayVar(&opts.Providers, "provider", nil, "provider (and connection) to inject, as P or P:CONN; repeatable (default: every provider's default connection)")
	cmd.Flags().BoolVar(&opts.DenyUnmatched, "deny-unmatched", false, "refuse traffic to hosts no provider routes instead of tunnelling it")
	cmd.Flags().StringVar(&opts.Isolation, "isolation", string(isolate.Auto), "keep the command from the vault, its key and this process: auto (strongest layer this system allows), strict (fail without one), off; also namespaces or landlock to require that layer")
	cmd.Flags().StringVar(&opts.Gateway, "gateway", "", "run through the `authsome serve` gateway at this URL (https://HOST:PORT) instead of the local vault")
	cmd.Flags().StringVar(&opts.CredentialFile, "agent-credential-file", "", "with --gateway: file holding the agent credential (read by run only, never shown to the command)")
	cmd.Flags().StringVar(&opts.GatewayCA, "gateway-ca", "", "with --gateway: PEM file of the gateway's CA (default: gateway-ca/ca.pem in the profile folder)")
	registerProviderSpecFlag(cmd, f)
	_ = cmd.RegisterFlagCompletionFunc("isolation", cobra.FixedCompletions([]string{"auto", "strict", "off", "namespaces", "landlock"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// runCAValidity is the lifetime of run's own CA: short, since it is trusted only by the child
// and its key never leaves memory, but long enough for agents that run for days.
// runCAWarnAhead is how long before it expires run says so.
const (
	runCAValidity  = 7 * 24 * time.Hour
	runCAWarnAhead = 24 * time.Hour
)

func runRun(ctx context.Context, opts *runOptions) error {
	mode, err := isolate.ParseMode(opts.Isolation)
	if err != nil {
		return usagef("--isolation: %v", err)
	}
	// Before the vault is opened: the child, a process of the same user, must not be able
	// to trace this one or read its memory.
	if err := isolate.Protect(); err != nil {
		opts.f.Logger().Debug("cannot make the process non-dumpable", "err", err)
	}
	hide := secretPaths(opts.f.Home())
	var pr *proxyRun
	if opts.Gateway != "" {
		hide = append(hide, opts.CredentialFile)
		pr, err = startGatewayProxy(ctx, opts.f, opts)
	} else {
		var b *broker.Broker
		if b, err = opts.f.Broker(ctx); err != nil {
			return err
		}
		pr, err = startProxy(ctx, b, proxyConfig{specs: opts.Providers, denyUnmatched: opts.DenyUnmatched, logger: opts.f.WarnLogger()})
	}
	if err != nil {
		return err
	}
	defer pr.Close()
	wctx, stopWarn := context.WithCancel(ctx)
	defer stopWarn()
	go warnBeforeExpiry(wctx, opts.f.IO.ErrOut, pr.caExpiry, runCAWarnAhead, time.Hour,
		"Restart the agent under a new `authsome run` (it makes a new CA).")
	iso := isolate.Options{Mode: mode, Hide: hide}
	code, err := runChild(ctx, opts.Command, pr.Env(os.Environ()), opts.f.IO, iso)
	if err != nil {
		return err
	}
	if code != 0 {
		return &silentError{code: code}
	}
	return nil
}

// runChild starts the command with stdio inherited under the isolation iso asks for, forwards
// termination signals, and returns its exit code (128+signal when it was killed by a signal).
func runChild(ctx context.Context, argv, env []string, ios *IOStreams, iso isolate.Options) (int, error) {
	path, err := exec.LookPath(argv[0])
	if err != nil {
		return 0, usagef("cannot run %q: %v", argv[0], err)
	}
	cmd := exec.Command(path, argv[1:]...)
	cmd.Args[0] = argv[0]
	cmd.Env = env
	cmd.Stdin, cmd.Stdout, cmd.Stderr = ios.In, ios.Out, ios.ErrOut
	sigs := make(chan os.Signal, 4)
	signal.Notify(sigs, syscall.SIGINT, syscall.SIGTERM, syscall.SIGHUP, syscall.SIGQUIT)
	defer signal.Stop(sigs)
	cmd, rep, err := isolate.Start(cmd, iso)
	if err != nil {
		return 0, err
	}
	if len(rep.Layers) == 0 && iso.Mode != isolate.Off {
		fmt.Fprintf(ios.ErrOut, "authsome: warning: %s runs without isolation: it can read the vault as you can (%s); see `authsome doctor`\n", argv[0], rep.Fallback)
	}
	done := make(chan error, 1)
	go func() { done <- cmd.Wait() }()
	for {
		select {
		case s := <-sigs:
			_ = cmd.Process.Signal(s)
		case <-ctx.Done():
			// Our own context ends on SIGINT/SIGTERM (also delivered to the child's process
			// group by the terminal); wait for the child to finish.
			ctx = context.Background()
		case err := <-done:
			var ee *exec.ExitError
			if errors.As(err, &ee) {
				if ws, ok := ee.Sys().(syscall.WaitStatus); ok && ws.Signaled() {
					return 128 + int(ws.Signal()), nil
				}
				return ee.ExitCode(), nil
			}
			return 0, err
		}
	}
}

// proxyConfig selects what a proxy run injects.
type proxyConfig struct {
	specs         []string // P or P:CONN; empty = every default connection
	denyUnmatched bool
	listen        string // forward proxy address; "" = 127.0.0.1:0
	caDir         string // "" = a fresh in-memory CA per run; else a persistent CA kept there
	logger        *slog.Logger
}

// proxyRun is a running proxy with the child environment that goes with it.
type proxyRun struct {
	srv       *proxy.Server
	dir       string // temporary files: trust bundle, CA certificate
	proxyURL  *url.URL
	baseURL   string // http://127.0.0.1:PORT/<secret>
	bundle    string
	caFile    string
	caExpiry  time.Time
	providers []*provider.Definition
	baseVars  map[string]string // MICROSOFT_GRAPH_URL → URL
	runID     string            // the per-run marker (isolate.RunIDEnv)
	closers   []func() error
}

// Env returns the child environment: base without its AUTHSOME_* variables, plus the proxy,
// CA, placeholder and run-marker variables (DESIGN §3), replacing earlier values of the same
// names.
func (p *proxyRun) Env(base []string) []string {
	set := map[string]string{}
	// Placeholders first, so that no provider's export name can replace what run sets itself.
	for _, def := range p.providers {
		for name, src := range def.Export {
			if src == provider.ExportAPIURL {
				continue
			}
			if src == provider.ExportBaseURL { // not a secret: the (resolved) base URL itself
				if def.OAuth != nil && def.OAuth.BaseURL != "" {
					set[name] = def.OAuth.BaseURL
				}
				continue
			}
			set[name] = provider.ProxyPlaceholder
		}
	}
	pu := p.proxyURL.String()
	for _, k := range []string{"HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"} {
		set[k] = pu
	}
	noProxy := "127.0.0.1,localhost,::1"
	for _, kv := range base {
		if k, v, ok := strings.Cut(kv, "="); ok && (k == "NO_PROXY" || k == "no_proxy") && v != "" {
			noProxy = v + "," + noProxy
			break
		}
	}
	set["NO_PROXY"], set["no_proxy"] = noProxy, noProxy
	for _, k := range []string{"SSL_CERT_FILE", "REQUESTS_CA_BUNDLE", "CURL_CA_BUNDLE", "GIT_SSL_CAINFO", "AWS_CA_BUNDLE"} {
		set[k] = p.bundle
	}
	set["NODE_EXTRA_CA_CERTS"] = p.caFile
	set["NODE_USE_ENV_PROXY"] = "1"
	set["AUTHSOME_PROXY"] = "1"
	set["AUTHSOME_PROXY_MODE"] = "true" // what authsome's own child sees
	set[isolate.RunIDEnv] = p.runID
	for k, v := range p.baseVars {
		set[k] = v
	}
	base = childEnv(base)
	out := make([]string, 0, len(base)+len(set))
	for _, kv := range base {
		k, _, _ := strings.Cut(kv, "=")
		if _, replaced := set[k]; !replaced {
			out = append(out, kv)
		}
	}
	for _, k := range sortedKeys(set) {
		out = append(out, k+"="+set[k])
	}
	return out
}

// Close stops the proxy, writes out the audit log and removes the temporary files. Later
// calls do nothing.
func (p *proxyRun) Close() error {
	var errs []error
	for i := len(p.closers) - 1; i >= 0; i-- {
		errs = append(errs, p.closers[i]())
	}
	p.closers = nil
	if p.dir != "" {
		errs = append(errs, os.RemoveAll(p.dir))
		p.dir = ""
	}
	return errors.Join(errs...)
}

// baseURLVar names the base-URL variable of a provider: MICROSOFT_GRAPH_URL for Microsoft,
// <NAME>_BASE_URL otherwise.
func baseURLVar(def *provider.Definition) string {
	if def.IsMicrosoft() {
		return "MICROSOFT_GRAPH_URL"
	}
	return def.EnvPrefix() + "BASE_URL"
}

func startProxy(ctx context.Context, b *broker.Broker, cfg proxyConfig) (*proxyRun, error) {
	rs, err := b.ProxyRoutes(ctx, cfg.specs)
	if err != nil {
		return nil, err
	}
	audit, err := proxy.OpenAuditFile(auditPath(b))
	if err != nil {
		return nil, err
	}
	return newProxyRun(rs.Routes, rs.Providers, rs.SandboxCA, cfg, proxy.Options{Credentials: b, Audit: audit.Write}, audit.Close)
}

// newProxyRun starts run's proxy for routes (one per provider of defs) with the options of po
// that say where credentials come from (Credentials, Audit, Relay): a per-run CA for the
// routes' hosts, its trust bundle (plus the PEM file extraCA when set), per-run proxy
// credentials and the base-URL listener. closers run when the run closes, after the proxy.
func newProxyRun(routes []proxy.Route, defs []*provider.Definition, extraCA string, cfg proxyConfig, po proxy.Options, closers ...func() error) (*proxyRun, error) {
	var hosts []string
	for _, r := range routes {
		if h := r.Match.Host(); h != "" {
			hosts = append(hosts, h)
		}
	}
	dir, err := os.MkdirTemp("", "authsome-run-")
	if err != nil {
		for _, c := range closers {
			c()
		}
		return nil, err
	}
	pr := &proxyRun{dir: dir, providers: defs, baseVars: map[string]string{}, runID: randomHex(8), closers: closers}
	fail := func(err error) (*proxyRun, error) {
		pr.Close()
		return nil, err
	}
	var ca *proxy.CA
	if cfg.caDir != "" {
		ca, err = proxy.LoadOrCreateCA(cfg.caDir, hosts)
	} else {
		ca, err = proxy.NewCA(hosts, runCAValidity)
	}
	if err != nil {
		return fail(err)
	}
	pr.caExpiry = ca.Certificate().NotAfter
	pr.caFile = filepath.Join(dir, "ca.pem")
	if err := os.WriteFile(pr.caFile, ca.CertPEM(), 0o600); err != nil {
		return fail(err)
	}
	pr.bundle = filepath.Join(dir, "ca-bundle.pem")
	if err := proxy.WriteTrustBundle(pr.bundle, ca); err != nil {
		return fail(err)
	}
	if extraCA != "" {
		// The sandbox's pre-authenticated URLs (downloads, upload sessions) are on its other
		// host name, which the child reaches directly (NO_PROXY has loopback): it must trust
		// the sandbox's own CA as well as run's.
		if err := appendCA(extraCA, pr.bundle, pr.caFile); err != nil {
			return fail(err)
		}
	}
	user, pass := "authsome", randomHex(16)
	po.Routes, po.DenyUnmatched, po.Username, po.Password, po.CA, po.Logger = routes, cfg.denyUnmatched, user, pass, ca, cfg.logger
	srv, err := proxy.New(po)
	if err != nil {
		return fail(err)
	}
	pr.srv = srv
	pr.closers = append(pr.closers, srv.Close)
	listen := cfg.listen
	if listen == "" {
		listen = "127.0.0.1:0"
	}
	ln, err := net.Listen("tcp", listen)
	if err != nil {
		return fail(fmt.Errorf("%w: proxy cannot listen on %s: %v", broker.ErrUnreachable, listen, err))
	}
	go srv.Serve(ln)
	pr.proxyURL = &url.URL{Scheme: "http", User: url.UserPassword(user, pass), Host: ln.Addr().String()}

	bln, err := net.Listen("tcp", "127.0.0.1:0")
	if err != nil {
		return fail(err)
	}
	secret := randomHex(16)
	go srv.ServeBaseURL(bln, secret)
	pr.baseURL = "http://" + bln.Addr().String() + "/" + secret
	for i, r := range routes {
		if h := r.Match.Host(); h != "" {
			pr.baseVars[baseURLVar(defs[i])] = pr.baseURL + "/" + h
		}
	}
	return pr, nil
}

// appendCA appends the certificates of the PEM file ca to each of the files to.
func appendCA(ca string, to ...string) error {
	data, err := os.ReadFile(ca)
	if err != nil {
		return fmt.Errorf("sandbox CA: %w", err)
	}
	for _, name := range to {
		f, err := os.OpenFile(name, os.O_WRONLY|os.O_APPEND, 0)
		if err != nil {
			return err
		}
		_, err = f.Write(append([]byte("# authsome sandbox CA\n"), data...))
		if cerr := f.Close(); err == nil {
			err = cerr
		}
		if err != nil {
			return err
		}
	}
	return nil
}

func randomHex(n int) string {
	b := make([]byte, n)
	if _, err := rand.Read(b); err != nil {
		panic(err)
	}
	return hex.EncodeToString(b)
}
