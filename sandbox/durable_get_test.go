package sandbox

import (
	"net/http"
	"net/url"
	"path/filepath"
	"testing"
)

// TestCodeIssuedOnGetSurvivesKill: with AutoApprove, GET /authorize issues an
// authorization code in its redirect. That answer is a write too: a sandbox
// that dies right after it (its state folder read by another one, as after
// kill -9) still redeems the code.
func TestCodeIssuedOnGetSurvivesKill(t *testing.T) {
	t.Parallel()
	dir := filepath.Join(t.TempDir(), "state")
	e := start(t, Options{StateDir: dir, AutoApprove: true})
	verifier, challenge := pkcePair()
	q := authorizeParams("http://localhost:5000/", challenge)
	c := e.s.Client()
	c.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	resp, err := c.Get(e.base + "/" + TenantID + "/oauth2/v2.0/authorize?" + q.Encode())
	if err != nil {
		t.Fatal(err)
	}
	resp.Body.Close()
	loc, _ := url.Parse(resp.Header.Get("Location"))
	code := loc.Query().Get("code")
	if resp.StatusCode != http.StatusFound || code == "" {
		t.Fatalf("authorize: %d %s", resp.StatusCode, resp.Header.Get("Location"))
	}

	// Another sandbox on the same folder, without the first one closing (which
	// would write a snapshot): it has only what was journaled.
	e2 := start(t, Options{StateDir: dir})
	st, tr, eb := e2.token(TenantID, url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID},
		"code": {code}, "redirect_uri": {"http://localhost:5000/"}, "code_verifier": {verifier}})
	if st != 200 || tr.AccessToken == "" {
		t.Fatalf("the code issued by a GET was lost: %d %+v", st, eb)
	}
}
