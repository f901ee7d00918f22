package msgraph

import (
	"context"
	"fmt"
	"net/http"
	"time"
)

// This file is TeamsService's presence: read a user's, set and clear an
// app's presence session and the user's preferred presence.

func presencePath(user string) string { return userPath(user) + "/presence" }

// GetPresence returns a user's presence ("" or "me": the signed-in user's).
//
// Graph docs: https://learn.microsoft.com/graph/api/presence-get
//
//meta:operation GET /users/{id}/presence
func (s *TeamsService) GetPresence(ctx context.Context, user string) (*Presence, *Response, error) {
	return getOne[Presence](ctx, s.client, presencePath(user))
}

// SetPresenceOptions are an app's presence session for a user.
type SetPresenceOptions struct {
	// SessionID is the app's id (its client id).
	SessionID string
	// Availability and Activity are one of Graph's pairs: Available/
	// Available, Busy/InACall, Busy/InAConferenceCall, Away/Away,
	// DoNotDisturb/Presenting.
	Availability, Activity string
	// Expiration is how long the session lasts (5 minutes to 4 hours; zero:
	// Graph's 5 minutes).
	Expiration time.Duration
}

// isoDuration writes d as an ISO 8601 duration ("PT1H30M").
func isoDuration(d time.Duration) string {
	d = d.Round(time.Second)
	h, m, sec := int(d/time.Hour), int(d%time.Hour/time.Minute), int(d%time.Minute/time.Second)
	out := "PT"
	if h > 0 {
		out += fmt.Sprintf("%dH", h)
	}
	if m > 0 {
		out += fmt.Sprintf("%dM", m)
	}
	if sec > 0 || out == "PT" {
		out += fmt.Sprintf("%dS", sec)
	}
	return out
}

// SetPresence sets an app's presence session for a user ("" or "me" is not
// accepted: Graph takes the user's id).
//
// Graph docs: https://learn.microsoft.com/graph/api/presence-setpresence
//
//meta:operation POST /users/{id}/presence/setPresence
func (s *TeamsService) SetPresence(ctx context.Context, user string, opts *SetPresenceOptions) (*Response, error) {
	body := map[string]any{"sessionId": opts.SessionID, "availability": opts.Availability, "activity": opts.Activity}
	if opts.Expiration > 0 {
		body["expirationDuration"] = isoDuration(opts.Expiration)
	}
	return s.client.sendNoContent(ctx, http.MethodPost, presencePath(user)+"/setPresence", body)
}

// ClearPresence ends an app's presence session for a user.
//
// Graph docs: https://learn.microsoft.com/graph/api/presence-clearpresence
//
//meta:operation POST /users/{id}/presence/clearPresence
func (s *TeamsService) ClearPresence(ctx context.Context, user, sessionID string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, presencePath(user)+"/clearPresence", map[string]any{"sessionId": sessionID})
}

// PreferredPresenceOptions are a user's preferred presence.
type PreferredPresenceOptions struct {
	// Availability and Activity are one of Graph's pairs: Available/
	// Available, Busy/Busy, DoNotDisturb/DoNotDisturb, BeRightBack/
	// BeRightBack, Away/Away, Offline/OffWork.
	Availability, Activity string
	// Expiration is how long it lasts (zero: Graph's default, a day for
	// Busy and DoNotDisturb, else a week).
	Expiration time.Duration
}

// SetPreferredPresence sets a user's preferred presence, which overrides
// the apps' sessions until it expires or is cleared.
//
// Graph docs: https://learn.microsoft.com/graph/api/presence-setuserpreferredpresence
//
//meta:operation POST /users/{id}/presence/setUserPreferredPresence
func (s *TeamsService) SetPreferredPresence(ctx context.Context, user string, opts *PreferredPresenceOptions) (*Response, error) {
	body := map[string]any{"availability": opts.Availability, "activity": opts.Activity}
	if opts.Expiration > 0 {
		body["expirationDuration"] = isoDuration(opts.Expiration)
	}
	return s.client.sendNoContent(ctx, http.MethodPost, presencePath(user)+"/setUserPreferredPresence", body)
}

// ClearPreferredPresence clears a user's preferred presence.
//
// Graph docs: https://learn.microsoft.com/graph/api/presence-clearuserpreferredpresence
//
//meta:operation POST /users/{id}/presence/clearUserPreferredPresence
func (s *TeamsService) ClearPreferredPresence(ctx context.Context, user string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodPost, presencePath(user)+"/clearUserPreferredPresence", nil)
}
