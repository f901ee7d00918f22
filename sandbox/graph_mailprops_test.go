package sandbox

import (
	"net/url"
	"strings"
	"testing"
)

// TestMailETags: every message and mail folder answer carries @odata.etag
// W/"<changeKey>"; a write with a stale If-Match gets 412 and changes
// nothing, the current tag or "*" goes through.
func TestMailETags(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	with := func(tag string) map[string]string {
		h := map[string]string{"If-Match": tag}
		for k, v := range adele {
			h[k] = v
		}
		return h
	}
	const conflict = "ErrorIrresolvableConflict"
	var d map[string]any
	e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Plan",
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "AlexW@" + TenantDomain}}}}, &d)
	id, tag := d["id"].(string), d["@odata.etag"].(string)
	if tag != `W/"`+d["changeKey"].(string)+`"` {
		t.Fatalf("etag %q, changeKey %q", tag, d["changeKey"])
	}
	var p map[string]any
	e.must(200, "PATCH", "/v1.0/me/messages/"+id, with(tag), map[string]any{"subject": "Plan v2"}, &p)
	if p["@odata.etag"] == tag || p["subject"] != "Plan v2" {
		t.Fatalf("patched with the current tag: %v", p)
	}
	stale := tag
	e.wantError(412, conflict, "change key", "PATCH", "/v1.0/me/messages/"+id, with(stale), map[string]any{"subject": "lost"})
	e.wantError(412, conflict, "change key", "DELETE", "/v1.0/me/messages/"+id, with(stale), nil)
	e.wantError(412, conflict, "change key", "POST", "/v1.0/me/messages/"+id+"/move", with(stale), map[string]any{"destinationId": "archive"})
	e.wantError(412, conflict, "change key", "POST", "/v1.0/me/messages/"+id+"/copy", with(stale), map[string]any{"destinationId": "archive"})
	e.wantError(412, conflict, "change key", "POST", "/v1.0/me/messages/"+id+"/send", with(stale), nil)
	var after map[string]any
	e.must(200, "GET", "/v1.0/me/messages/"+id, adele, nil, &after)
	if after["subject"] != "Plan v2" || after["@odata.etag"] != p["@odata.etag"] || after["parentFolderId"] != seedFolderID(AdeleVanceID, "drafts") {
		t.Fatalf("a refused write changed the draft: %v", after)
	}
	e.must(200, "PATCH", "/v1.0/me/messages/"+id, with("*"), map[string]any{"isRead": false}, nil)
	var list msgPage
	e.must(200, "GET", "/v1.0/me/mailFolders/drafts/messages?$select=subject", adele, nil, &list)
	for _, m := range list.Value {
		if et, _ := m["@odata.etag"].(string); !strings.HasPrefix(et, `W/"`) {
			t.Errorf("listed message without @odata.etag: %v", m)
		}
	}
	var cur map[string]any
	e.must(200, "GET", "/v1.0/me/messages/"+id, adele, nil, &cur)
	e.must(202, "POST", "/v1.0/me/messages/"+id+"/send", with(cur["@odata.etag"].(string)), nil, nil)

	// Folders.
	var f, inbox map[string]any
	e.must(201, "POST", "/v1.0/me/mailFolders", adele, map[string]any{"displayName": "Work"}, &f)
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox", adele, nil, &inbox)
	fid, ftag := f["id"].(string), f["@odata.etag"].(string)
	if !strings.HasPrefix(ftag, `W/"`) || !strings.HasPrefix(inbox["@odata.etag"].(string), `W/"`) {
		t.Fatalf("folder etags %q %v", ftag, inbox["@odata.etag"])
	}
	var rf map[string]any
	e.must(200, "PATCH", "/v1.0/me/mailFolders/"+fid, with(ftag), map[string]any{"displayName": "Work 2"}, &rf)
	if rf["@odata.etag"] == ftag || rf["displayName"] != "Work 2" {
		t.Fatalf("renamed %v", rf)
	}
	e.wantError(412, conflict, "change key", "PATCH", "/v1.0/me/mailFolders/"+fid, with(ftag), map[string]any{"displayName": "lost"})
	e.wantError(412, conflict, "change key", "DELETE", "/v1.0/me/mailFolders/"+fid, with(ftag), nil)
	var fl msgPage
	e.must(200, "GET", "/v1.0/me/mailFolders", adele, nil, &fl)
	found := false
	for _, x := range fl.Value {
		if x["id"] == fid {
			found = x["displayName"] == "Work 2" && x["@odata.etag"] == rf["@odata.etag"]
		}
	}
	if !found {
		t.Errorf("folder after refused writes: %v", fl.Value)
	}
	e.must(204, "DELETE", "/v1.0/me/mailFolders/"+fid, with(rf["@odata.etag"].(string)), nil, nil)
}

// TestMailBodiesBySchema: message and folder bodies are checked against
// Graph's schema: enum values in any case, unknown properties and
// read-only or create-only ones on update get Graph's errors, null
// collections are empty, attachments state a known type.
func TestMailBodiesBySchema(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	var d map[string]any
	e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "S", "importance": "HIGH",
		"body": map[string]any{"contentType": "HTML", "content": "<p>x</p>"}, "categories": nil, "isRead": nil,
		"inferenceClassification": "Other", "flag": map[string]any{"flagStatus": "COMPLETE"}}, &d)
	if d["importance"] != "high" || d["body"].(map[string]any)["contentType"] != "html" || d["inferenceClassification"] != "other" ||
		d["flag"].(map[string]any)["flagStatus"] != "complete" || d["flag"].(map[string]any)["completedDateTime"] == nil ||
		len(d["categories"].([]any)) != 0 || d["isRead"] != true {
		t.Fatalf("created %v", d)
	}
	id := d["id"].(string)
	msg := "/v1.0/me/messages/" + id
	e.wantError(400, "ErrorInvalidPropertySet", "Set action is invalid for property.", "PATCH", msg, adele,
		map[string]any{"internetMessageHeaders": []any{map[string]any{"name": "x-a", "value": "b"}}})
	e.wantError(400, "InvalidInternetMessageHeader", "should start with 'x-'", "POST", "/v1.0/me/messages", adele,
		map[string]any{"internetMessageHeaders": []any{map[string]any{"name": "a", "value": "b"}}})
	e.wantError(400, "ErrorInvalidRecipients", "missing an email address", "PATCH", msg, adele,
		map[string]any{"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"name": "No address"}}}})
	e.wantError(400, "RequestBodyRead", "could not be resolved by the model", "POST", "/v1.0/me/messages", adele,
		map[string]any{"attachments": []any{map[string]any{"@odata.type": "#microsoft.graph.bogusAttachment", "name": "a"}}})
	e.wantError(400, "BadRequest", "must state its type", "POST", msg+"/attachments", adele, map[string]any{"name": "a"})
	e.wantError(501, "NotImplemented", "not reference attachments", "POST", msg+"/attachments", adele,
		map[string]any{"@odata.type": "#microsoft.graph.referenceAttachment", "name": "a"})
	e.wantError(400, "BadRequest", "cannot be updated with PATCH", "PATCH", msg, adele, map[string]any{"attachments": []any{}})
	// Every property of the type is accepted, navigation ones included.
	e.must(200, "PATCH", msg, adele, map[string]any{"extensions": []any{}, "isReadReceiptRequested": true}, nil)

	var f map[string]any
	e.must(201, "POST", "/v1.0/me/mailFolders", adele, map[string]any{"displayName": "Hidden", "isHidden": true}, &f)
	folder := "/v1.0/me/mailFolders/" + f["id"].(string)
	e.wantError(400, "ErrorInvalidPropertySet", "Set action is invalid for property.", "PATCH", folder, adele, map[string]any{"isHidden": false})
	e.wantError(400, "RequestBodyRead", "does not exist on type 'Microsoft.OutlookServices.MailFolder'", "PATCH", folder, adele, map[string]any{"colour": "red"})
	e.wantError(400, "ErrorInvalidRequest", "must not be empty", "PATCH", folder, adele, map[string]any{"displayName": " "})
	e.wantError(400, "ErrorInvalidRequest", "must be set", "POST", "/v1.0/me/mailFolders", adele, map[string]any{"isHidden": true})
}

// TestMailExtendedProperties: extended properties set on a message are
// kept, merged by id on update, and returned only when expanded with a
// $filter on their id.
func TestMailExtendedProperties(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	const color = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
	const size = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Size"
	const tags = "StringArray {66f5a359-4659-4830-9070-00047ec6ac6e} Name Tags"
	var d map[string]any
	e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Ext",
		"singleValueExtendedProperties": []any{map[string]any{"id": color, "value": "green"}},
		"multiValueExtendedProperties":  []any{map[string]any{"id": tags, "value": []any{"a", "b"}}}}, &d)
	if _, ok := d["singleValueExtendedProperties"]; ok {
		t.Errorf("extended properties answered without $expand: %v", d)
	}
	msg := "/v1.0/me/messages/" + d["id"].(string)
	e.must(200, "PATCH", msg, adele, map[string]any{"singleValueExtendedProperties": []any{
		map[string]any{"id": color, "value": "blue"}, map[string]any{"id": size, "value": "L"}}}, nil)
	expand := func(name, filter string) []any {
		var got map[string]any
		e.must(200, "GET", msg+"?$expand="+url.QueryEscape(name+"($filter="+filter+")"), adele, nil, &got)
		v, _ := got[name].([]any)
		return v
	}
	if v := expand("singleValueExtendedProperties", "id eq '"+color+"'"); len(v) != 1 || v[0].(map[string]any)["value"] != "blue" {
		t.Errorf("Color after the merge: %v", v)
	}
	if v := expand("singleValueExtendedProperties", "id eq '"+color+"' or id eq '"+size+"'"); len(v) != 2 {
		t.Errorf("Color or Size: %v", v)
	}
	if v := expand("multiValueExtendedProperties", "id eq '"+tags+"'"); len(v) != 1 || len(v[0].(map[string]any)["value"].([]any)) != 2 {
		t.Errorf("Tags: %v", v)
	}
	e.wantError(400, "BadRequest", "needs a $filter", "GET", msg+"?$expand=singleValueExtendedProperties", adele, nil)
	var list msgPage
	e.must(200, "GET", "/v1.0/me/mailFolders/drafts/messages?$top=50&$expand="+url.QueryEscape("singleValueExtendedProperties($filter=id eq '"+size+"')"), adele, nil, &list)
	n := 0
	for _, m := range list.Value {
		if v, ok := m["singleValueExtendedProperties"].([]any); ok && len(v) == 1 {
			n++
		}
	}
	if n != 1 {
		t.Errorf("%d listed messages with Size, want 1", n)
	}
}

// TestMailFolderExpand: mail folders expand their child folders and their
// extended properties as Graph does; message rules are not served.
func TestMailFolderExpand(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	var top msgPage
	e.must(200, "GET", "/v1.0/me/mailFolders?$expand=childFolders", adele, nil, &top)
	withKids := 0
	for _, f := range top.Value {
		kids, ok := f["childFolders"].([]any)
		if !ok || len(kids) != int(f["childFolderCount"].(float64)) {
			t.Errorf("folder %v: childFolders %v", f["displayName"], f["childFolders"])
		}
		for _, k := range kids {
			if k.(map[string]any)["parentFolderId"] != f["id"] {
				t.Errorf("child %v of %v", k, f["id"])
			}
		}
		if len(kids) > 0 {
			withKids++
		}
	}
	if withKids == 0 {
		t.Error("no top folder with children expanded")
	}
	var inbox map[string]any
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox?$expand=childFolders", adele, nil, &inbox)
	if kids, _ := inbox["childFolders"].([]any); len(kids) == 0 || len(kids) != int(inbox["childFolderCount"].(float64)) {
		t.Errorf("inbox childFolders %v", inbox["childFolders"])
	}
	e.wantError(501, "NotImplemented", "message rules", "GET", "/v1.0/me/mailFolders/inbox?$expand=messageRules", adele, nil)

	const color = "String {66f5a359-4659-4830-9070-00047ec6ac6e} Name Color"
	var f map[string]any
	e.must(201, "POST", "/v1.0/me/mailFolders", adele, map[string]any{"displayName": "Ext",
		"singleValueExtendedProperties": []any{map[string]any{"id": color, "value": "green"}}}, &f)
	folder := "/v1.0/me/mailFolders/" + f["id"].(string)
	e.must(200, "PATCH", folder, adele, map[string]any{"singleValueExtendedProperties": []any{map[string]any{"id": color, "value": "red"}}}, nil)
	var got map[string]any
	e.must(200, "GET", folder+"?$expand="+url.QueryEscape("singleValueExtendedProperties($filter=id eq '"+color+"')"), adele, nil, &got)
	if v, _ := got["singleValueExtendedProperties"].([]any); len(v) != 1 || v[0].(map[string]any)["value"] != "red" {
		t.Errorf("folder extended properties %v", got)
	}
	e.wantError(400, "BadRequest", "needs a $filter", "GET", folder+"?$expand=singleValueExtendedProperties", adele, nil)
}
