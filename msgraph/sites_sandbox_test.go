package msgraph

import (
	"bytes"
	"errors"
	"slices"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

const siteScopes = "Sites.Manage.All Sites.ReadWrite.All Files.ReadWrite"

// collect drains an iterator.
func collect[T any](t *testing.T, seq func(func(*T, error) bool)) []*T {
	t.Helper()
	var out []*T
	for v, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, v)
	}
	return out
}

// TestSandboxSites: the root site, a site by id, path and group, search,
// subsites, lists, columns and document libraries, against the sandbox.
func TestSandboxSites(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(siteScopes)...)
	ctx := t.Context()
	root, resp, err := c.Sites.GetRootSite(ctx)
	if err != nil || root.Root == nil || root.SiteCollection == nil || root.SiteCollection.Hostname != sandbox.SharePointHost || resp.RequestID == "" {
		t.Fatalf("GetRootSite: %+v %v", root, err)
	}
	if again, _, err := c.Sites.GetSite(ctx, root.ID); err != nil || again.ID != root.ID {
		t.Errorf("GetSite(root id): %+v %v", again, err)
	}
	team, _, err := c.Sites.GetSiteByPath(ctx, sandbox.SharePointHost, "/sites/product")
	if err != nil || team.DisplayName != "Product Team" || !strings.HasPrefix(team.ID, sandbox.SharePointHost+",") {
		t.Fatalf("GetSiteByPath: %+v %v", team, err)
	}
	if g, _, err := c.Sites.GetGroupSite(ctx, sandbox.ProductTeamGroupID); err != nil || g.ID != team.ID {
		t.Errorf("GetGroupSite: %+v %v", g, err)
	}
	found, _, err := c.Sites.Search(ctx, "product", nil)
	if err != nil || len(found) != 1 || found[0].ID != team.ID {
		t.Errorf("Search(product): %+v %v", found, err)
	}
	if all := collect(t, c.Sites.SearchIter(ctx, "*", nil)); len(all) != 3 {
		t.Errorf("SearchIter(*): %d sites, want 3", len(all))
	}
	subs, _, err := c.Sites.ListSubsites(ctx, team.ID, nil)
	if err != nil || len(subs) != 1 || subs[0].DisplayName != "Launch" {
		t.Errorf("ListSubsites: %+v %v", subs, err)
	}
	if subs := collect(t, c.Sites.ListSubsitesIter(ctx, root.ID, nil)); len(subs) != 0 {
		t.Errorf("ListSubsitesIter(root): %+v", subs)
	}

	lists, _, err := c.Sites.ListLists(ctx, team.ID, &ListOptions{Expand: []string{"columns"}})
	if err != nil || len(lists) != 2 || lists[0].DisplayName != "Documents" || lists[0].List.Template != TemplateDocumentLibrary || len(lists[1].Columns) == 0 {
		t.Fatalf("ListLists: %+v %v", lists, err)
	}
	if all := collect(t, c.Sites.ListListsIter(ctx, team.ID, &ListOptions{Top: 1})); len(all) != 2 {
		t.Errorf("ListListsIter by ones: %d lists, want 2", len(all))
	}
	tracker, _, err := c.Sites.GetList(ctx, team.ID, "Project tracker", nil)
	if err != nil || tracker.List.Template != TemplateGenericList || tracker.ID != lists[1].ID {
		t.Fatalf("GetList by name: %+v %v", tracker, err)
	}
	cols, _, err := c.Sites.ListColumns(ctx, team.ID, tracker.ID, nil)
	i := slices.IndexFunc(cols, func(c *ColumnDefinition) bool { return c.Name == "Status" })
	if err != nil || i < 0 || cols[i].Choice == nil || !slices.Contains(cols[i].Choice.Choices, "In progress") {
		t.Fatalf("ListColumns: %v, Status at %d", err, i)
	}
	if all := collect(t, c.Sites.ListColumnsIter(ctx, team.ID, tracker.ID, &ListOptions{Top: 2})); len(all) != len(cols) {
		t.Errorf("ListColumnsIter: %d columns, want %d", len(all), len(cols))
	}
	if due, _, err := c.Sites.GetColumn(ctx, team.ID, tracker.ID, "DueDate"); err != nil || !due.Indexed || due.DateTime == nil {
		t.Errorf("GetColumn(DueDate): %+v %v", due, err)
	}

	drives, _, err := c.Sites.ListDrives(ctx, team.ID, nil)
	if err != nil || len(drives) != 1 || drives[0].DriveType != "documentLibrary" || drives[0].Name != "Documents" {
		t.Fatalf("ListDrives: %+v %v", drives, err)
	}
	if all := collect(t, c.Sites.ListDrivesIter(ctx, root.ID, nil)); len(all) != 1 {
		t.Errorf("ListDrivesIter(root): %d drives, want 1", len(all))
	}
	if _, _, err := c.Sites.GetSiteByPath(ctx, sandbox.SharePointHost, "/sites/nope"); !isStatus(err, 404) {
		t.Errorf("GetSiteByPath(nope): %v, want a 404", err)
	}
}

func isStatus(err error, status int) bool {
	var ge *Error
	return errors.As(err, &ge) && ge.StatusCode == status
}

// TestSandboxSitesListItems: a list made with columns, a column added,
// items created, read, filtered (an indexed column at once, another only
// with HonorNonIndexed), paged, updated and deleted, and the list deleted,
// against the sandbox.
func TestSandboxSitesListItems(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(siteScopes)...)
	ctx := t.Context()
	team, _, err := c.Sites.GetSiteByPath(ctx, sandbox.SharePointHost, "/sites/product")
	if err != nil {
		t.Fatal(err)
	}
	risks, _, err := c.Sites.CreateList(ctx, team.ID, &SiteList{DisplayName: "Risks", List: SiteListInfo{Template: TemplateGenericList},
		Columns: []*ColumnDefinition{{Name: "Impact", Number: &NumberColumn{}, Indexed: true}, {Name: "Level", Choice: &ChoiceColumn{Choices: []string{"Low", "High"}}}}})
	if err != nil || risks.ID == "" || risks.DisplayName != "Risks" {
		t.Fatalf("CreateList: %+v %v", risks, err)
	}
	if col, _, err := c.Sites.CreateColumn(ctx, team.ID, risks.ID, &ColumnDefinition{Name: "Open", Boolean: &BooleanColumn{}}); err != nil || col.Boolean == nil {
		t.Fatalf("CreateColumn: %+v %v", col, err)
	}
	for i, title := range []string{"Supplier late", "Budget cut", "Key person leaves"} {
		it, _, err := c.Sites.CreateItem(ctx, team.ID, risks.ID, map[string]any{"Title": title, "Impact": i + 1, "Level": []string{"Low", "High"}[i%2], "Open": true})
		if err != nil || it.Fields["Title"] != title {
			t.Fatalf("CreateItem(%s): %+v %v", title, it, err)
		}
	}
	high, _, err := c.Sites.ListItems(ctx, team.ID, risks.ID, &ListItemsOptions{ListOptions: ListOptions{Filter: "fields/Impact ge 2", OrderBy: []string{"fields/Impact desc"}}, Fields: []string{"Title"}})
	if err != nil || len(high) != 2 || high[0].Fields["Title"] != "Key person leaves" || high[0].Fields["Impact"] != nil {
		t.Fatalf("ListItems on the indexed Impact: %+v %v", high, err)
	}
	byLevel := &ListItemsOptions{ListOptions: ListOptions{Filter: "fields/Level eq 'High'"}}
	if _, _, err := c.Sites.ListItems(ctx, team.ID, risks.ID, byLevel); !isStatus(err, 400) || !strings.Contains(err.Error(), "HonorNonIndexedQueriesWarningMayFailRandomly") {
		t.Errorf("a filter on the non-indexed Level: %v, want SharePoint's 400", err)
	}
	byLevel.HonorNonIndexed = true
	if got, _, err := c.Sites.ListItems(ctx, team.ID, risks.ID, byLevel); err != nil || len(got) != 1 || got[0].Fields["Title"] != "Budget cut" {
		t.Errorf("the same filter with HonorNonIndexed: %+v %v", got, err)
	}
	yes := true
	if col, _, err := c.Sites.UpdateColumn(ctx, team.ID, risks.ID, "Level", &ColumnDefinitionUpdate{Indexed: &yes}); err != nil || !col.Indexed {
		t.Fatalf("UpdateColumn(indexed): %+v %v", col, err)
	}
	byLevel.HonorNonIndexed = false
	if got, _, err := c.Sites.ListItems(ctx, team.ID, risks.ID, byLevel); err != nil || len(got) != 1 {
		t.Errorf("the filter once Level is indexed: %+v %v", got, err)
	}
	paged := collect(t, c.Sites.ListItemsIter(ctx, team.ID, risks.ID, &ListItemsOptions{ListOptions: ListOptions{Top: 2}}))
	if len(paged) != 3 || paged[2].Fields["Title"] != "Key person leaves" {
		t.Errorf("ListItemsIter by twos: %d items", len(paged))
	}

	id := paged[0].ID
	it, _, err := c.Sites.GetItem(ctx, team.ID, risks.ID, id)
	if err != nil || it.Fields["Title"] != "Supplier late" || it.CreatedBy.User.ID != sandbox.AdeleVanceID {
		t.Errorf("GetItem: %+v %v", it, err)
	}
	fields, _, err := c.Sites.UpdateItemFields(ctx, team.ID, risks.ID, id, map[string]any{"Open": false})
	if err != nil || fields["Open"] != false || fields["Title"] != "Supplier late" {
		t.Errorf("UpdateItemFields: %v %v", fields, err)
	}
	if f, _, err := c.Sites.GetItemFields(ctx, team.ID, risks.ID, id); err != nil || f["Open"] != false {
		t.Errorf("GetItemFields: %v %v", f, err)
	}
	if _, _, err := c.Sites.UpdateItemFields(ctx, team.ID, risks.ID, id, map[string]any{"Nope": 1}); !isStatus(err, 400) {
		t.Errorf("UpdateItemFields(Nope): %v, want a 400", err)
	}
	if _, err := c.Sites.DeleteItem(ctx, team.ID, risks.ID, id); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Sites.GetItem(ctx, team.ID, risks.ID, id); !isStatus(err, 404) {
		t.Errorf("GetItem after DeleteItem: %v, want a 404", err)
	}
	if _, err := c.Sites.DeleteColumn(ctx, team.ID, risks.ID, "Open"); err != nil {
		t.Fatal(err)
	}
	if f, _, err := c.Sites.GetItemFields(ctx, team.ID, risks.ID, paged[1].ID); err != nil || f["Open"] != nil {
		t.Errorf("fields after DeleteColumn(Open): %v %v", f, err)
	}
	if _, err := c.Sites.DeleteList(ctx, team.ID, "Risks"); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Sites.GetList(ctx, team.ID, risks.ID, nil); !isStatus(err, 404) {
		t.Errorf("GetList after DeleteList: %v, want a 404", err)
	}
}

// TestSandboxSiteDrives: the team site's library through SiteDrive,
// GroupDrive, ListDrive and DriveByID (seeded files, an upload and its
// download), and a document library made with CreateList, against the
// sandbox.
func TestSandboxSiteDrives(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(siteScopes)...)
	ctx := t.Context()
	team, _, err := c.Sites.GetSiteByPath(ctx, sandbox.SharePointHost, "/sites/product")
	if err != nil {
		t.Fatal(err)
	}
	lib, _, err := c.Drive.GetDrive(ctx, SiteDrive(team.ID))
	if err != nil || lib.DriveType != "documentLibrary" {
		t.Fatalf("GetDrive(SiteDrive): %+v %v", lib, err)
	}
	if g, _, err := c.Drive.GetDrive(ctx, GroupDrive(sandbox.ProductTeamGroupID)); err != nil || g.ID != lib.ID {
		t.Errorf("GetDrive(GroupDrive): %+v %v", g, err)
	}
	specs, _, err := c.Drive.ListChildren(ctx, GroupDrive(sandbox.ProductTeamGroupID), "", nil)
	if err != nil || !slices.ContainsFunc(specs, func(it *DriveItem) bool { return it.Name == "Specs" }) {
		t.Errorf("ListChildren of the group's library: %v", err)
	}
	content := []byte("minutes of the launch review")
	up, _, err := c.Drive.Upload(ctx, SiteDrive(team.ID), "", "Review.txt", bytes.NewReader(content), int64(len(content)), nil)
	if err != nil {
		t.Fatal(err)
	}
	var got bytes.Buffer
	if _, err := c.Drive.Download(ctx, DriveByID(lib.ID), up.ID, &got, nil); err != nil || !bytes.Equal(got.Bytes(), content) {
		t.Errorf("Download through DriveByID: %q %v", got.String(), err)
	}
	if it, _, err := c.Drive.GetItemByPath(ctx, ListDrive(team.ID, "Documents"), "Review.txt", nil); err != nil || it.ID != up.ID {
		t.Errorf("GetItemByPath through ListDrive: %+v %v", it, err)
	}

	designs, _, err := c.Sites.CreateList(ctx, team.ID, &SiteList{DisplayName: "Designs", List: SiteListInfo{Template: TemplateDocumentLibrary}})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Drive.Upload(ctx, ListDrive(team.ID, designs.ID), "", "home.txt", strings.NewReader("home"), 4, nil); err != nil {
		t.Fatal(err)
	}
	if drives := collect(t, c.Sites.ListDrivesIter(ctx, team.ID, nil)); len(drives) != 2 {
		t.Errorf("the team site has %d libraries after CreateList, want 2", len(drives))
	}
}
