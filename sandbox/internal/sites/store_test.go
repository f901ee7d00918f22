package sites

import (
	"encoding/json"
	"net/url"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

func sitesEnv(t *testing.T) *kittest.Env {
	return kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
}

// team is the seeded team site's address below /v1.0.
var team = "/v1.0/sites/" + seedSites[1].ID

// TestStoreContract drives every write route (a list made with columns, a
// document library, a column added, items created, updated and deleted, a
// list deleted) and checks that the journal they produce, replayed over the
// seed or over a snapshot taken midway, gives back the served state.
func TestStoreContract(t *testing.T) {
	env := sitesEnv(t)
	adele := kittest.UserToken(directory.AdeleVanceID, "Sites.Manage.All")
	app := kittest.AppToken("Sites.ReadWrite.All")

	l := env.Write("POST", team+"/lists", adele, map[string]any{"displayName": "Risks", "columns": []any{
		map[string]any{"name": "Impact", "number": map[string]any{}},
		map[string]any{"name": "Open", "boolean": map[string]any{}, "indexed": true},
	}, "list": map[string]any{"template": "genericList"}}, 201)["id"].(string)
	env.Write("POST", team+"/lists", app, map[string]any{"displayName": "Designs", "list": map[string]any{"template": "documentLibrary"}}, 201)
	env.Write("POST", team+"/lists/"+l+"/columns", adele, map[string]any{"name": "Note", "text": map[string]any{}}, 201)
	one := env.Write("POST", team+"/lists/"+l+"/items", adele, map[string]any{"fields": map[string]any{"Title": "Supplier late", "Impact": 3, "Open": true}}, 201)["id"].(string)
	env.Mark()

	env.Write("POST", team+"/lists/Risks/items", app, map[string]any{"fields": map[string]any{"Title": "Budget cut", "Impact": 5}}, 201)
	env.Write("PATCH", team+"/lists/"+l+"/items/"+one+"/fields", adele, map[string]any{"Open": false, "Note": "Resolved"}, 200)
	env.Write("DELETE", team+"/lists/"+l+"/items/"+one, app, nil, 204)
	tracker := team + "/lists/Project%20tracker"
	env.Write("PATCH", tracker+"/items/2/fields", adele, map[string]any{"Status": "Done", "OwnerLookupId": lookupID(directory.MeganBowenID)}, 200)
	env.Write("DELETE", team+"/lists/Designs", kittest.AppToken("Sites.Manage.All"), nil, 204)
	env.Write("PATCH", tracker+"/columns/Status", adele, map[string]any{"indexed": true, "description": "Where it stands"}, 200)
	env.Write("DELETE", team+"/lists/"+l+"/columns/Note", adele, nil, 204)
}

// TestColumnIndexedByUpdate: a column made indexed by PATCH may be
// filtered on without the Prefer header; a deleted column's values leave
// the items with it.
func TestColumnIndexedByUpdate(t *testing.T) {
	env := sitesEnv(t)
	tok := kittest.UserToken(directory.AdeleVanceID, "Sites.Manage.All")
	tracker := team + "/lists/Project%20tracker"
	items := tracker + "/items?expand=fields&$filter=" + url.QueryEscape("fields/Status eq 'Blocked'")
	get(t, env, items, tok, nil, 400)
	env.Write("PATCH", tracker+"/columns/Status", tok, map[string]any{"indexed": true}, 200)
	if got := titles(get(t, env, items, tok, nil, 200)); strings.Join(got, "|") != "Pricing page" {
		t.Errorf("filtered on the indexed Status: %v", got)
	}
	if rec := env.Do("PATCH", tracker+"/columns/Status", tok, map[string]any{"number": map[string]any{}}); rec.Code != 400 {
		t.Errorf("changing a column's type: %d, want 400", rec.Code)
	}
	env.Write("DELETE", tracker+"/columns/Status", tok, nil, 204)
	if f := get(t, env, tracker+"/items/4/fields", tok, nil, 200); f["Status"] != nil {
		t.Errorf("item 4 keeps the deleted column's value: %v", f)
	}
	if rec := env.Do("DELETE", tracker+"/columns/Title", tok, nil); rec.Code != 403 {
		t.Errorf("deleting Title: %d, want 403", rec.Code)
	}
}

// get sends a GET and decodes the answer, failing unless it is want.
func get(t *testing.T, env *kittest.Env, path, tok string, hdr map[string]string, want int) map[string]any {
	t.Helper()
	rec := env.DoHeaders("GET", path, tok, nil, hdr)
	if rec.Code != want {
		t.Fatalf("GET %s: %d, want %d: %s", path, rec.Code, want, rec.Body)
	}
	var out map[string]any
	_ = json.Unmarshal(rec.Body.Bytes(), &out)
	return out
}

func titles(out map[string]any) []string {
	var got []string
	for _, v := range out["value"].([]any) {
		f, _ := v.(map[string]any)["fields"].(map[string]any)
		got = append(got, f["Title"].(string))
	}
	return got
}

// TestFilterNeedsIndexedColumn: a $filter or $orderby on a column that is not
// indexed is SharePoint's 400 unless the request prefers
// HonorNonIndexedQueriesWarningMayFailRandomly; an indexed column needs no
// header.
func TestFilterNeedsIndexedColumn(t *testing.T) {
	env := sitesEnv(t)
	tok := kittest.UserToken(directory.AdeleVanceID, "Sites.Read.All")
	items := team + "/lists/Project%20tracker/items?expand=fields&$filter=" + url.QueryEscape("fields/Status eq 'Not started'")
	out := get(t, env, items, tok, nil, 400)
	if msg := out["error"].(map[string]any)["message"].(string); !strings.HasPrefix(msg, "Field 'Status' cannot be referenced in filter or orderby as it is not indexed.") {
		t.Errorf("message %q", msg)
	}
	prefer := map[string]string{"Prefer": "HonorNonIndexedQueriesWarningMayFailRandomly"}
	if got := titles(get(t, env, items, tok, prefer, 200)); strings.Join(got, "|") != "Support training|General availability" {
		t.Errorf("filtered titles %v", got)
	}
	byDue := team + "/lists/Project%20tracker/items?$expand=fields($select=Title,DueDate)&$orderby=" + url.QueryEscape("fields/DueDate desc") + "&$top=2"
	out = get(t, env, byDue, tok, nil, 200)
	if got := titles(out); strings.Join(got, "|") != "General availability|Support training" {
		t.Errorf("ordered titles %v", got)
	}
	if f := out["value"].([]any)[0].(map[string]any)["fields"].(map[string]any); f["Status"] != nil {
		t.Errorf("fields($select=Title,DueDate) answered Status: %v", f)
	}
	next, _ := out["@odata.nextLink"].(string)
	if !strings.Contains(next, "$skiptoken=") {
		t.Fatalf("nextLink %q has no $skiptoken", next)
	}
	u, _ := url.Parse(next)
	if got := titles(get(t, env, u.RequestURI(), tok, nil, 200)); strings.Join(got, "|") != "Pricing page|Release notes" {
		t.Errorf("second page %v", got)
	}
}

// TestSiteAddresses: the root site, a site by path and by its host name,
// and a team site's lists reached by a member only.
func TestSiteAddresses(t *testing.T) {
	env := sitesEnv(t)
	tok := kittest.UserToken(directory.AdeleVanceID, "Sites.Read.All")
	for path, want := range map[string]string{
		"/v1.0/sites/root":                                                   seedSites[0].ID,
		"/v1.0/sites/" + directory.SharePointHost:                            seedSites[0].ID,
		"/v1.0/sites/" + directory.SharePointHost + ":/sites/product":        seedSites[1].ID,
		"/v1.0/sites/" + directory.SharePointHost + ":/sites/Product/launch": seedSites[2].ID,
		"/v1.0/groups/" + directory.ProductTeamID + "/sites/root":            seedSites[1].ID,
		"/v1.0/sites/" + strings.ToUpper(seedSites[1].ID):                    seedSites[1].ID,
	} {
		if got := get(t, env, path, tok, nil, 200)["id"]; got != want {
			t.Errorf("GET %s: id %v, want %s", path, got, want)
		}
	}
	lists := get(t, env, "/v1.0/sites/"+directory.SharePointHost+":/sites/product:/lists", tok, nil, 200)
	if n := len(lists["value"].([]any)); n != 2 {
		t.Errorf("the team site has %d lists, want 2", n)
	}
	nestor := kittest.UserToken(directory.NestorWilkeID, "Sites.Read.All")
	get(t, env, team+"/lists", nestor, nil, 403)
	get(t, env, "/v1.0/sites/root/lists", nestor, nil, 200)
	if n := len(get(t, env, "/v1.0/sites?search=*", nestor, nil, 200)["value"].([]any)); n != 1 {
		t.Errorf("Nestor finds %d sites, want the root site only", n)
	}
	get(t, env, "/v1.0/sites/"+directory.SharePointHost+":/sites/nope", tok, nil, 404)
}
