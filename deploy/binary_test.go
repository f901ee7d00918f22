package deploy

// What the deployment files are checked against: the command tree of the binary (flags and
// their defaults), the gateway's handler (probe paths) and the environment the code reads.

import (
	"context"
	"crypto/tls"
	"io"
	"net"
	"net/http"
	"net/http/httptest"
	"path/filepath"
	"strconv"
	"strings"
	"testing"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/spf13/cobra"
	"github.com/spf13/pflag"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/internal/cli"
)

// newRoot builds the binary's command tree, with a factory of its own.
func newRoot() (*cobra.Command, *cli.Factory) {
	f := &cli.Factory{IO: &cli.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}}
	return cli.NewRootCmd(f), f
}

// parseServe parses argv (as a container passes it to the binary: "serve", flags...) against
// the command tree and returns the flags of serve as set by it: an unknown flag, a missing
// value, a positional argument or another subcommand fails the test.
func parseServe(t *testing.T, where string, argv []string) *pflag.FlagSet {
	t.Helper()
	root, _ := newRoot()
	c, rest, err := root.Find(argv)
	if err != nil || c.CommandPath() != "authsome serve" {
		t.Fatalf("%s: %q is not `authsome serve` (%v)", where, argv, err)
	}
	if err := c.ParseFlags(rest); err != nil {
		t.Fatalf("%s: authsome %s: %v", where, strings.Join(argv, " "), err)
	}
	if err := c.ValidateArgs(c.Flags().Args()); err != nil {
		t.Fatalf("%s: authsome %s: %v", where, strings.Join(argv, " "), err)
	}
	return c.Flags()
}

// checkHostname checks that serve's flags fs name the gateway: in a container the machine's
// name has no dot, and serve then needs --hostname, a DNS name with one.
func checkHostname(t *testing.T, where string, fs *pflag.FlagSet) {
	t.Helper()
	names, err := fs.GetStringArray("hostname")
	if err != nil || len(names) == 0 {
		t.Errorf("%s: no --hostname (%v)", where, err)
	}
	for _, n := range names {
		if !strings.Contains(strings.Trim(n, "."), ".") {
			t.Errorf("%s: --hostname %s is not a DNS name with a dot", where, n)
		}
	}
}

// portOf is the port of a host:port address.
func portOf(t *testing.T, addr string) int {
	t.Helper()
	_, p, err := net.SplitHostPort(addr)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	n, err := strconv.Atoi(p)
	if err != nil {
		t.Fatalf("address %q: %v", addr, err)
	}
	return n
}

// servePort is the port serve listens on with flags fs. It must be the port of serve's
// default --listen, so that the files and the command's documentation agree.
func servePort(t *testing.T, where string, fs *pflag.FlagSet) int {
	t.Helper()
	l := fs.Lookup("listen")
	if l == nil {
		t.Fatal("serve has no --listen")
	}
	host, _, _ := net.SplitHostPort(l.Value.String())
	if ip := net.ParseIP(host); host != "" && (ip == nil || !ip.IsUnspecified()) {
		t.Errorf("%s: --listen %s: a container must listen on every address (0.0.0.0:PORT or :PORT)", where, l.Value)
	}
	if p, d := portOf(t, l.Value.String()), portOf(t, l.DefValue); p != d {
		t.Errorf("%s: --listen port %d, serve's default is %d", where, p, d)
	}
	return portOf(t, l.Value.String())
}

// envRead returns the environment variables the deployment files may set on the gateway,
// each checked here to be one the binary reads.
func envRead(t *testing.T) map[string]bool {
	t.Helper()
	names := map[string]bool{}

	// AUTHSOME_HOME: the home folder.
	home := filepath.Join(t.TempDir(), "home")
	t.Setenv("AUTHSOME_HOME", home)
	if _, f := newRoot(); f.Home() != home {
		t.Errorf("AUTHSOME_HOME is not the home folder: %q", f.Home())
	} else {
		names["AUTHSOME_HOME"] = true
	}

	// AUTHSOME_STORE: the default of serve's --store.
	const dsn = "postgres://probe@db.invalid/probe"
	t.Setenv("AUTHSOME_STORE", dsn)
	root, _ := newRoot()
	c, _, _ := root.Find([]string{"serve"})
	if fl := c.Flags().Lookup("store"); fl == nil || fl.DefValue != dsn {
		t.Error("AUTHSOME_STORE is not the default of serve --store")
	} else {
		names["AUTHSOME_STORE"] = true
	}

	// AUTHSOME_STORE_KEY: the store's key with --key env (the help is written from the constant
	// the code reads).
	c, _, _ = root.Find([]string{"store", "migrate"})
	if !strings.Contains(c.Long, "the key in AUTHSOME_STORE_KEY ") {
		t.Errorf("`store migrate --key env` does not read AUTHSOME_STORE_KEY:\n%s", c.Long)
	} else {
		names["AUTHSOME_STORE_KEY"] = true
	}

	// PGPASSWORD: the database password, read by pgx when the DSN has none.
	t.Setenv("PGPASSWORD", "probe-password")
	if cfg, err := pgconn.ParseConfig(dsn); err != nil || cfg.Password != "probe-password" {
		t.Errorf("PGPASSWORD is not the store's password (%v)", err)
	} else {
		names["PGPASSWORD"] = true
	}
	return names
}

// probeStatus answers GET path from a gateway running in-process (no connections, no agents)
// on loopback.
func probeStatus(t *testing.T, path string) int {
	t.Helper()
	g, err := gateway.New(gateway.Options{
		Agents: gateway.NewFileAgents(filepath.Join(t.TempDir(), gateway.AgentsFileName), nil),
		TLS:    &tls.Config{MinVersion: tls.VersionTLS12},
		Ready:  func(context.Context) error { return nil },
	})
	if err != nil {
		t.Fatal(err)
	}
	srv := httptest.NewServer(g)
	defer srv.Close()
	resp, err := http.Get(srv.URL + path)
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	return resp.StatusCode
}
