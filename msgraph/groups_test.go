package msgraph

import (
	"io"
	"net/http"
	"strings"
	"testing"
)

func TestGroupMembers(t *testing.T) {
	c, mux, _ := setup(t)
	var got []string
	mux.HandleFunc("/v1.0/groups/", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		got = append(got, r.Method+" "+r.URL.EscapedPath()+" "+strings.TrimSpace(string(b))+" "+r.Header.Get("ConsistencyLevel"))
		if r.Method == "GET" {
			io.WriteString(w, `{"value":[{"@odata.type":"#microsoft.graph.user","id":"u1","displayName":"Adele"},{"@odata.type":"#microsoft.graph.group","id":"g2"}]}`)
			return
		}
		w.WriteHeader(204)
	})
	ctx := t.Context()
	if _, err := c.Groups.AddMember(ctx, "g1", "u1"); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Groups.RemoveOwner(ctx, "g1", "u/2"); err != nil {
		t.Fatal(err)
	}
	members, _, err := c.Groups.ListMembers(ctx, "g1", &ListOptions{Count: true})
	if err != nil || len(members) != 2 || members[0].ODataType != "#microsoft.graph.user" || members[1].ID != "g2" {
		t.Fatalf("members %+v %v", members, err)
	}
	want := []string{
		`POST /v1.0/groups/g1/members/$ref {"@odata.id":"` + c.BaseURL().String() + `directoryObjects/u1"} `,
		"DELETE /v1.0/groups/g1/owners/u%2F2/$ref  ",
		"GET /v1.0/groups/g1/members  eventual",
	}
	if strings.Join(got, "\n") != strings.Join(want, "\n") {
		t.Errorf("requests\n%s\nwant\n%s", strings.Join(got, "\n"), strings.Join(want, "\n"))
	}
}
