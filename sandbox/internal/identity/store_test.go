package identity

import (
	"context"
	"crypto/rand"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"crypto/x509/pkix"
	"encoding/json"
	"encoding/pem"
	"math/big"
	"net/http"
	"net/http/httptest"
	"net/url"
	"reflect"
	"regexp"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/token"
)

var (
	signerOnce sync.Once
	signer     *token.Signer
)

// record is one journaled change.
type record struct {
	key string
	v   json.RawMessage
}

// storeEnv serves one Platform the way the server does for the journal: each
// request runs with a change set, and what it touched is recorded before the
// answer is read.
type storeEnv struct {
	t    *testing.T
	now  time.Time
	p    *Platform
	mux  *http.ServeMux
	log  []record
	snap json.RawMessage
	mark int
}

func newStoreEnv(t *testing.T) *storeEnv {
	t.Helper()
	signerOnce.Do(func() {
		key, err := token.NewSigningKey()
		if err == nil {
			signer, err = token.NewSigner(key)
		}
		if err != nil {
			t.Fatal(err)
		}
	})
	e := &storeEnv{t: t, now: time.Date(2026, 3, 2, 9, 0, 0, 0, time.UTC)}
	e.p = e.newPlatform()
	e.mux = http.NewServeMux()
	e.p.Routes(e.mux)
	return e
}

func (e *storeEnv) newPlatform() *Platform {
	return New(Config{
		Now: func() time.Time { return e.now }, Dir: directory.New(), Signer: signer,
		Initial: Settings{AccessTokenLifetime: time.Hour, DeviceInterval: 5 * time.Second},
	})
}

// journal runs f with a change set and records what it touched.
func (e *storeEnv) journal(f func(ctx context.Context)) {
	e.t.Helper()
	ctx, touched := graphkit.WithChanges(context.Background())
	f(ctx)
	for store, keys := range touched() {
		if store != Name {
			e.t.Fatalf("touched store %q, not %q", store, Name)
		}
		err := e.p.Record(keys, func(key string, v json.RawMessage) error {
			e.log = append(e.log, record{key, append(json.RawMessage(nil), v...)})
			return nil
		})
		if err != nil {
			e.t.Fatalf("Record: %v", err)
		}
	}
}

// do serves a request (a form body when form is set) through the journal.
func (e *storeEnv) do(method, path string, form url.Values) *httptest.ResponseRecorder {
	e.t.Helper()
	rec := httptest.NewRecorder()
	e.journal(func(ctx context.Context) {
		var r *http.Request
		if form != nil {
			r = httptest.NewRequestWithContext(ctx, method, path, strings.NewReader(form.Encode()))
			r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
		} else {
			r = httptest.NewRequestWithContext(ctx, method, path, nil)
		}
		e.mux.ServeHTTP(rec, r)
	})
	return rec
}

// token posts to the token endpoint and returns the answer's fields.
func (e *storeEnv) token(form url.Values) map[string]any {
	e.t.Helper()
	rec := e.do("POST", "/"+directory.TenantID+"/oauth2/v2.0/token", form)
	var out map[string]any
	if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
		e.t.Fatalf("token answer %d: %v", rec.Code, err)
	}
	return out
}

func (e *storeEnv) snapshot(p *Platform) any {
	e.t.Helper()
	data, err := p.Snapshot()
	if err != nil {
		e.t.Fatal(err)
	}
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		e.t.Fatal(err)
	}
	return v
}

// checkReplay checks the Store contract: the journal applied over a fresh
// platform, the records after the mark applied over the mark's snapshot, and
// a restored full snapshot all give the state that served the requests. The
// test checks after each group of writes, so that a later write that touches
// the same entity (pruning, revoking) cannot hide a missing Touch.
func (e *storeEnv) checkReplay() {
	e.t.Helper()
	want := e.snapshot(e.p)
	replay := func(name string, from json.RawMessage, recs []record) {
		e.t.Helper()
		p := e.newPlatform()
		if from != nil {
			if err := p.Restore(from); err != nil {
				e.t.Fatalf("%s: Restore: %v", name, err)
			}
		}
		for _, r := range recs {
			if err := p.Apply(r.key, r.v); err != nil {
				e.t.Fatalf("%s: Apply(%s): %v", name, r.key, err)
			}
		}
		if got := e.snapshot(p); !reflect.DeepEqual(got, want) {
			g, _ := json.Marshal(got)
			w, _ := json.Marshal(want)
			e.t.Errorf("%s: the replayed state differs from the served one\n got: %s\nwant: %s", name, g, w)
		}
	}
	replay("journal over a fresh platform", nil, e.log)
	if e.snap != nil {
		replay("journal over the snapshot", e.snap, e.log[e.mark:])
	}
	full, err := e.p.Snapshot()
	if err != nil {
		e.t.Fatal(err)
	}
	replay("snapshot", full, nil)
}

var ctxField = regexp.MustCompile(`name="ctx" id="ctx" value="([^"]+)"`)

// TestStoreContract drives every write of the identity platform (consents,
// authorization codes issued and redeemed, refresh tokens issued, rotated and
// revoked, device codes issued, polled, approved, declined and redeemed,
// certificate and federated credentials registered and replaced, settings,
// pruning, a whole new state) and checks that the journal, applied
// over a fresh platform or over a snapshot taken midway, rebuilds the state.
func TestStoreContract(t *testing.T) {
	e := newStoreEnv(t)
	adele := directory.Seed()[0]
	tenant := "/" + directory.TenantID

	// Password grant: a consent and a refresh token.
	pw := e.token(url.Values{"grant_type": {"password"}, "client_id": {PublicClientID}, "username": {adele.UserPrincipalName},
		"password": {adele.Password}, "scope": {"Mail.Read offline_access"}})
	if pw["refresh_token"] == nil {
		t.Fatalf("password grant: %v", pw)
	}

	// Authorization code through the sign-in page: a consent and a code.
	verifier := ids.Random("", 32)
	sum := sha256.Sum256([]byte(verifier))
	redirect := "http://localhost:8400"
	page := e.do("GET", tenant+"/oauth2/v2.0/authorize?"+url.Values{"client_id": {PublicClientID}, "response_type": {"code"},
		"redirect_uri": {redirect}, "scope": {"Calendars.Read openid offline_access"}, "code_challenge_method": {"S256"},
		"code_challenge": {ids.B64.EncodeToString(sum[:])}}.Encode(), nil)
	m := ctxField.FindStringSubmatch(page.Body.String())
	if m == nil {
		t.Fatalf("authorize: %d %s", page.Code, page.Body)
	}
	login := e.do("POST", tenant+"/login", url.Values{"ctx": {m[1]}, "action": {"accept"}, "login": {adele.UserPrincipalName}, "password": {adele.Password}})
	loc, err := url.Parse(login.Header().Get("Location"))
	if err != nil || loc.Query().Get("code") == "" {
		t.Fatalf("login: %d %s", login.Code, login.Header().Get("Location"))
	}
	code := loc.Query().Get("code")

	// A device code, polled once, then approved from the control API.
	dc := e.do("POST", tenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {PublicClientID}, "scope": {"Contacts.Read offline_access"}})
	var dev DeviceCodeResponse
	if err := json.Unmarshal(dc.Body.Bytes(), &dev); err != nil || dev.DeviceCode == "" {
		t.Fatalf("devicecode: %d %s", dc.Code, dc.Body)
	}
	devGrant := url.Values{"grant_type": {"device_code"}, "client_id": {PublicClientID}, "device_code": {dev.DeviceCode}}
	if got := e.token(devGrant); got["error"] != "authorization_pending" {
		t.Fatalf("first poll: %v", got)
	}
	e.checkReplay()

	e.snap, e.mark = mustSnapshot(t, e.p), len(e.log)

	// Redeem the code, rotate the refresh token.
	ac := e.token(url.Values{"grant_type": {"authorization_code"}, "client_id": {PublicClientID}, "code": {code},
		"redirect_uri": {redirect}, "code_verifier": {verifier}})
	if ac["refresh_token"] == nil {
		t.Fatalf("code redemption: %v", ac)
	}
	rf := e.token(url.Values{"grant_type": {"refresh_token"}, "client_id": {PublicClientID}, "refresh_token": {ac["refresh_token"].(string)}})
	if rf["refresh_token"] == nil {
		t.Fatalf("refresh: %v", rf)
	}
	e.journal(func(ctx context.Context) {
		if err := e.p.ApproveDeviceCode(ctx, dev.UserCode, ""); err != nil {
			t.Fatal(err)
		}
	})
	e.now = e.now.Add(5 * time.Second)
	if got := e.token(devGrant); got["refresh_token"] == nil {
		t.Fatalf("device redemption: %v", got)
	}
	e.checkReplay()

	// A second device code, declined; a third approved on the sign-in page.
	var dev2, dev3 DeviceCodeResponse
	for _, d := range []*DeviceCodeResponse{&dev2, &dev3} {
		rec := e.do("POST", tenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {PublicClientID}, "scope": {"User.Read"}})
		if err := json.Unmarshal(rec.Body.Bytes(), d); err != nil {
			t.Fatal(err)
		}
	}
	e.journal(func(ctx context.Context) {
		if err := e.p.DeclineDeviceCode(ctx, dev2.UserCode); err != nil {
			t.Fatal(err)
		}
	})
	otc := e.do("POST", "/devicelogin", url.Values{"otc": {dev3.UserCode}})
	if m = ctxField.FindStringSubmatch(otc.Body.String()); m == nil {
		t.Fatalf("devicelogin: %d %s", otc.Code, otc.Body)
	}
	if rec := e.do("POST", tenant+"/login", url.Values{"ctx": {m[1]}, "action": {"accept"}, "login": {adele.UserPrincipalName},
		"password": {adele.Password}}); !strings.Contains(rec.Body.String(), "signed in") {
		t.Fatalf("device sign-in: %d %s", rec.Code, rec.Body)
	}
	e.checkReplay()

	// Control API: revoke, settings.
	e.journal(func(ctx context.Context) {
		if n, err := e.p.RevokeRefreshTokens(ctx, adele.ID); err != nil || n == 0 {
			t.Fatalf("revoke: %d %v", n, err)
		}
		e.p.SetSettings(ctx, Settings{StrictRefreshRotation: true, AccessTokenLifetime: 30 * time.Minute, DeviceInterval: time.Second})
	})
	e.checkReplay()

	// Credentials registered for the confidential app: a certificate, two
	// federated credentials, one of them registered again under its name.
	certPEM, jwks := testCredentialKeys(t)
	e.journal(func(ctx context.Context) {
		if _, err := e.p.AddCertificate(ctx, ConfidentialClientID, certPEM); err != nil {
			t.Fatal(err)
		}
		for _, fc := range []FederatedCredential{
			{Name: "ci", Issuer: "https://ci.example/", Subject: "repo:a", JWKS: jwks},
			{Issuer: "https://cluster.example/", Subject: "sa:b", JWKS: jwks},
			{Name: "ci", Issuer: "https://ci.example/", Subject: "repo:c", Audiences: []string{"api://other"}, JWKS: jwks},
		} {
			if _, err := e.p.AddFederated(ctx, ConfidentialClientID, fc); err != nil {
				t.Fatal(err)
			}
		}
	})
	if st, _ := e.p.State(); len(st.Certificates) != 1 || len(st.Federated) != 2 || st.Federated[ConfidentialClientID+"/ci"].Subject != "repo:c" {
		t.Fatalf("credentials: %d certificates, %d federated %v", len(st.Certificates), len(st.Federated), st.Federated)
	}
	e.checkReplay()

	// Two hours on, a new device code prunes the expired codes.
	e.now = e.now.Add(2 * time.Hour)
	e.do("POST", tenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {PublicClientID}, "scope": {"User.Read"}})
	if st, _ := e.p.State(); len(st.Codes) != 0 || len(st.DeviceCodes) != 1 {
		t.Fatalf("after pruning: %d codes, %d device codes", len(st.Codes), len(st.DeviceCodes))
	}
	e.checkReplay()

	// Twice the refresh tokens' inactivity limit on, they are pruned too.
	e.now = e.now.Add(2*refreshInactivity + time.Hour)
	e.do("POST", tenant+"/oauth2/v2.0/devicecode", url.Values{"client_id": {PublicClientID}, "scope": {"User.Read"}})
	if st, _ := e.p.State(); len(st.RefreshTokens) != 0 {
		t.Fatalf("after pruning: %d refresh tokens", len(st.RefreshTokens))
	}
	e.checkReplay()

	// A whole state put by the control API (PUT /_sandbox/state) replays too.
	st, err := e.p.State()
	if err != nil {
		t.Fatal(err)
	}
	st.Consents = nil
	delete(st.Federated, ConfidentialClientID+"/ci")
	st.Settings.AutoApprove = true
	e.journal(func(ctx context.Context) { e.p.SetState(ctx, st) })
	e.checkReplay()
}

func mustSnapshot(t *testing.T, p *Platform) json.RawMessage {
	t.Helper()
	s, err := p.Snapshot()
	if err != nil {
		t.Fatal(err)
	}
	return s
}

// testCredentialKeys returns a self-signed RSA certificate (PEM) and a JWKS
// document with the same key.
func testCredentialKeys(t *testing.T) ([]byte, json.RawMessage) {
	t.Helper()
	key, err := rsa.GenerateKey(rand.Reader, 2048)
	if err != nil {
		t.Fatal(err)
	}
	tmpl := &x509.Certificate{SerialNumber: big.NewInt(1), Subject: pkix.Name{CommonName: "app"},
		NotBefore: time.Unix(0, 0), NotAfter: time.Date(2100, 1, 1, 0, 0, 0, 0, time.UTC)}
	der, err := x509.CreateCertificate(rand.Reader, tmpl, tmpl, &key.PublicKey, key)
	if err != nil {
		t.Fatal(err)
	}
	jwks, _ := json.Marshal(map[string]any{"keys": []map[string]string{{"kty": "RSA", "kid": "k",
		"n": ids.B64.EncodeToString(key.N.Bytes()), "e": ids.B64.EncodeToString(big.NewInt(int64(key.E)).Bytes())}}})
	return pem.EncodeToMemory(&pem.Block{Type: "CERTIFICATE", Bytes: der}), jwks
}
