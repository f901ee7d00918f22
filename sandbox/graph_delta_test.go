package sandbox

import (
	"slices"
	"sort"
	"strings"
	"testing"
)

// deltaRound follows a delta round from link to its deltaLink, checking that
// pages carry either a nextLink or a deltaLink, and returns the items.
func (e *mailEnv) deltaRound(link string, hdr map[string]string) (items []map[string]any, deltaLink string) {
	e.t.Helper()
	for pages := 0; ; pages++ {
		if pages > 50 {
			e.t.Fatal("delta round does not end")
		}
		var p msgPage
		e.must(200, "GET", strings.TrimPrefix(link, e.base), hdr, nil, &p)
		items = append(items, p.Value...)
		switch {
		case p.Next != "" && p.Delta != "", p.Next == "" && p.Delta == "":
			e.t.Fatalf("delta page with nextLink %q and deltaLink %q", p.Next, p.Delta)
		case p.Delta != "":
			return items, p.Delta
		}
		link = p.Next
	}
}

func TestMailDelta(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	paged := map[string]string{"Authorization": adele["Authorization"], "Prefer": "odata.maxpagesize=10"}
	inbox := seedMsgs(0, "inbox")

	// First round: every inbox message once, no removals.
	var first msgPage
	resp := e.must(200, "GET", "/v1.0/me/mailFolders/inbox/messages/delta", paged, nil, &first)
	if len(first.Value) != 10 || first.Next == "" || first.Delta != "" || resp.Header.Get("Preference-Applied") != "odata.maxpagesize=10" {
		t.Fatalf("first page: %d items, next %q, delta %q, Preference-Applied %q", len(first.Value), first.Next, first.Delta, resp.Header.Get("Preference-Applied"))
	}
	if !strings.HasPrefix(first.Next, e.base+"/v1.0/me/mailFolders/inbox/messages/delta?$skiptoken=") {
		t.Errorf("nextLink %q", first.Next)
	}
	// Changes made while paging come later in the same round, in their new state.
	seen := first.Value[0]["id"].(string)
	var unseen string
	for _, m := range inbox {
		if !slices.ContainsFunc(first.Value, func(v map[string]any) bool { return v["id"] == m.ID }) {
			unseen = m.ID
			break
		}
	}
	for _, id := range []string{seen, unseen} {
		e.must(200, "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{"categories": []string{"Green category"}}, nil)
	}
	rest, link := e.deltaRound(first.Next, paged)
	items := append(first.Value, rest...)
	last := map[string]map[string]any{}
	for _, it := range items {
		if it["@removed"] != nil || it["@odata.type"] != "#microsoft.graph.message" || it["subject"] == nil {
			t.Fatalf("first round item %v", it)
		}
		last[it["id"].(string)] = it
	}
	var ids []string
	for id := range last {
		ids = append(ids, id)
	}
	want := idsOf(inbox)
	sort.Strings(ids)
	sort.Strings(want)
	if !slices.Equal(ids, want) || len(items) != len(want)+1 {
		t.Fatalf("first round: %d items, %d ids, want the %d inbox messages and the one changed after it was seen", len(items), len(ids), len(want))
	}
	for _, id := range []string{seen, unseen} {
		if cats := last[id]["categories"].([]any); len(cats) != 1 || cats[0] != "Green category" {
			t.Errorf("%s reported in its old state: %v", id, last[id]["categories"])
		}
	}
	// Nothing changed since: the next round is empty.
	items, link = e.deltaRound(link, adele)
	if len(items) != 0 {
		t.Fatalf("quiet round: %v", items)
	}

	// Changes: an update, a delete, a move out, a move in, a delivery.
	upd, del, out := inbox[3].ID, inbox[4].ID, inbox[5].ID
	in := seedMsgs(0, "archive")[0].ID
	e.must(200, "PATCH", "/v1.0/me/messages/"+upd, adele, map[string]any{"flag": map[string]any{"flagStatus": "complete"}}, nil)
	e.must(204, "DELETE", "/v1.0/me/messages/"+del, adele, nil, nil)
	e.must(201, "POST", "/v1.0/me/messages/"+out+"/move", adele, map[string]any{"destinationId": "archive"}, nil)
	var movedIn map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+in+"/move", adele, map[string]any{"destinationId": "inbox"}, &movedIn)
	e.must(202, "POST", "/v1.0/me/sendMail", e.as(1, rw), map[string]any{"message": map[string]any{"subject": "Delta news",
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "AdeleV@" + TenantDomain}}}}}, nil)
	// Changes elsewhere do not show.
	e.must(200, "PATCH", "/v1.0/me/messages/"+seedMsgs(0, "sentitems")[0].ID, adele, map[string]any{"isRead": false}, nil)

	items, link = e.deltaRound(link, adele)
	got := map[string]map[string]any{}
	for _, it := range items {
		got[it["id"].(string)] = it
	}
	if len(items) != 5 || len(got) != 5 {
		t.Fatalf("changes round: %d items: %v", len(items), items)
	}
	if got[upd]["flag"].(map[string]any)["flagStatus"] != "complete" {
		t.Errorf("updated message %v", got[upd])
	}
	for _, id := range []string{del, out} {
		if rm, ok := got[id]["@removed"].(map[string]any); !ok || rm["reason"] != "deleted" || len(got[id]) != 3 {
			t.Errorf("removed %s: %v", id, got[id])
		}
	}
	if got[movedIn["id"].(string)] == nil {
		t.Errorf("moved-in message %s missing", movedIn["id"])
	}
	news := 0
	for _, it := range items {
		if it["subject"] == "Delta news" {
			news++
		}
	}
	if news != 1 {
		t.Errorf("delivered message in delta %d times", news)
	}

	// $select travels in the links.
	var sel msgPage
	e.must(200, "GET", "/v1.0/me/mailFolders/inbox/messages/delta?$select=subject,isRead", paged, nil, &sel)
	if !strings.Contains(sel.Next, "$select=subject%2CisRead") {
		t.Errorf("nextLink without $select: %q", sel.Next)
	}
	for _, it := range sel.Value {
		if len(it) != 5 { // @odata.type, @odata.etag, id, subject, isRead
			t.Errorf("selected delta item %v", it)
		}
	}

	// $filter on receivedDateTime narrows the round and travels in the links.
	cut := inbox[9].Received.UTC().Format("2006-01-02T15:04:05Z")
	recent, recentLink := e.deltaRound("/v1.0/me/mailFolders/inbox/messages/delta?$filter=receivedDateTime%20ge%20"+cut, paged)
	listed := e.all("/v1.0/me/mailFolders/inbox/messages?$top=100&$filter=receivedDateTime%20ge%20"+cut, adele)
	var gotIDs, listedIDs []string
	for _, it := range recent {
		gotIDs = append(gotIDs, it["id"].(string))
	}
	for _, it := range listed {
		listedIDs = append(listedIDs, it["id"].(string))
	}
	sort.Strings(gotIDs)
	sort.Strings(listedIDs)
	if len(gotIDs) < 10 || !slices.Equal(gotIDs, listedIDs) || !strings.Contains(recentLink, "$filter=receivedDateTime+ge+") {
		t.Errorf("filtered delta: %v, the folder lists %v; deltaLink %q", gotIDs, listedIDs, recentLink)
	}

	// Bad tokens, and tokens from before a reset.
	e.wantError(400, "SyncStateNotFound", "sync state", "GET", "/v1.0/me/mailFolders/inbox/messages/delta?$deltatoken=garbage", adele, nil)
	e.wantError(400, "SyncStateNotFound", "sync state", "GET", "/v1.0/me/mailFolders/inbox/messages/delta?$skiptoken=ZC5hLjE", adele, nil)
	e.do("POST", "/_sandbox/reset", nil, nil, nil)
	adele = e.as(0, rw)
	e.wantError(400, "SyncStateNotFound", "sync state", "GET", strings.TrimPrefix(link, e.base), adele, nil)
	e.wantError(404, "ErrorItemNotFound", "not found", "GET", "/v1.0/me/mailFolders/nowhere/messages/delta", adele, nil)
}
