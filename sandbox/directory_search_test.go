package sandbox

import (
	"encoding/json"
	"net/url"
	"slices"
	"strings"
	"testing"
)

// dirList is a page of a directory list.
type dirList struct {
	Count    *int   `json:"@odata.count"`
	NextLink string `json:"@odata.nextLink"`
	Value    []struct {
		ID          string `json:"id"`
		DisplayName string `json:"displayName"`
	} `json:"value"`
	Error struct {
		Code    string `json:"code"`
		Message string `json:"message"`
	} `json:"error"`
}

func (l *dirList) names() []string {
	var out []string
	for _, v := range l.Value {
		out = append(out, v.DisplayName)
	}
	return out
}

// TestDirectorySearch: $search on users, groups and members takes
// "property:text" clauses joined with AND and OR, escapes inside the
// quotes, and goes with $filter, $orderby, $count and paging; it needs
// ConsistencyLevel: eventual and answers Graph's 400 codes otherwise.
func TestDirectorySearch(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	auth := "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "User.Read.All Group.ReadWrite.All")
	get := func(path, search, level string) (int, *dirList) {
		t.Helper()
		if search != "" {
			sep := "?"
			if strings.Contains(path, "?") {
				sep = "&"
			}
			path += sep + "$search=" + url.QueryEscape(search)
		}
		hdr := map[string]string{"Authorization": auth}
		if level != "" {
			hdr["ConsistencyLevel"] = level
		}
		var l dirList
		resp := e.do("GET", path, nil, hdr, &l)
		return resp.StatusCode, &l
	}
	for _, name := range []string{`The "Q" crew`, "The Q crew", `back\slash ops`, "back slash ops"} {
		q, _ := json.Marshal(name)
		if resp := e.do("POST", "/v1.0/groups", strings.NewReader(`{"displayName": `+string(q)+`, "mailNickname": "crew", "mailEnabled": false, "securityEnabled": true}`),
			map[string]string{"Authorization": auth, "Content-Type": "application/json"}, nil); resp.StatusCode != 201 {
			t.Fatalf("create group %q: %d", name, resp.StatusCode)
		}
	}

	for _, tc := range []struct {
		path, search string
		want         []string // in order
	}{
		{"/v1.0/users", `"displayName:meg" OR "displayName:pat"`, []string{"Megan Bowen", "Patti Fernandez"}},
		{"/v1.0/users", `"givenName:a" AND "department:mark"`, []string{"Alex Wilber"}},
		{"/v1.0/users", `"department:mark" AND ("displayName:alex" OR "displayName:patti")`, []string{"Alex Wilber"}},
		{"/v1.0/users", `"department:mark" AND "displayName:alex" OR "displayName:patti"`, []string{"Alex Wilber", "Patti Fernandez"}},
		{"/v1.0/users", `"mailNickname:meganb"`, []string{"Megan Bowen"}},
		{"/v1.0/users", `"mail:nestorw@"`, []string{"Nestor Wilke"}},
		{"/v1.0/users", `"mail:contoso"`, nil}, // startsWith, not words
		{"/v1.0/users", `"userPrincipalName:ADELEV"`, []string{"Adele Vance"}},
		{"/v1.0/users", `"proxyAddresses:SMTP"`, nil},
		{"/v1.0/users?$orderby=displayName desc", `"displayName:meg" OR "displayName:pat"`, []string{"Patti Fernandez", "Megan Bowen"}},
		{"/v1.0/users?$filter=startswith(givenName,'m')", `"department:mark"`, []string{"Megan Bowen"}},
		{"/v1.0/groups", `"description:department"`, []string{"Marketing", "Leadership"}},
		{"/v1.0/groups", `"displayName:team" OR "mailNickname:lead"`, []string{"Product Team", "Leadership"}},
		// A quote and a backslash inside a clause, escaped.
		{"/v1.0/groups", `"displayName:\"Q\""`, []string{`The "Q" crew`}},
		{"/v1.0/groups", `"displayName:q crew"`, []string{`The "Q" crew`, "The Q crew"}},
		{"/v1.0/groups", `"displayName:back\\slash"`, []string{`back\slash ops`}},
		{"/v1.0/groups", `"displayName:backslash"`, []string{`back\slash ops`}}, // words joined across the symbol
		// Members are users and groups, each searched by its own properties.
		{"/v1.0/groups/" + LeadershipGroupID + "/members", `"displayName:patti" OR "mailNickname:market"`, []string{"Patti Fernandez", "Marketing"}},
		{"/v1.0/groups/" + LeadershipGroupID + "/members", `"description:marketing"`, []string{"Marketing"}},
	} {
		st, l := get(tc.path, tc.search, "eventual")
		if st != 200 || !slices.Equal(l.names(), tc.want) {
			t.Errorf("%s $search=%s: %d %v %s, want %v", tc.path, tc.search, st, l.names(), l.Error.Message, tc.want)
		}
	}

	// $count counts the matches; pages keep $search in their next link.
	st, l := get("/v1.0/users?$count=true&$top=1", `"displayName:pat" OR "mailNickname:nestor"`, "eventual")
	var all []string
	for n := 0; st == 200 && n < 10; n++ {
		if l.Count == nil || *l.Count != 2 {
			t.Errorf("page %d: @odata.count %+v, want 2", n, l)
		}
		all = append(all, l.names()...)
		if l.NextLink == "" {
			break
		}
		if !strings.Contains(l.NextLink, "$search=") {
			t.Errorf("next link without $search: %s", l.NextLink)
		}
		st, l = get(strings.TrimPrefix(l.NextLink, e.base), "", "eventual")
	}
	if want := []string{"Nestor Wilke", "Patti Fernandez"}; !slices.Equal(all, want) {
		t.Errorf("pages of 1: %d %v, want %v", st, all, want)
	}

	for _, tc := range []struct {
		path, search, level string
		code, msg           string
	}{
		{"/v1.0/users", `"displayName:meg" OR "displayName:pat"`, "", "Request_UnsupportedQuery", "only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'"},
		{"/v1.0/users", `"jobTitle:director"`, "eventual", "Request_UnsupportedQuery", "property 'jobTitle' cannot be searched"},
		{"/v1.0/users", `"description:x"`, "eventual", "Request_UnsupportedQuery", "property 'description' cannot be searched"},
		{"/v1.0/groups", `"surname:x" OR "displayName:y"`, "eventual", "Request_UnsupportedQuery", "property 'surname'"},
		{"/v1.0/users", `"meg"`, "eventual", "Request_UnsupportedQuery", "names no property"},
		{"/v1.0/users", `displayName:meg`, "eventual", "Request_BadRequest", "is not in double quotes"},
		{"/v1.0/users", `"displayName:meg" or "displayName:pat"`, "eventual", "Request_BadRequest", "must be upper case"},
		{"/v1.0/users", `"displayName:meg\"`, "eventual", "Request_BadRequest", "has no closing double quote"},
		{"/v1.0/users", `("displayName:meg"`, "eventual", "Request_BadRequest", "')' expected"},
	} {
		st, l := get(tc.path, tc.search, tc.level)
		if st != 400 || l.Error.Code != tc.code || !strings.Contains(l.Error.Message, tc.msg) {
			t.Errorf("%s $search=%s (ConsistencyLevel %q): %d %s %q, want 400 %s with %q", tc.path, tc.search, tc.level, st, l.Error.Code, l.Error.Message, tc.code, tc.msg)
		}
	}
}
