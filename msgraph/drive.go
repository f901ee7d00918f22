package msgraph

import (
	"context"
	"iter"
	"net/http"
)

// DriveService is OneDrive and SharePoint files (O365's Storage, Drive,
// Folder and File). Each method takes a [DriveRef] naming the drive, and
// item ids ("" for the drive's root where a folder is expected).
//
// Uploads and downloads go to pre-authenticated URLs that must not receive
// Graph credentials: they are fetched with the client's pre-auth HTTP client
// (see [WithPreAuthClient]), never with the authenticated one.
type DriveService service

// ListDrives returns the drives a user can reach (their OneDrive, and more
// for business accounts).
//
// Graph docs: https://learn.microsoft.com/graph/api/drive-list
//
//meta:operation GET /users/{id}/drives
func (s *DriveService) ListDrives(ctx context.Context, user string, opts *ListOptions) ([]*Drive, *Response, error) {
	return getPage[Drive](ctx, s.client, listURL(userPath(user)+"/drives", opts), nil)
}

// ListDrivesIter iterates over everything ListDrives would page through.
func (s *DriveService) ListDrivesIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*Drive, error] {
	return all[Drive](ctx, s.client, listURL(userPath(user)+"/drives", opts), nil)
}

// GetDrive returns a drive with its owner and quota.
//
// Graph docs: https://learn.microsoft.com/graph/api/drive-get
//
//meta:operation GET /users/{id}/drive
//meta:operation GET /drives/{id}
func (s *DriveService) GetDrive(ctx context.Context, d DriveRef) (*Drive, *Response, error) {
	return getOne[Drive](ctx, s.client, string(d))
}

// GetItem returns an item by id ("" for the root).
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-get
//
//meta:operation GET /drives/{id}/items/{id}
func (s *DriveService) GetItem(ctx context.Context, d DriveRef, id string, opts *GetOptions) (*DriveItem, *Response, error) {
	var q query
	q.get(opts)
	return getOne[DriveItem](ctx, s.client, q.on(d.item(id)))
}

// GetItemByPath returns the item at a path below the root, e.g. "Documents/Plan.xlsx".
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-get
//
//meta:operation GET /drives/{id}/root:/{path}
func (s *DriveService) GetItemByPath(ctx context.Context, d DriveRef, path string, opts *GetOptions) (*DriveItem, *Response, error) {
	var q query
	q.get(opts)
	return getOne[DriveItem](ctx, s.client, q.on(d.byPath(path)))
}

// ListChildren returns the first page of a folder's items ("" for the root).
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-list-children
//
//meta:operation GET /drives/{id}/items/{id}/children
func (s *DriveService) ListChildren(ctx context.Context, d DriveRef, folder string, opts *ListOptions) ([]*DriveItem, *Response, error) {
	var q query
	q.list(opts)
	return getPage[DriveItem](ctx, s.client, q.on(d.item(folder)+"/children"), nil)
}

// ListChildrenIter iterates over all of a folder's items.
func (s *DriveService) ListChildrenIter(ctx context.Context, d DriveRef, folder string, opts *ListOptions) iter.Seq2[*DriveItem, error] {
	var q query
	q.list(opts)
	return all[DriveItem](ctx, s.client, q.on(d.item(folder)+"/children"), nil)
}

// Conflict behaviours for uploads, new folders and copies.
const (
	ConflictFail    = "fail"
	ConflictReplace = "replace"
	ConflictRename  = "rename"
)

// CreateFolder creates a folder in parent ("" for the root). conflict says
// what happens when the name is taken: [ConflictFail] (the default),
// [ConflictRename] or [ConflictReplace].
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-post-children
//
//meta:operation POST /drives/{id}/items/{id}/children
func (s *DriveService) CreateFolder(ctx context.Context, d DriveRef, parent, name, conflict string) (*DriveItem, *Response, error) {
	if conflict == "" {
		conflict = ConflictFail
	}
	body := map[string]any{"name": name, "folder": map[string]any{}, "@microsoft.graph.conflictBehavior": conflict}
	return doJSON[DriveItem](ctx, s.client, http.MethodPost, d.item(parent)+"/children", body, nil)
}

// UpdateItem renames or moves an item.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-update
//
//meta:operation PATCH /drives/{id}/items/{id}
func (s *DriveService) UpdateItem(ctx context.Context, d DriveRef, id string, upd *DriveItemUpdate) (*DriveItem, *Response, error) {
	return doJSON[DriveItem](ctx, s.client, http.MethodPatch, d.item(id), upd, nil)
}

// DeleteItem moves an item to the recycle bin.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-delete
//
//meta:operation DELETE /drives/{id}/items/{id}
func (s *DriveService) DeleteItem(ctx context.Context, d DriveRef, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, d.item(id), nil)
}

// CopyOptions are the options of [DriveService.CopyItem].
type CopyOptions struct {
	// Name is the copy's name; empty keeps the item's.
	Name string
	// ConflictBehavior says what happens when the name is taken in the
	// folder: [ConflictFail] (Graph's default: the monitor reports the copy
	// failed, nameAlreadyExists), [ConflictReplace] or [ConflictRename]. It
	// goes in the query, where Graph reads it for a copy.
	ConflictBehavior string
}

// CopyItem starts copying an item into another folder. Copying runs in the
// background: the returned status's MonitorURL is a pre-authenticated
// monitor that reports its progress (see [DriveService.WaitCopy]).
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-copy
//
//meta:operation POST /drives/{id}/items/{id}/copy
func (s *DriveService) CopyItem(ctx context.Context, d DriveRef, id string, to ItemReference, opts *CopyOptions) (*CopyStatus, *Response, error) {
	var o CopyOptions
	if opts != nil {
		o = *opts
	}
	var q query
	if o.ConflictBehavior != "" {
		q.add("@microsoft.graph.conflictBehavior", o.ConflictBehavior)
	}
	body := struct {
		ParentReference ItemReference `json:"parentReference"`
		Name            string        `json:"name,omitempty"`
	}{to, o.Name}
	resp, err := s.client.sendNoContent(ctx, http.MethodPost, q.on(d.item(id)+"/copy"), body)
	if err != nil {
		return nil, resp, err
	}
	return &CopyStatus{MonitorURL: resp.Header.Get("Location"), Status: "notStarted"}, resp, nil
}

// Search returns the first page of the items of a drive matching text in
// their name, metadata or content.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-search
//
//meta:operation GET /drives/{id}/root/search(q='{text}')
func (s *DriveService) Search(ctx context.Context, d DriveRef, text string, opts *ListOptions) ([]*DriveItem, *Response, error) {
	var q query
	q.list(opts)
	return getPage[DriveItem](ctx, s.client, q.on(d.item("")+searchCall(text)), nil)
}

// Delta runs one delta round over a drive (from its root): every item
// created, changed or deleted (Deleted set; OneDrive for Business leaves
// out a deleted item's name, so track items by id) since opts.Link, and the
// last page's Response, whose DeltaLink starts the next round. opts.Link "latest" starts from now without
// listing items. A link the drive can no longer continue fails with a 410
// (resyncChangesApplyDifferences): start again with an empty Link.
//
// Graph docs: https://learn.microsoft.com/graph/api/driveitem-delta
//
//meta:operation GET /drives/{id}/root/delta
func (s *DriveService) Delta(ctx context.Context, d DriveRef, opts *DeltaOptions) ([]*DriveItem, *Response, error) {
	var o DeltaOptions
	if opts != nil {
		o = *opts
	}
	u := o.Link
	if u == "" || u == "latest" {
		var q query
		q.get(&GetOptions{Select: o.Select})
		if u == "latest" {
			q.add("token", "latest")
		}
		u = q.on(d.item("") + "/delta")
	}
	return deltaRound[DriveItem](ctx, s.client, u, maxPageSize(o.PageSize))
}
