package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"path/filepath"
	"slices"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/internal/testkey"
)

// driveClient is Adele signed in with Files.ReadWrite against e.
type driveClient struct {
	t   *testing.T
	e   *env
	tok string
}

func newDriveClient(t *testing.T, e *env) *driveClient {
	u := adele()
	return &driveClient{t: t, e: e, tok: "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "User.Read Files.ReadWrite")}
}

// call sends a request with Adele's token; body is JSON unless it is []byte.
func (d *driveClient) call(method, path string, body any, want int) map[string]any {
	d.t.Helper()
	hdr := map[string]string{"Authorization": d.tok}
	var in io.Reader
	switch b := body.(type) {
	case nil:
	case []byte:
		in, hdr["Content-Type"] = bytes.NewReader(b), "text/plain"
	default:
		data, _ := json.Marshal(b)
		in, hdr["Content-Type"] = bytes.NewReader(data), "application/json"
	}
	var out map[string]any
	resp := d.e.do(method, path, in, hdr, nil)
	data, _ := io.ReadAll(resp.Body)
	if resp.StatusCode != want {
		d.t.Fatalf("%s %s: %d, want %d: %s", method, path, resp.StatusCode, want, data)
	}
	_ = json.Unmarshal(data, &out)
	return out
}

func itemNames(page map[string]any) []string {
	var out []string
	for _, v := range page["value"].([]any) {
		out = append(out, v.(map[string]any)["name"].(string))
	}
	return out
}

func folderBody(name, how string) map[string]any {
	b := map[string]any{"name": name, "folder": map[string]any{}}
	if how != "" {
		b["@microsoft.graph.conflictBehavior"] = how
	}
	return b
}

// TestDriveAddressesReachTheSameItems: the drive by /me, by user and by id,
// and an item by id, by path from the root and by path from a folder's id.
func TestDriveAddressesReachTheSameItems(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	me := d.call("GET", "/v1.0/me/drive", nil, 200)
	id := me["id"].(string)
	for _, p := range []string{"/v1.0/users/" + adele().ID + "/drive", "/v1.0/drives/" + url.PathEscape(id), "/v1.0/users/" + adele().UserPrincipalName + "/drive"} {
		if got := d.call("GET", p, nil, 200)["id"]; got != id {
			t.Errorf("GET %s: drive %v, want %s", p, got, id)
		}
	}
	if drives := d.call("GET", "/v1.0/me/drives", nil, 200)["value"].([]any); len(drives) != 1 || drives[0].(map[string]any)["id"] != id {
		t.Errorf("/me/drives: %v", drives)
	}
	if q := me["quota"].(map[string]any); q["used"].(float64) <= 0 || q["state"] != "normal" {
		t.Errorf("quota %v", q)
	}
	root := d.call("GET", "/v1.0/me/drive/root", nil, 200)
	if root["root"] == nil || root["folder"] == nil {
		t.Errorf("root: %v", root)
	}
	docs := d.call("GET", "/v1.0/me/drive/root:/Documents:", nil, 200)
	notes := d.call("GET", "/v1.0/me/drive/root:/Documents/Meeting%20notes.txt:", nil, 200)
	for _, p := range []string{
		"/v1.0/me/drive/items/" + notes["id"].(string),
		"/v1.0/drives/" + url.PathEscape(id) + "/items/" + docs["id"].(string) + ":/Meeting%20notes.txt:",
		"/v1.0/me/drive/items/" + root["id"].(string) + ":/documents/MEETING%20NOTES.TXT", // names match in any case; the closing colon is optional
		"/v1.0/me/Drive/Root:/Documents/Meeting%20notes.txt:",
		"/v1.0/me/drive/Items('" + notes["id"].(string) + "')",
	} {
		if got := d.call("GET", p, nil, 200)["id"]; got != notes["id"] {
			t.Errorf("GET %s: %v, want %v", p, got, notes["id"])
		}
	}
	if ref := notes["parentReference"].(map[string]any); ref["id"] != docs["id"] || ref["path"] != "/drive/root:/Documents" || ref["driveId"] != id {
		t.Errorf("parentReference %v", ref)
	}
	viaPath := d.call("GET", "/v1.0/me/drive/root:/Documents:/children", nil, 200)
	viaID := d.call("GET", "/v1.0/me/drive/items/"+docs["id"].(string)+"/children", nil, 200)
	if !slices.Equal(itemNames(viaPath), itemNames(viaID)) || !slices.Contains(itemNames(viaID), "Meeting notes.txt") {
		t.Errorf("children by path %v, by id %v", itemNames(viaPath), itemNames(viaID))
	}
	d.call("PUT", "/v1.0/me/drive/root:/a%2Ab/c.txt:/content", []byte("x"), 400) // "a*b" is no folder name
	d.call("GET", "/v1.0/me/drive/root:/Documents/nope.txt:", nil, 404)
	d.call("GET", "/v1.0/me/drive/items/01NOPE", nil, 404)
	d.call("GET", "/v1.0/me/drive/root/sideways", nil, 400)
}

// TestDriveChildrenPages: children come in pages continued by an opaque
// $skiptoken, in name order or $orderby's, with $select and $expand.
func TestDriveChildrenPages(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	box := d.call("POST", "/v1.0/me/drive/root/children", folderBody("Box", ""), 201)["id"].(string)
	want := []string{"a", "B", "c", "D", "e", "F", "g"}
	for _, n := range slices.Backward(want) {
		d.call("POST", "/v1.0/me/drive/items/"+box+"/children", folderBody(n, ""), 201)
	}
	var got []string
	next := "/v1.0/me/drive/items/" + box + "/children?$top=3&$select=name"
	for pages := 0; next != ""; pages++ {
		if pages > 5 {
			t.Fatal("paging does not end")
		}
		page := d.call("GET", next, nil, 200)
		got = append(got, itemNames(page)...)
		for _, v := range page["value"].([]any) {
			if _, ok := v.(map[string]any)["size"]; ok {
				t.Errorf("$select=name answered size: %v", v)
			}
		}
		next = ""
		if link, ok := page["@odata.nextLink"].(string); ok {
			u, _ := url.Parse(link)
			if u.Query().Get("$skiptoken") == "" || u.Query().Get("$skip") != "" {
				t.Errorf("nextLink %s: want an opaque $skiptoken and no $skip", link)
			}
			next = u.RequestURI()
		}
	}
	if !slices.Equal(got, want) {
		t.Errorf("pages gave %v, want %v (name order, any case)", got, want)
	}
	desc := itemNames(d.call("GET", "/v1.0/me/drive/items/"+box+"/children?$orderby=name%20desc&$top=2", nil, 200))
	if !slices.Equal(desc, []string{"g", "F"}) {
		t.Errorf("$orderby=name desc: %v", desc)
	}
	bySize := d.call("GET", "/v1.0/me/drive/root:/Documents:/children?$orderby=size%20desc", nil, 200)["value"].([]any)
	if len(bySize) < 2 || bySize[0].(map[string]any)["size"].(float64) < bySize[1].(map[string]any)["size"].(float64) {
		t.Errorf("$orderby=size desc: %v", bySize)
	}
	d.call("GET", "/v1.0/me/drive/root/children?$orderby=lastModifiedDateTime%20desc", nil, 200)
	exp := d.call("GET", "/v1.0/me/drive/items/"+box+"?$expand=children", nil, 200)
	if kids, _ := exp["children"].([]any); len(kids) != len(want) {
		t.Errorf("$expand=children: %d children, want %d", len(kids), len(want))
	}
	d.call("GET", "/v1.0/me/drive/items/"+box+"/children?$skiptoken=S1.forged!", nil, 400)
}

// TestDriveFolderConflictRenameMoveDelete: conflictBehavior fail, rename and
// replace; rename and move by PATCH; delete to the recycle bin and restore.
func TestDriveFolderConflictRenameMoveDelete(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	first := d.call("POST", "/v1.0/me/drive/root/children", folderBody("Plans", "fail"), 201)
	conflict := d.call("POST", "/v1.0/me/drive/root/children", folderBody("Plans", "fail"), 409)
	if errCode(conflict) != "nameAlreadyExists" {
		t.Errorf("fail on a taken name: %v", conflict)
	}
	if n := d.call("POST", "/v1.0/me/drive/root/children", folderBody("plans", "rename"), 201)["name"]; n != "plans 1" {
		t.Errorf("rename gave %v, want %q", n, "plans 1")
	}
	replaced := d.call("POST", "/v1.0/me/drive/root/children", folderBody("Plans", "replace"), 201)
	if replaced["id"] == first["id"] {
		t.Error("replace kept the old folder")
	}
	d.call("GET", "/v1.0/me/drive/items/"+first["id"].(string), nil, 404)

	plans := replaced["id"].(string)
	file := d.call("PUT", "/v1.0/me/drive/items/"+plans+":/draft.md:/content", []byte("# draft"), 201)["id"].(string)
	d.call("PATCH", "/v1.0/me/drive/items/"+file, map[string]any{"name": "final.md"}, 200)
	moved := d.call("PATCH", "/v1.0/me/drive/items/"+file, map[string]any{"parentReference": map[string]any{"path": "/drive/root:/Documents"}}, 200)
	if ref := moved["parentReference"].(map[string]any); ref["path"] != "/drive/root:/Documents" || moved["name"] != "final.md" {
		t.Errorf("moved: %v", moved)
	}
	d.call("GET", "/v1.0/me/drive/root:/Documents/final.md:", nil, 200)
	d.call("PATCH", "/v1.0/me/drive/items/"+plans, map[string]any{"parentReference": map[string]any{"id": plans}}, 400)
	d.call("PATCH", "/v1.0/me/drive/items/"+file, map[string]any{"name": "Meeting notes.txt"}, 409)

	d.call("DELETE", "/v1.0/me/drive/items/"+plans, nil, 204)
	d.call("GET", "/v1.0/me/drive/items/"+plans, nil, 404)
	if slices.Contains(itemNames(d.call("GET", "/v1.0/me/drive/root/children", nil, 200)), "Plans") {
		t.Error("a deleted folder is still listed")
	}
	restored := d.call("POST", "/v1.0/me/drive/items/"+plans+"/restore", nil, 200)
	if restored["name"] != "Plans" || !slices.Contains(itemNames(d.call("GET", "/v1.0/me/drive/root/children", nil, 200)), "Plans") {
		t.Errorf("restore: %v", restored)
	}
	d.call("POST", "/v1.0/me/drive/items/"+plans+"/restore", nil, 404) // not in the recycle bin any more
	quota := d.call("GET", "/v1.0/me/drive", nil, 200)["quota"].(map[string]any)
	d.call("DELETE", "/v1.0/me/drive/root:/Documents/final.md:", nil, 204)
	if after := d.call("GET", "/v1.0/me/drive", nil, 200)["quota"].(map[string]any); after["deleted"].(float64) <= quota["deleted"].(float64) {
		t.Errorf("the recycle bin did not grow: %v then %v", quota, after)
	}
}

// TestDriveContentRedirectRangeAndNoToken: content answers 302 to a URL on
// the other host name, which serves the bytes with Range and refuses a
// request that carries Authorization.
func TestDriveContentRedirectRangeAndNoToken(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	body := []byte("0123456789 the content of report.txt")
	item := d.call("PUT", "/v1.0/me/drive/root:/Reports/report.txt:/content", body, 201)
	if item["size"].(float64) != float64(len(body)) || item["file"] == nil {
		t.Fatalf("uploaded item: %v", item)
	}
	id := item["id"].(string)
	resp := e.do("GET", "/v1.0/me/drive/items/"+id+"/content", nil, map[string]string{"Authorization": d.tok}, nil)
	if resp.StatusCode != 302 {
		t.Fatalf("content: %d, want 302", resp.StatusCode)
	}
	loc, _ := url.Parse(resp.Header.Get("Location"))
	base, _ := url.Parse(e.base)
	if loc.Hostname() == base.Hostname() || loc.Port() != base.Port() || loc.Hostname() != "localhost" {
		t.Fatalf("Location %s: want the other host name (localhost) of %s", loc, base)
	}
	get := func(hdr map[string]string) (*http.Response, []byte) {
		req, _ := http.NewRequest("GET", loc.String(), nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := e.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		data, _ := io.ReadAll(resp.Body)
		return resp, data
	}
	if r, data := get(nil); r.StatusCode != 200 || !bytes.Equal(data, body) {
		t.Errorf("download: %d %q", r.StatusCode, data)
	}
	if r, data := get(map[string]string{"Range": "bytes=2-5"}); r.StatusCode != 206 || string(data) != "2345" || r.Header.Get("Content-Range") != "bytes 2-5/36" {
		t.Errorf("Range 2-5: %d %q %s", r.StatusCode, data, r.Header.Get("Content-Range"))
	}
	if r, _ := get(map[string]string{"Range": "bytes=100-"}); r.StatusCode != 416 {
		t.Errorf("Range past the end: %d, want 416", r.StatusCode)
	}
	r, data := get(map[string]string{"Authorization": d.tok})
	if r.StatusCode != 401 || !strings.Contains(string(data), "without an Authorization header") {
		t.Errorf("with the Graph token: %d %s, want 401 saying to send none", r.StatusCode, data)
	}
	tok := loc.Query().Get("tempauth")
	if tok == "" || strings.Contains(loc.Path, tok) {
		t.Fatalf("download URL %s: want its token in the query (tempauth), not in the path", loc)
	}
	var logged, withAuth int
	for _, entry := range e.s.Requests() {
		if strings.Contains(entry.Path, tok) {
			t.Errorf("the request log keeps a download URL's token: %s", entry.Path)
		}
		if strings.HasPrefix(entry.Path, "/_content/") {
			logged++
			if len(entry.Headers["Authorization"]) > 0 {
				withAuth++
			}
		}
	}
	if logged != 4 || withAuth != 1 {
		t.Errorf("request log: %d downloads, %d with Authorization; want 4 and 1", logged, withAuth)
	}
	forged := strings.Replace(loc.String(), "tempauth=", "tempauth=x", 1)
	if r, err := e.c.Get(forged); err != nil || r.StatusCode != 401 {
		t.Errorf("forged token: %v %v", r.StatusCode, err)
	}
	other := d.call("GET", "/v1.0/me/drive/root:/Welcome.md", nil, 200)["id"].(string)
	moved := strings.Replace(loc.String(), "/_content/"+id+"/", "/_content/"+other+"/", 1)
	if r, err := e.c.Get(moved); err != nil || r.StatusCode != 401 {
		t.Errorf("the token of one file on another's URL: %v %v, want 401", r.StatusCode, err)
	}
	untokened := *loc
	untokened.RawQuery = ""
	if r, err := e.c.Get(untokened.String()); err != nil || r.StatusCode != 401 {
		t.Errorf("the URL without its token: %v %v, want 401", r.StatusCode, err)
	}
	// the same URL through a 127.0.0.1 request answers on localhost, and back
	viaLocal := strings.Replace(e.base, "127.0.0.1", "localhost", 1)
	req, _ := http.NewRequest("GET", viaLocal+"/v1.0/me/drive/items/"+id+"/content", nil)
	req.Header.Set("Authorization", d.tok)
	if r, err := e.c.Do(req); err != nil || !strings.Contains(r.Header.Get("Location"), "//127.0.0.1:") {
		t.Errorf("a request to localhost redirects to %v (%v), want 127.0.0.1", r.Header.Get("Location"), err)
	}

	// new content: the old URL is for the old version
	d.call("PUT", "/v1.0/me/drive/items/"+id+"/content", []byte("v2"), 200)
	if r, _ := get(nil); r.StatusCode != 404 {
		t.Errorf("URL of replaced content: %d, want 404", r.StatusCode)
	}
	fresh := d.call("GET", "/v1.0/me/drive/items/"+id, nil, 200)["@microsoft.graph.downloadUrl"].(string)
	if r, err := e.c.Get(fresh); err != nil || r.StatusCode != 200 {
		t.Fatalf("@microsoft.graph.downloadUrl: %v %v", r, err)
	}
	d.call("GET", "/v1.0/me/drive/root:/Reports:/content", nil, 404) // a folder has none
	e.clock.Advance(2 * time.Hour)
	if r, _ := e.c.Get(fresh); r.StatusCode != 401 {
		t.Errorf("a URL past its hour: %d, want 401", r.StatusCode)
	}
}

// TestDriveSimpleUploadLimit: a body larger than Graph's simple-upload limit
// is refused before it is read.
func TestDriveSimpleUploadLimit(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	req := httptest.NewRequest("PUT", "/v1.0/me/drive/root:/big.bin:/content", strings.NewReader("x"))
	req.ContentLength = 250<<20 + 1
	req.Header.Set("Authorization", d.tok)
	rec := httptest.NewRecorder()
	e.s.Handler().ServeHTTP(rec, req)
	if rec.Code != 413 || !strings.Contains(rec.Body.String(), "upload session") {
		t.Errorf("251 MB simple upload: %d %s", rec.Code, rec.Body.String())
	}
}

// TestDriveContentOnDisk: uploaded bytes are files under the state folder
// and come back after a restart; without a state folder they go to a
// temporary folder that Close removes.
func TestDriveContentOnDisk(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	state := filepath.Join(dir, "state")
	s1, err := New(Options{PlainHTTP: true, StateDir: state, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s1.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	e := &env{t: t, s: s1, clock: newClock(), c: s1.Client(), base: s1.URL()}
	e.c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	d := newDriveClient(t, e)
	content := bytes.Repeat([]byte("kept on disk "), 1000)
	id := d.call("PUT", "/v1.0/me/drive/root:/disk.txt:/content", content, 201)["id"].(string)
	var found int
	_ = filepath.Walk(filepath.Join(state, "files"), func(p string, fi os.FileInfo, err error) error {
		if err == nil && !fi.IsDir() && fi.Size() == int64(len(content)) {
			found++
		}
		return nil
	})
	if found != 1 {
		t.Errorf("%d files of the upload's size under %s/files, want 1", found, state)
	}
	if err := s1.Close(); err != nil {
		t.Fatal(err)
	}

	s2, err := New(Options{PlainHTTP: true, StateDir: state, SigningKey: testkey.RSA(t)})
	if err != nil {
		t.Fatal(err)
	}
	if err := s2.Start("127.0.0.1:0"); err != nil {
		t.Fatal(err)
	}
	defer s2.Close()
	e2 := &env{t: t, s: s2, clock: newClock(), c: s2.Client(), base: s2.URL()}
	d2 := newDriveClient(t, e2)
	link := d2.call("GET", "/v1.0/me/drive/items/"+id, nil, 200)["@microsoft.graph.downloadUrl"].(string)
	resp, err := e2.c.Get(link)
	if err != nil {
		t.Fatal(err)
	}
	got, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !bytes.Equal(got, content) {
		t.Errorf("after a restart: %d bytes, want %d", len(got), len(content))
	}

	e3 := start(t, Options{})
	if e3.s.tempFiles != "" {
		t.Errorf("a server that stored no file made %s", e3.s.tempFiles)
	}
	newDriveClient(t, e3).call("PUT", "/v1.0/me/drive/root:/tmp.txt:/content", content, 201)
	tmp := e3.s.tempFiles
	if fi, err := os.Stat(tmp); tmp == "" || err != nil || !fi.IsDir() {
		t.Fatalf("no temporary content folder %q: %v", tmp, err)
	}
	_ = e3.s.Close()
	if _, err := os.Stat(tmp); !os.IsNotExist(err) {
		t.Errorf("Close left %s behind (%v)", tmp, err)
	}
}

// TestDriveSeed: every user's OneDrive has its folders and readable files.
func TestDriveSeed(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	root := itemNames(d.call("GET", "/v1.0/me/drive/root/children", nil, 200))
	for _, want := range []string{"Documents", "Pictures", "Projects", "Welcome.md"} {
		if !slices.Contains(root, want) {
			t.Errorf("root %v lacks %s", root, want)
		}
	}
	plan := d.call("GET", "/v1.0/me/drive/root:/Projects/Launch/Plan.md:", nil, 200)
	resp, err := e.c.Get(plan["@microsoft.graph.downloadUrl"].(string))
	if err != nil {
		t.Fatal(err)
	}
	data, _ := io.ReadAll(resp.Body)
	resp.Body.Close()
	if !strings.HasPrefix(string(data), "# Launch plan") || resp.Header.Get("Content-Type") != "text/markdown" {
		t.Errorf("Plan.md: %s %q", resp.Header.Get("Content-Type"), data)
	}
	app := "Bearer " + e.appToken()
	resp = e.do("GET", "/v1.0/users/"+MeganBowenID+"/drive/root:/Documents:/children", nil, map[string]string{"Authorization": app}, nil)
	if resp.StatusCode != 200 {
		t.Errorf("Megan's Documents by the app: %d", resp.StatusCode)
	}
}

// TestDrivePathsKeepTheirCase: a path segment that spells a route's literal
// ("Contacts", "Calendar") is a name the client chose, kept as sent.
func TestDrivePathsKeepTheirCase(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	it := d.call("PUT", "/v1.0/me/drive/root:/Contacts/Calendar/notes.txt:/content", []byte("n"), 201)
	if p := it["parentReference"].(map[string]any)["path"]; p != "/drive/root:/Contacts/Calendar" {
		t.Errorf("created under %v, want /drive/root:/Contacts/Calendar", p)
	}
}
