// Package sandbox is an offline emulator of the Microsoft identity platform
// (v2.0 endpoints) plus a part of Microsoft Graph, for tests and demos. It
// imports nothing else from this module but its own sandbox/odata.
//
// # Identity platform
//
// For tenant segments common, organizations, consumers, TenantID and
// TenantDomain (anything else answers AADSTS90002):
//
//	GET  /{tenant}/oauth2/v2.0/authorize                sign-in and consent page (PKCE S256; query, fragment, form_post)
//	POST /{tenant}/login                                the page's form (referenced by a server-side pending record)
//	POST /{tenant}/oauth2/v2.0/token                    authorization_code, device_code, client_credentials, password, refresh_token
//	POST /{tenant}/oauth2/v2.0/devicecode               device authorization; GET/POST /devicelogin is the code-entry page
//	GET  /{tenant}/v2.0/.well-known/openid-configuration
//	GET  /{tenant}/discovery/v2.0/keys                  JWKS (RS256)
//	GET  /common/discovery/instance                     instance discovery, as MSAL asks for it
//	GET  /common/UserRealm/{user}                       what MSAL asks before the password grant
//	GET  /{tenant}/oauth2/v2.0/logout, GET /error?code=N
//
// Errors use Microsoft's JSON body (error, error_description starting with
// "AADSTSnnnnn:" and ending in trace id, correlation id and timestamp lines,
// error_codes, timestamp, trace_id, correlation_id, error_uri). The
// client-request-id header is echoed as the correlation id.
//
// Access tokens are RS256 JWTs for Graph (aud https://graph.microsoft.com)
// with scp or roles; ID tokens follow v2.0. Refresh tokens are opaque and
// rotate on every use; the old one stays valid unless strict rotation is on.
//
// # MSAL for Go
//
// MSAL can use the sandbox as an authority (https://HOST:PORT/{tenant}) with
// the client from Server.Client and instance discovery disabled
// (WithInstanceDiscovery(false)): for hosts it does not know, MSAL sends
// instance discovery to login.microsoftonline.com, which is not reachable
// offline. Device code, client credentials, authorization code, username and
// password, and silent refresh work; client_info is returned when requested.
//
// # Graph
//
// GET /v1.0/me, /v1.0/me/manager, /v1.0/users, /v1.0/users/{id|upn}[/manager]
// and /oidc/userinfo, with Graph's JSON shapes, $top/$skip paging with
// @odata.nextLink and Graph's error body. Tokens are verified (signature,
// expiry, audience).
//
// Mail, under /v1.0/me and /v1.0/users/{id|upn} (delegated tokens reach their
// own mailbox with Mail.Read, Mail.ReadWrite for changes, Mail.Send for
// sending; app-only tokens any mailbox with the same roles):
//
//	GET|POST              /mailFolders, /mailFolders/{id}/childFolders
//	GET|PATCH|DELETE      /mailFolders/{id|well-known name}[/childFolders/{id}]
//	POST                  /mailFolders/{id}/move, /mailFolders/{id}/copy
//	GET|POST              /messages, /mailFolders/{id}/messages
//	GET                   /mailFolders/{id}/messages/delta     ($skiptoken/$deltatoken, @removed)
//	GET|PATCH|DELETE      /messages/{id}, GET /messages/{id}/$value (MIME), GET /messages/$count
//	POST                  /messages/{id}/move|copy|send|createReply|createReplyAll|createForward|reply|replyAll|forward
//	POST                  /sendMail
//	GET|POST              /messages/{id}/attachments           (file attachments up to 3 MB)
//	GET|DELETE            /messages/{id}/attachments/{id}, GET .../{id}/$value
//	POST                  /v1.0/$batch                         (20 requests, dependsOn, per-item faults)
//
// Collections take $select, $filter, $orderby, $top, $skip, $count, $search
// (messages) and $expand=attachments (see package sandbox/odata), and
// Prefer: outlook.body-content-type and IdType="ImmutableId" (message ids
// that survive moves; both id forms address a message). Path segments match case-insensitively
// and name('key') segments work, in every workload. Request bodies of every workload are read
// alike: gzip Content-Encoding (another coding is 415), the Content-Type's charset (UTF-8,
// UTF-16, ISO-8859-1, US-ASCII), enum values in any case; an empty body on a create or update is
// Graph's "Empty Payload", malformed JSON, a wrong JSON type or an unknown property its errors.
// Each seeded user has the well-known folders,
// child folders under the inbox and about 75 messages; POST /_sandbox/reset
// restores them. Server.SeedMessages (and the control API) adds generated
// messages in bulk, for big mailboxes. Options.StateFile keeps the mailboxes across
// restarts (written when the server closes).
//
// Calendars and contacts, under the same roots (Calendars.Read/ReadWrite,
// Contacts.Read/ReadWrite):
//
//	GET|POST              /calendars, GET|PATCH /calendar, GET|PATCH|DELETE /calendars/{id}
//	GET|POST              /events, /calendar/events, /calendars/{id}/events
//	GET|PATCH|DELETE      /events/{id}  (occurrences too: a change makes an exception)
//	POST                  /events/{id}/accept|tentativelyAccept|decline|cancel
//	GET                   /calendarView, /calendar/calendarView, /calendars/{id}/calendarView,
//	                      /events/{id}/instances  (recurring series expanded; Prefer: outlook.timezone)
//	POST                  /calendar/getSchedule
//	GET|POST              /contacts, /contactFolders, /contactFolders/{id}/contacts
//	GET|PATCH|DELETE      /contacts/{id}, /contactFolders/{id}
//
// Invitations are copied into each seeded attendee's calendar, and answers
// reach the organizer. Options.StateFile keeps calendars, events and contacts too.
//
// # Control API
//
// Under /_sandbox/ (JSON, not recorded in the request log). It is open by
// default, for a sandbox on loopback; with Options.RequireControlToken every
// request needs "Authorization: Bearer <token>" (Info.ControlToken, the
// control_token of sandbox.json) and is otherwise answered 401:
//
//	POST   /_sandbox/devicecode/approve  {"user_code", "user" (UPN or id; default first user), "decline"}
//	GET    /_sandbox/faults              list
//	POST   /_sandbox/faults              {"path" (regexp), "method", "status", "retry_after", "count", "delay_ms", "hold_ms", "reset"} → {"id"}
//	DELETE /_sandbox/faults
//	GET    /_sandbox/settings, PATCH /_sandbox/settings
//	       {"strict_refresh_rotation", "access_token_lifetime_seconds", "device_interval_seconds", "device_interval_ms", "auto_approve"}
//	GET    /_sandbox/requests, DELETE /_sandbox/requests
//	GET    /_sandbox/clock               {"now" (RFC 3339), "offset_seconds"}
//	POST   /_sandbox/clock               {"advance_seconds": N} or {"set": RFC 3339 time} → the same as GET
//	POST   /_sandbox/reset
//	POST   /_sandbox/revoke              {"user"} → {"revoked": n}
//	POST   /_sandbox/seed/messages       {"user" (default first user), "folder" (id or well-known name; default inbox), "count"} → {"seeded": n}
//	GET    /_sandbox/state, PUT /_sandbox/state
//	GET    /_sandbox/refresh-stats       {"grants", "reuses"} (Server.RefreshStats)
//	GET    /_sandbox/info                the sandbox.json content
//	POST   /_sandbox/apps/{client_id}/certificates  PEM certificate (or {"certificate": PEM}) → {"x5t#S256"}
//	POST   /_sandbox/apps/{client_id}/federated     {"name", "issuer", "subject", "audiences", "jwks" or "public_key" (PEM)} → {"name"}
//
// A fault's delay_ms delays a request before the endpoint sees it; hold_ms
// lets the endpoint do its work (redeem a refresh token, send a message) and
// holds the answer back that long, so a client that dies meanwhile misses an
// answer whose effect took place. refresh-stats counts the refresh_token
// grants answered with tokens and the reuses: a refresh token that had
// already been redeemed presented again, whether strict rotation refused it
// or not (in memory, since the start or the last reset).
//
// The sandbox's clock is Options.Now plus an offset that POST /_sandbox/clock
// (or Server.AdvanceClock, Server.SetClock) moves forward, never back (400):
// token iat/nbf/exp and their checks, code, device code and sign-in expiry,
// the polling interval, refresh-token inactivity, item times, the Date header
// and the request log all follow it, so tests reach expiries without
// sleeping. TLS certificates and timeouts stay on the real clock. Reset sets
// the clock back to Options.Now; the state file keeps the offset.
//
// The request log keeps method, path, query parameter names, status, headers
// (Authorization, Proxy-Authorization and Cookie replaced by "sha256:<hex>")
// and, for token and device code requests, grant_type, client_id and scope.
// The state holds codes and tokens only as SHA-256 hashes.
package sandbox
