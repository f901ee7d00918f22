package cli

import (
	"bytes"
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/msgraph"
)

type apiOptions struct {
	f          *Factory
	path       string
	connection string
	method     string
	data       string
	headers    []string
	paginate   bool
	jq         string
	include    bool
}

func newAPICmd(f *Factory, runF func(*apiOptions) error) *cobra.Command {
	o := apiOptions{f: f}
	cmd := &cobra.Command{
		Use:   "api [-X METHOD] [-d DATA|@FILE|@-] [-H 'Name: value']... [--paginate] [--jq EXPR] [-i] PATH",
		Short: "Send one authenticated Microsoft Graph request and print the response",
		Long: `Send one request to Microsoft Graph with a connection's token (refreshed as needed) and
print the response body. PATH is relative to the connection's Graph (its national cloud or the
sandbox): /me, me and /v1.0/me are the same request, beta/... selects beta, and a query may
follow (quote it for the shell: 'me/messages?$top=5'). A full URL must be on that Graph host: the
token is never sent anywhere else. A GET that Graph redirects to another host (file contents
such as /me/drive/items/ID/content) is followed without the token.

-d sends a body and makes the default method POST: text is sent as JSON; @FILE streams a file
and @- standard input, byte for byte, as JSON when they start with '{' or '[' and as
application/octet-stream otherwise (-H 'Content-Type: ...' sets another type). The response body
is printed as received (a file's bytes can be redirected to a file); JSON is indented when stdout
is a terminal. --paginate follows @odata.nextLink and prints one object with every
page's "value" items. Throttled requests (429, 503, 504) are retried after Retry-After, three
times at most. A 403 names the permission the request needs and how to add it.

--jq EXPR filters the JSON response with a subset of jq and prints each result on its own
line, strings raw (like jq -r). Supported: . (the whole value), .a.b, ."key" and .["key"]
(object keys), .[n] (array items, negative from the end), .[] (every item of an array or
value of an object), A | B, select(PATH == VALUE) and select(PATH != VALUE) with a JSON
string, number, true, false or null, length and keys; anything else is refused.
-i prints the status line and the response headers (never an Authorization header), a blank
line, then the body. With --jq or -i the whole body is read before it is printed.`,
		Example: `  authsome api /me
  authsome api 'me/messages?$top=5&$select=subject'
  authsome api --paginate 'users?$select=displayName'
  authsome api -X PATCH -d '{"mobilePhone":"+1 555 0100"}' /me
  authsome api -X PUT -d @report.pdf '/me/drive/root:/report.pdf:/content'
  authsome api /me/drive/items/ID/content > report.pdf
  authsome api --jq '.value[] | select(.isRead == false) | .subject' /me/messages
  authsome api -i /me`,
		Args: exactArgs(1, "the Graph path, such as /me"),
		RunE: func(cmd *cobra.Command, args []string) error {
			o.path = args[0]
			if runF != nil {
				return runF(&o)
			}
			return runAPI(cmd.Context(), &o)
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.connection, "connection", "", "connection name (default: the default connection)")
	fl.StringVarP(&o.method, "method", "X", "", "HTTP method (default GET, or POST with -d)")
	fl.StringVarP(&o.data, "data", "d", "", "request body, @FILE for a file, @- for stdin")
	fl.StringArrayVarP(&o.headers, "header", "H", nil, "extra request header 'Name: value'; repeatable")
	fl.BoolVar(&o.paginate, "paginate", false, "follow @odata.nextLink and print every page's items")
	fl.StringVar(&o.jq, "jq", "", "filter the JSON response with a jq expression (a subset: see above)")
	fl.BoolVarP(&o.include, "include", "i", false, "print the status line and response headers before the body")
	registerConnectionFlagOf(cmd, f, "microsoft")
	_ = cmd.RegisterFlagCompletionFunc("method", cobra.FixedCompletions([]string{"GET", "POST", "PATCH", "PUT", "DELETE"}, cobra.ShellCompDirectiveNoFileComp))
	return cmd
}

// apiRetry is how throttled requests are retried: three times, waiting at most two minutes each.
var apiRetry = msgraph.RetryPolicy{MaxRetries: 3, MaxWait: 2 * time.Minute}

// graphClient returns a Graph client for a Microsoft connection ("" for the default one) on
// its cloud's or the sandbox's Graph, with the token added to Graph requests only, throttled
// requests retried as apiRetry says, and each retry told on stderr.
func graphClient(ctx context.Context, f *Factory, connection, version string) (*msgraph.Client, *broker.GraphEndpoint, error) {
	b, err := f.Broker(ctx)
	if err != nil {
		return nil, nil, err
	}
	ep, err := b.Graph(ctx, connection)
	if err != nil {
		return nil, nil, err
	}
	client, err := msgraph.NewClient(ep.Client, msgraph.WithBaseURL(ep.URL), msgraph.WithVersion(version),
		msgraph.WithPreAuthClient(ep.PreAuth),
		msgraph.WithUserAgent("authsome/"+Version), msgraph.WithRetryPolicy(apiRetry),
		msgraph.WithRetryNotify(func(e msgraph.RetryEvent) {
			what := "the connection was cut"
			if e.Err != nil {
				what = fmt.Sprintf("Graph answered %d %s", e.Err.StatusCode, http.StatusText(e.Err.StatusCode))
			}
			f.notef("authsome: %s; retrying in %s (%d/%d)\n", what, e.Wait, e.Attempt, apiRetry.MaxRetries)
		}))
	if err != nil {
		return nil, nil, err
	}
	return client, ep, nil
}

func runAPI(ctx context.Context, o *apiOptions) error {
	f, path := o.f, o.path
	method := strings.ToUpper(o.method)
	var body *apiBody
	if o.data != "" {
		var err error
		if body, err = openAPIBody(f, o.data); err != nil {
			return err
		}
		defer body.Close()
		if method == "" {
			method = http.MethodPost
		}
	}
	if method == "" {
		method = http.MethodGet
	}
	if o.paginate && method != http.MethodGet {
		return usagef("--paginate follows @odata.nextLink of GET requests only")
	}
	if o.paginate && o.include {
		return usagef("-i shows one response's headers; it does not go with --paginate")
	}
	var filter jqFilter
	if o.jq != "" {
		var err error
		if filter, err = compileJQ(o.jq); err != nil {
			return err
		}
	}
	hdr := http.Header{}
	for _, h := range o.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return usagef("-H %q: want 'Name: value'", h)
		}
		hdr.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	version, rel, err := splitGraphPath(path)
	if err != nil {
		return err
	}

	client, ep, err := graphClient(ctx, f, o.connection, version)
	if err != nil {
		return err
	}

	if o.paginate {
		items := []json.RawMessage{}
		for item, err := range msgraph.All[json.RawMessage](ctx, client, rel, hdr) {
			if err != nil {
				return apiError(f, ep, o, err)
			}
			items = append(items, *item)
		}
		out, err := json.Marshal(map[string]any{"value": items})
		if err != nil {
			return err
		}
		if filter != nil {
			return runJQ(f.IO.Out, filter, out, f.IO.IsStdoutTTY())
		}
		return writeAPIBody(f, "application/json", append(out, '\n'))
	}
	var rd any // an untyped nil, not a nil io.Reader
	if body != nil {
		rd = body.r
	}
	req, err := client.NewRequest(ctx, method, rel, rd)
	if err != nil {
		return apiError(f, ep, o, err)
	}
	if body != nil {
		body.setOn(req)
		if hdr.Get("Content-Type") == "" {
			req.Header.Set("Content-Type", body.ctype)
		}
	}
	for k, vs := range hdr {
		req.Header[k] = vs
	}
	if filter == nil && !o.include {
		out := newBodyWriter(f)
		resp, err := client.Do(req, out)
		if err != nil {
			return apiError(f, ep, o, err)
		}
		return out.finish(resp.Header.Get("Content-Type"))
	}
	var buf bytes.Buffer
	resp, err := client.Do(req, &buf)
	if err != nil {
		return apiError(f, ep, o, err)
	}
	if o.include {
		if err := writeHead(f.IO.Out, resp.Response); err != nil {
			return err
		}
	}
	if filter != nil && len(bytes.TrimSpace(buf.Bytes())) > 0 {
		return runJQ(f.IO.Out, filter, buf.Bytes(), f.IO.IsStdoutTTY())
	}
	return writeAPIBody(f, resp.Header.Get("Content-Type"), buf.Bytes())
}

// writeHead prints a response's status line and headers, sorted, then a blank line, as
// `api -i` shows them; credentials (Authorization, Proxy-Authorization) are never printed.
func writeHead(w io.Writer, resp *http.Response) error {
	var b strings.Builder
	fmt.Fprintf(&b, "%s %s\n", resp.Proto, resp.Status)
	for _, k := range sortedKeys(resp.Header) {
		if k == "Authorization" || k == "Proxy-Authorization" {
			continue
		}
		for _, v := range resp.Header[k] {
			fmt.Fprintf(&b, "%s: %s\n", k, v)
		}
	}
	b.WriteString("\n")
	_, err := io.WriteString(w, b.String())
	return err
}

// splitGraphPath splits PATH into the Graph version and the request path: /me, me and
// /v1.0/me are v1.0's "me", beta/me is beta's. A full URL is kept whole (the client refuses
// one that is not on its Graph host).
func splitGraphPath(path string) (version, rel string, err error) {
	if strings.Contains(path, "://") {
		if _, err := url.Parse(path); err != nil {
			return "", "", usagef("%q is not a URL", path)
		}
		return msgraph.DefaultVersion, path, nil
	}
	p := strings.TrimLeft(path, "/")
	if p == "" {
		return "", "", usagef("empty Graph path: try /me")
	}
	first, rest, _ := strings.Cut(p, "/")
	if v, _, _ := strings.Cut(first, "?"); v == "v1.0" || v == "beta" {
		if rest == "" {
			return "", "", usagef("%q names a Graph version but no resource: try /%s/me", path, v)
		}
		return v, rest, nil
	}
	return msgraph.DefaultVersion, p, nil
}

// apiError turns a failed Graph call into the CLI's error: Graph's status, code and message in
// one line (the error body goes to stdout for scripts, after the status line and headers with
// -i), a 401 as a credential error of the connection (exit 5), a 403 with the permission the
// request needs and the command that adds it, a refused host as a usage error, a network
// failure as unreachable (exit 8).
func apiError(f *Factory, ep *broker.GraphEndpoint, o *apiOptions, err error) error {
	var ge *msgraph.Error
	if errors.As(err, &ge) && ge.Response != nil && ge.Response.Body != nil {
		if o.include {
			_ = writeHead(f.IO.Out, ge.Response)
		}
		data, _ := io.ReadAll(ge.Response.Body)
		_ = writeAPIBody(f, ge.Response.Header.Get("Content-Type"), data)
	}
	gerr := graphError(ep.Connection, err)
	if hint := forbiddenHint(ep, ge); hint != "" {
		return fmt.Errorf("%w; %s", gerr, hint)
	}
	return gerr
}

// forbiddenHint says, after a 403, which permission the request needs and how to get it: the
// login command that adds a delegated permission to the connection's scopes, or, for an
// app-only connection, the application permission to grant the app. "" when Graph's table
// lists none for the request, or ge is not a 403.
func forbiddenHint(ep *broker.GraphEndpoint, ge *msgraph.Error) string {
	if ge == nil || ge.StatusCode != http.StatusForbidden {
		return ""
	}
	delegated, application := ge.NeededPermissions()
	if ep.UserPrincipalName == "" { // app-only
		if application == "" {
			return ""
		}
		return "the request needs the application permission " + application +
			"; grant it to the app (API permissions, with admin consent) and sign in again"
	}
	if delegated == "" {
		return ""
	}
	login := "authsome login microsoft"
	if ep.Connection != "" && ep.Connection != broker.DefaultConnection {
		login += " --connection " + ep.Connection
	}
	return "the request needs " + delegated + "; add it with: " + login + " --scopes +" + delegated
}

// graphError turns a failed Graph call into the CLI's error (see apiError), printing nothing.
func graphError(connection string, err error) error {
	var ge *msgraph.Error
	if errors.As(err, &ge) {
		msg := fmt.Sprintf("Graph answered %d %s", ge.StatusCode, http.StatusText(ge.StatusCode))
		if ge.Code != "" {
			msg += ": " + ge.Code + ": " + ge.Message
		}
		var te *msgraph.ThrottleError
		if errors.As(err, &te) {
			msg += fmt.Sprintf(" (throttled; sent %d times", te.Attempts)
			if te.RetryAfter > 0 {
				msg += ", Graph asks to wait " + te.RetryAfter.String()
			}
			msg += ")"
		}
		if ge.RequestID != "" {
			msg += " [request-id " + ge.RequestID + "]"
		}
		if ge.StatusCode == http.StatusUnauthorized {
			return &broker.CredentialError{Provider: "microsoft", Connection: connection,
				Reason: msg + " (sign in again: authsome login microsoft --force)"}
		}
		return &graphFailure{msg: msg, err: ge}
	}
	var ce *broker.CredentialError
	switch {
	case errors.Is(err, msgraph.ErrForeignURL):
		return usagef("refusing to send the Graph token: %v", err)
	case errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return err
	case errors.As(err, &ce): // the token could not be refreshed: not a network failure
		return ce
	}
	var ue *url.Error
	if errors.As(err, &ue) {
		return fmt.Errorf("%w: %s %s: %v", broker.ErrUnreachable, ue.Op, redactURL(ue.URL), ue.Err)
	}
	return err
}

// redactURL drops the query, which may hold skip tokens or pre-authenticated parameters.
func redactURL(s string) string {
	u, err := url.Parse(s)
	if err != nil {
		return "(URL)"
	}
	u.RawQuery = ""
	return u.String()
}
