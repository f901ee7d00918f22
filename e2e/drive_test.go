package e2e

import (
	"os"
	"strings"
	"testing"
)

// pythonWithRequests returns a Python interpreter that has the requests package: python3 on
// PATH, or the system's (where Debian's python3-requests installs it). Without one the test
// is skipped, except in CI, which installs it (.ci/run).
func pythonWithRequests(t *testing.T) string {
	t.Helper()
	if py := requestsPython(); py != "" {
		return py
	}
	if os.Getenv("CI") != "" {
		t.Fatal("no python3 with the requests package in CI (.ci/run installs python3-requests)")
	}
	t.Skip("needs python3 with the requests package")
	return ""
}

// driveChild uploads two files through Graph with plain requests, as an agent would: a small
// one in one PUT, a larger one through an upload session whose fragments go straight to the
// pre-authenticated upload URL; then downloads both, following Graph's 302 to the download
// URL, and compares SHA-256 digests.
const driveChild = `import hashlib, os, requests
G = "https://graph.microsoft.com/v1.0/me/drive/root:/"
H = {"Authorization": "Bearer " + os.environ["MICROSOFT_ACCESS_TOKEN"]}
small, big = os.urandom(100000), os.urandom(8 * 327680 + 4321)
r = requests.put(G + "small.bin:/content", data=small, headers=H)
r.raise_for_status()
r = requests.post(G + "big.bin:/createUploadSession", json={"item": {"@microsoft.graph.conflictBehavior": "replace"}}, headers=H)
r.raise_for_status()
upload = r.json()["uploadUrl"]
chunk = 3 * 327680
for off in range(0, len(big), chunk):
    part = big[off:off + chunk]
    r = requests.put(upload, data=part, headers={"Content-Range": "bytes %d-%d/%d" % (off, off + len(part) - 1, len(big))})
    r.raise_for_status()
assert r.status_code in (200, 201), r.status_code
for name, data in (("small.bin", small), ("big.bin", big)):
    r = requests.get(G + name + ":/content", headers=H)
    r.raise_for_status()
    assert [h.status_code for h in r.history] == [302], r.history
    assert hashlib.sha256(r.content).hexdigest() == hashlib.sha256(data).hexdigest(), name
    print(name, "ok")
`

// TestRunPythonDriveTransfers: a Python child under `authsome run` uploads (simple and
// session) and downloads files with plain requests through the proxy. Graph's requests carry
// the injected token; the pre-authenticated URLs on the sandbox's other host name, which the
// child reaches directly trusting the sandbox's CA that run adds to its bundle, never get a
// token.
func TestRunPythonDriveTransfers(t *testing.T) {
	t.Parallel()
	py := pythonWithRequests(t)
	e, tok := signedIn(t)
	r := e.run("", "run", "--", py, "-c", driveChild)
	if r.code != 0 || strings.Count(r.stdout, " ok\n") != 2 {
		t.Fatalf("the child failed (exit %d):\nstdout: %s\nstderr: %s", r.code, r.stdout, r.stderr)
	}
	if strings.Contains(r.stdout+r.stderr, tok) {
		t.Error("the child saw the real token")
	}
	preauth := 0
	for _, req := range e.sb.Requests() {
		if !strings.HasPrefix(req.Path, "/_content/") && !strings.HasPrefix(req.Path, "/_upload/") {
			continue
		}
		preauth++
		if a := req.Headers["Authorization"]; len(a) > 0 {
			t.Errorf("%s %s carried an Authorization header (the real token: %v)", req.Method, req.Path, a[0] == tokenHash(tok))
		}
	}
	if preauth != 5 { // three fragments and two downloads
		t.Errorf("%d requests to pre-authenticated URLs, want 5", preauth)
	}
	if e.withToken(t, "/v1.0/me/drive/root:/big.bin:/createUploadSession", tok) != 1 || e.withToken(t, "/v1.0/me/drive/root:/small.bin:/content", tok) != 2 {
		t.Error("Graph's requests did not all arrive with the injected token")
	}
}
