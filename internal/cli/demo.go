package cli

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"os"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/isolate"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/proxy"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

type demoOptions struct {
	f     *Factory
	Agent bool // act as the demo's agent (the demo runs itself with --agent)
}

func newDemoCmd(f *Factory, runF func(*demoOptions) error) *cobra.Command {
	opts := &demoOptions{f: f}
	cmd := &cobra.Command{
		Use:   "demo",
		Short: "The whole story offline: sandbox, sign-in, and an agent behind the proxy",
		Long: `Run the whole story offline, in a temporary home: start the Microsoft 365 sandbox in this
process, sign in to it with the device code flow (approved by the sandbox as its first user),
keep the tokens in an encrypted vault, then run an agent behind the credential-injecting proxy:
the agent calls https://graph.microsoft.com/v1.0/me with only a placeholder in its environment,
and the real token reaches Graph. Nothing is left behind.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			if opts.Agent {
				return runDemoAgent(cmd.Context(), f.IO.Out)
			}
			return runDemo(cmd.Context(), f.IO)
		},
	}
	cmd.Flags().BoolVar(&opts.Agent, "agent", false, "act as the demo's agent (used by the demo itself)")
	_ = cmd.Flags().MarkHidden("agent")
	return cmd
}

func runDemo(ctx context.Context, ios *IOStreams) error {
	w := ios.Out
	step := 0
	say := func(format string, args ...any) {
		step++
		fmt.Fprintf(w, "\n%d. "+format+"\n", append([]any{step}, args...)...)
	}
	detail := func(format string, args ...any) { fmt.Fprintf(w, "   "+format+"\n", args...) }

	home, err := os.MkdirTemp("", "authsome-demo-")
	if err != nil {
		return err
	}
	defer os.RemoveAll(home)
	if err := os.Chmod(home, 0o700); err != nil {
		return err
	}

	say("Starting the offline Microsoft 365 sandbox (identity platform v2.0 + Graph v1.0)")
	sb, err := sandbox.New(sandbox.Options{Dir: filepath.Join(home, "sandbox"), DeviceInterval: time.Second})
	if err != nil {
		return err
	}
	if err := sb.Start("127.0.0.1:0"); err != nil {
		return err
	}
	defer sb.Close()
	info := sb.Info()
	if err := sandbox.WriteInfo(filepath.Join(home, broker.SandboxInfoFile), info); err != nil {
		return err
	}
	user := info.Users[0]
	detail("listening on %s over TLS (its own CA), tenant %s, %d users", info.URL, info.TenantID, len(info.Users))

	b, err := broker.Open(ctx, broker.Options{Home: home, Profile: "default", Keys: vault.FileKey(filepath.Join(home, "demo.key"))})
	if err != nil {
		return err
	}
	say("Signing in: authsome login microsoft --cloud sandbox --flow device_code")
	conn, err := b.Login(ctx, broker.LoginRequest{
		Provider: "microsoft",
		Cloud:    broker.CloudSandbox,
		Flow:     provider.FlowDeviceCode,
		OnDeviceCode: func(da *oauth.DeviceAuth) {
			detail("the identity platform says: %s", da.Message)
			detail("the sandbox approves code %s as %s (a person would use that page)", da.UserCode, user.UserPrincipalName)
			go func() { _ = sb.ApproveDeviceCode(da.UserCode, user.UserPrincipalName) }()
		},
	})
	if err != nil {
		return err
	}
	detail("signed in as %s; tokens stored encrypted in the profile's vault (refresh token kept: %v)", conn.Account.Username, conn.RefreshToken != "")

	say("Running an agent behind the proxy: authsome run -- <agent>")
	pr, err := startProxy(ctx, b, proxyConfig{})
	if err != nil {
		return err
	}
	defer pr.Close()
	detail("proxy on %s (per-run credentials), CA valid only for graph.microsoft.com", pr.proxyURL.Host)
	self, err := os.Executable()
	if err != nil {
		return err
	}
	sb.ClearRequests()
	agentOut := &prefixWriter{w: w, prefix: "   agent> "}
	code, err := runChild(ctx, []string{self, "demo", "--agent"}, pr.Env(os.Environ()), &IOStreams{In: strings.NewReader(""), Out: agentOut, ErrOut: agentOut},
		isolate.Options{Mode: isolate.Auto, Hide: secretPaths(home)})
	agentOut.Flush()
	if err != nil {
		return err
	}
	if code != 0 {
		return fmt.Errorf("the demo agent failed (exit %d)", code)
	}
	if err := pr.Close(); err != nil { // the agent is done; this also writes out the audit log
		return err
	}

	say("What reached Graph")
	c, err := b.Token(ctx, "microsoft", "")
	if err != nil {
		return err
	}
	sum := sha256.Sum256([]byte("Bearer " + c.AccessToken))
	want := "sha256:" + hex.EncodeToString(sum[:])
	for _, r := range sb.Requests() {
		if strings.HasPrefix(r.Path, "/v1.0/") {
			real := len(r.Headers["Authorization"]) > 0 && r.Headers["Authorization"][0] == want
			detail("%s %s → %d, carrying the real token: %v", r.Method, r.Path, r.Status, real)
		}
	}
	recs, _ := proxy.ReadAudit(auditPath(b), 10)
	detail("the audit log has %d entries (authsome log), e.g. %s %s%s injected=%v", len(recs), firstOr(recs).Method, firstOr(recs).Host, firstOr(recs).Path, firstOr(recs).Injected)

	say("Cleaning up: the proxy and sandbox stop, the temporary home is deleted")
	fmt.Fprintln(w, "\nNext: `authsome sandbox` to keep a sandbox running and `authsome login microsoft --cloud sandbox`,\nor register an app (README) and `authsome login microsoft`, then `authsome run -- your-agent`.")
	return nil
}

func firstOr(recs []proxy.AuditRecord) proxy.AuditRecord {
	if len(recs) == 0 {
		return proxy.AuditRecord{}
	}
	return recs[0]
}

// runDemoAgent is the demo's agent: an ordinary program that uses Graph (with the msgraph
// library) through the proxy variables and knows only the placeholder.
func runDemoAgent(ctx context.Context, w io.Writer) error {
	fmt.Fprintf(w, "MICROSOFT_ACCESS_TOKEN=%s\n", os.Getenv("MICROSOFT_ACCESS_TOKEN"))
	// The default transport honours HTTPS_PROXY, and Go trusts the run's CA through SSL_CERT_FILE.
	client, err := msgraph.NewClient(&http.Client{Timeout: 30 * time.Second})
	if err != nil {
		return err
	}
	me, _, err := client.Users.Me(ctx, nil)
	if err != nil {
		return err
	}
	fmt.Fprintf(w, "GET https://graph.microsoft.com/v1.0/me → %s <%s>, %s\n", me.DisplayName, me.Mail, me.JobTitle)
	msgs, _, err := client.Mail.ListMessages(ctx, "me", &msgraph.ListMessagesOptions{
		ListOptions: msgraph.ListOptions{Top: 3, Select: []string{"subject", "from"}}})
	if err != nil {
		return err
	}
	fmt.Fprintln(w, "GET https://graph.microsoft.com/v1.0/me/messages?$top=3 →")
	for _, m := range msgs {
		fmt.Fprintf(w, "  %-45s from %s\n", m.Subject, m.From.EmailAddress.Name)
	}
	return nil
}

// prefixWriter indents another program's output line by line.
type prefixWriter struct {
	w      io.Writer
	prefix string
	buf    []byte
}

func (p *prefixWriter) Write(b []byte) (int, error) {
	p.buf = append(p.buf, b...)
	for {
		i := bytes.IndexByte(p.buf, '\n')
		if i < 0 {
			return len(b), nil
		}
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf[:i])
		p.buf = p.buf[i+1:]
	}
}

// Flush writes a last unterminated line.
func (p *prefixWriter) Flush() {
	if len(p.buf) > 0 {
		fmt.Fprintf(p.w, "%s%s\n", p.prefix, p.buf)
		p.buf = nil
	}
}

// jwtClaims decodes a JWT's claims for display only (no signature check).
func jwtClaims(raw string) map[string]any {
	parts := strings.Split(raw, ".")
	out := map[string]any{}
	if len(parts) != 3 {
		return out
	}
	b, err := base64.RawURLEncoding.DecodeString(parts[1])
	if err == nil {
		_ = json.Unmarshal(b, &out)
	}
	return out
}
