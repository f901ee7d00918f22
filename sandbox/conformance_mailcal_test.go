package sandbox

import "testing"

// graphConformanceMailCal are the conformance rows of large attachments
// (upload sessions of messages and events), item attachments and events'
// file attachments, run in order on one sandbox by
// TestGraphConformanceMailCal: each row may use what the rows above it
// made ({save}).
var graphConformanceMailCal = []conformanceRow{
	{route: "POST /v1.0/me/messages", path: "/v1.0/me/messages", auth: "rw", status: 201, typ: "message", body: `{"subject": "Upload me"}`, save: "up"},
	{route: "POST /v1.0/me/messages/{mid}/attachments/createUploadSession", path: "/v1.0/me/messages/{up}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "POST /v1.0/me/mailFolders/{fid}/messages/{mid}/attachments/createUploadSession", path: "/v1.0/me/mailFolders/drafts/messages/{up}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "POST /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments/createUploadSession", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "POST /v1.0/me/events", path: "/v1.0/me/events", auth: "rw", status: 201, typ: "event", body: `{"subject": "Attachments me", "start": {"dateTime": "2025-06-11T10:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2025-06-11T11:00:00", "timeZone": "UTC"}}`, save: "ev"},
	{route: "POST /v1.0/me/events/{eid}/attachments", path: "/v1.0/me/events/{ev}/attachments", auth: "rw", status: 201, typ: "fileAttachment", body: `{"@odata.type": "#microsoft.graph.fileAttachment", "name": "agenda.txt", "contentType": "text/plain", "contentBytes": "aGVsbG8="}`, save: "evAtt"},
	{route: "GET /v1.0/me/events/{eid}/attachments", path: "/v1.0/me/events/{ev}/attachments", auth: "rw", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/me/events/{eid}/attachments/{aid}", path: "/v1.0/me/events/{ev}/attachments/{evAtt}", auth: "rw", status: 200, typ: "fileAttachment"},
	{route: "GET /v1.0/me/events/{eid}/attachments/{aid}/$value", path: "/v1.0/me/events/{ev}/attachments/{evAtt}/$value", auth: "rw", status: 200, judge: "raw"},
	{route: "POST /v1.0/me/events/{eid}/attachments/createUploadSession", path: "/v1.0/me/events/{ev}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "DELETE /v1.0/me/events/{eid}/attachments/{aid}", path: "/v1.0/me/events/{ev}/attachments/{evAtt}", auth: "rw", status: 204, judge: "none"},
	{route: "POST /v1.0/users/{id}/messages", path: "/v1.0/users/{adele}/messages", auth: "rw", status: 201, typ: "message", body: `{"subject": "Upload users"}`, save: "upB"},
	{route: "POST /v1.0/users/{id}/messages/{mid}/attachments/createUploadSession", path: "/v1.0/users/{adele}/messages/{upB}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "POST /v1.0/users/{id}/mailFolders/{fid}/messages/{mid}/attachments/createUploadSession", path: "/v1.0/users/{adele}/mailFolders/drafts/messages/{upB}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "POST /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments/createUploadSession", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "POST /v1.0/users/{id}/events", path: "/v1.0/users/{adele}/events", auth: "rw", status: 201, typ: "event", body: `{"subject": "Attachments users", "start": {"dateTime": "2025-06-11T10:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2025-06-11T11:00:00", "timeZone": "UTC"}}`, save: "evB"},
	{route: "POST /v1.0/users/{id}/events/{eid}/attachments", path: "/v1.0/users/{adele}/events/{evB}/attachments", auth: "rw", status: 201, typ: "fileAttachment", body: `{"@odata.type": "#microsoft.graph.fileAttachment", "name": "agenda.txt", "contentType": "text/plain", "contentBytes": "aGVsbG8="}`, save: "evAttB"},
	{route: "GET /v1.0/users/{id}/events/{eid}/attachments", path: "/v1.0/users/{adele}/events/{evB}/attachments", auth: "rw", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/users/{id}/events/{eid}/attachments/{aid}", path: "/v1.0/users/{adele}/events/{evB}/attachments/{evAttB}", auth: "rw", status: 200, typ: "fileAttachment"},
	{route: "GET /v1.0/users/{id}/events/{eid}/attachments/{aid}/$value", path: "/v1.0/users/{adele}/events/{evB}/attachments/{evAttB}/$value", auth: "rw", status: 200, judge: "raw"},
	{route: "POST /v1.0/users/{id}/events/{eid}/attachments/createUploadSession", path: "/v1.0/users/{adele}/events/{evB}/attachments/createUploadSession", auth: "rw", status: 201, typ: "uploadSession", body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "DELETE /v1.0/users/{id}/events/{eid}/attachments/{aid}", path: "/v1.0/users/{adele}/events/{evB}/attachments/{evAttB}", auth: "rw", status: 204, judge: "none"},
	{route: "POST /v1.0/me/messages/{mid}/attachments", path: "/v1.0/me/messages/{up}/attachments", auth: "rw", status: 201, typ: "itemAttachment", body: `{"@odata.type": "#microsoft.graph.itemAttachment", "name": "note", "item": {"@odata.type": "#microsoft.graph.message", "subject": "Inner", "body": {"contentType": "text", "content": "x"}}}`, save: "itemAtt"},
	{route: "POST /v1.0/me/messages/{mid}/attachments", path: "/v1.0/me/messages/{up}/attachments", auth: "rw", status: 201, typ: "itemAttachment", body: `{"@odata.type": "#microsoft.graph.itemAttachment", "item": {"@odata.type": "#microsoft.graph.event", "subject": "Inner event"}}`},
	{route: "GET /v1.0/me/messages/{mid}/attachments/{aid}", path: "/v1.0/me/messages/{up}/attachments/{itemAtt}?$expand=microsoft.graph.itemattachment/item", auth: "rw", status: 200, typ: "itemAttachment"},
	{route: "GET /v1.0/me/messages/{mid}/attachments", path: "/v1.0/me/messages/{up}/attachments?$expand=microsoft.graph.itemAttachment/item", auth: "rw", status: 200, typ: "attachment", list: true},
	{route: "POST /v1.0/me/messages/{mid}/attachments", path: "/v1.0/me/messages/{up}/attachments", auth: "rw", status: 400, body: `{"@odata.type": "#microsoft.graph.itemAttachment", "name": "x", "item": {"@odata.type": "#microsoft.graph.contact"}}`},
	{route: "POST /v1.0/me/messages/{mid}/attachments", path: "/v1.0/me/messages/{up}/attachments", auth: "rw", status: 400, body: `{"@odata.type": "#microsoft.graph.itemAttachment", "name": "x", "item": {"@odata.type": "#microsoft.graph.message", "nope": 1}}`},
	// errors
	{route: "POST /v1.0/me/messages/{mid}/attachments/createUploadSession", path: "/v1.0/me/messages/{up}/attachments/createUploadSession", auth: "rw", status: 400, body: `{"AttachmentItem": {"attachmentType": "reference", "name": "x", "size": 10}}`},
	{route: "POST /v1.0/me/messages/{mid}/attachments/createUploadSession", path: "/v1.0/me/messages/{up}/attachments/createUploadSession", auth: "rw", status: 413, body: `{"AttachmentItem": {"attachmentType": "file", "name": "huge.bin", "size": 200000000}}`},
	{route: "POST /v1.0/me/messages/{mid}/attachments/createUploadSession", path: "/v1.0/me/messages/AAMkAGnope/attachments/createUploadSession", auth: "rw", status: 404, body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "POST /v1.0/me/messages/{mid}/attachments/createUploadSession", path: "/v1.0/me/messages/{up}/attachments/createUploadSession", auth: "ro", status: 403, body: `{"AttachmentItem": {"attachmentType": "file", "name": "big.bin", "size": 5000000, "contentType": "application/octet-stream"}}`},
	{route: "GET /v1.0/me/events/{eid}/attachments/{aid}", path: "/v1.0/me/events/{ev}/attachments/{evAtt}", auth: "rw", status: 404},
	{route: "POST /v1.0/me/events/{eid}/attachments", path: "/v1.0/me/events/{ev}/attachments", auth: "rw", status: 501, body: `{"@odata.type": "#microsoft.graph.referenceAttachment", "name": "link"}`},
	{route: "GET /v1.0/me/events/{eid}/attachments", path: "/v1.0/me/events/{ev}/attachments", auth: "mail", status: 403},
}

func TestGraphConformanceMailCal(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	c := newConformance(t, e, map[string]string{
		"rw":   "User.Read Mail.ReadWrite Mail.Send Calendars.ReadWrite",
		"ro":   "User.Read Mail.Read Calendars.Read",
		"mail": "User.Read Mail.ReadWrite",
	})
	c.fill("{adele}", adele().ID)
	c.fill(mailFill(e, c.tokens["ro"])...)
	for _, row := range graphConformanceMailCal {
		c.run(row)
	}
}
