package oauth

import (
	"encoding/json"
	"errors"
	"fmt"
	"strings"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

func TestRegisterClient(t *testing.T) {
	t.Parallel()
	f := newFakeServer(t, reply{201, `{"client_id":"dcr-1","client_secret":"s3cret-value","client_secret_expires_at":1767225600,"client_id_issued_at":1735689600}`})
	c := testConfig(f, "not-sent")
	reg, err := RegisterClient(t.Context(), c, f.URL+"/register", ClientMetadata{RedirectURIs: []string{"http://127.0.0.1:7998/"}})
	if err != nil {
		t.Fatal(err)
	}
	want := &ClientRegistration{ClientID: "dcr-1", ClientSecret: "s3cret-value", SecretExpiresAt: time.Unix(1767225600, 0).UTC()}
	if diff := cmp.Diff(want, reg); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	r := f.requests()[0]
	if r.Path != "/register" || r.ContentType != "application/json" || r.Auth != "" {
		t.Errorf("request %+v", r)
	}
	var body map[string]any
	if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
		t.Fatal(err)
	}
	wantBody := map[string]any{
		"client_name": "authsome", "redirect_uris": []any{"http://127.0.0.1:7998/"},
		"grant_types": []any{"authorization_code", "refresh_token"}, "response_types": []any{"code"},
		"token_endpoint_auth_method": "none",
	}
	if diff := cmp.Diff(wantBody, body); diff != "" {
		t.Errorf("registration body (-want +got):\n%s", diff)
	}
	for _, s := range []string{reg.String(), fmtAll(reg)} {
		if strings.Contains(s, "s3cret") {
			t.Errorf("formatted registration shows the secret: %s", s)
		}
	}
}

func fmtAll(r *ClientRegistration) string {
	var b strings.Builder
	for _, v := range []string{"%v", "%+v", "%#v", "%s"} {
		b.WriteString(sprintf(v, *r))
	}
	return b.String()
}

func TestRegisterClientErrors(t *testing.T) {
	t.Parallel()
	long := strings.Repeat("A1b2", 12)
	cases := []struct {
		name  string
		reply reply
		check func(error) bool
	}{
		{"rfc7591 error", reply{400, `{"error":"invalid_redirect_uri","error_description":"bad uri ` + long + `"}`}, func(err error) bool {
			var oe *Error
			return errors.As(err, &oe) && oe.Code == "invalid_redirect_uri" && strings.Contains(err.Error(), "invalid_redirect_uri") &&
				!strings.Contains(err.Error(), long) && strings.Contains(err.Error(), redacted)
		}},
		{"no client id", reply{201, `{"client_secret":"x"}`}, func(err error) bool {
			var me *MalformedResponseError
			return errors.As(err, &me) && me.Field == "client_id"
		}},
		{"not json", reply{500, `<html>oops</html>`}, func(err error) bool {
			var me *MalformedResponseError
			return errors.As(err, &me) && me.StatusCode == 500
		}},
		{"success not json", reply{201, `client_secret=abc`}, func(err error) bool {
			return err != nil && !strings.Contains(err.Error(), "abc")
		}},
		{"bad expiry", reply{201, `{"client_id":"x","client_secret_expires_at":"soon"}`}, func(err error) bool {
			var me *MalformedResponseError
			return errors.As(err, &me) && me.Field == "client_secret_expires_at"
		}},
		{"forbidden without code", reply{403, `{}`}, func(err error) bool { return err != nil }},
	}
	for _, tc := range cases {
		t.Run(tc.name, func(t *testing.T) {
			t.Parallel()
			f := newFakeServer(t, tc.reply)
			_, err := RegisterClient(t.Context(), testConfig(f, ""), f.URL+"/register", ClientMetadata{RedirectURIs: []string{"http://127.0.0.1/"}})
			if !tc.check(err) {
				t.Errorf("err = %v", err)
			}
		})
	}
	if _, err := RegisterClient(t.Context(), &Config{}, "", ClientMetadata{RedirectURIs: []string{"x"}}); err == nil {
		t.Error("no endpoint: no error")
	}
	if _, err := RegisterClient(t.Context(), &Config{}, "http://127.0.0.1:1/r", ClientMetadata{}); err == nil {
		t.Error("no redirect URI: no error")
	}
}

func sprintf(format string, v any) string { return fmt.Sprintf(format, v) }
