// Package proxy is the credential-injecting proxy behind `authsome run` and `authsome proxy`:
// the child process talks to it with per-run proxy credentials, and requests it sends to a
// routed API host (graph.microsoft.com) leave with the real, fresh credential, while the
// child only ever holds [Placeholder].
//
// # Modes
//
// [Server.Serve] is a forward proxy. A CONNECT to port 443 of a host that a [Route] matches
// and the [CA] was created for is intercepted: the proxy answers 200, terminates TLS with a
// leaf certificate minted for that host, serves HTTP/1.1 and HTTP/2 to the child, and sends
// each request upstream with the credential when the route matches its path. Every other
// CONNECT is a blind TCP tunnel (never decrypted), or is refused with 403 under
// [Options.DenyUnmatched]. Absolute-form plain-http requests are forwarded without any
// credential: a token never travels over plain http.
//
// [Server.ServeBaseURL] serves http://127.0.0.1:PORT/<secret>/<host>/<path> for clients that
// ignore proxy variables, forwarding to https://<host>/<path> under the same injection rules.
//
// # Host matching
//
// The host a request reaches is always the CONNECT host (or the base-URL host segment),
// normalised strictly: lower-case ASCII, no userinfo, no percent-encoding, a trailing dot
// kept, an IP literal never routed, only port 443 intercepted. Routes compare it exactly, so
// suffix tricks, look-alikes and alternative spellings are other hosts. Inside an intercepted
// connection a request whose Host differs gets 421, a TLS server name that differs ends the
// handshake, and a nested CONNECT gets 405. The proxy never follows redirects: the child
// follows them, and a new host gets that host's rules, so pre-authenticated upload and
// download URLs (on SharePoint hosts) never receive the token.
//
// # Credentials
//
// Headers come from [Credentials] (the broker), cached per connection for at most 30 s
// ([Options.CredentialTTL]); concurrent misses share one call. When the upstream answers 401
// with an invalid_token challenge or Graph's InvalidAuthenticationToken and the request can be
// replayed (no body, or a body of known length up to 1 MiB), the cached header is dropped,
// [Invalidator] is told once, and the request is retried once with the fresh header. When
// the upstream refuses the fresh header too, later 401s pass to the child unchanged for a
// minute: 401s cause at most one refresh per connection per minute.
//
// # Audit
//
// [Options.Audit] receives one [Entry] per request, tunnel or refusal: no secrets, no query
// strings, no bodies. Requests refused before authentication (no proxy credentials, wrong
// base-URL secret) are counted instead, into one summary Entry ([KindRefusals]) per reason
// per window, so that whoever can reach the port cannot push the agent's requests out of a
// rotating log. [AuditFile] writes entries as JSON lines ([AuditRecord]).
package proxy
