// Package todo is the sandbox's Microsoft To Do workload (O365's ToDo,
// Folder and Task) for /me/todo/... and /users/{id|upn}/todo/...: task
// lists (the default "Tasks" list, "Flagged Emails" and the user's own),
// tasks with status, importance, dates in time zones, recurrence (completing
// a recurring task makes its next occurrence), categories and a body, their
// checklist items and linked resources, and delta for lists and tasks. Its
// data has its own lock and journals by entity (state.go).
package todo

import (
	"context"
	"fmt"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Name is the workload's name: it keys its part of the state and its
// journal records.
const Name = "todo"

// Workload is the To Do workload: the Graph kit and every seeded user's
// lists and tasks under one lock.
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
	*store
}

// New returns the To Do workload with the seeded lists and tasks.
func New(k *graphkit.Kit) *Workload { return &Workload{Kit: k, store: seedStore()} }

// Routes registers the To Do routes, for /me and /users/{id}.
func (s *Workload) Routes(m *graphkit.Mux) {
	const list, task = "/todo/lists/{lid}", "/todo/lists/{lid}/tasks/{tid}"
	for _, r := range []struct {
		method, suffix string
		h              graphkit.OwnerHandler
	}{
		{"GET", "/todo/lists", s.listLists}, {"GET", "/todo/lists/delta", s.listDelta},
		{"GET", list, s.getList}, {"GET", list + "/tasks", s.listTasks}, {"GET", list + "/tasks/delta", s.taskDelta},
		{"GET", task, s.getTask},
		{"GET", task + "/checklistItems", s.listPart(&steps)}, {"GET", task + "/checklistItems/{sid}", s.getPart(&steps)},
		{"GET", task + "/linkedResources", s.listPart(&links)}, {"GET", task + "/linkedResources/{rid}", s.getPart(&links)},
	} {
		s.HandleOwned(m, r.method, r.suffix, r.h)
	}
	for _, r := range []struct {
		method, suffix string
		h              graphkit.OwnerHandler
	}{
		{"POST", "/todo/lists", s.createList}, {"PATCH", list, s.updateList}, {"DELETE", list, s.deleteList},
		{"POST", list + "/tasks", s.createTask}, {"PATCH", task, s.updateTask}, {"DELETE", task, s.deleteTask},
		{"POST", task + "/checklistItems", s.createPart(&steps)}, {"PATCH", task + "/checklistItems/{sid}", s.updatePart(&steps)},
		{"DELETE", task + "/checklistItems/{sid}", s.deletePart(&steps)},
		{"POST", task + "/linkedResources", s.createPart(&links)}, {"PATCH", task + "/linkedResources/{rid}", s.updatePart(&links)},
		{"DELETE", task + "/linkedResources/{rid}", s.deletePart(&links)},
	} {
		s.HandleOwned(m, r.method, r.suffix, r.h)
	}
}

// store is the To Do data of every seeded user.
type store struct {
	users map[string]*user // by user id
	// feed numbers every change (change keys take their positions in it)
	// and keeps removed lists and tasks, for delta.
	feed *graphkit.Feed
}

// user is one user's task lists and tasks.
type user struct {
	lists []*taskList // the default list first
	tasks []*task     // in creation order, every list's
}

// Well-known list names.
const (
	defaultList   = "defaultList"
	flaggedEmails = "flaggedEmails"
	ownList       = "none"
)

// taskList is a todoTaskList.
type taskList struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Wellknown   string `json:"wellknownListName"`
	ChangeKey   string `json:"changeKey"`
	Seq         int64  `json:"seq,omitempty"` // the feed position of its last change (0: seeded)
}

// task is a todoTask. Its dates are instants: a dateTimeTimeZone given in
// any zone is kept in UTC and written in the zone the request prefers.
type task struct {
	ID, ListID   string
	Title        string
	Body         outlook.ItemBody
	Importance   string
	Status       string
	Categories   []string
	IsReminderOn bool
	Due          time.Time           `json:",omitzero"`
	Start        time.Time           `json:",omitzero"`
	Reminder     time.Time           `json:",omitzero"`
	Completed    time.Time           `json:",omitzero"`
	Recurrence   *outlook.Recurrence `json:",omitempty"`
	Steps        []*step             `json:",omitempty"` // checklistItems
	Links        []*link             `json:",omitempty"` // linkedResources
	Created      time.Time
	Changed      time.Time
	BodyChanged  time.Time
	ChangeKey    string
	Seq          int64 `json:",omitempty"` // the feed position of its last change (0: seeded)
}

// step is a checklistItem.
type step struct {
	ID          string    `json:"id"`
	DisplayName string    `json:"displayName"`
	IsChecked   bool      `json:"isChecked,omitempty"`
	Created     time.Time `json:"created"`
	Checked     time.Time `json:"checked,omitzero"`
}

// link is a linkedResource.
type link struct {
	ID              string `json:"id"`
	WebURL          string `json:"webUrl,omitempty"`
	ApplicationName string `json:"applicationName,omitempty"`
	DisplayName     string `json:"displayName,omitempty"`
	ExternalID      string `json:"externalId,omitempty"`
}

// OData types, in Graph's member order.
var (
	listType = &odata.Type{Name: "microsoft.graph.todoTaskList", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "displayName", "isOwner", "isShared", "wellknownListName", "id"}}
	taskType = &odata.Type{Name: "microsoft.graph.todoTask", Keep: []string{"@odata.etag", "id"},
		Props: []string{"@odata.etag", "importance", "isReminderOn", "status", "title", "createdDateTime",
			"lastModifiedDateTime", "hasAttachments", "categories", "id", "bodyLastModifiedDateTime", "body",
			"completedDateTime", "dueDateTime", "startDateTime", "reminderDateTime", "recurrence"},
		Expandable: []string{"checklistItems", "linkedResources", "attachments", "extensions"}}
	stepType = &odata.Type{Name: "microsoft.graph.checklistItem", Keep: []string{"id"},
		Props: []string{"displayName", "createdDateTime", "checkedDateTime", "isChecked", "id"}}
	linkType = &odata.Type{Name: "microsoft.graph.linkedResource", Keep: []string{"id"},
		Props: []string{"id", "webUrl", "applicationName", "displayName", "externalId"}}
)

var limits = odata.Limits{DefaultTop: 10, MaxTop: 1000}

// user returns u's data; the caller holds Workload.mu.
func (st *store) user(u *graphkit.User) *user { return st.users[u.ID] }

// changeKey is a new change key, at the feed's next position.
func (st *store) changeKey(ctx context.Context) string {
	return outlook.ChangeKey(int(st.feed.Next(ctx)))
}

// newID returns an id for a new list, task, step or link of owner's.
func (st *store) newID(ctx context.Context, owner, kind string) string {
	return ids.Stable(owner, kind, "created", fmt.Sprint(st.feed.Next(ctx)))
}

// bg is the context of seeding: nothing is journaled.
var bg = context.Background()

// seedUsers are the seeded users the tasks belong to.
var seedUsers = directory.Seed()

var seedTime = time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC)

// seedStore returns every seeded user's lists and tasks: the default list
// with a few tasks, Flagged Emails, and a project list with steps and a
// link, the same on every run and every Reset.
func seedStore() *store {
	st := &store{users: map[string]*user{}, feed: graphkit.NewFeed(Name)}
	for i := range seedUsers {
		st.users[seedUsers[i].ID] = st.seedUser(seedUsers[i].ID)
	}
	return st
}

func (st *store) seedUser(owner string) *user {
	tu := &user{}
	key := outlook.ChangeKey(0)
	for _, l := range []struct{ name, known string }{{"Tasks", defaultList}, {"Flagged Emails", flaggedEmails}, {"Launch", ownList}} {
		tu.lists = append(tu.lists, &taskList{ID: ids.Stable(owner, "todoTaskList", l.name), DisplayName: l.name, Wellknown: l.known, ChangeKey: key})
	}
	day := func(d int) time.Time { return seedTime.AddDate(0, 0, d).Truncate(24 * time.Hour) }
	add := func(list int, title, importance, status string, due time.Time, steps ...string) *task {
		t := &task{ID: ids.Stable(owner, "todoTask", title), ListID: tu.lists[list].ID, Title: title,
			Body: outlook.ItemBody{ContentType: "text"}, Importance: importance, Status: status, Categories: []string{},
			Due: due, Created: seedTime, Changed: seedTime, BodyChanged: seedTime, ChangeKey: key}
		if status == "completed" {
			t.Completed = day(1)
		}
		for _, name := range steps {
			t.Steps = append(t.Steps, &step{ID: ids.Stable(owner, "checklistItem", title, name), DisplayName: name, Created: seedTime})
		}
		tu.tasks = append(tu.tasks, t)
		return t
	}
	add(0, "Book travel for the customer visit", "high", "notStarted", day(10))
	add(0, "Send the quarterly report", "normal", "inProgress", day(5)).Body.Content = "Figures from the finance team, charts from the Budget 2025 workbook."
	add(0, "Renew the parking permit", "low", "completed", time.Time{})
	weekly := add(0, "Team status update", "normal", "notStarted", day(4))
	weekly.Recurrence = &outlook.Recurrence{Pattern: outlook.Pattern{Type: "weekly", Interval: 1, DaysOfWeek: []string{"friday"}, FirstDayOfWeek: "sunday", Index: "first"},
		Range: outlook.RecurrenceRange{Type: "noEnd", StartDate: day(4).Format("2006-01-02"), EndDate: "0001-01-01"}}
	plan := add(2, "Finish the launch checklist", "high", "inProgress", day(20), "Beta feedback reviewed", "Docs published", "Press release approved")
	plan.Steps[0].IsChecked, plan.Steps[0].Checked = true, day(2)
	plan.Links = []*link{{ID: ids.Stable(owner, "linkedResource", "plan"), WebURL: "https://tracker." + directory.TenantDomain + "/launch/42",
		ApplicationName: "Tracker", DisplayName: "Launch epic", ExternalID: "LAUNCH-42"}}
	add(2, "Brief the support team", "normal", "notStarted", day(18))
	return tu
}
