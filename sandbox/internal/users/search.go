package users

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is the lists of directory objects (users, groups, members):
// the advanced query parameters and $search, whose syntax sandbox/odata
// parses (odata.ParseDirSearch).

// The properties $search takes: those of the type that Graph's directory
// searches, by words (displayName, description) or as $filter's startsWith
// (the properties with startsWith in Graph's table for directory objects).
// The sandbox holds no otherMails or proxyAddresses: they match nothing.
var (
	userSearchable = []string{"displayName", "givenName", "surname", "mail", "mailNickname", "userPrincipalName", "otherMails",
		"proxyAddresses", "department", "officeLocation", "companyName", "mobilePhone", "preferredLanguage"}
	groupSearchable = []string{"displayName", "description", "mail", "mailNickname", "proxyAddresses"}
	// A list of directory objects (members, memberOf) takes either's.
	dirSearchable = slices.Compact(slices.Sorted(slices.Values(append(slices.Clone(userSearchable), groupSearchable...))))
)

// dirEntry is a directory object in a list: its JSON object, and the
// properties beyond it that $search reads (a user's mailNickname).
type dirEntry struct {
	obj, more map[string]any
}

func userEntry(u *directory.User, typed bool) dirEntry {
	return dirEntry{obj: userObject(u, typed), more: extra(u)}
}

func groupEntry(g *directory.Group, typed bool) dirEntry {
	return dirEntry{obj: groupObject(g, typed)}
}

// values are the texts of property prop: none, one, or a collection's.
func (e dirEntry) values(prop string) []string {
	v, ok := e.obj[prop]
	if !ok {
		v = e.more[prop]
	}
	switch x := v.(type) {
	case string:
		return []string{x}
	case []string:
		return x
	case []any:
		var out []string
		for _, m := range x {
			if s, ok := m.(string); ok {
				out = append(out, s)
			}
		}
		return out
	}
	return nil
}

// advanced checks the advanced query parameters: $search needs
// ConsistencyLevel: eventual, and so does $count on directory objects.
// It returns the parsed $search over the properties props, if any.
func advanced(r *http.Request, props []string) (*odata.DirSearch, *graphkit.Error) {
	q := r.URL.Query()
	eventual := strings.EqualFold(r.Header.Get("ConsistencyLevel"), "eventual")
	search := q.Get("$search")
	if search != "" && !eventual {
		return nil, graphkit.Err(400, "Request_UnsupportedQuery", "Request with $search query parameter only works through MSGraph with a special request header: 'ConsistencyLevel: eventual'")
	}
	if strings.EqualFold(q.Get("$count"), "true") && !eventual {
		return nil, graphkit.Err(400, "Request_BadRequest", "$count is not currently supported.")
	}
	if search == "" {
		return nil, nil
	}
	ds, err := odata.ParseDirSearch(search, props)
	if err != nil {
		return nil, graphkit.QueryError(err)
	}
	return ds, nil
}

// writeObjects writes directory objects of type t (users, groups, or
// directoryObjects of either) as a page: $search picks the objects, then
// $filter, $orderby, $select, $top and $count apply.
func (s *Workload) writeObjects(w http.ResponseWriter, r *http.Request, ctx string, objs []dirEntry, t *odata.Type) {
	props := dirSearchable
	switch t {
	case userType:
		props = userSearchable
	case groupType:
		props = groupSearchable
	}
	search, ge := advanced(r, props)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	var items []graphkit.Item
	for _, o := range objs {
		if search == nil || search.Match(o.values) {
			items = append(items, graphkit.NewItem(o.obj))
		}
	}
	lim := dirLimits
	lim.SearchApplied = true
	s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, graphkit.BaseURL(r)+"/v1.0/$metadata#"+ctx, items, t, lim), nil)
}
