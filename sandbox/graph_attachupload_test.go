package sandbox

import (
	"bytes"
	"fmt"
	"strings"
	"testing"
)

// TestAttachmentUploadSession: an attachment's upload session takes
// fragments by the shared byte-range rules (in order, none over 4 MB, any
// size), reports nextExpectedRanges, refuses a Graph token, and its last
// fragment attaches the file (201, Location, no body).
func TestAttachmentUploadSession(t *testing.T) {
	t.Parallel()
	e := startMail(t)
	adele := e.as(0, rw)
	var d map[string]any
	e.must(201, "POST", "/v1.0/me/messages", adele, map[string]any{"subject": "Upload"}, &d)
	mid := d["id"].(string)
	data := bytes.Repeat([]byte("x"), 5<<20+3)
	var sess map[string]any
	e.must(201, "POST", "/v1.0/me/messages/"+mid+"/attachments/createUploadSession", adele, map[string]any{
		"AttachmentItem": map[string]any{"attachmentType": "file", "name": "big.txt", "size": len(data), "contentType": "text/plain"}}, &sess)
	u, _ := sess["uploadUrl"].(string)
	if u == "" || strings.Contains(u, "/v1.0/") || fmt.Sprint(sess["nextExpectedRanges"]) != fmt.Sprintf("[0-%d]", len(data)-1) {
		t.Fatalf("session: %v", sess)
	}
	s := &uploadSession{t: t, e: e.env, url: u}
	put := func(first, last int, hdr map[string]string) (int, map[string]any) {
		h := map[string]string{"Content-Range": fmt.Sprintf("bytes %d-%d/%d", first, last, len(data))}
		for k, v := range hdr {
			h[k] = v
		}
		return s.send("PUT", data[first:last+1], h)
	}
	if st, _ := put(0, 99, adele); st != 401 {
		t.Errorf("fragment with a Graph token: %d, want 401", st)
	}
	if st, _ := put(0, 4<<20, nil); st != 413 {
		t.Errorf("fragment over 4 MB: %d, want 413", st)
	}
	if st, out := put(0, 1000, nil); st != 200 || fmt.Sprint(out["nextExpectedRanges"]) != fmt.Sprintf("[1001-%d]", len(data)-1) {
		t.Fatalf("first fragment: %d %v", st, out)
	}
	if st, _ := put(500, 2000, nil); st != 416 {
		t.Errorf("overlapping fragment: %d, want 416", st)
	}
	if st, _ := put(3000, 4000, nil); st != 416 {
		t.Errorf("fragment after a gap: %d, want 416", st)
	}
	if st, out := s.send("GET", nil, nil); st != 200 || fmt.Sprint(out["nextExpectedRanges"]) != fmt.Sprintf("[1001-%d]", len(data)-1) {
		t.Errorf("status: %d %v", st, out)
	}
	if st, _ := put(1001, 4<<20, nil); st != 200 {
		t.Fatalf("second fragment: %d", st)
	}
	req := func() (int, string) {
		st, out := put(4<<20+1, len(data)-1, nil)
		return st, fmt.Sprint(out)
	}
	st, out := req()
	if st != 201 || out != "map[]" {
		t.Fatalf("last fragment: %d %s", st, out)
	}
	var list struct {
		Value []struct {
			Name string `json:"name"`
			Size int    `json:"size"`
		}
	}
	e.must(200, "GET", "/v1.0/me/messages/"+mid+"/attachments?$select=name,size", adele, nil, &list)
	if len(list.Value) != 1 || list.Value[0].Name != "big.txt" || list.Value[0].Size != len(data) {
		t.Fatalf("attachments: %+v", list.Value)
	}
	if st, _ := s.send("GET", nil, nil); st != 404 {
		t.Errorf("finished session: %d, want 404", st)
	}

	// DELETE cancels a session.
	e.must(201, "POST", "/v1.0/me/messages/"+mid+"/attachments/createUploadSession", adele, map[string]any{
		"AttachmentItem": map[string]any{"attachmentType": "file", "name": "c.txt", "size": 10}}, &sess)
	c := &uploadSession{t: t, e: e.env, url: sess["uploadUrl"].(string)}
	if st, _ := c.send("DELETE", nil, nil); st != 204 {
		t.Errorf("cancel: %d", st)
	}
	if st, _ := c.send("PUT", []byte("0123456789"), map[string]string{"Content-Range": "bytes 0-9/10"}); st != 404 {
		t.Errorf("fragment to a cancelled session: %d, want 404", st)
	}
}
