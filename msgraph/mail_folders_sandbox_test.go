package msgraph

import (
	"strings"
	"testing"
)

// TestSandboxMailFolderMoveCopy moves a folder with a message into Archive
// and copies it back to the top level.
func TestSandboxMailFolderMoveCopy(t *testing.T) {
	c, _, _ := onSandbox(t, strings.Fields(mailScopes)...)
	ctx := t.Context()
	f, _, err := c.Mail.CreateFolder(ctx, "me", "", "Quarterly reviews")
	if err != nil {
		t.Fatal(err)
	}
	m, _, err := c.Mail.CreateDraft(ctx, "me", &Message{Subject: "Filed"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Mail.MoveMessage(ctx, "me", m.ID, f.ID); err != nil {
		t.Fatal(err)
	}
	archive, _, err := c.Mail.GetFolder(ctx, "me", FolderArchive, nil)
	if err != nil {
		t.Fatal(err)
	}
	moved, _, err := c.Mail.MoveFolder(ctx, "me", f.ID, FolderArchive)
	if err != nil || moved.ParentFolderID != archive.ID || moved.DisplayName != "Quarterly reviews" {
		t.Fatalf("MoveFolder: %+v %v", moved, err)
	}
	cp, _, err := c.Mail.CopyFolder(ctx, "me", moved.ID, FolderInbox)
	if err != nil || cp.ID == moved.ID || cp.DisplayName != "Quarterly reviews" || cp.TotalItemCount != 1 {
		t.Fatalf("CopyFolder: %+v %v", cp, err)
	}
	kids, _, err := c.Mail.ListFolders(ctx, "me", FolderArchive, nil)
	if err != nil || len(kids) != 1 || kids[0].ID != moved.ID {
		t.Fatalf("Archive's child folders: %+v %v", kids, err)
	}
}
