package sandbox

import (
	"net/http"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/users"
)

// This file judges what the sandbox's Graph surface emits by Microsoft's
// Graph v1.0 schema (DESIGN §5): every answer of every route, and the
// structs the sandbox marshals. To cover a new route, add rows to
// graphConformance (reads; mail reads in graphConformanceMail) or to
// graphWrites (every other method, run in order on one server; the drive's
// reads and writes in graphConformanceDrive);
// TestGraphConformanceCoversRoutes fails until every pattern of the route
// table has a successful row.

// conformanceRow is one request and how to judge its answer.
type conformanceRow struct {
	route  string // the pattern the request reaches ("GET /v1.0/me"); its method is the request's
	path   string // request path; {name} placeholders are filled in (see conformance.fill)
	auth   string // the Authorization: a token name of the table's conformance (e.g. "user", "app"), "none" or "malformed"
	status int
	typ    string // schema type of the body, of each element of "value" when list is set; "" for a Graph error body
	list   bool
	judge  string // how a 2xx answer is judged when it is not typ's JSON: see conformance.judge
	body   string // JSON request body (placeholders filled in), writes only
	save   string // keep the answer's id (of value[0] for a list) as {save} for later rows
	etag   string // a path whose @odata.etag the request sends as If-Match (Planner's changes need it)
}

var graphConformance = []conformanceRow{
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "user", status: 200, typ: "user"},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "none", status: 401},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "malformed", status: 401},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "mail", status: 403},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "app", status: 400},
	{route: "GET /v1.0/me/manager", path: "/v1.0/me/manager", auth: "dir", status: 200, typ: "directoryObject"},
	// Microsoft lists User.Read.All, not User.Read, for a user's manager.
	{route: "GET /v1.0/me/manager", path: "/v1.0/me/manager", auth: "user", status: 403},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages", auth: "user", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$top=3&$skip=22", auth: "user", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$top=0", auth: "user", status: 400},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$top=1001", auth: "user", status: 400},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$skip=x", auth: "user", status: 400},
	{route: "GET /v1.0/me/messages/{mid}", path: "/v1.0/me/messages/{message}", auth: "user", status: 200, typ: "message"},
	{route: "GET /v1.0/me/messages/{mid}", path: "/v1.0/me/messages/AAMkAGnope", auth: "user", status: 404},
	{route: "GET /v1.0/users", path: "/v1.0/users", auth: "app", status: 200, typ: "user", list: true},
	{route: "GET /v1.0/users", path: "/v1.0/users?$top=2", auth: "app", status: 200, typ: "user", list: true},
	{route: "GET /v1.0/users", path: "/v1.0/users", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}", path: "/v1.0/users/{megan}", auth: "app", status: 200, typ: "user"},
	{route: "GET /v1.0/users/{id}", path: "/v1.0/users/" + url.PathEscape("meganb@"+TenantDomain), auth: "app", status: 200, typ: "user"},
	{route: "GET /v1.0/users/{id}", path: "/v1.0/users/{adele}", auth: "user", status: 200, typ: "user"},
	{route: "GET /v1.0/users/{id}", path: "/v1.0/users/nobody", auth: "app", status: 404},
	{route: "GET /v1.0/users/{id}/manager", path: "/v1.0/users/{megan}/manager", auth: "app", status: 200, typ: "directoryObject"},
	{route: "GET /v1.0/users/{id}/manager", path: "/v1.0/users/{patti}/manager", auth: "app", status: 404},
	{route: "GET /v1.0/users/{id}/messages", path: "/v1.0/users/{megan}/messages?$top=5", auth: "app", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/users/{id}/messages", path: "/v1.0/users/{megan}/messages", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}/messages/{mid}", path: "/v1.0/users/{adele}/messages/{message}", auth: "app", status: 200, typ: "message"},
	{route: "GET /v1.0/users/{id}/messages/{mid}", path: "/v1.0/users/{adele}/messages/AAMkAGnope", auth: "app", status: 404},
	{route: "GET /oidc/userinfo", path: "/oidc/userinfo", auth: "user", status: 200, judge: "claims"},
	{route: "GET /oidc/userinfo", path: "/oidc/userinfo", auth: "app", status: 401},
	{route: "/", path: "/v1.0/devices", auth: "app", status: 400},
	{route: "/", path: "/v1.0/me/onenote/notebooks", auth: "user", status: 400},
	{route: "GET /v1.0/me/calendars", path: "/v1.0/me/calendars", auth: "cal", status: 200, typ: "calendar", list: true},
	{route: "GET /v1.0/me/calendars", path: "/v1.0/me/calendars?$top=1&$filter=name%20eq%20%27Team%27", auth: "cal", status: 200, typ: "calendar", list: true},
	{route: "GET /v1.0/me/calendars", path: "/v1.0/me/calendars", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}/calendars", path: "/v1.0/users/{megan}/calendars", auth: "app", status: 200, typ: "calendar", list: true},
	{route: "GET /v1.0/users/{id}/calendars", path: "/v1.0/users/{megan}/calendars", auth: "cal", status: 403},
	{route: "GET /v1.0/me/calendar", path: "/v1.0/me/calendar", auth: "cal", status: 200, typ: "calendar"},
	{route: "GET /v1.0/users/{id}/calendar", path: "/v1.0/users/{adele}/calendar", auth: "app", status: 200, typ: "calendar"},
	{route: "GET /v1.0/me/calendars/{cid}", path: "/v1.0/me/calendars/{calendar}", auth: "cal", status: 200, typ: "calendar"},
	{route: "GET /v1.0/me/calendars/{cid}", path: "/v1.0/me/calendars/{calendar}?$expand=events", auth: "cal", status: 200, typ: "calendar"},
	{route: "GET /v1.0/me/calendars/{cid}", path: "/v1.0/me/calendars/{calendar}?$expand=nope", auth: "cal", status: 400},
	{route: "GET /v1.0/me/calendars/{cid}", path: "/v1.0/me/calendars/AAMkAGnope", auth: "cal", status: 404},
	{route: "GET /v1.0/users/{id}/calendars/{cid}", path: "/v1.0/users/{adele}/calendars/{calendar}?$select=name,color", auth: "app", status: 200, typ: "calendar"},
	{route: "GET /v1.0/me/events", path: "/v1.0/me/events", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/events", path: "/v1.0/me/events?$select=subject,start,attendees&$filter=type%20eq%20%27seriesMaster%27&$orderby=subject&$count=true", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/events", path: "/v1.0/me/events?$filter=nope%20eq%201", auth: "cal", status: 400},
	{route: "GET /v1.0/users/{id}/events", path: "/v1.0/users/{megan}/events?$top=50", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendar/events", path: "/v1.0/me/calendar/events?$top=3", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/users/{id}/calendar/events", path: "/v1.0/users/{adele}/calendar/events", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendars/{cid}/events", path: "/v1.0/me/calendars/{calendar}/events", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/users/{id}/calendars/{cid}/events", path: "/v1.0/users/{adele}/calendars/{calendar}/events", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/{event}", auth: "cal", status: 200, typ: "event"},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/{series}", auth: "cal", status: 200, typ: "event"},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/{occurrence}", auth: "cal", status: 200, typ: "event"},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/AAMkAGnope", auth: "cal", status: 404},
	{route: "GET /v1.0/me/events", path: "/v1.0/me/events?$expand=attachments", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/{event}?$expand=attachments,calendar", auth: "cal", status: 200, typ: "event"},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/{series}?$expand=instances", auth: "cal", status: 400},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/{event}?$expand=singleValueExtendedProperties", auth: "cal", status: 400},
	{route: "GET /v1.0/me/events/{eid}", path: "/v1.0/me/events/{event}?$expand=singleValueExtendedProperties(%24filter%3Did%20eq%20%27String%200x001a%27)", auth: "cal", status: 200, typ: "event"},
	{route: "GET /v1.0/users/{id}/events/{eid}", path: "/v1.0/users/{adele}/events/{event}", auth: "app", status: 200, typ: "event"},
	{route: "GET /v1.0/me/events/{eid}/instances", path: "/v1.0/me/events/{series}/instances?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/events/{eid}/instances", path: "/v1.0/me/events/{series}/instances", auth: "cal", status: 400},
	{route: "GET /v1.0/users/{id}/events/{eid}/instances", path: "/v1.0/users/{adele}/events/{series}/instances?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendarView", path: "/v1.0/me/calendarView?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendarView", path: "/v1.0/me/calendarView?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z&$top=2&$skip=4", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendarView", path: "/v1.0/me/calendarView?startDateTime=2025-03-03T00:00:00Z", auth: "cal", status: 400},
	{route: "GET /v1.0/me/calendarView", path: "/v1.0/me/calendarView?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}/calendarView", path: "/v1.0/users/{megan}/calendarView?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendar/calendarView", path: "/v1.0/me/calendar/calendarView?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/users/{id}/calendar/calendarView", path: "/v1.0/users/{adele}/calendar/calendarView?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendars/{cid}/calendarView", path: "/v1.0/me/calendars/{calendar}/calendarView?startDateTime=2025-03-10T00:00:00Z&endDateTime=2025-03-20T00:00:00Z", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/users/{id}/calendars/{cid}/calendarView", path: "/v1.0/users/{adele}/calendars/{calendar}/calendarView?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendarView/delta", path: "/v1.0/me/calendarView/delta?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendarView/delta", path: "/v1.0/me/calendarView/delta", auth: "cal", status: 400},
	{route: "GET /v1.0/me/calendarView/delta", path: "/v1.0/me/calendarView/delta?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z&$deltatoken=bm9wZQ", auth: "cal", status: 400},
	{route: "GET /v1.0/users/{id}/calendarView/delta", path: "/v1.0/users/{megan}/calendarView/delta?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendar/calendarView/delta", path: "/v1.0/me/calendar/calendarView/delta?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/users/{id}/calendar/calendarView/delta", path: "/v1.0/users/{adele}/calendar/calendarView/delta?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/calendars/{cid}/calendarView/delta", path: "/v1.0/me/calendars/{calendar}/calendarView/delta?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "cal", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/users/{id}/calendars/{cid}/calendarView/delta", path: "/v1.0/users/{adele}/calendars/{calendar}/calendarView/delta?startDateTime=2025-03-03T00:00:00Z&endDateTime=2025-03-10T00:00:00Z", auth: "app", status: 200, typ: "event", list: true},
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts?$filter=emailAddresses/any(a:a/address%20eq%20%27anna.kowalski@fabrikam.com%27)", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts?$filter=startswith(displayName,%27A%27)&$select=displayName,emailAddresses", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}/contacts", path: "/v1.0/users/{megan}/contacts?$top=100", auth: "app", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts/{ctid}", path: "/v1.0/me/contacts/{contact}", auth: "cal", status: 200, typ: "contact"},
	{route: "GET /v1.0/me/contacts/{ctid}", path: "/v1.0/me/contacts/AAMkAGnope", auth: "cal", status: 404},
	{route: "GET /v1.0/me/contacts/{ctid}", path: "/v1.0/me/contacts/{contact}?$expand=multiValueExtendedProperties(%24filter%3Did%20eq%20%27StringArray%200x8000%27)", auth: "cal", status: 200, typ: "contact"},
	{route: "GET /v1.0/me/contacts/{ctid}", path: "/v1.0/me/contacts/{contact}?$expand=nope", auth: "cal", status: 400},
	{route: "GET /v1.0/users/{id}/contacts/{ctid}", path: "/v1.0/users/{adele}/contacts/{contact}", auth: "app", status: 200, typ: "contact"},
	{route: "GET /v1.0/me/contactFolders", path: "/v1.0/me/contactFolders", auth: "cal", status: 200, typ: "contactFolder", list: true},
	{route: "GET /v1.0/users/{id}/contactFolders", path: "/v1.0/users/{adele}/contactFolders", auth: "app", status: 200, typ: "contactFolder", list: true},
	{route: "GET /v1.0/me/contactFolders/{fid}", path: "/v1.0/me/contactFolders/{folder}", auth: "cal", status: 200, typ: "contactFolder"},
	{route: "GET /v1.0/me/contactFolders/{fid}", path: "/v1.0/me/contactFolders/{folder}?$expand=contacts", auth: "cal", status: 200, typ: "contactFolder"},
	{route: "GET /v1.0/users/{id}/contactFolders/{fid}", path: "/v1.0/users/{adele}/contactFolders/{folder}", auth: "app", status: 200, typ: "contactFolder"},
	{route: "GET /v1.0/me/contactFolders/{fid}/contacts", path: "/v1.0/me/contactFolders/{folder}/contacts", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/users/{id}/contactFolders/{fid}/contacts", path: "/v1.0/users/{adele}/contactFolders/{folder}/contacts", auth: "app", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts/delta", path: "/v1.0/me/contacts/delta?$select=displayName,emailAddresses", auth: "cal", status: 200, typ: "contact", judge: "delta"},
	{route: "GET /v1.0/me/contacts/delta", path: "/v1.0/me/contacts/delta?$deltatoken=bm90LW91cnM", auth: "cal", status: 400},
	{route: "GET /v1.0/users/{id}/contacts/delta", path: "/v1.0/users/{adele}/contacts/delta", auth: "app", status: 200, typ: "contact", judge: "delta"},
	{route: "GET /v1.0/me/contactFolders/{fid}/contacts/delta", path: "/v1.0/me/contactFolders/{folder}/contacts/delta", auth: "cal", status: 200, typ: "contact", judge: "delta"},
	{route: "GET /v1.0/users/{id}/contactFolders/{fid}/contacts/delta", path: "/v1.0/users/{adele}/contactFolders/{folder}/contacts/delta", auth: "app", status: 200, typ: "contact", judge: "delta"},
}

func TestGraphConformance(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"user": "User.Read Mail.Read",
		"mail": "Mail.Read",
		"cal":  "Calendars.ReadWrite Contacts.ReadWrite",
		"dir":  "User.Read.All",
	})
	c.fill(calendarFill(e)...)
	c.fill("{adele}", adele().ID, "{megan}", MeganBowenID, "{patti}", PattiFernandezID,
		"{message}", stableID(adele().ID, "message", "0"))
	c.fill(mailFill(e, c.tokens["user"])...)
	for _, row := range append(append([]conformanceRow(nil), graphConformance...), graphConformanceMail...) {
		c.run(row)
	}
}

// TestGraphConformanceStructs judges the sandbox's Graph structs by name, so
// a field that no request above happens to fill is judged too.
func TestGraphConformanceStructs(t *testing.T) {
	t.Parallel()
	schema := graphschema.ForTest(t)
	for _, c := range []struct {
		typ string
		t   reflect.Type
	}{
		{"user", reflect.TypeFor[users.UserJSON]()},
		{"publicError", reflect.TypeFor[graphkit.ErrorBody]().Field(0).Type},
	} {
		for _, p := range schema.CheckStruct(c.typ, c.t) {
			t.Errorf("%s: %s", c.typ, p)
		}
	}
}

// conformanceRows are the rows of every conformance table.
func conformanceRows() []conformanceRow {
	var out []conformanceRow
	for _, rows := range [][]conformanceRow{graphConformance, graphConformanceMail, graphWrites, graphConformanceDrive, graphConformanceDriveMore, graphConformanceTodo, graphConformanceSubscriptions, graphConformanceSharing, graphConformanceSites, graphConformanceWorkbook, graphConformancePlanner, graphConformanceTeams, graphConformanceDirectory, graphConformanceMailCal} {
		out = append(out, rows...)
	}
	return out
}

// TestGraphConformanceCoversRoutes fails when a pattern of the route table
// (every workload's, read from the registry) has no successful row: reads in
// graphConformance or graphConformanceMail, other methods in graphWrites.
// The catch-all "/" needs none. It also fails when a row's route is not the
// pattern its path reaches, so the rows say truly what they cover.
func TestGraphConformanceCoversRoutes(t *testing.T) {
	t.Parallel()
	s := &Server{kit: &graphkit.Kit{}}
	s.workloads = s.newWorkloads()
	routes := s.graphRoutes()
	patterns := routes.Patterns()
	reach := http.NewServeMux()
	for _, p := range patterns {
		reach.HandleFunc(p, func(http.ResponseWriter, *http.Request) {})
	}
	placeholder := strings.NewReplacer("{", "x", "}", "x")
	covered := map[string]bool{}
	for _, row := range conformanceRows() {
		method, _, ok := strings.Cut(row.route, " ")
		if !ok {
			method = "GET"
		}
		path, _, _ := strings.Cut(placeholder.Replace(row.path), "?")
		req, err := http.NewRequest(method, "https://graph.test"+routes.CanonicalPath(path), nil)
		if err != nil {
			t.Fatal(err)
		}
		if _, p := reach.Handler(req); p != row.route {
			t.Errorf("row %s %s is labelled %q but reaches %q", method, row.path, row.route, p)
		}
		if row.status >= 200 && row.status < 300 {
			covered[row.route] = true
		}
	}
	if len(patterns) < 100 {
		t.Fatalf("the route table has %d patterns", len(patterns))
	}
	var missing []string
	for _, p := range patterns {
		if p != "/" && !covered[p] {
			missing = append(missing, p)
		}
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no successful conformance row for %s: add one to graphConformance, graphConformanceMail or graphWrites", m)
	}
}
