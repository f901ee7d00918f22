package sandbox

import (
	"bytes"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"strings"
	"testing"
)

// TestDriveCopyMonitor: copy is 202 with a monitor URL on the other host
// name that takes no Authorization; a folder's monitor reports inProgress
// once, then completed with the new folder's id; the folder is copied with
// what is below it, and conflicts follow @microsoft.graph.conflictBehavior
// (fail: the monitor reports the copy failed with nameAlreadyExists).
func TestDriveCopyMonitor(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	launch := d.call("GET", "/v1.0/me/drive/root:/Projects/Launch", nil, 200)["id"].(string)
	copyReq := func(id, query string, body map[string]any, want int) string {
		t.Helper()
		data, _ := json.Marshal(body)
		resp := e.do("POST", "/v1.0/me/drive/items/"+id+"/copy"+query, bytes.NewReader(data),
			map[string]string{"Authorization": d.tok, "Content-Type": "application/json"}, nil)
		msg, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != want {
			t.Fatalf("copy %s%s: %d, want %d: %s", id, query, resp.StatusCode, want, msg)
		}
		return resp.Header.Get("Location")
	}
	to := map[string]any{"parentReference": map[string]any{"path": "/drive/root:/Documents"}}
	loc := copyReq(launch, "", to, 202)
	u, _ := url.Parse(loc)
	base, _ := url.Parse(e.base)
	if u == nil || u.Hostname() != "localhost" || u.Port() != base.Port() || !strings.HasPrefix(u.Path, "/_monitor/") {
		t.Fatalf("Location %q: want a monitor on the other host name (localhost) of %s", loc, base)
	}
	poll := func(hdr map[string]string) (*http.Response, map[string]any) {
		req, _ := http.NewRequest("GET", loc, nil)
		for k, v := range hdr {
			req.Header.Set(k, v)
		}
		resp, err := e.c.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		defer resp.Body.Close()
		var out map[string]any
		_ = json.NewDecoder(resp.Body).Decode(&out)
		return resp, out
	}
	if r, _ := poll(map[string]string{"Authorization": d.tok}); r.StatusCode != 401 {
		t.Errorf("monitor with the Graph token: %d, want 401", r.StatusCode)
	}
	r, first := poll(nil)
	if r.StatusCode != 202 || first["status"] != "inProgress" || r.Header.Get("Retry-After") == "" {
		t.Errorf("first poll of a folder's copy: %d %v (Retry-After %q), want 202 inProgress with Retry-After", r.StatusCode, first, r.Header.Get("Retry-After"))
	}
	r, done := poll(nil)
	if r.StatusCode != 200 || done["status"] != "completed" || done["percentageComplete"] != 100.0 || done["resourceId"] == nil {
		t.Fatalf("second poll: %d %v, want completed", r.StatusCode, done)
	}
	id := done["resourceId"].(string)
	if id == launch || first["resourceId"] != id {
		t.Errorf("resourceId %v then %v; want the new folder's id, not %s", first["resourceId"], id, launch)
	}
	got := d.call("GET", "/v1.0/me/drive/items/"+id, nil, 200)
	if got["name"] != "Launch" || got["parentReference"].(map[string]any)["path"] != "/drive/root:/Documents" {
		t.Errorf("copy: %v", got)
	}
	if names := itemNames(d.call("GET", "/v1.0/me/drive/root:/Documents/Launch:/children", nil, 200)); strings.Join(names, ",") != "Checklist.txt,Plan.md" {
		t.Errorf("copied folder holds %v", names)
	}
	orig := d.call("GET", "/v1.0/me/drive/root:/Projects/Launch/Plan.md", nil, 200)
	dup := d.call("GET", "/v1.0/me/drive/root:/Documents/Launch/Plan.md", nil, 200)
	if orig["id"] == dup["id"] || orig["size"] != dup["size"] {
		t.Errorf("copied file: %v, original %v", dup, orig)
	}

	loc = copyReq(launch, "", to, 202) // the name is taken: the copy is accepted, then fails
	if r, out := poll(nil); r.StatusCode != 200 || out["status"] != "failed" || out["error"].(map[string]any)["code"] != "nameAlreadyExists" {
		t.Errorf("a copy onto a taken name: %d %v, want failed with nameAlreadyExists", r.StatusCode, out)
	}
	loc = copyReq(launch, "?@microsoft.graph.conflictBehavior=rename", to, 202)
	poll(nil)
	if _, out := poll(nil); d.call("GET", "/v1.0/me/drive/items/"+out["resourceId"].(string), nil, 200)["name"] != "Launch 1" {
		t.Errorf("renamed copy: %v", out)
	}
	plan := orig["id"].(string)
	loc = copyReq(plan, "", map[string]any{"parentReference": map[string]any{"id": launch}, "name": "Plan (copy).md"}, 202)
	if r, out := poll(nil); r.StatusCode != 200 || out["status"] != "completed" { // a file: done at once
		t.Errorf("a file's copy: %d %v", r.StatusCode, out)
	}
	copyReq(launch, "", map[string]any{"parentReference": map[string]any{"id": launch}}, 400) // into itself

	var monitors, withAuth int
	for _, entry := range e.s.Requests() {
		if strings.HasPrefix(entry.Path, "/_monitor/") {
			monitors++
			if len(entry.Headers["Authorization"]) > 0 {
				withAuth++
			}
		}
	}
	if monitors != 7 || withAuth != 1 {
		t.Errorf("request log: %d monitor polls, %d with Authorization; want 7 and 1", monitors, withAuth)
	}
}
