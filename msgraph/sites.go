package msgraph

import (
	"context"
	"iter"
	"net/http"
	"strings"
)

// SitesService is SharePoint sites and lists (O365's Sharepoint,
// SharepointList and SharepointListItem). A site's files are a drive
// ([SiteDrive]).
type SitesService service

func sitePath(site string) string { return "sites/" + escapeSegment(site) }

func listPath(site, list string) string { return sitePath(site) + "/lists/" + escapeSegment(list) }

func itemPath(site, list, id string) string {
	return listPath(site, list) + "/items/" + escapeSegment(id)
}

// ListDrive is a document library's drive, by its site and its list (id or
// display name); SiteDrive is the site's default library.
func ListDrive(site, list string) DriveRef { return DriveRef(listPath(site, list) + "/drive") }

// GetSite returns a site by id ("root" for the tenant's root site, or the
// host name alone).
//
// Graph docs: https://learn.microsoft.com/graph/api/site-get
//
//meta:operation GET /sites/{id}
func (s *SitesService) GetSite(ctx context.Context, site string) (*Site, *Response, error) {
	return getOne[Site](ctx, s.client, sitePath(site))
}

// GetRootSite returns the tenant's root site.
//
// Graph docs: https://learn.microsoft.com/graph/api/site-get
//
//meta:operation GET /sites/root
func (s *SitesService) GetRootSite(ctx context.Context) (*Site, *Response, error) {
	return getOne[Site](ctx, s.client, "sites/root")
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

// GetGroupSite returns a Microsoft 365 group's team site.
//
// Graph docs: https://learn.microsoft.com/graph/api/site-get
//
//meta:operation GET /groups/{id}/sites/root
func (s *SitesService) GetGroupSite(ctx context.Context, group string) (*Site, *Response, error) {
	return getOne[Site](ctx, s.client, "groups/"+escapeSegment(group)+"/sites/root")
}

func searchURL(text string, opts *ListOptions) string {
	var q query
	q.add("search", text)
	q.list(opts)
	return q.on("sites")
}

// Search returns the first page of the sites matching text ("*": every
// site the caller can reach).
//
// Graph docs: https://learn.microsoft.com/graph/api/site-search
//
//meta:operation GET /sites?search={text}
func (s *SitesService) Search(ctx context.Context, text string, opts *ListOptions) ([]*Site, *Response, error) {
	return getPage[Site](ctx, s.client, searchURL(text, opts), nil)
}

// SearchIter iterates over every site matching text.
func (s *SitesService) SearchIter(ctx context.Context, text string, opts *ListOptions) iter.Seq2[*Site, error] {
	return all[Site](ctx, s.client, searchURL(text, opts), nil)
}

// ListSubsites returns the first page of a site's subsites.
//
// Graph docs: https://learn.microsoft.com/graph/api/site-list-subsites
//
//meta:operation GET /sites/{id}/sites
func (s *SitesService) ListSubsites(ctx context.Context, site string, opts *ListOptions) ([]*Site, *Response, error) {
	return getPage[Site](ctx, s.client, listURL(sitePath(site)+"/sites", opts), nil)
}

// ListSubsitesIter iterates over all of a site's subsites.
func (s *SitesService) ListSubsitesIter(ctx context.Context, site string, opts *ListOptions) iter.Seq2[*Site, error] {
	return all[Site](ctx, s.client, listURL(sitePath(site)+"/sites", opts), nil)
}

// ListDrives returns the first page of a site's document libraries, as
// drives (their items through [DriveByID] or [ListDrive]).
//
// Graph docs: https://learn.microsoft.com/graph/api/drive-list
//
//meta:operation GET /sites/{id}/drives
func (s *SitesService) ListDrives(ctx context.Context, site string, opts *ListOptions) ([]*Drive, *Response, error) {
	return getPage[Drive](ctx, s.client, listURL(sitePath(site)+"/drives", opts), nil)
}

// ListDrivesIter iterates over all of a site's document libraries.
func (s *SitesService) ListDrivesIter(ctx context.Context, site string, opts *ListOptions) iter.Seq2[*Drive, error] {
	return all[Drive](ctx, s.client, listURL(sitePath(site)+"/drives", opts), nil)
}

// ListLists returns the first page of a site's lists (and document
// libraries); Expand {"columns"} includes their columns.
//
// Graph docs: https://learn.microsoft.com/graph/api/list-list
//
//meta:operation GET /sites/{id}/lists
func (s *SitesService) ListLists(ctx context.Context, site string, opts *ListOptions) ([]*SiteList, *Response, error) {
	return getPage[SiteList](ctx, s.client, listURL(sitePath(site)+"/lists", opts), nil)
}

// ListListsIter iterates over all of a site's lists.
func (s *SitesService) ListListsIter(ctx context.Context, site string, opts *ListOptions) iter.Seq2[*SiteList, error] {
	return all[SiteList](ctx, s.client, listURL(sitePath(site)+"/lists", opts), nil)
}

// GetList returns a list by id or display name; opts may expand its
// columns.
//
// Graph docs: https://learn.microsoft.com/graph/api/list-get
//
//meta:operation GET /sites/{id}/lists/{id}
func (s *SitesService) GetList(ctx context.Context, site, list string, opts *GetOptions) (*SiteList, *Response, error) {
	var q query
	q.get(opts)
	return getOne[SiteList](ctx, s.client, q.on(listPath(site, list)))
}

// CreateList makes a list (List.Template [TemplateGenericList], with its
// Columns) or a document library ([TemplateDocumentLibrary], whose files
// are then at [ListDrive]).
//
// Graph docs: https://learn.microsoft.com/graph/api/list-create
//
//meta:operation POST /sites/{id}/lists
func (s *SitesService) CreateList(ctx context.Context, site string, list *SiteList) (*SiteList, *Response, error) {
	return doJSON[SiteList](ctx, s.client, http.MethodPost, sitePath(site)+"/lists", list, nil)
}

// DeleteList deletes a list, or a document library with its files.
//
// Graph docs: https://learn.microsoft.com/graph/api/list-delete
//
//meta:operation DELETE /sites/{id}/lists/{id}
func (s *SitesService) DeleteList(ctx context.Context, site, list string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, listPath(site, list), nil)
}

// ListColumns returns the first page of a list's columns.
//
// Graph docs: https://learn.microsoft.com/graph/api/list-list-columns
//
//meta:operation GET /sites/{id}/lists/{id}/columns
func (s *SitesService) ListColumns(ctx context.Context, site, list string, opts *ListOptions) ([]*ColumnDefinition, *Response, error) {
	return getPage[ColumnDefinition](ctx, s.client, listURL(listPath(site, list)+"/columns", opts), nil)
}

// ListColumnsIter iterates over all of a list's columns.
func (s *SitesService) ListColumnsIter(ctx context.Context, site, list string, opts *ListOptions) iter.Seq2[*ColumnDefinition, error] {
	return all[ColumnDefinition](ctx, s.client, listURL(listPath(site, list)+"/columns", opts), nil)
}

// GetColumn returns a list's column by id or name.
//
// Graph docs: https://learn.microsoft.com/graph/api/columndefinition-get
//
//meta:operation GET /sites/{id}/lists/{id}/columns/{id}
func (s *SitesService) GetColumn(ctx context.Context, site, list, column string) (*ColumnDefinition, *Response, error) {
	return getOne[ColumnDefinition](ctx, s.client, listPath(site, list)+"/columns/"+escapeSegment(column))
}

// CreateColumn adds a column to a list.
//
// Graph docs: https://learn.microsoft.com/graph/api/list-post-columns
//
//meta:operation POST /sites/{id}/lists/{id}/columns
func (s *SitesService) CreateColumn(ctx context.Context, site, list string, column *ColumnDefinition) (*ColumnDefinition, *Response, error) {
	return doJSON[ColumnDefinition](ctx, s.client, http.MethodPost, listPath(site, list)+"/columns", column, nil)
}

// UpdateColumn changes a column's display name, description or flags
// (Indexed, Required, Hidden, EnforceUniqueValues); its name and type stay.
//
// Graph docs: https://learn.microsoft.com/graph/api/columndefinition-update
//
//meta:operation PATCH /sites/{id}/lists/{id}/columns/{id}
func (s *SitesService) UpdateColumn(ctx context.Context, site, list, column string, update *ColumnDefinitionUpdate) (*ColumnDefinition, *Response, error) {
	return doJSON[ColumnDefinition](ctx, s.client, http.MethodPatch, listPath(site, list)+"/columns/"+escapeSegment(column), update, nil)
}

// ColumnDefinitionUpdate is the change UpdateColumn sends: the fields set (not nil).
type ColumnDefinitionUpdate struct {
	DisplayName         *string `json:"displayName,omitempty"`
	Description         *string `json:"description,omitempty"`
	Indexed             *bool   `json:"indexed,omitempty"`
	Required            *bool   `json:"required,omitempty"`
	Hidden              *bool   `json:"hidden,omitempty"`
	EnforceUniqueValues *bool   `json:"enforceUniqueValues,omitempty"`
}

// DeleteColumn deletes a list's column and its values.
//
// Graph docs: https://learn.microsoft.com/graph/api/columndefinition-delete
//
//meta:operation DELETE /sites/{id}/lists/{id}/columns/{id}
func (s *SitesService) DeleteColumn(ctx context.Context, site, list, column string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, listPath(site, list)+"/columns/"+escapeSegment(column), nil)
}

// ListItemsOptions are the options of ListItems: the OData options (fields
// are expanded unless Expand says otherwise; Filter and OrderBy name fields
// as "fields/Status"), the fields to return, and whether a filter or sort on
// columns that are not indexed is allowed.
type ListItemsOptions struct {
	ListOptions
	// Fields limits the fields returned to these columns (internal names):
	// $expand=fields($select=...).
	Fields []string
	// HonorNonIndexed sends Prefer: HonorNonIndexedQueriesWarningMayFailRandomly,
	// without which SharePoint refuses a Filter or OrderBy on a column that
	// is not indexed (400 invalidRequest); such queries may fail on large
	// lists.
	HonorNonIndexed bool
}

// itemsRequest is the URL and headers of a list items request: fields
// expanded unless opts says what to expand.
func itemsRequest(path string, opts *ListItemsOptions) (string, http.Header) {
	var o ListItemsOptions
	if opts != nil {
		o = *opts
	}
	if len(o.Expand) == 0 {
		x := "fields"
		if len(o.Fields) > 0 {
			x += "($select=" + strings.Join(o.Fields, ",") + ")"
		}
		o.Expand = []string{x}
	}
	var q query
	q.list(&o.ListOptions)
	var h http.Header
	if o.HonorNonIndexed {
		h = http.Header{"Prefer": {"HonorNonIndexedQueriesWarningMayFailRandomly"}}
	}
	return q.on(path), h
}

// ListItems returns the first page of a list's items with their fields.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-list
//
//meta:operation GET /sites/{id}/lists/{id}/items
func (s *SitesService) ListItems(ctx context.Context, site, list string, opts *ListItemsOptions) ([]*SiteListItem, *Response, error) {
	u, h := itemsRequest(listPath(site, list)+"/items", opts)
	return getPage[SiteListItem](ctx, s.client, u, h)
}

// ListItemsIter iterates over all of a list's items.
func (s *SitesService) ListItemsIter(ctx context.Context, site, list string, opts *ListItemsOptions) iter.Seq2[*SiteListItem, error] {
	u, h := itemsRequest(listPath(site, list)+"/items", opts)
	return all[SiteListItem](ctx, s.client, u, h)
}

// GetItem returns a list item with its fields.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-get
//
//meta:operation GET /sites/{id}/lists/{id}/items/{id}
func (s *SitesService) GetItem(ctx context.Context, site, list, id string) (*SiteListItem, *Response, error) {
	return getOne[SiteListItem](ctx, s.client, itemPath(site, list, id)+"?$expand=fields")
}

// GetItemFields returns a list item's fields alone.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-get
//
//meta:operation GET /sites/{id}/lists/{id}/items/{id}/fields
func (s *SitesService) GetItemFields(ctx context.Context, site, list, id string) (map[string]any, *Response, error) {
	out, resp, err := getOne[map[string]any](ctx, s.client, itemPath(site, list, id)+"/fields")
	if err != nil {
		return nil, resp, err
	}
	return *out, resp, nil
}

// CreateItem adds an item with the given fields (by internal column name).
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-create
//
//meta:operation POST /sites/{id}/lists/{id}/items
func (s *SitesService) CreateItem(ctx context.Context, site, list string, fields map[string]any) (*SiteListItem, *Response, error) {
	return doJSON[SiteListItem](ctx, s.client, http.MethodPost, listPath(site, list)+"/items", &SiteListItem{Fields: fields}, nil)
}

// UpdateItemFields changes some fields of an item and returns all its fields.
//
// Graph docs: https://learn.microsoft.com/graph/api/listitem-update
//
//meta:operation PATCH /sites/{id}/lists/{id}/items/{id}/fields
func (s *SitesService) UpdateItemFields(ctx context.Context, site, list, id string, fields map[string]any) (map[string]any, *Response, error) {
	out, resp, err := doJSON[map[string]any](ctx, s.client, http.MethodPatch, itemPath(site, list, id)+"/fields", fields, nil)
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
	return s.client.sendNoContent(ctx, http.MethodDelete, itemPath(site, list, id), nil)
}
