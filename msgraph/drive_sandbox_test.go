package msgraph

import (
	"bytes"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"io"
	"runtime"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/sandbox"
)

const driveScopes = "Files.ReadWrite User.Read"

// TestSandboxDriveReads: drives, items by id and path, and children over
// several pages, against the sandbox.
func TestSandboxDriveReads(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	drives, _, err := c.Drive.ListDrives(ctx, "me", nil)
	if err != nil || len(drives) != 1 || drives[0].DriveType != "business" {
		t.Fatalf("ListDrives: %+v %v", drives, err)
	}
	mine, resp, err := c.Drive.GetDrive(ctx, MyDrive)
	if err != nil || mine.ID != drives[0].ID || mine.Quota.Total == 0 || mine.Owner.User.ID != sandbox.Users()[0].ID || resp.RequestID == "" {
		t.Fatalf("GetDrive(me): %+v %v", mine, err)
	}
	for _, d := range []DriveRef{UserDrive(sandbox.Users()[0].UserPrincipalName), DriveByID(mine.ID)} {
		if got, _, err := c.Drive.GetDrive(ctx, d); err != nil || got.ID != mine.ID {
			t.Errorf("GetDrive(%s): %+v %v", d, got, err)
		}
	}
	root, _, err := c.Drive.GetItem(ctx, MyDrive, "", nil)
	if err != nil || !root.IsFolder() || root.Root == nil {
		t.Fatalf("root: %+v %v", root, err)
	}
	plan, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Projects/Launch/Plan.md", nil)
	if err != nil || plan.File == nil || plan.File.MimeType != "text/markdown" || plan.Size == 0 || plan.DownloadURL == "" {
		t.Fatalf("GetItemByPath: %+v %v", plan, err)
	}
	byID, _, err := c.Drive.GetItem(ctx, DriveByID(mine.ID), plan.ID, &GetOptions{Select: []string{"id", "name"}})
	if err != nil || byID.Name != "Plan.md" || byID.Size != 0 {
		t.Errorf("GetItem with $select: %+v %v", byID, err)
	}
	if _, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Projects/nope.md", nil); !IsNotFound(err) {
		t.Errorf("a missing path: %v", err)
	}
	first, _, err := c.Drive.ListChildren(ctx, MyDrive, "", &ListOptions{Top: 2, OrderBy: []string{"name"}})
	if err != nil || len(first) != 2 {
		t.Fatalf("ListChildren: %d %v", len(first), err)
	}
	var all []string
	for it, err := range c.Drive.ListChildrenIter(ctx, MyDrive, "", &ListOptions{Top: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, it.Name)
	}
	if !slices.Equal(all, []string{"Documents", "Pictures", "Projects", "Welcome.md"}) {
		t.Errorf("ListChildrenIter over pages of 2: %v", all)
	}
}

// TestSandboxDriveWrites: folders with each conflict behaviour, rename,
// move, delete, and a small upload downloaded back through the redirect to
// the pre-authenticated URL (which refuses a Graph token, so a download that
// sent one would fail).
func TestSandboxDriveWrites(t *testing.T) {
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	ctx := t.Context()
	f, _, err := c.Drive.CreateFolder(ctx, MyDrive, "", "Reports", "")
	if err != nil || f.Folder == nil || f.Name != "Reports" {
		t.Fatalf("CreateFolder: %+v %v", f, err)
	}
	var ge *Error
	if _, _, err := c.Drive.CreateFolder(ctx, MyDrive, "", "Reports", ConflictFail); !errors.As(err, &ge) || ge.StatusCode != 409 || ge.Code != "nameAlreadyExists" {
		t.Errorf("a taken name with fail: %v", err)
	}
	if r, _, err := c.Drive.CreateFolder(ctx, MyDrive, "", "Reports", ConflictRename); err != nil || r.Name != "Reports 1" {
		t.Errorf("rename: %+v %v", r, err)
	}
	sub, _, err := c.Drive.CreateFolder(ctx, MyDrive, f.ID, "2025", "")
	if err != nil || sub.ParentReference.ID != f.ID {
		t.Fatalf("CreateFolder in a folder: %+v %v", sub, err)
	}

	content := []byte("quarterly numbers\n")
	up, _, err := c.Drive.Upload(ctx, MyDrive, sub.ID, "q1.txt", bytes.NewReader(content), int64(len(content)), nil)
	if err != nil || up.Size != int64(len(content)) || up.File == nil {
		t.Fatalf("Upload: %+v %v", up, err)
	}
	var got bytes.Buffer
	if resp, err := c.Drive.Download(ctx, MyDrive, up.ID, &got, nil); err != nil || resp.Written != int64(len(content)) || !bytes.Equal(got.Bytes(), content) {
		t.Fatalf("Download: %d %q %v", written(resp), got.String(), err)
	}
	big := bytes.Repeat([]byte("0123456789abcdef"), 3<<16) // 3 MiB, still one simple upload
	bigItem, _, err := c.Drive.Upload(ctx, MyDrive, "", "big.bin", bytes.NewReader(big), int64(len(big)), nil)
	if err != nil || bigItem.Size != int64(len(big)) {
		t.Fatalf("Upload of 3 MiB: %+v %v", bigItem, err)
	}
	got.Reset()
	if _, err := c.Drive.Download(ctx, MyDrive, bigItem.ID, &got, nil); err != nil || !bytes.Equal(got.Bytes(), big) {
		t.Errorf("Download of 3 MiB: %d bytes, %v", got.Len(), err)
	}
	again := []byte("quarterly numbers, revised\n")
	if r, _, err := c.Drive.Upload(ctx, MyDrive, sub.ID, "q1.txt", bytes.NewReader(again), int64(len(again)), nil); err != nil || r.ID != up.ID {
		t.Errorf("Upload over an existing file (replace): %+v %v", r, err)
	}
	if _, _, err := c.Drive.Upload(ctx, MyDrive, "", "Welcome.md", bytes.NewReader(again), int64(len(again)), &UploadOptions{Conflict: ConflictFail}); !errors.As(err, &ge) || ge.StatusCode != 409 {
		t.Errorf("Upload with fail on a taken name: %v", err)
	}

	name := "Q1 final.txt"
	renamed, _, err := c.Drive.UpdateItem(ctx, MyDrive, up.ID, &DriveItemUpdate{Name: &name})
	if err != nil || renamed.Name != name {
		t.Fatalf("rename: %+v %v", renamed, err)
	}
	moved, _, err := c.Drive.UpdateItem(ctx, MyDrive, up.ID, &DriveItemUpdate{ParentReference: &ItemReference{ID: f.ID}})
	if err != nil || moved.ParentReference.ID != f.ID || moved.ParentReference.Path != "/drive/root:/Reports" {
		t.Fatalf("move: %+v %v", moved, err)
	}
	if _, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Reports/Q1 final.txt", nil); err != nil {
		t.Errorf("the moved file by its new path: %v", err)
	}
	got.Reset()
	if _, err := c.Drive.Download(ctx, MyDrive, up.ID, &got, nil); err != nil || !bytes.Equal(got.Bytes(), again) {
		t.Errorf("Download after replace and move: %q %v", got.String(), err)
	}

	if _, err := c.Drive.DeleteItem(ctx, MyDrive, f.ID); err != nil {
		t.Fatalf("DeleteItem: %v", err)
	}
	if _, _, err := c.Drive.GetItem(ctx, MyDrive, up.ID, nil); !IsNotFound(err) {
		t.Errorf("a file in a deleted folder: %v", err)
	}
	for it, err := range c.Drive.ListChildrenIter(ctx, MyDrive, "", nil) {
		if err != nil || it.ID == f.ID {
			t.Errorf("root lists %+v after its delete (%v)", it, err)
		}
	}
}

// startSandbox starts an in-process sandbox over TLS, so that a download's
// redirect to the sandbox's other host name checks its certificate too.
func startSandbox(t *testing.T) *sandbox.Server {
	t.Helper()
	s, err := sandbox.New(sandbox.Options{Dir: t.TempDir(), SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() { s.Close() })
	return s
}

// patternReader yields n deterministic bytes without holding them.
type patternReader struct{ off, n int64 }

func (p *patternReader) Read(b []byte) (int, error) {
	if p.off >= p.n {
		return 0, io.EOF
	}
	b = b[:min(int64(len(b)), p.n-p.off)]
	for i := range b {
		x := p.off + int64(i)
		b[i] = byte(x*31 + x>>12)
	}
	p.off += int64(len(b))
	return len(b), nil
}

func patternSum(n int64) []byte {
	h := sha256.New()
	_, _ = io.Copy(h, &patternReader{n: n})
	return h.Sum(nil)
}

// TestSandboxDriveUploadSession: a file larger than one simple upload goes
// through an upload session in small chunks (the sandbox checks each
// fragment's size and order and refuses a Graph token on the upload URL), and
// downloads back identical.
func TestSandboxDriveUploadSession(t *testing.T) {
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	ctx := t.Context()
	const size = 5<<20 + 12345
	var calls int
	item, _, err := c.Drive.Upload(ctx, MyDrive, "", "session.bin", &patternReader{n: size}, size,
		&UploadOptions{ChunkSize: 1 << 20, Progress: func(sent, total int64) { calls++ }})
	if err != nil || item.Size != size || item.Name != "session.bin" {
		t.Fatalf("Upload of 5 MiB in a session: %+v %v", item, err)
	}
	if calls != 6 { // 983,040-byte chunks: 5 full and the rest
		t.Errorf("%d chunks, want 6", calls)
	}
	h := sha256.New()
	if resp, err := c.Drive.Download(ctx, MyDrive, item.ID, h, nil); err != nil || resp.Written != size || !bytes.Equal(h.Sum(nil), patternSum(size)) {
		t.Fatalf("Download: %d bytes, %v; digests equal: %v", written(resp), err, bytes.Equal(h.Sum(nil), patternSum(size)))
	}
	if got := strings.ToLower(item.File.Hashes.SHA256Hash); got != hex.EncodeToString(patternSum(size)) {
		t.Errorf("item's sha256Hash %s", got)
	}
	var ge *Error
	if _, _, err := c.Drive.Upload(ctx, MyDrive, "", "session.bin", &patternReader{n: size}, size, &UploadOptions{Conflict: ConflictFail}); !errors.As(err, &ge) || ge.StatusCode != 409 {
		t.Errorf("a session on a taken name with fail: %v", err)
	}
	for _, entry := range s.Requests() {
		if strings.HasPrefix(entry.Path, "/_upload/") && len(entry.Headers["Authorization"]) > 0 {
			t.Errorf("the client sent its Graph token to the upload URL: %s %s", entry.Method, entry.Path)
		}
	}
}

// TestSandboxDriveUploadLargeBoundedHeap: 256 MiB through an upload session
// and back through the download redirect, with the heap of this process
// (the client and the in-process sandbox) staying far below the file's size.
// The acceptance test of large files, 1 GiB to `authsome sandbox` in its
// own process with the RSS of each measured, is e2e's TestTransfer1GiB.
func TestSandboxDriveUploadLargeBoundedHeap(t *testing.T) {
	if testing.Short() {
		t.Skip("uploads 256 MiB")
	}
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	ctx := t.Context()
	const size = 256 << 20
	const bound = 96 << 20 // generous: 10 MiB chunks, TLS buffers, garbage not yet collected
	runtime.GC()
	var ms runtime.MemStats
	runtime.ReadMemStats(&ms)
	base, peak := ms.HeapAlloc, ms.HeapAlloc
	sample := func() {
		runtime.ReadMemStats(&ms)
		peak = max(peak, ms.HeapAlloc)
	}
	item, _, err := c.Drive.Upload(ctx, MyDrive, "", "large.bin", &patternReader{n: size}, size,
		&UploadOptions{Progress: func(int64, int64) { sample() }})
	if err != nil || item.Size != size {
		t.Fatalf("Upload of 256 MiB: %+v %v", item, err)
	}
	h := sha256.New()
	w := io.MultiWriter(h, writerFunc(func(b []byte) (int, error) { sample(); return len(b), nil }))
	if resp, err := c.Drive.Download(ctx, MyDrive, item.ID, w, nil); err != nil || resp.Written != size {
		t.Fatalf("Download: %d %v", written(resp), err)
	}
	if !bytes.Equal(h.Sum(nil), patternSum(size)) {
		t.Fatal("the downloaded file differs from the uploaded one")
	}
	if peak-base > bound {
		t.Errorf("the heap grew by %d MiB for a %d MiB file, want under %d MiB", (peak-base)>>20, size>>20, bound>>20)
	}
	t.Logf("heap growth: %d MiB", (peak-base)>>20)
}

type writerFunc func([]byte) (int, error)

func (f writerFunc) Write(b []byte) (int, error) { return f(b) }
