package drive

import (
	"encoding/json"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// oneSite stands for the sites workload (which this package cannot
// import): a team site with Adele as its only member and one library.
type oneSite struct{}

const (
	testSite    = "contoso.sharepoint.sandbox,11111111-1111-1111-1111-111111111111,22222222-2222-2222-2222-222222222222"
	testLibrary = "b!library"
)

func (oneSite) Site(id string) (graphkit.SiteRef, bool) {
	return graphkit.SiteRef{ID: testSite, DisplayName: "Team", Group: "g1", Members: []string{directory.AdeleVanceID}}, strings.EqualFold(id, testSite)
}
func (s oneSite) GroupSite(g string) (graphkit.SiteRef, bool) {
	ref, _ := s.Site(testSite)
	return ref, g == "g1"
}
func (oneSite) Libraries(site string) []graphkit.Library {
	return []graphkit.Library{{DriveID: testLibrary, Site: testSite, List: "l1", Name: "Documents", WebURL: "https://contoso.sharepoint.sandbox/sites/team/Shared%20Documents",
		Created: time.Date(2025, 1, 1, 0, 0, 0, 0, time.UTC), Files: map[string]string{"Specs/a.md": "# a", "b.txt": "b"}}}
}
func (s oneSite) Library(id string) (graphkit.Library, bool) {
	return s.Libraries(testSite)[0], id == testLibrary
}
func (s oneSite) ListLibrary(site, list string) (graphkit.Library, bool) {
	return s.Libraries(site)[0], strings.EqualFold(list, "l1") || strings.EqualFold(list, "Documents")
}

// TestStoreContractSiteLibrary: a site library's drive, made with its seeded
// files when first reached (by a GET), and the writes to it through the
// site, group, list and drive-id addresses journal and replay like a
// OneDrive's.
func TestStoreContractSiteLibrary(t *testing.T) {
	t.Parallel()
	env, _, _, _ := storeEnv(t)
	env.Kit.Sites = oneSite{}
	adele := kittest.UserToken(directory.AdeleVanceID, "Files.ReadWrite.All")
	site := "/v1.0/sites/" + testSite + "/drive"

	drive := env.Write("GET", site, adele, nil, 200)
	if drive["id"] != testLibrary || drive["driveType"] != "documentLibrary" || drive["name"] != "Documents" {
		t.Errorf("site drive %v", drive)
	}
	env.Write("PUT", site+"/root:/Specs/c.md:/content", adele, []byte("# c"), 201)
	env.Mark()
	env.Write("POST", "/v1.0/groups/g1/drive/root/children", adele, map[string]any{"name": "Designs", "folder": map[string]any{}}, 201)
	env.Write("PATCH", "/v1.0/sites/"+testSite+"/lists/Documents/drive/root:/b.txt:", adele, map[string]any{"name": "B.txt"}, 200)
	env.Write("DELETE", "/v1.0/drives/"+testLibrary+"/root:/Specs/a.md:", adele, nil, 204)

	if rec := env.Do("GET", site+"/root:/Specs:/children", kittest.UserToken(directory.NestorWilkeID, "Files.ReadWrite.All"), nil); rec.Code != 403 {
		t.Errorf("a user outside the site's group: %d, want 403", rec.Code)
	}
	if rec := env.Do("GET", "/v1.0/drives/"+testLibrary+"/root/children", kittest.AppToken("Sites.Read.All"), nil); rec.Code != 200 {
		t.Errorf("an app with Sites.Read.All: %d, want 200", rec.Code)
	}
}

// TestLibraryWriteReplaysWithoutItsMaking: a write to a library journals the
// library too, so its records replay even when those of the request that
// made the library (a concurrent first access) are journaled after them, or
// never.
func TestLibraryWriteReplaysWithoutItsMaking(t *testing.T) {
	t.Parallel()
	env, _, _, _ := storeEnv(t)
	env.Kit.Sites = oneSite{}
	adele := kittest.UserToken(directory.AdeleVanceID, "Files.ReadWrite.All")
	site := "/v1.0/sites/" + testSite + "/drive"
	env.Do("GET", site, adele, nil)
	made := len(env.Log)
	rec := env.Do("PUT", site+"/root:/Notes/x.txt:/content", adele, []byte("x"))
	var up struct{ ID string }
	if err := json.Unmarshal(rec.Body.Bytes(), &up); err != nil || rec.Code != 201 {
		t.Fatalf("PUT: %d %s", rec.Code, rec.Body)
	}
	w := New(env.Kit)
	for _, r := range env.Log[made:] {
		if err := w.Apply(r.Key, r.Value); err != nil {
			t.Fatalf("Apply(%s) without the library's making: %v", r.Key, err)
		}
	}
	if d := w.drives[testLibrary]; d == nil || d.find(up.ID) == nil || d.resolve(target{path: []string{"Notes", "x.txt"}}) == nil {
		t.Errorf("the replayed library lacks the file written to it")
	}
}
