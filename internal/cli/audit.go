package cli

import (
	"fmt"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/proxy"
)

// auditFileName is the proxy's audit log inside a profile folder: one JSON object per line.
const auditFileName = "audit.log"

func auditPath(b *broker.Broker) string { return filepath.Join(b.Vault().Dir(), auditFileName) }

func newLogCmd(f *Factory) *cobra.Command {
	var n int
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Show the proxy's audit log (one line per proxied request)",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if n <= 0 {
				return usagef("-n must be positive")
			}
			b, err := f.Broker(cmd.Context())
			if err != nil {
				return err
			}
			recs, err := proxy.ReadAudit(auditPath(b), n)
			if err != nil {
				return err
			}
			if f.JSON {
				return writeJSON(f.IO.Out, recs)
			}
			tty := f.IO.IsStdoutTTY()
			t := newTable(f.IO.Out, tty, "TIME", "PROVIDER", "METHOD", "HOST", "PATH", "STATUS", "INJECTED", "MS", "MODE", "ERROR")
			stamp := func(tm time.Time) string {
				if tty {
					return tm.Local().Format("15:04:05")
				}
				return tm.Format(time.RFC3339)
			}
			for _, r := range recs {
				inj := "no"
				if r.Injected {
					inj = "yes"
				}
				msg := r.Error
				if r.Kind == proxy.KindRefusals {
					msg = fmt.Sprintf("%s (%d refused until %s; the first shown)", r.Error, r.Count, stamp(r.Until))
				}
				t.add(stamp(r.Time), orDash(r.Provider), r.Method, r.Host, orDash(r.Path), fmt.Sprint(r.Status), inj, fmt.Sprintf("%.1f", r.DurationMS), r.Mode, orDash(msg))
			}
			return t.flush()
		},
	}
	cmd.Flags().IntVarP(&n, "lines", "n", 50, "number of most recent entries")
	return cmd
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
