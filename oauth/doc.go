// Package oauth implements the OAuth 2.0 flows authsome needs, with the
// Microsoft identity platform as the first-class dialect.
//
// # Flows
//
// Token requests are plain form posts built by this package, so the wire is
// exactly what the RFCs and Microsoft expect: [Config.Exchange] (authorization
// code with PKCE), [Config.Refresh], [Config.ClientCredentials],
// [Config.Password], the device authorization grant ([Config.DeviceAuth] and
// [Config.PollDeviceToken], with a JSON body when [Config.DeviceTokenJSON] is
// set) and token revocation ([Revoke]). [RegisterClient] registers a public
// client by RFC 7591 dynamic client registration. A [Config]
// without a client secret is a public client: no client_secret parameter and
// no Authorization header are ever sent for it.
//
// The browser flow runs on a [Loopback] listener bound to 127.0.0.1:
// [Loopback.AuthCode] builds the authorize URL (state plus an S256 code
// challenge), waits for the redirect (query or form_post) at "/" or
// [CallbackPath], checks the state and exchanges the code. The redirect URI it
// sends is http://127.0.0.1:PORT unless [AuthCodeOptions.RedirectURI] names
// another loopback URI ([ParseLoopbackRedirect] checks one given by a user). [Loopback.CollectClient] serves a small local form that
// asks the user for a client id (and optionally a secret) on the same listener.
//
// # Signing in the users of an application
//
// A web application (or any program with its own redirect URI) runs the
// authorization code flow itself: [Config.StartSignIn] returns the authorize
// URL and a [SignIn] (state, nonce, PKCE verifier) that the caller keeps
// server-side; at the redirect URI, [Config.FinishSignIn] checks the state in
// constant time ([ErrStateMismatch]), returns an error sent by the server as
// an [*Error], redeems the code with the verifier (and the client secret of a
// confidential client) and checks the ID token's nonce ([ErrNonceMismatch]).
// The steps are available on their own: [Config.AuthCodeURL] (with
// [WithParam] and [WithFormPost]), [NewState], [NewNonce], [ReadCallback],
// [Config.Exchange] and [VerifyIDTokenNonce]. Programs without a browser use
// [Config.DeviceAuth] and [Config.PollDeviceToken]; daemons use
// [Config.ClientCredentials].
//
// # Errors
//
// Token endpoint failures are returned as [*Error], which carries the RFC 6749
// fields and Microsoft's extras (error_codes, trace_id, correlation_id,
// timestamp). [Error.AADSTS] gives the Microsoft error number, [Error.Hint]
// actionable advice and [Error.NeedsLogin] tells whether only a new sign-in can
// help. Device-code outcomes can be tested with errors.Is against [ErrDeclined]
// and [ErrExpired]. Responses that are not valid token responses produce
// [*MalformedResponseError]. No error message contains a token or a secret.
//
// # Microsoft
//
// [LookupCloud], [MicrosoftEndpoint] and [QualifyScopes] map a national cloud
// and tenant to endpoints and scopes; [ValidateTenant] checks tenant names;
// [ParseIDTokenClaims] reads the display claims of an ID token (without
// verifying it).
//
// The package writes nothing to standard output or standard error; text meant
// for the user goes through callbacks supplied by the caller.
package oauth
