package todo

import (
	"encoding/json"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

// TestStoreContract drives every write route of To Do (lists, tasks, a
// recurring task completed into its next occurrence, steps, links, a list's
// delete taking its tasks along; an app writing another user's tasks) and
// checks that the journal they produce, replayed over the seed or over a
// snapshot taken midway, gives back the served state.
func TestStoreContract(t *testing.T) {
	env := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	seed := directory.Seed()
	adele := kittest.UserToken(seed[0].ID, "Tasks.ReadWrite")
	app := kittest.AppToken("Tasks.ReadWrite.All")

	list := env.Write("POST", "/v1.0/me/todo/lists", adele, map[string]any{"displayName": "Errands"}, 201)["id"].(string)
	tasks := "/v1.0/me/todo/lists/" + list + "/tasks"
	task := env.Write("POST", tasks, adele, map[string]any{"title": "Buy stamps",
		"checklistItems":  []any{map[string]any{"displayName": "Post office"}},
		"linkedResources": []any{map[string]any{"webUrl": "https://example.com/a", "applicationName": "App"}}}, 201)["id"].(string)
	env.Mark()
	env.Write("PATCH", tasks+"/"+task, adele, map[string]any{"importance": "high", "dueDateTime": map[string]any{
		"dateTime": "2025-03-01T09:00:00", "timeZone": "Pacific Standard Time"}}, 200)
	step := env.Write("POST", tasks+"/"+task+"/checklistItems", adele, map[string]any{"displayName": "Envelopes"}, 201)["id"].(string)
	env.Write("PATCH", tasks+"/"+task+"/checklistItems/"+step, adele, map[string]any{"isChecked": true}, 200)
	env.Write("DELETE", tasks+"/"+task+"/checklistItems/"+step, adele, nil, 204)
	link := env.Write("POST", tasks+"/"+task+"/linkedResources", adele, map[string]any{"webUrl": "https://example.com/b"}, 201)["id"].(string)
	env.Write("PATCH", tasks+"/"+task+"/linkedResources/"+link, adele, map[string]any{"displayName": "B"}, 200)
	env.Write("DELETE", tasks+"/"+task+"/linkedResources/"+link, adele, nil, 204)
	weekly := env.Write("POST", tasks, adele, map[string]any{"title": "Water plants", "recurrence": map[string]any{
		"pattern": map[string]any{"type": "daily", "interval": 3}, "range": map[string]any{"type": "noEnd", "startDate": "2025-03-01"}}}, 201)["id"].(string)
	env.Write("PATCH", tasks+"/"+weekly, adele, map[string]any{"status": "completed"}, 200)
	env.Write("PATCH", "/v1.0/me/todo/lists/"+list, adele, map[string]any{"displayName": "Weekend errands"}, 200)
	env.Write("DELETE", tasks+"/"+task, adele, nil, 204)
	env.Write("DELETE", "/v1.0/me/todo/lists/"+list, adele, nil, 204)
	// An app writing another user's tasks.
	other := "/v1.0/users/" + seed[2].ID + "/todo/lists"
	var lists struct{ Value []struct{ ID string } }
	if rec := env.Do("GET", other, app, nil); rec.Code != 200 || json.Unmarshal(rec.Body.Bytes(), &lists) != nil || len(lists.Value) == 0 {
		t.Fatalf("lists: %d %s", rec.Code, rec.Body.String())
	}
	env.Write("POST", other+"/"+lists.Value[0].ID+"/tasks", app, map[string]any{"title": "From the app"}, 201)
}
