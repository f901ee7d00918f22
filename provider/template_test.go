package provider

import (
	"strings"
	"testing"
)

func templatedDef() *Definition {
	return &Definition{
		Name: "ghe", DisplayName: "GitHub Enterprise", AuthType: AuthOAuth2, Flow: FlowPKCE,
		APIURL: BaseURLPlaceholder + "/api/v3",
		OAuth: &OAuth{
			AuthorizationURL: BaseURLPlaceholder + "/login/oauth/authorize",
			TokenURL:         BaseURLPlaceholder + "/login/oauth/access_token",
			Scopes:           []string{"repo"},
			BaseURL:          "https://github.com",
		},
		Registration: &Registration{RegistrationEndpoint: BaseURLPlaceholder + "/register"},
		Export:       map[string]string{"GHE_HOST": ExportBaseURL},
	}
}

// TestResolveFillsEveryURL: every templated URL is filled, the receiver is untouched, a
// loopback http base (a test server) is taken.
func TestResolveFillsEveryURL(t *testing.T) {
	d := templatedDef()
	if !d.Templated() {
		t.Fatal("Templated() = false for a definition with placeholders")
	}
	r, err := d.Resolve("https://ghe.example.com/")
	if err != nil {
		t.Fatal(err)
	}
	if r.APIURL != "https://ghe.example.com/api/v3" || r.OAuth.AuthorizationURL != "https://ghe.example.com/login/oauth/authorize" ||
		r.OAuth.TokenURL != "https://ghe.example.com/login/oauth/access_token" ||
		r.Registration.RegistrationEndpoint != "https://ghe.example.com/register" || r.OAuth.BaseURL != "https://ghe.example.com" {
		t.Errorf("resolved = %+v %+v %+v", r, r.OAuth, r.Registration)
	}
	if r.Templated() {
		t.Error("the resolved definition is still templated")
	}
	if _, err := ParseRoute(r.APIURL); err != nil {
		t.Errorf("resolved api_url is not a route: %v", err)
	}
	// The original is untouched.
	if d.APIURL != BaseURLPlaceholder+"/api/v3" || d.OAuth.BaseURL != "https://github.com" {
		t.Errorf("Resolve changed its receiver: %+v", d)
	}
	r.OAuth.Scopes[0] = "changed"
	if d.OAuth.Scopes[0] != "repo" {
		t.Error("the copy shares its scopes with the original")
	}

	// "" → the definition's default base URL.
	def, err := d.Resolve("")
	if err != nil || def.OAuth.TokenURL != "https://github.com/login/oauth/access_token" {
		t.Errorf("Resolve(\"\") = %v, %v", def, err)
	}
	// Loopback http is allowed (test servers); a path is kept.
	if r, err := d.Resolve("http://127.0.0.1:8080/gitlab"); err != nil || r.OAuth.TokenURL != "http://127.0.0.1:8080/gitlab/login/oauth/access_token" {
		t.Errorf("loopback base: %v, %v", r, err)
	}
	for _, bad := range []string{
		"http://ghe.example.com", "ghe.example.com", "https://ghe.example.com/?x=1", "https://ghe.example.com/#f",
		"https://user:pw@ghe.example.com", "ftp://ghe.example.com", "https://" + BaseURLPlaceholder,
	} {
		if _, err := d.Resolve(bad); err == nil {
			t.Errorf("Resolve(%q) succeeded", bad)
		}
	}
	// No default and none given.
	d.OAuth.BaseURL = ""
	if _, err := d.Resolve(""); err == nil || !strings.Contains(err.Error(), "--base-url") {
		t.Errorf("no base URL: err = %v, want a --base-url hint", err)
	}
}

func TestResolveUntemplated(t *testing.T) {
	d := templatedDef()
	d.APIURL, d.OAuth.AuthorizationURL, d.OAuth.TokenURL, d.Registration = "api.example.com", "https://x.example/a", "https://x.example/t", nil
	if d.Templated() {
		t.Fatal("Templated() = true without placeholders")
	}
	r, err := d.Resolve("")
	if err != nil || r.APIURL != "api.example.com" || r == d {
		t.Errorf("Resolve of an untemplated definition = %v, %v; want an unchanged copy", r, err)
	}
	if _, err := d.Resolve("https://other.example"); err == nil {
		t.Error("a base URL for a definition without templates was taken")
	}
}
