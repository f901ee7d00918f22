package broker

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/oauth"
)

// EventKind names a credential event.
type EventKind string

// Credential events, as [Event.Kind].
const (
	EventLogin   EventKind = "login"   // a connection was signed in and stored
	EventRefresh EventKind = "refresh" // a token refresh was attempted (one per refresh, not per cached token)
	EventExport  EventKind = "export"  // a connection's credential was handed out by [Broker.Export]
	EventLogout  EventKind = "logout"  // a connection was deleted
	EventRevoke  EventKind = "revoke"  // a provider's sign-ins and client were revoked
	EventImport  EventKind = "import"  // a connection was imported from another tool's token cache (Flow: the source)
)

// Event outcomes, as [Event.Outcome].
const (
	OutcomeOK     = "ok"
	OutcomeFailed = "failed"
)

// Event is one credential event for an audit trail: who signed in, which token was refreshed
// or handed out, what was deleted. It never holds a secret: Error is a short code such as
// "invalid_grant AADSTS50173", not a server's message.
type Event struct {
	Time       time.Time // zero → the broker's clock ([Broker.Record] fills it)
	Kind       EventKind
	Provider   string
	Connection string
	Outcome    string   // OutcomeOK or OutcomeFailed; "" → OutcomeOK
	Flow       string   // login: the sign-in flow
	Scopes     []string // login: the scopes granted
	Error      string   // a failure's code (see [EventError]), or a note on a partial success
}

// Record passes e to the event sink of [Options.Events], filling in its time and outcome. It
// does nothing when there is no sink. The broker records its own events (login, refresh,
// export, logout); callers record the ones it cannot see, such as [EventRevoke].
func (b *Broker) Record(e Event) {
	if b.events == nil {
		return
	}
	if e.Time.IsZero() {
		e.Time = b.now()
	}
	if e.Outcome == "" {
		e.Outcome = OutcomeOK
	}
	b.events(e)
}

// recordRefresh records one attempted refresh of prov/name; err nil means it succeeded.
func (b *Broker) recordRefresh(prov, name string, err error) {
	e := Event{Kind: EventRefresh, Provider: prov, Connection: name}
	if err != nil {
		e.Outcome, e.Error = OutcomeFailed, EventError(err)
	}
	b.Record(e)
}

// EventError is the short code of err for [Event.Error]: the OAuth error code and the
// Microsoft AADSTS number ("invalid_grant AADSTS50173"), "unreachable", "timeout", or
// "error". It never holds the error's text, which may quote what a server sent.
func EventError(err error) string {
	err = unreachable(err)
	var oe *oauth.Error
	switch {
	case errors.As(err, &oe):
		code := strings.Map(func(r rune) rune {
			if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '_' {
				return r
			}
			return -1
		}, oe.Code)
		if len(code) > 64 {
			code = code[:64]
		}
		if code == "" {
			code = "oauth_error"
		}
		if n := oe.AADSTS(); n != 0 {
			code += fmt.Sprintf(" AADSTS%d", n)
		}
		return code
	case errors.Is(err, ErrUnreachable):
		return "unreachable"
	case errors.Is(err, context.DeadlineExceeded):
		return "timeout"
	case errors.Is(err, context.Canceled):
		return "cancelled"
	}
	return "error"
}

// recordLogout records the deletion of prov/name unless it failed (err); revokeErr is the
// failed remote revocation, if any (the connection is deleted all the same).
func (b *Broker) recordLogout(prov, name string, revokeErr, err error) {
	if err != nil {
		return
	}
	e := Event{Kind: EventLogout, Provider: prov, Connection: name}
	if revokeErr != nil {
		e.Error = "remote revocation failed: " + EventError(revokeErr)
	}
	b.Record(e)
}
