package mail

import (
	"bytes"
	"encoding/base64"
	"errors"
	"io"
	"mime"
	"mime/multipart"
	"mime/quotedprintable"
	"net/http"
	"net/mail"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// Messages in MIME: POST /me/messages and /me/sendMail with Content-Type
// text/plain take a base64 MIME message (RFC 5322) instead of JSON: its
// headers become the message's recipients, subject and internet message id
// (x- headers its internetMessageHeaders), its first text part the body
// (HTML preferred in multipart/alternative) and its other parts file
// attachments.

// isMIME reports whether r sends a MIME message (text/plain) rather than JSON.
func isMIME(r *http.Request) bool {
	mt, _, _ := mime.ParseMediaType(r.Header.Get("Content-Type"))
	return mt == "text/plain"
}

var (
	errMIMEBase64 = graphkit.Err(400, "ErrorMimeContentInvalidBase64String", "Invalid base64 string for MIME content.")
	errMIME       = graphkit.Err(400, "ErrorMimeContentInvalid", "The MIME content is not a valid message.")
)

// readMIME reads r's base64 MIME message into a new draft.
func readMIME(w http.ResponseWriter, r *http.Request, now time.Time) (*mailMessage, *graphkit.Error) {
	raw, err := io.ReadAll(http.MaxBytesReader(w, r.Body, MaxMessageBody))
	var mbe *http.MaxBytesError
	switch {
	case errors.As(err, &mbe):
		return nil, graphkit.Err(413, "ErrorRequestEntityTooLarge", "The request body is over the sandbox's limit for a message.")
	case err != nil:
		return nil, graphkit.BadRequest("The request body could not be read.")
	}
	data, err := base64.StdEncoding.DecodeString(strings.Join(strings.Fields(string(raw)), ""))
	if err != nil || len(data) == 0 {
		return nil, errMIMEBase64
	}
	msg, err := mail.ReadMessage(bytes.NewReader(data))
	if err != nil {
		return nil, errMIME
	}
	m := newDraft(now)
	dec := new(mime.WordDecoder)
	if s, err := dec.DecodeHeader(msg.Header.Get("Subject")); err == nil {
		m.Subject = s
	}
	for _, f := range []struct {
		name string
		to   *[]outlook.Recipient
	}{{"To", &m.To}, {"Cc", &m.Cc}, {"Bcc", &m.Bcc}, {"Reply-To", &m.ReplyTo}} {
		*f.to = mimeRecipients(msg.Header, f.name)
	}
	if from := mimeRecipients(msg.Header, "From"); len(from) > 0 {
		m.From = &from[0]
	}
	m.InternetMessageID = msg.Header.Get("Message-ID")
	for k, vs := range msg.Header {
		if strings.HasPrefix(strings.ToLower(k), "x-") {
			for _, v := range vs {
				m.InternetHeaders = append(m.InternetHeaders, internetHeader{Name: k, Value: v})
			}
		}
	}
	if ge := readMIMEPart(m, msg.Header.Get("Content-Type"), msg.Header.Get("Content-Transfer-Encoding"), "", msg.Body, now); ge != nil {
		return nil, ge
	}
	return m, nil
}

// mimeRecipients are the addresses of header name.
func mimeRecipients(h mail.Header, name string) []outlook.Recipient {
	list, err := h.AddressList(name)
	if err != nil {
		return nil
	}
	out := []outlook.Recipient{}
	for _, a := range list {
		out = append(out, outlook.Recipient{EmailAddress: outlook.EmailAddress{Name: a.Name, Address: a.Address}})
	}
	return out
}

// decodeCTE undoes a part's Content-Transfer-Encoding.
func decodeCTE(body io.Reader, cte string) ([]byte, error) {
	switch strings.ToLower(strings.TrimSpace(cte)) {
	case "base64":
		body = base64.NewDecoder(base64.StdEncoding, &noSpace{r: body})
	case "quoted-printable":
		body = quotedprintable.NewReader(body)
	}
	return io.ReadAll(body)
}

// noSpace drops line breaks and spaces, which base64 parts carry.
type noSpace struct{ r io.Reader }

func (n *noSpace) Read(p []byte) (int, error) {
	k, err := n.r.Read(p)
	j := 0
	for _, b := range p[:k] {
		if b != '\r' && b != '\n' && b != ' ' && b != '\t' {
			p[j] = b
			j++
		}
	}
	return j, err
}

// readMIMEPart reads one part (a whole message's body included) into m:
// multiparts part by part, text as the body (when not yet set, or HTML over
// text in multipart/alternative), anything else, or text sent as an
// attachment, as a file attachment.
func readMIMEPart(m *mailMessage, ct, cte, disposition string, body io.Reader, now time.Time) *graphkit.Error {
	if ct == "" {
		ct = "text/plain"
	}
	mt, params, err := mime.ParseMediaType(ct)
	if err != nil {
		return errMIME
	}
	if strings.HasPrefix(mt, "multipart/") {
		mr := multipart.NewReader(body, params["boundary"])
		for {
			p, err := mr.NextRawPart()
			if err == io.EOF {
				return nil
			}
			if err != nil {
				return errMIME
			}
			h := p.Header
			if ge := readMIMEPart(m, h.Get("Content-Type"), h.Get("Content-Transfer-Encoding"), h.Get("Content-Disposition"), p, now); ge != nil {
				return ge
			}
			if mt == "multipart/alternative" && m.Body.Content != "" && m.Body.ContentType == "html" {
				return nil
			}
		}
	}
	data, err := decodeCTE(body, cte)
	if err != nil {
		return errMIME
	}
	disp, dparams, _ := mime.ParseMediaType(disposition)
	name := dparams["filename"]
	if name == "" {
		name = params["name"]
	}
	isText := mt == "text/plain" || mt == "text/html"
	if isText && disp != "attachment" && name == "" {
		if m.Body.Content == "" || mt == "text/html" {
			m.Body = outlook.ItemBody{ContentType: "text", Content: string(data)}
			if mt == "text/html" {
				m.Body.ContentType = "html"
			}
		}
		return nil
	}
	if name == "" {
		name = "attachment"
	}
	a := &mailAttachment{Name: name, ContentType: mt, IsInline: disp == "inline", Modified: now, Bytes: data}
	m.Attachments = append(m.Attachments, a)
	return nil
}
