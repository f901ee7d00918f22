package todo

import (
	"encoding/json"
	"slices"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the property table of tasks: schema.Apply checks a body
// against Graph's schema and the setters below keep what To Do keeps, with
// its rules: dates in any zone kept as instants, a completed task gets its
// completion date, a recurring task a due date, and completing a recurring
// task makes its next occurrence.

// taskEdit is a task a body changes.
type taskEdit struct {
	t      *task
	now    time.Time
	create bool
	status bool // the body set status
	done   bool // the body set completedDateTime
}

// decodeAs reads a checked value into v.
func decodeAs(raw json.RawMessage, v any) *graphkit.Error {
	if string(raw) == "null" {
		return nil
	}
	if json.Unmarshal(raw, v) != nil {
		return graphkit.ErrUnreadablePayload
	}
	return nil
}

// dateSetter sets a dateTimeTimeZone property: an instant, or none for null.
func dateSetter(at func(*task) *time.Time, then func(*taskEdit)) schema.Setter[*taskEdit] {
	return func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		var d *outlook.DateTimeTimeZone
		if ge := decodeAs(raw, &d); ge != nil {
			return ge
		}
		v := time.Time{}
		if d != nil {
			t, msg := outlook.ParseDateTime(*d)
			if msg != "" {
				return graphkit.Err(400, "invalidRequest", msg)
			}
			v = t.UTC()
		}
		*at(e.t) = v
		if then != nil {
			then(e)
		}
		return nil
	}
}

var taskSetters = schema.Setters[*taskEdit]{
	"title": func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		e.t.Title = ""
		return decodeAs(raw, &e.t.Title)
	},
	"body": func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		b := outlook.ItemBody{ContentType: "text"}
		if ge := decodeAs(raw, &b); ge != nil {
			return ge
		}
		if b.ContentType == "" {
			b.ContentType = "text"
		}
		e.t.Body, e.t.BodyChanged = b, e.now
		return nil
	},
	"importance": func(e *taskEdit, raw json.RawMessage) *graphkit.Error { return decodeAs(raw, &e.t.Importance) },
	"status": func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		e.status = true
		return decodeAs(raw, &e.t.Status)
	},
	"categories": func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		e.t.Categories = []string{}
		return decodeAs(raw, &e.t.Categories)
	},
	"isReminderOn":      func(e *taskEdit, raw json.RawMessage) *graphkit.Error { return decodeAs(raw, &e.t.IsReminderOn) },
	"dueDateTime":       dateSetter(func(t *task) *time.Time { return &t.Due }, nil),
	"startDateTime":     dateSetter(func(t *task) *time.Time { return &t.Start }, nil),
	"reminderDateTime":  dateSetter(func(t *task) *time.Time { return &t.Reminder }, nil),
	"completedDateTime": dateSetter(func(t *task) *time.Time { return &t.Completed }, func(e *taskEdit) { e.done = true }),
	"recurrence": func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		var rc *outlook.Recurrence
		if ge := decodeAs(raw, &rc); ge != nil {
			return ge
		}
		if rc != nil {
			if msg := rc.Validate(); msg != "" {
				return graphkit.Err(400, "invalidRequest", msg)
			}
		}
		e.t.Recurrence = rc
		return nil
	},
	"checklistItems": func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		if !e.create {
			return errNavUpdate("checklistItems")
		}
		var in []struct {
			DisplayName string `json:"displayName"`
			IsChecked   bool   `json:"isChecked"`
		}
		if ge := decodeAs(raw, &in); ge != nil {
			return ge
		}
		for _, x := range in {
			st := &step{DisplayName: x.DisplayName, Created: e.now}
			st.check(x.IsChecked, e.now)
			e.t.Steps = append(e.t.Steps, st)
		}
		return nil
	},
	"linkedResources": func(e *taskEdit, raw json.RawMessage) *graphkit.Error {
		if !e.create {
			return errNavUpdate("linkedResources")
		}
		var in []*link
		if ge := decodeAs(raw, &in); ge != nil {
			return ge
		}
		e.t.Links = append(e.t.Links, in...)
		return nil
	},
}

// errNavUpdate is the answer to a PATCH of a task that sets its steps or
// links, which have their own routes.
func errNavUpdate(name string) *graphkit.Error {
	return graphkit.BadRequest("The property '" + name + "' cannot be updated with the task: use …/tasks/{id}/" + name + ".")
}

// finish applies the rules that span properties, once the body is set.
func (e *taskEdit) finish() *graphkit.Error {
	t := e.t
	switch {
	case t.Status == "completed" && t.Completed.IsZero():
		t.Completed = e.now.Truncate(24 * time.Hour)
	case t.Status != "completed" && e.status && !e.done:
		t.Completed = time.Time{}
	}
	if t.Recurrence != nil && t.Due.IsZero() {
		if d, ok := outlook.ParseDate(t.Recurrence.Range.StartDate); ok {
			t.Due = d
		}
	}
	return nil
}

// nextOccurrence returns the next occurrence of a recurring task that the
// update completes (was: before it), and leaves the completed one without
// recurrence, as To Do does; nil when there is none.
func (e *taskEdit) nextOccurrence(was *task) *task {
	t := e.t
	if t.Recurrence == nil || t.Status != "completed" || was.Status == "completed" {
		return nil
	}
	var due time.Time
	t.Recurrence.Dates(t.Due, func(d time.Time) bool {
		if d.After(t.Due) {
			due = d
			return false
		}
		return true
	})
	rc := t.Recurrence
	t.Recurrence = nil
	if due.IsZero() {
		return nil
	}
	next := &task{ListID: t.ListID, Title: t.Title, Body: t.Body, Importance: t.Importance, Status: "notStarted",
		Categories: slices.Clone(t.Categories), IsReminderOn: t.IsReminderOn, Due: due.Add(t.Due.Sub(t.Due.Truncate(24 * time.Hour))),
		Recurrence: rc, Created: e.now, Changed: e.now, BodyChanged: e.now}
	if !t.Reminder.IsZero() {
		next.Reminder = t.Reminder.Add(next.Due.Sub(t.Due))
	}
	for _, st := range t.Steps {
		next.Steps = append(next.Steps, &step{DisplayName: st.DisplayName, Created: e.now})
	}
	for _, l := range t.Links {
		cp := *l
		next.Links = append(next.Links, &cp)
	}
	return next
}
