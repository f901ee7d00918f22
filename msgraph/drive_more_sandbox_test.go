package msgraph

import (
	"slices"
	"strings"
	"testing"
)

// TestSandboxDriveSpecialFolders: special folders by name (made on first
// access, the same folder after), their items, and a folder's children
// decoded from $expand=children, against the sandbox.
func TestSandboxDriveSpecialFolders(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	docs, resp, err := c.Drive.GetSpecialFolder(ctx, MyDrive, SpecialDocuments, nil)
	if err != nil || docs.SpecialFolder == nil || docs.SpecialFolder.Name != SpecialDocuments || docs.Name != "Documents" || resp.RequestID == "" {
		t.Fatalf("GetSpecialFolder(documents): %+v %v", docs, err)
	}
	app, _, err := c.Drive.GetSpecialFolder(ctx, MyDrive, SpecialAppRoot, &GetOptions{Select: []string{"id", "name", "specialFolder"}})
	if err != nil || app.SpecialFolder == nil || app.SpecialFolder.Name != SpecialAppRoot {
		t.Fatalf("GetSpecialFolder(approot): %+v %v", app, err)
	}
	if _, _, err := c.Drive.Upload(ctx, MyDrive, app.ID, "state.json", strings.NewReader(`{"n":1}`), 7, nil); err != nil {
		t.Fatal(err)
	}
	kids, _, err := c.Drive.ListSpecialChildren(ctx, MyDrive, SpecialAppRoot, nil)
	if err != nil || len(kids) != 1 || kids[0].Name != "state.json" {
		t.Errorf("ListSpecialChildren(approot): %+v %v", kids, err)
	}
	if again, _, err := c.Drive.GetSpecialFolder(ctx, MyDrive, SpecialAppRoot, nil); err != nil || again.ID != app.ID {
		t.Errorf("approot on second access: %+v %v, want %s", again, err, app.ID)
	}
	if _, _, err := c.Drive.GetSpecialFolder(ctx, MyDrive, "nope", nil); err == nil {
		t.Error("GetSpecialFolder(nope): no error")
	}

	withKids, _, err := c.Drive.GetItem(ctx, MyDrive, docs.ID, &GetOptions{Expand: []string{"children"}})
	var names []string
	for _, k := range withKids.Children {
		names = append(names, k.Name)
	}
	if err != nil || !slices.Equal(names, []string{"Budget 2025.md", "Budget 2025.xlsx", "Kickoff.pptx", "Meeting notes.txt", "Proposal.docx"}) {
		t.Errorf("GetItem $expand=children: %v %v", names, err)
	}
}

// TestSandboxDriveSearch: Search and SearchIter over names and text
// content, a quote and a space in the text, and the drive's quota after an
// upload, against the sandbox.
func TestSandboxDriveSearch(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(driveScopes)...)
	ctx := t.Context()
	before, _, err := c.Drive.GetDrive(ctx, MyDrive)
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Drive.Upload(ctx, MyDrive, "", "Ann's notes.txt", strings.NewReader("the quarterly figures"), 21, nil); err != nil {
		t.Fatal(err)
	}
	after, _, err := c.Drive.GetDrive(ctx, MyDrive)
	if err != nil || after.Quota.Used != before.Quota.Used+21 || after.Quota.Remaining != before.Quota.Remaining-21 {
		t.Errorf("quota after a 21-byte upload: %+v, before %+v", after.Quota, before.Quota)
	}

	got, _, err := c.Drive.Search(ctx, MyDrive, "ann's", nil)
	if err != nil || len(got) != 1 || got[0].Name != "Ann's notes.txt" {
		t.Errorf("Search(ann's): %+v %v", got, err)
	}
	got, _, err = c.Drive.Search(ctx, MyDrive, "QUARTERLY figures", &ListOptions{Select: []string{"id", "name"}})
	if err != nil || len(got) != 1 || got[0].Size != 0 {
		t.Errorf("Search(QUARTERLY figures) with $select: %+v %v", got, err)
	}
	var all []string
	for it, err := range c.Drive.SearchIter(ctx, MyDrive, "plan", &ListOptions{Top: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		all = append(all, it.Name)
	}
	slices.Sort(all)
	if !slices.Equal(all, []string{"Meeting notes.txt", "Plan.md", "Welcome.md"}) {
		t.Errorf("SearchIter(plan) in pages of 1: %v", all)
	}
	for _, d := range []DriveRef{DriveByID(after.ID), UserDrive("me")} {
		if got, _, err := c.Drive.Search(ctx, d, "checklist", nil); err != nil || len(got) != 2 {
			t.Errorf("Search(checklist) on %s: %d items, %v", d, len(got), err)
		}
	}
}
