package sandbox

import "testing"

// graphConformanceTodo covers To Do: lists, tasks, checklist items, linked
// resources and delta, for /me and, with an application token, /users/{id};
// run in order on one server ({list}, {task}, {step} and {link} are saved
// by earlier rows).
var graphConformanceTodo = []conformanceRow{
	{route: "GET /v1.0/me/todo/lists", path: "/v1.0/me/todo/lists", auth: "tasks", status: 200, typ: "todoTaskList", list: true, save: "default"},
	{route: "GET /v1.0/me/todo/lists", path: "/v1.0/me/todo/lists", auth: "user", status: 403},
	{route: "POST /v1.0/me/todo/lists", path: "/v1.0/me/todo/lists", auth: "tasks", status: 201, typ: "todoTaskList", body: `{"displayName": "Groceries"}`, save: "list"},
	{route: "POST /v1.0/me/todo/lists", path: "/v1.0/me/todo/lists", auth: "tasks", status: 400, body: `{"displayName": 7}`},
	{route: "POST /v1.0/me/todo/lists", path: "/v1.0/me/todo/lists", auth: "read", status: 403, body: `{"displayName": "x"}`},
	{route: "GET /v1.0/me/todo/lists/{lid}", path: "/v1.0/me/todo/lists/{list}", auth: "read", status: 200, typ: "todoTaskList"},
	{route: "GET /v1.0/me/todo/lists/{lid}", path: "/v1.0/me/todo/lists/AAMkAGnope", auth: "read", status: 404},
	{route: "PATCH /v1.0/me/todo/lists/{lid}", path: "/v1.0/me/todo/lists/{list}", auth: "tasks", status: 200, typ: "todoTaskList", body: `{"displayName": "Weekly groceries"}`},
	{route: "GET /v1.0/me/todo/lists/delta", path: "/v1.0/me/todo/lists/delta", auth: "tasks", status: 200, typ: "todoTaskList", list: true},
	{route: "POST /v1.0/me/todo/lists/{lid}/tasks", path: "/v1.0/me/todo/lists/{list}/tasks", auth: "tasks", status: 201, typ: "todoTask", save: "task",
		body: `{"title": "Milk", "importance": "high", "categories": ["Errand"], "body": {"contentType": "text", "content": "2 litres"},
		"dueDateTime": {"dateTime": "2025-06-03T10:00:00", "timeZone": "W. Europe Standard Time"}, "isReminderOn": true,
		"reminderDateTime": {"dateTime": "2025-06-03T08:00:00", "timeZone": "UTC"},
		"recurrence": {"pattern": {"type": "weekly", "interval": 1, "daysOfWeek": ["tuesday"]}, "range": {"type": "noEnd", "startDate": "2025-06-03"}},
		"checklistItems": [{"displayName": "Oat milk"}], "linkedResources": [{"webUrl": "https://shop.example/milk", "applicationName": "Shop", "displayName": "Milk"}]}`},
	{route: "POST /v1.0/me/todo/lists/{lid}/tasks", path: "/v1.0/me/todo/lists/{list}/tasks", auth: "tasks", status: 400, body: `{"title": "x", "status": "halfDone"}`},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks", path: "/v1.0/me/todo/lists/{list}/tasks", auth: "read", status: 200, typ: "todoTask", list: true},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks", path: "/v1.0/me/todo/lists/{default}/tasks?$filter=status%20eq%20%27completed%27&$top=2", auth: "read", status: 200, typ: "todoTask", list: true},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks", path: "/v1.0/me/todo/lists/{default}/tasks?$select=title,status&$orderby=title", auth: "read", status: 200, typ: "todoTask", list: true},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks/{tid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}?$expand=checklistItems,linkedResources", auth: "read", status: 200, typ: "todoTask"},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks/{tid}", path: "/v1.0/me/todo/lists/{list}/tasks/AAMkAGnope", auth: "read", status: 404},
	{route: "PATCH /v1.0/me/todo/lists/{lid}/tasks/{tid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}", auth: "tasks", status: 200, typ: "todoTask", body: `{"status": "inProgress"}`},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks/delta", path: "/v1.0/me/todo/lists/{list}/tasks/delta", auth: "tasks", status: 200, typ: "todoTask", list: true},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks/{tid}/checklistItems", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/checklistItems", auth: "read", status: 200, typ: "checklistItem", list: true},
	{route: "POST /v1.0/me/todo/lists/{lid}/tasks/{tid}/checklistItems", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/checklistItems", auth: "tasks", status: 201, typ: "checklistItem", body: `{"displayName": "Lactose free"}`, save: "step"},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks/{tid}/checklistItems/{sid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/checklistItems/{step}", auth: "read", status: 200, typ: "checklistItem"},
	{route: "PATCH /v1.0/me/todo/lists/{lid}/tasks/{tid}/checklistItems/{sid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/checklistItems/{step}", auth: "tasks", status: 200, typ: "checklistItem", body: `{"isChecked": true}`},
	{route: "DELETE /v1.0/me/todo/lists/{lid}/tasks/{tid}/checklistItems/{sid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/checklistItems/{step}", auth: "tasks", status: 204, judge: "none"},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks/{tid}/linkedResources", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/linkedResources", auth: "read", status: 200, typ: "linkedResource", list: true},
	{route: "POST /v1.0/me/todo/lists/{lid}/tasks/{tid}/linkedResources", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/linkedResources", auth: "tasks", status: 201, typ: "linkedResource", body: `{"webUrl": "https://shop.example/receipt", "displayName": "Receipt", "externalId": "R-1"}`, save: "link"},
	{route: "GET /v1.0/me/todo/lists/{lid}/tasks/{tid}/linkedResources/{rid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/linkedResources/{link}", auth: "read", status: 200, typ: "linkedResource"},
	{route: "PATCH /v1.0/me/todo/lists/{lid}/tasks/{tid}/linkedResources/{rid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/linkedResources/{link}", auth: "tasks", status: 200, typ: "linkedResource", body: `{"displayName": "Receipt (paid)"}`},
	{route: "DELETE /v1.0/me/todo/lists/{lid}/tasks/{tid}/linkedResources/{rid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}/linkedResources/{link}", auth: "tasks", status: 204, judge: "none"},
	{route: "DELETE /v1.0/me/todo/lists/{lid}/tasks/{tid}", path: "/v1.0/me/todo/lists/{list}/tasks/{task}", auth: "tasks", status: 204, judge: "none"},
	{route: "DELETE /v1.0/me/todo/lists/{lid}", path: "/v1.0/me/todo/lists/{default}", auth: "tasks", status: 400},
	{route: "DELETE /v1.0/me/todo/lists/{lid}", path: "/v1.0/me/todo/lists/{list}", auth: "tasks", status: 204, judge: "none"},
	// Another user's To Do, with an application token.
	{route: "GET /v1.0/users/{id}/todo/lists", path: "/v1.0/users/{megan}/todo/lists", auth: "app", status: 200, typ: "todoTaskList", list: true, save: "mlist"},
	{route: "GET /v1.0/users/{id}/todo/lists", path: "/v1.0/users/{megan}/todo/lists", auth: "tasks", status: 403},
	{route: "GET /v1.0/users/{id}/todo/lists/delta", path: "/v1.0/users/{megan}/todo/lists/delta", auth: "app", status: 200, typ: "todoTaskList", list: true},
	{route: "POST /v1.0/users/{id}/todo/lists", path: "/v1.0/users/{megan}/todo/lists", auth: "app", status: 201, typ: "todoTaskList", body: `{"displayName": "From the app"}`, save: "alist"},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}", path: "/v1.0/users/{megan}/todo/lists/{alist}", auth: "app", status: 200, typ: "todoTaskList"},
	{route: "PATCH /v1.0/users/{id}/todo/lists/{lid}", path: "/v1.0/users/{megan}/todo/lists/{alist}", auth: "app", status: 200, typ: "todoTaskList", body: `{"displayName": "Set by the app"}`},
	{route: "POST /v1.0/users/{id}/todo/lists/{lid}/tasks", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks", auth: "app", status: 201, typ: "todoTask", body: `{"title": "Review"}`, save: "atask"},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}/tasks", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks", auth: "app", status: 200, typ: "todoTask", list: true},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}/tasks/delta", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/delta", auth: "app", status: 200, typ: "todoTask", list: true},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}", auth: "app", status: 200, typ: "todoTask"},
	{route: "PATCH /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}", auth: "app", status: 200, typ: "todoTask", body: `{"status": "completed"}`},
	{route: "POST /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/checklistItems", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/checklistItems", auth: "app", status: 201, typ: "checklistItem", body: `{"displayName": "Read it"}`, save: "astep"},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/checklistItems", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/checklistItems", auth: "app", status: 200, typ: "checklistItem", list: true},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/checklistItems/{sid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/checklistItems/{astep}", auth: "app", status: 200, typ: "checklistItem"},
	{route: "PATCH /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/checklistItems/{sid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/checklistItems/{astep}", auth: "app", status: 200, typ: "checklistItem", body: `{"displayName": "Read it twice"}`},
	{route: "DELETE /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/checklistItems/{sid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/checklistItems/{astep}", auth: "app", status: 204, judge: "none"},
	{route: "POST /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/linkedResources", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/linkedResources", auth: "app", status: 201, typ: "linkedResource", body: `{"webUrl": "https://example.com/r"}`, save: "alink"},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/linkedResources", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/linkedResources", auth: "app", status: 200, typ: "linkedResource", list: true},
	{route: "GET /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/linkedResources/{rid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/linkedResources/{alink}", auth: "app", status: 200, typ: "linkedResource"},
	{route: "PATCH /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/linkedResources/{rid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/linkedResources/{alink}", auth: "app", status: 200, typ: "linkedResource", body: `{"applicationName": "Example"}`},
	{route: "DELETE /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}/linkedResources/{rid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}/linkedResources/{alink}", auth: "app", status: 204, judge: "none"},
	{route: "DELETE /v1.0/users/{id}/todo/lists/{lid}/tasks/{tid}", path: "/v1.0/users/{megan}/todo/lists/{alist}/tasks/{atask}", auth: "app", status: 204, judge: "none"},
	{route: "DELETE /v1.0/users/{id}/todo/lists/{lid}", path: "/v1.0/users/{megan}/todo/lists/{alist}", auth: "app", status: 204, judge: "none"},
}

func TestGraphConformanceTodo(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"tasks": "User.Read Tasks.ReadWrite",
		"read":  "User.Read Tasks.Read",
		"user":  "User.Read",
	})
	c.fill("{megan}", MeganBowenID)
	for _, row := range graphConformanceTodo {
		c.run(row)
	}
}
