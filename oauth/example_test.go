package oauth_test

import (
	"context"
	"errors"
	"fmt"
	"log"
	"net/http"
	"net/http/httptest"
	"net/url"
	"slices"
	"time"

	"github.com/authsome-go/authsome/internal/testkey"
	"github.com/authsome-go/authsome/oauth"
	"github.com/authsome-go/authsome/sandbox"
)

// startSandbox starts an offline sandbox tenant on loopback whose sign-ins
// and device codes are approved as its first user (Adele Vance).
func startSandbox() *sandbox.Server {
	key, err := testkey.Key() // one signing key for every example's sandbox
	if err != nil {
		log.Fatal(err)
	}
	s, err := sandbox.New(sandbox.Options{PlainHTTP: true, AutoApprove: true, DeviceInterval: time.Second, SigningKey: key})
	if err != nil {
		log.Fatal(err)
	}
	if err := s.Start("127.0.0.1:0"); err != nil {
		log.Fatal(err)
	}
	return s
}

// A web application signs its users in: StartSignIn gives the URL to send
// the browser to and the SignIn to keep server-side; at the redirect URI,
// FinishSignIn checks the state, redeems the code with the PKCE verifier and
// the client secret, and checks the ID token's nonce.
func ExampleConfig_StartSignIn() {
	s := startSandbox()
	defer s.Close()
	cfg := &oauth.Config{
		ClientID:     sandbox.ConfidentialClientID,
		ClientSecret: sandbox.ConfidentialClientSecret,
		Endpoint:     oauth.MicrosoftEndpoint(s.URL(), "organizations"),
		Scopes:       []string{"openid", "profile", "offline_access", "Mail.Read"},
	}
	const redirectURI = "http://localhost/" // registered for the app, exactly

	// GET /login: keep the SignIn (in memory, under an opaque session id)
	// and redirect the browser.
	authURL, signIn, err := cfg.StartSignIn(redirectURI)
	if err != nil {
		log.Fatal(err)
	}

	// The browser signs in (the sandbox approves at once) and comes back to
	// the redirect URI with a code and the state.
	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	callback := httptest.NewRequest(http.MethodGet, resp.Header.Get("Location"), nil)

	// GET / (the redirect URI): finish the sign-in.
	tok, err := cfg.FinishSignIn(context.Background(), callback, signIn)
	if err != nil {
		log.Fatal(err)
	}
	who, err := oauth.ParseIDTokenClaims(tok.IDToken)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("signed in as", who.Name)
	fmt.Println("refresh token:", tok.RefreshToken != "")
	// Output:
	// signed in as Adele Vance
	// refresh token: true
}

// AuthCodeURL builds the authorize URL from a state and nonce the caller
// made; the PKCE verifier it returns is kept for Exchange.
func ExampleConfig_AuthCodeURL() {
	cfg := &oauth.Config{
		ClientID: "11111111-2222-3333-4444-555555555555",
		Endpoint: oauth.MicrosoftEndpoint("https://login.microsoftonline.com", "organizations"),
		Scopes:   []string{"openid", "offline_access", "Mail.Read"},
	}
	state, nonce := oauth.NewState(), oauth.NewNonce()
	authURL, verifier, err := cfg.AuthCodeURL("https://app.example.com/auth/callback", state, nonce,
		oauth.WithParam("prompt", "select_account"))
	if err != nil {
		log.Fatal(err)
	}
	u, _ := url.Parse(authURL)
	q := u.Query()
	fmt.Println(u.Scheme + "://" + u.Host + u.Path)
	for _, k := range slices.Sorted(func(yield func(string) bool) {
		for k := range q {
			if !yield(k) {
				return
			}
		}
	}) {
		v := q.Get(k)
		switch k {
		case "state", "nonce", "code_challenge":
			v = "…" // random
		}
		fmt.Printf("%s=%s\n", k, v)
	}
	fmt.Println("verifier kept server-side:", len(verifier), "characters")
	// Output:
	// https://login.microsoftonline.com/organizations/oauth2/v2.0/authorize
	// client_id=11111111-2222-3333-4444-555555555555
	// code_challenge=…
	// code_challenge_method=S256
	// nonce=…
	// prompt=select_account
	// redirect_uri=https://app.example.com/auth/callback
	// response_type=code
	// scope=openid offline_access Mail.Read
	// state=…
	// verifier kept server-side: 43 characters
}

// A callback whose state is not the one the sign-in sent is refused before
// its code is looked at.
func ExampleReadCallback() {
	state := oauth.NewState()
	forged := httptest.NewRequest(http.MethodGet, "/auth/callback?code=stolen&state=guess", nil)
	_, err := oauth.ReadCallback(forged, state)
	fmt.Println(errors.Is(err, oauth.ErrStateMismatch))

	denied := httptest.NewRequest(http.MethodGet, "/auth/callback?"+url.Values{
		"state": {state}, "error": {"access_denied"},
		"error_description": {"AADSTS65004: User declined to consent to access the app."},
	}.Encode(), nil)
	_, err = oauth.ReadCallback(denied, state)
	var oe *oauth.Error
	if errors.As(err, &oe) {
		fmt.Println(oe.Code, oe.AADSTS(), errors.Is(err, oauth.ErrDeclined))
	}
	// Output:
	// true
	// access_denied 65004 true
}

// A daemon or service gets an app-only token with its client secret (client
// credentials). Microsoft needs a tenant (not common) and the resource's
// ".default" scope.
func ExampleConfig_ClientCredentials() {
	s := startSandbox()
	defer s.Close()
	cfg := &oauth.Config{
		ClientID:     sandbox.ConfidentialClientID,
		ClientSecret: sandbox.ConfidentialClientSecret,
		Endpoint:     oauth.MicrosoftEndpoint(s.URL(), sandbox.TenantID),
		Scopes:       []string{"https://graph.microsoft.com/.default"},
	}
	tok, err := cfg.ClientCredentials(context.Background())
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.RefreshToken == "")
	// Output: Bearer true
}

// A program without a browser signs its user in with a device code: show
// the server's message, then poll until the user has approved it (the
// sandbox approves at once).
func ExampleConfig_DeviceAuth() {
	s := startSandbox()
	defer s.Close()
	cfg := &oauth.Config{
		ClientID: sandbox.PublicClientID,
		Endpoint: oauth.MicrosoftEndpoint(s.URL(), "organizations"),
		Scopes:   []string{"offline_access", "Mail.Read"},
	}
	ctx := context.Background()
	da, err := cfg.DeviceAuth(ctx)
	if err != nil {
		log.Fatal(err)
	}
	_ = da.Message // "To sign in, use a web browser to open the page … and enter the code …"
	tok, err := cfg.PollDeviceToken(ctx, da)
	switch {
	case errors.Is(err, oauth.ErrDeclined):
		log.Fatal("the user declined")
	case errors.Is(err, oauth.ErrExpired):
		log.Fatal("nobody entered the code in time")
	case err != nil:
		log.Fatal(err)
	}
	fmt.Println(tok.TokenType, tok.RefreshToken != "")
	// Output: Bearer true
}

// The steps of StartSignIn and FinishSignIn one by one, for a public client
// (PKCE without a secret): build the URL from a state and nonce, check the
// callback's state, redeem the code with the verifier, check the nonce.
func ExampleConfig_Exchange() {
	s := startSandbox()
	defer s.Close()
	cfg := &oauth.Config{
		ClientID: sandbox.PublicClientID,
		Endpoint: oauth.MicrosoftEndpoint(s.URL(), "organizations"),
		Scopes:   []string{"openid", "offline_access", "User.Read"},
	}
	const redirectURI = "http://127.0.0.1:8400/auth/callback/oauth"
	state, nonce := oauth.NewState(), oauth.NewNonce()
	authURL, verifier, err := cfg.AuthCodeURL(redirectURI, state, nonce)
	if err != nil {
		log.Fatal(err)
	}

	noFollow := &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
	resp, err := noFollow.Get(authURL)
	if err != nil {
		log.Fatal(err)
	}
	resp.Body.Close()
	callback := httptest.NewRequest(http.MethodGet, resp.Header.Get("Location"), nil)

	code, err := oauth.ReadCallback(callback, state)
	if err != nil {
		log.Fatal(err)
	}
	tok, err := cfg.Exchange(context.Background(), code, redirectURI, verifier)
	if err != nil {
		log.Fatal(err)
	}
	fmt.Println("nonce:", oauth.VerifyIDTokenNonce(tok.IDToken, nonce))

	// A code is single use: redeeming it again is an AADSTS error.
	_, err = cfg.Exchange(context.Background(), code, redirectURI, verifier)
	var oe *oauth.Error
	if errors.As(err, &oe) {
		fmt.Println(oe.Code, oe.AADSTS(), oe.NeedsLogin())
	}
	// Output:
	// nonce: <nil>
	// invalid_grant 54005 true
}
