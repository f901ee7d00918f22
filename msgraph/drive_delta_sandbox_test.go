package msgraph

import (
	"bytes"
	"image"
	_ "image/jpeg"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxDriveDelta: Delta lists the drive in a first round, then only
// what changed since its deltaLink (a deleted item with Deleted set);
// "latest" starts from now, against the sandbox.
func TestSandboxDriveDelta(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	all, linkResp, err := c.Drive.Delta(ctx, MyDrive, &DeltaOptions{PageSize: 3, Select: []string{"id", "name", "deleted", "parentReference"}})
	link := deltaLinkOf(linkResp)
	if err != nil || len(all) < 10 || all[0].Name != "root" || !strings.Contains(link, "token=") {
		t.Fatalf("first round: %d items, link %q: %v", len(all), link, err)
	}
	if _, _, err := c.Drive.Upload(ctx, MyDrive, "", "delta.txt", strings.NewReader("d"), 1, nil); err != nil {
		t.Fatal(err)
	}
	welcome, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Welcome.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := c.Drive.DeleteItem(ctx, MyDrive, welcome.ID); err != nil {
		t.Fatal(err)
	}
	changed, link2Resp, err := c.Drive.Delta(ctx, MyDrive, &DeltaOptions{Link: link})
	link2 := deltaLinkOf(link2Resp)
	if err != nil || len(changed) != 2 || link2 == "" {
		t.Fatalf("second round: %+v %v", changed, err)
	}
	for _, it := range changed {
		switch {
		case it.ID == welcome.ID:
			if it.Deleted == nil || it.Deleted.State != "deleted" {
				t.Errorf("deleted file: %+v", it)
			}
		case it.Name == "delta.txt":
			if it.Deleted != nil || it.ParentReference.ID != all[0].ID || it.Size != 0 { // the link keeps the first round's $select
				t.Errorf("new file: %+v", it)
			}
		default:
			t.Errorf("unexpected change %+v", it)
		}
	}
	latest, link3Resp, err := c.Drive.Delta(ctx, DriveByID(welcome.ParentReference.DriveID), &DeltaOptions{Link: "latest"})
	link3 := deltaLinkOf(link3Resp)
	if err != nil || len(latest) != 0 || link3 == "" {
		t.Errorf("latest: %+v %q %v", latest, link3, err)
	}
}

// TestSandboxDriveVersions: ListVersions, ListVersionsIter, GetVersion,
// DownloadVersion and RestoreVersion, against the sandbox; version
// downloads never carry the Graph token.
func TestSandboxDriveVersions(t *testing.T) {
	c, s, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	f, _, err := c.Drive.Upload(ctx, MyDrive, "", "v.txt", strings.NewReader("first"), 5, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Drive.Upload(ctx, MyDrive, "", "v.txt", strings.NewReader("second!"), 7, nil); err != nil {
		t.Fatal(err)
	}
	vs, resp, err := c.Drive.ListVersions(ctx, MyDrive, f.ID, nil)
	if err != nil || len(vs) != 2 || vs[0].ID != "2.0" || vs[1].ID != "1.0" || vs[1].Size != 5 || resp.RequestID == "" {
		t.Fatalf("ListVersions: %+v %v", vs, err)
	}
	var ids []string
	for v, err := range c.Drive.ListVersionsIter(ctx, MyDrive, f.ID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		ids = append(ids, v.ID)
	}
	if strings.Join(ids, ",") != "2.0,1.0" {
		t.Errorf("ListVersionsIter: %v", ids)
	}
	if v, _, err := c.Drive.GetVersion(ctx, MyDrive, f.ID, "1.0"); err != nil || v.Size != 5 || v.LastModifiedDateTime.IsZero() {
		t.Errorf("GetVersion: %+v %v", v, err)
	}
	var buf bytes.Buffer
	if resp, err := c.Drive.DownloadVersion(ctx, MyDrive, f.ID, "1.0", &buf); err != nil || resp.Written != 5 || buf.String() != "first" {
		t.Errorf("DownloadVersion: %d %q %v", written(resp), buf.String(), err)
	}
	if _, err := c.Drive.RestoreVersion(ctx, MyDrive, f.ID, "1.0"); err != nil {
		t.Fatal(err)
	}
	buf.Reset()
	if _, err := c.Drive.Download(ctx, MyDrive, f.ID, &buf, nil); err != nil || buf.String() != "first" {
		t.Errorf("after RestoreVersion: %q %v", buf.String(), err)
	}
	if _, _, err := c.Drive.GetVersion(ctx, MyDrive, f.ID, "9.0"); !IsNotFound(err) {
		t.Errorf("GetVersion(9.0): %v", err)
	}
	noTokenToContent(t, s)
}

// TestSandboxDriveThumbnails: ListThumbnails of the seeded picture and of a
// text file, and DownloadThumbnail (a JPEG of the small size), against the
// sandbox.
func TestSandboxDriveThumbnails(t *testing.T) {
	c, s, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	pic, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Pictures/Team offsite.png", nil)
	if err != nil {
		t.Fatal(err)
	}
	sets, _, err := c.Drive.ListThumbnails(ctx, MyDrive, pic.ID, nil)
	if err != nil || len(sets) != 1 || sets[0].ID != "0" || sets[0].Small == nil || sets[0].Small.Width != 96 || sets[0].Large == nil {
		t.Fatalf("ListThumbnails: %+v %v", sets, err)
	}
	n := 0
	for range c.Drive.ListThumbnailsIter(ctx, MyDrive, pic.ID, nil) {
		n++
	}
	if n != 1 {
		t.Errorf("ListThumbnailsIter: %d sets", n)
	}
	var buf bytes.Buffer
	if _, err := c.Drive.DownloadThumbnail(ctx, MyDrive, pic.ID, "0", ThumbnailSmall, &buf); err != nil {
		t.Fatal(err)
	}
	if img, format, err := image.Decode(&buf); err != nil || format != "jpeg" || img.Bounds().Dx() != 96 {
		t.Errorf("small thumbnail: %s %v", format, err)
	}
	welcome, _, _ := c.Drive.GetItemByPath(ctx, MyDrive, "Welcome.md", nil)
	if sets, _, err := c.Drive.ListThumbnails(ctx, MyDrive, welcome.ID, nil); err != nil || len(sets) != 0 {
		t.Errorf("thumbnails of a text file: %+v %v", sets, err)
	}
	noTokenToContent(t, s)
}

// TestSandboxDriveDownloadPDF: Download with Format "pdf" gets a PDF of a
// type Graph converts, and Graph's 406 for one it does not, against the
// sandbox.
func TestSandboxDriveDownloadPDF(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	f, _, err := c.Drive.Upload(ctx, MyDrive, "", "totals.csv", strings.NewReader("region,total\nnorth,12\n"), 22, nil)
	if err != nil {
		t.Fatal(err)
	}
	var buf bytes.Buffer
	if _, err := c.Drive.Download(ctx, MyDrive, f.ID, &buf, &DownloadOptions{Format: "pdf"}); err != nil || !bytes.HasPrefix(buf.Bytes(), []byte("%PDF-")) || !bytes.Contains(buf.Bytes(), []byte("north,12")) {
		t.Errorf("Download pdf: %v %.200s", err, buf.Bytes())
	}
	welcome, _, _ := c.Drive.GetItemByPath(ctx, MyDrive, "Welcome.md", nil)
	if _, err := c.Drive.Download(ctx, MyDrive, welcome.ID, &buf, &DownloadOptions{Format: "pdf"}); StatusCode(err) != 406 {
		t.Errorf("Download pdf of a .md file: %v, want Graph's 406", err)
	}
}

// TestSandboxDriveCopyConflict: CopyItem's ConflictBehavior goes in the
// query: fail makes the copy fail (WaitCopy's error names
// nameAlreadyExists), rename gives the copy another name, replace replaces
// the file, against the sandbox.
func TestSandboxDriveCopyConflict(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	plan, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Projects/Launch/Plan.md", nil)
	if err != nil {
		t.Fatal(err)
	}
	to := ItemReference{Path: "/drive/root:/Projects/Launch"}
	monSt, _, err := c.Drive.CopyItem(ctx, MyDrive, plan.ID, to, &CopyOptions{ConflictBehavior: ConflictFail})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Drive.WaitCopy(ctx, monSt.MonitorURL, nil); err == nil || !strings.Contains(err.Error(), "nameAlreadyExists") {
		t.Errorf("copy onto a taken name: %v, want a failure naming nameAlreadyExists", err)
	}
	monSt, _, err = c.Drive.CopyItem(ctx, MyDrive, plan.ID, to, &CopyOptions{ConflictBehavior: ConflictRename})
	if err != nil {
		t.Fatal(err)
	}
	idSt, _, err := c.Drive.WaitCopy(ctx, monSt.MonitorURL, nil)
	if err != nil {
		t.Fatal(err)
	}
	id := idSt.ResourceID
	if got, _, gerr := c.Drive.GetItem(ctx, MyDrive, id, nil); err != nil || gerr != nil || got.Name != "Plan 1.md" {
		t.Errorf("renamed copy: %+v %v %v", got, err, gerr)
	}
	monSt, _, err = c.Drive.CopyItem(ctx, MyDrive, plan.ID, to, &CopyOptions{Name: "Plan 1.md", ConflictBehavior: ConflictReplace})
	if err != nil {
		t.Fatal(err)
	}
	if id2St, _, err := c.Drive.WaitCopy(ctx, monSt.MonitorURL, nil); err != nil || id2St.ResourceID == id {
		t.Errorf("replacing copy: %+v %v (the replaced one was %s)", id2St, err, id)
	}
	if _, _, err := c.Drive.GetItem(ctx, MyDrive, id, nil); !IsNotFound(err) {
		t.Errorf("the replaced copy: %v, want it gone", err)
	}
}

// noTokenToContent fails t when a request to a pre-authenticated download
// URL carried the Graph token, and when none reached one.
func noTokenToContent(t *testing.T, s *sandbox.Server) {
	t.Helper()
	n := 0
	for _, entry := range s.Requests() {
		if strings.HasPrefix(entry.Path, "/_content/") {
			n++
			if len(entry.Headers["Authorization"]) > 0 {
				t.Errorf("the client sent its Graph token to a download URL: %s %s", entry.Method, entry.Path)
			}
		}
	}
	if n == 0 {
		t.Error("no request reached a download URL")
	}
}
