package msgraph

import (
	"context"
	"math/rand/v2"
	"net/http"
	"strconv"
	"strings"
	"time"
)

// RetryPolicy says how [Client.Do] answers throttling: Graph's 429 (and 503,
// 504) carry a Retry-After header that the client honours exactly; without
// one it backs off exponentially with jitter. The zero value is the default
// policy (3 retries, waits of up to 2 minutes).
type RetryPolicy struct {
	// MaxRetries is how many times a throttled request is sent again.
	// 0 means 3; a negative value turns retries off.
	MaxRetries int
	// MaxWait is the longest single wait. A Retry-After above it is not
	// waited for: the request fails at once with a *ThrottleError that
	// says how long Graph asked to wait. 0 means 2 minutes.
	MaxWait time.Duration
	// BaseDelay is the first backoff when Graph gives no Retry-After;
	// it doubles with each retry. 0 means 1 second.
	BaseDelay time.Duration
}

func (p RetryPolicy) maxRetries() int {
	switch {
	case p.MaxRetries < 0:
		return 0
	case p.MaxRetries == 0:
		return 3
	}
	return p.MaxRetries
}

func (p RetryPolicy) maxWait() time.Duration {
	if p.MaxWait <= 0 {
		return 2 * time.Minute
	}
	return p.MaxWait
}

// backoff is the wait before retry n (0-based) when Graph sent no Retry-After:
// BaseDelay·2ⁿ, with up to 50% jitter, capped at MaxWait.
func (p RetryPolicy) backoff(n int) time.Duration {
	base := p.BaseDelay
	if base <= 0 {
		base = time.Second
	}
	d := base << min(n, 16)
	d += time.Duration(rand.Int64N(int64(d)/2 + 1))
	return min(d, p.maxWait())
}

// RetryEvent describes a wait before a request is sent again.
type RetryEvent struct {
	// Attempt is the attempt that was throttled (1 for the first).
	Attempt int
	// Wait is how long the client waits before the next attempt.
	Wait time.Duration
	// Err is the throttling response.
	Err *Error
}

func retryableStatus(code int) bool {
	return code == http.StatusTooManyRequests || code == http.StatusServiceUnavailable ||
		code == http.StatusGatewayTimeout
}

// parseRetryAfter reads a Retry-After value: seconds, or an HTTP date.
func parseRetryAfter(v string, now time.Time) time.Duration {
	v = strings.TrimSpace(v)
	if v == "" {
		return 0
	}
	if n, err := strconv.ParseInt(v, 10, 64); err == nil {
		if n < 0 {
			return 0
		}
		return time.Duration(min(n, int64(24*time.Hour/time.Second))) * time.Second
	}
	if t, err := http.ParseTime(v); err == nil {
		if d := t.Sub(now); d > 0 {
			return d
		}
	}
	return 0
}

// sleepContext waits d or until ctx is done.
func sleepContext(ctx context.Context, d time.Duration) error {
	if d <= 0 {
		return ctx.Err()
	}
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-t.C:
		return nil
	case <-ctx.Done():
		return ctx.Err()
	}
}
