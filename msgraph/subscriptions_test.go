package msgraph

import (
	"io"
	"net/http"
	"net/http/httptest"
	"strings"
	"testing"
	"time"
)

func TestNotificationHandler(t *testing.T) {
	var got []ChangeNotification
	h := NotificationHandler("s3cret", func(ns []ChangeNotification) { got = append(got, ns...) })

	rec := httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/hook?validationToken=Validation%3A+Testing+client+application+reachability", nil))
	if rec.Code != 200 || rec.Body.String() != "Validation: Testing client application reachability" ||
		!strings.HasPrefix(rec.Header().Get("Content-Type"), "text/plain") {
		t.Errorf("validation: %d %q %q", rec.Code, rec.Body, rec.Header().Get("Content-Type"))
	}

	body := `{"value":[
		{"subscriptionId":"s1","clientState":"s3cret","changeType":"created","resource":"Users/u1/Messages/m1","resourceData":{"@odata.type":"#Microsoft.Graph.Message","id":"m1"}},
		{"subscriptionId":"s1","clientState":"forged","changeType":"deleted","resource":"Users/u1/Messages/m2"}]}`
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/hook", strings.NewReader(body)))
	if rec.Code != 202 || len(got) != 1 || got[0].ResourceData.ID != "m1" || got[0].ChangeType != "created" {
		t.Errorf("notifications: %d %+v", rec.Code, got)
	}
	rec = httptest.NewRecorder()
	h.ServeHTTP(rec, httptest.NewRequest("POST", "/hook", strings.NewReader("nope")))
	if rec.Code != 400 {
		t.Errorf("garbage: %d", rec.Code)
	}
}

func TestSubscriptionRenew(t *testing.T) {
	c, mux, _ := setup(t)
	var body string
	mux.HandleFunc("PATCH /v1.0/subscriptions/{id}", func(w http.ResponseWriter, r *http.Request) {
		b, _ := io.ReadAll(r.Body)
		body = string(b)
		io.WriteString(w, `{"id":"s1","expirationDateTime":"2025-03-05T10:00:00Z"}`)
	})
	paris, _ := time.LoadLocation("Europe/Paris")
	sub, _, err := c.Subscriptions.Renew(t.Context(), "s1", time.Date(2025, 3, 5, 11, 0, 0, 0, paris))
	if err != nil || sub.ExpirationDateTime.Hour() != 10 || body != `{"expirationDateTime":"2025-03-05T10:00:00Z"}`+"\n" {
		t.Errorf("Renew: %+v %v, sent %s", sub, err, body)
	}
}
