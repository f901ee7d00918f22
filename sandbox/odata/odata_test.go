package odata

import (
	"encoding/json"
	"errors"
	"net/url"
	"reflect"
	"strings"
	"testing"
)

var msgType = &Type{
	PropTypes: map[string]string{"isRead": "Edm.Boolean", "subject": "Edm.String", "receivedDateTime": "Edm.DateTimeOffset",
		"size": "Edm.Int32", "importance": "microsoft.graph.importance"},
	Name:       "microsoft.graph.message",
	Keep:       []string{"@odata.etag", "id"},
	Props:      []string{"@odata.etag", "id", "subject", "importance", "isRead", "receivedDateTime", "from", "toRecipients", "categories", "size", "flag"},
	Extra:      []string{"uniqueBody"},
	Expandable: []string{"attachments"},
}

const docs = `[
 {"@odata.etag":"e1","id":"1","subject":"Budget plan","importance":"high","isRead":false,"receivedDateTime":"2025-03-01T10:00:00Z",
  "from":{"emailAddress":{"name":"Adele","address":"AdeleV@contoso.sandbox"}},
  "toRecipients":[{"emailAddress":{"address":"alexw@contoso.sandbox"}}],"categories":["Red","Blue"],"size":10,"flag":{"flagStatus":"flagged"}},
 {"@odata.etag":"e2","id":"2","subject":"lunch","importance":"normal","isRead":true,"receivedDateTime":"2025-03-02T10:00:00Z",
  "from":{"emailAddress":{"name":"Alex","address":"AlexW@contoso.sandbox"}},
  "toRecipients":[{"emailAddress":{"address":"adelev@contoso.sandbox"}},{"emailAddress":{"address":"meganb@contoso.sandbox"}}],"categories":[],"size":5,"flag":{"flagStatus":"notFlagged"}},
 {"@odata.etag":"e3","id":"3","subject":"Re: budget","importance":"normal","isRead":false,"receivedDateTime":"2025-02-27T08:30:00Z",
  "from":{"emailAddress":{"name":"Megan","address":"MeganB@contoso.sandbox"}},
  "toRecipients":[],"categories":["Red"],"size":null,"flag":{"flagStatus":"complete"}}
]`

func objects(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(docs), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func ids(objs []map[string]any, idx []int) string {
	var s []string
	for _, i := range idx {
		s = append(s, objs[i]["id"].(string))
	}
	return strings.Join(s, ",")
}

// matching returns the ids of the objects e matches, comma-separated, and
// checks that e's canonical form parses back to itself.
func matching(t *testing.T, filter string, typ *Type, objs []map[string]any) string {
	t.Helper()
	e, err := ParseFilter(filter, typ)
	if err != nil {
		t.Errorf("%s: %v", filter, err)
		return "error"
	}
	if e2, err := ParseFilter(e.String(), typ); err != nil || e2.String() != e.String() {
		t.Errorf("%s: round trip %q: %v", filter, e.String(), err)
	}
	var got []string
	for _, o := range objs {
		if Match(e, o) {
			got = append(got, o["id"].(string))
		}
	}
	return strings.Join(got, ",")
}

// wantBadRequest checks that filter is a 400 whose message holds msg.
func wantBadRequest(t *testing.T, filter string, typ *Type, msg string) {
	t.Helper()
	_, err := ParseFilter(filter, typ)
	var oe *Error
	if !errors.As(err, &oe) || oe.Code != "BadRequest" || !strings.Contains(oe.Message, msg) {
		t.Errorf("%s: got %v, want BadRequest containing %q", filter, err, msg)
	}
}

func TestFilter(t *testing.T) {
	objs := objects(t)
	for _, tc := range []struct{ filter, want string }{
		{"isRead eq false", "1,3"},
		{"isRead", "2"},
		{"not isRead", "1,3"},
		{"importance eq 'high' or subject eq 'LUNCH'", "1,2"},
		{"importance ne 'high' and isRead eq false", "3"},
		{"(importance eq 'high' or isRead) and size gt 6", "1"},
		{"size ge 5", "1,2"},
		{"size lt 10", "2"},
		{"size le 10 and size ge 10", "1"},
		{"size eq null", "3"},
		{"size ne null", "1,2"},
		{"receivedDateTime ge 2025-03-01T00:00:00Z", "1,2"},
		{"receivedDateTime lt 2025-03-01", "3"},
		{"size gt 9.5", "1"},
		{"from/emailAddress/address eq 'adelev@contoso.sandbox'", "1"},
		{"startswith(subject,'re:')", "3"},
		{"endswith(from/emailAddress/address, 'SANDBOX')", "1,2,3"},
		{"contains(subject,'budget')", "1,3"},
		{"not contains(subject,'budget')", "2"},
		{"toRecipients/any(r:r/emailAddress/address eq 'meganb@contoso.sandbox')", "2"},
		{"toRecipients/any()", "1,2"},
		{"not toRecipients/any()", "3"},
		{"categories/any(c:c eq 'red')", "1,3"},
		{"categories/all(c:c eq 'Red')", "2,3"},
		{"toRecipients/any(r: startswith(r/emailAddress/address, 'adele')) or flag/flagStatus eq 'complete'", "2,3"},
		{"tolower(subject) eq 'budget plan'", "1"},
		{"subject eq 'it''s'", ""},
	} {
		if got := matching(t, tc.filter, msgType, objs); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.filter, got, tc.want)
		}
	}
}

func TestFilterErrors(t *testing.T) {
	for _, tc := range []struct{ filter, msg string }{
		{"nope eq 1", "Could not find a property named 'nope' on type 'microsoft.graph.message'."},
		{"subject eq", "ends unexpectedly"},
		{"subject eq 'x", "Unterminated string literal"},
		{"(isRead", "expected ')'"},
		{"isRead eq true)", "syntax error at position"},
		{"foo(subject)", "unknown function with name 'foo'"},
		{"contains(subject)", "No function signature"},
		{"subject", ""}, // a bare property is a boolean filter: accepted
		{"'a' and isRead", "must be boolean"},
		{"5", "must evaluate to a single boolean"},
		{"receivedDateTime gt 2025-13-01", "not a valid DateTimeOffset"},
		{"subject eq #", "is not valid at position"},
		{"toRecipients/any(r r eq 1)", "expected ':'"},
		{"subject has 'x'", "not supported"},
		{"isRead eq 'true'", "Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'Equal'."},
		{"receivedDateTime ge '2025-01-01'", "'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'GreaterThanOrEqual'"},
		{"'x' lt size", "'Edm.String' and 'Edm.Int32'"},
		{"importance eq true", "'microsoft.graph.importance' and 'Edm.Boolean'"},
	} {
		if tc.msg == "" {
			if _, err := ParseFilter(tc.filter, msgType); err != nil {
				t.Errorf("%s: %v", tc.filter, err)
			}
			continue
		}
		wantBadRequest(t, tc.filter, msgType, tc.msg)
	}
}

func TestQueryApply(t *testing.T) {
	objs := objects(t)
	for _, tc := range []struct {
		query string
		want  string
		total int
	}{
		{"$orderby=receivedDateTime desc", "2,1,3", 3},
		{"$orderby=importance,receivedDateTime", "1,3,2", 3},
		{"$orderby=importance desc,subject desc", "3,2,1", 3},
		{"$orderby=size", "3,2,1", 3},
		{"$orderby=from/emailAddress/name desc&$top=2", "3,2", 3},
		{"$filter=isRead eq false&$orderby=receivedDateTime&$count=true", "3,1", 2},
		{"$filter=receivedDateTime ge 2025-01-01 and isRead eq false&$orderby=receivedDateTime desc", "1,3", 2},
		{"$filter=size in (5,10) and id in ('1','2','3')&$orderby=size&$count=true", "2,1", 2},
		{"$skip=1&$top=1", "2", 3},
		{"$skip=5", "", 3},
		{`$search="budget"`, "1,3", 2},
		{`$search="subject:lunch"`, "2", 1},
		{`$search="budget adele"`, "1", 1},
		{`$search=lunch`, "2", 1},
	} {
		q, _ := url.ParseQuery(tc.query)
		oq, err := Parse(q, msgType, Limits{DefaultTop: 10, MaxTop: 1000, Searchable: true, SearchExclusive: true})
		if err != nil {
			t.Errorf("%s: %v", tc.query, err)
			continue
		}
		page, total := oq.Apply(objs, func(i int) SearchFields {
			return SearchFields{"subject": objs[i]["subject"].(string), "from": lookup(objs[i], []string{"from", "emailAddress", "name"}).(string)}
		})
		if g := ids(objs, page); g != tc.want || total != tc.total {
			t.Errorf("%s: got %q (%d), want %q (%d)", tc.query, g, total, tc.want, tc.total)
		}
		if oq.Search != nil {
			continue
		}
		// The members Roots names are all Apply reads.
		roots, trimmed := oq.Roots(), make([]map[string]any, len(objs))
		for i, o := range objs {
			trimmed[i] = map[string]any{}
			for k, v := range o {
				if roots[strings.ToLower(k)] {
					trimmed[i][k] = v
				}
			}
		}
		if page2, total2 := oq.Apply(trimmed, nil); ids(objs, page2) != tc.want || total2 != tc.total {
			t.Errorf("%s on the members %v only: got %q (%d)", tc.query, roots, ids(objs, page2), total2)
		}
	}
}

func TestQueryErrors(t *testing.T) {
	for _, tc := range []struct{ query, msg string }{
		{"$select=subject,bogus", "Could not find a property named 'bogus' on type 'microsoft.graph.message'."},
		{"$orderby=bogus desc", "Could not find a property named 'bogus'"},
		{"$orderby=subject sideways", "not a valid $orderby direction"},
		{"$top=0", "Invalid value '0' for query option '$top'"},
		{"$top=1001", "The limit of '1000' for Top query has been exceeded"},
		{"$skip=-1", "Invalid value '-1' for query option '$skip'"},
		{"$count=maybe", "not a valid count option"},
		{`$search="x"&$filter=isRead`, "The query parameter '$filter' is not supported with '$search'."},
		{`$search="x"&$orderby=subject`, "The query parameter '$orderBy' is not supported with '$search'."},
		{`$search=two words`, "must be enclosed in double quotes"},
		{"$expand=bogus", "Could not find a property named 'bogus'"},
		{"$bogus=1", "Query option '$bogus' is not allowed"},
		{"$filter=isRead eq false&$orderby=receivedDateTime", "The restriction or sort order is too complex for this operation."},
		{"$filter=isRead eq false and receivedDateTime ge 2025-01-01&$orderby=receivedDateTime", "too complex"},
		{"$filter=receivedDateTime ge 2025-01-01 and subject ne null&$orderby=subject,receivedDateTime", "too complex"},
	} {
		q, _ := url.ParseQuery(tc.query)
		_, err := Parse(q, msgType, Limits{DefaultTop: 10, MaxTop: 1000, Searchable: true, SearchExclusive: true, OrderByInFilter: true})
		var oe *Error
		code := "BadRequest"
		if strings.Contains(tc.msg, "too complex") {
			code = "InefficientFilter"
		}
		if !errors.As(err, &oe) || oe.Code != code || !strings.Contains(oe.Message, tc.msg) {
			t.Errorf("%s: got %v, want %s containing %q", tc.query, err, code, tc.msg)
		}
	}
}

func TestSearchNeedsSearchable(t *testing.T) {
	_, err := Parse(url.Values{"$search": {`"x"`}}, msgType, Limits{})
	if oe, ok := err.(*Error); !ok || !strings.Contains(oe.Message, "Search is not supported") {
		t.Errorf("got %v", err)
	}
}

func TestProject(t *testing.T) {
	objs := objects(t)
	objs[0]["uniqueBody"] = map[string]any{"content": "x"}
	objs[0]["attachments"] = []any{}
	for _, tc := range []struct{ query, want string }{
		{"$select=subject,isRead", `{"@odata.etag":"e1","id":"1","subject":"Budget plan","isRead":false}`},
		{"$select=isRead,subject,id", `{"@odata.etag":"e1","id":"1","subject":"Budget plan","isRead":false}`},
		{"$select=uniqueBody&$expand=attachments", `{"@odata.etag":"e1","id":"1","uniqueBody":{"content":"x"},"attachments":[]}`},
	} {
		q, _ := url.ParseQuery(tc.query)
		oq, err := Parse(q, msgType, Limits{})
		if err != nil {
			t.Fatal(err)
		}
		b, err := json.Marshal(oq.Project(objs[0], msgType))
		if err != nil || string(b) != tc.want {
			t.Errorf("%s: %s %v, want %s", tc.query, b, err, tc.want)
		}
	}
	// No $select: the default properties in the type's order, no extras.
	b, _ := json.Marshal((&Query{}).Project(objs[1], msgType))
	var keys []string
	dec := json.NewDecoder(strings.NewReader(string(b)))
	dec.Token()
	for dec.More() {
		k, _ := dec.Token()
		keys = append(keys, k.(string))
		var skip json.RawMessage
		dec.Decode(&skip)
	}
	if !reflect.DeepEqual(keys, msgType.Props) {
		t.Errorf("default projection keys %v", keys)
	}
}

func TestSplitExpand(t *testing.T) {
	got := SplitExpand("attachments, singleValueExtendedProperties($filter=id eq 'String {x} Name a,b' or id eq 'y'),calendar")
	want := []ExpandItem{{"attachments", ""}, {"singleValueExtendedProperties", "$filter=id eq 'String {x} Name a,b' or id eq 'y'"}, {"calendar", ""}}
	if !reflect.DeepEqual(got, want) {
		t.Errorf("SplitExpand = %#v, want %#v", got, want)
	}
	typ := &Type{Name: "microsoft.graph.event", Expandable: []string{"singleValueExtendedProperties"}}
	if _, err := Parse(url.Values{"$expand": {"singleValueExtendedProperties($filter=id eq 'a')"}}, typ, Limits{}); err != nil {
		t.Errorf("$expand with options: %v", err)
	}
}

func TestNames(t *testing.T) {
	typ := &Type{Name: "microsoft.graph.message", Props: []string{"subject"}, Expandable: []string{"singleValueExtendedProperties"}}
	for _, tc := range []struct {
		filter string
		want   bool
	}{
		{"singleValueExtendedProperties/Any(ep: ep/id eq 'a' and ep/value eq 'b')", true},
		{"subject eq 'x' or not (singleValueExtendedProperties/any(ep: ep/value eq 'b'))", true},
		{"subject eq 'singleValueExtendedProperties'", false},
		{"subject in ('x') or not (singleValueExtendedProperties/any(ep: ep/value in ('b')))", true},
		{"subject in ('singleValueExtendedProperties')", false},
	} {
		e, err := ParseFilter(tc.filter, typ)
		if err != nil {
			t.Fatalf("%s: %v", tc.filter, err)
		}
		if got := Names(e, "singlevalueextendedproperties"); got != tc.want {
			t.Errorf("Names(%s) = %v, want %v", tc.filter, got, tc.want)
		}
	}
}
