package proxy

import (
	"bufio"
	"io"
	"net/http"
	"os"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
	"time"
)

// vmRSS returns the process's resident set size in bytes (Linux).
func vmRSS(t *testing.T) int64 {
	f, err := os.Open("/proc/self/status")
	if err != nil {
		t.Skip("no /proc/self/status")
	}
	defer f.Close()
	sc := bufio.NewScanner(f)
	for sc.Scan() {
		if v, ok := strings.CutPrefix(sc.Text(), "VmRSS:"); ok {
			kb, _ := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			return kb << 10
		}
	}
	t.Skip("no VmRSS")
	return 0
}

// zeros is an endless reader of zero bytes.
type zeros struct{}

func (zeros) Read(p []byte) (int, error) {
	clear(p)
	return len(p), nil
}

// TestLargeUploadStreams sends 1 GiB through an intercepted, injected connection (child
// HTTP/2 → proxy → upstream HTTP/2) and checks the process's resident memory grows by less
// than 64 MiB: the body is streamed, never held. Client and upstream share the process, so
// the bound covers all three.
func TestLargeUploadStreams(t *testing.T) {
	// Not parallel: it measures the process's resident memory, which other tests would grow.
	if testing.Short() {
		t.Skip("1 GiB upload skipped in -short mode")
	}
	size, limit := int64(1<<30), int64(64<<20)
	if raceEnabled {
		// The race detector makes copying ~5x slower, and its shadow memory adds a roughly
		// constant 50 MiB here whatever the size (measured at 128 MiB and 512 MiB).
		size, limit = 256<<20, 96<<20
	}
	h := newHarness(t, setup{})
	var got int64
	h.graph.setHandler(func(w http.ResponseWriter, r *http.Request) {
		got, _ = io.Copy(io.Discard, r.Body)
		w.WriteHeader(http.StatusCreated)
	})
	c := h.client(true)
	// Warm up: connections, leaf, credential, buffers.
	if _, _, err := h.get(c, "GET", "https://graph.microsoft.com/v1.0/me"); err != nil {
		t.Fatal(err)
	}
	runtime.GC()
	base := vmRSS(t)
	var peak int64
	var mu sync.Mutex
	stop := make(chan struct{})
	done := make(chan struct{})
	go func() {
		defer close(done)
		tick := time.NewTicker(20 * time.Millisecond)
		defer tick.Stop()
		for {
			select {
			case <-stop:
				return
			case <-tick.C:
				r := vmRSS(t)
				mu.Lock()
				peak = max(peak, r)
				mu.Unlock()
			}
		}
	}()
	start := time.Now()
	req, _ := http.NewRequest("PUT", "https://graph.microsoft.com/v1.0/me/drive/root:/big.bin:/content", io.LimitReader(zeros{}, size))
	req.ContentLength = size
	req.Header.Set("Authorization", "Bearer "+Placeholder)
	resp, err := c.Do(req)
	close(stop)
	<-done
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	elapsed := time.Since(start)
	if resp.StatusCode != http.StatusCreated || got != size {
		t.Fatalf("status %s, upstream read %d of %d bytes", resp.Status, got, size)
	}
	growth := peak - base
	t.Logf("%d MiB in %v (%.0f MiB/s); RSS %d MiB → peak %d MiB (+%d MiB)", size>>20, elapsed.Round(time.Millisecond),
		float64(size>>20)/elapsed.Seconds(), base>>20, peak>>20, growth>>20)
	if growth > limit {
		t.Fatalf("RSS grew by %d MiB during the upload", growth>>20)
	}
	es := h.waitEntries(2)
	if e := es[len(es)-1]; e.BytesIn != size || !e.Injected {
		t.Errorf("audit %+v", e)
	}
}
