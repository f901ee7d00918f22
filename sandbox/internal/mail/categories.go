package mail

import (
	"encoding/json"
	"net/http"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// The master list of Outlook categories: list, create (a name not taken,
// a preset colour), get, update (the colour: a category's name cannot
// change) and delete.

func categoryObject(r *http.Request, u *user, c *category, entity bool) map[string]any {
	out := map[string]any{"id": c.ID, "displayName": c.DisplayName, "color": c.Color}
	if entity {
		out["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata" + userCtx(u) + "/outlook/masterCategories/$entity"
	}
	return out
}

func (o *outlookSettings) category(id string) (int, *category) {
	for i, c := range o.Categories {
		if strings.EqualFold(c.ID, id) {
			return i, c
		}
	}
	return -1, nil
}

func (s *Workload) categoryList(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		list := []any{}
		for _, c := range mb.outlook().Categories {
			list = append(list, categoryObject(r, u, c, false))
		}
		return 200, map[string]any{"@odata.context": graphkit.BaseURL(r) + "/v1.0/$metadata" + userCtx(u) + "/outlook/masterCategories", "value": list}, nil
	})
}

func (s *Workload) categoryGet(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		_, c := mb.outlook().category(r.PathValue("catid"))
		if c == nil {
			return 0, nil, graphkit.ErrItemNotFound
		}
		return 200, categoryObject(r, u, c, true), nil
	})
}

// readCategory reads a category's create or update body.
func readCategory(w http.ResponseWriter, r *http.Request, op schema.Op) (name, color *string, ge *graphkit.Error) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		if _, ok := body["displayName"]; ok && op == schema.Update {
			return nil, nil, graphkit.Err(400, "ErrorInvalidPropertySet", "The displayName of a category cannot be changed: create a new category.")
		}
		body, ge = schema.Check("outlookCategory", body, op)
	}
	if ge != nil {
		return nil, nil, ge
	}
	for k, p := range map[string]**string{"displayName": &name, "color": &color} {
		if v, ok := body[k]; ok && string(v) != "null" {
			var str string
			_ = json.Unmarshal(v, &str)
			*p = &str
		}
	}
	return name, color, nil
}

func (s *Workload) categoryCreate(w http.ResponseWriter, r *http.Request, u *user) {
	name, color, ge := readCategory(w, r, schema.Create)
	if ge == nil && (name == nil || strings.TrimSpace(*name) == "") {
		ge = graphkit.Err(400, "ErrorInvalidParameter", "A category needs a displayName.")
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		o := mb.outlook()
		for _, c := range o.Categories {
			if strings.EqualFold(c.DisplayName, *name) {
				return 0, nil, graphkit.Err(409, "ErrorItemAlreadyExists", "A category with the name '"+*name+"' already exists.")
			}
		}
		c := &category{ID: categoryID(mb.owner.ID, o.Next), DisplayName: *name, Color: "none"}
		if color != nil {
			c.Color = *color
		}
		o.Next++
		o.Categories = append(o.Categories, c)
		st.settingsChanged(mb)
		return 201, categoryObject(r, u, c, true), nil
	})
}

func (s *Workload) categoryPatch(w http.ResponseWriter, r *http.Request, u *user) {
	_, color, ge := readCategory(w, r, schema.Update)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		_, c := mb.outlook().category(r.PathValue("catid"))
		if c == nil {
			return 0, nil, graphkit.ErrItemNotFound
		}
		if color != nil {
			c.Color = *color
			st.settingsChanged(mb)
		}
		return 200, categoryObject(r, u, c, true), nil
	})
}

func (s *Workload) categoryDelete(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		o := mb.outlook()
		i, _ := o.category(r.PathValue("catid"))
		if i < 0 {
			return 0, nil, graphkit.ErrItemNotFound
		}
		o.Categories = append(o.Categories[:i:i], o.Categories[i+1:]...)
		st.settingsChanged(mb)
		return 204, nil, nil
	})
}
