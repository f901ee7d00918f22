package msgraph

import (
	"context"
	"iter"
	"net/http"
	"strings"
	"time"
)

// SitesService is SharePoint sites and lists (O365's Sharepoint,
// SharepointList and SharepointListItem). A site's files are a drive
// ([SiteDrive]).
type SitesService service

// Site is a SharePoint site. Its ID has the form "{hostname},{site-id},{web-id}".
type Site struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name,omitempty"`
	DisplayName          string    `json:"displayName,omitempty"`
	Description          string    `json:"description,omitempty"`
	WebURL               string    `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
}

// List is a SharePoint list.
type List struct {
	ID                   string    `json:"id,omitempty"`
	Name                 string    `json:"name,omitempty"`
	DisplayName          string    `json:"displayName,omitempty"`
	Description          string    `json:"description,omitempty"`
	WebURL               string    `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	List                 struct {
		// Template is "genericList", "documentLibrary", ….
		Template string `json:"template,omitempty"`
		Hidden   bool   `json:"hidden,omitempty"`
	} `json:"list,omitzero"`
}

// ListItem is an item of a SharePoint list; Fields holds its columns by
// internal name (returned when the list call expands fields, as ListItems does).
type ListItem struct {
	ID                   string         `json:"id,omitempty"`
	ETag                 string         `json:"eTag,omitempty"`
	WebURL               string         `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time      `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time      `json:"lastModifiedDateTime,omitzero"`
	CreatedBy            IdentitySet    `json:"createdBy,omitzero"`
	LastModifiedBy       IdentitySet    `json:"lastModifiedBy,omitzero"`
	Fields               map[string]any `json:"fields,omitempty"`
}

func sitePath(site string) string { return "sites/" + escapeSegment(site) }

func listPath(site, list string) string { return sitePath(site) + "/lists/" + escapeSegment(list) }

// GetSite returns a site by id ("root" for the tenant's root site).
//
// Graph docs: https://learn.microsoft.com/graph/api/site-get
//
//meta:operation GET /sites/{id}
func (s *SitesService) GetSite(ctx context.Context, site string) (*Site, *Response, error) {
	return getOne[Site](ctx, s.client, sitePath(site))
}

// GetSiteByPath returns a site by host name and server-relative path:
// ("contoso.sharepoint.com", "/sites/marketing").
//
// Graph docs: https://learn.microsoft.com/graph/api/site-getbypath
//
//meta:operation GET /sites/{hostname}:/{path}
func (s *SitesService) GetSiteByPath(ctx context.Context, hostname, path string) (*Site, *Response, error) {
	segs := strings.Split(strings.Trim(path, "/"), "/")
	for i, seg := range segs {
		segs[i] = escapeSegment(seg)
	}
	return getOne[Site](ctx, s.client, "sites/"+escapeSegment(hostname)+":/"+strings.Join(segs, "/"))
}

// Search returns the first page of the sites matching text.
//
// Graph docs: https://learn.microsoft.com/graph/api/site-search
//
//meta:operation GET /sites?search={text}
func (s *SitesService) Search(ctx context.Context, text string) ([]*Site, *Response, error) {
	var q query
	q.add("search", text)
	return getPage[Site](ctx, s.client, q.on("sites"), nil)
}

// ListLists returns a site's lists.
//
// Graph docs: https://learn.microsoft.com/graph/api/list-list
//
//meta:operation GET /sites/{id}/lists
func (s *SitesService) ListLists(ctx context.Context, site string) ([]*List, *Response, error) {
	return getPage[List](ctx, s.client, sitePath(site)+"/lists", nil)
}

// GetList returns a list by id or display name.
//
// Graph docs: https://learn.microsoft.com/graph/api/list-get
//
//meta:operation GET /sites/{id}/lists/{id}
func (s *SitesService) GetList(ctx context.Context, site, list string) (*List, *Response, error) {
	return getOne[List](ctx, s.client, listPath(site, list))
}

// itemsURL lists items with their fields expanded (unless opts says what to expand).
func itemsURL(path string, opts *ListOptions) string {
	o := derefOptions(opts)
	if len(o.Expand) == 0 {
		o.Expand = []string{"fields"}
	}
	var q query
	q.list(&o)
	return q.on(path)
}

func derefOptions(o *ListOptions) ListOptions {
	if o == nil {
		return ListOptions{}
	}
	return *o
}

// ListItems returns the first page of a list's items with their fields.
// Filtering on fields needs the column indexed, or the header
// Prefer: HonorNonIndexedQueriesWarningMayFailRandomly.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-list
//
//meta:operation GET /sites/{id}/lists/{id}/items
func (s *SitesService) ListItems(ctx context.Context, site, list string, opts *ListOptions) ([]*ListItem, *Response, error) {
	return getPage[ListItem](ctx, s.client, itemsURL(listPath(site, list)+"/items", opts), nil)
}

// ListItemsIter iterates over all of a list's items.
func (s *SitesService) ListItemsIter(ctx context.Context, site, list string, opts *ListOptions) iter.Seq2[*ListItem, error] {
	return all[ListItem](ctx, s.client, itemsURL(listPath(site, list)+"/items", opts), nil)
}

// GetItem returns a list item with its fields.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-get
//
//meta:operation GET /sites/{id}/lists/{id}/items/{id}
func (s *SitesService) GetItem(ctx context.Context, site, list, id string) (*ListItem, *Response, error) {
	return getOne[ListItem](ctx, s.client, listPath(site, list)+"/items/"+escapeSegment(id)+"?$expand=fields")
}

// CreateItem adds an item with the given fields (by internal column name).
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-create
//
//meta:operation POST /sites/{id}/lists/{id}/items
func (s *SitesService) CreateItem(ctx context.Context, site, list string, fields map[string]any) (*ListItem, *Response, error) {
	return doJSON[ListItem](ctx, s.client, http.MethodPost, listPath(site, list)+"/items", &ListItem{Fields: fields}, nil)
}

// UpdateItemFields changes some fields of an item and returns all its fields.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-update
//
//meta:operation PATCH /sites/{id}/lists/{id}/items/{id}/fields
func (s *SitesService) UpdateItemFields(ctx context.Context, site, list, id string, fields map[string]any) (map[string]any, *Response, error) {
	out, resp, err := doJSON[map[string]any](ctx, s.client, http.MethodPatch,
		listPath(site, list)+"/items/"+escapeSegment(id)+"/fields", fields, nil)
	if err != nil {
		return nil, resp, err
	}
	return *out, resp, nil
}

// DeleteItem deletes a list item.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-delete
//
//meta:operation DELETE /sites/{id}/lists/{id}/items/{id}
func (s *SitesService) DeleteItem(ctx context.Context, site, list, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, listPath(site, list)+"/items/"+escapeSegment(id), nil)
}
