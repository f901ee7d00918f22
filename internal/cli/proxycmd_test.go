package cli

import (
	"bytes"
	"context"
	"strings"
	"sync"
	"testing"
	"time"
)

type lockedBuffer struct {
	mu sync.Mutex
	b  bytes.Buffer
}

func (l *lockedBuffer) Write(p []byte) (int, error) {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.Write(p)
}

func (l *lockedBuffer) String() string {
	l.mu.Lock()
	defer l.mu.Unlock()
	return l.b.String()
}

// TestWarnBeforeExpiry: a CA far from expiry says nothing; one about to expire, or expired,
// says so once (not at every check) with what to do.
func TestWarnBeforeExpiry(t *testing.T) {
	for _, tc := range []struct {
		name   string
		expiry time.Time
		want   string // "" = no warning
	}{
		{"far", time.Now().Add(30 * 24 * time.Hour), ""},
		{"soon", time.Now().Add(5 * time.Hour), "the proxy's CA expires at"},
		{"expired", time.Now().Add(-time.Minute), "the proxy's CA expired at"},
	} {
		t.Run(tc.name, func(t *testing.T) {
			var out lockedBuffer
			ctx, cancel := context.WithTimeout(context.Background(), 50*time.Millisecond)
			defer cancel()
			warnBeforeExpiry(ctx, &out, tc.expiry, runCAWarnAhead, time.Millisecond, "Restart it.")
			got := out.String()
			if tc.want == "" {
				if got != "" {
					t.Fatalf("warned: %q", got)
				}
				return
			}
			if strings.Count(got, "authsome: warning: ") != 1 || !strings.Contains(got, tc.want) || !strings.Contains(got, "Restart it.") {
				t.Fatalf("got %q, want one warning with %q", got, tc.want)
			}
		})
	}
}
