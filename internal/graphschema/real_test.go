package graphschema

import (
	"os"
	"path/filepath"
	"strings"
	"testing"
)

// The documents in testdata follow Graph's response examples
// (learn.microsoft.com/graph/api/…), filled out with more properties. The
// schema corrected two that were written from memory: mailFolder.sizeInBytes
// and event.uid are beta-only.
func readDoc(t *testing.T, name string) string {
	t.Helper()
	b, err := os.ReadFile(filepath.Join("testdata", name))
	if err != nil {
		t.Fatal(err)
	}
	return string(b)
}

func TestRealSchemaDocuments(t *testing.T) {
	s := ForTest(t)
	for _, tc := range []struct {
		file, typ string
		edits     []string // old, new pairs applied to the document
		want      []string
	}{
		{file: "message.json", typ: "message"},
		{file: "message.json", typ: "microsoft.graph.message",
			edits: []string{`"address": "AlexW@`, `"adress": "AlexW@`, `"isRead"`, `"isread"`, `"focused"`, `"focussed"`},
			want: []string{"/inferenceClassification: 'focussed' is not a member of microsoft.graph.inferenceClassificationType (did you mean 'focused'?); members: focused, other",
				"/isread: unknown property 'isread' on microsoft.graph.message (did you mean 'isRead'?)",
				"/toRecipients/0/emailAddress/adress: unknown property 'adress' on microsoft.graph.emailAddress (did you mean 'address'?); allowed: address, name"}},
		{file: "message.json", typ: "message",
			edits: []string{`"#microsoft.graph.fileAttachment"`, `"#microsoft.graph.attachment"`},
			want: []string{"/attachments/0/contentBytes: unknown property 'contentBytes' on microsoft.graph.attachment (declared on the derived type microsoft.graph.fileAttachment",
				"/attachments/0/contentId: unknown property", "/attachments/0/contentLocation: unknown property"}},
		{file: "message.json", typ: "message",
			edits: []string{`"receivedDateTime": "2017-08-18T15:41:09Z"`, `"receivedDateTime": "2017-08-18 15:41:09"`},
			want:  []string{`/receivedDateTime: "2017-08-18 15:41:09" is not an RFC 3339 date-time`}},
		{file: "user.json", typ: "user"},
		{file: "user.json", typ: "user",
			edits: []string{`"sendToDelegateOnly"`, `"sendToDelegate"`, `"givenName"`, `"firstName"`},
			want: []string{"/firstName: unknown property 'firstName' on microsoft.graph.user",
				"/mailboxSettings/delegateMeetingMessageDeliveryOptions: 'sendToDelegate' is not a member of microsoft.graph.delegateMeetingMessageDeliveryOptions"}},
		{file: "mailFolder.json", typ: "mailFolder"},
		{file: "mailFolder.json", typ: "mailFolder", edits: []string{`"unreadItemCount": 70`, `"unreadItemCount": "70"`},
			want: []string{`/unreadItemCount: want an integer (Edm.Int32), got the string "70"`}},
		{file: "event.json", typ: "event"},
		{file: "event.json", typ: "event",
			edits: []string{`"type": "weekly"`, `"type": "everyWeek"`, `["monday"]`, `["mon"]`, `"startDate": "2017-09-04"`, `"startDate": "2017-09-04T00:00:00Z"`,
				`"showAs": "busy"`, `"showAs": "Busy"`},
			want: []string{"/recurrence/pattern/daysOfWeek/0: 'mon' is not a member of microsoft.graph.dayOfWeek",
				"/recurrence/pattern/type: 'everyWeek' is not a member of microsoft.graph.recurrencePatternType",
				`/recurrence/range/startDate: "2017-09-04T00:00:00Z" is not YYYY-MM-DD (Edm.Date)`,
				"/showAs: 'Busy' is not a member of microsoft.graph.freeBusyStatus (did you mean 'busy'?)"}},
	} {
		name := strings.TrimSuffix(tc.file, ".json")
		if len(tc.edits) > 0 {
			name += "/edited"
		}
		t.Run(name, func(t *testing.T) {
			doc := readDoc(t, tc.file)
			for i := 0; i+1 < len(tc.edits); i += 2 {
				if !strings.Contains(doc, tc.edits[i]) {
					t.Fatalf("edit %q does not apply", tc.edits[i])
				}
				doc = strings.Replace(doc, tc.edits[i], tc.edits[i+1], 1)
			}
			checkWant(t, s.CheckJSON(tc.typ, []byte(doc)), tc.want)
		})
	}
}

func TestRealSchemaPolymorphism(t *testing.T) {
	s := ForTest(t)
	// GET /me/manager answers a directoryObject whose @odata.type is user.
	mgr := `{"@odata.context":"https://graph.microsoft.com/v1.0/$metadata#directoryObjects/$entity","@odata.type":"#microsoft.graph.user",
		"id":"1","displayName":"Nestor Wilke","businessPhones":[],"mail":"n@contoso.com"}`
	checkWant(t, s.CheckJSON("directoryObject", []byte(mgr)), nil)
	checkWant(t, s.CheckJSON("directoryObject", []byte(strings.Replace(mgr, `"@odata.type":"#microsoft.graph.user",`, "", 1))),
		[]string{"/businessPhones: unknown property 'businessPhones' on microsoft.graph.directoryObject (declared on the derived type",
			"/displayName: unknown property", "/mail: unknown property"})
	fa := `{"@odata.type":"#microsoft.graph.fileAttachment","id":"a","name":"n.txt","contentType":"text/plain","size":3,"isInline":false,"contentBytes":"aGk="}`
	checkWant(t, s.CheckJSON("attachment", []byte(fa)), nil)
	checkWant(t, s.CheckJSON("fileAttachment", []byte(fa)), nil)
	checkWant(t, s.CheckJSON("itemAttachment", []byte(fa)), []string{
		"/@odata.type: microsoft.graph.fileAttachment does not derive from the declared type microsoft.graph.itemAttachment",
		"/contentBytes: unknown property 'contentBytes' on microsoft.graph.itemAttachment"})
	checkWant(t, s.CheckCollection("callRecords.callRecord", []byte(`{"value":[{"id":"x","type":"groupCall","modalities":["audio","video"],"version":1}]}`)), nil)
}

func TestRealSchemaError(t *testing.T) {
	s := ForTest(t)
	ok := `{"error":{"code":"InvalidAuthenticationToken","message":"Access token is empty.",
		"innerError":{"date":"2025-06-02T09:00:00","request-id":"8b0d5a2c-1a2b-4c3d-9e8f-0a1b2c3d4e5f","client-request-id":"8b0d5a2c-1a2b-4c3d-9e8f-0a1b2c3d4e5f"}}}`
	checkWant(t, s.CheckError([]byte(ok)), nil)
	checkWant(t, s.CheckError([]byte(`{"error":{"code":"x","mesage":"y","innerError":{"requestId":"z"}},"status":400}`)), []string{
		"an error response has exactly one member, 'error'; got error, status",
		"/error/innerError/requestId: unknown property 'requestId' on microsoft.graph.publicInnerError",
		"/error/mesage: unknown property 'mesage' on microsoft.graph.publicError (did you mean 'message'?)",
		"/error: no 'message' string"})
}
