package msgraph

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math/rand/v2"
	"net/http"
	"net/http/httptest"
	"strconv"
	"strings"
	"sync"
	"testing"
)

// bearer adds a token to every request it carries, as broker.Transport does:
// the client must keep it away from pre-authenticated URLs itself.
type bearer struct{ base http.RoundTripper }

func (b bearer) RoundTrip(r *http.Request) (*http.Response, error) {
	r = r.Clone(r.Context())
	r.Header.Set("Authorization", "Bearer GRAPH-TOKEN")
	return b.base.RoundTrip(r)
}

// driveSetup returns a client whose Graph requests carry a token, the Graph
// mux, and a "SharePoint" mux for pre-authenticated URLs that fails the test
// on any request with an Authorization header.
func driveSetup(t *testing.T) (*Client, *http.ServeMux, *http.ServeMux, string) {
	c, mux, _ := setup(t)
	c.client = c.graphOnly(&http.Client{Transport: bearer{c.client.Transport}})
	pre := http.NewServeMux()
	sp := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if a := r.Header.Get("Authorization"); a != "" {
			t.Errorf("pre-authenticated URL %s got Authorization %q", r.URL.Path, a)
		}
		pre.ServeHTTP(w, r)
	}))
	t.Cleanup(sp.Close)
	c.preauth = sp.Client()
	return c, mux, pre, sp.URL
}

func TestDownloadFollowsRedirectWithoutToken(t *testing.T) {
	c, mux, pre, spURL := driveSetup(t)
	content := bytes.Repeat([]byte("xlsx!"), 100000)
	mux.HandleFunc("GET /v1.0/me/drive/items/{id}/content", func(w http.ResponseWriter, r *http.Request) {
		if r.Header.Get("Authorization") == "" {
			t.Error("Graph request without token")
		}
		http.Redirect(w, r, spURL+"/download.aspx?UniqueId="+r.PathValue("id")+"&tempauth=SECRET", http.StatusFound)
	})
	pre.HandleFunc("GET /download.aspx", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.Query().Get("tempauth") != "SECRET" {
			t.Errorf("query %v", r.URL.Query())
		}
		w.Write(content)
	})
	var buf bytes.Buffer
	resp, err := c.Drive.Download(t.Context(), MyDrive, "01ABC", &buf, nil)
	if err != nil || resp.Written != int64(len(content)) || !bytes.Equal(buf.Bytes(), content) {
		t.Fatalf("Download: %d bytes, %v", written(resp), err)
	}

	// A failing pre-authenticated fetch does not print its token.
	mux.HandleFunc("GET /v1.0/drives/d1/items/gone/content", func(w http.ResponseWriter, r *http.Request) {
		http.Redirect(w, r, "http://127.0.0.1:1/download.aspx?tempauth=SECRET", http.StatusFound)
	})
	_, err = c.Drive.Download(t.Context(), DriveByID("d1"), "gone", io.Discard, nil)
	if err == nil || strings.Contains(err.Error(), "SECRET") {
		t.Errorf("error %v (must exist and not contain the tempauth token)", err)
	}
}

func TestSmallUpload(t *testing.T) {
	c, mux, _, _ := driveSetup(t)
	mux.HandleFunc("PUT /v1.0/me/drive/items/{rest...}", func(w http.ResponseWriter, r *http.Request) {
		if r.URL.EscapedPath() != "/v1.0/me/drive/items/F1:/Q1%20plan%231.txt:/content" ||
			r.URL.Query().Get("@microsoft.graph.conflictBehavior") != "rename" || r.Header.Get("Content-Type") != "application/octet-stream" {
			t.Errorf("PUT %s %v", r.URL.EscapedPath(), r.URL.Query())
		}
		b, _ := io.ReadAll(r.Body)
		w.WriteHeader(201)
		fmt.Fprintf(w, `{"id":"new","name":"Q1 plan#1.txt","size":%d,"file":{"mimeType":"text/plain"}}`, len(b))
	})
	var progress []int64
	item, _, err := c.Drive.Upload(t.Context(), MyDrive, "F1", "Q1 plan#1.txt", strings.NewReader("hello"), 5,
		&UploadOptions{Conflict: ConflictRename, Progress: func(sent, total int64) { progress = append(progress, sent) }})
	if err != nil || item.ID != "new" || item.Size != 5 || item.IsFolder() || len(progress) != 1 {
		t.Fatalf("Upload: %+v %v %v", item, err, progress)
	}
	if _, _, err := c.Drive.Upload(t.Context(), MyDrive, "", "a.txt", strings.NewReader("hi"), 5, nil); err == nil {
		t.Error("short reader accepted")
	}
	if _, _, err := c.Drive.Upload(t.Context(), MyDrive, "", "a/b.txt", strings.NewReader("hi"), 2, nil); err == nil {
		t.Error("name with a slash accepted")
	}
}

// sessionServer emulates an upload session on the pre-auth host: chunks in
// order, multiples of 320 KiB but the last, Content-Range checked; the first
// chunk is refused once with 503 + Retry-After; rewindAt makes the server ask
// once for an earlier range.
type sessionServer struct {
	mu       sync.Mutex
	got      bytes.Buffer
	total    int64
	refused  bool
	rewindAt int64
	rewound  bool
	deleted  bool
}

func (s *sessionServer) handle(t *testing.T) http.HandlerFunc {
	return func(w http.ResponseWriter, r *http.Request) {
		s.mu.Lock()
		defer s.mu.Unlock()
		if r.Method == "DELETE" {
			s.deleted = true
			w.WriteHeader(204)
			return
		}
		var start, end, total int64
		if _, err := fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total); err != nil {
			t.Errorf("Content-Range %q", r.Header.Get("Content-Range"))
		}
		b, _ := io.ReadAll(r.Body)
		if int64(len(b)) != end-start+1 || total != s.total {
			t.Errorf("range %d-%d/%d with %d bytes", start, end, total, len(b))
		}
		if end+1 < total && len(b)%UploadChunkUnit != 0 {
			t.Errorf("chunk of %d bytes is not a multiple of 320 KiB", len(b))
		}
		if !s.refused {
			s.refused = true
			w.Header().Set("Retry-After", "1")
			graphError(w, 503, "serviceNotAvailable", "Try again.")
			return
		}
		if start != int64(s.got.Len()) {
			w.WriteHeader(416)
			return
		}
		s.got.Write(b)
		if s.rewindAt > 0 && !s.rewound && int64(s.got.Len()) > s.rewindAt {
			s.rewound = true
			s.got.Truncate(int(s.rewindAt))
		}
		if int64(s.got.Len()) == s.total {
			w.WriteHeader(201)
			fmt.Fprintf(w, `{"id":"big","size":%d,"file":{}}`, s.total)
			return
		}
		w.WriteHeader(202)
		json.NewEncoder(w).Encode(map[string]any{"nextExpectedRanges": []string{strconv.Itoa(s.got.Len()) + "-"}})
	}
}

func TestSessionUpload(t *testing.T) {
	data := make([]byte, SimpleUploadMax+1234567)
	for i := range data {
		data[i] = byte(rand.IntN(256))
	}
	for _, tc := range []struct {
		name     string
		rewindAt int64
		reader   func() io.Reader
		wantErr  bool
	}{
		{"in order", 0, func() io.Reader { return bytes.NewReader(data) }, false},
		{"server asks for an earlier range, seekable source", 500000, func() io.Reader { return bytes.NewReader(data) }, false},
		{"server asks for an earlier range, stream", 500000, func() io.Reader { return io.MultiReader(bytes.NewReader(data)) }, true},
	} {
		t.Run(tc.name, func(t *testing.T) {
			c, mux, pre, spURL := driveSetup(t)
			var waits []int
			c.notify = func(e RetryEvent) { waits = append(waits, int(e.Wait.Seconds())) }
			srv := &sessionServer{total: int64(len(data)), rewindAt: tc.rewindAt}
			pre.HandleFunc("/up/", srv.handle(t))
			mux.HandleFunc("POST /v1.0/me/drive/{rest...}", func(w http.ResponseWriter, r *http.Request) {
				var body struct {
					Item map[string]string `json:"item"`
				}
				json.NewDecoder(r.Body).Decode(&body)
				if r.URL.EscapedPath() != "/v1.0/me/drive/root:/big.bin:/createUploadSession" || body.Item["name"] != "big.bin" ||
					body.Item["@microsoft.graph.conflictBehavior"] != "replace" {
					t.Errorf("createUploadSession %s %v", r.URL.EscapedPath(), body)
				}
				fmt.Fprintf(w, `{"uploadUrl":%q,"expirationDateTime":"2030-01-01T00:00:00Z","nextExpectedRanges":["0-"]}`, spURL+"/up/session?tempauth=x")
			})
			var last int64
			item, _, err := c.Drive.Upload(t.Context(), MyDrive, "", "big.bin", tc.reader(), int64(len(data)),
				&UploadOptions{ChunkSize: 1 << 20, Progress: func(sent, total int64) {
					if total != int64(len(data)) {
						t.Errorf("progress total %d", total)
					}
					last = sent
				}})
			if tc.wantErr {
				if err == nil || !strings.Contains(err.Error(), "cannot seek") || !srv.deleted {
					t.Errorf("err %v, session cancelled %v", err, srv.deleted)
				}
				return
			}
			if err != nil || item.ID != "big" || !bytes.Equal(srv.got.Bytes(), data) || last != int64(len(data)) {
				t.Fatalf("Upload: %+v %v (server has %d of %d bytes, progress %d)", item, err, srv.got.Len(), len(data), last)
			}
			if len(waits) != 1 || waits[0] != 1 {
				t.Errorf("retry waits %v, want [1] (the 503's Retry-After)", waits)
			}
		})
	}
}

func TestDrivePaths(t *testing.T) {
	c, mux, _, _ := driveSetup(t)
	var paths []string
	mux.HandleFunc("/v1.0/", func(w http.ResponseWriter, r *http.Request) {
		paths = append(paths, r.Method+" "+r.URL.EscapedPath()+" "+r.URL.RawQuery)
		io.WriteString(w, `{"id":"x","value":[],"@odata.deltaLink":"http://x/d"}`)
	})
	ctx := t.Context()
	c.Drive.GetItemByPath(ctx, MyDrive, "/Documents/Q1 plan#1.xlsx", nil)
	c.Drive.GetItemByPath(ctx, UserDrive("adele@contoso.com"), "", nil)
	c.Drive.ListChildren(ctx, GroupDrive("g1"), "", &ListOptions{Top: 5})
	c.Drive.Search(ctx, SiteDrive("contoso.sharepoint.com,1,2"), "Bob's plan/2025", nil)
	c.Drive.Delta(ctx, DriveByID("b!x"), &DeltaOptions{Link: "latest"})
	c.Drive.CreateFolder(ctx, MyDrive, "P1", "New", "")
	want := []string{
		"GET /v1.0/me/drive/root:/Documents/Q1%20plan%231.xlsx: ",
		"GET /v1.0/users/adele@contoso.com/drive/root ",
		"GET /v1.0/groups/g1/drive/root/children $top=5",
		"GET /v1.0/sites/contoso.sharepoint.com,1,2/drive/root/search(q='Bob''s%20plan%2F2025') ",
		"GET /v1.0/drives/b!x/root/delta token=latest",
		"POST /v1.0/me/drive/items/P1/children ",
	}
	if strings.Join(paths, "\n") != strings.Join(want, "\n") {
		t.Errorf("paths\n%s\nwant\n%s", strings.Join(paths, "\n"), strings.Join(want, "\n"))
	}
}

func TestUploadAttachment(t *testing.T) {
	c, mux, pre, spURL := driveSetup(t)
	data := bytes.Repeat([]byte("0123456789abcdef"), (MaxInlineAttachment+500000)/16)
	var got bytes.Buffer
	pre.HandleFunc("PUT /up", func(w http.ResponseWriter, r *http.Request) {
		var start, end, total int64
		fmt.Sscanf(r.Header.Get("Content-Range"), "bytes %d-%d/%d", &start, &end, &total)
		b, _ := io.ReadAll(r.Body)
		if start != int64(got.Len()) || total != int64(len(data)) {
			t.Errorf("range %d-%d/%d after %d bytes", start, end, total, got.Len())
		}
		got.Write(b)
		if got.Len() == len(data) {
			w.Header().Set("Location", "https://outlook.office.com/api/v2.0/Users('u')/Messages('m')/Attachments('AAMkATT=')")
			w.WriteHeader(201)
			return
		}
		w.WriteHeader(200)
		fmt.Fprintf(w, `{"nextExpectedRanges":["%d"]}`, got.Len())
	})
	mux.HandleFunc("POST /v1.0/me/messages/{id}/attachments/createUploadSession", func(w http.ResponseWriter, r *http.Request) {
		var body struct{ AttachmentItem map[string]any }
		json.NewDecoder(r.Body).Decode(&body)
		if body.AttachmentItem["attachmentType"] != "file" || body.AttachmentItem["size"] != float64(len(data)) || body.AttachmentItem["name"] != "deck.pdf" {
			t.Errorf("session body %v", body)
		}
		fmt.Fprintf(w, `{"uploadUrl":%q,"nextExpectedRanges":["0-"]}`, spURL+"/up")
	})
	idAtt, _, err := c.Mail.UploadAttachment(t.Context(), "me", "m1", "deck.pdf", "application/pdf", bytes.NewReader(data), int64(len(data)), &UploadOptions{ChunkSize: 2 << 20})
	if err != nil || idAtt.ID != "AAMkATT=" || !bytes.Equal(got.Bytes(), data) {
		t.Fatalf("UploadAttachment: %+v %v (%d of %d bytes)", idAtt, err, got.Len(), len(data))
	}
	if _, _, err := c.Mail.AddFileAttachment(t.Context(), "me", "m1", "big.bin", "", data); err == nil || !strings.Contains(err.Error(), "UploadAttachment") {
		t.Errorf("large inline attachment: %v", err)
	}
}
