package msgraph

import (
	"bytes"
	"crypto/sha256"
	"errors"
	"io"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// failAfter reads from r until n bytes have been read, then fails: a
// process that stops in the middle of an upload.
type failAfter struct {
	r io.Reader
	n int64
}

var errStopped = errors.New("stopped")

func (f *failAfter) Read(b []byte) (int, error) {
	if f.n <= 0 {
		return 0, errStopped
	}
	b = b[:min(int64(len(b)), f.n)]
	n, err := f.r.Read(b)
	f.n -= int64(n)
	return n, err
}

// TestSandboxDriveResumeUpload: an upload session whose sender stopped after
// two fragments is continued by ResumeUpload from the session's
// nextExpectedRanges (Progress starts there), without a new session, and the
// file downloads back with the same SHA-256; a cancelled session is gone.
func TestSandboxDriveResumeUpload(t *testing.T) {
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	ctx := t.Context()
	const size = 3*UploadChunkUnit + 4321
	data, _ := io.ReadAll(&patternReader{n: size})
	opts := &UploadOptions{ChunkSize: UploadChunkUnit, Conflict: ConflictFail}
	sess, _, err := c.Drive.CreateUploadSession(ctx, MyDrive, "", "resumable.bin", opts)
	if err != nil || sess.UploadURL == "" {
		t.Fatalf("CreateUploadSession: %+v %v", sess, err)
	}
	stopped := &failAfter{r: bytes.NewReader(data), n: 2*UploadChunkUnit + 100}
	if _, _, err := c.Drive.ResumeUpload(ctx, sess, struct {
		io.Reader
		io.Seeker
	}{stopped, bytes.NewReader(nil)}, size, opts); !errors.Is(err, errStopped) {
		t.Fatalf("ResumeUpload with a reader that stops: %v, want it to fail", err)
	}
	var first int64 = -1
	opts.Progress = func(sent, total int64) {
		if first < 0 {
			first = sent
		}
	}
	item, _, err := c.Drive.ResumeUpload(ctx, sess, bytes.NewReader(data), size, opts)
	if err != nil || item.Size != size {
		t.Fatalf("ResumeUpload: %+v %v", item, err)
	}
	if first != 2*UploadChunkUnit {
		t.Errorf("Progress started at %d, want the %d bytes the session had", first, 2*UploadChunkUnit)
	}
	h := sha256.New()
	if resp, err := c.Drive.Download(ctx, MyDrive, item.ID, h, nil); err != nil || resp.Written != size || !bytes.Equal(h.Sum(nil), patternSum(size)) {
		t.Fatalf("Download: %d bytes, %v; digests equal: %v", written(resp), err, bytes.Equal(h.Sum(nil), patternSum(size)))
	}
	creates := 0
	for _, e := range s.Requests() {
		if strings.HasSuffix(e.Path, "/createUploadSession") {
			creates++
		}
	}
	if creates != 1 {
		t.Errorf("%d upload sessions created, want 1", creates)
	}

	gone, _, err := c.Drive.CreateUploadSession(ctx, MyDrive, "", "cancelled.bin", nil)
	if err != nil {
		t.Fatal(err)
	}
	c.Drive.CancelUpload(ctx, gone.UploadURL)
	var ge *Error
	if _, _, err := c.Drive.ResumeUpload(ctx, gone, bytes.NewReader(data), size, nil); !errors.As(err, &ge) || ge.StatusCode != 404 {
		t.Errorf("ResumeUpload of a cancelled session: %v, want Graph's 404", err)
	}
}
