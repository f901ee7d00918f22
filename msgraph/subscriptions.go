package msgraph

import (
	"context"
	"crypto/subtle"
	"encoding/json"
	"io"
	"iter"
	"net/http"
	"time"
)

// SubscriptionsService is change notifications: Graph calls a webhook of
// yours when a resource changes (O365's Subscriber).
type SubscriptionsService service

// Subscription asks Graph to notify NotificationURL of changes to Resource.
type Subscription struct {
	ID string `json:"id,omitempty"`
	// Resource is relative to the version root: "me/mailFolders('inbox')/messages",
	// "users/{id}/events", "groups/{id}/drive/root".
	Resource string `json:"resource,omitempty"`
	// ChangeType is a comma-separated list of "created", "updated", "deleted".
	ChangeType string `json:"changeType,omitempty"`
	// NotificationURL is the HTTPS endpoint Graph posts to; it must answer
	// the validation request (see [NotificationHandler]).
	NotificationURL          string `json:"notificationUrl,omitempty"`
	LifecycleNotificationURL string `json:"lifecycleNotificationUrl,omitempty"`
	// ExpirationDateTime is when the subscription ends (at most about three
	// days for Outlook resources); renew it before.
	ExpirationDateTime time.Time `json:"expirationDateTime,omitzero"`
	// ClientState is a secret Graph echoes in every notification, to tell
	// genuine notifications from forged ones.
	ClientState               string `json:"clientState,omitempty"`
	IncludeResourceData       bool   `json:"includeResourceData,omitempty"`
	LatestSupportedTLSVersion string `json:"latestSupportedTlsVersion,omitempty"`
	ApplicationID             string `json:"applicationId,omitempty"`
	CreatorID                 string `json:"creatorId,omitempty"`
}

// ChangeNotification is one notification Graph posts to a webhook.
type ChangeNotification struct {
	SubscriptionID                 string    `json:"subscriptionId"`
	SubscriptionExpirationDateTime time.Time `json:"subscriptionExpirationDateTime,omitzero"`
	ClientState                    string    `json:"clientState,omitempty"`
	// ChangeType is "created", "updated" or "deleted".
	ChangeType string `json:"changeType,omitempty"`
	// Resource is the changed item's path, e.g. "Users/{id}/Messages/{id}".
	Resource     string `json:"resource,omitempty"`
	TenantID     string `json:"tenantId,omitempty"`
	ResourceData struct {
		ODataType string `json:"@odata.type,omitempty"`
		ODataID   string `json:"@odata.id,omitempty"`
		ODataEtag string `json:"@odata.etag,omitempty"`
		ID        string `json:"id,omitempty"`
	} `json:"resourceData,omitzero"`
	// LifecycleEvent is "subscriptionRemoved", "missed" or "reauthorizationRequired"
	// on lifecycle notifications.
	LifecycleEvent string `json:"lifecycleEvent,omitempty"`
}

// Create creates a subscription. Graph first calls NotificationURL with a
// validation token, which the endpoint must echo within 10 seconds.
//
// Graph docs: https://learn.microsoft.com/graph/api/subscription-post-subscriptions
//
//meta:operation POST /subscriptions
func (s *SubscriptionsService) Create(ctx context.Context, sub *Subscription) (*Subscription, *Response, error) {
	return doJSON[Subscription](ctx, s.client, http.MethodPost, "subscriptions", sub, nil)
}

// List returns the app's subscriptions.
//
// Graph docs: https://learn.microsoft.com/graph/api/subscription-list
//
//meta:operation GET /subscriptions
func (s *SubscriptionsService) List(ctx context.Context, opts *ListOptions) ([]*Subscription, *Response, error) {
	return getPage[Subscription](ctx, s.client, listURL("subscriptions", opts), nil)
}

// ListIter iterates over all of the app's subscriptions.
func (s *SubscriptionsService) ListIter(ctx context.Context, opts *ListOptions) iter.Seq2[*Subscription, error] {
	return all[Subscription](ctx, s.client, listURL("subscriptions", opts), nil)
}

// Reauthorize renews a subscription's authorization with the client's
// current token, after a reauthorizationRequired lifecycle notification.
//
// Graph docs: https://learn.microsoft.com/graph/api/subscription-reauthorize
//
//meta:operation POST /subscriptions/{id}/reauthorize
func (s *SubscriptionsService) Reauthorize(ctx context.Context, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, "subscriptions/"+escapeSegment(id)+"/reauthorize", nil)
}

// Get returns a subscription.
//
// Graph docs: https://learn.microsoft.com/graph/api/subscription-get
//
//meta:operation GET /subscriptions/{id}
func (s *SubscriptionsService) Get(ctx context.Context, id string) (*Subscription, *Response, error) {
	return getOne[Subscription](ctx, s.client, "subscriptions/"+escapeSegment(id))
}

// Renew moves a subscription's expiry to until.
//
// Graph docs: https://learn.microsoft.com/graph/api/subscription-update
//
//meta:operation PATCH /subscriptions/{id}
func (s *SubscriptionsService) Renew(ctx context.Context, id string, until time.Time) (*Subscription, *Response, error) {
	return doJSON[Subscription](ctx, s.client, http.MethodPatch, "subscriptions/"+escapeSegment(id),
		map[string]time.Time{"expirationDateTime": until.UTC()}, nil)
}

// Delete ends a subscription.
//
// Graph docs: https://learn.microsoft.com/graph/api/subscription-delete
//
//meta:operation DELETE /subscriptions/{id}
func (s *SubscriptionsService) Delete(ctx context.Context, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, "subscriptions/"+escapeSegment(id), nil)
}

// NotificationHandler is the webhook side of subscriptions: it answers
// Graph's validation request (echoing validationToken as text/plain), checks
// each notification's clientState against clientState (notifications that do
// not match are dropped), passes the genuine ones to deliver and answers 202.
// deliver runs before the answer: keep it short (queue the work), since Graph
// retries and eventually drops endpoints slower than 3 seconds.
func NotificationHandler(clientState string, deliver func([]ChangeNotification)) http.Handler {
	return http.HandlerFunc(func(w http.ResponseWriter, r *http.Request) {
		if tok := r.URL.Query().Get("validationToken"); tok != "" {
			w.Header().Set("Content-Type", "text/plain; charset=utf-8")
			w.WriteHeader(http.StatusOK)
			_, _ = io.WriteString(w, tok)
			return
		}
		if r.Method != http.MethodPost {
			http.Error(w, "notifications are POSTed", http.StatusMethodNotAllowed)
			return
		}
		var body struct {
			Value []ChangeNotification `json:"value"`
		}
		if err := json.NewDecoder(io.LimitReader(r.Body, 4<<20)).Decode(&body); err != nil {
			http.Error(w, "not a change notification collection", http.StatusBadRequest)
			return
		}
		genuine := body.Value[:0]
		for _, n := range body.Value {
			if subtle.ConstantTimeCompare([]byte(n.ClientState), []byte(clientState)) == 1 {
				genuine = append(genuine, n)
			}
		}
		if len(genuine) > 0 {
			deliver(genuine)
		}
		w.WriteHeader(http.StatusAccepted)
	})
}
