package cli

import (
	"fmt"
	"os"
	"path/filepath"
	"slices"
	"strings"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/internal/isolate"
)

// newIsolateHelperCmd is the hidden command run's isolation helper runs as (isolate.Helper).
func newIsolateHelperCmd() *cobra.Command {
	return &cobra.Command{
		Use:                isolate.HelperCommand,
		Hidden:             true,
		DisableFlagParsing: true,
		RunE: func(*cobra.Command, []string) error {
			if code := isolate.Helper(); code != 0 {
				return &silentError{code: code}
			}
			return nil
		},
	}
}

// secretPaths lists what a child of run must not reach: the authsome home in use and the
// default one, and the keyring's stores and sockets (the D-Bus session bus is how the Secret
// Service, and so a keyring-held vault key, is reached).
func secretPaths(home string) []string {
	paths := []string{home, broker.DefaultHome()}
	if h, err := os.UserHomeDir(); err == nil {
		paths = append(paths,
			filepath.Join(h, ".authsome"),
			filepath.Join(h, ".local", "share", "keyrings"),
			filepath.Join(h, ".local", "share", "kwalletd"))
	}
	if rt := os.Getenv("XDG_RUNTIME_DIR"); rt != "" {
		paths = append(paths, filepath.Join(rt, "bus"), filepath.Join(rt, "keyring"))
	}
	if addr, ok := strings.CutPrefix(os.Getenv("DBUS_SESSION_BUS_ADDRESS"), "unix:path="); ok {
		if i := strings.IndexByte(addr, ','); i >= 0 {
			addr = addr[:i]
		}
		paths = append(paths, addr)
	}
	return paths
}

// childEnv is the environment a child of run inherits from the caller's: everything but the
// AUTHSOME_* variables (the vault key, the passphrase, the home).
func childEnv(base []string) []string {
	out := make([]string, 0, len(base))
	for _, kv := range base {
		if !strings.HasPrefix(kv, "AUTHSOME_") {
			out = append(out, kv)
		}
	}
	return out
}

// revealing says whether cmd would reveal a credential or change the vault's key; inside a
// run child these refuse.
func revealing(cmd *cobra.Command) bool {
	flag := func(name string) string {
		if fl := cmd.Flags().Lookup(name); fl != nil && fl.Changed {
			return fl.Value.String()
		}
		return ""
	}
	switch cmd.CommandPath() {
	case "authsome export", "authsome rekey", "authsome login", "authsome import",
		"authsome agent add", "authsome agent rotate", "authsome serve",
		"authsome store migrate", "authsome store rekey", "authsome unlock":
		return true
	case "authsome get":
		return slices.Contains(secretFields, flag("field")) || flag("show-secret") == "true"
	}
	return false
}

// guardRun refuses credential-revealing commands inside a run child.
func guardRun(cmd *cobra.Command, _ []string) error {
	if !revealing(cmd) {
		return nil
	}
	if inside, how := isolate.InsideRun(); inside {
		return usagef("`%s` refuses to reveal or change credentials inside `authsome run` (%s): the agent gets the credential through the proxy only; run it outside the agent", cmd.CommandPath(), how)
	}
	return nil
}

// probeIsolation is isolate.Probe; this package's tests share one probe's answer.
var probeIsolation = isolate.Probe

// isolationCheck is doctor's line on what run's isolation can use here.
func isolationCheck(home string) (string, error) {
	works, why := probeIsolation("", secretPaths(home))
	if len(works) == 0 {
		return "", fmt.Errorf("`authsome run` cannot isolate its child here (%s); it runs it without isolation, or refuses with --isolation strict", strings.Join(why, "; "))
	}
	detail := "run isolates its child with " + strings.Join(works, ", ")
	if len(why) > 0 {
		detail += " (unavailable: " + strings.Join(why, "; ") + ")"
	}
	return detail, nil
}
