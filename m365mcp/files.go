package m365mcp

import (
	"context"
	"fmt"
)

// FileSummary is a OneDrive item.
type FileSummary struct {
	ID       string `json:"id" jsonschema:"the item id, for files_list (folders), files_read and files_share"`
	Name     string `json:"name"`
	Path     string `json:"path,omitempty" jsonschema:"the folder it is in"`
	Folder   bool   `json:"folder,omitempty"`
	Size     int64  `json:"size"`
	Modified string `json:"modified,omitempty"`
	WebURL   string `json:"webUrl,omitempty" jsonschema:"opens the item in the browser for a signed-in user"`
}

// FileList is a page of items.
type FileList struct {
	Items  []FileSummary `json:"items"`
	Cursor string        `json:"cursor,omitempty" jsonschema:"pass back as cursor for the next page; absent on the last page"`
}

// FileText is a file's content as text.
type FileText struct {
	FileSummary
	Text      string `json:"text"`
	Truncated bool   `json:"truncated,omitempty" jsonschema:"the text was cut at maxChars"`
}

// ShareLink is a sharing link the user asked for.
type ShareLink struct {
	URL   string `json:"url" jsonschema:"the link to give to people"`
	Type  string `json:"type"`
	Scope string `json:"scope"`
}

type filesSearchIn struct {
	Query  string `json:"query" jsonschema:"words in file names, metadata or content"`
	Top    int    `json:"top,omitempty" jsonschema:"page size, 1 to 50 (default 10)"`
	Cursor string `json:"cursor,omitempty" jsonschema:"the cursor of the previous page"`
}

type itemRef struct {
	ID   string `json:"id,omitempty" jsonschema:"the item id (from files_search or files_list)"`
	Path string `json:"path,omitempty" jsonschema:"or its path from the root, e.g. Documents/Plan.docx"`
}

type filesListIn struct {
	itemRef
	Top    int    `json:"top,omitempty" jsonschema:"page size, 1 to 50 (default 10)"`
	Cursor string `json:"cursor,omitempty" jsonschema:"the cursor of the previous page"`
}

type filesReadIn struct {
	itemRef
	MaxChars int `json:"maxChars,omitempty" jsonschema:"cut the text after this many characters (default 20000)"`
}

type filesUploadIn struct {
	Folder   string `json:"folder,omitempty" jsonschema:"folder path from the root, e.g. Documents (default: the root)"`
	Name     string `json:"name" jsonschema:"the file name, e.g. notes.md"`
	Content  string `json:"content" jsonschema:"the file's text, or its bytes in base64 with base64 (at most 4 MiB)"`
	Base64   bool   `json:"base64,omitempty" jsonschema:"content is base64, for a binary file"`
	Conflict string `json:"conflict,omitempty" jsonschema:"when the name is taken: fail (default), rename or replace"`
}

type filesShareIn struct {
	itemRef
	Type  string `json:"type,omitempty" jsonschema:"view (default) or edit"`
	Scope string `json:"scope,omitempty" jsonschema:"organization (default: people in the organization) or anonymous (anyone with the link)"`
}

func filesTools() []*toolSpec {
	return []*toolSpec{
		newTool(toolSpec{name: "files_search", title: "Search files", area: AreaFiles,
			description: "Search the user's OneDrive for files and folders by words in their name, metadata or content."},
			nil, func(ctx context.Context, s *Server, in filesSearchIn) (FileList, error) {
				return s.g.searchFiles(ctx, s, in)
			}),
		newTool(toolSpec{name: "files_list", title: "List a folder", area: AreaFiles,
			description: "List the items of a OneDrive folder (the root by default)."},
			nil, func(ctx context.Context, s *Server, in filesListIn) (FileList, error) {
				return s.g.listFiles(ctx, s, in)
			}),
		newTool(toolSpec{name: "files_read", title: "Read a file", area: AreaFiles,
			description: "Read a file as text: text files, Word (.docx), PowerPoint (.pptx) and Excel (.xlsx) documents, up to 10 MiB."},
			nil, func(ctx context.Context, s *Server, in filesReadIn) (FileText, error) { return s.g.readFile(ctx, in) }),
		newTool(toolSpec{name: "files_upload", title: "Upload a file", area: AreaFiles, write: true,
			description: "Create (or, with conflict=replace, overwrite) a small file in the user's OneDrive, from text or base64."},
			func(in filesUploadIn) string {
				return fmt.Sprintf("Write %d bytes to %s/%s in OneDrive (if it exists: %s).", len(in.Content), in.Folder, in.Name, orDefault(in.Conflict, "fail"))
			},
			func(ctx context.Context, s *Server, in filesUploadIn) (FileSummary, error) {
				return s.g.uploadFile(ctx, in)
			}),
		newTool(toolSpec{name: "files_share", title: "Create a sharing link", area: AreaFiles, write: true, destructive: true,
			description: "Create a link that shares a file or folder (view or edit, in the organization or with anyone who has it)."},
			func(in filesShareIn) string {
				return fmt.Sprintf("Share %s with a %s link for %s.", orDefault(in.Path, in.ID), orDefault(in.Type, "view"), orDefault(in.Scope, "organization"))
			},
			func(ctx context.Context, s *Server, in filesShareIn) (ShareLink, error) {
				return s.g.shareFile(ctx, in)
			}),
	}
}

func orDefault(s, def string) string {
	if s == "" {
		return def
	}
	return s
}
