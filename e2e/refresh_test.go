package e2e

import (
	"context"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/gofrs/flock"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/sandbox"
	"github.com/authsome-go/authsome/vault"
)

func (e *env) openBroker(t *testing.T, now func() time.Time) *broker.Broker {
	t.Helper()
	b, err := broker.Open(t.Context(), broker.Options{
		Home: e.home, Profile: "default", Now: now,
		Keys: vault.FileKey(filepath.Join(e.home, "profiles", "default", vault.KeyFileName)),
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

// signInInProcess signs the default profile in to the sandbox as upn with the device code
// flow, in this process through the broker `authsome login` uses, into a key-file vault as
// the command makes one: for tests about what comes after a sign-in (the login command has
// tests of its own), without a process start.
func (e *env) signInInProcess(t *testing.T, upn string) {
	t.Helper()
	_, err := e.openBroker(t, nil).Login(t.Context(), broker.LoginRequest{
		Provider: "microsoft", Cloud: broker.CloudSandbox, Flow: provider.FlowDeviceCode,
		OnDeviceCode: func(da *oauth.DeviceAuth) {
			if e.sb.Settings().AutoApprove {
				return // approved as the first user already (newAttackEnv)
			}
			if err := e.sb.ApproveDeviceCode(da.UserCode, upn); err != nil {
				t.Error(err)
			}
		},
	})
	if err != nil {
		t.Fatalf("signing in: %v", err)
	}
}

// makeDue rewrites the default Microsoft connection's expiry to 30 s from now, inside the
// refresh window, as time passing would. It returns the broker it used.
func (e *env) makeDue(t *testing.T) *broker.Broker {
	t.Helper()
	b := e.openBroker(t, nil)
	err := b.Vault().Update(t.Context(), func(d *vault.Data) error {
		c, _ := d.Connection("microsoft", "default")
		c.Expiry = time.Now().Add(30 * time.Second)
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return b
}

func (e *env) refreshCount() int {
	n := 0
	for _, r := range e.sb.Requests() {
		if r.Form["grant_type"] == "refresh_token" {
			n++
		}
	}
	return n
}

// TestRefreshStorm: 32 goroutines and 4 processes ask for a token at expiry, with strict
// refresh-token rotation on. Exactly one refresh reaches the identity platform, everyone gets
// the same new token, and the vault keeps the newest refresh token.
func TestRefreshStorm(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	st := e.sb.Settings()
	st.AccessTokenLifetime = time.Minute // inside the 5-minute refresh window: due at once
	e.sb.SetSettings(st)
	e.signInInProcess(t, e.sb.Info().Users[0].UserPrincipalName)
	before := strings.TrimSpace(e.ok("get", "microsoft", "--field", "access_token").stdout)
	if n := e.refreshCount(); n != 1 {
		t.Fatalf("get on a due token refreshed %d times, want 1", n)
	}

	st.AccessTokenLifetime = time.Hour
	st.StrictRefreshRotation = true
	e.sb.SetSettings(st)
	b := e.makeDue(t)
	e.sb.ClearRequests()

	start := make(chan struct{})
	var wg sync.WaitGroup
	tokens := make(chan string, 64)
	errs := make(chan error, 64)
	for i := 0; i < 4; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			r := e.run("", "get", "microsoft", "--field", "access_token")
			if r.code != 0 {
				errs <- &exitErr{r}
				return
			}
			tokens <- strings.TrimSpace(r.stdout)
		}()
	}
	for i := 0; i < 32; i++ {
		wg.Add(1)
		go func() {
			defer wg.Done()
			<-start
			ctx, cancel := context.WithTimeout(t.Context(), 30*time.Second)
			defer cancel()
			c, err := b.Token(ctx, "microsoft", "")
			if err != nil {
				errs <- err
				return
			}
			tokens <- c.AccessToken
		}()
	}
	close(start)
	wg.Wait()
	close(tokens)
	close(errs)
	for err := range errs {
		t.Error(err)
	}
	seen := map[string]int{}
	for tok := range tokens {
		seen[tok]++
	}
	if n := e.refreshCount(); n != 1 {
		t.Fatalf("%d refresh requests reached the sandbox, want exactly 1", n)
	}
	if len(seen) != 1 {
		t.Errorf("callers got %d different tokens, want 1", len(seen))
	}
	if _, ok := seen[before]; ok {
		t.Error("callers got the old token")
	}

	// The vault holds the newest refresh token: with strict rotation only it still works.
	later := e.openBroker(t, func() time.Time { return time.Now().Add(2 * time.Hour) })
	if _, err := later.Token(t.Context(), "microsoft", ""); err != nil {
		t.Fatalf("refresh with the stored refresh token failed (not the newest?): %v", err)
	}
	if n := e.refreshCount(); n != 2 {
		t.Errorf("refresh count = %d, want 2", n)
	}
}

type exitErr struct{ r result }

func (e *exitErr) Error() string { return fmt.Sprintf("exit %d: %s", e.r.code, e.r.stderr) }

// TestInterruptDuringRefreshKeepsConnection: Ctrl-C reaches `authsome get` after the identity
// platform has redeemed the refresh token (strict rotation: the old one is spent) but before
// the new one is stored, because the platform holds its answer back (a hold_ms fault) and
// another process then takes the vault's shared lock. The command
// reports the cancellation, yet it exits only once the rotated token is in the vault (a second
// Ctrl-C does not cut that short), and the connection keeps working.
func TestInterruptDuringRefreshKeepsConnection(t *testing.T) {
	t.Parallel()
	e := newEnv(t, envOptions{})
	st := e.sb.Settings()
	st.AccessTokenLifetime = time.Minute // inside the refresh window: every get refreshes
	e.sb.SetSettings(st)
	e.signInInProcess(t, e.sb.Info().Users[0].UserPrincipalName)
	e.ok("get", "microsoft", "--field", "access_token")
	st.StrictRefreshRotation = true
	e.sb.SetSettings(st)
	e.sb.ClearRequests()

	// The refresh is recorded in the vault before it is sent, so the reader takes the lock
	// once the platform has redeemed the token, while its answer is held back.
	if _, err := e.sb.AddFault(sandbox.Fault{Path: "/oauth2/v2.0/token$", Count: 1, HoldMS: 3000}); err != nil {
		t.Fatal(err)
	}
	redeemed := e.sb.RefreshStats().Grants
	p := e.start("-v", "get", "microsoft", "--field", "access_token")
	for e.sb.RefreshStats().Grants == redeemed {
		select {
		case <-p.done:
			t.Fatalf("get ended before refreshing; stderr:\n%s", p.errb.String())
		case <-time.After(10 * time.Millisecond):
		}
	}
	reader := flock.New(filepath.Join(e.home, "profiles", "default", "vault.lock"))
	if err := reader.RLock(); err != nil { // any concurrent authsome reading the vault
		t.Fatal(err)
	}
	defer reader.Unlock()
	if err := p.cmd.Process.Signal(os.Interrupt); err != nil {
		t.Fatal(err)
	}
	// Once the process says it is waiting to store the token (or has exited, which is the
	// bug), press Ctrl-C again, as an impatient user would, then release the lock.
	for l := range p.lines {
		if strings.Contains(l, "waiting for a token refresh to be saved") {
			p.cmd.Process.Signal(os.Interrupt)
			break
		}
	}
	if err := reader.Unlock(); err != nil {
		t.Fatal(err)
	}
	if code := p.wait(t); code != 2 {
		t.Errorf("interrupted get: exit %d, want 2 (cancelled); stderr:\n%s", code, p.errb.String())
	}

	// The stored refresh token is the rotated one: the next refresh succeeds.
	if r := e.run("", "get", "microsoft", "--field", "access_token"); r.code != 0 {
		t.Fatalf("get after the interrupted refresh: exit %d: %s", r.code, r.stderr)
	}
	if n := e.refreshCount(); n != 2 {
		t.Errorf("%d refresh requests, want 2 (the interrupted one and the next)", n)
	}
	if out := e.ok("list").stdout; strings.Contains(out, "needs_login") {
		t.Errorf("the connection needs a new sign-in after the interrupt:\n%s", out)
	}
}
