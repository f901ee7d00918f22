package sandbox

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"io"
	"maps"
	"net/http"
	"net/url"
	"path/filepath"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// deltaRound follows a delta round from path through its nextLinks (pages of
// size items when size > 0) and returns its items and deltaLink (relative).
func (d *driveClient) deltaRound(path string, size int) ([]map[string]any, string) {
	d.t.Helper()
	var items []map[string]any
	for range 100 {
		hdr := map[string]string{"Authorization": d.tok}
		if size > 0 {
			hdr["Prefer"] = "odata.maxpagesize=" + strconv.Itoa(size)
		}
		var page struct {
			Value []map[string]any `json:"value"`
			Next  string           `json:"@odata.nextLink"`
			Delta string           `json:"@odata.deltaLink"`
		}
		resp := d.e.do("GET", path, nil, hdr, &page)
		if resp.StatusCode != 200 {
			d.t.Fatalf("GET %s: %d %s", path, resp.StatusCode, body(resp))
		}
		if size > 0 && len(page.Value) > size {
			d.t.Fatalf("a page of %d items, asked for %d", len(page.Value), size)
		}
		items = append(items, page.Value...)
		link := page.Next
		if link == "" {
			if !strings.Contains(page.Delta, "/root/delta?") || !strings.Contains(page.Delta, "token=") {
				d.t.Fatalf("deltaLink %q: want .../root/delta?token=...", page.Delta)
			}
			return items, strings.TrimPrefix(page.Delta, d.e.base)
		}
		path = strings.TrimPrefix(link, d.e.base)
	}
	d.t.Fatal("a delta round of more than 100 pages")
	return nil, ""
}

// byName indexes delta items by name, deleted ones (which OneDrive for
// Business reports without their name) as "-" and the name names gives
// their id.
func byName(items []map[string]any, names map[string]string) map[string]map[string]any {
	out := map[string]map[string]any{}
	for _, it := range items {
		name, _ := it["name"].(string)
		if it["deleted"] != nil {
			name = "-" + names[it["id"].(string)]
		}
		out[name] = it
	}
	return out
}

// TestDriveDelta: a first round lists the whole drive, root first and every
// folder before what is in it, in pages that follow nextLinks; the next
// round reports what changed since (created, renamed, replaced content, and
// deleted items, a folder's with everything in it, with the deleted facet);
// token=latest starts from now; $select travels in the links; delta below
// the root is refused as OneDrive for Business refuses it.
func TestDriveDelta(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	first, link := d.deltaRound("/v1.0/me/drive/root/delta", 4)
	if len(first) < 10 || first[0]["root"] == nil {
		t.Fatalf("first round: %d items, the first %v; want the whole drive from its root", len(first), first[0])
	}
	seen, names := map[string]bool{}, map[string]string{}
	for _, it := range first {
		names[it["id"].(string)] = it["name"].(string)
		if p := it["parentReference"]; p != nil && p.(map[string]any)["path"] != nil || it["cTag"] != nil {
			t.Errorf("%v: delta gives no parentReference.path nor cTag (OneDrive for Business leaves them out)", it)
		}
		if p, _ := it["parentReference"].(map[string]any)["id"].(string); p != "" && !seen[p] {
			t.Errorf("%v comes before its folder %s", it["name"], p)
		}
		seen[it["id"].(string)] = true
	}

	d.call("POST", "/v1.0/me/drive/root/children", folderBody("Delta", ""), 201)
	d.call("PUT", "/v1.0/me/drive/root:/Delta/new.txt:/content", []byte("new"), 201)
	d.call("PATCH", "/v1.0/me/drive/root:/Welcome.md:", map[string]any{"name": "Hello.md"}, 200)
	d.call("PUT", "/v1.0/me/drive/root:/Documents/Meeting notes.txt:/content", []byte("changed"), 200)
	d.call("DELETE", "/v1.0/me/drive/root:/Projects/Launch:", nil, 204)
	next, link2 := d.deltaRound(link, 0)
	got := byName(next, names)
	for _, name := range []string{"Delta", "new.txt", "Hello.md", "Meeting notes.txt", "-Launch", "-Plan.md", "-Checklist.txt"} {
		if got[name] == nil {
			t.Errorf("second round lacks %s: %v", name, slices.Collect(maps.Keys(got)))
		}
	}
	if del := got["-Launch"]; del != nil && del["deleted"].(map[string]any)["state"] != "deleted" {
		t.Errorf("deleted folder: %v", del)
	}
	if len(next) != 7 {
		t.Errorf("second round: %d items, want the 7 changed: %v", len(next), slices.Collect(maps.Keys(got)))
	}
	if again, _ := d.deltaRound(link2, 0); len(again) != 0 {
		t.Errorf("a round with nothing changed: %d items", len(again))
	}

	latest := d.call("GET", "/v1.0/me/drive/root/delta?token=latest", nil, 200)
	if v := latest["value"].([]any); len(v) != 0 || latest["@odata.deltaLink"] == nil {
		t.Errorf("token=latest: %v", latest)
	}
	d.call("POST", "/v1.0/me/drive/items/"+got["-Launch"]["id"].(string)+"/restore", nil, 200)
	restored, _ := d.deltaRound(strings.TrimPrefix(latest["@odata.deltaLink"].(string), e.base), 0)
	if names := byName(restored, names); len(restored) != 3 || names["Launch"] == nil || names["Plan.md"] == nil {
		t.Errorf("after a folder's restore: %v, want it and the two files in it", slices.Collect(maps.Keys(names)))
	}

	sel, _ := d.deltaRound("/v1.0/me/drive/root/delta?$select=id,name", 3)
	for _, it := range sel {
		if len(it) != 2 && it["@odata.type"] == nil {
			t.Errorf("$select=id,name: %v", it)
			break
		}
	}
	d.call("GET", "/v1.0/me/drive/root:/Documents:/delta", nil, 400)
	var gone map[string]any
	resp := e.do("GET", "/v1.0/me/drive/root/delta?token=forged&$select=id", nil, map[string]string{"Authorization": d.tok}, &gone)
	if resp.StatusCode != 410 || errCode(gone) != "resyncChangesApplyDifferences" || resp.Header.Get("Location") != e.base+"/v1.0/me/drive/root/delta?$select=id" {
		t.Errorf("a forged token: %d, Location %q", resp.StatusCode, resp.Header.Get("Location"))
	}
	since := d.call("GET", "/v1.0/me/drive/root/delta?token="+url.QueryEscape(e.clock.Now().Add(-time.Minute).UTC().Format(time.RFC3339)), nil, 200)
	if v := since["value"].([]any); len(v) < 3 {
		t.Errorf("token=<a minute ago>: %d items, want what changed in this test", len(v))
	}
	fn := d.call("GET", "/v1.0/me/drive/root/delta(token='latest')", nil, 200)
	if fn["@odata.deltaLink"] == nil {
		t.Errorf("delta(token='latest'): %v", fn)
	}
}

// TestDriveDeltaAfterRestart: a deltaLink taken before a restart with a
// state folder still works after it, and reports what changed since.
func TestDriveDeltaAfterRestart(t *testing.T) {
	t.Parallel()
	state := filepath.Join(t.TempDir(), "state")
	e1 := start(t, Options{StateDir: state, PlainHTTP: true})
	d1 := newDriveClient(t, e1)
	before := d1.call("PUT", "/v1.0/me/drive/root:/before.txt:/content", []byte("before"), 201)["id"].(string)
	_, link := d1.deltaRound("/v1.0/me/drive/root/delta", 0)
	d1.call("DELETE", "/v1.0/me/drive/root:/before.txt:", nil, 204)
	if err := e1.s.Close(); err != nil {
		t.Fatal(err)
	}

	e2 := start(t, Options{StateDir: state, PlainHTTP: true})
	d2 := newDriveClient(t, e2)
	d2.call("PUT", "/v1.0/me/drive/root:/after.txt:/content", []byte("after"), 201)
	items, _ := d2.deltaRound(link, 0)
	got := byName(items, map[string]string{before: "before.txt"})
	if len(items) != 2 || got["-before.txt"] == nil || got["after.txt"] == nil {
		t.Errorf("after a restart: %v, want before.txt deleted and after.txt", slices.Collect(maps.Keys(got)))
	}
}

// follow fetches a 302's Location without a token and returns its bytes.
func (d *driveClient) follow(path string) ([]byte, http.Header) {
	d.t.Helper()
	resp := d.e.do("GET", path, nil, map[string]string{"Authorization": d.tok}, nil)
	if resp.StatusCode != 302 {
		d.t.Fatalf("GET %s: %d, want 302: %s", path, resp.StatusCode, body(resp))
	}
	got, err := d.e.c.Get(resp.Header.Get("Location"))
	if err != nil {
		d.t.Fatal(err)
	}
	defer got.Body.Close()
	data, _ := io.ReadAll(got.Body)
	if got.StatusCode != 200 {
		d.t.Fatalf("GET %s: %d %s", resp.Header.Get("Location"), got.StatusCode, data)
	}
	return data, got.Header
}

// TestDriveVersions: every content change keeps the content it replaces as
// a version; versions are listed newest first with the current one, each
// downloads its own bytes, and restoreVersion makes one current again.
func TestDriveVersions(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	id := d.call("PUT", "/v1.0/me/drive/root:/v.txt:/content", []byte("one"), 201)["id"].(string)
	d.call("PUT", "/v1.0/me/drive/items/"+id+"/content", []byte("two"), 200)
	d.call("PUT", "/v1.0/me/drive/items/"+id+"/content", []byte("three"), 200)
	base := "/v1.0/me/drive/items/" + id + "/versions"
	if ids := versionIDs(d.call("GET", base, nil, 200)); strings.Join(ids, ",") != "3.0,2.0,1.0" {
		t.Fatalf("versions %v, want 3.0,2.0,1.0", ids)
	}
	if v := d.call("GET", base+"/1.0", nil, 200); v["size"] != 3.0 {
		t.Errorf("version 1.0: %v", v)
	}
	for id, want := range map[string]string{"1.0": "one", "2.0": "two", "3.0": "three"} {
		if got, _ := d.follow(base + "/" + id + "/content"); string(got) != want {
			t.Errorf("version %s: %q, want %q", id, got, want)
		}
	}
	d.call("GET", base+"/9.0", nil, 404)
	d.call("POST", base+"/1.0/restoreVersion", nil, 204)
	if got, _ := d.follow("/v1.0/me/drive/items/" + id + "/content"); string(got) != "one" {
		t.Errorf("after restoring 1.0: %q", got)
	}
	if ids := versionIDs(d.call("GET", base, nil, 200)); strings.Join(ids, ",") != "4.0,3.0,2.0,1.0" {
		t.Errorf("versions after a restore %v", ids)
	}
}

func versionIDs(page map[string]any) []string {
	var out []string
	for _, v := range page["value"].([]any) {
		out = append(out, v.(map[string]any)["id"].(string))
	}
	return out
}

// TestDriveThumbnails: the seeded picture has one thumbnail set whose
// sizes are real JPEGs scaled from it; a text file has none.
func TestDriveThumbnails(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	pic := "/v1.0/me/drive/root:/Pictures/Team offsite.png:"
	sets := d.call("GET", pic+"/thumbnails", nil, 200)["value"].([]any)
	if len(sets) != 1 {
		t.Fatalf("thumbnails of a picture: %v", sets)
	}
	small := sets[0].(map[string]any)["small"].(map[string]any)
	if small["width"] != 96.0 || small["height"] != 72.0 {
		t.Errorf("small thumbnail of 320×240: %v", small)
	}
	data, hdr := d.follow(pic + "/thumbnails/0/small/content")
	img, format, err := image.Decode(bytes.NewReader(data))
	if err != nil || format != "jpeg" || hdr.Get("Content-Type") != "image/jpeg" || img.Bounds().Dx() != 96 || img.Bounds().Dy() != 72 {
		t.Errorf("small thumbnail: %v %s %v", err, format, hdr.Get("Content-Type"))
	}
	if got := d.call("GET", pic+"/thumbnails/0/large", nil, 200); got["width"] != 320.0 {
		t.Errorf("large thumbnail of a 320 px picture: %v", got)
	}
	if v := d.call("GET", "/v1.0/me/drive/root:/Welcome.md:/thumbnails", nil, 200)["value"].([]any); len(v) != 0 {
		t.Errorf("thumbnails of a text file: %v", v)
	}
	d.call("GET", pic+"/thumbnails/1", nil, 404)
}

// TestDriveConvertPDF: content?format=pdf of a type Graph converts is a PDF
// with the file's name (and a CSV's first lines); other types are 406.
func TestDriveConvertPDF(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	d.call("PUT", "/v1.0/me/drive/root:/prices.csv:/content", []byte("item,price\napples,3\n"), 201)
	d.call("PUT", "/v1.0/me/drive/root:/Report.docx:/content", []byte("PK not really a document"), 201)
	pdf, hdr := d.follow("/v1.0/me/drive/root:/prices.csv:/content?format=pdf")
	if !bytes.HasPrefix(pdf, []byte("%PDF-1.")) || !bytes.HasSuffix(pdf, []byte("%%EOF\n")) || !bytes.Contains(pdf, []byte("(apples,3)")) || hdr.Get("Content-Type") != "application/pdf" {
		t.Errorf("prices.csv as PDF (%s): %s", hdr.Get("Content-Type"), pdf)
	}
	if pdf, _ := d.follow("/v1.0/me/drive/root:/Report.docx:/content?format=pdf"); !bytes.Contains(pdf, []byte("(Report.docx)")) {
		t.Errorf("Report.docx as PDF: %s", pdf)
	}
	for _, p := range []string{"/v1.0/me/drive/root:/Welcome.md:/content?format=pdf", "/v1.0/me/drive/root:/Report.docx:/content?format=glb"} {
		if out := d.call("GET", p, nil, 406); errCode(out) != "notSupported" {
			t.Errorf("GET %s: %v", p, out)
		}
	}
}
