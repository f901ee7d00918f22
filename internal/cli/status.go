package cli

import (
	"context"
	"errors"
	"fmt"
	"net/http"
	"os"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// whoamiOut is whoami --json.
type whoamiOut struct {
	Version     string          `json:"version"`
	Home        string          `json:"home"`
	Profile     string          `json:"profile"`
	KeySource   string          `json:"key_source"`
	Unlocked    *sessionOut     `json:"unlocked,omitempty"` // a passphrase vault's `authsome unlock` session
	Connections []connectionOut `json:"connections"`
}

type whoamiOptions struct{ f *Factory }

func newWhoamiCmd(f *Factory, runF func(*whoamiOptions) error) *cobra.Command {
	opts := &whoamiOptions{f: f}
	return &cobra.Command{
		Use:   "whoami",
		Short: "Profile, key source and connected accounts",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runWhoami(cmd.Context(), opts)
		},
	}
}

func runWhoami(ctx context.Context, opts *whoamiOptions) error {
	f := opts.f
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	list, err := b.List(ctx)
	if err != nil {
		return err
	}
	now := nowFunc()
	conns := []connectionOut{}
	for _, p := range list {
		for _, c := range p.Connections {
			conns = append(conns, connectionJSON(c, b.Profile(), c.Name == p.Default, now))
		}
	}
	out := whoamiOut{Version: Version, Home: b.Home(), Profile: b.Profile(), KeySource: b.Vault().KeySourceName(), Connections: conns}
	if out.KeySource == "passphrase" {
		out.Unlocked = unlockedUntil(ctx, b.Profile(), b.Vault().Dir())
	}
	if f.JSON {
		return writeJSON(f.IO.Out, out)
	}
	w := f.IO.Out
	fmt.Fprintf(w, "Profile:    %s\nHome:       %s\nKey source: %s\n", b.Profile(), b.Home(), b.Vault().KeySourceName())
	if u := out.Unlocked; u != nil {
		fmt.Fprintf(w, "Unlocked:   until %s (%s left); `authsome lock` ends it\n", u.Expires.Local().Format(time.TimeOnly), time.Until(u.Expires).Round(time.Second))
	}
	if len(conns) == 0 {
		fmt.Fprintln(w, "No connections (sign in with `authsome login microsoft`).")
	}
	for _, c := range conns {
		acct := c.Account.Username
		if acct == "" {
			acct = c.Account.Name
		}
		fmt.Fprintf(w, "%s/%s: %s %s (%s)\n", c.Provider, c.Connection, acct, c.Status, c.Cloud)
	}
	return nil
}

// check is one line of `doctor`.
type check struct {
	Name   string `json:"name"`
	OK     bool   `json:"ok"`
	Detail string `json:"detail"`
}

type doctorOptions struct{ f *Factory }

func newDoctorCmd(f *Factory, runF func(*doctorOptions) error) *cobra.Command {
	opts := &doctorOptions{f: f}
	return &cobra.Command{
		Use:   "doctor",
		Short: "Check the home folder, vault, key, providers, connections and sandbox",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runDoctor(cmd.Context(), opts)
		},
	}
}

func runDoctor(ctx context.Context, opts *doctorOptions) error {
	f := opts.f
	checks := runChecks(ctx, f)
	failed := 0
	for _, c := range checks {
		if !c.OK {
			failed++
		}
	}
	if f.JSON {
		if err := writeJSON(f.IO.Out, map[string]any{"ok": failed == 0, "checks": checks}); err != nil {
			return err
		}
	} else {
		color := f.color(f.IO.IsStdoutTTY())
		for _, c := range checks {
			mark := paint(color, ansiGreen, "ok  ")
			if !c.OK {
				mark = paint(color, ansiRed, "FAIL")
			}
			fmt.Fprintf(f.IO.Out, "%s %-12s %s\n", mark, c.Name, c.Detail)
		}
	}
	if failed > 0 {
		return &silentError{code: exitError}
	}
	return nil
}

func runChecks(ctx context.Context, f *Factory) []check {
	var checks []check
	add := func(name string, err error, okDetail string) {
		if err != nil {
			checks = append(checks, check{name, false, message(err)})
		} else {
			checks = append(checks, check{name, true, okDetail})
		}
	}
	home := f.Home()
	fi, err := os.Stat(home)
	switch {
	case errors.Is(err, os.ErrNotExist):
		add("home", nil, home+" (not created yet)")
	case err != nil:
		add("home", err, "")
	default:
		err := vault.CheckFolder(home) // writable by others, or not yours
		if err == nil && fi.Mode().Perm()&0o077 != 0 {
			err = fmt.Errorf("%s is readable by others (mode %v); run chmod 700 %s", home, fi.Mode().Perm(), home)
		}
		add("home", err, home)
	}
	checkProfileFolders(home, add)
	isoDetail, err := isolationCheck(home)
	add("isolation", err, isoDetail)
	entries, warns, err := provider.NewCatalog(broker.CatalogDir(home)).ListWithWarnings()
	if err == nil && len(warns) > 0 { // a skipped user file fails the check (the tool still works)
		err = fmt.Errorf("%d provider file(s) skipped or changed; first: %s", len(warns), warns[0])
	}
	add("providers", err, fmt.Sprintf("%d definitions valid", len(entries)))

	b, err := f.Broker(ctx)
	if err != nil {
		add("vault", err, "")
		return checks
	}
	list, err := b.List(ctx)
	add("vault", err, fmt.Sprintf("profile %q opens (key source: %s)", b.Profile(), b.Vault().KeySourceName()))
	if err == nil {
		n, bad := 0, 0
		now := nowFunc()
		for _, p := range list {
			for _, c := range p.Connections {
				n++
				if c.Status == broker.StatusNeedsLogin {
					bad++
					add("connection", fmt.Errorf("%s/%s needs a new sign-in: authsome login %s --connection %s --force", c.Provider, c.Name, c.Provider, c.Name), "")
				} else if !c.Expiry.IsZero() && now.After(c.Expiry) && c.RefreshToken == "" && c.Flow != string(provider.FlowClientCredentials) {
					bad++
					add("connection", fmt.Errorf("%s/%s expired and has no refresh token; sign in again", c.Provider, c.Name), "")
				}
			}
		}
		if bad == 0 {
			add("connections", nil, fmt.Sprintf("%d usable", n))
		}
	}
	if _, err := os.Stat(filepath.Join(home, broker.SandboxInfoFile)); err == nil {
		info, err := b.Sandbox()
		if err == nil {
			err = pingSandbox(ctx, info)
		}
		add("sandbox", err, "reachable")
	}
	return checks
}

// checkProfileFolders adds a failed check for profiles/ and each profile folder in it that
// another user could change (vault.Open refuses them), or one passed check.
func checkProfileFolders(home string, add func(string, error, string)) {
	dir := filepath.Join(home, "profiles")
	if _, err := os.Stat(dir); errors.Is(err, os.ErrNotExist) {
		return
	}
	bad := 0
	if err := vault.CheckFolder(dir); err != nil {
		bad++
		add("folders", err, "")
	}
	h := vault.Home{Dir: home}
	names, err := h.Profiles()
	if err != nil {
		add("folders", err, "")
		return
	}
	for _, name := range names {
		if err := vault.CheckFolder(h.ProfileDir(name)); err != nil {
			bad++
			add("folders", err, "")
		}
	}
	if bad == 0 {
		add("folders", nil, fmt.Sprintf("profiles/ and %d profile folders private to you", len(names)))
	}
}

func pingSandbox(ctx context.Context, info *broker.SandboxInfo) error {
	hc, err := broker.ClientTrusting(info.CAFile)
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(ctx, 5*time.Second)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodGet, info.URL+"/common/v2.0/.well-known/openid-configuration", nil)
	if err != nil {
		return err
	}
	resp, err := hc.Do(req)
	if err != nil {
		return fmt.Errorf("%w: sandbox at %s: %v (is `authsome sandbox` still running?)", broker.ErrUnreachable, info.URL, err)
	}
	resp.Body.Close()
	if resp.StatusCode != http.StatusOK {
		return fmt.Errorf("sandbox at %s answered %s", info.URL, resp.Status)
	}
	return nil
}
