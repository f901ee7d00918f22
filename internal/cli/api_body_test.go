package cli

import (
	"bytes"
	"crypto/sha256"
	"hash"
	"io"
	"math/rand/v2"
	"net/http"
	"os"
	"path/filepath"
	"runtime"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// received is what the test Graph saw of one request.
type received struct {
	method, ctype string
	length        int64
	body          []byte
}

// echoGraph answers every request with its own body, under the Content-Type the test sets in
// the request's "X-Answer-Type" header, and records what it received.
func echoGraph(t *testing.T) (home string, got func() []received) {
	t.Helper()
	var mu sync.Mutex
	var reqs []received
	home = apiHome(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, err := io.ReadAll(r.Body)
		if err != nil {
			t.Errorf("reading the request body: %v", err)
		}
		mu.Lock()
		reqs = append(reqs, received{r.Method, r.Header.Get("Content-Type"), r.ContentLength, body})
		mu.Unlock()
		w.Header().Set("Content-Type", r.Header.Get("X-Answer-Type"))
		w.Write(body)
	}))
	return home, func() []received {
		mu.Lock()
		defer mu.Unlock()
		return append([]received(nil), reqs...)
	}
}

// runAPIStreams runs `authsome api` with stdin and a stdout of the test's choosing.
func runAPIStreams(t *testing.T, home string, stdin io.Reader, stdout io.Writer, tty bool, args ...string) (int, string) {
	t.Helper()
	var errOut bytes.Buffer
	ios := &IOStreams{In: stdin, Out: stdout, ErrOut: &errOut, stdoutTTY: tty}
	code := Run(t.Context(), ios, append([]string{"--home", home, "api"}, args...))
	return code, errOut.String()
}

// TestAPIBytesUnchanged: `authsome api` sends a body from -d, -d @FILE and -d @- and prints the
// response body byte for byte: binary bytes (a NUL, invalid UTF-8, no final newline) arrive
// and are printed unchanged, on a terminal too, with no newline added. Only a JSON answer
// printed to a terminal is indented.
func TestAPIBytesUnchanged(t *testing.T) {
	t.Parallel()
	home, got := echoGraph(t)
	binary := []byte("PK\x03\x04\x00\xff\xfe\x80 not text\r\n\x00\xc3\x28 and no newline at the end")
	dir := t.TempDir()
	binFile := filepath.Join(dir, "sheet.xlsx")
	jsonFile := filepath.Join(dir, "mail")
	emptyFile := filepath.Join(dir, "empty.txt")
	const jsonBody = ` {"subject":"hi","body":"a\u00e9"}`
	for name, data := range map[string]string{binFile: string(binary), jsonFile: jsonBody, emptyFile: ""} {
		if err := os.WriteFile(name, []byte(data), 0o600); err != nil {
			t.Fatal(err)
		}
	}
	octet, js := "application/octet-stream", "application/json"

	for _, c := range []struct {
		name      string
		stdin     string
		stdinFile bool // stdin redirected from the binary file
		tty       bool
		args      []string
		sent      string // the body Graph must receive
		ctype     string // and its Content-Type
		length    int64  // and Content-Length (-1: none, sent in chunks)
		answerAs  string // the Content-Type of the echoed answer
		wantPrint string // what stdout must hold
	}{
		{name: "file to a pipe", args: []string{"-X", "PUT", "-d", "@" + binFile},
			sent: string(binary), ctype: octet, length: int64(len(binary)), answerAs: octet, wantPrint: string(binary)},
		{name: "file to a terminal", tty: true, args: []string{"-X", "PUT", "-d", "@" + binFile},
			sent: string(binary), ctype: octet, length: int64(len(binary)), answerAs: octet, wantPrint: string(binary)},
		{name: "stdin", stdin: string(binary), args: []string{"-X", "PUT", "-d", "@-"},
			sent: string(binary), ctype: octet, length: -1, answerAs: octet, wantPrint: string(binary)},
		{name: "stdin from a file", stdinFile: true, args: []string{"-X", "PUT", "-d", "@-"},
			sent: string(binary), ctype: octet, length: int64(len(binary)), answerAs: octet, wantPrint: string(binary)},
		{name: "empty file", args: []string{"-X", "PUT", "-d", "@" + emptyFile},
			sent: "", ctype: octet, length: 0, answerAs: octet, wantPrint: ""},
		{name: "type set by -H", args: []string{"-X", "PUT", "-d", "@" + binFile, "-H", "Content-Type: text/csv"},
			sent: string(binary), ctype: "text/csv", length: int64(len(binary)), answerAs: octet, wantPrint: string(binary)},
		{name: "JSON file to a pipe", args: []string{"-d", "@" + jsonFile},
			sent: jsonBody, ctype: js, length: int64(len(jsonBody)), answerAs: js, wantPrint: jsonBody},
		{name: "JSON file to a terminal", tty: true, args: []string{"-d", "@" + jsonFile},
			sent: jsonBody, ctype: js, length: int64(len(jsonBody)), answerAs: js,
			wantPrint: "{\n  \"subject\": \"hi\",\n  \"body\": \"a\\u00e9\"\n}\n"},
		{name: "JSON on stdin", stdin: "\n[1, 2]", args: []string{"-d", "@-"},
			sent: "\n[1, 2]", ctype: js, length: -1, answerAs: js, wantPrint: "\n[1, 2]"},
		{name: "text", args: []string{"-X", "PATCH", "-d", `{"a": "b"}`},
			sent: `{"a": "b"}`, ctype: js, length: 10, answerAs: js, wantPrint: `{"a": "b"}`},
	} {
		t.Run(c.name, func(t *testing.T) {
			before := len(got())
			var out bytes.Buffer
			args := append(c.args, "-H", "X-Answer-Type: "+c.answerAs, "/me/drive/items/01ABC/content")
			var stdin io.Reader = strings.NewReader(c.stdin)
			if c.stdinFile {
				f, err := os.Open(binFile)
				if err != nil {
					t.Fatal(err)
				}
				defer f.Close()
				stdin = f
			}
			code, stderr := runAPIStreams(t, home, stdin, &out, c.tty, args...)
			if code != exitOK {
				t.Fatalf("exit code %d (stderr %q)", code, stderr)
			}
			if out.String() != c.wantPrint {
				t.Errorf("stdout %q, want %q", out.String(), c.wantPrint)
			}
			reqs := got()
			if len(reqs) != before+1 {
				t.Fatalf("Graph received %d requests, want 1", len(reqs)-before)
			}
			r := reqs[before]
			if string(r.body) != c.sent || r.ctype != c.ctype || r.length != c.length {
				t.Errorf("Graph received %q (Content-Type %q, Content-Length %d), want %q (%q, %d)",
					r.body, r.ctype, r.length, c.sent, c.ctype, c.length)
			}
		})
	}
}

// TestAPIFileRetried: a body from -d @FILE is sent again, whole, after a throttled answer.
func TestAPIFileRetried(t *testing.T) {
	t.Parallel()
	var mu sync.Mutex
	var bodies []string
	home := apiHome(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		body, _ := io.ReadAll(r.Body)
		mu.Lock()
		defer mu.Unlock()
		bodies = append(bodies, string(body))
		if len(bodies) == 1 {
			w.Header().Set("Retry-After", "1")
			http.Error(w, `{"error":{"code":"TooManyRequests","message":"slow down"}}`, http.StatusTooManyRequests)
			return
		}
		w.WriteHeader(http.StatusCreated)
	}))
	file := filepath.Join(t.TempDir(), "a.bin")
	if err := os.WriteFile(file, []byte("\x00bytes\xff"), 0o600); err != nil {
		t.Fatal(err)
	}
	code, stderr := runAPIStreams(t, home, strings.NewReader(""), io.Discard, false, "-X", "PUT", "-d", "@"+file, "/me/drive/root:/a.bin:/content")
	if code != exitOK {
		t.Fatalf("exit code %d (stderr %q)", code, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if len(bodies) != 2 || bodies[0] != "\x00bytes\xff" || bodies[1] != bodies[0] {
		t.Errorf("Graph received %q, want the file's bytes twice", bodies)
	}
}

// TestAPIDataFileErrors: a -d @FILE that cannot be sent is a usage error (exit 2) of one
// line that names the file and what to do, reported before any request.
func TestAPIDataFileErrors(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	dir := t.TempDir()
	missing := filepath.Join(dir, "no-such.json")
	for arg, want := range map[string][]string{
		"@" + missing: {missing, "no such file", "-d @-"},
		"@" + dir:     {dir, "is a folder"},
		"@":           {"name a file after @"},
	} {
		r := runHome(t, home, "api", "-X", "PUT", "-d", arg, "/me/drive/root:/x:/content")
		wantCode(t, r, exitUsage)
		line := oneLine(t, r)
		for _, w := range want {
			if !strings.Contains(line, w) {
				t.Errorf("-d %s: stderr %q, want it to say %q", arg, line, w)
			}
		}
	}
}

// TestAPILargeBodiesStream: 64 MiB go up from -d @FILE and come back down to stdout without
// the process holding them: the live heap, measured after a collection while each body is
// half way through, stays far below the body's size.
//
// It stays serial: the heap it measures is the whole test process's.
func TestAPILargeBodiesStream(t *testing.T) {
	size, bound := int64(64<<20), int64(24<<20) // bound: generous, what the process holds beside the bodies many times over
	if testing.Short() {
		// The same check at a quarter of the scale: a body held in memory would still put
		// half of it, 8 MiB, past the bound half way (streaming grows the heap by ~0.5 MiB).
		size, bound = 16<<20, 6<<20
	}
	var base runtime.MemStats
	liveGrowth := func() int64 {
		var m runtime.MemStats
		runtime.GC()
		runtime.ReadMemStats(&m)
		return int64(m.HeapAlloc) - int64(base.HeapAlloc)
	}
	var mu sync.Mutex // guards upGrowth, upProbed and upSum, set by the handler
	var upGrowth int64
	var upProbed bool
	var upSum []byte
	home := apiHome(t, http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		h := sha256.New()
		if _, err := io.CopyN(h, r.Body, size/2); err != nil {
			t.Errorf("reading the first half of the upload: %v", err)
		}
		growth := liveGrowth()
		n, _ := io.Copy(h, r.Body)
		if n != size/2 {
			t.Errorf("upload of %d bytes, want %d", size/2+n, size)
		}
		mu.Lock()
		upGrowth, upProbed, upSum = growth, true, h.Sum(nil)
		mu.Unlock()
		w.Header().Set("Content-Type", "application/octet-stream")
		w.Header().Set("Content-Length", strconv.FormatInt(size, 10))
		io.CopyN(w, randomBytes(2), size)
	}))

	file := filepath.Join(t.TempDir(), "big.bin")
	fw, err := os.Create(file)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := io.CopyN(fw, randomBytes(1), size); err != nil {
		t.Fatal(err)
	}
	if err := fw.Close(); err != nil {
		t.Fatal(err)
	}
	want := sha256.New()
	io.CopyN(want, randomBytes(1), size)
	wantUp := want.Sum(nil)
	want.Reset()
	io.CopyN(want, randomBytes(2), size)
	wantDown := want.Sum(nil)

	out := &halfwayProbe{h: sha256.New(), at: size / 2, probe: liveGrowth}
	runtime.GC()
	runtime.ReadMemStats(&base)
	code, stderr := runAPIStreams(t, home, strings.NewReader(""), out, false, "-X", "PUT", "-d", "@"+file, "/me/drive/root:/big.bin:/content")
	if code != exitOK {
		t.Fatalf("exit code %d (stderr %q)", code, stderr)
	}
	mu.Lock()
	defer mu.Unlock()
	if !bytes.Equal(upSum, wantUp) {
		t.Error("Graph did not receive the file's bytes")
	}
	if out.n != size || !bytes.Equal(out.h.Sum(nil), wantDown) {
		t.Errorf("stdout got %d bytes (digest match %t), want Graph's %d", out.n, bytes.Equal(out.h.Sum(nil), wantDown), size)
	}
	t.Logf("live heap growth half way: upload %d KiB, download %d KiB", upGrowth>>10, out.growth>>10)
	// The heap may also shrink (garbage of earlier tests collected): only
	// growth past the bound fails.
	if !upProbed || upGrowth > bound {
		t.Errorf("live heap grew by %d MiB half way through the upload, want at most %d MiB", upGrowth>>20, bound>>20)
	}
	if !out.probed || out.growth > bound {
		t.Errorf("live heap grew by %d MiB half way through the download, want at most %d MiB", out.growth>>20, bound>>20)
	}
}

// randomBytes is an endless stream of pseudo-random bytes, the same for the same seed.
func randomBytes(seed byte) io.Reader {
	return rand.NewChaCha8([32]byte{seed})
}

// halfwayProbe is a stdout that hashes what it is given and measures the live heap once, when
// the write that crosses byte at arrives (the write is still held by the caller then).
type halfwayProbe struct {
	h      hash.Hash
	n      int64
	at     int64
	probe  func() int64
	growth int64
	probed bool
}

func (w *halfwayProbe) Write(p []byte) (int, error) {
	w.h.Write(p)
	w.n += int64(len(p))
	if !w.probed && w.n >= w.at {
		w.probed, w.growth = true, w.probe()
	}
	return len(p), nil
}
