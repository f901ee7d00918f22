package drive

import "testing"

// TestStoreContractCopy: a copied folder (every item below it new), a copy
// under a new name, one that replaces and one renamed at a conflict replay
// to the served state.
func TestStoreContractCopy(t *testing.T) {
	t.Parallel()
	env, _, adele, _ := storeEnv(t)
	f := env.Write("PUT", "/v1.0/me/drive/root:/Reports/Q1/summary.txt:/content", adele, []byte("first quarter"), 201)
	docs := f["parentReference"].(map[string]any)["id"].(string)
	env.Mark()
	to := map[string]any{"parentReference": map[string]any{"path": "/drive/root:/Documents"}}
	env.Write("POST", "/v1.0/me/drive/items/"+docs+"/copy", adele, to, 202)
	env.Write("POST", "/v1.0/me/drive/items/"+docs+"/copy", adele, to, 202) // its monitor reports the conflict
	env.Write("POST", "/v1.0/me/drive/items/"+docs+"/copy?@microsoft.graph.conflictBehavior=rename", adele, to, 202)
	env.Write("POST", "/v1.0/me/drive/items/"+docs+"/copy?@microsoft.graph.conflictBehavior=replace", adele, to, 202)
	env.Write("POST", "/v1.0/me/drive/root:/Welcome.md:/copy", adele, map[string]any{"parentReference": map[string]any{"path": "/drive/root:"}, "name": "Welcome (copy).md"}, 202)
}
