package cli

import (
	"context"
	"encoding/base64"
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
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

func newDemoCmd(f *Factory) *cobra.Command {
	return &cobra.Command{
		Use:   "demo",
		Short: "Sign in to an in-process Microsoft 365 sandbox and call Graph, in a temporary home",
		Long: `Run the whole story offline: start the Microsoft 365 sandbox in this process, sign in to
it with the device code flow (approved by the sandbox as its first user), keep the tokens in an
encrypted vault in a temporary home, and call Microsoft Graph with them. Nothing is left behind.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			return runDemo(cmd.Context(), f.IO.Out)
		},
	}
}

func runDemo(ctx context.Context, w io.Writer) error {
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
	detail("listening on %s over TLS (its own CA: %s)", info.URL, filepath.Base(info.CAFile))
	detail("tenant %s, %d users, public client %s", info.TenantID, len(info.Users), info.PublicClientID)

	b, err := broker.Open(ctx, broker.Options{Home: home, Profile: "default", Keys: vault.FileKey(filepath.Join(home, "demo.key"))})
	if err != nil {
		return err
	}
	say("Signing in with the device code flow: authsome login microsoft --cloud sandbox --flow device_code")
	conn, err := b.Login(ctx, broker.LoginRequest{
		Provider: "microsoft",
		Cloud:    broker.CloudSandbox,
		Flow:     provider.FlowDeviceCode,
		OnDeviceCode: func(da *oauth.DeviceAuth) {
			detail("the identity platform says: %s", da.Message)
			detail("the sandbox approves code %s as %s (a person would use the page)", da.UserCode, user.UserPrincipalName)
			go func() { _ = sb.ApproveDeviceCode(da.UserCode, user.UserPrincipalName) }()
		},
	})
	if err != nil {
		return err
	}
	detail("signed in as %s (tenant %s); connection %q stored encrypted in %s", conn.Account.Username, conn.Tenant, conn.Name, filepath.Join("profiles", "default", "vault.json"))
	detail("refresh token kept for silent renewal: %v; access token expires %s", conn.RefreshToken != "", conn.Expiry.Local().Format(time.Kitchen))

	say("Asking the broker for a valid token (what `authsome get microsoft --field access_token` prints)")
	c, err := b.Token(ctx, "microsoft", "")
	if err != nil {
		return err
	}
	claims := jwtClaims(c.AccessToken)
	detail("a signed JWT for %v with scopes %q, audience %v", claims["upn"], claims["scp"], claims["aud"])

	say("Calling Microsoft Graph with the broker's HTTP client (the token is added per request)")
	hc := &http.Client{Transport: &broker.Transport{Broker: b, Provider: "microsoft", Base: sb.Client().Transport}, Timeout: 30 * time.Second}
	var me struct {
		DisplayName, Mail, JobTitle string
	}
	if err := getJSON(ctx, hc, info.URL+"/v1.0/me", &me); err != nil {
		return err
	}
	detail("GET /v1.0/me → %s <%s>, %s", me.DisplayName, me.Mail, me.JobTitle)
	var msgs struct {
		Value []struct {
			Subject string
			From    struct{ EmailAddress struct{ Name string } }
		}
	}
	if err := getJSON(ctx, hc, info.URL+"/v1.0/me/messages?$top=3&$select=subject,from", &msgs); err != nil {
		return err
	}
	detail("GET /v1.0/me/messages?$top=3 →")
	for _, m := range msgs.Value {
		detail("  %-50s from %s", m.Subject, m.From.EmailAddress.Name)
	}

	say("Cleaning up: the sandbox stops and the temporary home is deleted")
	fmt.Fprintln(w, "\nNext: `authsome sandbox` to keep a sandbox running, then `authsome login microsoft --cloud sandbox`;\nor register an app (see README) and `authsome login microsoft`.")
	return nil
}

func getJSON(ctx context.Context, hc *http.Client, url string, v any) error {
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, url, nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return err
	}
	defer resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		body, _ := io.ReadAll(io.LimitReader(resp.Body, 4096))
		return fmt.Errorf("GET %s: %s: %s", strings.SplitN(url, "?", 2)[0], resp.Status, strings.TrimSpace(string(body)))
	}
	return json.NewDecoder(resp.Body).Decode(v)
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
