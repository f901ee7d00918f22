package broker_test

import (
	"encoding/json"
	"testing"
)

func TestGraphEndpoint(t *testing.T) {
	f := newFixture(t)
	f.loginDevice(t, "work", f.user(0))
	ep, err := f.b.Graph(t.Context(), "")
	if err != nil {
		t.Fatal(err)
	}
	if ep.URL != f.sb.URL() || ep.Connection != "work" || ep.UserPrincipalName != f.user(0) {
		t.Errorf("endpoint %+v, sandbox at %s", ep, f.sb.URL())
	}
	resp, err := ep.Client.Get(ep.URL + "/v1.0/me")
	if err != nil {
		t.Fatal(err)
	}
	var me struct{ UserPrincipalName string }
	json.NewDecoder(resp.Body).Decode(&me)
	resp.Body.Close()
	if resp.StatusCode != 200 || me.UserPrincipalName != f.user(0) {
		t.Errorf("GET /me with the client: %d %q", resp.StatusCode, me.UserPrincipalName)
	}
	resp, err = ep.PreAuth.Get(ep.URL + "/v1.0/me")
	if err != nil {
		t.Fatal(err) // the pre-auth client must trust the sandbox's CA too
	}
	resp.Body.Close()
	if resp.StatusCode != 401 {
		t.Errorf("the pre-auth client sent a token: %d", resp.StatusCode)
	}
	if _, err := f.b.Graph(t.Context(), "nope"); err == nil {
		t.Error("unknown connection accepted")
	}
}
