package sandbox

import "testing"

// graphConformanceMailCal are the conformance rows of large attachments
// (upload sessions of messages and events), item attachments, events'
// file attachments, mailbox settings and master categories, run in order on one sandbox by
// TestGraphConformanceMailCal: each row may use what the rows above it
// made ({save}).
var graphConformanceMailCal = []conformanceRow{
	// A meeting Megan organizes reaches Adele's inbox as an eventMessage whose event is Adele's copy.
	{route: "POST /v1.0/me/events", path: "/v1.0/me/events", auth: "megan", status: 201, typ: "event", body: `{"subject": "Meeting conformance", "start": {"dateTime": "2025-06-12T10:00:00", "timeZone": "UTC"}, "end": {"dateTime": "2025-06-12T11:00:00", "timeZone": "UTC"}, "attendees": [{"emailAddress": {"address": "{adeleMail}"}, "type": "required"}]}`},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$filter=subject%20eq%20'Meeting%20conformance'", auth: "rw", status: 200, typ: "message", list: true, save: "meetMsg"},
	{route: "GET /v1.0/me/messages/{mid}", path: "/v1.0/me/messages/{meetMsg}?$expand=microsoft.graph.eventMessage/event", auth: "rw", status: 200, typ: "eventMessageRequest"},
	{route: "GET /v1.0/me/messages/{mid}/microsoft.graph.eventMessage/event", path: "/v1.0/me/messages/{meetMsg}/microsoft.graph.eventMessage/event", auth: "rw", status: 200, typ: "event"},
	{route: "GET /v1.0/me/messages/{mid}/microsoft.graph.eventMessage/event", path: "/v1.0/me/messages/{meetMsg}/microsoft.graph.eventMessage/event", auth: "settings", status: 403},
	{route: "GET /v1.0/users/{id}/messages/{mid}/microsoft.graph.eventMessage/event", path: "/v1.0/users/{adele}/messages/{meetMsg}/microsoft.graph.eventMessage/event", auth: "rw", status: 200, typ: "event"},
	{route: "POST /v1.0/me/messages", path: "/v1.0/me/messages", auth: "rw", status: 201, typ: "message", body: `{"subject": "Upload me"}`, save: "up"},
	{route: "GET /v1.0/me/messages/{mid}/microsoft.graph.eventMessage/event", path: "/v1.0/me/messages/{up}/microsoft.graph.eventMessage/event", auth: "rw", status: 404},
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
	{route: "GET /v1.0/me/mailboxSettings", path: "/v1.0/me/mailboxSettings", auth: "settings", status: 200, typ: "mailboxSettings"},
	{route: "PATCH /v1.0/me/mailboxSettings", path: "/v1.0/me/mailboxSettings", auth: "settings", status: 200, typ: "mailboxSettings", body: `{"timeZone": "W. Europe Standard Time", "workingHours": {"daysOfWeek": ["Monday", "tuesday"]}, "automaticRepliesSetting": {"status": "alwaysEnabled"}}`},
	{route: "GET /v1.0/me/mailboxSettings/automaticRepliesSetting", path: "/v1.0/me/mailboxSettings/automaticRepliesSetting", auth: "settings", status: 200, typ: "automaticRepliesSetting"},
	{route: "GET /v1.0/me/mailboxSettings/language", path: "/v1.0/me/mailboxSettings/language", auth: "settings", status: 200, typ: "localeInfo"},
	{route: "GET /v1.0/me/mailboxSettings/workingHours", path: "/v1.0/me/mailboxSettings/workingHours", auth: "settings", status: 200, typ: "workingHours"},
	{route: "GET /v1.0/me/mailboxSettings/dateFormat", path: "/v1.0/me/mailboxSettings/dateFormat", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/me/mailboxSettings/delegateMeetingMessageDeliveryOptions", path: "/v1.0/me/mailboxSettings/delegateMeetingMessageDeliveryOptions", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/me/mailboxSettings/timeFormat", path: "/v1.0/me/mailboxSettings/timeFormat", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/me/mailboxSettings/timeZone", path: "/v1.0/me/mailboxSettings/timeZone", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/me/mailboxSettings/userPurpose", path: "/v1.0/me/mailboxSettings/userPurpose", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/me/outlook/masterCategories", path: "/v1.0/me/outlook/masterCategories", auth: "settings", status: 200, typ: "outlookCategory", list: true},
	{route: "POST /v1.0/me/outlook/masterCategories", path: "/v1.0/me/outlook/masterCategories", auth: "settings", status: 201, typ: "outlookCategory", body: `{"displayName": "Conformance A", "color": "preset9"}`, save: "cat"},
	{route: "GET /v1.0/me/outlook/masterCategories/{catid}", path: "/v1.0/me/outlook/masterCategories/{cat}", auth: "settings", status: 200, typ: "outlookCategory"},
	{route: "PATCH /v1.0/me/outlook/masterCategories/{catid}", path: "/v1.0/me/outlook/masterCategories/{cat}", auth: "settings", status: 200, typ: "outlookCategory", body: `{"color": "preset12"}`},
	{route: "DELETE /v1.0/me/outlook/masterCategories/{catid}", path: "/v1.0/me/outlook/masterCategories/{cat}", auth: "settings", status: 204, judge: "none"},
	{route: "GET /v1.0/users/{id}/mailboxSettings", path: "/v1.0/users/{adele}/mailboxSettings", auth: "settings", status: 200, typ: "mailboxSettings"},
	{route: "PATCH /v1.0/users/{id}/mailboxSettings", path: "/v1.0/users/{adele}/mailboxSettings", auth: "settings", status: 200, typ: "mailboxSettings", body: `{"timeZone": "W. Europe Standard Time", "workingHours": {"daysOfWeek": ["Monday", "tuesday"]}, "automaticRepliesSetting": {"status": "alwaysEnabled"}}`},
	{route: "GET /v1.0/users/{id}/mailboxSettings/automaticRepliesSetting", path: "/v1.0/users/{adele}/mailboxSettings/automaticRepliesSetting", auth: "settings", status: 200, typ: "automaticRepliesSetting"},
	{route: "GET /v1.0/users/{id}/mailboxSettings/language", path: "/v1.0/users/{adele}/mailboxSettings/language", auth: "settings", status: 200, typ: "localeInfo"},
	{route: "GET /v1.0/users/{id}/mailboxSettings/workingHours", path: "/v1.0/users/{adele}/mailboxSettings/workingHours", auth: "settings", status: 200, typ: "workingHours"},
	{route: "GET /v1.0/users/{id}/mailboxSettings/dateFormat", path: "/v1.0/users/{adele}/mailboxSettings/dateFormat", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/users/{id}/mailboxSettings/delegateMeetingMessageDeliveryOptions", path: "/v1.0/users/{adele}/mailboxSettings/delegateMeetingMessageDeliveryOptions", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/users/{id}/mailboxSettings/timeFormat", path: "/v1.0/users/{adele}/mailboxSettings/timeFormat", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/users/{id}/mailboxSettings/timeZone", path: "/v1.0/users/{adele}/mailboxSettings/timeZone", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/users/{id}/mailboxSettings/userPurpose", path: "/v1.0/users/{adele}/mailboxSettings/userPurpose", auth: "settings", status: 200, judge: "value"},
	{route: "GET /v1.0/users/{id}/outlook/masterCategories", path: "/v1.0/users/{adele}/outlook/masterCategories", auth: "settings", status: 200, typ: "outlookCategory", list: true},
	{route: "POST /v1.0/users/{id}/outlook/masterCategories", path: "/v1.0/users/{adele}/outlook/masterCategories", auth: "settings", status: 201, typ: "outlookCategory", body: `{"displayName": "Conformance B", "color": "preset9"}`, save: "catB"},
	{route: "GET /v1.0/users/{id}/outlook/masterCategories/{catid}", path: "/v1.0/users/{adele}/outlook/masterCategories/{catB}", auth: "settings", status: 200, typ: "outlookCategory"},
	{route: "PATCH /v1.0/users/{id}/outlook/masterCategories/{catid}", path: "/v1.0/users/{adele}/outlook/masterCategories/{catB}", auth: "settings", status: 200, typ: "outlookCategory", body: `{"color": "preset12"}`},
	{route: "DELETE /v1.0/users/{id}/outlook/masterCategories/{catid}", path: "/v1.0/users/{adele}/outlook/masterCategories/{catB}", auth: "settings", status: 204, judge: "none"},
	{route: "PATCH /v1.0/me/mailboxSettings", path: "/v1.0/me/mailboxSettings", auth: "settings", status: 400, body: `{"workingHours": {"daysOfWeek": ["someday"]}}`},
	{route: "PATCH /v1.0/me/mailboxSettings", path: "/v1.0/me/mailboxSettings", auth: "settings", status: 400, body: `{"userPurpose": "shared"}`},
	{route: "GET /v1.0/me/mailboxSettings", path: "/v1.0/me/mailboxSettings", auth: "mail", status: 403},
	{route: "POST /v1.0/me/outlook/masterCategories", path: "/v1.0/me/outlook/masterCategories", auth: "settings", status: 409, body: `{"displayName": "red CATEGORY"}`},
	{route: "POST /v1.0/me/outlook/masterCategories", path: "/v1.0/me/outlook/masterCategories", auth: "settings", status: 400, body: `{"displayName": "x", "color": "preset99"}`},
	{route: "PATCH /v1.0/me/outlook/masterCategories/{catid}", path: "/v1.0/me/outlook/masterCategories/{cat}", auth: "settings", status: 404, body: `{"color": "preset1"}`},
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
		"rw":       "User.Read Mail.ReadWrite Mail.Send Calendars.ReadWrite",
		"ro":       "User.Read Mail.Read Calendars.Read",
		"mail":     "User.Read Mail.ReadWrite",
		"settings": "User.Read MailboxSettings.ReadWrite",
	})
	c.fill("{adele}", adele().ID, "{adeleMail}", adele().Mail)
	for _, u := range Users() {
		if u.ID == MeganBowenID { // the organizer of the meeting rows
			c.tokens["megan"] = "Bearer " + e.userToken(u.UserPrincipalName, u.Password, "User.Read Calendars.ReadWrite")
		}
	}
	c.fill(mailFill(e, c.tokens["ro"])...)
	for _, row := range graphConformanceMailCal {
		c.run(row)
	}
}
