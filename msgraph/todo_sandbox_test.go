package msgraph

import (
	"errors"
	"testing"
)

// TestSandboxTodo drives every TodoService method against the sandbox:
// lists (default, create, rename, delete, delta), tasks (create with dates
// in a time zone, steps and links; update; complete a recurring one into
// its next occurrence; delete; delta), checklist items and linked
// resources.
func TestSandboxTodo(t *testing.T) {
	c, _, _ := onSandbox(t, "Tasks.ReadWrite")
	ctx := t.Context()
	def, _, err := c.Todo.DefaultList(ctx, "")
	if err != nil || def.WellknownListName != "defaultList" || def.DisplayName != "Tasks" {
		t.Fatalf("DefaultList: %+v %v", def, err)
	}
	var names []string
	for l, err := range c.Todo.ListListsIter(ctx, "", &ListOptions{Top: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, l.DisplayName)
	}
	if len(names) < 3 {
		t.Errorf("ListListsIter over pages of 1: %v", names)
	}
	_, listsLinkResp, err := c.Todo.ListsDelta(ctx, "", nil)
	listsLink := deltaLinkOf(listsLinkResp)
	if err != nil || listsLink == "" {
		t.Fatalf("ListsDelta: %q %v", listsLink, err)
	}

	list, _, err := c.Todo.CreateList(ctx, "", "Trip")
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Todo.RenameList(ctx, "", list.ID, "Trip to Lisbon"); err != nil || got.DisplayName != "Trip to Lisbon" {
		t.Errorf("RenameList: %+v %v", got, err)
	}
	if got, _, err := c.Todo.GetList(ctx, "", list.ID); err != nil || got.DisplayName != "Trip to Lisbon" || got.WellknownListName != "none" {
		t.Errorf("GetList: %+v %v", got, err)
	}
	changed, _, err := c.Todo.ListsDelta(ctx, "", &DeltaOptions{Link: listsLink})
	if err != nil || len(changed) != 1 || changed[0].ID != list.ID {
		t.Errorf("ListsDelta after a create: %+v %v", changed, err)
	}

	due := DateTimeTimeZone{DateTime: "2025-07-01T09:00:00", TimeZone: "Pacific Standard Time"}
	task, _, err := c.Todo.CreateTask(ctx, "", list.ID, &TodoTask{Title: "Book flights", Importance: "high", DueDateTime: due,
		ChecklistItems: []ChecklistItem{{DisplayName: "Compare prices"}}, LinkedResources: []LinkedResource{{WebURL: "https://travel.example/trip/7", ApplicationName: "Travel"}}})
	if err != nil || task.Importance != "high" || task.DueDateTime.TimeZone != "UTC" || task.DueDateTime.DateTime != "2025-07-01T16:00:00.0000000" {
		t.Fatalf("CreateTask: %+v %v", task, err)
	}
	steps, _, err := c.Todo.ListChecklistItems(ctx, "", list.ID, task.ID, nil)
	if err != nil || len(steps) != 1 || steps[0].DisplayName != "Compare prices" {
		t.Fatalf("ListChecklistItems: %+v %v", steps, err)
	}
	step, _, err := c.Todo.AddChecklistItem(ctx, "", list.ID, task.ID, "Pick seats")
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Todo.CheckChecklistItem(ctx, "", list.ID, task.ID, step.ID, true); err != nil || !got.IsChecked || got.CheckedDateTime.IsZero() {
		t.Errorf("CheckChecklistItem: %+v %v", got, err)
	}
	if got, _, err := c.Todo.UpdateChecklistItem(ctx, "", list.ID, task.ID, step.ID, &ChecklistItemUpdate{DisplayName: Ptr("Pick aisle seats")}); err != nil || got.DisplayName != "Pick aisle seats" || !got.IsChecked {
		t.Errorf("UpdateChecklistItem: %+v %v", got, err)
	}
	if got, _, err := c.Todo.GetChecklistItem(ctx, "", list.ID, task.ID, step.ID); err != nil || got.DisplayName != "Pick aisle seats" {
		t.Errorf("GetChecklistItem: %+v %v", got, err)
	}
	if _, err := c.Todo.DeleteChecklistItem(ctx, "", list.ID, task.ID, step.ID); err != nil {
		t.Error(err)
	}
	n := 0
	for range c.Todo.ListChecklistItemsIter(ctx, "", list.ID, task.ID, nil) {
		n++
	}
	if n != 1 {
		t.Errorf("ListChecklistItemsIter after a delete: %d items", n)
	}
	link, _, err := c.Todo.AddLinkedResource(ctx, "", list.ID, task.ID, &LinkedResource{WebURL: "https://mail.example/m/1", DisplayName: "Itinerary"})
	if err != nil {
		t.Fatal(err)
	}
	if got, _, err := c.Todo.UpdateLinkedResource(ctx, "", list.ID, task.ID, link.ID, &LinkedResource{DisplayName: "Final itinerary"}); err != nil || got.DisplayName != "Final itinerary" || got.WebURL != "https://mail.example/m/1" {
		t.Errorf("UpdateLinkedResource: %+v %v", got, err)
	}
	if _, err := c.Todo.DeleteLinkedResource(ctx, "", list.ID, task.ID, link.ID); err != nil {
		t.Error(err)
	}
	links, _, err := c.Todo.ListLinkedResources(ctx, "", list.ID, task.ID, nil)
	if err != nil || len(links) != 1 || links[0].ApplicationName != "Travel" {
		t.Errorf("ListLinkedResources: %+v %v", links, err)
	}
	for l, err := range c.Todo.ListLinkedResourcesIter(ctx, "", list.ID, task.ID, nil) {
		if err != nil || l.ID != links[0].ID {
			t.Errorf("ListLinkedResourcesIter: %+v %v", l, err)
		}
	}

	// A weekly task, completed, comes back a week later.
	weekly, _, err := c.Todo.CreateTask(ctx, "", list.ID, &TodoTask{Title: "Water the plants", DueDateTime: DateTimeTimeZone{DateTime: "2025-07-04T00:00:00", TimeZone: "UTC"},
		Recurrence: &Recurrence{Pattern: RecurrencePattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"friday"}},
			Range: RecurrenceRange{Type: "noEnd", StartDate: "2025-07-04"}}})
	if err != nil {
		t.Fatal(err)
	}
	_, tasksLinkResp, err := c.Todo.TasksDelta(ctx, "", list.ID, nil)
	tasksLink := deltaLinkOf(tasksLinkResp)
	if err != nil {
		t.Fatal(err)
	}
	done, _, err := c.Todo.CompleteTask(ctx, "", list.ID, weekly.ID)
	if err != nil || done.Status != "completed" || done.Recurrence != nil {
		t.Fatalf("CompleteTask: %+v %v", done, err)
	}
	var next *TodoTask
	for tk, err := range c.Todo.ListTasksIter(ctx, "", list.ID, &ListOptions{Filter: "title eq 'Water the plants' and status eq 'notStarted'"}) {
		if err != nil {
			t.Fatal(err)
		}
		next = tk
	}
	if next == nil || next.DueDateTime.DateTime != "2025-07-11T00:00:00.0000000" || next.Recurrence == nil {
		t.Fatalf("next occurrence: %+v", next)
	}
	upd, _, err := c.Todo.UpdateTask(ctx, "", list.ID, task.ID, &TodoTaskUpdate{Status: Ptr("inProgress"), Categories: []string{"Travel"}})
	if err != nil || upd.Status != "inProgress" || len(upd.Categories) != 1 {
		t.Errorf("UpdateTask: %+v %v", upd, err)
	}
	if _, err := c.Todo.DeleteTask(ctx, "", list.ID, task.ID); err != nil {
		t.Fatal(err)
	}
	delta, _, err := c.Todo.TasksDelta(ctx, "", list.ID, &DeltaOptions{Link: tasksLink})
	seen := map[string]*TodoTask{}
	for _, d := range delta {
		seen[d.ID] = d
	}
	if err != nil || seen[task.ID] == nil || seen[task.ID].Removed == nil || seen[weekly.ID] == nil || seen[next.ID] == nil {
		t.Errorf("TasksDelta: %d results %v", len(delta), err)
	}
	if _, _, err := c.Todo.GetTask(ctx, "", list.ID, task.ID); !IsNotFound(err) {
		t.Errorf("GetTask after DeleteTask: %v", err)
	}
	tasks, _, err := c.Todo.ListTasks(ctx, "", list.ID, &ListOptions{OrderBy: []string{"title"}})
	if err != nil || len(tasks) != 2 {
		t.Errorf("ListTasks: %d %v", len(tasks), err)
	}
	if _, err := c.Todo.DeleteList(ctx, "", list.ID); err != nil {
		t.Fatal(err)
	}
	var ge *Error
	if _, err := c.Todo.DeleteList(ctx, "", def.ID); !errors.As(err, &ge) || ge.StatusCode != 400 {
		t.Errorf("DeleteList of the default list: %v", err)
	}
}
