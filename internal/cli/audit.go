package cli

import (
	"context"
	"encoding/json"
	"fmt"
	"path/filepath"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/proxy"
)

// auditFileName is the audit log inside a profile folder: one JSON object per line, for each
// proxied request and each credential event.
const auditFileName = "audit.log"

func auditPath(b *broker.Broker) string { return filepath.Join(profileDir(b), auditFileName) }

// recordEvent is the broker's event sink: it appends the credential event to the profile's
// audit log (a failed write is a warning; the command goes on) and passes it to f.eventSink.
func (f *Factory) recordEvent(e broker.Event) {
	if f.eventSink != nil {
		f.eventSink(e)
	}
	if f.broker == nil { // events come from an open broker only
		return
	}
	if err := proxy.AppendAudit(auditPath(f.broker), eventRecord(e)); err != nil {
		f.WarnLogger().Warn("could not write the audit log", "error", err)
	}
}

// eventRecord is the audit record of a credential event.
func eventRecord(e broker.Event) proxy.AuditRecord {
	return proxy.AuditRecord{Time: e.Time, Kind: proxy.KindCredential, Event: string(e.Kind), Provider: e.Provider,
		Connection: e.Connection, Outcome: e.Outcome, Flow: e.Flow, Scopes: e.Scopes, Error: e.Error}
}

type logOptions struct {
	f      *Factory
	Lines  int
	Events bool
	Follow bool
	store  storeFlags
}

func newLogCmd(f *Factory, runF func(*logOptions) error) *cobra.Command {
	opts := &logOptions{f: f}
	cmd := &cobra.Command{
		Use:   "log",
		Short: "Show the audit log: proxied requests and credential events",
		Long: `Show the audit log of the profile: one line per request the proxy handled, and one per
credential event (sign-in, token refresh or failed refresh, export, logout, revocation).
--events shows the credential events only. The log holds no secret.

--follow (-f) prints the last -n records, then each record as it is appended, each once (the
log is polled; its rotations to audit.log.1 … are followed, several between two polls too),
until Ctrl-C. With --json and --follow, every record is one JSON object on its own line.

With --store (default $` + envStoreURL + `), the log is the PostgreSQL store's: the requests of every
` + "`authsome serve --store`" + ` replica and the credential events, with the agent of each request.`,
		Args: exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if opts.Lines <= 0 {
				return usagef("-n must be positive")
			}
			if runF != nil {
				return runF(opts)
			}
			return runLog(cmd.Context(), opts)
		},
	}
	cmd.Flags().IntVarP(&opts.Lines, "lines", "n", 50, "number of most recent entries")
	cmd.Flags().BoolVar(&opts.Events, "events", false, "only credential events (sign-in, refresh, export, logout, revoke)")
	cmd.Flags().BoolVarP(&opts.Follow, "follow", "f", false, "keep printing records as they are appended, until Ctrl-C")
	opts.store.register(cmd.Flags())
	return cmd
}

func runLog(ctx context.Context, opts *logOptions) error {
	f := opts.f
	var keep func(proxy.AuditRecord) bool
	if opts.Events {
		keep = func(r proxy.AuditRecord) bool { return r.Kind == proxy.KindCredential }
	}
	if opts.store.dsn != "" {
		return runLogStore(ctx, opts, keep)
	}
	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	p := &logPrinter{f: f, events: opts.Events, lines: opts.Follow && f.JSON}
	if !opts.Follow {
		recs, err := proxy.ReadAuditWhere(auditPath(b), opts.Lines, keep)
		if err != nil {
			return err
		}
		return p.print(recs, true)
	}
	// The tail is read from the files the follower opened, up to where it starts: every
	// record is shown once, also when one is appended or the log rotated meanwhile.
	fl, err := openAuditFollower(auditPath(b))
	if err != nil {
		return err
	}
	defer fl.close()
	recs, err := fl.tail(opts.Lines, keep)
	if err != nil {
		return err
	}
	if err := p.print(recs, true); err != nil {
		return err
	}
	return fl.follow(ctx, auditPollInterval, func(recs []proxy.AuditRecord) error {
		return p.print(filterAudit(recs, keep), false)
	})
}

// logPrinter prints audit records as `log` shows them: a table (the request columns, or the
// event columns with --events), the --json document, or one JSON object a line (lines).
type logPrinter struct {
	f      *Factory
	events bool
	lines  bool
}

// print prints recs; first is the first batch, which has the table's header on a terminal
// and is the whole --json document when not following.
func (p *logPrinter) print(recs []proxy.AuditRecord, first bool) error {
	f := p.f
	switch {
	case p.lines:
		var b []byte
		for _, r := range recs {
			line, err := json.Marshal(r)
			if err != nil {
				return err
			}
			b = append(append(b, line...), '\n')
		}
		_, err := f.IO.Out.Write(b)
		return err
	case f.JSON:
		return writeJSON(f.IO.Out, recs)
	}
	if len(recs) == 0 && !first {
		return nil
	}
	tty := f.IO.IsStdoutTTY()
	stamp := func(tm time.Time) string {
		if tty {
			return tm.Local().Format("15:04:05")
		}
		return tm.Format(time.RFC3339)
	}
	t := &table{w: f.IO.Out, tty: tty}
	if p.events {
		if first {
			t = newTable(f.IO.Out, tty, "TIME", "EVENT", "PROVIDER", "CONNECTION", "OUTCOME", "DETAIL")
		}
		for _, r := range recs {
			t.add(stamp(r.Time), r.Event, orDash(r.Provider), orDash(r.Connection), r.Outcome, orDash(eventDetail(r)))
		}
		return t.flush()
	}
	if first {
		t = newTable(f.IO.Out, tty, "TIME", "PROVIDER", "METHOD", "HOST", "PATH", "STATUS", "INJECTED", "MS", "MODE", "ERROR")
	}
	for _, r := range recs {
		if r.Kind == proxy.KindCredential {
			// The event in METHOD, its outcome in STATUS; the request columns do not apply.
			who := r.Provider
			if r.Connection != "" {
				who += "/" + r.Connection
			}
			t.add(stamp(r.Time), orDash(who), r.Event, "-", "-", r.Outcome, "-", "-", r.Kind, orDash(eventDetail(r)))
			continue
		}
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
}

// eventDetail is a credential event's error, or its flow and scopes.
func eventDetail(r proxy.AuditRecord) string {
	if r.Error != "" {
		return r.Error
	}
	var parts []string
	if r.Flow != "" {
		parts = append(parts, "flow "+r.Flow)
	}
	if len(r.Scopes) > 0 {
		parts = append(parts, "scopes "+strings.Join(r.Scopes, " "))
	}
	return strings.Join(parts, "; ")
}

func orDash(s string) string {
	if s == "" {
		return "-"
	}
	return s
}
