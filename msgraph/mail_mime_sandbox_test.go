package msgraph

import (
	"bytes"
	"errors"
	"net/mail"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxMailMIME sends a multipart MIME message with an attachment,
// finds it in the recipient's inbox with its body and attachment, saves
// another as a draft, and reads a message back as MIME.
func TestSandboxMailMIME(t *testing.T) {
	adele, s, _ := onSandbox(t, strings.Fields(mailScopes)...)
	alexUser := sandbox.Users()[1]
	alex := clientAs(t, s, alexUser, strings.Fields(mailScopes)...)
	ctx := t.Context()
	msg := "From: Adele <" + sandbox.Users()[0].Mail + ">\r\n" +
		"To: Alex <" + alexUser.Mail + ">\r\n" +
		"Subject: =?utf-8?q?MIME_r=C3=A9sum=C3=A9?=\r\n" +
		"X-Custom: kept\r\n" +
		"MIME-Version: 1.0\r\n" +
		"Content-Type: multipart/mixed; boundary=\"b1\"\r\n\r\n" +
		"--b1\r\nContent-Type: text/plain; charset=utf-8\r\n\r\nHello over MIME.\r\n" +
		"--b1\r\nContent-Type: text/csv; name=\"n.csv\"\r\nContent-Disposition: attachment; filename=\"n.csv\"\r\nContent-Transfer-Encoding: base64\r\n\r\nYSxiCjEsMgo=\r\n" +
		"--b1--\r\n"
	if _, err := adele.Mail.SendMIME(ctx, "me", []byte(msg)); err != nil {
		t.Fatal(err)
	}
	got, _, err := alex.Mail.ListMessages(ctx, "me", &ListMessagesOptions{Folder: FolderInbox,
		ListOptions: ListOptions{Filter: "subject eq 'MIME résumé'", Expand: []string{"attachments"}}})
	if err != nil || len(got) != 1 {
		t.Fatalf("inbox: %d, %v", len(got), err)
	}
	m := got[0]
	if !strings.Contains(m.Body.Content, "Hello over MIME.") || len(m.Attachments) != 1 || m.Attachments[0].Name != "n.csv" ||
		string(m.Attachments[0].ContentBytes) != "a,b\n1,2\n" {
		t.Fatalf("received: %+v", m)
	}
	var raw bytes.Buffer
	if _, err := alex.Mail.DownloadMIME(ctx, "me", m.ID, &raw); err != nil {
		t.Fatal(err)
	}
	back, err := mail.ReadMessage(&raw)
	if err != nil || !strings.Contains(back.Header.Get("Subject"), "MIME") || !strings.Contains(back.Header.Get("To"), alexUser.Mail) {
		t.Fatalf("DownloadMIME: %v %v", back, err)
	}
	draft, _, err := adele.Mail.CreateDraftMIME(ctx, "me", []byte("To: "+alexUser.Mail+"\r\nSubject: Draft from MIME\r\n\r\nLater."))
	if err != nil || !draft.IsDraft || draft.Subject != "Draft from MIME" || len(draft.ToRecipients) != 1 {
		t.Fatalf("CreateDraftMIME: %+v %v", draft, err)
	}
	var ge *Error
	if _, err := adele.Mail.SendMIME(ctx, "me", []byte("Subject: nobody\r\n\r\nx")); err == nil || !errors.As(err, &ge) || ge.Code != "ErrorInvalidRecipients" {
		t.Fatalf("SendMIME without recipients: %v", err)
	}
}
