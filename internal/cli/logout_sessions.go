package cli

import (
	"context"
	"errors"
	"fmt"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/msgraph"
	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// revokeSignInSessions is logout --revoke-sessions: POST /me/revokeSignInSessions on the
// connection's Graph, with its token, which ends every refresh token Microsoft issued to the
// user before. It reports the result on stderr; an error means nothing was revoked.
func revokeSignInSessions(ctx context.Context, f *Factory, c *vault.Connection) error {
	if c.Provider != "microsoft" {
		return usagef("--revoke-sessions is for Microsoft connections only (%s/%s is not one)", c.Provider, c.Name)
	}
	client, ep, err := graphClient(ctx, f, c.Name, msgraph.DefaultVersion)
	if err != nil {
		return err
	}
	if ep.UserPrincipalName == "" {
		return usagef("--revoke-sessions: microsoft/%s is an app-only connection: it has no user whose sessions to end", c.Name)
	}
	if _, err := client.Users.RevokeSignInSessions(ctx, "me"); err != nil {
		if errors.Is(err, msgraph.ErrSessionsNotRevoked) {
			return fmt.Errorf("Graph did not confirm revoking the sign-in sessions of %s (nothing was deleted)", ep.UserPrincipalName)
		}
		msg := message(graphError(ep.Connection, err))
		var ge *msgraph.Error
		if errors.As(err, &ge) {
			if hint := forbiddenHint(ep, ge); hint != "" {
				msg += "; " + hint
			}
		}
		return fmt.Errorf("revoking the sign-in sessions of %s failed (nothing was deleted): %s", ep.UserPrincipalName, msg)
	}
	f.notef("Revoked the sign-in sessions of %s at Microsoft: the refresh tokens issued before no longer work.\n", ep.UserPrincipalName)
	return nil
}

// noteTokenStaysValid says, after a logout, that an OAuth access token the provider cannot
// revoke (Microsoft has no revocation endpoint) still works until it expires.
func noteTokenStaysValid(f *Factory, def *provider.Definition, c *vault.Connection) {
	if c.AccessToken == "" || def == nil || def.OAuth == nil || broker.Revocable(def) {
		return
	}
	who := def.DisplayName
	if who == "" {
		who = def.Name
	}
	until := "until it expires"
	if !c.Expiry.IsZero() {
		until += " (" + c.Expiry.UTC().Format("2006-01-02 15:04 UTC") + ")"
	}
	f.notef("The access token remains valid at %s %s: %s cannot revoke it.\n", who, until, who)
}
