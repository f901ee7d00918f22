package msgraph

import (
	"context"
	"fmt"
	"io"
	"net/http"
	"net/url"
)

// MaxInlineAttachment is the largest attachment Graph takes in one request
// (3 MB); larger ones need an upload session.
const MaxInlineAttachment = 3 << 20

func attachmentsPath(user, msgID string) string { return messagePath(user, msgID) + "/attachments" }

func attachmentPath(user, msgID, id string) string {
	return attachmentsPath(user, msgID) + "/" + url.PathEscape(id)
}

// ListAttachments returns a message's attachments, without their content.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-list-attachments
//
//meta:operation GET /users/{id}/messages/{id}/attachments
func (s *MailService) ListAttachments(ctx context.Context, user, msgID string, opts *ListOptions) ([]*Attachment, *Response, error) {
	var q query
	q.list(opts)
	return getPage[Attachment](ctx, s.client, q.on(attachmentsPath(user, msgID)), nil)
}

// GetAttachment returns an attachment with its content (ContentBytes).
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-get
//
//meta:operation GET /users/{id}/messages/{id}/attachments/{id}
func (s *MailService) GetAttachment(ctx context.Context, user, msgID, id string) (*Attachment, *Response, error) {
	return getOne[Attachment](ctx, s.client, attachmentPath(user, msgID, id))
}

// DownloadAttachment writes an attachment's raw content to w (GET …/$value),
// without holding it in memory.
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-get
//
//meta:operation GET /users/{id}/messages/{id}/attachments/{id}/$value
func (s *MailService) DownloadAttachment(ctx context.Context, user, msgID, id string, w io.Writer) (*Response, error) {
	req, err := s.client.NewRequest(ctx, http.MethodGet, attachmentPath(user, msgID, id)+"/$value", nil)
	if err != nil {
		return nil, err
	}
	req.Header.Set("Accept", "*/*")
	return s.client.Do(req, w)
}

// AddFileAttachment attaches a file of up to [MaxInlineAttachment] bytes to
// a message (typically a draft) and returns the attachment.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-post-attachments
//
//meta:operation POST /users/{id}/messages/{id}/attachments
func (s *MailService) AddFileAttachment(ctx context.Context, user, msgID, name, contentType string, content []byte) (*Attachment, *Response, error) {
	if len(content) > MaxInlineAttachment {
		return nil, nil, fmt.Errorf("msgraph: attachment %q is %d bytes; Graph takes at most %d in one request",
			name, len(content), MaxInlineAttachment)
	}
	if contentType == "" {
		contentType = http.DetectContentType(content)
	}
	a := &Attachment{ODataType: FileAttachmentType, Name: name, ContentType: contentType, ContentBytes: content}
	return doJSON[Attachment](ctx, s.client, http.MethodPost, attachmentsPath(user, msgID), a, nil)
}

// DeleteAttachment removes an attachment from a message.
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-delete
//
//meta:operation DELETE /users/{id}/messages/{id}/attachments/{id}
func (s *MailService) DeleteAttachment(ctx context.Context, user, msgID, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, attachmentPath(user, msgID, id), nil)
}
