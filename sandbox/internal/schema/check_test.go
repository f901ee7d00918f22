package schema

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

func body(t *testing.T, s string) map[string]json.RawMessage {
	t.Helper()
	var m map[string]json.RawMessage
	if err := json.Unmarshal([]byte(s), &m); err != nil {
		t.Fatalf("test body %s: %v", s, err)
	}
	return m
}

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		name   string
		entity string
		op     Op
		body   string
		want   string          // the clean members, as a JSON object (with sorted keys), when ok
		err    *graphkit.Error // the error, when not
	}{
		// The rows.
		{"body content type canonicalised", "message", Create, `{"body":{"contentType":"HTML","content":"<p>x</p>"}}`,
			`{"body":{"content":"<p>x</p>","contentType":"html"}}`, nil},
		{"singleValueExtendedProperties on an event", "event", Create,
			`{"subject":"s","singleValueExtendedProperties":[{"id":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color","value":"Green"}]}`,
			`{"singleValueExtendedProperties":[{"id":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color","value":"Green"}],"subject":"s"}`, nil},
		{"singleValueExtendedProperties on a message update", "message", Update,
			`{"singleValueExtendedProperties":[{"id":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color","value":"Green"}]}`,
			`{"singleValueExtendedProperties":[{"id":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color","value":"Green"}]}`, nil},
		{"multiValueExtendedProperties on a contact", "contact", Create,
			`{"multiValueExtendedProperties":[{"id":"StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Palette","value":["Green","Red"]}]}`,
			`{"multiValueExtendedProperties":[{"id":"StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Palette","value":["Green","Red"]}]}`, nil},
		{"unknown property on a message", "message", Create, `{"subjekt":"x"}`, "",
			graphkit.UnknownPropError("subjekt", "Message")},
		{"unknown property on an event", "event", Update, `{"colour":"red"}`, "",
			graphkit.UnknownPropError("colour", "Event")},
		{"unknown property inside a complex value", "message", Create, `{"body":{"contentType":"text","text":"x"}}`, "",
			graphkit.UnknownPropError("text", "ItemBody")},
		{"unknown property in an extended property", "event", Create, `{"singleValueExtendedProperties":[{"id":"x","value":"y","type":"z"}]}`, "",
			graphkit.UnknownPropError("type", "SingleValueLegacyExtendedProperty")},
		{"unknown property on a directory type", "user", Update, `{"favouriteColour":"red"}`, "",
			graphkit.UnknownPropErrorOn("favouriteColour", "microsoft.graph.user")},
		{"inherited property", "message", Update, `{"categories":["Blue"]}`, `{"categories":["Blue"]}`, nil},
		{"dynamic members of an open complex type", "plannerTask", Update,
			`{"assignments":{"u1":{"@odata.type":"#microsoft.graph.plannerAssignment","orderHint":" !"},"u2":null}}`,
			`{"assignments":{"u1":{"@odata.type":"#microsoft.graph.plannerAssignment","orderHint":" !"},"u2":null}}`, nil},

		// JSON kinds against EDM types.
		{"string for a boolean", "message", Update, `{"isRead":"true"}`, "", graphkit.PropTypeError("isRead", "Edm.Boolean")},
		{"number for a string", "message", Update, `{"subject":3}`, "", graphkit.PropTypeError("subject", "Edm.String")},
		{"Int32 in range", "event", Update, `{"reminderMinutesBeforeStart":15}`, `{"reminderMinutesBeforeStart":15}`, nil},
		{"Int32 out of range", "event", Update, `{"reminderMinutesBeforeStart":2147483648}`, "",
			graphkit.PropTypeError("reminderMinutesBeforeStart", "Edm.Int32")},
		{"Int32 with a fraction", "event", Update, `{"reminderMinutesBeforeStart":1.5}`, "",
			graphkit.PropTypeError("reminderMinutesBeforeStart", "Edm.Int32")},
		{"DateTimeOffset", "contact", Create, `{"birthday":"1990-05-01T00:00:00Z"}`, `{"birthday":"1990-05-01T00:00:00Z"}`, nil},
		{"DateTimeOffset malformed", "contact", Create, `{"birthday":"May 1st"}`, "", graphkit.PropTypeError("birthday", "Edm.DateTimeOffset")},
		{"object for a collection", "message", Update, `{"toRecipients":{"emailAddress":{"address":"a@b.c"}}}`, "",
			graphkit.PropTypeError("toRecipients", "Collection(microsoft.graph.recipient)")},
		{"string in a collection of complex values", "message", Update, `{"toRecipients":["a@b.c"]}`, "",
			graphkit.PropTypeError("toRecipients", "Collection(microsoft.graph.recipient)")},
		{"number in a string collection", "message", Update, `{"categories":["Blue",3]}`, "",
			graphkit.PropTypeError("categories", "Collection(Edm.String)")},
		{"nested complex values", "message", Update, `{"toRecipients":[{"emailAddress":{"address":"a@b.c","name":"A"}}]}`,
			`{"toRecipients":[{"emailAddress":{"address":"a@b.c","name":"A"}}]}`, nil},
		{"wrong kind deep inside", "message", Update, `{"toRecipients":[{"emailAddress":{"address":7}}]}`, "",
			graphkit.PropTypeError("address", "Edm.String")},
		{"string for a complex value", "event", Update, `{"start":"2026-01-01T10:00:00"}`, "",
			graphkit.PropTypeError("start", "microsoft.graph.dateTimeTimeZone")},
		{"null for a nullable property", "message", Update, `{"subject":null}`, `{"subject":null}`, nil},
		{"null collection becomes empty", "message", Update, `{"categories":null}`, `{"categories":[]}`, nil},
		{"null for a non-nullable property", "event", Update, `{"recurrence":{"pattern":null,"range":{"type":"noEnd","startDate":"2026-01-01"}}}`,
			`{"recurrence":{"pattern":null,"range":{"startDate":"2026-01-01","type":"noEnd"}}}`, nil},
		{"null for a non-nullable nested property", "event", Create, `{"singleValueExtendedProperties":[{"id":null,"value":"x"}]}`, "",
			nullError("id", "Edm.String")},

		// Enums.
		{"enum ignoring case", "message", Update, `{"importance":"HIGH","inferenceClassification":"Focused"}`,
			`{"importance":"high","inferenceClassification":"focused"}`, nil},
		{"enum unknown member", "message", Update, `{"importance":"urgent"}`, "", graphkit.EnumError("urgent")},
		{"enum not a string", "message", Update, `{"importance":2}`, "", graphkit.PropTypeError("importance", "microsoft.graph.importance")},
		{"nested enum", "event", Update, `{"attendees":[{"type":"Optional","emailAddress":{"address":"a@b.c"}}],"showAs":"OOF"}`,
			`{"attendees":[{"emailAddress":{"address":"a@b.c"},"type":"optional"}],"showAs":"oof"}`, nil},
		{"flags enum", "chatMessage", Update, `{"policyViolation":{"dlpAction":"NotifySender, BLOCKACCESS"}}`,
			`{"policyViolation":{"dlpAction":"notifySender,blockAccess"}}`, nil},
		{"flags enum with an unknown member", "chatMessage", Update, `{"policyViolation":{"dlpAction":"notifySender,shred"}}`, "",
			graphkit.EnumError("shred")},
		{"collection of enums", "mailboxSettings", Update, `{"workingHours":{"daysOfWeek":["MONDAY","friday"]}}`,
			`{"workingHours":{"daysOfWeek":["monday","friday"]}}`, nil},
		{"collection of enums with an unknown member", "mailboxSettings", Update, `{"workingHours":{"daysOfWeek":["monday","someday"]}}`, "",
			graphkit.EnumError("someday")},

		// Read-only properties: a message create ignores them, its update rejects them; an event ignores them.
		{"read-only ignored on message create", "message", Create, `{"subject":"x","id":"AAA","changeKey":"k","isDraft":false,"webLink":"u"}`,
			`{"subject":"x"}`, nil},
		{"read-only rejected on message update", "message", Update, `{"subject":"x","conversationId":"c"}`, "", ErrReadOnly},
		{"inherited read-only rejected on message update", "message", Update, `{"lastModifiedDateTime":"2026-01-01T00:00:00Z"}`, "", ErrReadOnly},
		{"read-only ignored on event update", "event", Update, `{"subject":"x","iCalUId":"u","type":"singleInstance","changeKey":"k"}`,
			`{"subject":"x"}`, nil},
		{"read-only ignored on event create", "event", Create, `{"subject":"x","webLink":"u","id":"AAA"}`, `{"subject":"x"}`, nil},
		{"create-only accepted on create", "mailFolder", Create, `{"displayName":"F","isHidden":true}`, `{"displayName":"F","isHidden":true}`, nil},
		{"create-only rejected on folder update", "mailFolder", Update, `{"isHidden":true}`, "", ErrReadOnly},
		{"create-only headers on message create", "message", Create, `{"internetMessageHeaders":[{"name":"x-a","value":"b"}]}`,
			`{"internetMessageHeaders":[{"name":"x-a","value":"b"}]}`, nil},
		{"read-only inside a navigation value ignored", "message", Create,
			`{"attachments":[{"@odata.type":"#microsoft.graph.fileAttachment","name":"a.txt","contentBytes":"aGk=","size":2}]}`,
			`{"attachments":[{"@odata.type":"#microsoft.graph.fileAttachment","contentBytes":"aGk=","name":"a.txt"}]}`, nil},

		// Required on create.
		{"required missing", "mailFolder", Create, `{"isHidden":true}`, "", required["microsoft.graph.mailFolder"][0].Err},
		{"required not needed on update", "mailFolder", Update, `{"displayName":"G"}`, `{"displayName":"G"}`, nil},
		{"required in a navigation value", "message", Create, `{"attachments":[{"@odata.type":"microsoft.graph.fileAttachment","contentBytes":"aGk="}]}`, "",
			required["microsoft.graph.fileAttachment"][0].Err},

		// @odata.type and annotations.
		{"derived type's properties", "attachment", Create, `{"@odata.type":"microsoft.graph.fileAttachment","name":"a","contentBytes":"aGk=","isInline":true}`,
			`{"@odata.type":"#microsoft.graph.fileAttachment","contentBytes":"aGk=","isInline":true,"name":"a"}`, nil},
		{"derived property without @odata.type", "attachment", Create, `{"name":"a","contentBytes":"aGk="}`, "",
			graphkit.UnknownPropError("contentBytes", "Attachment")},
		{"base64 checked", "attachment", Create, `{"@odata.type":"#microsoft.graph.fileAttachment","name":"a","contentBytes":"not base64!"}`, "",
			graphkit.PropTypeError("contentBytes", "Edm.Binary")},
		{"@odata.type naming no type", "attachment", Create, `{"@odata.type":"#microsoft.graph.fooAttachment","name":"a"}`, "",
			graphkit.Err(400, "RequestBodyRead", "A type named 'microsoft.graph.fooAttachment' could not be resolved by the model. When a model is available, each type name must resolve to a valid type.")},
		{"@odata.type of an unrelated type", "message", Create, `{"@odata.type":"#microsoft.graph.event","subject":"x"}`, "",
			graphkit.Err(400, "RequestBodyRead", "A resource with type 'microsoft.graph.event' was found, but it is not assignable to the expected type 'microsoft.graph.message'. The type specified in the resource must be equal to either the expected type or a derived type.")},
		{"@odata.type of the type itself", "message", Create, `{"@odata.type":"#microsoft.graph.message","subject":"x"}`,
			`{"@odata.type":"#microsoft.graph.message","subject":"x"}`, nil},
		{"instance annotations dropped, custom ones kept", "message", Update, `{"@odata.etag":"W/\"x\"","@odata.context":"c","@microsoft.graph.tag":"t","isRead":true}`,
			`{"@microsoft.graph.tag":"t","isRead":true}`, nil},
		{"property annotation dropped", "message", Update, `{"categories@odata.type":"#Collection(String)","categories":["a"]}`, `{"categories":["a"]}`, nil},
		{"bind annotation kept", "group", Create, `{"displayName":"g","members@odata.bind":["https://graph.microsoft.com/v1.0/users/1"]}`,
			`{"displayName":"g","members@odata.bind":["https://graph.microsoft.com/v1.0/users/1"]}`, nil},
		{"annotation of an unknown property", "message", Update, `{"colour@odata.type":"#String"}`, "", graphkit.UnknownPropError("colour", "Message")},
		{"@odata.type inside a complex value", "event", Update, `{"location":{"@odata.type":"#microsoft.graph.location","displayName":"Room 1"}}`,
			`{"location":{"@odata.type":"#microsoft.graph.location","displayName":"Room 1"}}`, nil},
	} {
		t.Run(c.name, func(t *testing.T) {
			clean, ge := Check(c.entity, body(t, c.body), c.op)
			if c.err != nil {
				if ge == nil || *ge != *c.err {
					t.Fatalf("error %+v, want %+v (clean %s)", ge, c.err, mustJSON(clean))
				}
				return
			}
			if ge != nil {
				t.Fatalf("error %+v", ge)
			}
			if got := mustJSON(clean); got != c.want {
				t.Errorf("clean\n %s\nwant\n %s", got, c.want)
			}
		})
	}
}

// mustJSON writes m with sorted keys and without HTML escaping, so that the
// raw values Check returned show as they are.
func mustJSON(m map[string]json.RawMessage) string {
	if m == nil {
		return "null"
	}
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var b strings.Builder
	b.WriteString("{")
	for i, k := range keys {
		if i > 0 {
			b.WriteString(",")
		}
		fmt.Fprintf(&b, "%q:%s", k, m[k])
	}
	return b.String() + "}"
}

func TestCheckUnknownEntityPanics(t *testing.T) {
	defer func() {
		if r := recover(); r == nil || !strings.Contains(r.(string), "schemagen.Roots") {
			t.Errorf("recover() = %v, want a panic naming schemagen.Roots", r)
		}
	}()
	Check("notAType", nil, Create)
}

type draft struct {
	subject string
	body    string
}

func TestApply(t *testing.T) {
	set := Setters[*draft]{
		"subject": func(d *draft, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &d.subject) },
		"body": func(d *draft, raw json.RawMessage) *graphkit.Error {
			var b struct{ ContentType string }
			if err := json.Unmarshal(raw, &b); err != nil {
				return graphkit.BadRequest(err.Error())
			}
			d.body = b.ContentType
			return nil
		},
	}
	if u := set.Unknown("message"); len(u) != 0 {
		t.Errorf("Unknown = %v", u)
	}
	if u := (Setters[*draft]{"subjekt": nil, "subject": nil}).Unknown("message"); len(u) != 1 || u[0] != "subjekt" {
		t.Errorf("Unknown = %v, want [subjekt]", u)
	}
	d := &draft{}
	rest, ge := Apply("message", d, body(t, `{"subject":"Hi","body":{"contentType":"HTML"},"@odata.type":"#microsoft.graph.message",
		"singleValueExtendedProperties":[{"id":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name X","value":"1"}]}`), Create, set)
	if ge != nil {
		t.Fatal(ge)
	}
	if d.subject != "Hi" || d.body != "html" {
		t.Errorf("draft %+v", d)
	}
	if got := mustJSON(rest); got != `{"@odata.type":"#microsoft.graph.message","singleValueExtendedProperties":[{"id":"String {66f5a359-4659-4830-9070-00047ec6ac6e} Name X","value":"1"}]}` {
		t.Errorf("rest %s", got)
	}
	// The first failing setter in name order wins, and nothing after it runs.
	fail := Setters[*draft]{
		"body":    func(*draft, json.RawMessage) *graphkit.Error { return graphkit.BadRequest("body") },
		"subject": func(*draft, json.RawMessage) *graphkit.Error { return graphkit.BadRequest("subject") },
	}
	for range 5 {
		if _, ge := Apply("message", d, body(t, `{"subject":"x","body":{}}`), Update, fail); ge == nil || ge.Message != "body" {
			t.Fatalf("error %+v, want the body setter's", ge)
		}
	}
	if _, ge := Apply("message", d, body(t, `{"subject":"x","colour":"red"}`), Update, set); ge == nil || ge.Code != "RequestBodyRead" {
		t.Errorf("unknown property through Apply: %+v", ge)
	}
}

func unmarshal(raw json.RawMessage, v any) *graphkit.Error {
	if err := json.Unmarshal(raw, v); err != nil {
		return graphkit.BadRequest(err.Error())
	}
	return nil
}

// TestCheckCSDLFlags covers the CSDL's Computed and Immutable annotations,
// which none of Outlook's types carry today, on a type added for the test.
func TestCheckCSDLFlags(t *testing.T) {
	const name = "microsoft.graph.schemaTestThing"
	types()[name] = &Type{Name: name, Kind: Entity, Base: "microsoft.graph.entity", Props: []Prop{
		{Name: "computed", Type: "Edm.String", Nullable: true, Computed: true},
		{Name: "immutable", Type: "Edm.String", Nullable: true, Immutable: true},
		{Name: "plain", Type: "Edm.String", Nullable: true},
	}}
	defer delete(types(), name)
	for _, c := range []struct {
		op   Op
		body string
		want string
	}{
		{Create, `{"computed":"a","immutable":"b","plain":"c"}`, `{"immutable":"b","plain":"c"}`},
		{Update, `{"computed":"a","immutable":"b","plain":"c"}`, `{"plain":"c"}`},
	} {
		clean, ge := Check("schemaTestThing", body(t, c.body), c.op)
		if ge != nil {
			t.Fatal(ge)
		}
		if got := mustJSON(clean); got != c.want {
			t.Errorf("op %d: clean %s, want %s", c.op, got, c.want)
		}
	}
}
