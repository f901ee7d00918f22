package m365mcp

import (
	"context"

	"github.com/authsome-go/authsome/msgraph"
)

func todoItem(t *msgraph.TodoTask) TodoItem {
	out := TodoItem{ID: t.ID, Title: t.Title, Status: t.Status, Importance: t.Importance, Note: t.Body.Content}
	if d := t.DueDateTime.DateTime; len(d) >= len("2006-01-02") {
		out.Due = d[:len("2006-01-02")]
	}
	return out
}

func (g *graph) todoLists(ctx context.Context) (TaskLists, error) {
	ls, _, err := g.c.Todo.ListLists(ctx, me, &msgraph.ListOptions{Top: 50})
	out := TaskLists{Lists: []TaskList{}}
	for _, l := range ls {
		out.Lists = append(out.Lists, TaskList{ID: l.ID, Name: l.DisplayName, Default: l.WellknownListName == "defaultList"})
	}
	return out, err
}

// list returns id, or the default list's id.
func (g *graph) list(ctx context.Context, id string) (string, error) {
	if id != "" {
		return id, nil
	}
	l, _, err := g.c.Todo.DefaultList(ctx, me)
	if err != nil {
		return "", err
	}
	return l.ID, nil
}

func (g *graph) todoTasks(ctx context.Context, s *Server, in todoTasksIn) (TodoItems, error) {
	out := TodoItems{Tasks: []TodoItem{}}
	tasks, cursor, err := page(ctx, s, "todo_tasks", in.Cursor, func() ([]*msgraph.TodoTask, *msgraph.Response, error) {
		list, err := g.list(ctx, in.List)
		if err != nil {
			return nil, nil, err
		}
		out.ListID = list
		lo := listOpts(in.Top, "id", "title", "status", "importance", "dueDateTime", "body")
		if !in.IncludeCompleted {
			lo.Filter = msgraph.Ne("status", "completed").String()
		}
		return g.c.Todo.ListTasks(ctx, me, list, &lo)
	})
	for _, t := range tasks {
		out.Tasks = append(out.Tasks, todoItem(t))
	}
	out.Cursor = cursor
	return out, err
}

func (g *graph) todoAdd(ctx context.Context, in todoAddIn) (TodoItem, error) {
	if in.Title == "" {
		return TodoItem{}, badInput("title is required")
	}
	t := &msgraph.TodoTask{Title: in.Title, Importance: in.Importance}
	if in.Note != "" {
		t.Body = msgraph.TextBody(in.Note)
	}
	if in.Due != "" {
		d, err := parseTime("due", in.Due, nil)
		if err != nil {
			return TodoItem{}, err
		}
		t.DueDateTime = msgraph.DateTimeTimeZone{DateTime: d.Format(localLayout), TimeZone: "UTC"}
	}
	list, err := g.list(ctx, in.List)
	if err != nil {
		return TodoItem{}, err
	}
	created, _, err := g.c.Todo.CreateTask(ctx, me, list, t)
	if err != nil {
		return TodoItem{}, err
	}
	return todoItem(created), nil
}

func (g *graph) todoComplete(ctx context.Context, in todoCompleteIn) (TodoItem, error) {
	list, err := g.list(ctx, in.List)
	if err != nil {
		return TodoItem{}, err
	}
	t, _, err := g.c.Todo.CompleteTask(ctx, me, list, in.ID)
	if err != nil {
		return TodoItem{}, err
	}
	return todoItem(t), nil
}
