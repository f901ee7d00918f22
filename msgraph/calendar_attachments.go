package msgraph

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
)

// File attachments of events: list, get, download, add (up to
// [MaxInlineAttachment]), upload (up to [MaxAttachment]) and delete.

func eventAttachmentsPath(user, eventID string) string {
	return eventPath(user, eventID) + "/attachments"
}

func eventAttachmentPath(user, eventID, id string) string {
	return eventAttachmentsPath(user, eventID) + "/" + escapeSegment(id)
}

// ListEventAttachments returns an event's attachments.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-list-attachments
//
//meta:operation GET /users/{id}/events/{id}/attachments
func (s *CalendarService) ListEventAttachments(ctx context.Context, user, eventID string, opts *ListOptions) ([]*Attachment, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Attachment](ctx, s.client, q.on(eventAttachmentsPath(user, eventID)), nil)
}

// ListEventAttachmentsIter iterates over everything ListEventAttachments would page through.
func (s *CalendarService) ListEventAttachmentsIter(ctx context.Context, user, eventID string, opts *ListOptions) iter.Seq2[*Attachment, error] {
	var q query
	q.list(opts)
	return all[Attachment](ctx, s.client, q.on(eventAttachmentsPath(user, eventID)), nil)
}

// GetEventAttachment returns an event's attachment with its content.
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-get
//
//meta:operation GET /users/{id}/events/{id}/attachments/{id}
func (s *CalendarService) GetEventAttachment(ctx context.Context, user, eventID, id string) (*Attachment, *Response, error) {
	return getOne[Attachment](ctx, s.client, eventAttachmentPath(user, eventID, id))
}

// DownloadEventAttachment writes an event attachment's raw content to w.
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-get
//
//meta:operation GET /users/{id}/events/{id}/attachments/{id}/$value
func (s *CalendarService) DownloadEventAttachment(ctx context.Context, user, eventID, id string, w io.Writer) (*Response, error) {
	return s.client.downloadValue(ctx, eventAttachmentPath(user, eventID, id)+"/$value", w)
}

// AddEventFileAttachment attaches a file of up to [MaxInlineAttachment]
// bytes to an event and returns the attachment.
//
// Graph docs: https://learn.microsoft.com/graph/api/event-post-attachments
//
//meta:operation POST /users/{id}/events/{id}/attachments
func (s *CalendarService) AddEventFileAttachment(ctx context.Context, user, eventID, name, contentType string, content []byte) (*Attachment, *Response, error) {
	if len(content) > MaxInlineAttachment {
		return nil, nil, fmt.Errorf("msgraph: attachment %q is %d bytes; Graph takes at most %d in one request (use UploadEventAttachment)",
			name, len(content), MaxInlineAttachment)
	}
	if contentType == "" {
		contentType = http.DetectContentType(content)
	}
	a := &Attachment{ODataType: FileAttachmentType, Name: name, ContentType: contentType, ContentBytes: content}
	return doJSON[Attachment](ctx, s.client, http.MethodPost, eventAttachmentsPath(user, eventID), a, nil)
}

// UploadEventAttachment attaches a file of up to [MaxAttachment] bytes to
// an event through an upload session, as [MailService.UploadAttachment]
// does to a message, and returns what it does.
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-createuploadsession
//
//meta:operation POST /users/{id}/events/{id}/attachments/createUploadSession
func (s *CalendarService) UploadEventAttachment(ctx context.Context, user, eventID, name, contentType string, r io.Reader, size int64, opts *UploadOptions) (*Attachment, *Response, error) {
	return s.client.uploadAttachment(ctx, eventAttachmentsPath(user, eventID), name, contentType, r, size, opts)
}

// DeleteEventAttachment removes an attachment from an event.
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-delete
//
//meta:operation DELETE /users/{id}/events/{id}/attachments/{id}
func (s *CalendarService) DeleteEventAttachment(ctx context.Context, user, eventID, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, eventAttachmentPath(user, eventID, id), nil)
}
