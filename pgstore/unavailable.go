package pgstore

import (
	"context"
	"errors"
	"io"
	"net"
	"strings"
	"time"

	"github.com/jackc/pgx/v5/pgconn"
	"github.com/jackc/pgx/v5/pgxpool"
)

// Unavailable reports whether err says the database cannot be used for now: it cannot be
// reached, is starting up or shutting down, dropped the connection, or did not answer in
// time. Such a failure ends when the database is back (the pool reconnects by itself), so a
// server answers it with 503 and Retry-After, not as a failure of the request.
func Unavailable(err error) bool {
	if err == nil {
		return false
	}
	var ce *pgconn.ConnectError
	var pe *pgconn.PgError
	var ne net.Error
	switch {
	case errors.As(err, &ce), errors.As(err, &ne), pgconn.Timeout(err),
		errors.Is(err, pgconn.ErrConnClosed), errors.Is(err, context.DeadlineExceeded),
		errors.Is(err, io.EOF), errors.Is(err, io.ErrUnexpectedEOF), errors.Is(err, net.ErrClosed):
		return true
	case errors.As(err, &pe):
		// Class 08: connection exception; 57P01-57P03: admin/crash shutdown, cannot connect
		// now; 53300: too many connections.
		return strings.HasPrefix(pe.Code, "08") || pe.Code == "57P01" || pe.Code == "57P02" || pe.Code == "57P03" || pe.Code == "53300"
	}
	return false
}

// Pool timing, so that a database that goes away is noticed within seconds, and one that
// comes back is used again as fast (see docs/gateway.md).
const (
	// connectTimeout bounds a connection attempt when the connection string sets none
	// (connect_timeout).
	connectTimeout = 3 * time.Second
	// pingTimeout bounds the liveness check of a connection idle for over a second, before
	// it is handed out.
	pingTimeout = 2 * time.Second
	// healthCheckPeriod is how often idle connections are checked.
	healthCheckPeriod = 5 * time.Second
)

// tunePool sets the pool's timeouts that the connection string leaves at their defaults
// (a connect that can hang for minutes, a ping without a bound).
func tunePool(cfg *pgxpool.Config) {
	if cfg.ConnConfig.ConnectTimeout == 0 {
		cfg.ConnConfig.ConnectTimeout = connectTimeout
	}
	if cfg.PingTimeout == 0 {
		cfg.PingTimeout = pingTimeout
	}
	if !strings.Contains(cfg.ConnString(), "pool_health_check_period") {
		cfg.HealthCheckPeriod = healthCheckPeriod
	}
}
