// Package m365mcp is a Model Context Protocol server that offers Microsoft 365
// (mail, calendar, contacts and the directory, files, To Do and Teams) as
// tools, resources and prompts to any MCP client, on the official Go SDK.
//
// The server makes every Graph call itself through an [msgraph.Client] whose
// HTTP client holds (or, inside `authsome run`, reaches through the proxy)
// the credential: no tool result, resource, log line or error carries a token
// or a pre-authenticated download or upload URL.
//
// # Safety
//
// Tools are read tools (readOnlyHint) or write tools. [Options.ReadOnly]
// offers only read tools. A write tool asks the user to confirm through MCP
// elicitation when the client supports it; a client that does not is offered
// write tools only with [Options.AllowWrites]. [Options.Areas] limits both.
// Every tool call is reported to [Options.Audit] with the Graph requests it
// made (method, host, path without query, status) and its outcome. Graph
// errors become tool errors a model can act on: not found, throttled (with the
// wait), or a permission to add with `authsome login microsoft --scopes +X`.
//
// # Paging
//
// List tools return at most "top" items and, when there are more, a "cursor"
// to pass back for the next page. Cursors are opaque handles kept by the
// server (the newest [maxCursors]); they are not Graph URLs.
package m365mcp
