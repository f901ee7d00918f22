package sites

import (
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Routes registers the site routes, and the rewrite of a site's path
// addresses into its id.
func (s *Workload) Routes(m *graphkit.Mux) {
	m.Rewrite(rewritePath)
	m.HandleFunc("GET /v1.0/sites", s.Auth(s.searchSites))
	m.HandleFunc("GET /v1.0/sites/{sid}", s.onSite(s.getSite))
	m.HandleFunc("GET /v1.0/sites/{sid}/sites", s.onSite(s.listSubsites))
	m.HandleFunc("GET /v1.0/groups/{gid}/sites/root", s.Auth(s.groupSite))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists", s.onSite(s.listLists))
	m.HandleFunc("POST /v1.0/sites/{sid}/lists", s.onSite(s.createList))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists/{lid}", s.onList(s.getList))
	m.HandleFunc("DELETE /v1.0/sites/{sid}/lists/{lid}", s.onList(s.deleteList))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists/{lid}/columns", s.onList(s.listColumns))
	m.HandleFunc("POST /v1.0/sites/{sid}/lists/{lid}/columns", s.onList(s.createColumn))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", s.onColumn(s.getColumn))
	m.HandleFunc("PATCH /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", s.onColumn(s.updateColumn))
	m.HandleFunc("DELETE /v1.0/sites/{sid}/lists/{lid}/columns/{cid}", s.onColumn(s.deleteColumn))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists/{lid}/items", s.onList(s.listItems))
	m.HandleFunc("POST /v1.0/sites/{sid}/lists/{lid}/items", s.onList(s.createItem))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists/{lid}/items/{iid}", s.onItem(s.getItem))
	m.HandleFunc("DELETE /v1.0/sites/{sid}/lists/{lid}/items/{iid}", s.onItem(s.deleteItem))
	m.HandleFunc("GET /v1.0/sites/{sid}/lists/{lid}/items/{iid}/fields", s.onItem(s.getFields))
	m.HandleFunc("PATCH /v1.0/sites/{sid}/lists/{lid}/items/{iid}/fields", s.onItem(s.updateFields))
}

var (
	errNoList = graphkit.Err(404, "itemNotFound", "The specified list was not found")
	errNoItem = graphkit.Err(404, "itemNotFound", "The specified list item was not found")
)

// siteHandler serves a route of site st for the caller c.
type siteHandler func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site)

// onSite resolves {sid} (an id: rewritePath turned the other addresses into
// one) and checks that c may reach the site with a permission that grants
// the request (graphkit.SiteAccess).
func (s *Workload) onSite(h siteHandler) http.HandlerFunc {
	return s.Auth(func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
		st := findSite(r.PathValue("sid"))
		switch {
		case st == nil:
			s.Fail(w, r, graphkit.ErrSiteNotFound)
		case !graphkit.SiteAccess(r, c, st.ref()):
			s.Fail(w, r, graphkit.ErrSiteAccess)
		default:
			h(w, r, c, st)
		}
	})
}

var siteType = &odata.Type{
	Name:  "microsoft.graph.site",
	Keep:  []string{"id"},
	Props: []string{"createdDateTime", "description", "id", "lastModifiedDateTime", "name", "webUrl", "displayName", "root", "siteCollection"},
	Extra: []string{"createdBy", "eTag", "lastModifiedBy", "parentReference", "error", "isPersonalSite", "sharepointIds"},
}

var siteLimits = odata.Limits{DefaultTop: 200, MaxTop: 999}

// siteObject is st as Graph's JSON.
func siteObject(st *site) map[string]any {
	name := st.Name
	if name == "" {
		name = strings.SplitN(st.ID, ",", 2)[0]
	}
	o := map[string]any{"createdDateTime": stamp(st.Created), "description": st.Description, "id": st.ID,
		"lastModifiedDateTime": stamp(st.Created), "name": name, "webUrl": st.webURL(), "displayName": st.DisplayName,
		"siteCollection": map[string]any{"hostname": strings.SplitN(st.ID, ",", 2)[0]}}
	if st == seedSites[0] {
		o["root"] = map[string]any{}
	}
	return o
}

func (s *Workload) getSite(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site) {
	s.WriteEntity(w, r, http.StatusOK, graphkit.NewItem(siteObject(st)), siteType, "#sites/$entity")
}

// writeSites answers a collection of sites, those c may reach.
func (s *Workload) writeSites(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, sites []*site) {
	var list []graphkit.Item
	for _, st := range sites {
		if graphkit.SiteAccess(r, c, st.ref()) {
			list = append(list, graphkit.NewItem(siteObject(st)))
		}
	}
	s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, "#sites", list, siteType, siteLimits), nil)
}

// searchSites serves GET /sites?search=text: the sites whose name, display
// name or description holds text ("*": every site); without search, every
// site.
func (s *Workload) searchSites(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	if !graphkit.Permitted(r, c) {
		s.Fail(w, r, graphkit.ErrSiteAccess)
		return
	}
	text := strings.ToLower(strings.Trim(strings.TrimSpace(r.URL.Query().Get("search")), `"`))
	var out []*site
	for _, st := range seedSites {
		hay := strings.ToLower(st.Name + " " + st.DisplayName + " " + st.Description)
		if text == "" || text == "*" || strings.Contains(hay, text) {
			out = append(out, st)
		}
	}
	s.writeSites(w, r, c, out)
}

func (s *Workload) listSubsites(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site) {
	var out []*site
	for _, sub := range seedSites {
		if sub.Parent == st.ID {
			out = append(out, sub)
		}
	}
	s.writeSites(w, r, c, out)
}

// groupSite serves GET /groups/{id}/sites/root: the group's team site.
func (s *Workload) groupSite(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	i := slices.IndexFunc(seedSites, func(st *site) bool { return st.Group != "" && strings.EqualFold(st.Group, r.PathValue("gid")) })
	switch {
	case i < 0:
		s.Fail(w, r, graphkit.ErrResourceNotFound(r.PathValue("gid")))
	case !graphkit.SiteAccess(r, c, seedSites[i].ref()):
		s.Fail(w, r, graphkit.ErrSiteAccess)
	default:
		s.getSite(w, r, c, seedSites[i])
	}
}
