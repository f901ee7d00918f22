package sandbox

import (
	"testing"
	"time"
)

// graphConformanceSubscriptions covers /subscriptions, run in order on one
// server ({sub} is saved by the create; {hook} is a receiver on loopback,
// {expiry} and {later} times within the limit of messages).
var graphConformanceSubscriptions = []conformanceRow{
	{route: "POST /v1.0/subscriptions", path: "/v1.0/subscriptions", auth: "mail", status: 201, typ: "subscription", save: "sub",
		body: `{"changeType": "created,updated", "notificationUrl": "{hook}", "resource": "me/mailFolders('Inbox')/messages", "expirationDateTime": "{expiry}", "clientState": "c1"}`},
	{route: "POST /v1.0/subscriptions", path: "/v1.0/subscriptions", auth: "mail", status: 400,
		body: `{"changeType": "created", "notificationUrl": "{hook}", "resource": "me/messages"}`},
	{route: "POST /v1.0/subscriptions", path: "/v1.0/subscriptions", auth: "user", status: 403,
		body: `{"changeType": "created", "notificationUrl": "{hook}", "resource": "me/messages", "expirationDateTime": "{expiry}"}`},
	{route: "POST /v1.0/subscriptions", path: "/v1.0/subscriptions", auth: "app", status: 201, typ: "subscription",
		body: `{"changeType": "deleted", "notificationUrl": "{hook}", "resource": "users/{megan}/messages", "expirationDateTime": "{expiry}"}`},
	{route: "GET /v1.0/subscriptions", path: "/v1.0/subscriptions", auth: "mail", status: 200, typ: "subscription", list: true},
	{route: "GET /v1.0/subscriptions/{sid}", path: "/v1.0/subscriptions/{sub}", auth: "mail", status: 200, typ: "subscription"},
	{route: "GET /v1.0/subscriptions/{sid}", path: "/v1.0/subscriptions/{sub}", auth: "app", status: 404},
	{route: "PATCH /v1.0/subscriptions/{sid}", path: "/v1.0/subscriptions/{sub}", auth: "mail", status: 200, typ: "subscription", body: `{"expirationDateTime": "{later}"}`},
	{route: "PATCH /v1.0/subscriptions/{sid}", path: "/v1.0/subscriptions/{sub}", auth: "mail", status: 400, body: `{"resource": "me/contacts"}`},
	{route: "POST /v1.0/subscriptions/{sid}/reauthorize", path: "/v1.0/subscriptions/{sub}/reauthorize", auth: "mail", status: 204, judge: "none"},
	{route: "DELETE /v1.0/subscriptions/{sid}", path: "/v1.0/subscriptions/{sub}", auth: "mail", status: 204, judge: "none"},
	{route: "DELETE /v1.0/subscriptions/{sid}", path: "/v1.0/subscriptions/{sub}", auth: "mail", status: 404},
}

func TestGraphConformanceSubscriptions(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	rc := newReceiver(t, 0)
	c := newConformance(t, e, map[string]string{"mail": "User.Read Mail.Read", "user": "User.Read"})
	c.fill("{hook}", rc.URL, "{megan}", MeganBowenID,
		"{expiry}", e.s.Now().Add(24*time.Hour).UTC().Format(time.RFC3339), "{later}", e.s.Now().Add(48*time.Hour).UTC().Format(time.RFC3339))
	for _, row := range graphConformanceSubscriptions {
		c.run(row)
	}
}
