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
	t.Parallel()
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

// TestProxyListenLoopback: `proxy --listen` takes any loopback address, IPv6 in brackets
// included (finding 14: [::1]:0 was refused), and nothing else.
func TestProxyListenLoopback(t *testing.T) {
	t.Parallel()
	for addr, want := range map[string]bool{
		"127.0.0.1:0": true, "127.0.0.2:8080": true, "localhost:0": true, "LOCALHOST:0": true, "[::1]:0": true,
		"0.0.0.0:0": false, ":0": false, "[::]:0": false, "192.0.2.1:0": false, "example.com:0": false,
		"127.0.0.1": false, "[::1]": false, "[:0": false, "": false,
	} {
		if got := loopbackAddr(addr); got != want {
			t.Errorf("loopbackAddr(%q) = %v, want %v", addr, got, want)
		}
	}
	home := testEnv(t)
	ctx, cancel := context.WithCancel(t.Context())
	cancel() // the proxy stops as soon as it has started (or failed to)
	for _, addr := range []string{"[::1]:0", "localhost:0"} {
		ios, _, _, errOut := Test()
		Run(ctx, ios, []string{"--home", home, "proxy", "--listen", addr})
		if strings.Contains(errOut.String(), "must be a loopback address") {
			t.Errorf("proxy --listen %s refused: %s", addr, errOut.String())
		}
	}
	r := runHome(t, home, "proxy", "--listen", "0.0.0.0:0")
	wantCode(t, r, exitUsage)
}
