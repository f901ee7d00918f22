package graphperm

import "testing"

// BenchmarkLookup is what the sandbox pays on each request to find the
// permissions it needs: requests the table lists as they are, and forms of
// them it derives (a path under /users/{id}, a drive item by path, $value).
func BenchmarkLookup(b *testing.B) {
	reqs := []struct{ method, path string }{
		{"GET", "/v1.0/me/messages"},
		{"GET", "/v1.0/me/messages/AAMkAGI2TG93AAA="},
		{"PATCH", "/v1.0/me/events/AAMkAGI2THVSAAA="},
		{"GET", "/v1.0/users/adele@contoso.example/mailFolders/inbox/messages"},
		{"GET", "/v1.0/me/drive/root:/Documents/report.docx:/content"},
		{"GET", "/v1.0/me/messages/AAMkAGI2TG93AAA=/$value"},
	}
	Lookup("GET", "/v1.0/me") // build the table outside the timing
	b.ReportAllocs()
	for b.Loop() {
		for _, r := range reqs {
			if _, _, ok := Lookup(r.method, r.path); !ok {
				b.Fatalf("%s %s: not found", r.method, r.path)
			}
		}
	}
}
