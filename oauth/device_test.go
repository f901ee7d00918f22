package oauth

import (
	"context"
	"encoding/json"
	"errors"
	"sync"
	"testing"
	"time"

	"github.com/google/go-cmp/cmp"
)

// fakeClock is a clock that only moves when the fake sleep is called.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	waits []time.Duration
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func (c *fakeClock) Sleep(ctx context.Context, d time.Duration) error {
	if err := ctx.Err(); err != nil {
		return err
	}
	c.mu.Lock()
	defer c.mu.Unlock()
	c.waits = append(c.waits, d)
	c.now = c.now.Add(d)
	return nil
}

func deviceConfig(t *testing.T, replies ...reply) (*Config, *fakeServer, *fakeClock) {
	f := newFakeServer(t, replies...)
	c := testConfig(f, "")
	clk := &fakeClock{now: fixedNow}
	c.Now, c.sleep = clk.Now, clk.Sleep
	return c, f, clk
}

func pending(code string) reply {
	return reply{400, `{"error":"` + code + `","error_description":"AADSTS70016: OAuth 2.0 device flow error. Authorization is pending.","error_codes":[70016]}`}
}

func TestDeviceAuthMicrosoftResponse(t *testing.T) {
	t.Parallel()
	c, f, _ := deviceConfig(t, reply{200, `{"user_code":"F7GQ2KBNC","device_code":"DAQABAAEAAAD","verification_uri":"https://microsoft.com/devicelogin","expires_in":900,"interval":5,"message":"To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code F7GQ2KBNC to authenticate."}`})
	da, err := c.DeviceAuth(t.Context())
	if err != nil {
		t.Fatal(err)
	}
	want := &DeviceAuth{
		DeviceCode: "DAQABAAEAAAD", UserCode: "F7GQ2KBNC", VerificationURI: "https://microsoft.com/devicelogin",
		Message:  "To sign in, use a web browser to open the page https://microsoft.com/devicelogin and enter the code F7GQ2KBNC to authenticate.",
		Interval: 5 * time.Second, ExpiresIn: 900 * time.Second, Issued: fixedNow,
	}
	if diff := cmp.Diff(want, da); diff != "" {
		t.Errorf("(-want +got):\n%s", diff)
	}
	r := f.requests()[0]
	if r.Path != "/devicecode" || r.Body != "client_id=cid&scope=offline_access+Mail.Read" || r.Auth != "" {
		t.Errorf("request = %+v", r)
	}
	if !da.Expiry().Equal(fixedNow.Add(15 * time.Minute)) {
		t.Errorf("Expiry = %v", da.Expiry())
	}
}

func TestDeviceAuthVariants(t *testing.T) {
	t.Parallel()
	da, err := parseDeviceAuth(200, []byte(`{"device_code":"d","user_code":"u","verification_url":"https://example.com/device","verification_uri_complete":"https://example.com/device?c=u","expires_in":"1800"}`), fixedNow)
	if err != nil {
		t.Fatal(err)
	}
	if da.VerificationURI != "https://example.com/device" || da.VerificationURIComplete == "" ||
		da.Interval != defaultInterval || da.ExpiresIn != 30*time.Minute {
		t.Errorf("da = %+v", *da)
	}
	var me *MalformedResponseError
	if _, err := parseDeviceAuth(200, []byte(`{"device_code":"d","verification_uri":"x"}`), fixedNow); !errors.As(err, &me) || me.Field != "user_code" {
		t.Errorf("err = %v", err)
	}
	var oe *Error
	if _, err := parseDeviceAuth(400, []byte(`{"error":"invalid_client","error_codes":[7000218]}`), fixedNow); !errors.As(err, &oe) || oe.Hint() == "" {
		t.Errorf("err = %v", err)
	}
}

func TestPollDeviceTokenSlowDown(t *testing.T) {
	t.Parallel()
	c, f, clk := deviceConfig(t, pending("authorization_pending"), pending("authorization_pending"),
		pending("slow_down"), pending("authorization_pending"), reply{200, okToken})
	da := &DeviceAuth{DeviceCode: "dc", Interval: 5 * time.Second, ExpiresIn: 900 * time.Second, Issued: fixedNow}
	tok, err := c.PollDeviceToken(t.Context(), da)
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken != "AT-1" {
		t.Errorf("token = %v", tok)
	}
	s := 5 * time.Second
	if diff := cmp.Diff([]time.Duration{s, s, s, 2 * s, 2 * s}, clk.waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := len(f.requests()); n != 5 {
		t.Errorf("%d polls, want 5", n)
	}
}

func TestPollDeviceTokenOutcomes(t *testing.T) {
	t.Parallel()
	tests := []struct {
		code       string
		isDeclined bool
		isExpired  bool
	}{
		{"authorization_declined", true, false},
		{"access_denied", true, false},
		{"expired_token", false, true},
		{"bad_verification_code", false, false},
	}
	for _, tt := range tests {
		t.Run(tt.code, func(t *testing.T) {
			t.Parallel()
			c, _, _ := deviceConfig(t, pending("authorization_pending"), reply{400, `{"error":"` + tt.code + `"}`})
			_, err := c.PollDeviceToken(t.Context(), &DeviceAuth{DeviceCode: "dc", Interval: time.Second})
			var oe *Error
			if !errors.As(err, &oe) || oe.Code != tt.code {
				t.Fatalf("err = %v", err)
			}
			if errors.Is(err, ErrDeclined) != tt.isDeclined || errors.Is(err, ErrExpired) != tt.isExpired {
				t.Errorf("Is(ErrDeclined)=%v Is(ErrExpired)=%v", errors.Is(err, ErrDeclined), errors.Is(err, ErrExpired))
			}
		})
	}
}

func TestPollDeviceTokenLocalExpiry(t *testing.T) {
	t.Parallel()
	c, f, _ := deviceConfig(t, pending("authorization_pending"))
	_, err := c.PollDeviceToken(t.Context(), &DeviceAuth{DeviceCode: "dc", Interval: 5 * time.Second, ExpiresIn: 20 * time.Second, Issued: fixedNow})
	if !errors.Is(err, ErrExpired) {
		t.Fatalf("err = %v", err)
	}
	if n := len(f.requests()); n != 3 {
		t.Errorf("%d polls, want 3", n)
	}
}

func TestPollDeviceTokenHonoursLongExpiry(t *testing.T) {
	t.Parallel()
	replies := make([]reply, 0, 151)
	for range 150 { // 750 s of pending, beyond any 300 s cap
		replies = append(replies, pending("authorization_pending"))
	}
	replies = append(replies, reply{200, okToken})
	c, _, clk := deviceConfig(t, replies...)
	tok, err := c.PollDeviceToken(t.Context(), &DeviceAuth{DeviceCode: "dc", Interval: 5 * time.Second, ExpiresIn: 900 * time.Second, Issued: fixedNow})
	if err != nil {
		t.Fatal(err)
	}
	if tok.AccessToken == "" || clk.Now().Sub(fixedNow) != 755*time.Second {
		t.Errorf("elapsed %v", clk.Now().Sub(fixedNow))
	}
}

func TestPollDeviceTokenDefaultsAndCancel(t *testing.T) {
	t.Parallel()
	c, f, clk := deviceConfig(t, pending("authorization_pending"))
	ctx, cancel := context.WithCancel(t.Context())
	inner := c.sleep
	c.sleep = func(ctx context.Context, d time.Duration) error {
		if len(clk.waits) == 2 {
			cancel()
		}
		return inner(ctx, d)
	}
	_, err := c.PollDeviceToken(ctx, &DeviceAuth{DeviceCode: "dc"}) // no interval, no expiry
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("err = %v", err)
	}
	if diff := cmp.Diff([]time.Duration{defaultInterval, defaultInterval}, clk.waits); diff != "" {
		t.Errorf("waits (-want +got):\n%s", diff)
	}
	if n := len(f.requests()); n != 2 {
		t.Errorf("%d polls", n)
	}

	// The real sleep stops at once when the context ends.
	done, stop := context.WithCancel(t.Context())
	stop()
	start := time.Now()
	if err := sleepCtx(done, time.Hour); !errors.Is(err, context.Canceled) || time.Since(start) > time.Second {
		t.Errorf("sleepCtx = %v after %v", err, time.Since(start))
	}
}

func TestPollDeviceTokenServerFailure(t *testing.T) {
	t.Parallel()
	c, _, _ := deviceConfig(t, pending("authorization_pending"), reply{500, "<html>oops</html>"})
	_, err := c.PollDeviceToken(t.Context(), &DeviceAuth{DeviceCode: "dc", Interval: time.Second})
	var me *MalformedResponseError
	if !errors.As(err, &me) || me.StatusCode != 500 {
		t.Errorf("err = %v", err)
	}
}

func TestPollDeviceTokenJSONBody(t *testing.T) {
	t.Parallel()
	for _, asJSON := range []bool{true, false} {
		c, f, _ := deviceConfig(t, pending("authorization_pending"), reply{200, okToken})
		c.DeviceTokenJSON = asJSON
		tok, err := c.PollDeviceToken(t.Context(), &DeviceAuth{DeviceCode: "DC-1", Interval: time.Second})
		if err != nil || tok.AccessToken != "AT-1" {
			t.Fatalf("json %t: token %v, err %v", asJSON, tok, err)
		}
		reqs := f.requests()
		if len(reqs) != 2 {
			t.Fatalf("json %t: %d requests, want 2 (pending, then the token)", asJSON, len(reqs))
		}
		for _, r := range reqs {
			if !asJSON {
				if r.ContentType != "application/x-www-form-urlencoded" ||
					r.Body != "client_id=cid&device_code=DC-1&grant_type=urn%3Aietf%3Aparams%3Aoauth%3Agrant-type%3Adevice_code" {
					t.Errorf("form poll: %+v", r)
				}
				continue
			}
			if r.ContentType != "application/json" || r.Accept != "application/json" || r.Path != "/token" {
				t.Errorf("json poll: content type %q, accept %q, path %q", r.ContentType, r.Accept, r.Path)
			}
			var body map[string]any
			if err := json.Unmarshal([]byte(r.Body), &body); err != nil {
				t.Fatalf("json poll body %q: %v", r.Body, err)
			}
			want := map[string]any{"device_code": "DC-1", "client_id": "cid", "grant_type": "urn:ietf:params:oauth:grant-type:device_code"}
			if diff := cmp.Diff(want, body); diff != "" {
				t.Errorf("json poll body (-want +got):\n%s", diff)
			}
		}
	}
}
