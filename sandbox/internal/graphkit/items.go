package graphkit

import (
	"encoding/json"
	"net/http"
	"net/url"
	"sort"
	"strings"

	"bytes"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Item is an Outlook item (event, calendar, contact, folder) as Graph's
// JSON, built when it is first needed: a listing renders only the items of
// its page unless $filter or $orderby has to look at every one. Obj is what
// $filter and $orderby see; Raw holds the members as json.RawMessage, written
// out as they are, so nested objects keep Graph's member order.
type Item struct{ st *itemState }

type itemState struct {
	mk   func() Item // LazyItem's maker
	v    func() any
	data []byte
	obj  map[string]any
	raw  map[string]any
	sets []member // Set's members, laid over the encoding
}

type member struct {
	name string
	raw  json.RawMessage
}

// NewItem is the item v encodes to. v is encoded now, so the item can be
// rendered after the caller let go of the lock guarding what v refers to.
func NewItem(v any) Item {
	data, _ := odata.Marshal(v)
	return Item{&itemState{data: data}}
}

// ItemFunc is the item v() encodes to; v runs only if the item is rendered,
// so a listing renders only its page: render with ListPage under the lock
// guarding what v reads.
func ItemFunc(v func() any) Item { return Item{&itemState{v: v}} }

// LazyItem is the item mk makes, made only if the item is rendered (see
// ItemFunc).
func LazyItem(mk func() Item) Item { return Item{&itemState{mk: mk}} }

func (it Item) json() []byte {
	if it.st.data == nil {
		if it.st.mk != nil {
			inner := it.st.mk()
			it.st.data = inner.json()
			it.st.sets = append(inner.st.sets, it.st.sets...)
		} else {
			it.st.data, _ = odata.Marshal(it.st.v())
		}
	}
	return it.st.data
}

// Obj is the item decoded, for $filter and $orderby.
func (it Item) Obj() map[string]any {
	if it.st.obj == nil {
		_ = json.Unmarshal(it.json(), &it.st.obj)
		for _, m := range it.st.sets {
			it.st.obj[m.name] = decoded(m.raw)
		}
	}
	return it.st.obj
}

// Raw is the item's members, each as its JSON text.
func (it Item) Raw() map[string]any {
	if it.st.raw == nil {
		it.st.raw, _ = odata.Members(it.json())
		for _, m := range it.st.sets {
			it.st.raw[m.name] = m.raw
		}
	}
	return it.st.raw
}

// Set sets member k of the item to v (an $expand's answer, say); an item not
// rendered yet takes it when it is.
func (it Item) Set(k string, v any) {
	b, _ := odata.Marshal(v)
	it.st.sets = append(it.st.sets, member{k, b})
	if it.st.raw != nil {
		it.st.raw[k] = json.RawMessage(b)
	}
	if it.st.obj != nil {
		it.st.obj[k] = decoded(b)
	}
}

func decoded(b []byte) any {
	var d any
	_ = json.Unmarshal(b, &d)
	return d
}

// WriteList answers a collection: list filtered, sorted and paged by the
// request's OData options for type t, with the members $select asks for;
// hdr (when not nil) sets headers first. Like Graph's Outlook items, the
// collection has no $search. WriteList renders the items after the caller
// let go of its lock: items from NewItem hold their encoding already;
// ItemFunc items need ListPage under the lock.
func (s *Kit) WriteList(w http.ResponseWriter, r *http.Request, ctx string, list []Item, t *odata.Type,
	lim odata.Limits, hdr func(http.Header)) {
	s.WriteListPage(w, r, ListPage(r, ctx, list, t, lim), hdr)
}

// Page is a rendered collection page (or the error the request gets).
type Page struct {
	body json.RawMessage
	err  *Error
}

// ListPage renders the page of list the request asks for (see WriteList).
// Without $filter and $orderby the list is paged in its own order and only
// the page's items are rendered, so the page costs the same however long the
// list; a workload calls it under its lock when its items are ItemFuncs.
func ListPage(r *http.Request, ctx string, list []Item, t *odata.Type, lim odata.Limits) Page {
	return ListPageStyle(r, SkipPages, ctx, list, t, lim)
}

// ListPageStyle is ListPage for a collection that continues in style: with
// TokenPages (drives, the directory) a $skiptoken of an earlier page says
// where the page starts.
func ListPageStyle(r *http.Request, style PageStyle, ctx string, list []Item, t *odata.Type, lim odata.Limits) Page {
	q, err := odata.Parse(r.URL.Query(), t, lim)
	if err == nil && q.Search != nil {
		err = &odata.Error{Code: "BadRequest", Message: "Search is not supported on '" + t.Name + "' collections."}
	}
	if err != nil {
		return Page{err: QueryError(err)}
	}
	if v := r.URL.Query().Get("$skiptoken"); v != "" && style == TokenPages {
		n, ok := decodeSkipToken(v)
		if !ok {
			return Page{err: BadRequest("The $skiptoken '" + v + "' is not valid: use the @odata.nextLink of the previous page as it is.")}
		}
		q.Skip += n
	}
	var idx []int
	total := len(list)
	if q.Filter == nil && len(q.OrderBy) == 0 {
		lo, hi := min(q.Skip, total), total
		if q.Top > 0 {
			hi = min(lo+q.Top, total)
		}
		for i := lo; i < hi; i++ {
			idx = append(idx, i)
		}
	} else {
		objs := make([]map[string]any, len(list))
		for i, it := range list {
			objs[i] = it.Obj()
		}
		idx, total = q.Apply(objs, nil)
	}
	items := make([]any, 0, len(idx))
	for _, i := range idx {
		items = append(items, q.Project(list[i].Raw(), t))
	}
	if len(q.Select) > 0 {
		ctx += "(" + strings.Join(q.Select, ",") + ")"
	}
	count, top := -1, q.Top
	if q.Count {
		count = total
	}
	if top <= 0 {
		top = total // no $top: the whole collection in one page
	}
	var b bytes.Buffer // kept until the page is written, so not one of pageBuffers
	if err := writePage(&b, r, style, ctx, items, top, q.Skip, total, count); err != nil {
		return Page{err: Err(500, "generalException", "Serialization failed.")}
	}
	return Page{body: b.Bytes()}
}

// WriteListPage writes a page ListPage rendered; hdr (when not nil) sets
// headers first.
func (s *Kit) WriteListPage(w http.ResponseWriter, r *http.Request, p Page, hdr func(http.Header)) {
	if p.err != nil {
		s.Fail(w, r, p.err)
		return
	}
	if hdr != nil {
		hdr(w.Header())
	}
	s.WriteStatus(w, r, http.StatusOK, p.body)
}

// WriteEntity answers one item of type t with its context and the members
// $select asks for, and those $expand asks for (the handler has set them).
func (s *Kit) WriteEntity(w http.ResponseWriter, r *http.Request, status int, it Item, t *odata.Type, ctx string) {
	q, err := odata.Parse(url.Values{"$select": r.URL.Query()["$select"], "$expand": r.URL.Query()["$expand"]}, t, odata.Limits{})
	if err != nil {
		s.Fail(w, r, QueryError(err))
		return
	}
	out := q.Project(it.Raw(), t)
	out.Keys = append([]string{"@odata.context"}, out.Keys...)
	out.Vals["@odata.context"] = BaseURL(r) + "/v1.0/$metadata" + ctx
	s.WriteStatus(w, r, status, out)
}

// EncodeQuery encodes a query in sorted order with "$" left as it is, as
// Graph writes @odata.nextLink.
func EncodeQuery(v url.Values) string {
	keys := make([]string, 0, len(v))
	for k := range v {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	var parts []string
	for _, k := range keys {
		for _, val := range v[k] {
			parts = append(parts, strings.ReplaceAll(url.QueryEscape(k), "%24", "$")+"="+url.QueryEscape(val))
		}
	}
	return strings.Join(parts, "&")
}

// ItemContext is the @odata.context fragment of an Outlook item path below
// the user: "#users('id')/calendars('c')/events", with "/$entity" for one
// item (entity, or a path that ends in a key).
func ItemContext(r *http.Request, u *User, entity bool) string {
	p := r.URL.Path
	if rest, ok := strings.CutPrefix(p, "/v1.0/me"); ok {
		p = rest
	} else {
		p = strings.TrimPrefix(p, "/v1.0/users/")
		_, p, _ = strings.Cut(p, "/")
		p = "/" + p
	}
	segs := strings.Split(strings.Trim(p, "/"), "/")
	out := "#users('" + u.ID + "')"
	for i := 0; i < len(segs); i++ {
		seg := segs[i]
		switch seg {
		case "calendars", "events", "contacts", "contactFolders", "childFolders", "lists", "tasks", "checklistItems", "linkedResources":
			if i+1 == len(segs)-1 {
				return out + "/" + seg + "/$entity"
			}
			if i+1 < len(segs) {
				out += "/" + seg + "('" + segs[i+1] + "')"
				i++
				continue
			}
		}
		out += "/" + seg
	}
	if entity {
		out += "/$entity"
	}
	return out
}

// OwnerHandler serves a route for the data of user u.
type OwnerHandler func(w http.ResponseWriter, r *http.Request, u *User)

// Owner lets delegated tokens reach only their own user's data and app-only
// tokens anyone's, both with a permission that grants the request
// (Permitted).
func (s *Kit) Owner(h OwnerHandler) UserHandler {
	return func(w http.ResponseWriter, r *http.Request, c *Claims, u *User, self bool) {
		if !(c.IsApp() || self) || !Permitted(r, c) {
			s.WriteError(w, r, 403, "ErrorAccessDenied", "Access is denied. Check credentials and try again.")
			return
		}
		if s.Unlicensed(w, r, u) {
			return
		}
		h(w, r, u)
	}
}

// Unlicensed answers Graph's 404 for the mailbox (or OneDrive) of a user
// without a license (directory.User.Unlicensed) and reports true; a
// workload has no data for such a user.
func (s *Kit) Unlicensed(w http.ResponseWriter, r *http.Request, u *User) bool {
	if !u.Unlicensed {
		return false
	}
	if strings.Contains(strings.ToLower(r.URL.Path), "/drive") {
		s.WriteError(w, r, 404, "ResourceNotFound", "User's mysite not found.")
	} else {
		s.WriteError(w, r, 404, "MailboxNotEnabledForRESTAPI", "The mailbox is either inactive, soft-deleted, or is hosted on-premise.")
	}
	return true
}

// HandleOwned registers h for method on /v1.0/me+suffix and
// /v1.0/users/{id}+suffix, behind Auth and Owner.
func (s *Kit) HandleOwned(m *Mux, method, suffix string, h OwnerHandler) {
	m.HandleFunc(method+" /v1.0/me"+suffix, s.Auth(s.Me(s.Owner(h))))
	m.HandleFunc(method+" /v1.0/users/{id}"+suffix, s.Auth(s.Other(s.Owner(h))))
}
