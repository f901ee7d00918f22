package broker

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"time"

	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// ErrRefreshInterrupted is the cause of the needs_login status of a connection whose refresh
// was interrupted after its request was sent: the process holding the connection's lock died
// before it stored the answer. The provider may have redeemed the refresh token then, and
// presenting it again would be a reuse (refused under strict rotation; providers that detect
// reuse revoke the whole sign-in), so the connection waits for a new sign-in instead.
var ErrRefreshInterrupted = errors.New("a refresh was interrupted after its request was sent (the provider may have redeemed the refresh token)")

// A refresh is recorded in the store before its request goes out ([vault.RefreshSent]) and
// cleared in the write of its answer, so that the next holder of the connection's lock knows
// when the previous one died in between. Client-credentials connections have no refresh
// token to lose: their refreshes are not recorded.

// refreshFingerprint identifies a refresh token in a [vault.RefreshSent] without revealing it.
func refreshFingerprint(rt string) string {
	sum := sha256.Sum256([]byte("authsome refresh in flight\x00" + rt))
	return hex.EncodeToString(sum[:16])
}

// redeemsRefreshToken reports whether refreshing c redeems its refresh token.
func redeemsRefreshToken(c *vault.Connection) bool {
	return c.Flow != string(provider.FlowClientCredentials) && c.RefreshToken != ""
}

// interrupted reports whether a refresh of c's current refresh token was sent and never
// answered into the store.
func interrupted(c *vault.Connection) bool {
	return redeemsRefreshToken(c) && c.RefreshSent != nil && c.RefreshSent.Fingerprint == refreshFingerprint(c.RefreshToken)
}

// markSending records, under the connection's lock, that c's refresh token is about to be
// sent, and returns when the record was stored. When it cannot be recorded the refresh must
// not be sent.
func (b *Broker) markSending(ctx context.Context, c *vault.Connection) (time.Time, error) {
	at := b.now()
	if !redeemsRefreshToken(c) {
		return at, nil
	}
	err := b.store.Update(ctx, func(d *vault.Data) error {
		cur, err := findConnection(d, c.Provider, c.Name)
		if err != nil {
			return err
		}
		if cur.RefreshToken != c.RefreshToken {
			return errors.New("the connection changed during its refresh")
		}
		cur.RefreshSent = &vault.RefreshSent{Fingerprint: refreshFingerprint(c.RefreshToken), At: at}
		return nil
	})
	if err != nil {
		return at, &CredentialError{Provider: c.Provider, Connection: c.Name, Reason: "could not record the refresh before sending it, so it was not sent", Err: err}
	}
	b.log.Debug("refresh recorded, sending it", "provider", c.Provider, "connection", c.Name)
	return b.now(), nil
}

// clearSending removes the record of a refresh whose request failed with this process alive
// to see it: the provider answered with an error, or the request went wrong on the way, as
// before refreshes were recorded (under strict rotation a token the provider did redeem is
// then refused as invalid_grant, which asks for a new sign-in).
func (b *Broker) clearSending(ctx context.Context, c *vault.Connection) {
	if !redeemsRefreshToken(c) {
		return
	}
	err := b.store.Update(ctx, func(d *vault.Data) error {
		cur, err := findConnection(d, c.Provider, c.Name)
		if err != nil || cur.RefreshSent == nil {
			return err
		}
		cur.RefreshSent = nil
		return nil
	})
	if err != nil {
		b.log.Warn("could not clear the record of the failed refresh; the next one will ask for a new sign-in", "provider", c.Provider, "connection", c.Name, "error", err)
	}
}

// refuseInterrupted marks a connection whose previous refresh was interrupted as needing a
// new sign-in, and returns the error every caller gets from now on.
func (b *Broker) refuseInterrupted(ctx context.Context, c *vault.Connection) error {
	b.log.Warn("a refresh was interrupted after its request was sent; the connection needs a new sign-in",
		"provider", c.Provider, "connection", c.Name, "sent", c.RefreshSent.At)
	b.recordRefresh(c.Provider, c.Name, ErrRefreshInterrupted)
	b.markNeedsLogin(ctx, c.Provider, c.Name, ErrRefreshInterrupted)
	return interruptedError(c)
}

// interruptedError is the error of every call on a connection whose refresh was interrupted,
// until it is signed in again.
func interruptedError(c *vault.Connection) error {
	return &CredentialError{Provider: c.Provider, Connection: c.Name, Err: ErrRefreshInterrupted,
		Reason: "a refresh was interrupted after the request was sent; sign in again: `authsome login " + c.Provider + " --connection " + c.Name + " --force`"}
}
