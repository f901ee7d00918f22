package sandbox

import (
	"io"
	"net/url"
	"reflect"
	"sort"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// This file judges what the sandbox's Graph surface emits by Microsoft's
// Graph v1.0 schema (DESIGN §5): every response body of every endpoint, and
// the structs the sandbox marshals. To cover a new endpoint, add rows to
// graphConformance; TestGraphConformanceCoversRoutes fails until every
// "/v1.0/" route registered in the package has one.

// conformanceRow is one request and how to judge its answer.
type conformanceRow struct {
	route  string // the ServeMux pattern the request reaches
	path   string // request path; {adele}, {megan}, {patti}, {message} and calendarFill's names are filled in
	auth   string // the Authorization: "user" (Adele, User.Read Mail.Read), "mail" (Adele, Mail.Read only), "cal" (Adele, Calendars.ReadWrite Contacts.ReadWrite), "app" (client credentials), "none", "malformed"
	status int
	typ    string // schema type of the body, of each element of "value" when list is set; "" for a Graph error body
	list   bool
}

var graphConformance = []conformanceRow{
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "user", status: 200, typ: "user"},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "none", status: 401},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "malformed", status: 401},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "mail", status: 403},
	{route: "GET /v1.0/me", path: "/v1.0/me", auth: "app", status: 400},
	{route: "GET /v1.0/me/manager", path: "/v1.0/me/manager", auth: "user", status: 200, typ: "directoryObject"},
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
	{route: "/", path: "/v1.0/groups", auth: "app", status: 400},
	{route: "/", path: "/v1.0/me/todo/lists", auth: "user", status: 400},
	{route: "GET /v1.0/me/calendars", path: "/v1.0/me/calendars", auth: "cal", status: 200, typ: "calendar", list: true},
	{route: "GET /v1.0/me/calendars", path: "/v1.0/me/calendars?$top=1&$filter=name%20eq%20%27Team%27", auth: "cal", status: 200, typ: "calendar", list: true},
	{route: "GET /v1.0/me/calendars", path: "/v1.0/me/calendars", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}/calendars", path: "/v1.0/users/{megan}/calendars", auth: "app", status: 200, typ: "calendar", list: true},
	{route: "GET /v1.0/users/{id}/calendars", path: "/v1.0/users/{megan}/calendars", auth: "cal", status: 403},
	{route: "GET /v1.0/me/calendar", path: "/v1.0/me/calendar", auth: "cal", status: 200, typ: "calendar"},
	{route: "GET /v1.0/users/{id}/calendar", path: "/v1.0/users/{adele}/calendar", auth: "app", status: 200, typ: "calendar"},
	{route: "GET /v1.0/me/calendars/{cid}", path: "/v1.0/me/calendars/{calendar}", auth: "cal", status: 200, typ: "calendar"},
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
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts?$filter=emailAddresses/any(a:a/address%20eq%20%27anna.kowalski@fabrikam.com%27)", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts?$filter=startswith(displayName,%27A%27)&$select=displayName,emailAddresses", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts", path: "/v1.0/me/contacts", auth: "user", status: 403},
	{route: "GET /v1.0/users/{id}/contacts", path: "/v1.0/users/{megan}/contacts?$top=100", auth: "app", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/me/contacts/{ctid}", path: "/v1.0/me/contacts/{contact}", auth: "cal", status: 200, typ: "contact"},
	{route: "GET /v1.0/me/contacts/{ctid}", path: "/v1.0/me/contacts/AAMkAGnope", auth: "cal", status: 404},
	{route: "GET /v1.0/users/{id}/contacts/{ctid}", path: "/v1.0/users/{adele}/contacts/{contact}", auth: "app", status: 200, typ: "contact"},
	{route: "GET /v1.0/me/contactFolders", path: "/v1.0/me/contactFolders", auth: "cal", status: 200, typ: "contactFolder", list: true},
	{route: "GET /v1.0/users/{id}/contactFolders", path: "/v1.0/users/{adele}/contactFolders", auth: "app", status: 200, typ: "contactFolder", list: true},
	{route: "GET /v1.0/me/contactFolders/{fid}", path: "/v1.0/me/contactFolders/{folder}", auth: "cal", status: 200, typ: "contactFolder"},
	{route: "GET /v1.0/users/{id}/contactFolders/{fid}", path: "/v1.0/users/{adele}/contactFolders/{folder}", auth: "app", status: 200, typ: "contactFolder"},
	{route: "GET /v1.0/me/contactFolders/{fid}/contacts", path: "/v1.0/me/contactFolders/{folder}/contacts", auth: "cal", status: 200, typ: "contact", list: true},
	{route: "GET /v1.0/users/{id}/contactFolders/{fid}/contacts", path: "/v1.0/users/{adele}/contactFolders/{folder}/contacts", auth: "app", status: 200, typ: "contact", list: true},
}

func TestGraphConformance(t *testing.T) {
	schema := graphschema.ForTest(t)
	e := start(t, Options{})
	tokens := map[string]string{
		"user":      "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "User.Read Mail.Read"),
		"mail":      "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "Mail.Read"),
		"cal":       "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "Calendars.ReadWrite Contacts.ReadWrite"),
		"app":       "Bearer " + e.appToken(),
		"none":      "",
		"malformed": "Bearer not-a-jwt",
	}
	fill := strings.NewReplacer(append([]string{"{adele}", adele().ID, "{megan}", MeganBowenID, "{patti}", PattiFernandezID,
		"{message}", stableID(adele().ID, "message", "0")}, calendarFill(e)...)...)
	for _, row := range graphConformance {
		path := fill.Replace(row.path)
		t.Run(row.auth+" "+path, func(t *testing.T) {
			authz, ok := tokens[row.auth]
			if !ok {
				t.Fatalf("unknown auth %q", row.auth)
			}
			hdr := map[string]string{}
			if authz != "" {
				hdr["Authorization"] = authz
			}
			resp := e.do("GET", path, nil, hdr, nil)
			data, _ := io.ReadAll(resp.Body)
			if resp.StatusCode != row.status {
				t.Fatalf("status %d, want %d: %s", resp.StatusCode, row.status, data)
			}
			if ct := resp.Header.Get("Content-Type"); !strings.HasPrefix(ct, "application/json") {
				t.Errorf("Content-Type %q", ct)
			}
			var problems []graphschema.Problem
			switch {
			case row.typ == "":
				problems = schema.CheckError(data)
			case row.list:
				problems = schema.CheckCollection(row.typ, data)
			default:
				problems = schema.CheckJSON(row.typ, data)
			}
			for i, p := range problems {
				if i == 20 {
					t.Errorf("… and %d more", len(problems)-i)
					break
				}
				t.Errorf("%s", p)
			}
			if len(problems) > 0 {
				t.Logf("body: %s", data)
			}
		})
	}
}

// TestGraphConformanceStructs judges the sandbox's Graph structs by name, so
// a field that no request above happens to fill is judged too.
func TestGraphConformanceStructs(t *testing.T) {
	schema := graphschema.ForTest(t)
	for _, c := range []struct {
		typ string
		t   reflect.Type
	}{
		{"user", reflect.TypeFor[graphUserJSON]()},
		{"publicError", reflect.TypeFor[graphkit.ErrorBody]().Field(0).Type},
	} {
		for _, p := range schema.CheckStruct(c.typ, c.t) {
			t.Errorf("%s: %s", c.typ, p)
		}
	}
}

// TestGraphConformanceCoversRoutes fails when a GET route of the route table
// (every workload's, read from the registry) has no successful row in
// graphConformance; writes and $batch are judged by their own tests.
func TestGraphConformanceCoversRoutes(t *testing.T) {
	covered := map[string]bool{}
	for _, row := range graphConformance {
		if row.status == 200 {
			covered[row.route] = true
		}
	}
	s := &Server{kit: &graphkit.Kit{}}
	s.workloads = s.newWorkloads()
	var missing []string
	found := 0
	for _, p := range s.graphRoutes().Patterns() {
		if !strings.HasPrefix(p, "GET /v1.0/") {
			continue
		}
		found++
		if !covered[p] {
			missing = append(missing, p)
		}
	}
	if found == 0 {
		t.Fatal("the route table has no Graph GET routes")
	}
	sort.Strings(missing)
	for _, m := range missing {
		t.Errorf("no successful conformance row for %s: add one to graphConformance", m)
	}
}
