package drive

import (
	"fmt"
	"testing"
	"time"
)

// TestStoreContractVersions: content changes that keep versions (uploads,
// a restoreVersion), a folder's delete and restore that move everything
// below it in the delta feed, and a copy that fails at a taken name replay
// to the served state, feed position and versions included.
func TestStoreContractVersions(t *testing.T) {
	t.Parallel()
	env, _, adele, _ := storeEnv(t)
	id := env.Write("PUT", "/v1.0/me/drive/root:/Reports/v.txt:/content", adele, []byte("one"), 201)["id"].(string)
	env.Mark()
	env.Write("PUT", "/v1.0/me/drive/items/"+id+"/content", adele, []byte("two"), 200)
	env.Write("PUT", "/v1.0/me/drive/root:/Reports/v.txt:/content", adele, []byte("three"), 200)
	env.Write("POST", "/v1.0/me/drive/items/"+id+"/versions/1.0/restoreVersion", adele, nil, 204)
	env.Write("DELETE", "/v1.0/me/drive/root:/Reports:", adele, nil, 204)
	env.Write("POST", "/v1.0/me/drive/root/children", adele, map[string]any{"name": "Reports", "folder": map[string]any{}}, 201)
	env.Write("POST", "/v1.0/me/drive/root:/Projects:/copy", adele, map[string]any{"parentReference": map[string]any{"path": "/drive/root:/Documents"}}, 202)
	to := map[string]any{"parentReference": map[string]any{"path": "/drive/root:"}}
	env.Write("POST", "/v1.0/me/drive/root:/Projects:/copy", adele, to, 202) // fails at the taken name
	env.Write("PATCH", "/v1.0/me/drive/root:/Welcome.md:", adele, map[string]any{"name": "Hello.md"}, 200)
}

// TestVersionsKeepTheNewest: past maxVersions the oldest versions go, and
// version ids keep counting up.
func TestVersionsKeepTheNewest(t *testing.T) {
	t.Parallel()
	it := &item{Hash: "h0"}
	for i := range maxVersions + 10 {
		it.replaceContent(int64(i), fmt.Sprintf("h%d", i+1), time.Time{}, "")
	}
	if len(it.Versions) != maxVersions || it.Versions[0].ID != "11.0" || it.currentVersion() != "511.0" {
		t.Errorf("%d versions from %s, current %s; want %d from 11.0, current 511.0", len(it.Versions), it.Versions[0].ID, it.currentVersion(), maxVersions)
	}
	if v, ok := it.version("11.0"); !ok || v.Hash != "h10" {
		t.Errorf("version 11.0: %+v %v", v, ok)
	}
}
