package drive

import (
	"bytes"
	"encoding/json"
	"fmt"
	"net/http"
	"net/http/httptest"
	"net/url"
	"os"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// storeEnv serves the workload with its files under t's temporary folder:
// the harness, the seeded users, Adele's token and an app's.
func storeEnv(t *testing.T) (env *kittest.Env, seed []directory.User, adele, app string) {
	env = kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	files := t.TempDir()
	env.Kit.Files = func() (string, error) { return files, nil }
	seed = directory.Seed()
	return env, seed, kittest.UserToken(seed[0].ID, "Files.ReadWrite"), kittest.AppToken("Files.ReadWrite.All")
}

// TestStoreContract drives every write route of the drive (a folder's
// create with each conflict behaviour, rename, move, delete to the recycle
// bin and restore from it, uploads by path creating folders, by id and
// replacing; an app writing another user's drive) and checks that the
// journal they produce, replayed over the seed or over a snapshot taken
// midway, gives back the served state.
func TestStoreContract(t *testing.T) {
	t.Parallel()
	env, seed, adele, app := storeEnv(t)
	folder := func(name, how string) map[string]any {
		return map[string]any{"name": name, "folder": map[string]any{}, "@microsoft.graph.conflictBehavior": how}
	}

	a := env.Write("POST", "/v1.0/me/drive/root/children", adele, folder("Reports", "fail"), 201)["id"].(string)
	env.Write("POST", "/v1.0/me/drive/root/children", adele, folder("Reports", "rename"), 201)
	env.Write("POST", "/v1.0/me/drive/items/"+a+"/children", adele, folder("2025", "fail"), 201)
	file := env.Write("PUT", "/v1.0/me/drive/root:/Reports/Q1/summary.txt:/content", adele, []byte("first quarter"), 201)["id"].(string)
	env.Mark()

	env.Write("PUT", "/v1.0/me/drive/items/"+file+"/content", adele, []byte("first quarter, revised"), 200)
	env.Write("PUT", "/v1.0/me/drive/items/"+a+":/notes.md:/content", adele, []byte("# notes"), 201)
	env.Write("PATCH", "/v1.0/me/drive/items/"+file, adele, map[string]any{"name": "Q1 summary.txt"}, 200)
	env.Write("PATCH", "/v1.0/me/drive/root:/Reports/Q1/Q1%20summary.txt:", adele,
		map[string]any{"parentReference": map[string]any{"path": "/drive/root:/Documents"}}, 200)
	env.Write("POST", "/v1.0/me/drive/root/children", adele, folder("Reports", "replace"), 201)
	env.Write("DELETE", "/v1.0/me/drive/root:/Documents/Q1%20summary.txt:", adele, nil, 204)
	env.Write("POST", "/v1.0/me/drive/items/"+file+"/restore", adele, nil, 200)
	env.Write("POST", "/v1.0/me/drive/items/"+a+"/restore", adele, nil, 409) // replaced: its name is taken
	env.Write("POST", "/v1.0/me/drive/items/"+a+"/restore", adele, map[string]any{"name": "Reports (restored)"}, 200)
	other := "/v1.0/users/" + seed[2].ID + "/drive"
	env.Write("POST", other+"/root/children", app, folder("Shared", "fail"), 201)
	env.Write("PUT", other+"/root:/Shared/a.txt:/content", app, []byte("a"), 201)
	env.Write("DELETE", other+"/root:/Projects:", app, nil, 204)
}

// TestStoreContractUploadSession: an upload session's last fragment, served
// on its pre-authenticated URL, journals the file it creates (and the
// folders on its path) and the file whose content it replaces.
func TestStoreContractUploadSession(t *testing.T) {
	t.Parallel()
	env := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	files := t.TempDir()
	env.Kit.Files = func() (string, error) { return files, nil }
	adele := kittest.UserToken(directory.Seed()[0].ID, "Files.ReadWrite")
	env.Write("POST", "/v1.0/me/drive/root/children", adele, map[string]any{"name": "Reports", "folder": map[string]any{}}, 201)
	env.Mark()
	put := func(uploadURL string, content []byte) map[string]any {
		t.Helper()
		u, err := url.Parse(uploadURL)
		if err != nil {
			t.Fatal(err)
		}
		r := httptest.NewRequest("PUT", u.RequestURI(), bytes.NewReader(content))
		r.Header.Set("Content-Range", fmt.Sprintf("bytes 0-%d/%d", len(content)-1, len(content)))
		ctx, touched := graphkit.WithChanges(r.Context())
		rec := httptest.NewRecorder()
		env.W.(*Workload).ServeURL(rec, r.WithContext(ctx))
		if rec.Code/100 != 2 {
			t.Fatalf("PUT fragment: %d %s", rec.Code, rec.Body.String())
		}
		for store, keys := range touched() {
			_ = env.W.Record(keys, func(key string, v json.RawMessage) error {
				env.Log = append(env.Log, kittest.Record{Store: store, Key: key, Value: append(json.RawMessage(nil), v...)})
				return nil
			})
		}
		env.CheckReplay()
		var out map[string]any
		_ = json.Unmarshal(rec.Body.Bytes(), &out)
		return out
	}
	sess := env.Write("POST", "/v1.0/me/drive/root:/Reports/2025/big.bin:/createUploadSession", adele, nil, 200)
	id := put(sess["uploadUrl"].(string), []byte("the big file"))["id"].(string)
	sess = env.Write("POST", "/v1.0/me/drive/items/"+id+"/createUploadSession", adele, nil, 200)
	put(sess["uploadUrl"].(string), []byte("the big file, again"))
}

// TestStoreContractSpecialFolders: special folders made on first access
// (a GET that writes), adopted from a folder in place, made anew after a
// delete, an app folder, and uploads below them, replay to the served state.
func TestStoreContractSpecialFolders(t *testing.T) {
	t.Parallel()
	env, seed, adele, app := storeEnv(t)

	env.Write("GET", "/v1.0/me/drive/special/documents", adele, nil, 200)
	env.Write("GET", "/v1.0/me/drive/special/cameraroll", adele, nil, 200)
	env.Mark()
	music := env.Write("GET", "/v1.0/me/drive/special/music", adele, nil, 200)["id"].(string)
	env.Write("PUT", "/v1.0/me/drive/special/music:/a.txt:/content", adele, []byte("a"), 201)
	env.Write("DELETE", "/v1.0/me/drive/items/"+music, adele, nil, 204)
	env.Write("POST", "/v1.0/me/drive/special/music/children", adele, map[string]any{"name": "New", "folder": map[string]any{}}, 201)
	env.Write("PUT", "/v1.0/me/drive/special/approot:/settings.json:/content", adele, []byte("{}"), 201)
	env.Write("GET", "/v1.0/users/"+seed[2].ID+"/drive/special/approot", app, nil, 200)
}

// TestStoreContractWorkbook: workbook writes (a range, a new sheet, a
// table's rows, a deleted sheet) save the workbook as the item's new
// content and journal the item, as an upload does.
func TestStoreContractWorkbook(t *testing.T) {
	t.Parallel()
	env, _, adele, _ := storeEnv(t)
	data, err := os.ReadFile("../workbook/testdata/sales.xlsx")
	if err != nil {
		t.Fatal(err)
	}
	id := env.Write("PUT", "/v1.0/me/drive/root:/sales.xlsx:/content", adele, data, 201)["id"].(string)
	wb := "/v1.0/me/drive/items/" + id + "/workbook"
	env.Mark()
	env.Write("PATCH", wb+"/worksheets/Sales/range(address='B2')", adele, map[string]any{"values": [][]any{{7}}}, 200)
	env.Write("POST", wb+"/worksheets/add", adele, map[string]any{"name": "Q3"}, 201)
	env.Write("POST", wb+"/tables/SalesTable/rows/add", adele, map[string]any{"values": [][]any{{"Kiwis", 4, 2, "=B5*C5"}}}, 201)
	env.Write("DELETE", wb+"/worksheets/Q3", adele, nil, 204)
	rng := wb + "/worksheets/Sales/range(address='A2:B2')"
	env.Write("PATCH", rng+"/format/font", adele, map[string]any{"bold": true}, 200)
	env.Write("PATCH", rng+"/format/fill", adele, map[string]any{"color": "#FFFF00"}, 200)
	env.Write("POST", rng+"/format/fill/clear", adele, nil, 200)
	env.Write("POST", rng+"/insert", adele, map[string]any{"shift": "Down"}, 200)
	env.Write("POST", rng+"/delete", adele, map[string]any{"shift": "Up"}, 200)
	env.Write("POST", wb+"/worksheets/Sales/range(address='F8:G8')/merge", adele, nil, 200)
	env.Write("POST", wb+"/worksheets/Sales/range(address='F8:G8')/clear", adele, map[string]any{"applyTo": "All"}, 200)
	env.Write("PATCH", wb+"/tables/SalesTable", adele, map[string]any{"name": "Fruit", "showTotals": true}, 200)
	env.Write("POST", wb+"/tables/Fruit/columns/add", adele, map[string]any{"name": "Notes"}, 201)
	env.Write("DELETE", wb+"/tables/Fruit/rows/$/itemAt(index=0)", adele, nil, 204)
	env.Write("POST", wb+"/names/add", adele, map[string]any{"name": "Rate", "reference": "=0.2"}, 200)
	env.Write("DELETE", wb+"/names/Rate", adele, nil, 204)
	env.Write("POST", wb+"/names/addFormulaLocal", adele, map[string]any{"name": "Qty", "formula": "=Sales!$B$2:$B$3"}, 200)
	env.Write("PATCH", wb+"/worksheets/Notes", adele, map[string]any{"name": "Remarks", "position": 0}, 200)
	env.Write("PATCH", wb+"/tables/Fruit/rows/itemAt(index=0)", adele, map[string]any{"values": [][]any{{"Plums", 1, 1, "=B2*C2", ""}}}, 200)
	env.Write("PATCH", rng+"/format/borders/EdgeBottom", adele, map[string]any{"style": "Double"}, 200)
	env.Write("DELETE", wb+"/tables/Fruit/columns/Notes", adele, nil, 204)
	added := env.Write("POST", wb+"/worksheets/Remarks/tables/add", adele, map[string]any{"address": "H1:I2", "hasHeaders": true}, 201)["name"].(string)
	env.Write("POST", wb+"/tables/"+added+"/convertToRange", adele, nil, 200)
	added = env.Write("POST", wb+"/tables/add", adele, map[string]any{"address": "Remarks!K1:L2", "hasHeaders": true}, 201)["name"].(string)
	env.Write("DELETE", wb+"/tables/"+added, adele, nil, 204)
	env.Write("POST", wb+"/createSession", adele, map[string]any{"persistChanges": true}, 201)
}

// TestStoreContractSharing: links (a new one, the same one again, one
// breaking inheritance), invitations (a user of the tenant, again with a
// stronger role, an address outside it), a permission's new roles and its
// removal, a write by an invited user in the owner's drive, and a link
// redeemed by opening it replay to the served state.
func TestStoreContractSharing(t *testing.T) {
	t.Parallel()
	env, seed, adele, _ := storeEnv(t)
	docs := stableItemID(seed[0].ID, "Documents")
	env.Write("POST", "/v1.0/me/drive/items/"+docs+"/createLink", adele, map[string]any{"type": "view", "scope": "organization"}, 201)
	env.Mark()
	env.Write("POST", "/v1.0/me/drive/items/"+docs+"/createLink", adele, map[string]any{"type": "view", "scope": "organization"}, 200)
	env.Write("POST", "/v1.0/me/drive/root:/Documents/Budget%202025.md:/createLink", adele,
		map[string]any{"type": "edit", "scope": "anonymous", "retainInheritedPermissions": false}, 201)
	invite := func(who, role string) string {
		body := map[string]any{"recipients": []any{map[string]any{"email": who}}, "roles": []string{role}, "requireSignIn": true, "sendInvitation": false}
		out := env.Write("POST", "/v1.0/me/drive/items/"+docs+"/invite", adele, body, 200)
		return out["value"].([]any)[0].(map[string]any)["id"].(string)
	}
	megan := invite(seed[2].Mail, "read")
	invite(seed[2].Mail, "write")
	guest := invite("someone@fabrikam.example", "read")
	env.Write("PATCH", "/v1.0/me/drive/items/"+docs+"/permissions/"+megan, adele, map[string]any{"roles": []string{"read"}}, 200)
	env.Write("DELETE", "/v1.0/me/drive/items/"+docs+"/permissions/"+guest, adele, nil, 204)
	meganTok := kittest.UserToken(seed[2].ID, "Files.ReadWrite.All")
	env.Write("PUT", "/v1.0/drives/"+driveID(seed[0].ID)+"/items/"+docs+":/from-megan.txt:/content", meganTok, []byte("hi"), 403)
	env.Write("PATCH", "/v1.0/me/drive/items/"+docs+"/permissions/"+megan, adele, map[string]any{"roles": []string{"write"}}, 200)
	env.Write("PUT", "/v1.0/drives/"+driveID(seed[0].ID)+"/items/"+docs+":/from-megan.txt:/content", meganTok, []byte("hi"), 201)
	link := env.Write("POST", "/v1.0/me/drive/items/"+docs+"/createLink", adele, map[string]any{"type": "view", "scope": "organization"}, 200)
	env.Header = http.Header{"Prefer": {"redeemSharingLink"}} // Patti opens the link for good
	env.Write("GET", "/v1.0/shares/"+link["shareId"].(string), kittest.UserToken(seed[4].ID, "Files.ReadWrite"), nil, 200)
	env.Header = nil
}
