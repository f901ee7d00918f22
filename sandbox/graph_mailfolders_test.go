package sandbox

import (
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"slices"
	"strings"
	"testing"
)

type folderJSON struct {
	ID               string `json:"id"`
	DisplayName      string `json:"displayName"`
	ParentFolderID   string `json:"parentFolderId"`
	ChildFolderCount int    `json:"childFolderCount"`
	UnreadItemCount  int    `json:"unreadItemCount"`
	TotalItemCount   int    `json:"totalItemCount"`
	IsHidden         bool   `json:"isHidden"`
}

type folderPage struct {
	Value []folderJSON `json:"value"`
	Next  string       `json:"@odata.nextLink"`
}

func names(fs []folderJSON) []string {
	var out []string
	for _, f := range fs {
		out = append(out, f.DisplayName)
	}
	return out
}

func TestMailFolders(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	seed := seedMailbox(0)
	inboxID := stableID(AdeleVanceID, "inbox")
	unread := 0
	for _, m := range seed.messages(inboxID) {
		if !m.IsRead {
			unread++
		}
	}

	var top folderPage
	e.must(200, "GET", "/v1.0/me/mailFolders", adele, nil, &top)
	if want := []string{"Archive", "Deleted Items", "Drafts", "Inbox", "Junk Email", "Outbox", "Sent Items"}; !slices.Equal(names(top.Value), want) || top.Next != "" {
		t.Fatalf("top-level folders %v (next %q), want %v", names(top.Value), top.Next, want)
	}
	var inbox folderJSON
	for _, name := range []string{"inbox", "Inbox", inboxID} {
		inbox = folderJSON{}
		e.must(200, "GET", "/v1.0/me/mailFolders/"+name, adele, nil, &inbox)
		if inbox.ID != inboxID || inbox.DisplayName != "Inbox" || inbox.TotalItemCount != inboxSeedCount ||
			inbox.UnreadItemCount != unread || inbox.ChildFolderCount != 2 || inbox.ParentFolderID != stableID(AdeleVanceID, "msgfolderroot") {
			t.Fatalf("inbox by %q: %+v (unread want %d)", name, inbox, unread)
		}
	}
	for wk, display := range map[string]string{"drafts": "Drafts", "sentitems": "Sent Items", "deleteditems": "Deleted Items",
		"archive": "Archive", "junkemail": "Junk Email", "outbox": "Outbox"} {
		var f folderJSON
		e.must(200, "GET", "/v1.0/me/mailFolders/"+wk, adele, nil, &f)
		if f.DisplayName != display || f.TotalItemCount != len(seed.messages(f.ID)) {
			t.Errorf("%s: %+v", wk, f)
		}
	}
	var kids folderPage
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox/childFolders", adele, nil, &kids)
	if !slices.Equal(names(kids.Value), []string{"Projects", "Receipts"}) || kids.Value[0].ChildFolderCount != 1 || kids.Value[0].ParentFolderID != inboxID {
		t.Fatalf("inbox children %+v", kids.Value)
	}
	var grand folderPage
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox/childFolders/"+kids.Value[0].ID+"/childFolders", adele, nil, &grand)
	if !slices.Equal(names(grand.Value), []string{"Launch"}) || grand.Value[0].TotalItemCount != 4 {
		t.Fatalf("projects children %+v", grand.Value)
	}
	// A child folder is not found under another parent.
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "GET", "/v1.0/me/mailFolders/drafts/childFolders/"+kids.Value[0].ID, adele, nil)

	// Paging, $filter and $count over folders.
	var page folderPage
	e.must(200, "GET", "/v1.0/me/mailFolders?$top=3", adele, nil, &page)
	if len(page.Value) != 3 || !strings.Contains(page.Next, "$skip=3") {
		t.Fatalf("folder page %+v", page)
	}
	var filtered struct {
		Count int          `json:"@odata.count"`
		Value []folderJSON `json:"value"`
	}
	e.must(200, "GET", "/v1.0/me/mailFolders?$filter=totalItemCount gt 0 and startswith(displayName,'d')&$count=true", adele, nil, &filtered)
	if !slices.Equal(names(filtered.Value), []string{"Deleted Items", "Drafts"}) || filtered.Count != 2 {
		t.Errorf("filtered folders %+v", filtered)
	}

	// Create, rename, fill, delete.
	var travel folderJSON
	e.must(201, "POST", "/v1.0/me/mailFolders/inbox/childFolders", adele, map[string]any{"displayName": "Travel"}, &travel)
	if travel.ParentFolderID != inboxID || travel.TotalItemCount != 0 || travel.ID == "" {
		t.Fatalf("created %+v", travel)
	}
	e.wantError(409, "ErrorFolderExists", "already exists", "POST", "/v1.0/me/mailFolders/inbox/childFolders", adele, map[string]any{"displayName": "travel"})
	e.wantError(400, "ErrorInvalidRequest", "must be set", "POST", "/v1.0/me/mailFolders", adele, map[string]any{})
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox", adele, nil, &inbox)
	if inbox.ChildFolderCount != 3 {
		t.Errorf("inbox childFolderCount %d after create", inbox.ChildFolderCount)
	}
	var renamed folderJSON
	e.must(200, "PATCH", "/v1.0/me/mailFolders/"+travel.ID, adele, map[string]any{"displayName": "Trips"}, &renamed)
	if renamed.DisplayName != "Trips" || renamed.ID != travel.ID {
		t.Errorf("renamed %+v", renamed)
	}
	e.wantError(400, "ErrorInvalidPropertySet", "Set action is invalid for property.", "PATCH", "/v1.0/me/mailFolders/"+travel.ID, adele, map[string]any{"totalItemCount": 3})
	msg := stableID(AdeleVanceID, "message", "0") // unread
	e.must(201, "POST", "/v1.0/me/messages/"+msg+"/move", adele, map[string]any{"destinationId": travel.ID}, nil)
	var trips folderJSON
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox/childFolders/"+travel.ID, adele, nil, &trips)
	if trips.TotalItemCount != 1 || trips.UnreadItemCount != 1 || trips.DisplayName != "Trips" {
		t.Errorf("after move: %+v", trips)
	}
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox", adele, nil, &inbox)
	if inbox.TotalItemCount != inboxSeedCount-1 || inbox.UnreadItemCount != unread-1 {
		t.Errorf("inbox after move out: %+v", inbox)
	}
	var top2 folderJSON
	e.must(201, "POST", "/v1.0/me/mailFolders", adele, map[string]any{"displayName": "Top level", "isHidden": true}, &top2)
	if !top2.IsHidden || top2.ParentFolderID != stableID(AdeleVanceID, "msgfolderroot") {
		t.Errorf("hidden top-level folder %+v", top2)
	}
	e.must(200, "GET", "/v1.0/me/mailFolders", adele, nil, &top)
	if slices.Contains(names(top.Value), "Top level") {
		t.Error("hidden folder listed without includeHiddenFolders")
	}
	e.must(200, "GET", "/v1.0/me/mailFolders?includeHiddenFolders=true", adele, nil, &top)
	if !slices.Contains(names(top.Value), "Top level") {
		t.Error("hidden folder missing with includeHiddenFolders=true")
	}

	// Copy (deep, new ids) and move (same id) under Archive.
	var cp folderJSON
	e.must(201, "POST", "/v1.0/me/mailFolders/"+travel.ID+"/copy", adele, map[string]any{"destinationId": "archive"}, &cp)
	if cp.ID == travel.ID || cp.DisplayName != "Trips" || cp.TotalItemCount != 1 || cp.ParentFolderID != seedFolderID(AdeleVanceID, "archive") {
		t.Errorf("copied folder %+v", cp)
	}
	e.wantError(409, "ErrorFolderExists", "already exists", "POST", "/v1.0/me/mailFolders/"+travel.ID+"/move", adele, map[string]any{"destinationId": "archive"})
	e.must(204, "DELETE", "/v1.0/me/mailFolders/"+cp.ID, adele, nil, nil)
	var mv folderJSON
	e.must(201, "POST", "/v1.0/me/mailFolders/"+travel.ID+"/move", adele, map[string]any{"destinationId": "archive"}, &mv)
	if mv.ID != travel.ID || mv.ParentFolderID != seedFolderID(AdeleVanceID, "archive") || mv.TotalItemCount != 1 {
		t.Errorf("moved folder %+v", mv)
	}
	e.wantError(400, "ErrorMoveCopyFailed", "itself", "POST", "/v1.0/me/mailFolders/"+travel.ID+"/move", adele, map[string]any{"destinationId": travel.ID})
	e.wantError(400, "ErrorMoveDistinguishedFolder", "cannot be moved", "POST", "/v1.0/me/mailFolders/inbox/move", adele, map[string]any{"destinationId": "archive"})
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox", adele, nil, &inbox)
	if inbox.ChildFolderCount != 2 {
		t.Errorf("inbox childFolderCount %d after moving a child out", inbox.ChildFolderCount)
	}

	e.must(204, "DELETE", "/v1.0/me/mailFolders/"+travel.ID, adele, nil, nil)
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "GET", "/v1.0/me/mailFolders/"+travel.ID, adele, nil)
	e.must(200, "GET", "/v1.0/me/mailFolders/archive", adele, nil, &inbox)
	if inbox.ChildFolderCount != 0 {
		t.Errorf("archive childFolderCount %d after delete", inbox.ChildFolderCount)
	}
	var all msgPage
	e.must(200, "GET", "/v1.0/me/messages?$count=true&$top=1", adele, nil, &all)
	if *all.Count != len(seed.msgs)-1 {
		t.Errorf("%d messages after deleting a folder with one, want %d", *all.Count, len(seed.msgs)-1)
	}
	e.wantError(400, "ErrorDeleteDistinguishedFolder", "Distinguished folders cannot be deleted.", "DELETE", "/v1.0/me/mailFolders/inbox", adele, nil)
	e.wantError(404, "ErrorItemNotFound", "not found in the store", "GET", "/v1.0/me/mailFolders/nosuchfolder", adele, nil)
}

func TestGraphPathsCaseAndKeys(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"/v1.0/me/MailFolders/Inbox/Messages":                 "/v1.0/me/mailFolders/Inbox/messages",
		"/v1.0/me/mailfolders('inbox')/messages/delta":        "/v1.0/me/mailFolders/inbox/messages/delta",
		"/v1.0/users('AdeleV@contoso.sandbox')/messages('x')": "/v1.0/users/AdeleV@contoso.sandbox/messages/x",
		"/v1.0/me/messages/AAMkAGmove/MOVE":                   "/v1.0/me/messages/AAMkAGmove/move",
	} {
		s := &Server{kit: &graphkit.Kit{}}
		s.workloads = s.newWorkloads()
		if got := s.graphRoutes().CanonicalPath(in); got != want {
			t.Errorf("%s: %s, want %s", in, got, want)
		}
	}
	e := startMail(t)
	var f folderJSON
	e.must(200, "GET", "/v1.0/me/MAILFOLDERS('Inbox')", e.as(0, "Mail.Read"), nil, &f)
	if f.DisplayName != "Inbox" {
		t.Errorf("folder %+v", f)
	}
}
