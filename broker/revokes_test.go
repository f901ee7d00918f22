package broker_test

import (
	"testing"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// TestRevokesTokens: a connection counts as revoked only when the provider has a revocation
// endpoint and the connection holds a token to send there.
func TestRevokesTokens(t *testing.T) {
	revocable := &provider.Definition{Name: "widget", OAuth: &provider.OAuth{RevocationURL: "https://widget.example/revoke"}}
	plain := &provider.Definition{Name: "plain", OAuth: &provider.OAuth{}}
	for _, tt := range []struct {
		name string
		def  *provider.Definition
		c    *vault.Connection
		want bool
	}{
		{"refresh token", revocable, &vault.Connection{RefreshToken: "r"}, true},
		{"access token", revocable, &vault.Connection{AccessToken: "a"}, true},
		{"no token", revocable, &vault.Connection{}, false},
		{"no endpoint", plain, &vault.Connection{AccessToken: "a"}, false},
		{"definition gone", nil, &vault.Connection{AccessToken: "a"}, false},
	} {
		if got := broker.RevokesTokens(tt.def, tt.c); got != tt.want {
			t.Errorf("%s: %v, want %v", tt.name, got, tt.want)
		}
	}
}
