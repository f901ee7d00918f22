package sandbox

import (
	"crypto"
	"crypto/rsa"
	"crypto/sha256"
	"crypto/x509"
	"encoding/base64"
	"encoding/json"
	"encoding/pem"
	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/sandbox/internal/token"
	"math/big"
	"net/url"
	"os"
	"strings"
	"testing"
	"time"
)

func TestOpenIDConfiguration(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	var cfg map[string]any
	resp := e.do("GET", "/"+TenantDomain+"/v2.0/.well-known/openid-configuration", nil, nil, &cfg)
	if resp.StatusCode != 200 {
		t.Fatalf("status %d", resp.StatusCode)
	}
	tenantBase := e.base + "/" + TenantID
	for k, want := range map[string]string{
		"issuer":                        tenantBase + "/v2.0",
		"authorization_endpoint":        tenantBase + "/oauth2/v2.0/authorize",
		"token_endpoint":                tenantBase + "/oauth2/v2.0/token",
		"device_authorization_endpoint": tenantBase + "/oauth2/v2.0/devicecode",
		"jwks_uri":                      tenantBase + "/discovery/v2.0/keys",
		"end_session_endpoint":          tenantBase + "/oauth2/v2.0/logout",
	} {
		if cfg[k] != want {
			t.Errorf("%s = %v, want %s", k, cfg[k], want)
		}
	}
	if modes, _ := cfg["response_modes_supported"].([]any); len(modes) != 3 {
		t.Errorf("response_modes_supported %v", cfg["response_modes_supported"])
	}

	resp = e.do("GET", "/common/v2.0/.well-known/openid-configuration", nil, nil, &cfg)
	if cfg["issuer"] != e.base+"/{tenantid}/v2.0" || cfg["token_endpoint"] != e.base+"/common/oauth2/v2.0/token" {
		t.Errorf("common: issuer %v token %v", cfg["issuer"], cfg["token_endpoint"])
	}
	var eb errorBody
	resp = e.do("GET", "/nowhere.example/v2.0/.well-known/openid-configuration", nil, nil, &eb)
	if resp.StatusCode != 400 || eb.Error != "invalid_tenant" || eb.ErrorCodes[0] != 90002 {
		t.Errorf("unknown tenant: %d %+v", resp.StatusCode, eb)
	}
}

func TestInstanceDiscoveryAndUserRealm(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	host := strings.TrimPrefix(e.base, "https://")
	q := url.Values{"api-version": {"1.1"}, "authorization_endpoint": {e.base + "/" + TenantID + "/oauth2/v2.0/authorize"}}
	var out struct {
		TenantDiscoveryEndpoint string             `json:"tenant_discovery_endpoint"`
		APIVersion              string             `json:"api-version"`
		Metadata                []instanceMetadata `json:"metadata"`
	}
	resp := e.do("GET", "/common/discovery/instance?"+q.Encode(), nil, nil, &out)
	if resp.StatusCode != 200 || out.TenantDiscoveryEndpoint != e.base+"/"+TenantID+"/v2.0/.well-known/openid-configuration" ||
		out.APIVersion != "1.1" || len(out.Metadata) != 1 || out.Metadata[0].PreferredNetwork != host || out.Metadata[0].Aliases[0] != host {
		t.Fatalf("instance discovery: %d %+v", resp.StatusCode, out)
	}
	q.Set("authorization_endpoint", "https://login.example.com/common/oauth2/v2.0/authorize")
	var eb errorBody
	if resp := e.do("GET", "/common/discovery/instance?"+q.Encode(), nil, nil, &eb); resp.StatusCode != 400 || eb.Error != "invalid_instance" {
		t.Fatalf("foreign host: %d %+v", resp.StatusCode, eb)
	}
	var realm map[string]string
	e.do("GET", "/common/UserRealm/"+url.PathEscape(adele().UserPrincipalName)+"?api-version=1.0", nil, nil, &realm)
	if realm["account_type"] != "Managed" || realm["domain_name"] != TenantDomain || realm["cloud_audience_urn"] == "" {
		t.Fatalf("user realm: %v", realm)
	}
}

// TestJWTAgainstJWKS verifies tokens using only what a relying party sees:
// the JWKS document and the token.
func TestJWTAgainstJWKS(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	var jwks struct {
		Keys []token.JWK `json:"keys"`
	}
	e.do("GET", "/"+TenantID+"/discovery/v2.0/keys", nil, nil, &jwks)
	if len(jwks.Keys) != 1 || jwks.Keys[0].Kty != "RSA" || jwks.Keys[0].Kid == "" || jwks.Keys[0].Use != "sig" {
		t.Fatalf("jwks %+v", jwks)
	}
	k := jwks.Keys[0]
	n, _ := base64.RawURLEncoding.DecodeString(k.N)
	ev, _ := base64.RawURLEncoding.DecodeString(k.E)
	pub := &rsa.PublicKey{N: new(big.Int).SetBytes(n), E: int(new(big.Int).SetBytes(ev).Int64())}
	if pub.N.BitLen() != 2048 {
		t.Errorf("key size %d", pub.N.BitLen())
	}
	if !pub.Equal(&testkey.RSA(t).PublicKey) {
		t.Error("the published key is not Options.SigningKey")
	}
	der, _ := base64.StdEncoding.DecodeString(k.X5c[0])
	cert, err := x509.ParseCertificate(der)
	if err != nil || !cert.PublicKey.(*rsa.PublicKey).Equal(pub) {
		t.Fatalf("x5c does not hold the key: %v", err)
	}

	_, tr, _ := e.token(TenantID, url.Values{"grant_type": {"password"}, "client_id": {PublicClientID},
		"username": {adele().UserPrincipalName}, "password": {adele().Password}, "scope": {"User.Read Mail.Read openid profile email"}})
	verify := func(tok string, out any) {
		t.Helper()
		parts := strings.Split(tok, ".")
		var hdr map[string]string
		hb, _ := base64.RawURLEncoding.DecodeString(parts[0])
		_ = json.Unmarshal(hb, &hdr)
		if hdr["alg"] != "RS256" || hdr["kid"] != k.Kid || hdr["typ"] != "JWT" {
			t.Fatalf("header %v", hdr)
		}
		sig, _ := base64.RawURLEncoding.DecodeString(parts[2])
		sum := sha256.Sum256([]byte(parts[0] + "." + parts[1]))
		if err := rsa.VerifyPKCS1v15(pub, crypto.SHA256, sum[:], sig); err != nil {
			t.Fatalf("signature: %v", err)
		}
		pb, _ := base64.RawURLEncoding.DecodeString(parts[1])
		if err := json.Unmarshal(pb, out); err != nil {
			t.Fatal(err)
		}
	}
	var at map[string]any
	verify(tr.AccessToken, &at)
	now := float64(e.clock.Now().Unix())
	for k, want := range map[string]any{
		"aud": GraphResource, "iss": e.base + "/" + TenantID + "/", "tid": TenantID, "oid": adele().ID,
		"upn": adele().UserPrincipalName, "preferred_username": adele().UserPrincipalName, "name": "Adele Vance",
		"scp": "email Mail.Read openid profile User.Read", "appid": PublicClientID, "azp": PublicClientID,
		"idtyp": "user", "ver": "1.0", "iat": now, "nbf": now, "exp": now + 3600,
	} {
		if at[k] != want {
			t.Errorf("access token %s = %v, want %v", k, at[k], want)
		}
	}
	if at["uti"] == "" || at["sub"] == "" {
		t.Errorf("uti/sub missing: %v", at)
	}
	var id map[string]any
	verify(tr.IDToken, &id)
	for k, want := range map[string]any{
		"aud": PublicClientID, "iss": e.base + "/" + TenantID + "/v2.0", "tid": TenantID, "oid": adele().ID,
		"preferred_username": adele().UserPrincipalName, "email": adele().Mail, "ver": "2.0", "sub": at["sub"],
	} {
		if id[k] != want {
			t.Errorf("id token %s = %v, want %v", k, id[k], want)
		}
	}

	// Tampering and expiry are caught by VerifyAccessToken.
	parts := strings.Split(tr.AccessToken, ".")
	if _, err := e.s.VerifyAccessToken(parts[0] + "." + base64.RawURLEncoding.EncodeToString([]byte(`{"aud":"https://graph.microsoft.com","exp":9999999999}`)) + "." + parts[2]); err != ErrTokenSignature {
		t.Errorf("tampered: %v", err)
	}
	if _, err := e.s.VerifyAccessToken("not-a-jwt"); err != ErrTokenMalformed {
		t.Errorf("malformed: %v", err)
	}
	e.clock.Advance(time.Hour)
	if _, err := e.s.VerifyAccessToken(tr.AccessToken); err != ErrTokenExpired {
		t.Errorf("expired: %v", err)
	}
}

func TestTLSAndInfo(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := start(t, Options{Dir: dir})
	resp := e.do("GET", "/common/discovery/v2.0/keys", nil, nil, nil)
	if resp.ProtoMajor != 2 {
		t.Errorf("protocol %s, want HTTP/2", resp.Proto)
	}
	if resp.TLS == nil || len(resp.TLS.PeerCertificates) < 1 {
		t.Fatal("no TLS")
	}
	pemData, err := os.ReadFile(dir + "/ca.pem")
	if err != nil {
		t.Fatal(err)
	}
	blk, _ := pem.Decode(pemData)
	ca, err := x509.ParseCertificate(blk.Bytes)
	if err != nil || ca.Subject.CommonName != CAName || !ca.IsCA {
		t.Fatalf("ca.pem: %v %v", err, ca.Subject)
	}
	// A client built from ca.pem alone can connect, also via localhost.
	pool := x509.NewCertPool()
	pool.AppendCertsFromPEM(pemData)
	if _, err := resp.TLS.PeerCertificates[0].Verify(x509.VerifyOptions{Roots: pool, DNSName: "localhost"}); err != nil {
		t.Errorf("leaf for localhost: %v", err)
	}
	if !e.s.CACertPool().Equal(pool) {
		t.Errorf("CACertPool differs from ca.pem")
	}

	info := e.s.Info()
	if info.URL != e.base || info.CAFile != dir+"/ca.pem" || info.TenantID != TenantID || info.PublicClientID != PublicClientID ||
		info.ConfidentialClientSecret != ConfidentialClientSecret || len(info.Users) != 5 || info.Users[0].Password == "" {
		t.Fatalf("info %+v", info)
	}
	path := dir + "/sandbox.json"
	if err := e.s.WriteInfo(path); err != nil {
		t.Fatal(err)
	}
	fi, _ := os.Stat(path)
	if fi.Mode().Perm() != 0o600 {
		t.Errorf("sandbox.json mode %v", fi.Mode().Perm())
	}
	got, err := ReadInfo(path)
	if err != nil || got.URL != info.URL || got.Users[4].UserPrincipalName != info.Users[4].UserPrincipalName {
		t.Fatalf("ReadInfo: %v %+v", err, got)
	}
	raw, _ := os.ReadFile(path)
	for _, k := range []string{`"url"`, `"ca_file"`, `"tenant_id"`, `"public_client_id"`, `"confidential_client_id"`,
		`"confidential_client_secret"`, `"users"`, `"userPrincipalName"`, `"password"`, `"id"`} {
		if !strings.Contains(string(raw), k) {
			t.Errorf("sandbox.json lacks %s", k)
		}
	}
	if _, err := New(Options{}); err == nil {
		t.Error("TLS without Dir should fail")
	}
	short := &rsa.PrivateKey{PublicKey: rsa.PublicKey{N: big.NewInt(1<<61 - 1), E: 65537}}
	if _, err := New(Options{PlainHTTP: true, SigningKey: short}); err == nil {
		t.Error("a signing key under 2048 bits was accepted")
	}
}
