// Command webapp is a web application that signs its users in with the
// Microsoft identity platform through authsome's oauth package and shows the
// subjects of their five latest messages, read with msgraph.
//
//	go run ./examples/webapp -sandbox
//
// runs it against an offline sandbox tenant started in the same process:
// open the URL it prints and sign in as a seeded user (the sandbox's own
// page, whose URL it prints too, lists them with their demo passwords).
//
// Against Microsoft, register a "Web" application whose redirect URI is
// -redirect (default http://localhost:8080/auth/callback), give it the
// delegated permissions User.Read and Mail.Read, create a client secret and
// run
//
//	WEBAPP_CLIENT_SECRET=… go run ./examples/webapp -client-id <application id> [-tenant <tenant>]
//
// The secret is read from the environment only, never from the command line.
// Without WEBAPP_CLIENT_SECRET the app is a public client (PKCE alone), which
// Microsoft accepts only for redirect URIs registered under "Mobile and
// desktop applications".
//
// The sign-in is the authorization code flow with PKCE (S256), a state
// checked in constant time and a nonce checked in the ID token. The browser
// holds one cookie, an opaque random session id; the tokens stay in the
// server's memory.
package main

import (
	"context"
	"crypto/rsa"
	"errors"
	"flag"
	"fmt"
	"io"
	"log"
	"net"
	"net/http"
	"net/url"
	"os"
	"os/signal"
	"time"

	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/sandbox"
)

// scopes are what the app asks for: an ID token (openid, profile), a refresh
// token (offline_access) and the user's mail.
var scopes = []string{"openid", "profile", "offline_access", "User.Read", "Mail.Read"}

// sandboxCallbackPath is a redirect path the sandbox's public client has
// registered (besides "/").
const sandboxCallbackPath = "/auth/callback/oauth"

type options struct {
	sandbox     bool
	addr        string
	clientID    string
	secret      string
	tenant      string
	cloud       string
	redirectURI string
}

func main() {
	var o options
	flag.BoolVar(&o.sandbox, "sandbox", false, "run against an offline sandbox tenant started in this process")
	flag.StringVar(&o.addr, "addr", "", "listen address (default 127.0.0.1:8080 with -sandbox, else the redirect URI's port on localhost)")
	flag.StringVar(&o.clientID, "client-id", os.Getenv("WEBAPP_CLIENT_ID"), "application (client) id (env WEBAPP_CLIENT_ID); the secret comes from WEBAPP_CLIENT_SECRET")
	flag.StringVar(&o.tenant, "tenant", envOr("WEBAPP_TENANT", "organizations"), "tenant: organizations, common, consumers, a tenant id or domain (env WEBAPP_TENANT)")
	flag.StringVar(&o.cloud, "cloud", "global", "Microsoft cloud: global, usgov, usgov-dod or china")
	flag.StringVar(&o.redirectURI, "redirect", envOr("WEBAPP_REDIRECT_URI", "http://localhost:8080/auth/callback"), "redirect URI, exactly as registered (env WEBAPP_REDIRECT_URI)")
	flag.Parse()
	o.secret = os.Getenv("WEBAPP_CLIENT_SECRET")

	ctx, stop := signal.NotifyContext(context.Background(), os.Interrupt)
	defer stop()
	if err := run(ctx, os.Stdout, o); err != nil && !errors.Is(err, context.Canceled) {
		log.Fatal(err)
	}
}

func envOr(key, def string) string {
	if v := os.Getenv(key); v != "" {
		return v
	}
	return def
}

// run serves the app until ctx ends.
func run(ctx context.Context, out io.Writer, o options) error {
	a, ln, cleanup, err := setup(o, out)
	if err != nil {
		return err
	}
	defer cleanup()
	srv := &http.Server{Handler: a.handler(), ReadHeaderTimeout: 10 * time.Second}
	go func() {
		<-ctx.Done()
		shut, cancel := context.WithTimeout(context.Background(), 5*time.Second)
		defer cancel()
		_ = srv.Shutdown(shut)
	}()
	u, _ := url.Parse(a.redirectURI)
	fmt.Fprintf(out, "open %s://%s/ in a browser (Ctrl-C stops)\n", u.Scheme, u.Host)
	if err := srv.Serve(ln); !errors.Is(err, http.ErrServerClosed) {
		return err
	}
	return ctx.Err()
}

// setup builds the app and its listener: against a sandbox started here, or
// against Microsoft.
func setup(o options, out io.Writer) (*app, net.Listener, func(), error) {
	if o.sandbox {
		return setupSandbox(o, out)
	}
	if o.clientID == "" {
		return nil, nil, nil, errors.New("give -client-id (or WEBAPP_CLIENT_ID), or use -sandbox")
	}
	if err := oauth.ValidateTenant(o.tenant); err != nil {
		return nil, nil, nil, err
	}
	cloud, err := oauth.LookupCloud(o.cloud)
	if err != nil {
		return nil, nil, nil, err
	}
	cfg := &oauth.Config{ClientID: o.clientID, ClientSecret: o.secret,
		Endpoint: oauth.MicrosoftEndpoint(cloud.AuthorityHost, o.tenant),
		Scopes:   oauth.QualifyScopes(scopes, cloud.GraphHost)}
	a, err := newApp(cfg, o.redirectURI, cloud.GraphHost)
	if err != nil {
		return nil, nil, nil, err
	}
	addr := o.addr
	if addr == "" {
		u, _ := url.Parse(o.redirectURI)
		port := u.Port()
		if port == "" {
			port = "8080"
		}
		addr = net.JoinHostPort("localhost", port)
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, nil, err
	}
	return a, ln, func() {}, nil
}

// setupSandbox starts a sandbox tenant and an app that uses its public
// client, with the redirect URI on the app's own port.
func setupSandbox(o options, out io.Writer) (*app, net.Listener, func(), error) {
	addr := o.addr
	if addr == "" {
		addr = "127.0.0.1:8080"
	}
	ln, err := net.Listen("tcp", addr)
	if err != nil {
		return nil, nil, nil, err
	}
	s, err := startSandbox(nil)
	if err != nil {
		ln.Close()
		return nil, nil, nil, err
	}
	a, err := newSandboxApp(s, "http://"+ln.Addr().String())
	if err != nil {
		ln.Close()
		s.Close()
		return nil, nil, nil, err
	}
	fmt.Fprintf(out, "sandbox tenant at %s (its page lists the seeded users and their demo passwords); sign in as %s, for example\n",
		s.URL(), sandbox.Users()[0].UserPrincipalName)
	return a, ln, func() { s.Close() }, nil
}

// startSandbox starts an offline sandbox tenant on loopback whose tokens key
// signs (nil: a new key).
func startSandbox(key *rsa.PrivateKey) (*sandbox.Server, error) {
	s, err := sandbox.New(sandbox.Options{PlainHTTP: true, SigningKey: key})
	if err != nil {
		return nil, err
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		return nil, err
	}
	return s, nil
}

// newSandboxApp is the app served at origin (http://127.0.0.1:PORT) signing
// in through the sandbox s.
func newSandboxApp(s *sandbox.Server, origin string) (*app, error) {
	cfg := &oauth.Config{ClientID: sandbox.PublicClientID,
		Endpoint: oauth.MicrosoftEndpoint(s.URL(), "organizations"), Scopes: scopes}
	return newApp(cfg, origin+sandboxCallbackPath, s.URL())
}
