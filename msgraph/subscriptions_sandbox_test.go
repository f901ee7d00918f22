package msgraph

import (
	"net/http/httptest"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxSubscriptions: NotificationHandler answers the sandbox's
// validation handshake and receives its deliveries (clientState checked);
// List, Get, Renew, Reauthorize and Delete work on the subscription, and a
// deleted subscription delivers nothing more.
func TestSandboxSubscriptions(t *testing.T) {
	c, s, _ := onSandbox(t, "Mail.ReadWrite")
	ctx := t.Context()
	var mu sync.Mutex
	var got []ChangeNotification
	hook := httptest.NewServer(NotificationHandler("only-us", func(ns []ChangeNotification) {
		mu.Lock()
		got = append(got, ns...)
		mu.Unlock()
	}))
	defer hook.Close()
	sub, _, err := c.Subscriptions.Create(ctx, &Subscription{Resource: "me/mailFolders('drafts')/messages", ChangeType: "created,updated",
		NotificationURL: hook.URL, ClientState: "only-us", ExpirationDateTime: s.Now().Add(2 * time.Hour)})
	if err != nil || sub.ID == "" || sub.ApplicationID != sandbox.PublicClientID || sub.LatestSupportedTLSVersion == "" {
		t.Fatalf("Create: %+v %v", sub, err)
	}
	draft, _, err := c.Mail.CreateDraft(ctx, "", &Message{Subject: "watched"})
	if err != nil {
		t.Fatal(err)
	}
	var n ChangeNotification
	for deadline := time.Now().Add(30 * time.Second); n.SubscriptionID == ""; time.Sleep(20 * time.Millisecond) {
		mu.Lock()
		if len(got) > 0 {
			n = got[0]
		}
		mu.Unlock()
		if time.Now().After(deadline) {
			t.Fatal("no notification arrived")
		}
	}
	if n.SubscriptionID != sub.ID || n.ChangeType != "created" || n.ResourceData.ID != draft.ID || !strings.HasSuffix(n.Resource, draft.ID) || n.ResourceData.ODataEtag == "" {
		t.Errorf("notification %+v", n)
	}
	list, _, err := c.Subscriptions.List(ctx, nil)
	if err != nil || len(list) != 1 || list[0].ID != sub.ID {
		t.Errorf("List: %+v %v", list, err)
	}
	for one, err := range c.Subscriptions.ListIter(ctx, nil) {
		if err != nil || one.ID != sub.ID {
			t.Errorf("ListIter: %+v %v", one, err)
		}
	}
	until := s.Now().Add(48 * time.Hour).Truncate(time.Second)
	renewed, _, err := c.Subscriptions.Renew(ctx, sub.ID, until)
	if err != nil || !renewed.ExpirationDateTime.Equal(until) {
		t.Errorf("Renew: %+v %v", renewed, err)
	}
	if _, _, err := c.Subscriptions.Renew(ctx, sub.ID, s.Now().Add(30*24*time.Hour)); err == nil {
		t.Error("Renew beyond the limit of messages succeeded")
	}
	if _, err := c.Subscriptions.Reauthorize(ctx, sub.ID); err != nil {
		t.Errorf("Reauthorize: %v", err)
	}
	if one, _, err := c.Subscriptions.Get(ctx, sub.ID); err != nil || one.ClientState != "only-us" {
		t.Errorf("Get: %+v %v", one, err)
	}
	if _, err := c.Subscriptions.Delete(ctx, sub.ID); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Subscriptions.Get(ctx, sub.ID); !IsNotFound(err) {
		t.Errorf("Get after Delete: %v", err)
	}
}
