package oauth

import (
	"context"
	"errors"
	"net/http"
	"net/http/httptest"
	"net/url"
	"strings"
	"testing"
)

func TestAuthCodeURLNeedsStateAndRedirect(t *testing.T) {
	c := &Config{ClientID: "id", Endpoint: Endpoint{AuthURL: "https://as.example/authorize"}}
	if _, _, err := c.AuthCodeURL("https://app.example/cb", "", ""); err == nil {
		t.Error("no state: want an error")
	}
	if _, _, err := c.AuthCodeURL("", "s", ""); err == nil {
		t.Error("no redirect URI: want an error")
	}
	if _, _, err := (&Config{}).AuthCodeURL("https://app.example/cb", "s", ""); err == nil {
		t.Error("no authorization URL: want an error")
	}
}

func TestAuthCodeURLOptionsCannotReplaceProtocolParams(t *testing.T) {
	c := &Config{ClientID: "id", Endpoint: Endpoint{AuthURL: "https://as.example/authorize"}}
	u, _, err := c.AuthCodeURL("https://app.example/cb", "st", "", WithParam("state", "evil"),
		WithParam("code_challenge_method", "plain"), WithParam("redirect_uri", "https://evil.example/"), WithFormPost())
	if err != nil {
		t.Fatal(err)
	}
	pu, _ := url.Parse(u)
	q := pu.Query()
	if q.Get("state") != "st" || q.Get("code_challenge_method") != "S256" || q.Get("redirect_uri") != "https://app.example/cb" {
		t.Errorf("options replaced protocol parameters: %v", q)
	}
	if q.Get("response_mode") != "form_post" || q.Has("nonce") {
		t.Errorf("response_mode %q, nonce %q", q.Get("response_mode"), q.Get("nonce"))
	}
}

func TestReadCallbackFormPost(t *testing.T) {
	body := url.Values{"code": {"c0de"}, "state": {"st"}}.Encode()
	r := httptest.NewRequest(http.MethodPost, "/cb", strings.NewReader(body))
	r.Header.Set("Content-Type", "application/x-www-form-urlencoded")
	code, err := ReadCallback(r, "st")
	if err != nil || code != "c0de" {
		t.Fatalf("code %q, err %v", code, err)
	}
}

func TestReadCallbackRefusals(t *testing.T) {
	for name, target := range map[string]string{
		"no state":        "/cb?code=x",
		"wrong state":     "/cb?code=x&state=nope",
		"state in error":  "/cb?error=access_denied&state=nope",
		"prefix of state": "/cb?code=x&state=s",
	} {
		if _, err := ReadCallback(httptest.NewRequest(http.MethodGet, target, nil), "st"); !errors.Is(err, ErrStateMismatch) {
			t.Errorf("%s: err %v, want ErrStateMismatch", name, err)
		}
	}
	if _, err := ReadCallback(httptest.NewRequest(http.MethodGet, "/cb?state=st", nil), "st"); err == nil {
		t.Error("no code and no error: want an error")
	}
	if _, err := ReadCallback(httptest.NewRequest(http.MethodGet, "/cb?code=x&state=", nil), ""); !errors.Is(err, ErrStateMismatch) {
		t.Errorf("empty expected state must match nothing: %v", err)
	}
	if _, err := ReadCallback(httptest.NewRequest(http.MethodPut, "/cb?code=x&state=st", nil), "st"); err == nil {
		t.Error("PUT: want an error")
	}
}

func TestReadCallbackAADSTS(t *testing.T) {
	q := url.Values{"state": {"st"}, "error": {"invalid_request"},
		"error_description": {"AADSTS50011: The redirect URI does not match.\r\nTrace ID: abc\r\nCorrelation ID: def"}}
	_, err := ReadCallback(httptest.NewRequest(http.MethodGet, "/cb?"+q.Encode(), nil), "st")
	var oe *Error
	if !errors.As(err, &oe) || oe.AADSTS() != 50011 || oe.TraceID != "abc" || oe.CorrelationID != "def" {
		t.Fatalf("err %#v", err)
	}
}

func TestVerifyIDTokenNonce(t *testing.T) {
	if err := VerifyIDTokenNonce(jwt(`{"nonce":"n1"}`), "n1"); err != nil {
		t.Errorf("matching nonce: %v", err)
	}
	for name, tok := range map[string]string{"other": jwt(`{"nonce":"n2"}`), "missing": jwt(`{"tid":"t"}`)} {
		if err := VerifyIDTokenNonce(tok, "n1"); !errors.Is(err, ErrNonceMismatch) {
			t.Errorf("%s nonce: %v", name, err)
		}
	}
	if err := VerifyIDTokenNonce("not-a-jwt", "n1"); err == nil {
		t.Error("malformed token: want an error")
	}
}

func TestFinishSignInChecksNonceAndRedirect(t *testing.T) {
	var idToken string
	var got url.Values
	srv := httptest.NewServer(http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		_ = r.ParseForm()
		got = r.PostForm
		w.Header().Set("Content-Type", "application/json")
		_, _ = w.Write([]byte(`{"access_token":"at","token_type":"Bearer","expires_in":3600,"id_token":"` + idToken + `"}`))
	}))
	defer srv.Close()
	c := &Config{ClientID: "id", ClientSecret: "sec", Scopes: []string{"openid"},
		Endpoint: Endpoint{AuthURL: srv.URL + "/authorize", TokenURL: srv.URL + "/token"}}
	_, s, err := c.StartSignIn("https://app.example/cb")
	if err != nil || s.Nonce == "" || s.State == "" || s.Verifier == "" {
		t.Fatalf("StartSignIn: %v %v", s, err)
	}
	cb := func() *http.Request {
		return httptest.NewRequest(http.MethodGet, "/cb?"+url.Values{"code": {"c"}, "state": {s.State}}.Encode(), nil)
	}
	idToken = jwt(`{"nonce":"` + s.Nonce + `"}`)
	if _, err := c.FinishSignIn(context.Background(), cb(), s); err != nil {
		t.Fatal(err)
	}
	if got.Get("redirect_uri") != s.RedirectURI || got.Get("code_verifier") != s.Verifier || got.Get("client_secret") != "sec" {
		t.Errorf("token request %v", got)
	}
	idToken = jwt(`{"nonce":"replayed"}`)
	if _, err := c.FinishSignIn(context.Background(), cb(), s); !errors.Is(err, ErrNonceMismatch) {
		t.Errorf("wrong nonce: %v", err)
	}
	idToken = ""
	if _, err := c.FinishSignIn(context.Background(), cb(), s); err == nil {
		t.Error("no ID token although openid was asked for: want an error")
	}
}

func TestSignInRedactsSecrets(t *testing.T) {
	s := SignIn{RedirectURI: "https://app.example/cb", State: "STATEVALUE", Nonce: "NONCEVALUE", Verifier: "VERIFIERVALUE"}
	for _, out := range []string{s.String(), s.GoString(), s.LogValue().String()} {
		for _, secret := range []string{"STATEVALUE", "NONCEVALUE", "VERIFIERVALUE"} {
			if strings.Contains(out, secret) {
				t.Errorf("%q shows %s", out, secret)
			}
		}
	}
}
