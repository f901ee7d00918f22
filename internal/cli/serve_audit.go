package cli

import (
	"context"
	"log/slog"
	"time"

	"github.com/prometheus/client_golang/prometheus"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/proxy"
)

// serveAudit is where `serve` audits each request: the profile's audit file, or, on a
// PostgreSQL store, the store's audit log (written in the background, see
// [pgstore.AuditWriter]), where every replica's requests meet.
type serveAudit struct {
	write func(proxy.Entry)
	close func()
	// unavailable and collectors are the store's, for gateway.Options (nil on the vault).
	unavailable func(error) bool
	collectors  []prometheus.Collector
}

// serveAuditFlush bounds how long a stopping `serve` tries to write the audit entries it
// still holds to the database.
const serveAuditFlush = 10 * time.Second

func openServeAudit(b *broker.Broker, ps *pgstore.Store, log *slog.Logger) (*serveAudit, error) {
	if ps == nil {
		f, err := proxy.OpenAuditFile(auditPath(b))
		if err != nil {
			return nil, err
		}
		return &serveAudit{write: f.Write, close: func() { f.Close() }}, nil
	}
	w := ps.NewAuditWriter(pgstore.AuditWriterOptions{Logger: log})
	return &serveAudit{write: w.Entry, unavailable: pgstore.Unavailable, collectors: w.Collectors(), close: func() {
		ctx, cancel := context.WithTimeout(context.Background(), serveAuditFlush)
		defer cancel()
		if err := w.Close(ctx); err != nil {
			log.Warn("audit log: entries lost", "error", err.Error())
		}
	}}, nil
}
