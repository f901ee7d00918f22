package sandbox

import (
	"slices"
	"testing"
)

// TestMessageListingsFollowChanges: listings in the default order come from a cached order
// (no sort per page); after every kind of change they still equal what a scan of the
// mailbox gives (a $filter listing matching everything), page by page and in $count.
func TestMessageListingsFollowChanges(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	ids := func(path string) []string {
		var out []string
		for _, m := range e.all(path, adele) {
			out = append(out, m["id"].(string))
		}
		return out
	}
	compare := func(step string) {
		t.Helper()
		for _, folder := range []string{"/v1.0/me/messages", "/v1.0/me/mailFolders/inbox/messages"} {
			cached := ids(folder + "?$top=7&$select=id")
			byOrder := ids(folder + "?$top=7&$select=id&$orderby=receivedDateTime%20desc")
			scanned := ids(folder + "?$top=7&$select=id&$filter=receivedDateTime%20ge%201900-01-01T00:00:00Z")
			if len(cached) == 0 || !slices.Equal(cached, scanned) || !slices.Equal(byOrder, scanned) {
				t.Fatalf("%s: %s listed %d cached / %d ordered / %d scanned, or in another order", step, folder, len(cached), len(byOrder), len(scanned))
			}
			var n int
			e.call("GET", folder+"/$count", adele, nil, &n)
			if n != len(scanned) {
				t.Fatalf("%s: %s/$count = %d, want %d", step, folder, n, len(scanned))
			}
		}
	}
	compare("seed")
	inbox := ids("/v1.0/me/mailFolders/inbox/messages?$top=3&$select=id")
	e.must(200, "PATCH", "/v1.0/me/messages/"+inbox[0], adele, map[string]any{"isRead": true}, nil)
	compare("after a PATCH")
	e.must(201, "POST", "/v1.0/me/messages/"+inbox[1]+"/move", adele, map[string]any{"destinationId": "archive"}, nil)
	compare("after a move")
	e.must(204, "DELETE", "/v1.0/me/messages/"+inbox[2], adele, nil, nil)
	compare("after a delete")
	e.must(202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{"subject": "New",
		"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": "AdeleV@" + TenantDomain}}}}}, nil)
	compare("after a send")
	if got := ids("/v1.0/me/mailFolders/inbox/messages?$top=1&$select=id"); len(got) == 0 {
		t.Fatal("empty inbox")
	}
}
