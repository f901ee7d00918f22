package sites

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

func itoa(n int) string { return strconv.Itoa(n) }

var itemType = &odata.Type{
	Name: "microsoft.graph.listItem",
	Keep: []string{"@odata.etag", "id"},
	Props: []string{"createdDateTime", "eTag", "id", "lastModifiedDateTime", "webUrl", "createdBy", "lastModifiedBy",
		"parentReference", "contentType"},
	Extra:      []string{"description", "name", "sharepointIds", "deleted", "fields"},
	Expandable: []string{"fields"},
}

// itemLimits page list items: 200 an answer unless $top says.
var itemLimits = odata.Limits{DefaultTop: 200, MaxTop: 5000}

var errModified = graphkit.Err(412, "resourceModified", "The resource has changed since the caller last read it; usually an eTag mismatch")

func (it *listItem) eTag() string {
	return `"` + stableGUID("item", it.List, it.ID) + `,` + itoa(it.Version) + `"`
}

// fieldsObject is the item's fieldValueSet: SharePoint's own fields and the
// columns', those of sel only when sel is not empty.
func fieldsObject(l *list, it *listItem, sel []string) map[string]any {
	f := map[string]any{"@odata.etag": it.eTag(), "id": it.ID, "ContentType": "Item",
		"Modified": stamp(it.Modified), "Created": stamp(it.Created),
		"AuthorLookupId": lookupID(it.By), "EditorLookupId": lookupID(it.ModBy),
		"_UIVersionString": itoa(it.Version) + ".0", "Attachments": false}
	if l.library() {
		f["ContentType"] = "Document"
	}
	for k, v := range it.Fields {
		f[k] = v
	}
	if len(sel) == 0 {
		return f
	}
	out := map[string]any{"@odata.etag": f["@odata.etag"]}
	for _, k := range sel {
		for name, v := range f {
			if strings.EqualFold(name, k) {
				out[name] = v
			}
		}
	}
	return out
}

// itemObject is it as Graph's JSON, with its fields (every one) for
// $filter and $orderby; the caller holds the lock.
func (s *Workload) itemObject(l *list, it *listItem) map[string]any {
	return map[string]any{"@odata.etag": it.eTag(), "createdDateTime": stamp(it.Created), "eTag": it.eTag(), "id": it.ID,
		"lastModifiedDateTime": stamp(it.Modified), "webUrl": l.webURL() + "/DispForm.aspx?ID=" + it.ID,
		"createdBy": s.identity(it.By), "lastModifiedBy": s.identity(it.ModBy),
		"parentReference": map[string]any{"id": stableGUID("folder", l.ID), "siteId": l.Site},
		"contentType":     map[string]any{"id": "0x0100" + strings.ToUpper(strings.ReplaceAll(stableGUID("ct", l.ID), "-", "")), "name": "Item"},
		"fields":          fieldsObject(l, it, nil)}
}

// itemQuery reads a list item request's query: Graph takes the options with
// or without "$" ("expand=fields(select=Title)"), and the $select of the
// fields expansion.
func itemQuery(r *http.Request) (q url.Values, expand bool, sel []string) {
	q = url.Values{}
	for k, v := range r.URL.Query() {
		switch low := strings.ToLower(strings.TrimPrefix(k, "$")); low {
		case "expand", "select", "filter", "orderby", "top", "skiptoken", "count":
			q["$"+low] = v
		default:
			q[k] = v
		}
	}
	for _, x := range odata.SplitExpand(q.Get("$expand")) {
		if x.Name != "fields" {
			continue
		}
		expand = true
		for _, opt := range strings.Split(x.Options, ";") {
			k, v, _ := strings.Cut(opt, "=")
			if strings.EqualFold(strings.TrimPrefix(strings.TrimSpace(k), "$"), "select") {
				for _, f := range strings.Split(v, ",") {
					if f = strings.TrimSpace(f); f != "" {
						sel = append(sel, f)
					}
				}
			}
		}
	}
	return q, expand, sel
}

// honorNonIndexed is the Prefer token that lets a query filter or sort on
// columns that are not indexed.
const honorNonIndexed = "HonorNonIndexedQueriesWarningMayFailRandomly"

// checkIndexed refuses a $filter or $orderby on a field whose column is not
// indexed unless the request prefers honorNonIndexed, as SharePoint does.
func checkIndexed(r *http.Request, l *list, q *odata.Query) *graphkit.Error {
	if _, ok := graphkit.Prefer(r)[strings.ToLower(honorNonIndexed)]; ok {
		return nil
	}
	var paths []string
	if q.Filter != nil {
		paths = odata.FilterPaths(q.Filter)
	}
	for _, k := range q.OrderBy {
		paths = append(paths, strings.Join(k.Path, "/"))
	}
	for _, p := range paths {
		name, ok := strings.CutPrefix(p, "fields/")
		if !ok {
			continue
		}
		name, _, _ = strings.Cut(name, "/")
		if strings.EqualFold(name, "id") {
			continue // the item id is always indexed
		}
		col := l.column(strings.TrimSuffix(name, "LookupId"))
		if col != nil && col.Indexed {
			continue
		}
		return graphkit.Err(400, "invalidRequest", "Field '"+name+"' cannot be referenced in filter or orderby as it is not indexed. "+
			"Provide the 'Prefer: "+honorNonIndexed+"' header to allow this, but be warned that such queries may fail on large lists.")
	}
	return nil
}

// sortedItems are l's items in id order; the caller holds the lock.
func (s *Workload) sortedItems(l *list) []*listItem {
	var out []*listItem
	for _, it := range s.items[l.ID] {
		out = append(out, it)
	}
	slices.SortFunc(out, func(a, b *listItem) int {
		x, _ := strconv.Atoi(a.ID)
		y, _ := strconv.Atoi(b.ID)
		return x - y
	})
	return out
}

// listItems serves GET .../items: $filter and $orderby on fields (indexed
// columns, or with Prefer: HonorNonIndexedQueriesWarningMayFailRandomly),
// $expand=fields($select=...), pages with $skiptoken.
func (s *Workload) listItems(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site, l *list) {
	vals, expand, sel := itemQuery(r)
	r = withQuery(r, vals)
	q, err := odata.Parse(vals, itemType, itemLimits)
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	if ge := checkIndexed(r, l, q); ge != nil {
		s.Fail(w, r, ge)
		return
	}
	top, skip, ok := s.Paging(w, r, itemLimits.DefaultTop, itemLimits.MaxTop)
	if !ok {
		return
	}
	items := s.sortedItems(l)
	objs := make([]map[string]any, len(items))
	for i, it := range items {
		objs[i] = s.itemObject(l, it)
	}
	idx, total := (&odata.Query{Filter: q.Filter, OrderBy: q.OrderBy}).Apply(objs, nil)
	page := make([]any, 0, top)
	for _, i := range idx[min(skip, total):min(skip+top, total)] {
		o := objs[i]
		delete(o, "fields")
		if expand {
			o["fields"] = fieldsObject(l, items[i], sel)
		}
		page = append(page, q.Project(graphkit.NewItem(o).Raw(), itemType))
	}
	count := -1
	if q.Count {
		count = total
	}
	ctx := "#sites('" + st.ID + "')/lists('" + l.ID + "')/items"
	if len(q.Select) > 0 {
		ctx += "(" + strings.Join(q.Select, ",") + ")"
	}
	s.WritePageStyle(w, r, graphkit.TokenPages, ctx, page, top, skip, total, count)
}

// withQuery returns r with the query vals.
func withQuery(r *http.Request, vals url.Values) *http.Request {
	r2 := r.Clone(r.Context())
	r2.URL.RawQuery = vals.Encode()
	return r2
}

// itemHandler serves a route of item it of list l; the caller holds the lock.
type itemHandler func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site, l *list, it *listItem)

// onItem resolves {iid} in the list onList resolved.
func (s *Workload) onItem(h itemHandler) http.HandlerFunc {
	return s.onList(func(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site, l *list) {
		it := s.items[l.ID][r.PathValue("iid")]
		if it == nil {
			s.Fail(w, r, errNoItem)
			return
		}
		h(w, r, c, st, l, it)
	})
}

// writeItem answers one item, with its fields when expanded (and always
// after a create, as Graph does).
func (s *Workload) writeItem(w http.ResponseWriter, r *http.Request, status int, st *site, l *list, it *listItem) {
	vals, expand, sel := itemQuery(r)
	o := s.itemObject(l, it)
	if expand || status == http.StatusCreated {
		o["fields"] = fieldsObject(l, it, sel)
	} else {
		delete(o, "fields")
	}
	obj := graphkit.NewItem(o)
	if _, ok := o["fields"]; ok {
		vals.Set("$expand", "fields")
	}
	s.WriteEntity(w, withQuery(r, vals), status, obj, itemType, "#sites('"+st.ID+"')/lists('"+l.ID+"')/items/$entity")
}

func (s *Workload) getItem(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site, l *list, it *listItem) {
	s.writeItem(w, r, http.StatusOK, st, l, it)
}

func (s *Workload) getFields(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site, l *list, it *listItem) {
	s.writeFields(w, r, http.StatusOK, st, l, it)
}

func (s *Workload) writeFields(w http.ResponseWriter, r *http.Request, status int, st *site, l *list, it *listItem) {
	f := fieldsObject(l, it, nil)
	f["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata#sites('" + st.ID + "')/lists('" + l.ID + "')/items('" + it.ID + "')/fields/$entity"
	s.WriteStatus(w, r, status, f)
}

// caller is the user a write is made by ("" for an app).
func caller(c *graphkit.Claims) string {
	if c.IsApp() {
		return ""
	}
	return c.Oid
}

// createItem serves POST .../items with {"fields": {...}}.
func (s *Workload) createItem(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site, l *list) {
	if l.library() {
		s.Fail(w, r, graphkit.Err(400, "invalidRequest", "Files are added to a document library through its drive (/sites/{site-id}/lists/{list-id}/drive), not as list items."))
		return
	}
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	fields := body["fields"]
	delete(body, "fields")
	if _, ge := schema.Check("listItem", body, schema.Create); ge != nil {
		s.Fail(w, r, ge)
		return
	}
	var in map[string]json.RawMessage
	if len(fields) > 0 && string(fields) != "null" {
		if err := json.Unmarshal(fields, &in); err != nil || in == nil {
			s.Fail(w, r, graphkit.Err(400, "RequestBodyRead", "Cannot convert the literal '"+string(fields)+"' to the expected type 'microsoft.graph.fieldValueSet'."))
			return
		}
	}
	now := s.Now().UTC()
	it := &listItem{List: l.ID, Fields: map[string]any{}, Created: now, Modified: now, By: caller(c), ModBy: caller(c), Version: 1}
	if ge := setFields(l, it, in); ge != nil {
		s.Fail(w, r, ge)
		return
	}
	for _, col := range l.Columns {
		if col.Required && it.Fields[fieldName(col)] == nil {
			s.Fail(w, r, graphkit.Err(400, "invalidRequest", "Field '"+col.Name+"' is required."))
			return
		}
	}
	l.NextItem++
	it.ID = itoa(l.NextItem)
	s.items[l.ID][it.ID] = it
	graphkit.Touch(r, Name, listKey(l))
	graphkit.Touch(r, Name, itemKey(l.ID, it.ID))
	s.writeItem(w, r, http.StatusCreated, st, l, it)
}

// updateFields serves PATCH .../items/{id}/fields: the fields given change,
// and the answer is every field.
func (s *Workload) updateFields(w http.ResponseWriter, r *http.Request, c *graphkit.Claims, st *site, l *list, it *listItem) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	if !graphkit.IfMatch(r, it.eTag()) {
		s.Fail(w, r, errModified)
		return
	}
	next := *it
	next.Fields = map[string]any{}
	for k, v := range it.Fields {
		next.Fields[k] = v
	}
	if ge := setFields(l, &next, body); ge != nil {
		s.Fail(w, r, ge)
		return
	}
	next.Version++
	next.Modified, next.ModBy = s.Now().UTC(), caller(c)
	*it = next
	graphkit.Touch(r, Name, itemKey(l.ID, it.ID))
	s.writeFields(w, r, http.StatusOK, st, l, it)
}

func (s *Workload) deleteItem(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, _ *site, l *list, it *listItem) {
	if !graphkit.IfMatch(r, it.eTag()) {
		s.Fail(w, r, errModified)
		return
	}
	delete(s.items[l.ID], it.ID)
	graphkit.Touch(r, Name, itemKey(l.ID, it.ID))
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// fieldName is the field a column's value is under: a person column's is
// "<Name>LookupId".
func fieldName(c *column) string {
	if c.Kind == "personOrGroup" {
		return c.Name + "LookupId"
	}
	return c.Name
}

// setFields sets the fields in to it, each checked against its column's
// type; null clears a field.
func setFields(l *list, it *listItem, in map[string]json.RawMessage) *graphkit.Error {
	names := make([]string, 0, len(in))
	for k := range in {
		names = append(names, k)
	}
	slices.Sort(names)
	for _, k := range names {
		if strings.HasPrefix(k, "@odata.") {
			continue
		}
		col := l.column(k)
		if col == nil || fieldName(col) != col.Name {
			if base, ok := strings.CutSuffix(k, "LookupId"); ok {
				if c := l.column(base); c != nil && c.Kind == "personOrGroup" {
					col = c
				}
			}
		}
		if col == nil || !strings.EqualFold(fieldName(col), k) {
			return graphkit.Err(400, "invalidRequest", "Field '"+k+"' is not recognized")
		}
		if col.ReadOnly {
			return graphkit.Err(400, "invalidRequest", "Field '"+k+"' is read-only")
		}
		raw := in[k]
		if string(raw) == "null" {
			delete(it.Fields, fieldName(col))
			continue
		}
		v, ge := fieldValue(col, raw)
		if ge != nil {
			return ge
		}
		it.Fields[fieldName(col)] = v
	}
	return nil
}

// fieldValue reads a column's value: a string for text and choice, a
// number, a boolean, a date-time (kept as UTC), a user's lookup id.
func fieldValue(col *column, raw json.RawMessage) (any, *graphkit.Error) {
	var v any
	_ = json.Unmarshal(raw, &v)
	bad := func(edm string) *graphkit.Error {
		return graphkit.Err(400, "RequestBodyRead", "Cannot convert the literal '"+string(raw)+"' to the expected type '"+edm+"' of field '"+col.Name+"'.")
	}
	switch col.Kind {
	case "number", "currency":
		if n, ok := v.(float64); ok {
			return n, nil
		}
		return nil, bad("Edm.Double")
	case "boolean":
		if b, ok := v.(bool); ok {
			return b, nil
		}
		return nil, bad("Edm.Boolean")
	case "dateTime":
		s, _ := v.(string)
		t, err := time.Parse(time.RFC3339, s)
		if err != nil {
			if t, err = time.Parse("2006-01-02", s); err != nil {
				return nil, bad("Edm.DateTimeOffset")
			}
		}
		return stamp(t), nil
	case "personOrGroup":
		s, ok := v.(string)
		if n, isNum := v.(float64); isNum {
			s, ok = strconv.Itoa(int(n)), true
		}
		if !ok || userByLookupID(s) == nil {
			return nil, graphkit.Err(400, "invalidRequest", "Field '"+col.Name+"LookupId' names no user of the site: give a user's lookup id (as AuthorLookupId shows).")
		}
		return s, nil
	}
	if s, ok := v.(string); ok {
		return s, nil
	}
	return nil, bad("Edm.String")
}
