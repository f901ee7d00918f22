package subscriptions

import (
	"net/http"
	"slices"
	"sort"
	"time"

	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the /subscriptions routes: create (with the validation
// handshake), list and get (the calling app's, and for a user's token that
// user's), renew or move (PATCH), delete and reauthorize.

func (s *Workload) create(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	b, ge := readSubBody(w, r, schema.Create)
	if ge == nil {
		for name, v := range map[string]bool{"resource": b.Resource == nil, "changeType": b.ChangeType == nil,
			"notificationUrl": b.NotificationURL == nil, "expirationDateTime": b.Expiration == nil} {
			if v {
				ge = invalid("The property '" + name + "' is required to create a subscription.")
			}
		}
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	owner, rest, watch, ge := s.resolve(*b.Resource, c)
	switch {
	case ge != nil:
	case !graphkit.PermittedTo(c, "GET", "/"+strings.TrimPrefix(*b.Resource, "/")) || (watch.OwnerID != "" && !c.IsApp() && watch.OwnerID != c.Oid) ||
		(watch.Members != nil && !c.IsApp() && !slices.Contains(watch.Members, c.Oid)):
		ge = errDenied
	default:
		ge = changeKinds(*b.ChangeType, watch)
	}
	if ge == nil {
		ge = s.checkExpiry(*b.Expiration, watch)
	}
	if ge == nil {
		ge = s.checkURLs(r, *b.NotificationURL, deref(b.LifecycleURL))
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	sb := &sub{ID: newSubID(), Resource: *b.Resource, ChangeType: *b.ChangeType, NotificationURL: *b.NotificationURL,
		LifecycleURL: deref(b.LifecycleURL), ClientState: deref(b.ClientState), Expiration: b.Expiration.UTC(),
		AppID: c.AppID, CreatorID: c.Oid, Delegated: !c.IsApp(), Rest: rest, TokenExpiry: time.Unix(c.Exp, 0).UTC(), watch: watch}
	if owner != nil {
		sb.Owner = owner.ID
	}
	s.mu.Lock()
	s.add(sb)
	graphkit.Touch(r, Name, subKey(sb.ID))
	obj := sb.object()
	s.mu.Unlock()
	s.WriteEntity(w, r, http.StatusCreated, obj, subType, entityContext)
}

// checkURLs checks the notification and lifecycle URLs and performs the
// validation handshake with each.
func (s *Workload) checkURLs(r *http.Request, notify, lifecycle string) *graphkit.Error {
	for _, u := range []string{notify, lifecycle} {
		if u == "" {
			continue
		}
		if ge := loopbackURL(u); ge != nil {
			return ge
		}
		if ge := s.d.validate(r.Context(), u); ge != nil {
			return ge
		}
	}
	return nil
}

func deref(p *string) string {
	if p == nil {
		return ""
	}
	return *p
}

// visible returns the subscription id if the caller may see it: made by the
// same app and, for a user's token, by the same user.
func (s *Workload) visible(id string, c *graphkit.Claims) *sub {
	sb := s.subs[id]
	if sb == nil || sb.AppID != c.AppID || (!c.IsApp() && sb.CreatorID != c.Oid) {
		return nil
	}
	return sb
}

func (s *Workload) list(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	s.mu.Lock()
	var subs []*sub
	for id := range s.subs {
		if sb := s.visible(id, c); sb != nil {
			subs = append(subs, sb)
		}
	}
	sort.Slice(subs, func(i, j int) bool { return subs[i].ID < subs[j].ID })
	objs := make([]graphkit.Item, 0, len(subs))
	for _, sb := range subs {
		objs = append(objs, sb.object())
	}
	s.mu.Unlock()
	s.WriteList(w, r, "#subscriptions", objs, subType, limits, nil)
}

func (s *Workload) get(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	s.mu.Lock()
	sb := s.visible(r.PathValue("sid"), c)
	var obj graphkit.Item
	if sb != nil {
		obj = sb.object()
	}
	s.mu.Unlock()
	if sb == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, subType, entityContext)
}

func (s *Workload) update(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	b, ge := readSubBody(w, r, schema.Update)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	sb := s.visible(r.PathValue("sid"), c)
	var watch *graphkit.Watch
	if sb != nil {
		watch = sb.watch
	}
	s.mu.Unlock()
	switch {
	case sb == nil || watch == nil:
		ge = errNotFound
	case b.Resource != nil || b.ChangeType != nil:
		ge = invalid("Only expirationDateTime, notificationUrl, lifecycleNotificationUrl and clientState can be changed: create a new subscription for another resource or change type.")
	case b.Expiration != nil:
		ge = s.checkExpiry(*b.Expiration, watch)
	}
	if ge == nil && (b.NotificationURL != nil || b.LifecycleURL != nil) {
		ge = s.checkURLs(r, deref(b.NotificationURL), deref(b.LifecycleURL))
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mu.Lock()
	var obj graphkit.Item
	if sb = s.visible(r.PathValue("sid"), c); sb != nil {
		if b.Expiration != nil {
			sb.Expiration = b.Expiration.UTC()
		}
		if b.NotificationURL != nil {
			sb.NotificationURL = *b.NotificationURL
		}
		if b.LifecycleURL != nil {
			sb.LifecycleURL = *b.LifecycleURL
		}
		if b.ClientState != nil {
			sb.ClientState = *b.ClientState
		}
		graphkit.Touch(r, Name, subKey(sb.ID))
		obj = sb.object()
	}
	s.mu.Unlock()
	if sb == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	s.WriteEntity(w, r, http.StatusOK, obj, subType, entityContext)
}

func (s *Workload) remove(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	s.mu.Lock()
	sb := s.visible(r.PathValue("sid"), c)
	if sb != nil {
		s.drop(sb)
		graphkit.Touch(r, Name, subKey(sb.ID))
	}
	s.mu.Unlock()
	if sb == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}

// reauthorize renews a subscription's authorization with the caller's
// token, after a reauthorizationRequired lifecycle notification.
func (s *Workload) reauthorize(w http.ResponseWriter, r *http.Request, c *graphkit.Claims) {
	s.mu.Lock()
	sb := s.visible(r.PathValue("sid"), c)
	if sb != nil {
		sb.TokenExpiry, sb.q.reauthSent = time.Unix(c.Exp, 0).UTC(), false
		graphkit.Touch(r, Name, subKey(sb.ID))
	}
	s.mu.Unlock()
	if sb == nil {
		s.Fail(w, r, errNotFound)
		return
	}
	s.WriteStatus(w, r, http.StatusNoContent, nil)
}
