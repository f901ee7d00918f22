package oauth

import (
	"bytes"
	"errors"
	"fmt"
	"log/slog"
	"strings"
	"testing"
	"time"
	"unicode/utf8"

	"github.com/google/go-cmp/cmp"
)

func TestParseTokenResponse(t *testing.T) {
	t.Parallel()
	tok, err := ParseTokenResponse(200, []byte(okToken), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	want := &Token{
		AccessToken: "AT-1", RefreshToken: "RT-2", IDToken: "ID-3", TokenType: "Bearer",
		Scope: "Mail.Read User.Read", Expiry: fixedNow.Add(3599 * time.Second), ExtExpiry: fixedNow.Add(7199 * time.Second),
	}
	if diff := cmp.Diff(want, tok); diff != "" {
		t.Errorf("token (-want +got):\n%s", diff)
	}

	// expires_in as a string, absent, null, zero.
	for body, want := range map[string]time.Time{
		`{"access_token":"a","token_type":"bearer","expires_in":"60"}`: fixedNow.Add(time.Minute),
		`{"access_token":"a","token_type":"bearer"}`:                   {},
		`{"access_token":"a","token_type":"bearer","expires_in":null}`: {},
		`{"access_token":"a","token_type":"bearer","expires_in":0}`:    {},
	} {
		tok, err := ParseTokenResponse(200, []byte(body), fixedNow)
		if err != nil {
			t.Errorf("%s: %v", body, err)
			continue
		}
		if !tok.Expiry.Equal(want) {
			t.Errorf("%s: Expiry = %v, want %v", body, tok.Expiry, want)
		}
	}
}

func TestParseTokenResponseMalformed(t *testing.T) {
	t.Parallel()
	tests := []struct {
		status    int
		body      string
		field     string
		wantInMsg string
	}{
		{200, `{"token_type":"Bearer","refresh_token":"SECRET-RT"}`, "access_token", `missing field "access_token"`},
		{200, `{"access_token":"SECRET-AT"}`, "token_type", `missing field "token_type"`},
		{200, `{"access_token":"SECRET-AT","token_type":"Bearer","expires_in":"soon"}`, "expires_in", `invalid field "expires_in"`},
		{200, `{"access_token":"SECRET-AT","token_type":"Bearer","expires_in":-5}`, "expires_in", "invalid"},
		{200, `{"access_token":"SECRET-AT","token_type":"Bearer","expires_in":1e30}`, "expires_in", "invalid"},
		{502, "<html><body>Bad Gateway</body></html>", "", "HTTP 502"},
		{200, "", "", "empty body"},
		{500, `{"message":"oops"}`, "", "HTTP 500"},
		{200, `[1,2]`, "", "not a JSON object"},
	}
	for _, tt := range tests {
		_, err := ParseTokenResponse(tt.status, []byte(tt.body), fixedNow)
		var me *MalformedResponseError
		if !errors.As(err, &me) {
			t.Errorf("%s: err = %T %v", tt.body, err, err)
			continue
		}
		if me.Field != tt.field || me.StatusCode != tt.status {
			t.Errorf("%s: %+v", tt.body, me)
		}
		if !strings.Contains(err.Error(), tt.wantInMsg) {
			t.Errorf("%s: %q does not contain %q", tt.body, err, tt.wantInMsg)
		}
		if strings.Contains(err.Error(), "SECRET") {
			t.Errorf("%s: error leaks a token: %v", tt.body, err)
		}
	}
}

func TestSnippetSanitised(t *testing.T) {
	t.Parallel()
	jwt := "eyJ0eXAiOiJKV1QiLCJhbGciOiJSUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.c2lnbmF0dXJlLXNpZ25hdHVyZQ"
	body := "access_token=" + jwt + "&token_type=bearer\x1b[31m\n\n   red" + strings.Repeat(" filler", 100)
	_, err := ParseTokenResponse(200, []byte(body), fixedNow)
	msg := err.Error()
	if strings.Contains(msg, "eyJ0eXAi") || strings.Contains(msg, "\x1b") {
		t.Errorf("snippet not sanitised: %q", msg)
	}
	if !strings.Contains(msg, "REDACTED") || !strings.Contains(msg, "HTTP 200") {
		t.Errorf("msg = %q", msg)
	}
	if len(msg) > 300 {
		t.Errorf("snippet too long (%d): %q", len(msg), msg)
	}
}

// formatAll renders v every way a program might print or log it.
func formatAll(vs ...any) []string {
	var out []string
	for _, v := range vs {
		for _, verb := range []string{"%v", "%+v", "%#v", "%s", "%q", "%x", "%X", "%T %v"} {
			out = append(out, fmt.Sprintf(verb, v))
		}
		out = append(out, fmt.Sprint(v), fmt.Sprintln(v), fmt.Sprintf("%v", []any{v}),
			fmt.Sprintf("%+v", struct{ Inner any }{v}))
		var buf bytes.Buffer
		slog.New(slog.NewJSONHandler(&buf, nil)).Info("msg", "v", v)
		slog.New(slog.NewTextHandler(&buf, nil)).Info("msg", "v", v)
		out = append(out, buf.String())
	}
	return out
}

func TestTokenFormattingNeverLeaks(t *testing.T) {
	t.Parallel()
	tok := Token{AccessToken: "ACCESS-SECRET", RefreshToken: "REFRESH-SECRET", IDToken: "IDTOKEN-SECRET",
		TokenType: "Bearer", Scope: "Mail.Read", Expiry: fixedNow}
	type wrapper struct {
		Name string
		Tok  Token
		Ptr  *Token
	}
	outs := formatAll(tok, &tok)
	// Inside other values fmt still uses Token's methods. (encoding/json, and
	// so slog's JSON handler on an enclosing struct, encodes the fields: a
	// Token must be storable.)
	w := wrapper{"w", tok, &tok}
	for _, verb := range []string{"%v", "%+v", "%#v", "%s"} {
		outs = append(outs, fmt.Sprintf(verb, w), fmt.Sprintf(verb, &w))
	}
	for _, s := range outs {
		for _, secret := range []string{"ACCESS-SECRET", "REFRESH-SECRET", "IDTOKEN-SECRET",
			fmt.Sprintf("%x", "ACCESS-SECRET"), fmt.Sprintf("%X", "ACCESS-SECRET")} {
			if strings.Contains(s, secret) {
				t.Errorf("leaked %q in %q", secret, s)
			}
		}
	}
	if got := tok.String(); !strings.Contains(got, "REDACTED") || !strings.Contains(got, "Mail.Read") {
		t.Errorf("String() = %q", got)
	}
	var buf bytes.Buffer
	slog.New(slog.NewJSONHandler(&buf, nil)).Info("t", "token", tok)
	if !strings.Contains(buf.String(), `"token":{"token_type":"Bearer","access_token":"REDACTED"`) {
		t.Errorf("slog JSON = %s", buf.String())
	}
}

func TestDeviceAuthFormattingHidesDeviceCode(t *testing.T) {
	t.Parallel()
	da := DeviceAuth{DeviceCode: "DEVICE-SECRET", UserCode: "ABCD-EFGH"}
	for _, s := range formatAll(da, &da) {
		if strings.Contains(s, "DEVICE-SECRET") {
			t.Errorf("device code printed: %s", s)
		}
	}
}

func FuzzParseTokenResponse(f *testing.F) {
	f.Add(200, []byte(okToken))
	f.Add(400, []byte(msBody))
	f.Add(200, []byte(`{"access_token":"a","token_type":"b","expires_in":"1e9"}`))
	f.Add(502, []byte("<html>\x00\xff</html>"))
	f.Add(400, []byte(`{"error":5,"error_codes":["x",1.5,70008]}`))
	f.Fuzz(func(t *testing.T, status int, body []byte) {
		tok, err := ParseTokenResponse(status, body, fixedNow)
		if (tok == nil) == (err == nil) {
			t.Fatalf("tok=%v err=%v", tok, err)
		}
		if err != nil {
			msg := err.Error()
			if !utf8.ValidString(msg) || strings.ContainsAny(msg, "\x00\x1b\r\n") {
				t.Fatalf("unclean error message %q", msg)
			}
			var oe *Error
			if errors.As(err, &oe) {
				_ = oe.Hint()
				_ = oe.AADSTS()
			}
			return
		}
		if tok.AccessToken == "" || tok.TokenType == "" {
			t.Fatalf("token without required fields: %+v", tok)
		}
		if !tok.Expiry.IsZero() && tok.Expiry.Before(fixedNow) {
			t.Fatalf("expiry in the past: %v", tok.Expiry)
		}
		bare := *tok
		bare.TokenType, bare.Scope = "", ""
		if len(tok.AccessToken) >= 12 && strings.Contains(bare.String(), tok.AccessToken) {
			t.Fatalf("String leaks the token")
		}
	})
}
