package mail

import (
	"bytes"
	"encoding/base64"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"mime"
	"mime/multipart"
	"net/http"
	"net/textproto"
	"strconv"
	"strings"
)

// GET .../messages/{id}/$value: the message as MIME (RFC 5322), with its
// file attachments as parts of a multipart/mixed body.

func (s *Workload) messageMIME(w http.ResponseWriter, r *http.Request, u *user) {
	s.mu.Lock()
	var data []byte
	if m := s.mail.boxes[u.ID].message(r.PathValue("mid")); m != nil {
		data = m.mime()
	}
	s.mu.Unlock()
	if data == nil {
		s.Fail(w, r, graphkit.ErrItemNotFound)
		return
	}
	s.IDs(w, r)
	w.Header().Set("Content-Type", "text/plain")
	w.Header().Set("Content-Length", strconv.Itoa(len(data)))
	w.WriteHeader(http.StatusOK)
	_, _ = w.Write(data)
}

func mimeAddresses(rs []outlook.Recipient) string {
	var out []string
	for _, rc := range rs {
		a := "<" + rc.EmailAddress.Address + ">"
		if rc.EmailAddress.Name != "" {
			a = mime.QEncoding.Encode("utf-8", rc.EmailAddress.Name) + " " + a
		}
		out = append(out, a)
	}
	return strings.Join(out, ", ")
}

// wrap76 breaks base64 text into lines of 76 characters.
func wrap76(s string) string {
	var b strings.Builder
	for len(s) > 76 {
		b.WriteString(s[:76] + "\r\n")
		s = s[76:]
	}
	b.WriteString(s)
	return b.String()
}

func (m *mailMessage) mime() []byte {
	var b bytes.Buffer
	hdr := func(k, v string) {
		if v != "" {
			b.WriteString(k + ": " + v + "\r\n")
		}
	}
	if m.From != nil {
		hdr("From", mimeAddresses([]outlook.Recipient{*m.From}))
	}
	hdr("To", mimeAddresses(m.To))
	hdr("Cc", mimeAddresses(m.Cc))
	hdr("Subject", mime.QEncoding.Encode("utf-8", m.Subject))
	hdr("Date", m.Sent.UTC().Format("Mon, 02 Jan 2006 15:04:05 -0700"))
	hdr("Message-ID", m.InternetMessageID)
	for _, h := range m.InternetHeaders {
		hdr(h.Name, h.Value)
	}
	hdr("MIME-Version", "1.0")
	ct := "text/plain; charset=\"utf-8\""
	if m.Body.ContentType == "html" {
		ct = "text/html; charset=\"utf-8\""
	}
	body := wrap76(base64.StdEncoding.EncodeToString([]byte(m.Body.Content)))
	if len(m.Attachments) == 0 {
		hdr("Content-Type", ct)
		hdr("Content-Transfer-Encoding", "base64")
		b.WriteString("\r\n" + body + "\r\n")
		return b.Bytes()
	}
	var parts bytes.Buffer
	mw := multipart.NewWriter(&parts)
	hdr("Content-Type", "multipart/mixed; boundary=\""+mw.Boundary()+"\"")
	b.WriteString("\r\n")
	pw, _ := mw.CreatePart(textproto.MIMEHeader{"Content-Type": {ct}, "Content-Transfer-Encoding": {"base64"}})
	_, _ = pw.Write([]byte(body))
	for _, a := range m.Attachments {
		if a.ItemType != "" {
			continue // an attached item is not a file
		}
		disp := "attachment"
		if a.IsInline {
			disp = "inline"
		}
		h := textproto.MIMEHeader{
			"Content-Type":              {mime.FormatMediaType(a.ContentType, map[string]string{"name": a.Name})},
			"Content-Disposition":       {mime.FormatMediaType(disp, map[string]string{"filename": a.Name})},
			"Content-Transfer-Encoding": {"base64"},
		}
		if h["Content-Type"][0] == "" {
			h["Content-Type"] = []string{"application/octet-stream"}
		}
		if a.ContentID != "" {
			h["Content-ID"] = []string{"<" + a.ContentID + ">"}
		}
		aw, _ := mw.CreatePart(h)
		_, _ = aw.Write([]byte(wrap76(base64.StdEncoding.EncodeToString(a.Bytes))))
	}
	_ = mw.Close()
	b.Write(parts.Bytes())
	return b.Bytes()
}
