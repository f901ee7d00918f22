package msgraph

import (
	"context"
	"fmt"
	"io"
	"iter"
	"net/http"
)

// MaxInlineAttachment is the largest attachment Graph takes in one request
// (3 MB); larger ones, up to [MaxAttachment], go through an upload session
// ([MailService.UploadAttachment]).
const MaxInlineAttachment = 3 << 20

// MaxAttachment is the largest file Outlook attaches (150 MB).
const MaxAttachment = 150 << 20

func attachmentsPath(user, msgID string) string { return messagePath(user, msgID) + "/attachments" }

func attachmentPath(user, msgID, id string) string {
	return attachmentsPath(user, msgID) + "/" + escapeSegment(id)
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

// ListAttachmentsIter iterates over everything ListAttachments would page through.
func (s *MailService) ListAttachmentsIter(ctx context.Context, user, msgID string, opts *ListOptions) iter.Seq2[*Attachment, error] {
	var q query
	q.list(opts)
	return all[Attachment](ctx, s.client, q.on(attachmentsPath(user, msgID)), nil)
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
	return s.client.downloadValue(ctx, attachmentPath(user, msgID, id)+"/$value", w)
}

// AddFileAttachment attaches a file of up to [MaxInlineAttachment] bytes to
// a message (typically a draft) and returns the attachment.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-post-attachments
//
//meta:operation POST /users/{id}/messages/{id}/attachments
func (s *MailService) AddFileAttachment(ctx context.Context, user, msgID, name, contentType string, content []byte) (*Attachment, *Response, error) {
	if len(content) > MaxInlineAttachment {
		return nil, nil, fmt.Errorf("msgraph: attachment %q is %d bytes; Graph takes at most %d in one request (use UploadAttachment)",
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

// UploadAttachment attaches a file of up to [MaxAttachment] bytes to a
// draft through an upload session, in fragments of less than 4 MB (Outlook's
// limit; opts.ChunkSize is capped there), as [DriveService.Upload] does for
// files: the session's URL is pre-authenticated and gets no Graph
// credentials. Small files could use AddFileAttachment instead. It returns
// the attachment as uploaded (its ID when Outlook reports it, "" otherwise)
// and the Response of the last fragment.
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-createuploadsession
//
//meta:operation POST /users/{id}/messages/{id}/attachments/createUploadSession
func (s *MailService) UploadAttachment(ctx context.Context, user, msgID, name, contentType string, r io.Reader, size int64, opts *UploadOptions) (*Attachment, *Response, error) {
	return s.client.uploadAttachment(ctx, attachmentsPath(user, msgID), name, contentType, r, size, opts)
}

// maxAttachmentChunk is the largest fragment of an attachment's upload
// session: Outlook takes less than 4 MB a request.
const maxAttachmentChunk = 4 << 20 / UploadChunkUnit * UploadChunkUnit

// uploadAttachment attaches r (size bytes) to the item whose attachments
// are at path through an upload session.
func (c *Client) uploadAttachment(ctx context.Context, path, name, contentType string, r io.Reader, size int64, opts *UploadOptions) (*Attachment, *Response, error) {
	if size > MaxAttachment {
		return nil, nil, fmt.Errorf("msgraph: attachment %q is %d bytes; Outlook takes at most %d", name, size, MaxAttachment)
	}
	if contentType == "" {
		contentType = "application/octet-stream"
	}
	body := map[string]any{"AttachmentItem": map[string]any{
		"attachmentType": "file", "name": name, "size": size, "contentType": contentType}}
	sess, resp, err := doJSON[UploadSession](ctx, c, http.MethodPost, path+"/createUploadSession", body, nil)
	if err != nil {
		return nil, resp, err
	}
	var o UploadOptions
	if opts != nil {
		o = *opts
	}
	if o.ChunkSize <= 0 || o.ChunkSize > maxAttachmentChunk {
		o.ChunkSize = maxAttachmentChunk
	}
	item, resp, err := c.uploadChunks(ctx, sess, r, size, o)
	if err != nil {
		c.cancelUpload(ctx, sess.UploadURL)
		return nil, resp, fmt.Errorf("msgraph: attachment %s: %w", name, err)
	}
	return &Attachment{ID: item.ID, Name: name, ContentType: contentType, Size: int(size), ODataType: FileAttachmentType}, resp, nil
}
