package sites

import (
	"encoding/json"
	"maps"
	"net/http"
	"slices"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

func (s *Workload) listColumns(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site, l *list) {
	items := make([]graphkit.Item, len(l.Columns))
	for i, c := range l.Columns {
		items[i] = graphkit.NewItem(columnObject(c))
	}
	ctx := "#sites('" + st.ID + "')/lists('" + l.ID + "')/columns"
	s.WriteListPage(w, r, graphkit.ListPageStyle(r, graphkit.TokenPages, ctx, items, columnType, siteLimits), nil)
}

// columnHandler serves a route of column col of list l; the caller holds
// the lock.
type columnHandler func(w http.ResponseWriter, r *http.Request, st *site, l *list, col *column)

// onColumn resolves {cid} (an id or a name) in the list onList resolved.
func (s *Workload) onColumn(h columnHandler) http.HandlerFunc {
	return s.onList(func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site, l *list) {
		i := slices.IndexFunc(l.Columns, func(c *column) bool {
			return strings.EqualFold(c.ID, r.PathValue("cid")) || strings.EqualFold(c.Name, r.PathValue("cid"))
		})
		if i < 0 {
			s.Fail(w, r, graphkit.Err(404, "itemNotFound", "The specified column was not found"))
			return
		}
		h(w, r, st, l, l.Columns[i])
	})
}

func (s *Workload) writeColumn(w http.ResponseWriter, r *http.Request, status int, st *site, l *list, col *column) {
	s.WriteEntity(w, r, status, graphkit.NewItem(columnObject(col)), columnType, "#sites('"+st.ID+"')/lists('"+l.ID+"')/columns/$entity")
}

func (s *Workload) getColumn(w http.ResponseWriter, r *http.Request, st *site, l *list, col *column) {
	s.writeColumn(w, r, http.StatusOK, st, l, col)
}

// updateColumn serves PATCH .../columns/{id}: its display name,
// description and flags (indexed, required, hidden, enforceUniqueValues);
// its name and type stay.
func (s *Workload) updateColumn(w http.ResponseWriter, r *http.Request, st *site, l *list, col *column) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	for k := range body {
		if k == "name" || slices.Contains(columnKinds, k) {
			s.Fail(w, r, graphkit.Err(400, "invalidRequest", "A column's "+k+" cannot be changed: make a new column instead."))
			return
		}
	}
	next := *col
	if _, ge := schema.Apply("columnDefinition", &next, body, schema.Update, columnSetters); ge != nil {
		s.Fail(w, r, ge)
		return
	}
	*col = next
	l.Version++
	l.Modified = s.Now().UTC()
	graphkit.Touch(r, Name, listKey(l))
	s.writeColumn(w, r, http.StatusOK, st, l, col)
}

// deleteColumn serves DELETE .../columns/{id}: the column and its values
// in every item go; SharePoint's own columns stay.
func (s *Workload) deleteColumn(w http.ResponseWriter, r *http.Request, _ *site, l *list, col *column) {
	if col.System {
		s.Fail(w, r, graphkit.Err(403, "accessDenied", "The column '"+col.Name+"' is SharePoint's own: it cannot be deleted."))
		return
	}
	for _, it := range s.items[l.ID] {
		if _, ok := it.Fields[fieldName(col)]; ok {
			delete(it.Fields, fieldName(col))
			graphkit.Touch(r, Name, itemKey(l.ID, it.ID))
		}
	}
	l.Columns = slices.DeleteFunc(l.Columns, func(c *column) bool { return c == col })
	l.Version++
	l.Modified = s.Now().UTC()
	graphkit.Touch(r, Name, listKey(l))
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

func (s *Workload) createColumn(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, st *site, l *list) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	raw, _ := json.Marshal(body)
	col, ge := readColumn(l, raw)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	l.Columns = append(l.Columns, col)
	l.Version++
	l.Modified = s.Now().UTC()
	graphkit.Touch(r, Name, listKey(l))
	s.writeColumn(w, r, http.StatusCreated, st, l, col)
}

// columnSetters set a column's properties that an update may change.
var columnSetters = schema.Setters[*column]{
	"displayName":         func(c *column, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &c.DisplayName) },
	"description":         func(c *column, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &c.Description) },
	"indexed":             func(c *column, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &c.Indexed) },
	"required":            func(c *column, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &c.Required) },
	"hidden":              func(c *column, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &c.Hidden) },
	"enforceUniqueValues": func(c *column, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &c.Unique) },
}

// readColumn reads a columnDefinition for l: a name not yet used and at
// most one type facet (text when none).
func readColumn(l *list, raw json.RawMessage) (*column, *graphkit.Error) {
	var body map[string]json.RawMessage
	if err := json.Unmarshal(raw, &body); err != nil || body == nil {
		return nil, graphkit.Err(400, "invalidRequest", "A column is a JSON object.")
	}
	col := &column{ID: ids.GUID(), Kind: "text", Facet: json.RawMessage(`{}`)}
	kinds := 0
	set := schema.Setters[*column]{
		"name": func(c *column, raw json.RawMessage) *graphkit.Error { return unmarshal(raw, &c.Name) },
	}
	maps.Copy(set, columnSetters)
	for _, k := range columnKinds {
		set[k] = func(c *column, raw json.RawMessage) *graphkit.Error {
			if string(raw) == "null" {
				return nil
			}
			kinds++
			c.Kind, c.Facet = k, raw
			return nil
		}
	}
	if _, ge := schema.Apply("columnDefinition", col, body, schema.Create, set); ge != nil {
		return nil, ge
	}
	switch {
	case col.Name == "" || strings.ContainsAny(col.Name, " /\\:?#%"):
		return nil, graphkit.Err(400, "invalidRequest", "A column needs a name of letters, digits and underscores (its displayName may hold spaces).")
	case kinds > 1:
		return nil, graphkit.Err(400, "invalidRequest", "A column has one type: give only one of "+strings.Join(columnKinds, ", ")+".")
	case l.column(col.Name) != nil:
		return nil, graphkit.Err(409, "nameAlreadyExists", `A duplicate field name "`+col.Name+`" was found.`)
	}
	if col.DisplayName == "" {
		col.DisplayName = col.Name
	}
	return col, nil
}
