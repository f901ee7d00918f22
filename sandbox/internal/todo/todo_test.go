package todo

import (
	"encoding/json"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit/kittest"
)

type env struct {
	*kittest.Env
	t   *testing.T
	tok string
}

func newEnv(t *testing.T) *env {
	e := kittest.New(t, func(k *graphkit.Kit) graphkit.Workload { return New(k) })
	return &env{e, t, kittest.UserToken(directory.Seed()[0].ID, "Tasks.ReadWrite")}
}

// get sends a GET with hdr and decodes the JSON answer, which must be 200.
func (e *env) get(path string, hdr ...string) (map[string]any, *httptest.ResponseRecorder) {
	e.t.Helper()
	r := httptest.NewRequest("GET", path, nil)
	r.Header.Set("Authorization", "Bearer "+e.tok)
	for i := 0; i+1 < len(hdr); i += 2 {
		r.Header.Set(hdr[i], hdr[i+1])
	}
	rec := e.Serve(r)
	if rec.Code != 200 {
		e.t.Fatalf("GET %s: %d %s", path, rec.Code, rec.Body.String())
	}
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		e.t.Fatal(err)
	}
	return out, rec
}

func values(o map[string]any) []map[string]any {
	var out []map[string]any
	for _, v := range o["value"].([]any) {
		out = append(out, v.(map[string]any))
	}
	return out
}

func (e *env) defaultList() string {
	e.t.Helper()
	lists, _ := e.get("/v1.0/me/todo/lists")
	for _, l := range values(lists) {
		if l["wellknownListName"] == "defaultList" {
			return l["id"].(string)
		}
	}
	e.t.Fatal("no default list")
	return ""
}

// A due date given in a time zone is the same instant in UTC, and in the
// zone Prefer: outlook.timezone asks for.
func TestTaskDatesInTimeZones(t *testing.T) {
	e := newEnv(t)
	tasks := "/v1.0/me/todo/lists/" + e.defaultList() + "/tasks"
	due := map[string]any{"dateTime": "2025-03-10T09:00:00", "timeZone": "Pacific Standard Time"}
	created := e.Write("POST", tasks, e.tok, map[string]any{"title": "Call the bank", "dueDateTime": due}, 201)
	got := created["dueDateTime"].(map[string]any)
	if got["dateTime"] != "2025-03-10T16:00:00.0000000" || got["timeZone"] != "UTC" {
		t.Errorf("dueDateTime in UTC: %v", got)
	}
	one, rec := e.get(tasks+"/"+created["id"].(string), "Prefer", `outlook.timezone="Pacific Standard Time"`)
	if got := one["dueDateTime"].(map[string]any); got["dateTime"] != "2025-03-10T09:00:00.0000000" || got["timeZone"] != "Pacific Standard Time" {
		t.Errorf("dueDateTime in the preferred zone: %v", got)
	}
	if !strings.Contains(rec.Header().Get("Preference-Applied"), "outlook.timezone") {
		t.Errorf("Preference-Applied: %q", rec.Header().Get("Preference-Applied"))
	}
	if _, ok := one["reminderDateTime"]; ok {
		t.Errorf("an unset reminderDateTime is written: %v", one)
	}
	bad := e.Do("POST", tasks, e.tok, map[string]any{"title": "x", "dueDateTime": map[string]any{"dateTime": "2025-03-10T09:00:00", "timeZone": "Mars/Olympus"}})
	if bad.Code != 400 {
		t.Errorf("unknown time zone: %d %s", bad.Code, bad.Body.String())
	}
}

// Completing a task dates it; reopening it takes the date away; completing
// a recurring one makes its next occurrence, due one period later.
func TestCompleteAndRecur(t *testing.T) {
	e := newEnv(t)
	tasks := "/v1.0/me/todo/lists/" + e.defaultList() + "/tasks"
	id := e.Write("POST", tasks, e.tok, map[string]any{"title": "Pay rent", "dueDateTime": map[string]any{"dateTime": "2025-03-01T00:00:00", "timeZone": "UTC"},
		"recurrence": map[string]any{"pattern": map[string]any{"type": "absoluteMonthly", "interval": 1, "dayOfMonth": 1},
			"range": map[string]any{"type": "noEnd", "startDate": "2025-03-01"}}}, 201)["id"].(string)
	done := e.Write("PATCH", tasks+"/"+id, e.tok, map[string]any{"status": "completed"}, 200)
	if done["completedDateTime"] == nil || done["recurrence"] != nil {
		t.Errorf("completed recurring task: %v", done)
	}
	list, _ := e.get(tasks + "?$filter=" + url.QueryEscape("title eq 'Pay rent' and status eq 'notStarted'"))
	next := values(list)
	if len(next) != 1 || next[0]["dueDateTime"].(map[string]any)["dateTime"] != "2025-04-01T00:00:00.0000000" || next[0]["recurrence"] == nil {
		t.Fatalf("next occurrence: %v", next)
	}
	reopened := e.Write("PATCH", tasks+"/"+id, e.tok, map[string]any{"status": "inProgress"}, 200)
	if _, ok := reopened["completedDateTime"]; ok {
		t.Errorf("a reopened task keeps completedDateTime: %v", reopened)
	}
}

// Delta of a list's tasks: everything first, then only what changed, and
// what was deleted as @removed.
func TestTaskDelta(t *testing.T) {
	e := newEnv(t)
	tasks := "/v1.0/me/todo/lists/" + e.defaultList() + "/tasks"
	var link string
	var all []map[string]any
	for next := tasks + "/delta"; next != ""; {
		page, _ := e.get(next)
		all = append(all, values(page)...)
		next, _ = page["@odata.nextLink"].(string)
		link, _ = page["@odata.deltaLink"].(string)
		next = strings.TrimPrefix(next, "https://graph.microsoft.com")
	}
	seeded, _ := e.get(tasks + "?$top=100")
	if len(all) != len(values(seeded)) || link == "" {
		t.Fatalf("initial delta: %d tasks, %d listed; deltaLink %q", len(all), len(values(seeded)), link)
	}
	changed := all[0]["id"].(string)
	e.Write("PATCH", tasks+"/"+changed, e.tok, map[string]any{"title": "Renamed"}, 200)
	e.Write("DELETE", tasks+"/"+all[1]["id"].(string), e.tok, nil, 204)
	u, _ := url.Parse(link)
	page, _ := e.get(u.RequestURI())
	got := values(page)
	if len(got) != 2 || got[0]["id"] != changed || got[0]["title"] != "Renamed" || got[1]["@removed"] == nil {
		t.Errorf("delta after a change and a delete: %v", got)
	}
}

// The lists To Do keeps cannot be deleted; a stale ETag is refused; a
// delegated token reaches only its own user's tasks.
func TestListRules(t *testing.T) {
	e := newEnv(t)
	def := e.defaultList()
	if rec := e.Do("DELETE", "/v1.0/me/todo/lists/"+def, e.tok, nil); rec.Code != 400 {
		t.Errorf("delete the default list: %d %s", rec.Code, rec.Body.String())
	}
	l := e.Write("POST", "/v1.0/me/todo/lists", e.tok, map[string]any{"displayName": "Books"}, 201)
	e.Write("PATCH", "/v1.0/me/todo/lists/"+l["id"].(string), e.tok, map[string]any{"displayName": "Books to read"}, 200)
	r := httptest.NewRequest("DELETE", "/v1.0/me/todo/lists/"+l["id"].(string), nil)
	r.Header.Set("Authorization", "Bearer "+e.tok)
	r.Header.Set("If-Match", l["@odata.etag"].(string))
	rec := e.Serve(r)
	if rec.Code != http.StatusPreconditionFailed {
		t.Errorf("delete with a stale ETag: %d %s", rec.Code, rec.Body.String())
	}
	other := "/v1.0/users/" + directory.Seed()[1].ID + "/todo/lists"
	if rec := e.Do("GET", other, e.tok, nil); rec.Code != 403 {
		t.Errorf("another user's lists with a delegated token: %d", rec.Code)
	}
	if rec := e.Do("POST", "/v1.0/me/todo/lists", kittest.UserToken(directory.Seed()[0].ID, "Tasks.Read"), map[string]any{"displayName": "x"}); rec.Code != 403 {
		t.Errorf("create with Tasks.Read: %d", rec.Code)
	}
}
