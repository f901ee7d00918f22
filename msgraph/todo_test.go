package msgraph

import (
	"encoding/json"
	"io"
	"net/http"
	"testing"
)

func TestTodoTasks(t *testing.T) {
	c, mux, _ := setup(t)
	var sent map[string]any
	mux.HandleFunc("PATCH /v1.0/me/todo/lists/{list}/tasks/{task}", func(w http.ResponseWriter, r *http.Request) {
		if r.PathValue("list") != "AQMk=" || r.PathValue("task") != "t1" {
			t.Errorf("path %s", r.URL.EscapedPath())
		}
		b, _ := io.ReadAll(r.Body)
		json.Unmarshal(b, &sent)
		io.WriteString(w, `{"id":"t1","status":"completed","completedDateTime":{"dateTime":"2025-03-03T10:00:00.0000000","timeZone":"UTC"}}`)
	})
	mux.HandleFunc("GET /v1.0/users/u1/todo/lists", func(w http.ResponseWriter, r *http.Request) {
		io.WriteString(w, `{"value":[{"id":"l1","displayName":"Tasks","wellknownListName":"defaultList","isOwner":true}]}`)
	})
	task, _, err := c.Todo.CompleteTask(t.Context(), "", "AQMk=", "t1")
	if err != nil || task.Status != "completed" {
		t.Fatalf("CompleteTask: %+v %v", task, err)
	}
	done, _ := sent["completedDateTime"].(map[string]any)
	if sent["status"] != "completed" || done["timeZone"] != "UTC" || done["dateTime"] == "" {
		t.Errorf("sent %v", sent)
	}
	lists, _, err := c.Todo.ListLists(t.Context(), "u1", nil)
	if err != nil || len(lists) != 1 || lists[0].WellknownListName != "defaultList" {
		t.Errorf("ListLists %+v %v", lists, err)
	}
}
