package sandbox

import (
	"encoding/base64"
	"encoding/json"
	"io"
	"strings"
	"testing"
)

// TestMailMIMECreateAndSend: POST /me/messages and /me/sendMail with
// Content-Type text/plain take a base64 MIME message; anything else there is
// Graph's 400 ErrorMimeContentInvalidBase64String.
func TestMailMIMECreateAndSend(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	post := func(path, body string) (int, map[string]any) {
		t.Helper()
		h := map[string]string{"Content-Type": "text/plain"}
		for k, v := range adele {
			h[k] = v
		}
		resp := e.do("POST", path, strings.NewReader(body), h, nil)
		data, _ := io.ReadAll(resp.Body)
		var out map[string]any
		_ = json.Unmarshal(data, &out)
		return resp.StatusCode, out
	}
	mimeMsg := "To: AlexW@" + TenantDomain + "\r\nSubject: Hi in MIME\r\nContent-Type: text/html\r\n\r\n<p>Hi</p>"
	st, d := post("/v1.0/me/messages", base64.StdEncoding.EncodeToString([]byte(mimeMsg)))
	if st != 201 || d["subject"] != "Hi in MIME" || d["isDraft"] != true || d["body"].(map[string]any)["contentType"] != "html" {
		t.Fatalf("MIME create: %d %v", st, d)
	}
	if st, d := post("/v1.0/me/sendMail", base64.StdEncoding.EncodeToString([]byte(mimeMsg))); st != 202 {
		t.Fatalf("MIME send: %d %v", st, d)
	}
	st, d = post("/v1.0/me/sendMail", "not base64 at all!")
	if code, _ := d["error"].(map[string]any)["code"].(string); st != 400 || code != "ErrorMimeContentInvalidBase64String" {
		t.Fatalf("bad base64: %d %v", st, d)
	}
}
