package sandbox

import (
	"bytes"
	"encoding/base64"
	"io"
	"mime"
	"mime/multipart"
	"net/mail"
	"strings"
	"testing"
)

func TestMailCreateUpdateMoveCopyDelete(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	drafts := seedFolderID(AdeleVanceID, "drafts")

	var d map[string]any
	resp := e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{
		"subject": "Plan", "body": map[string]any{"contentType": "Text", "content": "Hello"},
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "AlexW@" + TenantDomain}}},
	}, &d)
	if d["isDraft"] != true || d["parentFolderId"] != drafts || d["subject"] != "Plan" || d["bodyPreview"] != "Hello" ||
		d["body"].(map[string]any)["contentType"] != "text" || !strings.HasSuffix(d["@odata.context"].(string), "/messages/$entity") {
		t.Fatalf("draft %v", d)
	}
	if resp.Header.Get("Location") == "" {
		t.Error("no Location header")
	}
	id := d["id"].(string)
	var df folderJSON
	e.must(200, "GET", "/v1.0/me/mailFolders/drafts", adele, nil, &df)
	if df.TotalItemCount != 3 {
		t.Errorf("drafts total %d, want 3", df.TotalItemCount)
	}
	// POST to a folder's messages creates the draft there.
	var inDraft map[string]any
	e.must(201, "POST", "/v1.0/me/mailFolders/archive/messages", adele, map[string]any{"subject": "Filed"}, &inDraft)
	if inDraft["parentFolderId"] != seedFolderID(AdeleVanceID, "archive") {
		t.Errorf("created in %v", inDraft["parentFolderId"])
	}

	// PATCH changes the properties and the change key, etag and modification time.
	e.clock.Advance(90_000_000_000) // 90s
	var p map[string]any
	e.must(200, "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{
		"isRead": false, "importance": "HIGH", "categories": []string{"Red category"}, "subject": "Plan v2",
		"flag": map[string]any{"flagStatus": "flagged"}, "ccRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "x@example.com", "name": "X"}}},
		"body": map[string]any{"contentType": "html", "content": "<p>Hi &amp; bye</p>"}, "@odata.type": "#microsoft.graph.message",
	}, &p)
	if p["isRead"] != false || p["importance"] != "high" || p["subject"] != "Plan v2" || p["flag"].(map[string]any)["flagStatus"] != "flagged" ||
		p["categories"].([]any)[0] != "Red category" || len(p["ccRecipients"].([]any)) != 1 || p["bodyPreview"] != "Hi & bye" {
		t.Fatalf("patched %v", p)
	}
	if p["changeKey"] == d["changeKey"] || p["@odata.etag"] == d["@odata.etag"] || p["@odata.etag"] != `W/"`+p["changeKey"].(string)+`"` ||
		p["lastModifiedDateTime"] == d["lastModifiedDateTime"] || p["createdDateTime"] != d["createdDateTime"] {
		t.Errorf("change tracking: before %v %v %v, after %v %v %v", d["changeKey"], d["@odata.etag"], d["lastModifiedDateTime"],
			p["changeKey"], p["@odata.etag"], p["lastModifiedDateTime"])
	}
	// On a received message too.
	rec := stableID(AdeleVanceID, "message", "1")
	var pr map[string]any
	e.must(200, "PATCH", "/v1.0/me/messages/"+rec, adele, map[string]any{"isRead": false}, &pr)
	if pr["isRead"] != false || pr["id"] != rec {
		t.Errorf("isRead %v", pr["isRead"])
	}
	e.wantError(400, "ErrorInvalidPropertySet", "Set action is invalid for property.", "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{"hasAttachments": true})
	e.wantError(400, "RequestBodyRead", "The property 'bogus' does not exist on type 'Microsoft.OutlookServices.Message'", "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{"bogus": 1})
	e.wantError(400, "RequestBodyRead", "Requested value 'urgent' was not found.", "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{"importance": "urgent"})
	e.wantError(400, "RequestBodyRead", "Edm.Boolean", "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{"isRead": "yes"})
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "PATCH", "/v1.0/me/messages/AAMkAGnope", adele, map[string]any{"isRead": true})
	// A failed PATCH changes nothing.
	var after map[string]any
	e.must(200, "GET", "/v1.0/me/messages/"+id, adele, nil, &after)
	if after["changeKey"] != p["changeKey"] || after["subject"] != "Plan v2" || after["importance"] != "high" {
		t.Errorf("failed PATCH changed the message: %v", after)
	}

	// Move gives a new id in the destination; the old id is gone.
	var moved map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+id+"/move", adele, map[string]any{"destinationId": "archive"}, &moved)
	if moved["id"] == id || moved["parentFolderId"] != seedFolderID(AdeleVanceID, "archive") || moved["subject"] != "Plan v2" {
		t.Fatalf("moved %v", moved)
	}
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "GET", "/v1.0/me/messages/"+id, adele, nil)
	e.must(200, "GET", "/v1.0/me/mailFolders/archive/messages/"+moved["id"].(string), adele, nil, nil)
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "POST", "/v1.0/me/messages/"+moved["id"].(string)+"/move", adele, map[string]any{"DestinationId": "AAMkAGnowhere"})
	e.wantError(400, "BadRequest", "DestinationId", "POST", "/v1.0/me/messages/"+moved["id"].(string)+"/move", adele, map[string]any{})

	// Copy leaves the original and makes a new message.
	var copied map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+moved["id"].(string)+"/copy", adele, map[string]any{"DestinationId": "inbox"}, &copied)
	if copied["id"] == moved["id"] || copied["parentFolderId"] != stableID(AdeleVanceID, "inbox") || copied["subject"] != "Plan v2" {
		t.Fatalf("copied %v", copied)
	}
	e.must(200, "GET", "/v1.0/me/messages/"+moved["id"].(string), adele, nil, nil)

	// Delete removes the message itself (no move to Deleted Items).
	e.must(204, "DELETE", "/v1.0/me/messages/"+copied["id"].(string), adele, nil, nil)
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "GET", "/v1.0/me/messages/"+copied["id"].(string), adele, nil)
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "DELETE", "/v1.0/me/messages/"+copied["id"].(string), adele, nil)
	var deleted folderJSON
	e.must(200, "GET", "/v1.0/me/mailFolders/deleteditems", adele, nil, &deleted)
	if deleted.TotalItemCount != len(seedMsgs(0, "deleteditems")) {
		t.Errorf("deleted items %d", deleted.TotalItemCount)
	}
}

// inboxWith returns the messages of user i's inbox with the given subject.
func (e *mailEnv) inboxWith(hdr map[string]string, folder, subject string) []map[string]any {
	e.t.Helper()
	return e.all("/v1.0/me/mailFolders/"+folder+"/messages?$filter="+strings.ReplaceAll("subject eq '"+subject+"'", " ", "%20"), hdr)
}

func TestMailSendAndReply(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele, megan, alex := e.as(0, rw), e.as(2, rw), e.as(1, rw)
	to := func(addrs ...string) []any {
		var out []any
		for _, a := range addrs {
			out = append(out, map[string]any{"emailAddress": map[string]any{"address": a}})
		}
		return out
	}
	e.must(202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{
		"subject": "Sandbox hello", "body": map[string]any{"contentType": "Text", "content": "Hi Megan"},
		"toRecipients": to("meganb@" + TenantDomain), "ccRecipients": to("someone@example.com"),
		"bccRecipients": to("AlexW@" + TenantDomain),
	}}, nil)
	sent := e.inboxWith(adele, "sentitems", "Sandbox hello")
	got := e.inboxWith(megan, "inbox", "Sandbox hello")
	bcc := e.inboxWith(alex, "inbox", "Sandbox hello")
	if len(sent) != 1 || len(got) != 1 || len(bcc) != 1 {
		t.Fatalf("sent %d, Megan got %d, Alex (bcc) got %d", len(sent), len(got), len(bcc))
	}
	if sent[0]["isDraft"] != false || sent[0]["isRead"] != true || len(sent[0]["bccRecipients"].([]any)) != 1 {
		t.Errorf("sent copy %v", sent[0])
	}
	m := got[0]
	if m["isRead"] != false || m["isDraft"] != false || m["from"].(map[string]any)["emailAddress"].(map[string]any)["address"] != adele0().Mail ||
		m["internetMessageId"] != sent[0]["internetMessageId"] || m["conversationId"] != sent[0]["conversationId"] ||
		len(m["bccRecipients"].([]any)) != 0 || m["id"] == sent[0]["id"] {
		t.Errorf("delivered %v\nsent %v", m, sent[0])
	}
	e.must(202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"Message": map[string]any{
		"subject": "Not saved", "toRecipients": to("nobody@example.com")}, "SaveToSentItems": false}, nil)
	if n := len(e.inboxWith(adele, "sentitems", "Not saved")); n != 0 {
		t.Errorf("saveToSentItems false kept %d copies", n)
	}
	e.wantError(400, "ErrorInvalidRecipients", "contains no recipients", "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{"subject": "x"}})
	e.wantError(400, "BadRequest", "", "POST", "/v1.0/me/sendMail", adele, map[string]any{"saveToSentItems": true})

	// A draft is sent with /send: it leaves Drafts for Sent Items and reaches the recipient.
	var d map[string]any
	e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Draft to Alex", "toRecipients": to("alexw@" + TenantDomain)}, &d)
	e.must(202, "POST", "/v1.0/me/messages/"+d["id"].(string)+"/send", adele, nil, nil)
	e.wantError(404, "ErrorItemNotFound", "not found", "GET", "/v1.0/me/messages/"+d["id"].(string), adele, nil)
	if len(e.inboxWith(adele, "sentitems", "Draft to Alex")) != 1 || len(e.inboxWith(alex, "inbox", "Draft to Alex")) != 1 {
		t.Error("sent draft not in Sent Items and Alex's inbox")
	}
	e.wantError(400, "ErrorInvalidOperation", "draft", "POST", "/v1.0/me/messages/"+stableID(AdeleVanceID, "message", "0")+"/send", adele, nil)

	// Replies: a draft with RE:, the sender as recipient, the same conversation.
	var r map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+m["id"].(string)+"/createReply", megan, nil, &r)
	rto := r["toRecipients"].([]any)
	if r["subject"] != "RE: Sandbox hello" || r["isDraft"] != true || r["conversationId"] != m["conversationId"] || len(rto) != 1 ||
		rto[0].(map[string]any)["emailAddress"].(map[string]any)["address"] != adele0().Mail || r["parentFolderId"] != seedFolderID(MeganBowenID, "drafts") {
		t.Errorf("createReply %v", r)
	}
	var ra map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+m["id"].(string)+"/createReplyAll", megan, map[string]any{"comment": "All of you"}, &ra)
	if len(ra["toRecipients"].([]any)) != 1 || len(ra["ccRecipients"].([]any)) != 1 || !strings.Contains(ra["body"].(map[string]any)["content"].(string), "All of you") {
		t.Errorf("createReplyAll to %v cc %v", ra["toRecipients"], ra["ccRecipients"])
	}
	e.must(202, "POST", "/v1.0/me/messages/"+m["id"].(string)+"/reply", megan, map[string]any{"comment": "Thanks Adele"}, nil)
	back := e.inboxWith(adele, "inbox", "RE: Sandbox hello")
	if len(back) != 1 || !strings.Contains(back[0]["bodyPreview"].(string), "Thanks Adele") {
		t.Fatalf("reply in Adele's inbox: %v", back)
	}
	var fw map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+m["id"].(string)+"/createForward", megan, map[string]any{"toRecipients": to("pattif@" + TenantDomain)}, &fw)
	if fw["subject"] != "FW: Sandbox hello" || len(fw["toRecipients"].([]any)) != 1 {
		t.Errorf("createForward %v", fw)
	}
	e.wantError(400, "ErrorInvalidRecipients", "no recipients", "POST", "/v1.0/me/messages/"+m["id"].(string)+"/forward", megan, map[string]any{"comment": "fyi"})
	e.must(202, "POST", "/v1.0/me/messages/"+m["id"].(string)+"/forward", megan, map[string]any{"comment": "fyi", "toRecipients": to("pattif@" + TenantDomain)}, nil)
	patti := e.as(4, "Mail.Read")
	if len(e.inboxWith(patti, "inbox", "FW: Sandbox hello")) != 1 {
		t.Error("forward not delivered")
	}

	// App-only: sendMail for any user with the Mail.Send role.
	app := map[string]string{"Authorization": "Bearer " + e.appToken()}
	e.must(202, "POST", "/v1.0/users/"+NestorWilkeID+"/sendMail", app, map[string]any{"message": map[string]any{
		"subject": "From the app", "toRecipients": to("adelev@" + TenantDomain)}}, nil)
	if got := e.inboxWith(adele, "inbox", "From the app"); len(got) != 1 ||
		got[0]["from"].(map[string]any)["emailAddress"].(map[string]any)["address"] != "NestorW@"+TenantDomain {
		t.Errorf("app sendMail: %v", got)
	}
}

func adele0() User { return seedUsers[0] }

func TestMailAttachments(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	first := stableID(AdeleVanceID, "message", "0") // "Quarterly sales review" with sales-q1.csv
	var list struct {
		Value []map[string]any `json:"value"`
	}
	e.must(200, "GET", "/v1.0/me/messages/"+first+"/attachments", adele, nil, &list)
	if len(list.Value) != 1 || list.Value[0]["@odata.type"] != "#microsoft.graph.fileAttachment" || list.Value[0]["name"] != "sales-q1.csv" ||
		list.Value[0]["contentType"] != "text/csv" || list.Value[0]["size"] != float64(len(salesCSV(0))) {
		t.Fatalf("attachments %v", list.Value)
	}
	if b, _ := base64.StdEncoding.DecodeString(list.Value[0]["contentBytes"].(string)); !bytes.Equal(b, salesCSV(0)) {
		t.Errorf("contentBytes %q", b)
	}
	aid := list.Value[0]["id"].(string)
	resp := e.do("GET", "/v1.0/me/messages/"+first+"/attachments/"+aid+"/$value", nil, adele, nil)
	if raw := body(resp); resp.StatusCode != 200 || raw != string(salesCSV(0)) || resp.Header.Get("Content-Type") != "text/csv" {
		t.Errorf("$value %q (%s)", raw, resp.Header.Get("Content-Type"))
	}
	// The message as MIME: headers, the body and the attachment as parts.
	resp = e.do("GET", "/v1.0/me/messages/"+first+"/$value", nil, adele, nil)
	msg, err := mail.ReadMessage(strings.NewReader(body(resp)))
	if resp.StatusCode != 200 || err != nil {
		t.Fatalf("$value: %d %v", resp.StatusCode, err)
	}
	mt, params, _ := mime.ParseMediaType(msg.Header.Get("Content-Type"))
	if msg.Header.Get("Subject") != "Quarterly sales review" || !strings.Contains(msg.Header.Get("From"), "AlexW@"+TenantDomain) || mt != "multipart/mixed" {
		t.Fatalf("MIME headers %v", msg.Header)
	}
	mr := multipart.NewReader(msg.Body, params["boundary"])
	var partTypes []string
	for {
		p, err := mr.NextPart()
		if err != nil {
			break
		}
		data, _ := io.ReadAll(base64.NewDecoder(base64.StdEncoding, p))
		partTypes = append(partTypes, strings.Split(p.Header.Get("Content-Type"), ";")[0])
		if p.FileName() == "sales-q1.csv" && !bytes.Equal(data, salesCSV(0)) {
			t.Errorf("MIME attachment %q", data)
		}
	}
	if strings.Join(partTypes, ",") != "text/html,text/csv" {
		t.Errorf("MIME parts %v", partTypes)
	}
	var exp map[string]any
	e.must(200, "GET", "/v1.0/me/messages/"+first+"?$expand=attachments&$select=subject", adele, nil, &exp)
	if atts, ok := exp["attachments"].([]any); !ok || len(atts) != 1 || exp["subject"] != "Quarterly sales review" || exp["hasAttachments"] != nil {
		t.Errorf("$expand=attachments: %v", exp)
	}

	// Add to a draft, read back, send, delete.
	var d map[string]any
	e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "With a picture",
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "MeganB@" + TenantDomain}}}}, &d)
	did := d["id"].(string)
	var a map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+did+"/attachments", adele, map[string]any{
		"@odata.type": "#microsoft.graph.fileAttachment", "name": "dot.png", "contentType": "image/png",
		"contentBytes": base64.StdEncoding.EncodeToString(seedPNG)}, &a)
	if a["name"] != "dot.png" || a["size"] != float64(len(seedPNG)) || a["id"] == "" {
		t.Fatalf("created attachment %v", a)
	}
	var after map[string]any
	e.must(200, "GET", "/v1.0/me/messages/"+did, adele, nil, &after)
	if after["hasAttachments"] != true || after["changeKey"] == d["changeKey"] {
		t.Errorf("after attaching: hasAttachments %v, changeKey %v", after["hasAttachments"], after["changeKey"])
	}
	e.must(200, "GET", "/v1.0/me/messages/"+did+"/attachments/"+a["id"].(string), adele, nil, nil)
	e.wantError(413, "ErrorAttachmentSizeLimitExceeded", "createUploadSession", "POST", "/v1.0/me/messages/"+did+"/attachments", adele, map[string]any{
		"@odata.type": "#microsoft.graph.fileAttachment", "name": "big.bin", "contentBytes": base64.StdEncoding.EncodeToString(make([]byte, 3<<20+1))})
	e.wantError(400, "BadRequest", "@odata.type", "POST", "/v1.0/me/messages/"+did+"/attachments", adele, map[string]any{"name": "x.txt", "contentBytes": ""})
	e.wantError(404, "ErrorItemNotFound", "not found", "GET", "/v1.0/me/messages/"+did+"/attachments/AAMkAGnone", adele, nil)

	e.must(202, "POST", "/v1.0/me/messages/"+did+"/send", adele, nil, nil)
	megan := e.as(2, "Mail.Read")
	got := e.inboxWith(megan, "inbox", "With a picture")
	if len(got) != 1 || got[0]["hasAttachments"] != true {
		t.Fatalf("delivered with attachment: %v", got)
	}
	e.must(200, "GET", "/v1.0/me/messages/"+got[0]["id"].(string)+"/attachments", megan, nil, &list)
	if len(list.Value) != 1 || list.Value[0]["contentBytes"] != base64.StdEncoding.EncodeToString(seedPNG) {
		t.Errorf("recipient's attachment %v", list.Value)
	}

	e.must(204, "DELETE", "/v1.0/me/messages/"+first+"/attachments/"+aid, adele, nil, nil)
	e.must(200, "GET", "/v1.0/me/messages/"+first, adele, nil, &after)
	if after["hasAttachments"] != false {
		t.Errorf("hasAttachments %v after deleting the only attachment", after["hasAttachments"])
	}
	e.wantError(404, "ErrorItemNotFound", "not found", "GET", "/v1.0/me/messages/"+first+"/attachments/"+aid+"/$value", adele, nil)
}

// TestMailImmutableID: with Prefer: IdType="ImmutableId" a message keeps its
// id across moves; both id forms address it; delta reports removals by it.
func TestMailImmutableID(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	imm := map[string]string{"Authorization": adele["Authorization"], "Prefer": `IdType="ImmutableId"`}
	_, link := e.deltaRound("/v1.0/me/mailFolders/inbox/messages/delta", imm)
	regular := stableID(AdeleVanceID, "message", "4")

	var m map[string]any
	resp := e.must(200, "GET", "/v1.0/me/messages/"+regular, imm, nil, &m)
	id := m["id"].(string)
	if !strings.HasPrefix(id, "AAkALg") || resp.Header.Get("Preference-Applied") != `IdType="ImmutableId"` {
		t.Fatalf("immutable id %q, Preference-Applied %q", id, resp.Header.Get("Preference-Applied"))
	}
	var moved, movedRegular map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+id+"/move", imm, map[string]any{"destinationId": "archive"}, &moved)
	if moved["id"] != id || moved["parentFolderId"] != seedFolderID(AdeleVanceID, "archive") {
		t.Errorf("moved with ImmutableId: %v", moved["id"])
	}
	e.must(200, "GET", "/v1.0/me/messages/"+id, adele, nil, &movedRegular)
	if movedRegular["id"] == regular || strings.HasPrefix(movedRegular["id"].(string), "AAkALg") {
		t.Errorf("regular id after the move: %v", movedRegular["id"])
	}
	// A copy has an immutable id of its own.
	var cp map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+id+"/copy", imm, map[string]any{"destinationId": "inbox"}, &cp)
	if cp["id"] == id || !strings.HasPrefix(cp["id"].(string), "AAkALg") {
		t.Errorf("copy id %v", cp["id"])
	}
	items, _ := e.deltaRound(link, imm)
	var removed, added []string
	for _, it := range items {
		if it["@removed"] != nil {
			removed = append(removed, it["id"].(string))
		} else {
			added = append(added, it["id"].(string))
		}
	}
	if len(removed) != 1 || removed[0] != id || len(added) != 1 || added[0] != cp["id"] {
		t.Errorf("delta with ImmutableId: removed %v, added %v", removed, added)
	}
}
