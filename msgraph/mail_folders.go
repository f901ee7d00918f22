package msgraph

import (
	"context"
	"iter"
	"net/http"
)

func folderPath(user, folder string) string {
	return userPath(user) + "/mailFolders/" + escapeSegment(folder)
}

// foldersPath is the collection of top-level folders (parent "") or of a
// folder's child folders.
func foldersPath(user, parent string) string {
	if parent == "" {
		return userPath(user) + "/mailFolders"
	}
	return folderPath(user, parent) + "/childFolders"
}

// ListFolders returns the first page of the mailbox's top-level folders, or
// of the child folders of parent (an id or well-known name) when it is not "".
//
// Graph docs: https://learn.microsoft.com/graph/api/user-list-mailfolders
//
//meta:operation GET /users/{id}/mailFolders
//meta:operation GET /users/{id}/mailFolders/{id}/childFolders
func (s *MailService) ListFolders(ctx context.Context, user, parent string, opts *ListOptions) ([]*MailFolder, *Response, error) {
	var q query
	q.list(opts)
	return getPage[MailFolder](ctx, s.client, q.on(foldersPath(user, parent)), nil)
}

// ListFoldersIter iterates over all the folders ListFolders would page through.
func (s *MailService) ListFoldersIter(ctx context.Context, user, parent string, opts *ListOptions) iter.Seq2[*MailFolder, error] {
	var q query
	q.list(opts)
	return all[MailFolder](ctx, s.client, q.on(foldersPath(user, parent)), nil)
}

// GetFolder returns a folder by id or well-known name ([FolderInbox], …).
//
// Graph docs: https://learn.microsoft.com/graph/api/mailfolder-get
//
//meta:operation GET /users/{id}/mailFolders/{id}
func (s *MailService) GetFolder(ctx context.Context, user, folder string, opts *GetOptions) (*MailFolder, *Response, error) {
	var q query
	q.get(opts)
	return getOne[MailFolder](ctx, s.client, q.on(folderPath(user, folder)))
}

// CreateFolder creates a folder named name at the top level (parent "") or
// under parent.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-mailfolders
//
//meta:operation POST /users/{id}/mailFolders
//meta:operation POST /users/{id}/mailFolders/{id}/childFolders
func (s *MailService) CreateFolder(ctx context.Context, user, parent, name string) (*MailFolder, *Response, error) {
	return doJSON[MailFolder](ctx, s.client, http.MethodPost, foldersPath(user, parent),
		map[string]string{"displayName": name}, nil)
}

// RenameFolder changes a folder's display name.
//
// Graph docs: https://learn.microsoft.com/graph/api/mailfolder-update
//
//meta:operation PATCH /users/{id}/mailFolders/{id}
func (s *MailService) RenameFolder(ctx context.Context, user, folder, name string) (*MailFolder, *Response, error) {
	return doJSON[MailFolder](ctx, s.client, http.MethodPatch, folderPath(user, folder),
		map[string]string{"displayName": name}, nil)
}

// DeleteFolder deletes a folder and everything in it.
//
// Graph docs: https://learn.microsoft.com/graph/api/mailfolder-delete
//
//meta:operation DELETE /users/{id}/mailFolders/{id}
func (s *MailService) DeleteFolder(ctx context.Context, user, folder string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, folderPath(user, folder), nil)
}

// MoveFolder moves a folder (with its messages and child folders) into the
// folder destination (an id or a well-known name) and returns it.
//
// Graph docs: https://learn.microsoft.com/graph/api/mailfolder-move
//
//meta:operation POST /users/{id}/mailFolders/{id}/move
func (s *MailService) MoveFolder(ctx context.Context, user, folder, destination string) (*MailFolder, *Response, error) {
	return doJSON[MailFolder](ctx, s.client, http.MethodPost, folderPath(user, folder)+"/move",
		map[string]string{"destinationId": destination}, nil)
}

// CopyFolder copies a folder (with its messages and child folders) into the
// folder destination and returns the copy.
//
// Graph docs: https://learn.microsoft.com/graph/api/mailfolder-copy
//
//meta:operation POST /users/{id}/mailFolders/{id}/copy
func (s *MailService) CopyFolder(ctx context.Context, user, folder, destination string) (*MailFolder, *Response, error) {
	return doJSON[MailFolder](ctx, s.client, http.MethodPost, folderPath(user, folder)+"/copy",
		map[string]string{"destinationId": destination}, nil)
}
