package e2e

import (
	"bufio"
	"bytes"
	"context"
	"crypto/tls"
	"crypto/x509"
	"encoding/json"
	"io/fs"
	"net/http"
	"net/url"
	"os"
	"os/exec"
	"path/filepath"
	"strconv"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// The acceptance bounds for a 1 GiB transfer.
const (
	transferSize       = 1 << 30
	clientRSSBound     = 64 << 20
	sandboxRSSBound    = 128 << 20
	transferChunk      = 10 << 20 // msgraph's default fragment
	transferFragments  = (transferSize + transferChunk - 1) / transferChunk
	transferRunTimeout = 5 * time.Minute
)

// TestTransfer1GiB is the acceptance test of large files: 1 GiB uploaded
// through msgraph's upload session to `authsome sandbox` running as its own
// process (over TLS, as users run it), downloaded back through the content
// redirect, digests compared. The client runs in a process of its own
// (testdata/transferclient, run as `authsome export` runs a program: the
// token in MICROSOFT_ACCESS_TOKEN) so that its peak RSS is its own: under 64 MiB;
// the sandbox's peak RSS (VmHWM) stays under 128 MiB, the file's bytes on
// disk in its state folder. The sandbox's request log shows that no request to a
// pre-authenticated URL carried an Authorization header.
func TestTransfer1GiB(t *testing.T) {
	if testing.Short() {
		t.Skip("moves 2 GiB through the sandbox")
	}
	ctx, cancel := context.WithTimeout(t.Context(), transferRunTimeout)
	defer cancel()
	dir := t.TempDir()
	client := filepath.Join(dir, "transferclient")
	build := exec.CommandContext(ctx, "go", "build", "-o", client, "./testdata/transferclient")
	// The client is measured as users build it: no flags from the environment
	// (a -race there would multiply its memory).
	build.Env = append(os.Environ(), "GOFLAGS=")
	if out, err := build.CombinedOutput(); err != nil {
		t.Fatalf("building the client: %v\n%s", err, out)
	}

	sb, info, tmp := startSandboxProcess(t, ctx)
	hc := trusting(t, info.CAFile)
	job, _ := json.Marshal(map[string]any{"url": info.URL, "size": transferSize, "chunk": transferChunk})
	var out, errb bytes.Buffer
	cl := exec.CommandContext(ctx, client)
	cl.Env = append(os.Environ(), "MICROSOFT_ACCESS_TOKEN="+userToken(t, hc, info), "SSL_CERT_FILE="+info.CAFile, "MICROSOFT_GRAPH_URL=")
	cl.Stdin, cl.Stdout, cl.Stderr = bytes.NewReader(job), &out, &errb
	if err := cl.Run(); err != nil {
		t.Fatalf("client: %v\n%s", err, errb.String())
	}
	var res struct {
		Uploaded   string  `json:"uploaded_sha256"`
		Item       string  `json:"item_sha256"`
		Downloaded string  `json:"downloaded_sha256"`
		Size       int64   `json:"size"`
		UploadS    float64 `json:"upload_s"`
		DownloadS  float64 `json:"download_s"`
		SysMiB     uint64  `json:"sys_mib"`
		Race       bool    `json:"race"`
		PeakRSS    int64   `json:"peak_rss"`
	}
	if err := json.Unmarshal(out.Bytes(), &res); err != nil {
		t.Fatalf("client's answer %q: %v", out.String(), err)
	}
	if res.Size != transferSize || res.Uploaded == "" || res.Downloaded != res.Uploaded || !strings.EqualFold(res.Item, res.Uploaded) {
		t.Errorf("downloaded %d bytes, SHA-256 %s; uploaded %s, the item says %s: want %d bytes and one digest",
			res.Size, res.Downloaded, res.Uploaded, res.Item, transferSize)
	}

	clientRSS := res.PeakRSS // its own VmHWM: the exit status's ru_maxrss can be this test's (see transferclient)
	sandboxRSS := vmHWM(t, sb.Process.Pid)
	t.Logf("1 GiB: upload %.1f s (%.0f MB/s), download %.1f s (%.0f MB/s); peak RSS: client %d MiB, sandbox %d MiB",
		res.UploadS, transferSize/1e6/res.UploadS, res.DownloadS, transferSize/1e6/res.DownloadS, clientRSS>>20, sandboxRSS>>20)
	if clientRSS >= clientRSSBound {
		t.Errorf("the client's peak RSS was %d MiB, want under %d MiB (Go runtime's memory from the system: %d MiB; race detector: %v)",
			clientRSS>>20, clientRSSBound>>20, res.SysMiB, res.Race)
	}
	if sandboxRSS >= sandboxRSSBound {
		t.Errorf("the sandbox's peak RSS was %d MiB, want under %d MiB", sandboxRSS>>20, sandboxRSSBound>>20)
	}
	checkPreauthLog(t, hc, info.URL)
	if !holdsFile(t, tmp, strings.ToLower(res.Uploaded), transferSize) {
		t.Errorf("no file of %d bytes named by its SHA-256 under the sandbox's temporary folder %s", transferSize, tmp)
	}
}

// holdsFile reports whether a file called name of size bytes is somewhere
// below dir.
func holdsFile(t *testing.T, dir, name string, size int64) bool {
	t.Helper()
	found := false
	err := filepath.WalkDir(dir, func(p string, d fs.DirEntry, err error) error {
		if err != nil || d.IsDir() || d.Name() != name {
			return err
		}
		if fi, err := d.Info(); err == nil && fi.Size() == size {
			found = true
		}
		return nil
	})
	if err != nil {
		t.Fatal(err)
	}
	return found
}

// startSandboxProcess runs `authsome sandbox --json` with a home and a
// TMPDIR (where it keeps file bytes without --state) of the test's own, and
// returns it once it has printed its info, with that TMPDIR; it is stopped
// with an interrupt at the end of the test.
func startSandboxProcess(t *testing.T, ctx context.Context) (*exec.Cmd, sandbox.Info, string) {
	t.Helper()
	home, tmp := t.TempDir(), t.TempDir()
	// --state: the tenant (and so the files' bytes) in tmp, not in the home it keeps by default.
	cmd := exec.CommandContext(ctx, binary, "sandbox", "--json", "--state", tmp)
	cmd.Env = append(os.Environ(), "AUTHSOME_HOME="+home, "AUTHSOME_KEYRING=off", "TMPDIR="+tmp)
	var errb safeBuffer
	cmd.Stderr = &errb
	stdout, err := cmd.StdoutPipe()
	if err != nil {
		t.Fatal(err)
	}
	if err := cmd.Start(); err != nil {
		t.Fatal(err)
	}
	t.Cleanup(func() {
		_ = cmd.Process.Signal(os.Interrupt)
		done := make(chan struct{})
		go func() { _ = cmd.Wait(); close(done) }()
		select {
		case <-done:
		case <-time.After(30 * time.Second):
			_ = cmd.Process.Kill()
			<-done
		}
	})
	var info sandbox.Info
	if err := json.NewDecoder(bufio.NewReader(stdout)).Decode(&info); err != nil || info.URL == "" || info.CAFile == "" {
		t.Fatalf("authsome sandbox --json: %+v %v\n%s", info, err, errb.String())
	}
	return cmd, info, tmp
}

// trusting is an HTTP client that trusts the sandbox's CA.
func trusting(t *testing.T, caFile string) *http.Client {
	t.Helper()
	pem, err := os.ReadFile(caFile)
	if err != nil {
		t.Fatal(err)
	}
	pool := x509.NewCertPool()
	if !pool.AppendCertsFromPEM(pem) {
		t.Fatalf("no certificate in %s", caFile)
	}
	return &http.Client{Timeout: time.Minute, Transport: &http.Transport{TLSClientConfig: &tls.Config{RootCAs: pool, MinVersion: tls.VersionTLS12}}}
}

// userToken signs the first seeded user in with the password grant of the
// sandbox's public client and returns the access token.
func userToken(t *testing.T, hc *http.Client, info sandbox.Info) string {
	t.Helper()
	u := info.Users[0]
	form := url.Values{"grant_type": {"password"}, "client_id": {info.PublicClientID}, "username": {u.UserPrincipalName},
		"password": {u.Password}, "scope": {"Files.ReadWrite offline_access"}}
	resp, err := hc.PostForm(info.URL+"/"+info.TenantID+"/oauth2/v2.0/token", form)
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var tok struct {
		AccessToken string `json:"access_token"`
	}
	if err := json.NewDecoder(resp.Body).Decode(&tok); err != nil || resp.StatusCode != 200 || tok.AccessToken == "" {
		t.Fatalf("sign-in: %s %v", resp.Status, err)
	}
	return tok.AccessToken
}

// vmHWM is the peak resident set of process pid, in bytes.
func vmHWM(t *testing.T, pid int) int64 {
	t.Helper()
	status, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/status")
	if err != nil {
		t.Skipf("peak RSS of the sandbox: %v (needs Linux's /proc)", err)
	}
	for line := range strings.SplitSeq(string(status), "\n") {
		if v, ok := strings.CutPrefix(line, "VmHWM:"); ok {
			kb, err := strconv.ParseInt(strings.TrimSpace(strings.TrimSuffix(strings.TrimSpace(v), "kB")), 10, 64)
			if err != nil {
				t.Fatalf("VmHWM %q: %v", v, err)
			}
			return kb << 10
		}
	}
	t.Fatalf("no VmHWM in /proc/%d/status", pid)
	return 0
}

// checkPreauthLog reads the sandbox's request log (its control API) and
// checks that the transfer's requests to pre-authenticated URLs (every
// fragment and the download) are there and that none carried an
// Authorization header.
func checkPreauthLog(t *testing.T, hc *http.Client, base string) {
	t.Helper()
	resp, err := hc.Get(base + "/_sandbox/requests")
	if err != nil {
		t.Fatal(err)
	}
	defer resp.Body.Close()
	var log []sandbox.RequestLogEntry
	if err := json.NewDecoder(resp.Body).Decode(&log); err != nil {
		t.Fatalf("request log: %v", err)
	}
	var uploads, downloads, withAuth int
	for _, e := range log {
		preauth := true
		switch {
		case strings.HasPrefix(e.Path, "/_upload/"):
			uploads++
		case strings.HasPrefix(e.Path, "/_content/"):
			downloads++
		default:
			preauth = false
		}
		if preauth && len(e.Headers["Authorization"]) > 0 {
			withAuth++
			t.Errorf("a pre-authenticated URL received an Authorization header: %s %s", e.Method, e.Path)
		}
	}
	if uploads < transferFragments || downloads < 1 {
		t.Errorf("request log: %d requests to the upload URL and %d to the download URL, want at least %d and 1", uploads, downloads, transferFragments)
	}
	t.Logf("pre-authenticated requests: %d to the upload URL, %d to the download URL, %d with Authorization", uploads, downloads, withAuth)
}
