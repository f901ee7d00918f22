package msgraph

import (
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// tempauthRecorder keeps the tokens (tempauth) of the pre-authenticated URLs
// the client requests.
type tempauthRecorder struct {
	base http.RoundTripper
	mu   sync.Mutex
	seen []string
}

func (t *tempauthRecorder) RoundTrip(req *http.Request) (*http.Response, error) {
	if tok := req.URL.Query().Get("tempauth"); tok != "" {
		t.mu.Lock()
		t.seen = append(t.seen, tok)
		t.mu.Unlock()
	}
	return t.base.RoundTrip(req)
}

// leaks returns the recorded tokens that err's message shows, and whether
// the message shows a query at all.
func (t *tempauthRecorder) leaks(err error) []string {
	t.mu.Lock()
	defer t.mu.Unlock()
	var out []string
	for _, tok := range t.seen {
		if strings.Contains(err.Error(), tok) {
			out = append(out, tok)
		}
	}
	if strings.Contains(err.Error(), "tempauth") {
		out = append(out, "tempauth=")
	}
	return out
}

// TestSandboxPreauthErrorsHideTempauth: the errors of upload sessions,
// downloads and copy monitors, refused by the server, cut off by it or
// about a URL that does not parse, name the pre-authenticated URL without
// its token, so that a log of the error does not let its reader write the
// upload or read the file.
func TestSandboxPreauthErrorsHideTempauth(t *testing.T) {
	c, s, _ := onSandbox(t, "Files.ReadWrite")
	rec := &tempauthRecorder{base: http.DefaultTransport}
	c.preauth = &http.Client{Transport: rec}
	ctx := t.Context()
	const size = SimpleUploadMax + 3*UploadChunkUnit // an upload session of a few fragments
	opts := &UploadOptions{ChunkSize: 4 * UploadChunkUnit}
	fault := func(f sandbox.Fault) {
		t.Helper()
		s.ClearFaults()
		if _, err := s.AddFault(f); err != nil {
			t.Fatal(err)
		}
	}
	check := func(what string, err error) {
		t.Helper()
		if err == nil {
			t.Fatalf("%s: no error", what)
		}
		if len(rec.seen) == 0 {
			t.Fatalf("%s: no pre-authenticated URL was requested", what)
		}
		if l := rec.leaks(err); len(l) > 0 {
			t.Errorf("%s: the error shows the URL's token: %v", what, err)
		}
	}

	fault(sandbox.Fault{Path: "^/_upload/", Method: "PUT", Status: 403, Count: 1})
	_, _, err := c.Drive.Upload(ctx, MyDrive, "", "refused.bin", &patternReader{n: size}, size, opts)
	check("a fragment refused", err)
	fault(sandbox.Fault{Path: "^/_upload/", Method: "PUT", Reset: true})
	_, _, err = c.Drive.Upload(ctx, MyDrive, "", "cut.bin", &patternReader{n: size}, size, opts)
	check("every fragment's connection cut", err)
	_, _, err = c.uploadChunks(ctx, &UploadSession{UploadURL: "http://127.0.0.1:1/_upload/x?tempauth=not-a-url\x7f"}, &patternReader{n: size}, size, *opts)
	check("an upload URL that does not parse", err)

	s.ClearFaults()
	item, _, err := c.Drive.Upload(ctx, MyDrive, "", "kept.bin", &patternReader{n: size}, size, opts)
	if err != nil {
		t.Fatal(err)
	}
	fault(sandbox.Fault{Path: "^/_content/", Status: 403, Count: 1})
	_, err = c.Drive.Download(ctx, MyDrive, item.ID, new(strings.Builder), nil)
	check("a download refused", err)
	fault(sandbox.Fault{Path: "^/_content/", Reset: true})
	_, err = c.Drive.Download(ctx, MyDrive, item.ID, new(strings.Builder), nil)
	check("a download's connection cut", err)

	s.ClearFaults()
	monitorSt, _, err := c.Drive.CopyItem(ctx, MyDrive, item.ID, ItemReference{Path: "/drive/root:"}, &CopyOptions{Name: "copy.bin"})
	if err != nil {
		t.Fatal(err)
	}
	fault(sandbox.Fault{Path: "^/_monitor/", Status: 403, Count: 1})
	_, _, err = c.Drive.WaitCopy(ctx, monitorSt.MonitorURL, nil)
	check("a copy monitor refused", err)
	fault(sandbox.Fault{Path: "^/_monitor/", Reset: true})
	_, _, err = c.Drive.WaitCopy(ctx, monitorSt.MonitorURL, nil)
	check("a copy monitor's connection cut", err)
	_, _, err = c.Drive.WaitCopy(ctx, monitorSt.MonitorURL+"\x7f", nil)
	check("a copy monitor URL that does not parse", err)
}
