package m365mcp

import (
	"bytes"
	"context"
	"encoding/base64"
	"strings"

	"github.com/authsome-go/authsome/msgraph"
)

var fileFields = []string{"id", "name", "parentReference", "folder", "file", "root", "size", "lastModifiedDateTime", "webUrl"}

// fileSummary is an item without its pre-authenticated download URL.
func fileSummary(it *msgraph.DriveItem) FileSummary {
	return FileSummary{ID: it.ID, Name: it.Name, Path: strings.TrimPrefix(it.ParentReference.Path, "/drive/root:"), Folder: it.IsFolder(),
		Size: it.Size, Modified: stamp(it.LastModifiedDateTime), WebURL: it.WebURL}
}

func fileList(items []*msgraph.DriveItem, cursor string) FileList {
	out := FileList{Items: make([]FileSummary, 0, len(items)), Cursor: cursor}
	for _, it := range items {
		out.Items = append(out.Items, fileSummary(it))
	}
	return out
}

func (g *graph) searchFiles(ctx context.Context, s *Server, in filesSearchIn) (FileList, error) {
	if strings.TrimSpace(in.Query) == "" {
		return FileList{}, badInput("query is required")
	}
	lo := listOpts(in.Top, fileFields...)
	items, cursor, err := page(ctx, s, "files_search", in.Cursor, func() ([]*msgraph.DriveItem, *msgraph.Response, error) {
		return g.c.Drive.Search(ctx, msgraph.MyDrive, in.Query, &lo)
	})
	return fileList(items, cursor), err
}

// item finds the item ref names ("" and "": the root).
func (g *graph) item(ctx context.Context, ref itemRef) (*msgraph.DriveItem, error) {
	opts := &msgraph.GetOptions{Select: fileFields}
	if ref.ID != "" {
		it, _, err := g.c.Drive.GetItem(ctx, msgraph.MyDrive, ref.ID, opts)
		return it, err
	}
	it, _, err := g.c.Drive.GetItemByPath(ctx, msgraph.MyDrive, ref.Path, opts)
	return it, err
}

func (g *graph) listFiles(ctx context.Context, s *Server, in filesListIn) (FileList, error) {
	lo := listOpts(in.Top, fileFields...)
	items, cursor, err := page(ctx, s, "files_list", in.Cursor, func() ([]*msgraph.DriveItem, *msgraph.Response, error) {
		id := in.ID
		if id == "" && strings.Trim(in.Path, "/") != "" {
			it, err := g.item(ctx, in.itemRef)
			if err != nil {
				return nil, nil, err
			}
			id = it.ID
		}
		return g.c.Drive.ListChildren(ctx, msgraph.MyDrive, id, &lo)
	})
	return fileList(items, cursor), err
}

func (g *graph) readFile(ctx context.Context, in filesReadIn) (FileText, error) {
	if in.ID == "" && in.Path == "" {
		return FileText{}, badInput("give id or path")
	}
	it, err := g.item(ctx, in.itemRef)
	if err != nil {
		return FileText{}, err
	}
	if it.IsFolder() {
		return FileText{}, badInput("%s is a folder: list it with files_list", it.Name)
	}
	if it.Size > maxReadBytes {
		return FileText{}, badInput("%s is %d bytes, more than files_read reads (%d)", it.Name, it.Size, maxReadBytes)
	}
	var buf bytes.Buffer
	if _, err := g.c.Drive.Download(ctx, msgraph.MyDrive, it.ID, &limitWriter{w: &buf, n: maxReadBytes}, nil); err != nil {
		return FileText{}, err
	}
	text, err := textOf(it.Name, buf.Bytes())
	if err != nil {
		return FileText{}, err
	}
	out := FileText{FileSummary: fileSummary(it)}
	out.Text, out.Truncated = truncate(text, in.MaxChars)
	return out, nil
}

// limitWriter fails a write past n bytes in all.
type limitWriter struct {
	w *bytes.Buffer
	n int
}

func (l *limitWriter) Write(p []byte) (int, error) {
	if l.w.Len()+len(p) > l.n {
		return 0, badInput("the file is larger than files_read reads (%d bytes)", l.n)
	}
	return l.w.Write(p)
}

func (g *graph) uploadFile(ctx context.Context, in filesUploadIn) (FileSummary, error) {
	if in.Name == "" || strings.ContainsAny(in.Name, `/\`) {
		return FileSummary{}, badInput("name %q: want a file name without a folder", in.Name)
	}
	content := []byte(in.Content)
	if in.Base64 {
		var err error
		if content, err = base64.StdEncoding.DecodeString(in.Content); err != nil {
			return FileSummary{}, badInput("content is not base64: %v", err)
		}
	}
	if len(content) > msgraph.SimpleUploadMax {
		return FileSummary{}, badInput("content is %d bytes; files_upload takes at most %d", len(content), msgraph.SimpleUploadMax)
	}
	conflict := in.Conflict
	switch conflict {
	case "":
		conflict = msgraph.ConflictFail
	case msgraph.ConflictFail, msgraph.ConflictRename, msgraph.ConflictReplace:
	default:
		return FileSummary{}, badInput("conflict %q: want fail, rename or replace", in.Conflict)
	}
	parent := ""
	if strings.Trim(in.Folder, "/") != "" {
		it, err := g.item(ctx, itemRef{Path: in.Folder})
		if err != nil {
			return FileSummary{}, err
		}
		parent = it.ID
	}
	it, _, err := g.c.Drive.Upload(ctx, msgraph.MyDrive, parent, in.Name, bytes.NewReader(content), int64(len(content)),
		&msgraph.UploadOptions{Conflict: conflict})
	if err != nil {
		return FileSummary{}, err
	}
	return fileSummary(it), nil
}

func (g *graph) shareFile(ctx context.Context, in filesShareIn) (ShareLink, error) {
	if in.ID == "" && in.Path == "" {
		return ShareLink{}, badInput("give id or path")
	}
	typ, scope := orDefault(in.Type, msgraph.LinkView), orDefault(in.Scope, msgraph.ScopeOrganization)
	if typ != msgraph.LinkView && typ != msgraph.LinkEdit {
		return ShareLink{}, badInput("type %q: want view or edit", in.Type)
	}
	if scope != msgraph.ScopeOrganization && scope != msgraph.ScopeAnonymous {
		return ShareLink{}, badInput("scope %q: want organization or anonymous", in.Scope)
	}
	id := in.ID
	if id == "" {
		it, err := g.item(ctx, in.itemRef)
		if err != nil {
			return ShareLink{}, err
		}
		id = it.ID
	}
	p, _, err := g.c.Drive.CreateLink(ctx, msgraph.MyDrive, id, &msgraph.CreateLinkOptions{Type: typ, Scope: scope})
	if err != nil {
		return ShareLink{}, err
	}
	if p.Link == nil {
		return ShareLink{}, badInput("Graph created no link")
	}
	return ShareLink{URL: p.Link.WebURL, Type: p.Link.Type, Scope: p.Link.Scope}, nil
}
