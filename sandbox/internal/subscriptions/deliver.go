package subscriptions

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is the delivery of notifications: the validation handshake,
// the queue of each subscription (filled under the watched workload's lock
// by heard, emptied by the subscription's own goroutine in POSTs of up to
// maxBatch notifications, retried with doubling waits while the receiver
// fails), and a ticker that ends expired subscriptions and sends lifecycle
// notifications. Pending notifications live in memory only: a restart
// loses them, as a receiver down for longer than Graph retries does.

var limits = odata.Limits{DefaultTop: 100, MaxTop: 1000}

const (
	maxBatch         = 100              // notifications in one POST
	validateTimeout  = 10 * time.Second // Graph's limit for the validation answer
	deliverTimeout   = 10 * time.Second // for a notification POST's answer
	settle           = 50 * time.Millisecond
	firstRetry       = 200 * time.Millisecond
	maxRetry         = 10 * time.Second
	lifecycleTicking = 250 * time.Millisecond
)

// delivery is the workload's delivery machinery.
type delivery struct {
	client  *http.Client
	done    chan struct{}
	wg      sync.WaitGroup
	running bool
}

// queue is a subscription's pending notifications and its goroutine's
// signals; the workload's lock guards pending and reauthSent.
type queue struct {
	pending    []any
	wake       chan struct{}
	stop       chan struct{}
	reauthSent bool
}

func (d *delivery) init() {
	d.done = make(chan struct{})
	// Notification URLs are loopback only; redirects are not followed, as Graph does not.
	d.client = &http.Client{CheckRedirect: func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }}
}

// start begins the deliveries of the subscriptions there are and the
// lifecycle ticker.
func (d *delivery) start(s *Workload) {
	s.mu.Lock()
	d.running = true
	for _, sb := range s.subs {
		s.run(sb)
	}
	s.mu.Unlock()
	d.wg.Add(1)
	go s.lifecycle()
}

func (d *delivery) stop() {
	close(d.done)
	d.wg.Wait()
}

// add registers sb and starts its deliveries; the caller holds s.mu.
func (s *Workload) add(sb *sub) {
	if old := s.subs[sb.ID]; old != nil {
		close(old.q.stop)
	}
	sb.q = &queue{wake: make(chan struct{}, 1), stop: make(chan struct{})}
	s.subs[sb.ID] = sb
	if s.d.running {
		s.run(sb)
	}
}

// drop ends sb; the caller holds s.mu.
func (s *Workload) drop(sb *sub) {
	delete(s.subs, sb.ID)
	close(sb.q.stop)
}

// run starts sb's delivery goroutine; the caller holds s.mu.
func (s *Workload) run(sb *sub) {
	s.d.wg.Add(1)
	go s.deliverLoop(sb, sb.q)
}

// heard is called by a watched workload, under its lock, with each change:
// it queues a notification for every live subscription that covers it.
func (s *Workload) heard(c graphkit.Change) {
	now := s.Now()
	s.mu.Lock()
	defer s.mu.Unlock()
	for _, sb := range s.subs {
		kind := c.Kind
		if sb.watch != nil && sb.watch.Updates {
			kind = graphkit.Updated
		}
		if sb.watch == nil || !sb.wants(kind) || !now.Before(sb.Expiration) || !sb.watch.Match(c) {
			continue
		}
		if sb.watch.Updates && len(sb.q.pending) > 0 {
			continue // the notification waiting to go covers this change too
		}
		resource := sb.Resource // OneDrive names the resource subscribed to
		if !sb.watch.Updates {
			resource = sb.watch.Resource(c)
		}
		n := map[string]any{"subscriptionId": sb.ID, "subscriptionExpirationDateTime": sb.Expiration.Format(time.RFC3339Nano),
			"changeType": string(kind), "resource": resource, "tenantId": directory.TenantID}
		if sb.ClientState != "" {
			n["clientState"] = sb.ClientState
		}
		if sb.watch.Data != nil {
			n["resourceData"] = sb.watch.Data(c)
		}
		sb.q.pending = append(sb.q.pending, n)
		select {
		case sb.q.wake <- struct{}{}:
		default:
		}
	}
}

// wants reports whether sb's changeType includes kind.
func (sb *sub) wants(kind graphkit.ChangeKind) bool {
	for _, k := range bytes.Split([]byte(sb.ChangeType), []byte(",")) {
		if string(bytes.TrimSpace(k)) == string(kind) {
			return true
		}
	}
	return false
}

// deliverLoop posts sb's notifications as they come, until sb ends or the
// sandbox closes.
func (s *Workload) deliverLoop(sb *sub, q *queue) {
	defer s.d.wg.Done()
	for {
		select {
		case <-q.stop:
			return
		case <-s.d.done:
			return
		case <-q.wake:
		}
		if !s.pause(q, settle) { // let a burst of changes gather into one POST
			return
		}
		for {
			s.mu.Lock()
			batch := q.pending[:min(len(q.pending), maxBatch)]
			target := sb.NotificationURL
			s.mu.Unlock()
			if len(batch) == 0 {
				break
			}
			for wait := firstRetry; ; wait = min(2*wait, maxRetry) {
				if s.post(target, batch) == nil {
					break
				}
				if !s.pause(q, wait) {
					return
				}
			}
			s.mu.Lock()
			q.pending = q.pending[len(batch):]
			s.mu.Unlock()
		}
	}
}

// pause waits d, or reports false when the subscription or the sandbox ends.
func (s *Workload) pause(q *queue, d time.Duration) bool {
	t := time.NewTimer(d)
	defer t.Stop()
	select {
	case <-q.stop:
		return false
	case <-s.d.done:
		return false
	case <-t.C:
		return true
	}
}

// post sends notifications to a receiver: any 2xx is delivered.
func (s *Workload) post(target string, value []any) error {
	body, err := json.Marshal(map[string]any{"value": value})
	if err != nil {
		return err
	}
	ctx, cancel := context.WithTimeout(context.Background(), deliverTimeout)
	defer cancel()
	go func() {
		select {
		case <-s.d.done:
			cancel()
		case <-ctx.Done():
		}
	}()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, target, bytes.NewReader(body))
	if err != nil {
		return err
	}
	req.Header.Set("Content-Type", "application/json; charset=utf-8")
	resp, err := s.d.client.Do(req)
	if err != nil {
		return err
	}
	_, _ = io.Copy(io.Discard, io.LimitReader(resp.Body, 64<<10))
	resp.Body.Close()
	if resp.StatusCode < 200 || resp.StatusCode > 299 {
		return fmt.Errorf("receiver answered %s", resp.Status)
	}
	return nil
}

// Graph's answers for a notification URL that fails the handshake.
var (
	errValidationStatus  = graphkit.Err(400, "ValidationError", "Subscription validation request failed. Notification endpoint must respond with 200 OK to validation request.")
	errValidationMatch   = graphkit.Err(400, "ValidationError", "Subscription validation request failed. Response must exactly match validationToken query parameter.")
	errValidationTimeout = graphkit.Err(400, "ValidationError", "Subscription validation request timed out.")
)

// validate performs Graph's validation handshake: POST to the URL with a
// validationToken query parameter, which the receiver must echo as
// text/plain with 200 within 10 seconds.
func (d *delivery) validate(ctx context.Context, target string) *graphkit.Error {
	token := "Validation: Testing client application reachability for subscription Request-Id: " + newSubID()
	u, _ := url.Parse(target) // checked by loopbackURL
	q := u.Query()
	q.Set("validationToken", token)
	u.RawQuery = q.Encode()
	ctx, cancel := context.WithTimeout(context.WithoutCancel(ctx), validateTimeout)
	defer cancel()
	req, err := http.NewRequestWithContext(ctx, http.MethodPost, u.String(), nil)
	if err != nil {
		return errValidationStatus
	}
	req.Header.Set("Content-Type", "text/plain; charset=utf-8")
	resp, err := d.client.Do(req)
	if err != nil {
		if errors.Is(err, context.DeadlineExceeded) {
			return errValidationTimeout
		}
		return errValidationStatus
	}
	defer resp.Body.Close()
	got, err := io.ReadAll(io.LimitReader(resp.Body, int64(len(token))+1024))
	switch {
	case errors.Is(err, context.DeadlineExceeded):
		return errValidationTimeout
	case resp.StatusCode != http.StatusOK:
		return errValidationStatus
	case string(got) != token:
		return errValidationMatch
	}
	return nil
}

// lifecycle ends expired subscriptions (subscriptionRemoved to their
// lifecycle URL) and tells those whose token expired that they need
// reauthorizing (reauthorizationRequired), by the sandbox's clock.
func (s *Workload) lifecycle() {
	defer s.d.wg.Done()
	t := time.NewTicker(lifecycleTicking)
	defer t.Stop()
	for {
		select {
		case <-s.d.done:
			return
		case <-t.C:
		}
		now := s.Now()
		var events []lifecycleEvent
		s.mu.Lock()
		for _, sb := range s.subs {
			switch {
			case !now.Before(sb.Expiration):
				s.drop(sb)
				events = append(events, lifecycleEvent{sb, "subscriptionRemoved"})
			case !sb.q.reauthSent && !now.Before(sb.TokenExpiry):
				sb.q.reauthSent = true
				events = append(events, lifecycleEvent{sb, "reauthorizationRequired"})
			}
		}
		s.mu.Unlock()
		for _, e := range events {
			if e.sub.LifecycleURL == "" {
				continue
			}
			n := map[string]any{"subscriptionId": e.sub.ID, "subscriptionExpirationDateTime": e.sub.Expiration.Format(time.RFC3339Nano),
				"lifecycleEvent": e.event, "tenantId": directory.TenantID}
			if e.sub.ClientState != "" {
				n["clientState"] = e.sub.ClientState
			}
			_ = s.post(e.sub.LifecycleURL, []any{n}) // one attempt: the subscription may be gone
		}
	}
}

type lifecycleEvent struct {
	sub   *sub
	event string
}
