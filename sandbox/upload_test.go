package sandbox

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/testkey"
)

const fragUnit = 320 << 10

// uploadSession is an upload session against e: its URL, and Adele's client
// for the Graph side.
type uploadSession struct {
	t   *testing.T
	e   *env
	url string
}

// newSession creates an upload session at path (below /v1.0/me/drive) with body.
func newSession(t *testing.T, e *env, d *driveClient, path string, body any) *uploadSession {
	t.Helper()
	out := d.call("POST", "/v1.0/me/drive/"+path, body, 200)
	u, _ := out["uploadUrl"].(string)
	if u == "" || out["expirationDateTime"] == nil {
		t.Fatalf("createUploadSession: %v", out)
	}
	return &uploadSession{t: t, e: e, url: u}
}

// send sends a request to the session's URL and returns the status and JSON body.
func (s *uploadSession) send(method string, body []byte, hdr map[string]string) (int, map[string]any) {
	s.t.Helper()
	var in io.Reader
	if body != nil {
		in = bytes.NewReader(body)
	}
	req, err := http.NewRequest(method, s.url, in)
	if err != nil {
		s.t.Fatal(err)
	}
	for k, v := range hdr {
		req.Header.Set(k, v)
	}
	resp, err := s.e.c.Do(req)
	if err != nil {
		s.t.Fatal(err)
	}
	defer resp.Body.Close()
	data, _ := io.ReadAll(resp.Body)
	var out map[string]any
	_ = json.Unmarshal(data, &out)
	return resp.StatusCode, out
}

// put sends content[first:last+1] as a fragment of a file of len(content) bytes.
func (s *uploadSession) put(content []byte, first, last int) (int, map[string]any) {
	s.t.Helper()
	return s.send("PUT", content[first:last+1], map[string]string{
		"Content-Range": fmt.Sprintf("bytes %d-%d/%d", first, last, len(content)),
	})
}

func ranges(out map[string]any) string {
	var s []string
	for _, v := range out["nextExpectedRanges"].([]any) {
		s = append(s, v.(string))
	}
	return strings.Join(s, ",")
}

func patterned(n int) []byte {
	b := make([]byte, n)
	for i := range b {
		b[i] = byte(i*7 + i/251)
	}
	return b
}

// download fetches an item's bytes through its downloadUrl.
func (d *driveClient) download(id string) []byte {
	d.t.Helper()
	return d.downloadAt("/v1.0/me/drive/items/" + id)
}

// TestUploadSessionInFragments: a session on the other host, fragments of
// 320 KiB multiples answered 202 with nextExpectedRanges, the last with
// 201 and the item, whose bytes download back; a second session replacing
// the file ends with 200; GET reports the status.
func TestUploadSessionInFragments(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	content := patterned(2*fragUnit + 1000)
	s := newSession(t, e, d, "root:/Big/data.bin:/createUploadSession",
		map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": "fail", "name": "data.bin"}})
	u, _ := url.Parse(s.url)
	base, _ := url.Parse(e.base)
	if u.Hostname() == base.Hostname() || u.Hostname() != "localhost" {
		t.Errorf("uploadUrl %s is not on the other host name of %s", u, base)
	}
	if code, out := s.send("GET", nil, nil); code != 200 || ranges(out) != "0-" {
		t.Errorf("status of a new session: %d %v", code, out)
	}
	code, out := s.put(content, 0, fragUnit-1)
	if code != 202 || ranges(out) != fmt.Sprintf("%d-%d", fragUnit, len(content)-1) || out["expirationDateTime"] == nil {
		t.Fatalf("first fragment: %d %v", code, out)
	}
	if code, out := s.put(content, fragUnit, 2*fragUnit-1); code != 202 || ranges(out) != fmt.Sprintf("%d-%d", 2*fragUnit, len(content)-1) {
		t.Fatalf("second fragment: %d %v", code, out)
	}
	if code, out := s.send("GET", nil, nil); code != 200 || ranges(out) != fmt.Sprintf("%d-%d", 2*fragUnit, len(content)-1) {
		t.Errorf("status midway: %d %v", code, out)
	}
	code, item := s.put(content, 2*fragUnit, len(content)-1)
	if code != 201 || item["name"] != "data.bin" || item["size"].(float64) != float64(len(content)) || item["file"] == nil {
		t.Fatalf("last fragment: %d %v", code, item)
	}
	id := item["id"].(string)
	if got := d.download(id); !bytes.Equal(got, content) {
		t.Errorf("downloaded %d bytes, want the %d uploaded", len(got), len(content))
	}
	if code, out := s.send("GET", nil, nil); code != 404 || errCode(out) != "itemNotFound" {
		t.Errorf("a completed session: %d %v", code, out)
	}

	// new content for the file by id: 200 with the same item
	again := patterned(1000)[100:]
	s2 := newSession(t, e, d, "items/"+id+"/createUploadSession", nil)
	if code, item := s2.put(again, 0, len(again)-1); code != 200 || item["id"] != id || item["size"].(float64) != float64(len(again)) {
		t.Fatalf("replacing by id: %d %v", code, item)
	}
	if got := d.download(id); !bytes.Equal(got, again) {
		t.Errorf("after the replace: %d bytes", len(got))
	}
	d.call("POST", "/v1.0/me/drive/items/"+d.call("GET", "/v1.0/me/drive/root:/Big:", nil, 200)["id"].(string)+"/createUploadSession", nil, 400) // a folder
}

// TestUploadSessionFragmentRules: fragment sizes (320 KiB multiples, 60
// MiB at most), overlaps and gaps (416), a changed total, a malformed
// Content-Range, and the Authorization header, which the URL refuses.
func TestUploadSessionFragmentRules(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	content := patterned(3 * fragUnit)
	s := newSession(t, e, d, "root:/rules.bin:/createUploadSession", nil)

	code, out := s.send("PUT", content[:fragUnit], map[string]string{
		"Content-Range": fmt.Sprintf("bytes 0-%d/%d", fragUnit-1, len(content)), "Authorization": d.tok})
	if code != 401 || !strings.Contains(fmt.Sprint(out), "without an Authorization header") {
		t.Errorf("a fragment with the Graph token: %d %v", code, out)
	}
	if code, _ := s.send("GET", nil, map[string]string{"Authorization": d.tok}); code != 401 {
		t.Errorf("status with the Graph token: %d", code)
	}
	if code, out := s.put(content, 0, 1000); code != 400 || !strings.Contains(fmt.Sprint(out), "320 KiB") {
		t.Errorf("a first fragment of 1001 bytes: %d %v", code, out)
	}
	big := fmt.Sprintf("bytes 0-%d/%d", 61<<20-1, 200<<20)
	if code, out := s.send("PUT", []byte("x"), map[string]string{"Content-Range": big}); code != 413 || !strings.Contains(fmt.Sprint(out), "60 MiB") {
		t.Errorf("a fragment of 61 MiB: %d %v", code, out)
	}
	if code, _ := s.send("PUT", []byte("x"), map[string]string{"Content-Range": "bytes=0-0/1"}); code != 400 {
		t.Errorf("a malformed Content-Range: %d", code)
	}
	if code, out := s.put(content, fragUnit, 2*fragUnit-1); code != 416 || errCode(out) != "invalidRange" || !strings.Contains(fmt.Sprint(out), "out of order") {
		t.Errorf("a fragment past a gap: %d %v", code, out)
	}
	if code, _ := s.put(content, 0, fragUnit-1); code != 202 {
		t.Fatalf("first fragment: %d", code)
	}
	if code, out := s.put(content, 0, 2*fragUnit-1); code != 416 || errCode(out) != "invalidRange" || !strings.Contains(fmt.Sprint(out), "overlaps") {
		t.Errorf("an overlapping fragment: %d %v", code, out)
	}
	other := fmt.Sprintf("bytes %d-%d/%d", fragUnit, 2*fragUnit-1, 5*fragUnit)
	if code, out := s.send("PUT", content[fragUnit:2*fragUnit], map[string]string{"Content-Range": other}); code != 400 || !strings.Contains(fmt.Sprint(out), "declares a total") {
		t.Errorf("another total: %d %v", code, out)
	}
	if code, out := s.send("GET", nil, nil); code != 200 || ranges(out) != fmt.Sprintf("%d-%d", fragUnit, len(content)-1) {
		t.Errorf("refused fragments changed the session: %d %v", code, out)
	}
	if code, _ := s.send("POST", nil, nil); code != 405 {
		t.Errorf("POST to the upload URL: %d", code)
	}
	forged := strings.Replace(s.url, "tempauth=", "tempauth=x", 1)
	if r, err := e.c.Get(forged); err != nil || r.StatusCode != 404 {
		t.Errorf("a forged upload URL: %v %v", r, err)
	}
	u, _ := url.Parse(s.url)
	tok := u.Query().Get("tempauth")
	if tok == "" || strings.Contains(u.Path, tok) {
		t.Fatalf("upload URL %s: want its token in the query (tempauth), not in the path", s.url)
	}
	withAuth := 0
	for _, entry := range e.s.Requests() {
		if strings.HasPrefix(entry.Path, "/_upload/") {
			if strings.Contains(entry.Path, tok) || !slices.Equal(entry.Query, []string{"tempauth"}) {
				t.Errorf("the request log keeps an upload URL's token: %s %v", entry.Path, entry.Query)
			}
			if len(entry.Headers["Authorization"]) > 0 {
				withAuth++
			}
		}
	}
	if withAuth != 2 {
		t.Errorf("%d upload requests logged with Authorization, want the 2 refused", withAuth)
	}
}

// TestUploadSessionResumeAfterLostAnswer: a fragment sent again because its
// answer was lost is refused as an overlap (416, as Graph does); GET on the
// URL gives the range to continue from, and the upload completes.
func TestUploadSessionResumeAfterLostAnswer(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	content := patterned(3*fragUnit + 7)
	s := newSession(t, e, d, "root:/resume.bin:/createUploadSession", nil)
	s.put(content, 0, fragUnit-1)
	s.put(content, fragUnit, 2*fragUnit-1) // its answer "lost"
	if code, out := s.put(content, fragUnit, 2*fragUnit-1); code != 416 || errCode(out) != "invalidRange" {
		t.Fatalf("the fragment sent again: %d %v", code, out)
	}
	_, st := s.send("GET", nil, nil)
	var next int
	fmt.Sscanf(ranges(st), "%d-", &next)
	if next != 2*fragUnit {
		t.Fatalf("status after the lost answer: %v", st)
	}
	if code, _ := s.put(content, next, 3*fragUnit-1); code != 202 {
		t.Fatalf("resumed fragment: %d", code)
	}
	code, item := s.put(content, 3*fragUnit, len(content)-1)
	if code != 201 {
		t.Fatalf("last fragment: %d %v", code, item)
	}
	if got := d.download(item["id"].(string)); !bytes.Equal(got, content) {
		t.Errorf("resumed upload downloads %d bytes, want %d identical", len(got), len(content))
	}
}

// TestUploadSessionCancelExpireConflict: DELETE cancels (204) and frees the
// part file; a session past its expiry by the sandbox's clock is gone (404)
// and so are its bytes; the conflict behaviour is applied when the session
// is made and again at its last fragment.
func TestUploadSessionCancelExpireConflict(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	content := patterned(fragUnit + 10)
	parts := func() int {
		dir, err := e.s.kit.Files()
		if err != nil {
			t.Fatal(err)
		}
		entries, _ := os.ReadDir(filepath.Join(dir, "uploads"))
		return len(entries)
	}

	s := newSession(t, e, d, "root:/cancel.bin:/createUploadSession", nil)
	s.put(content, 0, fragUnit-1)
	if parts() != 1 {
		t.Fatalf("%d part files, want 1", parts())
	}
	if code, _ := s.send("DELETE", nil, nil); code != 204 {
		t.Errorf("DELETE: %d", code)
	}
	if parts() != 0 {
		t.Errorf("a cancelled session keeps %d part files", parts())
	}
	if code, out := s.put(content, fragUnit, len(content)-1); code != 404 || errCode(out) != "itemNotFound" {
		t.Errorf("a fragment after DELETE: %d %v", code, out)
	}

	s = newSession(t, e, d, "root:/expire.bin:/createUploadSession", nil)
	s.put(content, 0, fragUnit-1)
	e.clock.Advance(6 * 24 * time.Hour) // a fragment extends the session
	if code, _ := s.send("GET", nil, nil); code != 200 {
		t.Fatalf("a session 6 days old: %d", code)
	}
	e.clock.Advance(2 * 24 * time.Hour)
	if code, out := s.put(content, fragUnit, len(content)-1); code != 404 || !strings.Contains(fmt.Sprint(out), "expired") {
		t.Errorf("a fragment of an expired session: %d %v", code, out)
	}
	if parts() != 0 {
		t.Errorf("an expired session keeps %d part files", parts())
	}
	d = newDriveClient(t, e) // Adele's token expired with the clock
	d.call("GET", "/v1.0/me/drive/root:/expire.bin:", nil, 404)

	// conflicts: fail refuses a taken name at once; a name taken during the
	// session fails its last fragment; rename and replace apply at the end
	d.call("POST", "/v1.0/me/drive/root:/Welcome.md:/createUploadSession",
		map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": "fail"}}, 409)
	d.call("POST", "/v1.0/me/drive/root:/Welcome.md:/createUploadSession",
		map[string]any{"item": map[string]any{"name": "Other.md"}}, 400)
	s = newSession(t, e, d, "root:/late.txt:/createUploadSession", nil) // fail by default
	d.call("PUT", "/v1.0/me/drive/root:/late.txt:/content", []byte("first"), 201)
	if code, out := s.put([]byte("second"), 0, 5); code != 409 || errCode(out) != "nameAlreadyExists" {
		t.Errorf("a name taken during the session: %d %v", code, out)
	}
	s = newSession(t, e, d, "root:/late.txt:/createUploadSession",
		map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": "rename"}})
	if code, item := s.put([]byte("third"), 0, 4); code != 201 || item["name"] != "late 1.txt" {
		t.Errorf("rename: %d %v", code, item)
	}
	s = newSession(t, e, d, "root:/late.txt:/createUploadSession",
		map[string]any{"item": map[string]any{"@microsoft.graph.conflictBehavior": "replace"}})
	code, item := s.put([]byte("fourth"), 0, 5)
	if code != 200 || item["size"].(float64) != 6 {
		t.Fatalf("replace: %d %v", code, item)
	}

	// If-Match is checked when the session is made and at its last fragment
	id, etag := item["id"].(string), item["eTag"].(string)
	hdr := map[string]string{"Authorization": d.tok, "If-Match": `"{stale},1"`}
	if r := e.do("POST", "/v1.0/me/drive/items/"+id+"/createUploadSession", nil, hdr, nil); r.StatusCode != 412 {
		t.Errorf("a stale If-Match: %d", r.StatusCode)
	}
	hdr["If-Match"] = etag
	var sess map[string]any
	if r := e.do("POST", "/v1.0/me/drive/items/"+id+"/createUploadSession", nil, hdr, &sess); r.StatusCode != 200 {
		t.Fatalf("If-Match of the current eTag: %d", r.StatusCode)
	}
	d.call("PATCH", "/v1.0/me/drive/items/"+id, map[string]any{"description": "changed meanwhile"}, 200)
	s = &uploadSession{t: t, e: e, url: sess["uploadUrl"].(string)}
	if code, out := s.put([]byte("fifth"), 0, 4); code != 412 {
		t.Errorf("the file changed during the session: %d %v", code, out)
	}
}

// TestUploadSessionAcrossRestart: a session's committed file is in the
// state (journaled like any drive write, its bytes under files/); a session
// still open when the sandbox stops is gone after the restart (404, so the
// client starts over) and its part file is removed with the next session.
func TestUploadSessionAcrossRestart(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state")
	run := func() *env {
		s, err := New(Options{PlainHTTP: true, StateDir: state, SigningKey: testkey.RSA(t)})
		if err != nil {
			t.Fatal(err)
		}
		if err := s.Start("127.0.0.1:0"); err != nil {
			t.Fatal(err)
		}
		return &env{t: t, s: s, clock: newClock(), c: s.Client(), base: s.URL()}
	}
	e := run()
	d := newDriveClient(t, e)
	content := patterned(fragUnit + 99)
	s := newSession(t, e, d, "root:/kept.bin:/createUploadSession", nil)
	s.put(content, 0, fragUnit-1)
	_, item := s.put(content, fragUnit, len(content)-1)
	open := newSession(t, e, d, "root:/open.bin:/createUploadSession", nil)
	open.put(content, 0, fragUnit-1)
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := run()
	defer e2.s.Close()
	d2 := newDriveClient(t, e2)
	if got := d2.download(item["id"].(string)); !bytes.Equal(got, content) {
		t.Errorf("the committed file after a restart: %d bytes", len(got))
	}
	open.e = e2
	open.url = strings.Replace(open.url, e.base[strings.LastIndex(e.base, ":"):], e2.base[strings.LastIndex(e2.base, ":"):], 1)
	if code, out := open.send("GET", nil, nil); code != 404 || errCode(out) != "itemNotFound" {
		t.Errorf("a session of the stopped sandbox: %d %v", code, out)
	}
	newSession(t, e2, d2, "root:/next.bin:/createUploadSession", nil)
	if entries, _ := os.ReadDir(filepath.Join(state, "files", "uploads")); len(entries) != 0 {
		t.Errorf("%d part files left from the stopped sandbox", len(entries))
	}
}
