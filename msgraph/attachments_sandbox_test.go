package msgraph

import (
	"bytes"
	"errors"
	"net/http"
	"strings"
	"testing"
)

// TestSandboxLargeAttachments uploads a file over Graph's 3 MB direct limit
// to a draft and to an event through upload sessions (in fragments under
// Outlook's 4 MB), finds it in the attachment lists with its bytes, and
// checks that the direct POST refuses it.
func TestSandboxLargeAttachments(t *testing.T) {
	c, _, _ := onSandbox(t, "Mail.ReadWrite", "Calendars.ReadWrite", "User.Read")
	ctx := t.Context()
	big := bytes.Repeat([]byte("0123456789abcdef"), (9<<20)/16+7) // 9 MiB and a bit: three fragments
	draft, _, err := c.Mail.CreateDraft(ctx, "me", &Message{Subject: "Big file"})
	if err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Mail.AddFileAttachment(ctx, "me", draft.ID, "big.bin", "", big); err == nil {
		t.Fatal("AddFileAttachment took a file over 3 MB")
	}
	var sent []int64
	idAtt, _, err := c.Mail.UploadAttachment(ctx, "me", draft.ID, "big.bin", "application/octet-stream", bytes.NewReader(big), int64(len(big)),
		&UploadOptions{ChunkSize: 32 << 20, Progress: func(n, _ int64) { sent = append(sent, n) }})
	if err != nil || idAtt.ID == "" || idAtt.Size != len(big) {
		t.Fatalf("UploadAttachment: %+v %v", idAtt, err)
	}
	id := idAtt.ID
	if len(sent) != 3 {
		t.Errorf("fragments: %v, want 3 under 4 MB", sent)
	}
	var got bytes.Buffer
	if _, err := c.Mail.DownloadAttachment(ctx, "me", draft.ID, id, &got); err != nil || !bytes.Equal(got.Bytes(), big) {
		t.Fatalf("DownloadAttachment: %d bytes, %v", got.Len(), err)
	}
	list, _, err := c.Mail.ListAttachments(ctx, "me", draft.ID, &ListOptions{Select: []string{"name", "size"}})
	if err != nil || len(list) != 1 || list[0].Name != "big.bin" || list[0].Size != len(big) {
		t.Fatalf("ListAttachments: %+v %v", list, err)
	}

	ev, _, err := c.Calendar.CreateEvent(ctx, "me", "", &Event{Subject: "Review the big file",
		Start: DateTimeTimeZone{DateTime: "2025-06-10T10:00:00", TimeZone: "UTC"}, End: DateTimeTimeZone{DateTime: "2025-06-10T11:00:00", TimeZone: "UTC"}})
	if err != nil {
		t.Fatal(err)
	}
	small, _, err := c.Calendar.AddEventFileAttachment(ctx, "me", ev.ID, "agenda.txt", "text/plain", []byte("1. the file"))
	if err != nil || small.ID == "" {
		t.Fatalf("AddEventFileAttachment: %+v %v", small, err)
	}
	eidAtt, _, err := c.Calendar.UploadEventAttachment(ctx, "me", ev.ID, "big.bin", "", bytes.NewReader(big), int64(len(big)), nil)
	if err != nil || eidAtt.ID == "" {
		t.Fatalf("UploadEventAttachment: %+v %v", eidAtt, err)
	}
	eid := eidAtt.ID
	atts, _, err := c.Calendar.ListEventAttachments(ctx, "me", ev.ID, nil)
	if err != nil || len(atts) != 2 || atts[1].ID != eid || !bytes.Equal(atts[1].ContentBytes, big) {
		t.Fatalf("ListEventAttachments: %d, %v", len(atts), err)
	}
	one, _, err := c.Calendar.GetEventAttachment(ctx, "me", ev.ID, small.ID)
	if err != nil || string(one.ContentBytes) != "1. the file" {
		t.Fatalf("GetEventAttachment: %+v %v", one, err)
	}
	got.Reset()
	if _, err := c.Calendar.DownloadEventAttachment(ctx, "me", ev.ID, small.ID, &got); err != nil || got.String() != "1. the file" {
		t.Fatalf("DownloadEventAttachment: %q %v", got.String(), err)
	}
	again, _, err := c.Calendar.GetEvent(ctx, "me", ev.ID, nil)
	if err != nil || !again.HasAttachments {
		t.Fatalf("event after attaching: %+v %v", again, err)
	}
	if _, err := c.Calendar.DeleteEventAttachment(ctx, "me", ev.ID, small.ID); err != nil {
		t.Fatal(err)
	}
	var ge *Error
	if _, _, err := c.Calendar.GetEventAttachment(ctx, "me", ev.ID, small.ID); !errors.As(err, &ge) || ge.StatusCode != http.StatusNotFound {
		t.Fatalf("deleted attachment: %v", err)
	}
	if _, _, err := c.Calendar.UploadEventAttachment(ctx, "me", ev.ID, "huge.bin", "", strings.NewReader(""), MaxAttachment+1, nil); err == nil {
		t.Fatal("UploadEventAttachment took a file over 150 MB")
	}
}
