package sites

import (
	"encoding/json"
	"net/http"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/lazyre"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

func stamp(t time.Time) string { return t.UTC().Format("2006-01-02T15:04:05Z") }

// listHandler serves a route of list l of site st; the caller holds the lock.
type listHandler func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site, l *list)

// onList resolves {lid} (an id, a display name or a URL name) in the site
// onSite resolved, and runs h under the lock.
func (s *Workload) onList(h listHandler) http.HandlerFunc {
	return s.onSite(func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site) {
		s.mu.Lock()
		defer s.mu.Unlock()
		l := s.findList(st.ID, r.PathValue("lid"))
		if l == nil {
			s.Fail(w, r, errNoList)
			return
		}
		h(w, r, c, st, l)
	})
}

var listType = &odata.Type{
	Name: "microsoft.graph.list",
	Keep: []string{"@odata.etag", "id"},
	Props: []string{"createdDateTime", "description", "eTag", "id", "lastModifiedDateTime", "name", "webUrl",
		"displayName", "createdBy", "parentReference", "list"},
	Extra:      []string{"lastModifiedBy", "sharepointIds", "system"},
	Expandable: []string{"columns"},
}

var columnType = &odata.Type{
	Name: "microsoft.graph.columnDefinition",
	Keep: []string{"id"},
	Props: []string{"columnGroup", "description", "displayName", "enforceUniqueValues", "hidden", "id", "indexed",
		"name", "readOnly", "required", "boolean", "choice", "currency", "dateTime", "hyperlinkOrPicture", "lookup",
		"number", "personOrGroup", "text"},
	Extra: []string{"calculated", "contentApprovalStatus", "defaultValue", "geolocation", "isDeletable", "isReorderable",
		"isSealed", "propagateChanges", "sourceContentType", "term", "thumbnail", "type", "validation"},
}

// columnKinds are the column types a column may be made of.
var columnKinds = []string{"boolean", "choice", "currency", "dateTime", "number", "personOrGroup", "text"}

func (l *list) eTag() string { return `"` + l.ID + `,` + itoa(l.Version) + `"` }

// identity is an identitySet naming a directory user (the app's System
// Account for "").
func (s *Workload) identity(user string) map[string]any {
	if s.Dir != nil {
		if u := s.Dir.Find(user); u != nil {
			return map[string]any{"user": map[string]any{"id": u.ID, "displayName": u.DisplayName}}
		}
	}
	return map[string]any{"user": map[string]any{"displayName": "System Account"}}
}

// listObject is l as Graph's JSON; the caller holds the lock.
func (s *Workload) listObject(l *list) map[string]any {
	o := map[string]any{"@odata.etag": l.eTag(), "createdDateTime": stamp(l.Created), "description": l.Description,
		"eTag": l.eTag(), "id": l.ID, "lastModifiedDateTime": stamp(l.Modified), "name": l.Name, "webUrl": l.webURL(),
		"displayName": l.DisplayName, "createdBy": s.identity(l.By),
		"parentReference": map[string]any{"siteId": l.Site},
		"list":            map[string]any{"contentTypesEnabled": false, "hidden": false, "template": l.Template}}
	return o
}

func columnObject(c *column) map[string]any {
	group := "Custom Columns"
	if c.System {
		group = "Base Columns"
	}
	o := map[string]any{"columnGroup": group, "description": c.Description, "displayName": c.DisplayName,
		"enforceUniqueValues": c.Unique, "hidden": c.Hidden, "id": c.ID, "indexed": c.Indexed, "name": c.Name,
		"readOnly": c.ReadOnly, "required": c.Required}
	facet := c.Facet
	if len(facet) == 0 {
		facet = json.RawMessage(`{}`)
	}
	o[c.Kind] = facet
	return o
}

func (s *Workload) listItem(l *list) graphkit.Item {
	it := graphkit.NewItem(s.listObject(l))
	return it
}

func (s *Workload) listLists(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site) {
	s.mu.Lock()
	var lists []*list
	for _, l := range s.lists {
		if l.Site == st.ID {
			lists = append(lists, l)
		}
	}
	slices.SortFunc(lists, func(a, b *list) int {
		return strings.Compare(strings.ToLower(a.DisplayName), strings.ToLower(b.DisplayName))
	})
	items := make([]graphkit.Item, len(lists))
	for i, l := range lists {
		items[i] = s.expandedList(r, l)
	}
	s.mu.Unlock()
	ctx := "#sites('" + st.ID + "')/lists"
	s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, ctx, items, listType, siteLimits), nil)
}

// expandedList is l with the columns when $expand asks for them; the caller
// holds the lock.
func (s *Workload) expandedList(r *http.Request, l *list) graphkit.Item {
	it := s.listItem(l)
	for _, x := range odata.SplitExpand(r.URL.Query().Get("$expand")) {
		if x.Name == "columns" {
			it.Set("columns", columnObjects(l))
		}
	}
	return it
}

func columnObjects(l *list) []any {
	out := make([]any, len(l.Columns))
	for i, c := range l.Columns {
		out[i] = columnObject(c)
	}
	return out
}

func (s *Workload) getList(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site, l *list) {
	s.WriteEntity(w, r, http.StatusOK, s.expandedList(r, l), listType, "#sites('"+st.ID+"')/lists/$entity")
}

// listName is the URL name SharePoint gives a list made with displayName:
// its letters and digits.
var nameRE = lazyre.New(`[^A-Za-z0-9_ -]`)

var errListExists = graphkit.Err(409, "nameAlreadyExists",
	"A list, survey, discussion board, or document library with the specified title already exists in this Web site.  Please choose another title.")

// createList serves POST /sites/{id}/lists: displayName, description,
// columns and list.template (genericList or documentLibrary). A document
// library's drive is the drive workload's, made when it is first reached.
func (s *Workload) createList(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	now := s.Now().UTC()
	l := &list{ID: ids.GUID(), Site: st.ID, Template: "genericList", Created: now, Modified: now, Version: 1}
	if !c.IsApp() {
		l.By = c.Oid
	}
	var cols []json.RawMessage
	if _, ge := schema.Apply("list", l, body, schema.Create, schema.Setters[*list]{
		"displayName": func(l *list, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &l.DisplayName) },
		"description": func(l *list, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &l.Description) },
		"columns":     func(l *list, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &cols) },
		"list": func(l *list, raw json.RawMessage) *graphkit.Error {
			var info struct{ Template string }
			if ge := unmarshal(raw, &info); ge != nil {
				return ge
			}
			if info.Template != "" {
				l.Template = info.Template
			}
			return nil
		},
	}); ge != nil {
		s.Fail(w, r, ge)
		return
	}
	switch {
	case strings.TrimSpace(l.DisplayName) == "":
		s.Fail(w, r, graphkit.Err(400, "invalidRequest", "A list needs a displayName."))
		return
	case l.Template != "genericList" && l.Template != "documentLibrary":
		s.Fail(w, r, graphkit.Err(400, "invalidRequest", "The list template '"+l.Template+"' is not one the sandbox makes: use genericList or documentLibrary."))
		return
	}
	l.Name = strings.TrimSpace(nameRE().ReplaceAllString(l.DisplayName, ""))
	if l.Name == "" {
		l.Name = l.ID
	}
	l.Columns = systemColumns(l.ID)
	for _, raw := range cols {
		col, ge := readColumn(l, raw)
		if ge != nil {
			s.Fail(w, r, ge)
			return
		}
		l.Columns = append(l.Columns, col)
	}
	s.mu.Lock()
	if s.findList(st.ID, l.DisplayName) != nil || s.findList(st.ID, l.Name) != nil {
		s.mu.Unlock()
		s.Fail(w, r, errListExists)
		return
	}
	s.lists[l.ID] = l
	s.items[l.ID] = map[string]*listItem{}
	graphkit.Touch(r, Name, listKey(l))
	obj := s.expandedList(r, l)
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, listType, "#sites('"+st.ID+"')/lists/$entity")
}

func (s *Workload) deleteList(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, _ *site, l *list) {
	if l.Default {
		s.Fail(w, r, graphkit.Err(403, "accessDenied", "The site's default document library cannot be deleted."))
		return
	}
	if !graphkit.IfMatch(r, l.eTag()) {
		s.Fail(w, r, errModified)
		return
	}
	for id := range s.items[l.ID] {
		graphkit.Touch(r, Name, itemKey(l.ID, id))
	}
	delete(s.lists, l.ID)
	delete(s.items, l.ID)
	graphkit.Touch(r, Name, listKey(l))
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// unmarshal reads a checked property value into v.
func unmarshal(raw json.RawMessage, v any) *graphkit.Error {
	if string(raw) == "null" {
		return nil
	}
	if err := json.Unmarshal(raw, v); err != nil {
		return graphkit.BadRequest("The property value could not be read: " + err.Error())
	}
	return nil
}
