package graphschema

import "testing"

func TestCheckPath(t *testing.T) {
	s := ForTest(t)
	for _, p := range []string{
		"/users/{id}/messages/{id}",
		"/me/messages/{id}/microsoft.graph.eventMessage/event",
		"/users/{id}/mailFolders/{id}/messages/delta",
		"/users/{id}/messages/{id}/attachments/createUploadSession",
		"/users/{id}/messages/{id}/$value",
		"/groups/{id}/members/{id}/$ref",
		"/drives/{id}/root:/{path}:",
		"/drives/{id}/root/search(q='{text}')",
		"/drives/{id}/items/{id}/workbook/worksheets/{id}/range(address='{address}')/format/borders",
		"/drives/{id}/items/{id}/workbook/tables/{id}/rows/$/itemAt(index={index})",
		"/sites/{hostname}:/{path}:",
		"/sites?search={text}",
		"/$batch",
		"/planner/plans/{id}",
		"/sites/root",
		"/drives/{id}/items/{id}/workbook/functions/{name}",      // {name}: any of its actions
		"/drives/{id}/items/{id}/thumbnails/{id}/{size}/content", // {size}: small, medium, large
	} {
		if err := s.CheckPath(p); err != nil {
			t.Errorf("CheckPath(%q): %v", p, err)
		}
	}
	for _, p := range []string{
		"/mailboxes/{id}",                       // no such entity set
		"/users/{id}/mesages",                   // misspelt
		"/users/{id}/messages/{id}/event",       // event is eventMessage's: it needs the cast
		"/users/{id}/messages/{id}/send/x",      // nothing after an action without a result
		"/users/{id}/messages/{id}/$count",      // $count of one message
		"/users/{id}/microsoft.graph.group",     // a cast to an unrelated type
		"/users/{id}/messages/{id}/$value/body", // nothing after $value
		"/drives/{id}/items/{id}/thumbnails/{id}/{size}/nothing",
	} {
		if err := s.CheckPath(p); err == nil {
			t.Errorf("CheckPath(%q) = nil, want an error", p)
		}
	}
}
