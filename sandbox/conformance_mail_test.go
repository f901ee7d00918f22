package sandbox

import "net/url"

// graphConformanceMail are the mail reads of the conformance table (run by
// TestGraphConformance): folders, child folders, folder-scoped messages,
// $count, delta, MIME and attachments, for /me and /users/{id}. The
// placeholders come from mailFill.
var graphConformanceMail = []conformanceRow{
	{route: "GET /v1.0/me/mailFolders/{fid}", path: "/v1.0/me/mailFolders/AAMkAGnope", auth: "user", status: 404},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages", path: "/v1.0/me/mailFolders/inbox/messages?$orderby=nope", auth: "user", status: 400},
	{route: "GET /v1.0/me/messages/{mid}/attachments/{aid}", path: "/v1.0/me/messages/{inboxMsg}/attachments/AAMkAGnope", auth: "user", status: 404},
	{route: "GET /v1.0/me/messages/$count", path: "/v1.0/me/messages/$count", auth: "cal", status: 403},
	{route: "GET /v1.0/users/{id}/mailFolders", path: "/v1.0/users/{megan}/mailFolders", auth: "user", status: 403},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$expand=attachments&$top=3&$filter=hasAttachments%20eq%20true", auth: "user", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$search=%22budget%22&$count=true", auth: "user", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/me/messages/$count", path: "/v1.0/me/messages/$count?$filter=isRead%20eq%20false", auth: "user", status: 200, judge: "count"},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/$count", path: "/v1.0/me/mailFolders/inbox/messages/$count?$search=%22budget%22", auth: "user", status: 200, judge: "count"},
	{route: "GET /v1.0/me/messages/{mid}", path: "/v1.0/me/messages/{inboxMsg}?$expand=attachments", auth: "user", status: 200, typ: "message"},
	{route: "GET /v1.0/me/mailFolders", path: "/v1.0/me/mailFolders?$top=2&$count=true&$select=displayName,totalItemCount", auth: "user", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/delta", path: "/v1.0/me/mailFolders/inbox/messages/delta?$select=subject,from,isRead&$top=5", auth: "user", status: 200, typ: "message", judge: "delta"},
	{route: "GET /v1.0/users/{id}/messages/{mid}", path: "/v1.0/users/{adele}/messages/{childMsg}?$select=subject,toRecipients,body", auth: "app", status: 200, typ: "message"},
	{route: "GET /v1.0/me/messages/{mid}/attachments", path: "/v1.0/me/messages/{childMsg}/attachments?$select=name,size", auth: "user", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/me/mailFolders", path: "/v1.0/me/mailFolders?$expand=childFolders", auth: "user", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}", path: "/v1.0/me/mailFolders/{inbox}?$expand=childFolders", auth: "user", status: 200, typ: "mailFolder"},
	{route: "GET /v1.0/me/mailFolders/{fid}", path: "/v1.0/me/mailFolders/{inbox}?$expand=messageRules", auth: "user", status: 501},
	{route: "GET /v1.0/me/messages", path: "/v1.0/me/messages?$top=3&$expand=singleValueExtendedProperties($filter=id%20eq%20'String%20{66f5a359-4659-4830-9070-00047ec6ac6e}%20Name%20Color')", auth: "user", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/me/messages/{mid}", path: "/v1.0/me/messages/{inboxMsg}?$expand=singleValueExtendedProperties($filter=id%20eq%20'String%20{66f5a359-4659-4830-9070-00047ec6ac6e}%20Name%20Color')", auth: "user", status: 200, typ: "message"},
	{route: "GET /v1.0/me/messages/{mid}", path: "/v1.0/me/messages/{inboxMsg}?$expand=singleValueExtendedProperties", auth: "user", status: 400},
	// /v1.0/me
	{route: "GET /v1.0/me/mailFolders", path: "/v1.0/me/mailFolders", auth: "user", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}", path: "/v1.0/me/mailFolders/{inbox}", auth: "user", status: 200, typ: "mailFolder"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders", path: "/v1.0/me/mailFolders/inbox/childFolders", auth: "user", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}", auth: "user", status: 200, typ: "mailFolder"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/childFolders", path: "/v1.0/me/mailFolders/inbox/childFolders/{parent}/childFolders", auth: "user", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages", path: "/v1.0/me/mailFolders/{inbox}/messages?$top=5", auth: "user", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/delta", path: "/v1.0/me/mailFolders/{inbox}/messages/delta", auth: "user", status: 200, typ: "message", judge: "delta"},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/$count", path: "/v1.0/me/mailFolders/{inbox}/messages/$count", auth: "user", status: 200, judge: "count"},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/{mid}", path: "/v1.0/me/mailFolders/{inbox}/messages/{inboxMsg}", auth: "user", status: 200, typ: "message"},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/{mid}/$value", path: "/v1.0/me/mailFolders/{inbox}/messages/{inboxMsg}/$value", auth: "user", status: 200, judge: "mime"},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/{mid}/attachments", path: "/v1.0/me/mailFolders/{inbox}/messages/{inboxMsg}/attachments", auth: "user", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/{mid}/attachments/{aid}", path: "/v1.0/me/mailFolders/{inbox}/messages/{inboxMsg}/attachments/{inboxAtt}", auth: "user", status: 200, typ: "attachment"},
	{route: "GET /v1.0/me/mailFolders/{fid}/messages/{mid}/attachments/{aid}/$value", path: "/v1.0/me/mailFolders/{inbox}/messages/{inboxMsg}/attachments/{inboxAtt}/$value", auth: "user", status: 200, judge: "raw"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages?$top=5", auth: "user", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/delta", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/delta", auth: "user", status: 200, typ: "message", judge: "delta"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/$count", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/$count", auth: "user", status: 200, judge: "count"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/{mid}", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/{childMsg}", auth: "user", status: 200, typ: "message"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/$value", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/$value", auth: "user", status: 200, judge: "mime"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments", auth: "user", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments/{aid}", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments/{childAtt}", auth: "user", status: 200, typ: "attachment"},
	{route: "GET /v1.0/me/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments/{aid}/$value", path: "/v1.0/me/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments/{childAtt}/$value", auth: "user", status: 200, judge: "raw"},
	{route: "GET /v1.0/me/messages/$count", path: "/v1.0/me/messages/$count", auth: "user", status: 200, judge: "count"},
	{route: "GET /v1.0/me/messages/{mid}/$value", path: "/v1.0/me/messages/{inboxMsg}/$value", auth: "user", status: 200, judge: "mime"},
	{route: "GET /v1.0/me/messages/{mid}/attachments", path: "/v1.0/me/messages/{inboxMsg}/attachments", auth: "user", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/me/messages/{mid}/attachments/{aid}", path: "/v1.0/me/messages/{inboxMsg}/attachments/{inboxAtt}", auth: "user", status: 200, typ: "attachment"},
	{route: "GET /v1.0/me/messages/{mid}/attachments/{aid}/$value", path: "/v1.0/me/messages/{inboxMsg}/attachments/{inboxAtt}/$value", auth: "user", status: 200, judge: "raw"},
	// /v1.0/users/{id}
	{route: "GET /v1.0/users/{id}/mailFolders", path: "/v1.0/users/{adele}/mailFolders", auth: "app", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}", path: "/v1.0/users/{adele}/mailFolders/{inbox}", auth: "app", status: 200, typ: "mailFolder"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders", auth: "app", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}", auth: "app", status: 200, typ: "mailFolder"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/childFolders", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{parent}/childFolders", auth: "app", status: 200, typ: "mailFolder", list: true},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages?$top=5", auth: "app", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages/delta", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages/delta", auth: "app", status: 200, typ: "message", judge: "delta"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages/$count", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages/$count", auth: "app", status: 200, judge: "count"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages/{mid}", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages/{inboxMsg}", auth: "app", status: 200, typ: "message"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages/{mid}/$value", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages/{inboxMsg}/$value", auth: "app", status: 200, judge: "mime"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages/{mid}/attachments", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages/{inboxMsg}/attachments", auth: "app", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages/{mid}/attachments/{aid}", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages/{inboxMsg}/attachments/{inboxAtt}", auth: "app", status: 200, typ: "attachment"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/messages/{mid}/attachments/{aid}/$value", path: "/v1.0/users/{adele}/mailFolders/{inbox}/messages/{inboxMsg}/attachments/{inboxAtt}/$value", auth: "app", status: 200, judge: "raw"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages?$top=5", auth: "app", status: 200, typ: "message", list: true},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/delta", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/delta", auth: "app", status: 200, typ: "message", judge: "delta"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/$count", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/$count", auth: "app", status: 200, judge: "count"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/{mid}", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/{childMsg}", auth: "app", status: 200, typ: "message"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/$value", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/$value", auth: "app", status: 200, judge: "mime"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments", auth: "app", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments/{aid}", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments/{childAtt}", auth: "app", status: 200, typ: "attachment"},
	{route: "GET /v1.0/users/{id}/mailFolders/{fid}/childFolders/{cid}/messages/{mid}/attachments/{aid}/$value", path: "/v1.0/users/{adele}/mailFolders/inbox/childFolders/{child}/messages/{childMsg}/attachments/{childAtt}/$value", auth: "app", status: 200, judge: "raw"},
	{route: "GET /v1.0/users/{id}/messages/$count", path: "/v1.0/users/{adele}/messages/$count", auth: "app", status: 200, judge: "count"},
	{route: "GET /v1.0/users/{id}/messages/{mid}/$value", path: "/v1.0/users/{adele}/messages/{inboxMsg}/$value", auth: "app", status: 200, judge: "mime"},
	{route: "GET /v1.0/users/{id}/messages/{mid}/attachments", path: "/v1.0/users/{adele}/messages/{inboxMsg}/attachments", auth: "app", status: 200, typ: "attachment", list: true},
	{route: "GET /v1.0/users/{id}/messages/{mid}/attachments/{aid}", path: "/v1.0/users/{adele}/messages/{inboxMsg}/attachments/{inboxAtt}", auth: "app", status: 200, typ: "attachment"},
	{route: "GET /v1.0/users/{id}/messages/{mid}/attachments/{aid}/$value", path: "/v1.0/users/{adele}/messages/{inboxMsg}/attachments/{inboxAtt}/$value", auth: "app", status: 200, judge: "raw"},
}

// mailFill finds, over Graph with the Authorization header authz, the
// placeholders of the mail rows in Adele's seeded mailbox: {inbox} (its id),
// {child} (an inbox child folder with attachments), {parent} (an inbox child
// folder with child folders), and for the inbox and {child} a message with
// an attachment and that attachment ({inboxMsg} {inboxAtt}, {childMsg}
// {childAtt}).
func mailFill(e *env, authz string) []string {
	e.t.Helper()
	hdr := map[string]string{"Authorization": authz}
	type item struct {
		ID               string `json:"id"`
		ChildFolderCount int    `json:"childFolderCount"`
	}
	list := func(path string) []item {
		e.t.Helper()
		var page struct{ Value []item }
		if resp := e.do("GET", path, nil, hdr, &page); resp.StatusCode != 200 {
			e.t.Fatalf("mailFill: GET %s: status %d", path, resp.StatusCode)
		}
		return page.Value
	}
	const withAttachments = "/messages?$filter=hasAttachments%20eq%20true&$top=1&$select=id"
	vars := map[string]string{"{inbox}": list("/v1.0/me/mailFolders?$filter=displayName%20eq%20%27Inbox%27")[0].ID}
	for _, f := range list("/v1.0/me/mailFolders/inbox/childFolders") {
		if vars["{child}"] == "" && len(list("/v1.0/me/mailFolders/"+url.PathEscape(f.ID)+withAttachments)) > 0 {
			vars["{child}"] = f.ID
		}
		if f.ChildFolderCount > 0 {
			vars["{parent}"] = f.ID
		}
	}
	for _, name := range []string{"inbox", "child"} {
		msgs := list("/v1.0/me/mailFolders/" + url.PathEscape(vars["{"+name+"}"]) + withAttachments)
		if len(msgs) == 0 {
			e.t.Fatalf("mailFill: no message with attachments in %s", name)
		}
		vars["{"+name+"Msg}"] = msgs[0].ID
		atts := list("/v1.0/me/messages/" + url.PathEscape(msgs[0].ID) + "/attachments?$select=id")
		if len(atts) == 0 {
			e.t.Fatalf("mailFill: message %s has no attachments", msgs[0].ID)
		}
		vars["{"+name+"Att}"] = atts[0].ID
	}
	var out []string
	for _, k := range []string{"{inbox}", "{child}", "{parent}", "{inboxMsg}", "{inboxAtt}", "{childMsg}", "{childAtt}"} {
		if vars[k] == "" {
			e.t.Fatalf("mailFill: no %s in the seeded mailbox", k)
		}
		out = append(out, k, url.PathEscape(vars[k]))
	}
	return out
}
