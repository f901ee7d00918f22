package graphschema

import (
	"reflect"
	"strings"
	"testing"
)

// tiny is a CSDL snippet in the shape of Graph's: aliases, inheritance across
// namespaces, an abstract base with derived types, enums (one of them flags),
// collections, navigation properties and an open type.
const tiny = `<?xml version="1.0" encoding="utf-8"?>
<edmx:Edmx Version="4.0" xmlns:edmx="http://docs.oasis-open.org/odata/ns/edmx">
  <edmx:DataServices>
    <Schema Namespace="microsoft.graph" Alias="graph" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <EnumType Name="importance">
        <Member Name="low" Value="0" />
        <Member Name="normal" Value="1" />
        <Member Name="high" Value="2" />
      </EnumType>
      <EnumType Name="dayOfWeek" IsFlags="true">
        <Member Name="monday" Value="1" />
        <Member Name="tuesday" Value="2" />
        <Member Name="friday" Value="16" />
      </EnumType>
      <ComplexType Name="emailAddress">
        <Property Name="address" Type="Edm.String" />
        <Property Name="name" Type="Edm.String" />
      </ComplexType>
      <ComplexType Name="recipient">
        <Property Name="emailAddress" Type="graph.emailAddress" />
      </ComplexType>
      <ComplexType Name="Dictionary" OpenType="true" />
      <ComplexType Name="bag" BaseType="graph.Dictionary" />
      <EntityType Name="entity" Abstract="true">
        <Key><PropertyRef Name="id" /></Key>
        <Property Name="id" Type="Edm.String" Nullable="false" />
      </EntityType>
      <EntityType Name="outlookItem" BaseType="graph.entity" Abstract="true">
        <Property Name="categories" Type="Collection(Edm.String)" />
        <Property Name="createdDateTime" Type="Edm.DateTimeOffset" />
        <Annotation Term="Org.OData.Core.V1.Description" String="ignored" />
      </EntityType>
      <EntityType Name="message" BaseType="graph.outlookItem" OpenType="true">
        <Property Name="subject" Type="Edm.String">
          <Annotation Term="Org.OData.Core.V1.Description" String="nested annotations are skipped" />
        </Property>
        <Property Name="from" Type="graph.recipient" />
        <Property Name="toRecipients" Type="Collection(graph.recipient)" />
        <Property Name="importance" Type="graph.importance" />
        <Property Name="days" Type="graph.dayOfWeek" />
        <Property Name="isRead" Type="Edm.Boolean" />
        <Property Name="size" Type="Edm.Int32" />
        <Property Name="big" Type="Edm.Int64" />
        <Property Name="score" Type="Edm.Double" />
        <Property Name="day" Type="Edm.Date" />
        <Property Name="at" Type="Edm.TimeOfDay" />
        <Property Name="raw" Type="Edm.Binary" />
        <Property Name="guid" Type="Edm.Guid" />
        <Property Name="span" Type="Edm.Duration" />
        <Property Name="extra" Type="graph.bag" />
        <Property Name="anything" Type="Edm.Untyped" />
        <Property Name="rule" Type="rules.rule" />
        <NavigationProperty Name="attachments" Type="Collection(graph.attachment)" ContainsTarget="true" />
        <NavigationProperty Name="replies" Type="Collection(graph.message)" />
      </EntityType>
      <EntityType Name="attachment" BaseType="graph.entity" Abstract="true">
        <Property Name="name" Type="Edm.String" />
      </EntityType>
      <EntityType Name="fileAttachment" BaseType="graph.attachment">
        <Property Name="contentBytes" Type="Edm.Binary" />
      </EntityType>
      <EntityType Name="itemAttachment" BaseType="graph.attachment">
        <NavigationProperty Name="item" Type="graph.outlookItem" ContainsTarget="true" />
      </EntityType>
      <Action Name="send" IsBound="true"><Parameter Name="bindingParameter" Type="graph.message" /></Action>
    </Schema>
    <Schema Namespace="microsoft.graph.rules" Alias="rules" xmlns="http://docs.oasis-open.org/odata/ns/edm">
      <ComplexType Name="rule">
        <Property Name="owner" Type="graph.emailAddress" />
      </ComplexType>
    </Schema>
  </edmx:DataServices>
</edmx:Edmx>`

func tinySchema(t *testing.T) *Schema {
	t.Helper()
	s, err := Parse(strings.NewReader(tiny))
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// problems renders problems one a line, for comparisons.
func problems(ps []Problem) string {
	var b strings.Builder
	for _, p := range ps {
		b.WriteString(p.String() + "\n")
	}
	return b.String()
}

func TestParse(t *testing.T) {
	s := tinySchema(t)
	m := s.Lookup("graph.message")
	if m == nil || m.Kind != EntityType || !m.Open || m.Base != s.Lookup("outlookItem") || m.Base.Base != s.Lookup("entity") {
		t.Fatalf("message: %+v", m)
	}
	if got := strings.Join(m.Properties(), " "); !strings.Contains(got, "categories") || !strings.Contains(got, "id") {
		t.Errorf("inherited properties missing: %s", got)
	}
	if p := m.Property("rule"); p == nil || p.Type != "microsoft.graph.rules.rule" {
		t.Errorf("alias in a reference: %+v", p)
	}
	if p := s.Lookup("rules.rule").Property("owner"); p.Type != "microsoft.graph.emailAddress" {
		t.Errorf("alias across schemas: %+v", p)
	}
	if e := s.Lookup("dayOfWeek"); !e.Flags || e.Kind != EnumType || !e.HasMember("friday") || len(e.Members) != 3 {
		t.Errorf("flags enum: %+v", e)
	}
	if !s.Lookup("fileAttachment").IsA(s.Lookup("attachment")) || s.Lookup("attachment").IsA(s.Lookup("fileAttachment")) {
		t.Error("IsA")
	}
	if !s.Lookup("bag").Open {
		t.Error("openness is inherited")
	}
	if s.Lookup("send") != nil || s.Lookup("nope") != nil {
		t.Error("actions and unknown names are not types")
	}
	for _, bad := range []string{"", "<x/>", `<Schema Namespace="n"><EntityType Name="a" BaseType="n.b"/></Schema>`} {
		if _, err := Parse(strings.NewReader(bad)); err == nil {
			t.Errorf("Parse(%q) succeeded", bad)
		}
	}
}

func TestCheckJSON(t *testing.T) {
	s := tinySchema(t)
	for _, tc := range []struct {
		name, typ, doc string
		want           []string // substrings of the problems, in order; none for a pass
	}{
		{"inherited and annotations", "message", `{"@odata.context":"x","@odata.etag":"W/\"1\"","id":"1","categories":["a"],
			"createdDateTime":"2024-01-02T03:04:05.1234567Z","subject":null,"attachments@odata.context":"y","@microsoft.graph.tips":"t"}`, nil},
		{"nested complex", "message", `{"from":{"emailAddress":{"name":"A","address":"a@b"}},"toRecipients":[{"emailAddress":{"address":"c@d"}}]}`, nil},
		{"unknown nested", "message", `{"toRecipients":[{"emailAddress":{"name":"A"}},{"emailAddress":{"adress":"a@b"}}]}`,
			[]string{"/toRecipients/1/emailAddress/adress: unknown property 'adress' on microsoft.graph.emailAddress (did you mean 'address'?)"}},
		{"typo on an open type", "message", `{"subjet":"x"}`, []string{"/subjet: unknown property 'subjet' on microsoft.graph.message (did you mean 'subject'?) (an open type"}},
		{"extension names on an open type", "message", `{"extension_0123456789abcdef0123456789abcdef_skill":"x","extkvbmkofy_courses":{"a":1}}`, nil},
		{"snake_case on an open type", "message", `{"is_read":true}`, []string{"/is_read: unknown property 'is_read' on microsoft.graph.message"}},
		{"extension names on a closed type", "emailAddress", `{"extkvbmkofy_courses":1}`, []string{"/extkvbmkofy_courses: unknown property"}},
		{"dictionary", "message", `{"extra":{"anything":1,"goes":[true]},"anything":{"x":[1]}}`, nil},
		{"derived via @odata.type", "message", `{"attachments":[{"@odata.type":"#microsoft.graph.fileAttachment","id":"a","name":"n","contentBytes":"aGk="},
			{"@odata.type":"#microsoft.graph.itemAttachment","id":"b","item":{"@odata.type":"#microsoft.graph.message","subject":"s"}}]}`, nil},
		{"derived property without @odata.type", "message", `{"attachments":[{"name":"n","contentBytes":"aGk="}]}`,
			[]string{"/attachments/0/contentBytes: unknown property 'contentBytes' on microsoft.graph.attachment (declared on the derived type microsoft.graph.fileAttachment"}},
		{"unrelated @odata.type", "message", `{"attachments":[{"@odata.type":"#microsoft.graph.message"}],"from":{"@odata.type":"#graph.nope"}}`,
			[]string{"/attachments/0/@odata.type: microsoft.graph.message does not derive from the declared type microsoft.graph.attachment",
				`/from/@odata.type: unknown type "#graph.nope"`}},
		{"enum", "message", `{"importance":"high"}`, nil},
		{"wrong enum", "message", `{"importance":"urgent"}`, []string{"/importance: 'urgent' is not a member of microsoft.graph.importance; members: low, normal, high"}},
		{"enum as number", "message", `{"importance":2}`, []string{"/importance: want a string member of microsoft.graph.importance, got the number 2"}},
		{"flags", "message", `{"days":"monday,friday"}`, nil},
		{"flags with spaces", "message", `{"days":"monday, tuesday"}`, nil},
		{"wrong flag", "message", `{"days":"monday,sunday"}`, []string{`/days: 'sunday' (in "monday,sunday") is not a member of the flags enum microsoft.graph.dayOfWeek`}},
		{"primitives", "message", `{"isRead":true,"size":12,"big":9007199254740993,"score":1.5,"day":"2024-02-29","at":"08:30:00.0000000",
			"raw":"AAEC","guid":"d4957c9d-869e-4364-830c-d0c95be72738","span":"PT1H30M","rule":{"owner":{"name":"x"}}}`, nil},
		{"double specials", "message", `{"score":"NaN"}`, nil},
		{"bad primitives", "message", `{"isRead":"true","size":1.5,"big":"12","score":"1","day":"2024-2-29","at":"8am","raw":"not base64!",
			"guid":"nope","span":"1 hour","createdDateTime":"2024-01-02 03:04:05"}`, []string{
			"/at: \"8am\" is not hh:mm:ss", "/big: want an integer (Edm.Int64), got the string \"12\"",
			"/createdDateTime: \"2024-01-02 03:04:05\" is not an RFC 3339", "/day: \"2024-2-29\" is not YYYY-MM-DD",
			"/guid: \"nope\" is not a GUID", "/isRead: want true or false (Edm.Boolean)", "/raw: \"not base64!\" is not base64",
			"/score: want a number (Edm.Double)", "/size: 1.5 is not an integer (Edm.Int32)", "/span: \"1 hour\" is not an ISO 8601 duration"}},
		{"date-time without offset", "message", `{"createdDateTime":"2024-01-02T03:04:05"}`, []string{"not an RFC 3339 date-time with offset"}},
		{"int32 range", "message", `{"size":2147483648}`, []string{"/size: 2147483648 is out of range for Edm.Int32"}},
		{"shapes", "message", `{"from":"a@b","toRecipients":{"emailAddress":{}},"categories":"a"}`, []string{
			"/categories: want a JSON array (Collection(Edm.String)), got the string",
			"/from: want a JSON object (microsoft.graph.recipient), got the string",
			"/toRecipients: want a JSON array (Collection(microsoft.graph.recipient)), got an object"}},
		{"annotation of an unknown property", "message", `{"nope@odata.nextLink":"x"}`, []string{`/nope@odata.nextLink: annotation "odata.nextLink" of unknown property 'nope'`}},
		{"pointer escaping", "emailAddress", `{"a/b~c":1}`, []string{"/a~1b~0c: unknown property"}},
		{"not an object", "message", `[1]`, []string{"want a JSON object (microsoft.graph.message), got an array"}},
		{"invalid JSON", "message", `{"a":`, []string{"invalid JSON"}},
		{"trailing data", "message", `{} {}`, []string{"invalid JSON: data after the JSON value"}},
		{"unknown type", "nope", `{}`, []string{`no type "nope" in the schema`}},
		{"enum type", "importance", `{}`, []string{"microsoft.graph.importance is an enum type"}},
		{"other namespace", "rules.rule", `{"owner":{"adress":"x"}}`, []string{"/owner/adress: unknown property 'adress' on microsoft.graph.emailAddress"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			checkWant(t, s.CheckJSON(tc.typ, []byte(tc.doc)), tc.want)
		})
	}
}

func checkWant(t *testing.T, got []Problem, want []string) {
	t.Helper()
	if len(got) != len(want) {
		t.Fatalf("got %d problems, want %d:\n%s", len(got), len(want), problems(got))
	}
	for i, w := range want {
		if !strings.Contains(got[i].String(), w) {
			t.Errorf("problem %d = %q, want it to contain %q", i, got[i], w)
		}
	}
}

func TestCheckCollection(t *testing.T) {
	s := tinySchema(t)
	ok := `{"@odata.context":"c","@odata.count":2,"value":[{"id":"1","subject":"a"},{"id":"2"}],"@odata.nextLink":"n"}`
	checkWant(t, s.CheckCollection("message", []byte(ok)), nil)
	checkWant(t, s.CheckCollection("message", []byte(`{"value":[{"id":"1"},{"subjet":"b"}],"nextLink":"n","@odata.count":"2"}`)), []string{
		"/@odata.count: want a number", "/nextLink: unknown member 'nextLink' of a collection response",
		"/value/1/subjet: unknown property 'subjet' on microsoft.graph.message"})
	checkWant(t, s.CheckCollection("message", []byte(`{"@odata.context":"c"}`)), []string{"no 'value' member"})
	checkWant(t, s.CheckCollection("message", []byte(`[]`)), []string{"must be a JSON object, got an array"})
}

func TestCheckStruct(t *testing.T) {
	s := tinySchema(t)
	type emailAddress struct {
		Name    string `json:"name,omitempty"`
		Address string `json:"address"`
	}
	type recipient struct {
		EmailAddress emailAddress `json:"emailAddress"`
	}
	type entity struct {
		ID string `json:"id"`
	}
	type base struct {
		Categories []string `json:"categories"`
	}
	type good struct {
		entity
		*base
		Context    string         `json:"@odata.context,omitempty"`
		Subject    string         `json:"subject"`
		From       *recipient     `json:"from"`
		To         []*recipient   `json:"toRecipients"`
		Importance string         `json:"importance"`
		Raw        []byte         `json:"raw"`
		Extra      map[string]any `json:"extra"`
		Bind       string         `json:"attachments@odata.bind"`
		Ignored    string         `json:"-"`
		internal   string
	}
	checkWant(t, s.CheckStruct("message", reflect.TypeFor[good]()), nil)
	checkWant(t, s.CheckStruct("message", reflect.TypeFor[*[]good]()), nil)

	type badAddress struct {
		Adress string `json:"adress"`
	}
	type badRecipient struct {
		EmailAddress badAddress `json:"emailAddress"`
	}
	type bad struct {
		Subjet  string          `json:"subjet"`
		Subject string          // no tag: encoding/json writes "Subject"
		To      []badRecipient  `json:"toRecipients"`
		From    []recipient     `json:"from"`
		Cats    string          `json:"categories"`
		IsRead  struct{ X int } `json:"isRead"`
		Nested  struct {
			Owner struct {
				Nme string `json:"nme"`
			} `json:"owner"`
		} `json:"rule"`
	}
	checkWant(t, s.CheckStruct("message", reflect.TypeFor[bad]()), []string{
		"bad.Subjet: unknown property 'subjet' on microsoft.graph.message (did you mean 'subject'?)",
		"bad.Subject: no json tag, so encoding/json writes 'Subject': unknown property 'Subject' on microsoft.graph.message (did you mean 'subject'?)",
		"bad.To.EmailAddress.Adress: unknown property 'adress' on microsoft.graph.emailAddress",
		"bad.From: from is a single microsoft.graph.recipient, not a collection, but the field is []graphschema.recipient",
		"bad.Cats: categories is Collection(Edm.String) but the field is string",
		"bad.IsRead: isRead is Edm.Boolean but the field is the struct struct { X int }",
		"bad.Nested.Owner.Nme: unknown property 'nme' on microsoft.graph.emailAddress",
	})

	// A struct with @odata.type stands for the derived types too.
	type attachment struct {
		Type         string `json:"@odata.type"`
		ID           string `json:"id"`
		Name         string `json:"name"`
		ContentBytes []byte `json:"contentBytes,omitempty"`
	}
	checkWant(t, s.CheckStruct("attachment", reflect.TypeFor[attachment]()), nil)
	type plainAttachment struct {
		Name         string `json:"name"`
		ContentBytes []byte `json:"contentBytes,omitempty"`
	}
	checkWant(t, s.CheckStruct("attachment", reflect.TypeFor[plainAttachment]()), []string{
		"plainAttachment.ContentBytes: unknown property 'contentBytes' on microsoft.graph.attachment (declared on the derived type microsoft.graph.fileAttachment"})

	// Self-reference terminates.
	type thread struct {
		Replies []*thread `json:"replies"`
		Subjet  string    `json:"subjet"`
	}
	checkWant(t, s.CheckStruct("message", reflect.TypeFor[thread]()), []string{"thread.Subjet: unknown property 'subjet'"})
	checkWant(t, s.CheckStruct("message", reflect.TypeFor[int]()), []string{"int is not a struct"})
}
