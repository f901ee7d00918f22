package m365mcp

import (
	"archive/zip"
	"bytes"
	"encoding/base64"
	"strings"
	"testing"

	"github.com/modelcontextprotocol/go-sdk/mcp"

	"github.com/authsome-go/authsome/sandbox"
)

func TestPeopleFind(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	u := sandbox.Users()[1]
	e.sb.ClearRequests()
	var found Contacts
	call(t, cs, "people_find", map[string]any{"name": strings.Fields(u.DisplayName)[0]}, &found)
	e.wantRequests(t, "people_find", "GET /v1.0/me/contacts", "GET /v1.0/users")
	ok := false
	for _, p := range found.People {
		ok = ok || (p.Source == "directory" && len(p.Addresses) == 1 && strings.EqualFold(p.Addresses[0], u.UserPrincipalName))
	}
	if !ok || len(found.Notes) > 0 {
		t.Errorf("people_find %q: %+v", u.DisplayName, found)
	}
}

func TestFilesTools(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	e.sb.ClearRequests()

	var up FileSummary
	call(t, cs, "files_upload", map[string]any{"name": "notes-mcp.md", "content": "# Notes\nzebra quokka"}, &up)
	e.wantRequests(t, "files_upload", "PUT /v1.0/me/drive/root:/notes-mcp.md:/content")
	if up.ID == "" || up.Size != int64(len("# Notes\nzebra quokka")) {
		t.Fatalf("files_upload: %+v", up)
	}
	if s := callErr(t, cs, "files_upload", map[string]any{"name": "notes-mcp.md", "content": "again"}); !strings.Contains(s, "409") {
		t.Errorf("files_upload over an existing file: %s", s)
	}
	e.graphRequests()

	var list FileList
	call(t, cs, "files_list", nil, &list)
	e.wantRequests(t, "files_list", "GET /v1.0/me/drive/root/children")
	if !containsFile(list, "notes-mcp.md") {
		t.Errorf("files_list: %+v", list)
	}

	var ft FileText
	call(t, cs, "files_read", map[string]any{"path": "notes-mcp.md"}, &ft)
	if ft.Text != "# Notes\nzebra quokka" {
		t.Errorf("files_read: %+v", ft)
	}
	e.graphRequests()

	// A Word document is read as its paragraphs.
	call(t, cs, "files_upload", map[string]any{"name": "plan.docx", "content": base64.StdEncoding.EncodeToString(docx(t, "First paragraph", "Second one")), "base64": true}, &up)
	call(t, cs, "files_read", map[string]any{"id": up.ID}, &ft)
	if ft.Text != "First paragraph\nSecond one" {
		t.Errorf("files_read of a .docx: %q", ft.Text)
	}
	e.graphRequests()

	var hits FileList
	call(t, cs, "files_search", map[string]any{"query": "notes-mcp"}, &hits)
	e.wantRequests(t, "files_search", "GET /v1.0/me/drive/root/search(q='notes-mcp')")
	if !containsFile(hits, "notes-mcp.md") {
		t.Errorf("files_search: %+v", hits)
	}

	var link ShareLink
	call(t, cs, "files_share", map[string]any{"path": "notes-mcp.md", "type": "view"}, &link)
	if !strings.HasPrefix(link.URL, "https://") || link.Type != "view" || link.Scope != "organization" {
		t.Errorf("files_share: %+v", link)
	}
}

func containsFile(l FileList, name string) bool {
	for _, it := range l.Items {
		if it.Name == name {
			return true
		}
	}
	return false
}

// docx returns a minimal Word document with the given paragraphs (as the
// string bytes files_upload carries: text only, so the zip is stored).
func docx(t *testing.T, paras ...string) []byte {
	t.Helper()
	var b bytes.Buffer
	zw := zip.NewWriter(&b)
	w, err := zw.CreateHeader(&zip.FileHeader{Name: "word/document.xml", Method: zip.Store})
	if err != nil {
		t.Fatal(err)
	}
	w.Write([]byte(`<w:document xmlns:w="http://schemas.openxmlformats.org/wordprocessingml/2006/main"><w:body>`))
	for _, p := range paras {
		w.Write([]byte("<w:p><w:r><w:t>" + p + "</w:t></w:r></w:p>"))
	}
	w.Write([]byte("</w:body></w:document>"))
	if err := zw.Close(); err != nil {
		t.Fatal(err)
	}
	return b.Bytes()
}

func TestTodoTools(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	e.sb.ClearRequests()
	var lists TaskLists
	call(t, cs, "todo_lists", nil, &lists)
	e.wantRequests(t, "todo_lists", "GET /v1.0/me/todo/lists")
	var task TodoItem
	call(t, cs, "todo_add", map[string]any{"title": "Book the venue", "due": "2030-05-01", "importance": "high"}, &task)
	if task.ID == "" || task.Due != "2030-05-01" || task.Status != "notStarted" {
		t.Fatalf("todo_add: %+v", task)
	}
	reqs := e.graphRequests()
	if len(reqs) != 2 || !strings.HasSuffix(reqs[1], "/tasks") {
		t.Errorf("todo_add requests %q", reqs)
	}
	var tasks TodoItems
	call(t, cs, "todo_tasks", nil, &tasks)
	if len(tasks.Tasks) == 0 || tasks.ListID == "" {
		t.Errorf("todo_tasks: %+v", tasks)
	}
	call(t, cs, "todo_complete", map[string]any{"id": task.ID}, &task)
	if task.Status != "completed" {
		t.Errorf("todo_complete: %+v", task)
	}
	call(t, cs, "todo_tasks", nil, &tasks)
	for _, x := range tasks.Tasks {
		if x.ID == task.ID {
			t.Error("todo_tasks lists a completed task")
		}
	}
}

// TestTeamsTools: without the Teams permissions the tools say which scope to
// add; once added, they work.
func TestTeamsTools(t *testing.T) {
	e := newEnv(t)
	s := callErr(t, connect(t, e.server(t, Options{Connection: "work"}), allowAll()), "teams_chats", nil)
	if !strings.Contains(s, "authsome login microsoft --connection work --scopes +Chat.Read") {
		t.Errorf("teams_chats without the permission: %s", s)
	}
	e.login(t, true, "@teams")
	cs := connect(t, e.server(t, Options{}), allowAll())
	var teams Teams
	call(t, cs, "teams_channels", nil, &teams)
	var chats Chats
	call(t, cs, "teams_chats", nil, &chats)
	if len(teams.Teams) == 0 || len(teams.Teams[0].Channels) == 0 || len(chats.Chats) == 0 {
		t.Fatalf("teams %+v chats %+v", teams, chats)
	}
	e.graphRequests()
	var p Posted
	call(t, cs, "teams_post", map[string]any{"team": teams.Teams[0].ID, "channel": teams.Teams[0].Channels[0].ID, "text": "Hello channel"}, &p)
	e.wantRequests(t, "teams_post", "POST /v1.0/teams/"+teams.Teams[0].ID+"/channels/"+teams.Teams[0].Channels[0].ID+"/messages")
	call(t, cs, "teams_post", map[string]any{"chat": chats.Chats[0].ID, "text": "Hello chat"}, &p)
	e.wantRequests(t, "teams_post", "POST /v1.0/chats/"+chats.Chats[0].ID+"/messages")
	if p.ID == "" {
		t.Error("teams_post: no id")
	}
}

func TestResourcesAndPrompt(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	for _, uri := range []string{AgendaURI, UnreadURI} {
		res, err := cs.ReadResource(t.Context(), &mcp.ReadResourceParams{URI: uri})
		if err != nil || len(res.Contents) != 1 || !strings.HasPrefix(res.Contents[0].Text, "{") {
			t.Fatalf("%s: %+v %v", uri, res, err)
		}
	}
	p, err := cs.GetPrompt(t.Context(), &mcp.GetPromptParams{Name: "triage_inbox"})
	if err != nil || len(p.Messages) != 2 {
		t.Fatalf("triage_inbox: %+v %v", p, err)
	}
	if l, ok := p.Messages[1].Content.(*mcp.ResourceLink); !ok || l.URI != UnreadURI {
		t.Errorf("triage_inbox links %+v", p.Messages[1].Content)
	}
}
