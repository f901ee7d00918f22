// Package subscriptions is the sandbox's change notifications (Graph's
// /subscriptions): a subscription names a resource of another workload
// (messages, contacts, To Do tasks, ...), which resolves it to the changes
// it covers (graphkit.Watchable); creating one performs Graph's validation
// handshake with the notification URL; the changes come from the
// workloads' change feeds and are delivered in batches to the URL, with
// clientState, retried with backoff while the receiver fails; lifecycle
// notifications (reauthorizationRequired, subscriptionRemoved) go to the
// lifecycle URL. Deliveries go to loopback addresses only. Subscriptions are
// journaled; notifications not yet delivered are not (deliver.go).
package subscriptions

import (
	"encoding/json"
	"net/http"
	"net/url"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// Name is the workload's name: it keys its part of the state and its
// journal records.
const Name = "subscriptions"

// Workload is the subscriptions workload: the subscriptions, the
// workloads they watch and their deliveries.
type Workload struct {
	*graphkit.Kit
	mu      sync.Mutex
	subs    map[string]*sub
	sources []graphkit.Watchable
	cancels []func()
	d       delivery // deliver.go
}

// sub is a subscription.
type sub struct {
	ID              string    `json:"id"`
	Resource        string    `json:"resource"` // as sent
	ChangeType      string    `json:"changeType"`
	NotificationURL string    `json:"notificationUrl"`
	LifecycleURL    string    `json:"lifecycleNotificationUrl,omitempty"`
	ClientState     string    `json:"clientState,omitempty"`
	Expiration      time.Time `json:"expirationDateTime"`
	AppID           string    `json:"applicationId"`
	CreatorID       string    `json:"creatorId"`
	Delegated       bool      `json:"delegated,omitempty"` // made with a user's token
	Owner           string    `json:"owner,omitempty"`     // the user whose data the resource names
	Rest            string    `json:"rest"`                // the resource after its owner
	TokenExpiry     time.Time `json:"tokenExpiry"`         // when the token that made or reauthorized it expires

	watch *graphkit.Watch // the changes it covers (not journaled: resolved again on restore)
	q     *queue          // its pending notifications (deliver.go)
}

// New returns the subscriptions workload, with no subscription; Attach
// gives it the workloads to watch.
func New(k *graphkit.Kit) *Workload {
	s := &Workload{Kit: k, subs: map[string]*sub{}}
	s.d.init()
	return s
}

// Attach subscribes to the changes of every watchable workload of ws and
// starts the deliveries.
func (s *Workload) Attach(ws []graphkit.Workload) {
	for _, w := range ws {
		if src, ok := w.(graphkit.Watchable); ok {
			s.sources = append(s.sources, src)
			s.cancels = append(s.cancels, src.Changes(s.heard))
		}
	}
	s.resolveAll()
	s.d.start(s)
}

// Close stops the deliveries and the watching.
func (s *Workload) Close() error {
	for _, c := range s.cancels {
		c()
	}
	s.d.stop()
	return nil
}

// Routes registers the subscription routes.
func (s *Workload) Routes(m *graphkit.Mux) {
	m.HandleFunc("POST /v1.0/subscriptions", s.Auth(s.create))
	m.HandleFunc("GET /v1.0/subscriptions", s.Auth(s.list))
	m.HandleFunc("GET /v1.0/subscriptions/{sid}", s.Auth(s.get))
	m.HandleFunc("PATCH /v1.0/subscriptions/{sid}", s.Auth(s.update))
	m.HandleFunc("DELETE /v1.0/subscriptions/{sid}", s.Auth(s.remove))
	m.HandleFunc("POST /v1.0/subscriptions/{sid}/reauthorize", s.Auth(s.reauthorize))
}

var subType = &odata.Type{Name: "microsoft.graph.subscription", Keep: []string{"id"},
	Props: []string{"id", "resource", "applicationId", "changeType", "clientState", "notificationUrl",
		"notificationQueryOptions", "lifecycleNotificationUrl", "expirationDateTime", "creatorId",
		"includeResourceData", "latestSupportedTlsVersion", "encryptionCertificate", "encryptionCertificateId",
		"notificationUrlAppId"}}

// object is sb as Graph's JSON.
func (sb *sub) object() graphkit.Item {
	null := func(v string) any {
		if v == "" {
			return nil
		}
		return v
	}
	return graphkit.NewItem(map[string]any{"id": sb.ID, "resource": sb.Resource, "applicationId": sb.AppID,
		"changeType": sb.ChangeType, "clientState": null(sb.ClientState), "notificationUrl": sb.NotificationURL,
		"notificationQueryOptions": nil, "lifecycleNotificationUrl": null(sb.LifecycleURL),
		"expirationDateTime": sb.Expiration.UTC().Format(time.RFC3339Nano), "creatorId": sb.CreatorID,
		"includeResourceData": false, "latestSupportedTlsVersion": "v1_2", "encryptionCertificate": nil,
		"encryptionCertificateId": nil, "notificationUrlAppId": nil})
}

const entityContext = "#subscriptions/$entity"

// Graph's answers for a subscription it refuses.
var (
	errNotFound = graphkit.Err(404, "ResourceNotFound", "The object was not found.")
	errDenied   = graphkit.Err(403, "ExtensionError", "Operation: Create; Exception: [Status Code: Forbidden; Reason: Access is denied. Check credentials and try again.]")
)

func invalid(msg string) *graphkit.Error { return graphkit.Err(400, "InvalidRequest", msg) }

// subBody is a create or update body, checked against the schema.
type subBody struct {
	Resource        *string    `json:"resource"`
	ChangeType      *string    `json:"changeType"`
	NotificationURL *string    `json:"notificationUrl"`
	LifecycleURL    *string    `json:"lifecycleNotificationUrl"`
	ClientState     *string    `json:"clientState"`
	Expiration      *time.Time `json:"expirationDateTime"`
	IncludeData     *bool      `json:"includeResourceData"`
}

func readSubBody(w http.ResponseWriter, r *http.Request, op schema.Op) (*subBody, *graphkit.Error) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		return nil, ge
	}
	clean, ge := schema.Check("subscription", body, op)
	if ge != nil {
		return nil, ge
	}
	raw, _ := json.Marshal(clean)
	var b subBody
	if json.Unmarshal(raw, &b) != nil {
		return nil, graphkit.ErrUnreadablePayload
	}
	if b.IncludeData != nil && *b.IncludeData {
		return nil, invalid("includeResourceData needs an encryptionCertificate, which the sandbox does not take: subscribe without resource data and read the resource.")
	}
	return &b, nil
}

// changeKinds reads a changeType ("created,updated") against what the
// watch allows.
func changeKinds(v string, w *graphkit.Watch) *graphkit.Error {
	allowed := w.ChangeTypes
	if len(allowed) == 0 {
		allowed = []graphkit.ChangeKind{graphkit.Created, graphkit.Updated, graphkit.Deleted}
	}
	parts := strings.Split(v, ",")
	for _, p := range parts {
		if !slices.Contains(allowed, graphkit.ChangeKind(strings.TrimSpace(p))) {
			return invalid("Invalid 'changeType' attribute: '" + v + "'.")
		}
	}
	return nil
}

// checkExpiry applies the watch's limit to an expiration.
func (s *Workload) checkExpiry(t time.Time, w *graphkit.Watch) *graphkit.Error {
	now := s.Now()
	if !t.After(now) {
		return invalid("Subscription expiration must be in the future.")
	}
	if t.After(now.Add(time.Duration(w.MaxMinutes) * time.Minute)) {
		return invalid("Subscription expiration can only be " + itoa(w.MaxMinutes) + " minutes in the future.")
	}
	return nil
}

// loopbackURL checks a notification URL: http or https on a loopback host,
// the only addresses the sandbox delivers to.
func loopbackURL(v string) *graphkit.Error {
	u, err := url.Parse(v)
	if err != nil || (u.Scheme != "https" && u.Scheme != "http") || u.Host == "" {
		return graphkit.Err(400, "ValidationError", "Subscription validation request failed. Must use https scheme: '"+v+"' is not an http(s) URL.")
	}
	switch strings.ToLower(u.Hostname()) {
	case "127.0.0.1", "::1", "localhost":
		return nil
	}
	return graphkit.Err(400, "ValidationError", "Subscription validation request failed. The sandbox delivers notifications to loopback addresses only (127.0.0.1, ::1, localhost), not to '"+u.Hostname()+"'.")
}

// resolve finds the workload that serves a resource and what it covers.
func (s *Workload) resolve(resource string, c *graphkit.Claims) (owner *graphkit.User, rest string, w *graphkit.Watch, ge *graphkit.Error) {
	owner, rest, ge = s.ResourceOwner(resource, c)
	if ge != nil {
		return nil, "", nil, ge
	}
	w, ge = s.watch(owner, rest)
	return owner, rest, w, ge
}

// watch asks the watchable workloads for rest of owner's.
func (s *Workload) watch(owner *graphkit.User, rest string) (*graphkit.Watch, *graphkit.Error) {
	for _, src := range s.sources {
		if w, ok, ge := src.Watch(rest, owner); ok {
			return w, ge
		}
	}
	return nil, invalid("The resource '" + rest + "' does not support change notifications in the sandbox.")
}

func itoa(n int) string {
	b, _ := json.Marshal(n)
	return string(b)
}

func newSubID() string { return ids.GUID() }
