package msgraph

import (
	"context"
	"encoding/base64"
	"io"
	"net/http"
	"strings"
)

// Messages as MIME (RFC 5322): read a message's MIME content, send a MIME
// message, or save one as a draft. Graph takes MIME base64-encoded with
// Content-Type text/plain.

// DownloadMIME writes a message's MIME content to w (GET …/$value).
//
// Graph docs: https://learn.microsoft.com/graph/api/message-get (example: get MIME content)
//
//meta:operation GET /users/{id}/messages/{id}/$value
func (s *MailService) DownloadMIME(ctx context.Context, user, id string, w io.Writer) (*Response, error) {
	return s.client.downloadValue(ctx, messagePath(user, id)+"/$value", w)
}

// mimeRequest is a POST of a MIME message to path, base64-encoded as Graph
// takes it.
func (s *MailService) mimeRequest(ctx context.Context, path string, msg []byte) (*http.Request, error) {
	req, err := s.client.NewRequest(ctx, http.MethodPost, path, strings.NewReader(base64.StdEncoding.EncodeToString(msg)))
	if err != nil {
		return nil, err
	}
	req.Header.Set("Content-Type", "text/plain")
	return req, nil
}

// SendMIME sends a MIME message (its headers name the recipients) and saves
// it in Sent Items.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-sendmail (example: send a message using MIME format)
//
//meta:operation POST /users/{id}/sendMail
func (s *MailService) SendMIME(ctx context.Context, user string, msg []byte) (*Response, error) {
	req, err := s.mimeRequest(ctx, userPath(user)+"/sendMail", msg)
	if err != nil {
		return nil, err
	}
	return s.client.Do(req, nil)
}

// CreateDraftMIME saves a MIME message as a draft and returns it.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-post-messages (example: create a message using MIME format)
//
//meta:operation POST /users/{id}/messages
func (s *MailService) CreateDraftMIME(ctx context.Context, user string, msg []byte) (*Message, *Response, error) {
	req, err := s.mimeRequest(ctx, messagesPath(user), msg)
	if err != nil {
		return nil, nil, err
	}
	m := new(Message)
	resp, err := s.client.Do(req, m)
	if err != nil {
		return nil, resp, err
	}
	return m, resp, nil
}
