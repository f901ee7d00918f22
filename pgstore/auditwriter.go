package pgstore

import (
	"context"
	"encoding/json"
	"fmt"
	"log/slog"
	"sync"
	"sync/atomic"
	"time"

	"github.com/jackc/pgx/v5"
	"github.com/prometheus/client_golang/prometheus"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/proxy"
)

// AuditWriterOptions tune an [AuditWriter]; the zero value is the default.
type AuditWriterOptions struct {
	// Buffer is how many entries wait in memory at most (default 100 000); past it the
	// oldest are dropped.
	Buffer int
	// Batch is how many entries one write sends at most, and how many buffered entries
	// make the writer write at once instead of at the next Interval (default 500).
	Batch int
	// Interval is how often buffered entries are written (default 100 ms).
	Interval time.Duration
	// Logger receives a warning when entries are dropped or the database cannot be
	// written, and a note when writing works again; nil: none.
	Logger *slog.Logger
}

// Backoff of the audit writer while the database cannot be written.
const (
	auditRetryMin = 100 * time.Millisecond
	auditRetryMax = time.Second
	// auditWriteTimeout bounds one write.
	auditWriteTimeout = 5 * time.Second
)

// AuditWriter appends the gateway's per-request audit entries ([proxy.Entry]) to the
// profile's audit log in the database, without making requests wait for it: [AuditWriter.Entry]
// only buffers, and a goroutine writes the buffer in batches (one COPY each) every
// Interval, or as soon as Batch entries wait. While the database cannot be written it keeps
// the entries and retries with back-off; when more than Buffer entries wait, the oldest are
// dropped (counted by [AuditWriter.Dropped], and logged). [AuditWriter.Close] writes what is
// left. An entry whose write committed but whose acknowledgement was lost to a connection
// failure is written again: entries are written at least once.
//
// Entries hold no secret (see [proxy.Entry]); none is added.
type AuditWriter struct {
	s    *Store
	opts AuditWriterOptions

	mu      sync.Mutex
	buf     []proxy.Entry // oldest first
	dropped atomic.Uint64
	written atomic.Uint64
	copies  atomic.Uint64 // writes to the database that succeeded

	kick     chan struct{} // a full batch asks for a write now
	stop     chan struct{}
	done     chan struct{}
	closeCtx context.Context // Close's, set before stop is closed
	once     sync.Once
}

// NewAuditWriter starts a writer of request entries to s's audit log; Close it when done
// (before closing s).
func (s *Store) NewAuditWriter(opts AuditWriterOptions) *AuditWriter {
	if opts.Buffer <= 0 {
		opts.Buffer = 100_000
	}
	if opts.Batch <= 0 {
		opts.Batch = 500
	}
	if opts.Interval <= 0 {
		opts.Interval = 100 * time.Millisecond
	}
	if opts.Logger == nil {
		opts.Logger = slog.New(slog.DiscardHandler)
	}
	w := &AuditWriter{s: s, opts: opts, kick: make(chan struct{}, 1), stop: make(chan struct{}), done: make(chan struct{})}
	go w.run()
	return w
}

// Entry buffers e for writing (pass it as the gateway's Options.Audit). It never waits for
// the database.
func (w *AuditWriter) Entry(e proxy.Entry) {
	w.mu.Lock()
	w.buf = append(w.buf, e)
	w.trim()
	full := len(w.buf) >= w.opts.Batch
	w.mu.Unlock()
	if full {
		select {
		case w.kick <- struct{}{}:
		default:
		}
	}
}

// trim drops the oldest entries beyond Buffer (with w.mu held).
func (w *AuditWriter) trim() {
	if over := len(w.buf) - w.opts.Buffer; over > 0 {
		clear(w.buf[:over])
		w.buf = w.buf[over:]
		w.dropped.Add(uint64(over))
	}
}

// Dropped is how many entries were dropped because the buffer was full.
func (w *AuditWriter) Dropped() uint64 { return w.dropped.Load() }

// Written is how many entries were written to the database.
func (w *AuditWriter) Written() uint64 { return w.written.Load() }

// Pending is how many entries wait to be written.
func (w *AuditWriter) Pending() int {
	w.mu.Lock()
	defer w.mu.Unlock()
	return len(w.buf)
}

// Close stops the writer after writing the buffered entries, retrying until ctx ends; it
// returns an error when some could not be written.
func (w *AuditWriter) Close(ctx context.Context) error {
	w.once.Do(func() {
		w.closeCtx = ctx
		close(w.stop)
	})
	<-w.done
	if n := w.Pending(); n > 0 {
		return fmt.Errorf("pgstore: %d audit entries could not be written to the database", n)
	}
	return nil
}

func (w *AuditWriter) run() {
	defer close(w.done)
	tick := time.NewTicker(w.opts.Interval)
	defer tick.Stop()
	wait := auditRetryMin
	var failing bool
	var loggedDrops uint64
	for {
		select {
		case <-w.stop:
			w.drain()
			return
		case <-tick.C:
		case <-w.kick:
		}
		err := w.writeAll(context.Background())
		if d := w.dropped.Load(); d > loggedDrops {
			w.opts.Logger.Warn("audit buffer full: the oldest entries were dropped", "dropped", d-loggedDrops, "dropped_total", d)
			loggedDrops = d
		}
		if err == nil {
			if failing {
				w.opts.Logger.Info("audit log: writing to the database again")
				failing = false
			}
			wait = auditRetryMin
			continue
		}
		if !failing {
			w.opts.Logger.Warn("audit log: cannot write to the database; entries are kept and retried", "error", err.Error(), "pending", w.Pending())
			failing = true
		}
		select {
		case <-w.stop:
			w.drain()
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, auditRetryMax)
	}
}

// drain writes everything buffered, retrying until Close's context ends.
func (w *AuditWriter) drain() {
	ctx := w.closeCtx
	wait := auditRetryMin
	for w.Pending() > 0 {
		if err := w.writeAll(ctx); err == nil {
			return
		}
		select {
		case <-ctx.Done():
			return
		case <-time.After(wait):
		}
		wait = min(2*wait, auditRetryMax)
	}
}

// writeAll writes the buffer batch by batch until it is empty or a write fails (its entries
// then go back to the front of the buffer).
func (w *AuditWriter) writeAll(ctx context.Context) error {
	for {
		w.mu.Lock()
		n := min(len(w.buf), w.opts.Batch)
		batch := make([]proxy.Entry, n)
		copy(batch, w.buf)
		clear(w.buf[:n])
		w.buf = w.buf[n:]
		w.mu.Unlock()
		if n == 0 {
			return nil
		}
		if err := w.write(ctx, batch); err != nil {
			w.mu.Lock()
			w.buf = append(batch, w.buf...)
			w.trim()
			w.mu.Unlock()
			return err
		}
		w.written.Add(uint64(n))
		w.copies.Add(1)
	}
}

// auditColumns are the columns an entry fills.
var auditColumns = []string{"profile", "at", "kind", "provider", "connection", "outcome", "details",
	"agent", "method", "host", "path", "status", "duration_ms", "mode", "error"}

// write sends batch in one COPY: all of it is written, or none.
func (w *AuditWriter) write(ctx context.Context, batch []proxy.Entry) error {
	ctx, cancel := context.WithTimeout(ctx, auditWriteTimeout)
	defer cancel()
	rows := make([][]any, len(batch))
	for i, e := range batch {
		rows[i] = auditRow(w.s.profile, e)
	}
	_, err := w.s.pool.CopyFrom(ctx, pgx.Identifier{"audit_log"}, auditColumns, pgx.CopyFromRows(rows))
	if err != nil {
		return fmt.Errorf("pgstore: writing %d audit entries: %w", len(batch), err)
	}
	return nil
}

// entryDetails are the fields of an entry without a column of their own.
type entryDetails struct {
	BytesIn  int64     `json:"bytes_in"`
	BytesOut int64     `json:"bytes_out"`
	Injected bool      `json:"injected"`
	Needs    string    `json:"needs,omitempty"`
	Hint     string    `json:"hint,omitempty"`
	Count    int       `json:"count,omitempty"`
	Until    time.Time `json:"until,omitzero"`
}

// Outcomes of request rows.
const (
	outcomeAllowed = "allowed"
	outcomeRefused = "refused"
)

// auditRow is e as a row of auditColumns.
func auditRow(profile string, e proxy.Entry) []any {
	kind := e.Kind
	if kind == "" {
		kind = proxy.KindRequest
	}
	outcome := outcomeAllowed
	if e.Mode == proxy.ModeDenied {
		outcome = outcomeRefused
	}
	details, _ := json.Marshal(entryDetails{BytesIn: e.BytesIn, BytesOut: e.BytesOut, Injected: e.Injected,
		Needs: e.Needs, Hint: e.Hint, Count: e.Count, Until: e.Until})
	at := e.Time
	if at.IsZero() {
		at = time.Now()
	}
	return []any{profile, at, kind, e.Provider, e.Connection, outcome, string(details),
		e.Agent, e.Method, e.Host, e.Path, e.Status, float64(e.Duration.Microseconds()) / 1000, e.Mode, e.Error}
}

// Collectors are the writer's Prometheus metrics, for the gateway's /metrics: the entries
// dropped ([gateway.MetricAuditDropped]), written and waiting.
func (w *AuditWriter) Collectors() []prometheus.Collector {
	return []prometheus.Collector{
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: gateway.MetricAuditDropped,
			Help: "Audit entries dropped because the buffer was full while the database could not be written."},
			func() float64 { return float64(w.Dropped()) }),
		prometheus.NewCounterFunc(prometheus.CounterOpts{Name: "authsome_gateway_audit_written_total",
			Help: "Audit entries written to the database."}, func() float64 { return float64(w.Written()) }),
		prometheus.NewGaugeFunc(prometheus.GaugeOpts{Name: "authsome_gateway_audit_pending",
			Help: "Audit entries waiting to be written to the database."}, func() float64 { return float64(w.Pending()) }),
	}
}
