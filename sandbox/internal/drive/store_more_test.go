package drive

import "testing"

// TestStoreContractVersions: content changes that keep versions (uploads,
// a restoreVersion), a folder's delete and restore that move everything
// below it in the delta feed, and a copy that fails at a taken name replay
// to the served state, feed position and versions included.
func TestStoreContractVersions(t *testing.T) {
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
