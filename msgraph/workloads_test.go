package msgraph

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestSitesAndTeamsPaths(t *testing.T) {
	c, mux, _ := setup(t)
	var seen []string
	mux.HandleFunc("/v1.0/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		seen = append(seen, r.Method+" "+r.URL.EscapedPath()+"?"+r.URL.RawQuery+" "+strings.TrimSpace(string(b)))
		io.WriteString(w, `{"id":"x","value":[]}`)
	})
	ctx := t.Context()
	c.Sites.GetSiteByPath(ctx, "contoso.sharepoint.com", "/sites/Marketing Team")
	c.Sites.ListItems(ctx, "contoso.sharepoint.com,a,b", "Issues", &ListItemsOptions{ListOptions: ListOptions{Top: 5}})
	c.Sites.CreateItem(ctx, "root", "Issues", map[string]any{"Title": "Printer"})
	c.Teams.SendChannelMessage(ctx, "t1", "19:abc@thread.tacv2", HTMLBody("<b>hi</b>"))
	c.Planner.CreatePlan(ctx, "g1", "Launch")
	want := []string{
		"GET /v1.0/sites/contoso.sharepoint.com:/sites/Marketing%20Team? ",
		"GET /v1.0/sites/contoso.sharepoint.com,a,b/lists/Issues/items?$expand=fields&$top=5 ",
		`POST /v1.0/sites/root/lists/Issues/items? {"fields":{"Title":"Printer"}}`,
		`POST /v1.0/teams/t1/channels/19:abc@thread.tacv2/messages? {"body":{"contentType":"html","content":"<b>hi</b>"}}`,
		`POST /v1.0/planner/plans? {"container":{"url":"` + c.BaseURL().String() + `groups/g1"},"title":"Launch"}`,
	}
	if strings.Join(seen, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(seen, "\n"), strings.Join(want, "\n"))
	}
}
