package msgraph

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"net/http"
	"strings"
	"sync"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// loseAnswers is a transport for pre-authenticated URLs that, for the
// upload fragments it is told, lets the sandbox take the fragment and then
// loses its answer: as a cut connection (a transient error, which the client
// sends again and the sandbox refuses as overlapping, 416) or as another
// network error.
type loseAnswers struct {
	base http.RoundTripper
	mu   sync.Mutex
	puts int
	gets int
	lose map[int]error // by the fragment's number, from 1
}

func (l *loseAnswers) RoundTrip(req *http.Request) (*http.Response, error) {
	resp, err := l.base.RoundTrip(req)
	if err != nil || !strings.HasPrefix(req.URL.Path, "/_upload/") {
		return resp, err
	}
	l.mu.Lock()
	defer l.mu.Unlock()
	switch req.Method {
	case http.MethodGet:
		l.gets++
	case http.MethodPut:
		l.puts++
		if lost := l.lose[l.puts]; lost != nil {
			_, _ = io.Copy(io.Discard, resp.Body)
			resp.Body.Close()
			return nil, lost
		}
	}
	return resp, nil
}

// TestSandboxDriveUploadResumesAfterLostAnswers: fragments whose answers
// are lost after the sandbox took them do not fail the upload: the client
// asks the session for nextExpectedRanges and continues from there, and the
// file downloads back with the same SHA-256.
func TestSandboxDriveUploadResumesAfterLostAnswers(t *testing.T) {
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	lost := &loseAnswers{base: s.Client().Transport, lose: map[int]error{
		2: io.ErrUnexpectedEOF,              // sent again by the retry policy: 416 overlaps
		5: errors.New("connection dropped"), // not retried: the session is asked at once
	}}
	c.preauth = &http.Client{Transport: lost}
	ctx := t.Context()
	const size = 5<<20 + 12345
	item, _, err := c.Drive.Upload(ctx, MyDrive, "", "resumed.bin", &patternReader{n: size}, size, &UploadOptions{ChunkSize: 1 << 20})
	if err != nil || item.Size != size {
		t.Fatalf("Upload with lost answers: %+v %v", item, err)
	}
	if lost.gets != 2 || lost.puts != 7 { // 6 fragments, one sent twice; the session asked twice
		t.Errorf("%d fragments sent, %d status requests; want 7 and 2", lost.puts, lost.gets)
	}
	h := sha256.New()
	c.preauth = s.Client()
	if resp, err := c.Drive.Download(ctx, MyDrive, item.ID, h, nil); err != nil || resp.Written != size || !bytes.Equal(h.Sum(nil), patternSum(size)) {
		t.Fatalf("Download: %d bytes, %v; digests equal: %v", written(resp), err, bytes.Equal(h.Sum(nil), patternSum(size)))
	}
}
