package m365mcp

import (
	"context"
	"fmt"
)

// TaskList is a To Do list.
type TaskList struct {
	ID      string `json:"id"`
	Name    string `json:"name"`
	Default bool   `json:"default,omitempty" jsonschema:"the user's default list (Tasks)"`
}

// TaskLists are the user's To Do lists.
type TaskLists struct {
	Lists []TaskList `json:"lists"`
}

// TodoItem is a To Do task.
type TodoItem struct {
	ID         string `json:"id" jsonschema:"the task id, for todo_complete"`
	Title      string `json:"title"`
	Status     string `json:"status" jsonschema:"notStarted, inProgress, completed, waitingOnOthers or deferred"`
	Importance string `json:"importance,omitempty"`
	Due        string `json:"due,omitempty" jsonschema:"due date, YYYY-MM-DD"`
	Note       string `json:"note,omitempty"`
}

// TodoItems are a page of a list's tasks.
type TodoItems struct {
	ListID string     `json:"listId"`
	Tasks  []TodoItem `json:"tasks"`
	Cursor string     `json:"cursor,omitempty" jsonschema:"pass back as cursor for the next page; absent on the last page"`
}

type todoTasksIn struct {
	List             string `json:"list,omitempty" jsonschema:"a list id from todo_lists (default: the default list)"`
	IncludeCompleted bool   `json:"includeCompleted,omitempty" jsonschema:"also list completed tasks"`
	Top              int    `json:"top,omitempty" jsonschema:"page size, 1 to 50 (default 10)"`
	Cursor           string `json:"cursor,omitempty" jsonschema:"the cursor of the previous page"`
}

type todoAddIn struct {
	List       string `json:"list,omitempty" jsonschema:"a list id from todo_lists (default: the default list)"`
	Title      string `json:"title"`
	Due        string `json:"due,omitempty" jsonschema:"due date, YYYY-MM-DD"`
	Importance string `json:"importance,omitempty" jsonschema:"low, normal (default) or high"`
	Note       string `json:"note,omitempty"`
}

type todoCompleteIn struct {
	List string `json:"list,omitempty" jsonschema:"the task's list id (default: the default list)"`
	ID   string `json:"id" jsonschema:"the task id"`
}

func todoTools() []*toolSpec {
	return []*toolSpec{
		newTool(toolSpec{name: "todo_lists", title: "List To Do lists", area: AreaTodo,
			description: "List the user's Microsoft To Do task lists."},
			nil, func(ctx context.Context, s *Server, _ struct{}) (TaskLists, error) { return s.g.todoLists(ctx) }),
		newTool(toolSpec{name: "todo_tasks", title: "List tasks", area: AreaTodo,
			description: "List the open tasks of a To Do list (the default list unless given)."},
			nil, func(ctx context.Context, s *Server, in todoTasksIn) (TodoItems, error) {
				return s.g.todoTasks(ctx, s, in)
			}),
		newTool(toolSpec{name: "todo_add", title: "Add a task", area: AreaTodo, write: true,
			description: "Add a task to a To Do list (the default list unless given)."},
			func(in todoAddIn) string { return fmt.Sprintf("Add the task %q to To Do.", in.Title) },
			func(ctx context.Context, s *Server, in todoAddIn) (TodoItem, error) { return s.g.todoAdd(ctx, in) }),
		newTool(toolSpec{name: "todo_complete", title: "Complete a task", area: AreaTodo, write: true, idempotent: true,
			description: "Mark a To Do task completed."},
			func(in todoCompleteIn) string { return fmt.Sprintf("Mark task %s completed.", in.ID) },
			func(ctx context.Context, s *Server, in todoCompleteIn) (TodoItem, error) {
				return s.g.todoComplete(ctx, in)
			}),
	}
}
