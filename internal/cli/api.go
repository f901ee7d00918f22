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
	"os"
	"strconv"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/vault"
)

type apiOptions struct {
	connection string
	method     string
	data       string
	headers    []string
	paginate   bool
}

func newAPICmd(f *Factory) *cobra.Command {
	var o apiOptions
	cmd := &cobra.Command{
		Use:   "api [-X METHOD] [-d DATA|@FILE|@-] [-H 'Name: value']... [--paginate] PATH",
		Short: "Send one authenticated Microsoft Graph request and print the response",
		Long: `Send one request to Microsoft Graph with a connection's token (refreshed as needed) and
print the response body. PATH is relative to the connection's Graph (its national cloud or the
sandbox): /me, me and /v1.0/me are the same request, beta/... selects beta, and a query may
follow (quote it for the shell: 'me/messages?$top=5'). A full URL must be on that Graph host: the
token is never sent anywhere else.

-d sends a body (JSON unless -H sets Content-Type) and makes the default method POST; @FILE reads
it from a file, @- from stdin. --paginate follows @odata.nextLink and prints one object with every
page's "value" items. Throttled requests (429, 503, 504) are retried after Retry-After, three
times at most.`,
		Example: `  authsome api /me
  authsome api 'me/messages?$top=5&$select=subject'
  authsome api --paginate 'users?$select=displayName'
  authsome api -X PATCH -d '{"mobilePhone":"+1 555 0100"}' /me`,
		Args: exactArgs(1, "the Graph path, such as /me"),
		RunE: func(cmd *cobra.Command, args []string) error {
			return runAPI(cmd.Context(), f, &o, args[0])
		},
	}
	fl := cmd.Flags()
	fl.StringVar(&o.connection, "connection", "", "connection name (default: the default connection)")
	fl.StringVarP(&o.method, "method", "X", "", "HTTP method (default GET, or POST with -d)")
	fl.StringVarP(&o.data, "data", "d", "", "request body, @FILE for a file, @- for stdin")
	fl.StringArrayVarP(&o.headers, "header", "H", nil, "extra request header 'Name: value'; repeatable")
	fl.BoolVar(&o.paginate, "paginate", false, "follow @odata.nextLink and print every page's items")
	return cmd
}

// apiMaxRetries is how often a throttled request is retried; apiMaxWait caps one wait.
const (
	apiMaxRetries = 3
	apiMaxWait    = 2 * time.Minute
)

func runAPI(ctx context.Context, f *Factory, o *apiOptions, path string) error {
	method := strings.ToUpper(o.method)
	var body []byte
	if o.data != "" {
		var err error
		if body, err = readData(f, o.data); err != nil {
			return err
		}
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
	hdr := http.Header{}
	for _, h := range o.headers {
		name, value, ok := strings.Cut(h, ":")
		if !ok || strings.TrimSpace(name) == "" {
			return usagef("-H %q: want 'Name: value'", h)
		}
		hdr.Add(strings.TrimSpace(name), strings.TrimSpace(value))
	}
	if body != nil && hdr.Get("Content-Type") == "" {
		hdr.Set("Content-Type", "application/json")
	}

	b, err := f.Broker(ctx)
	if err != nil {
		return err
	}
	conn, err := b.Token(ctx, "microsoft", o.connection)
	if err != nil {
		return err
	}
	base, hc, err := graphFor(b, conn)
	if err != nil {
		return err
	}
	target, err := graphURL(base, path)
	if err != nil {
		return err
	}
	hc.Transport = &broker.Transport{Broker: b, Provider: "microsoft", Connection: conn.Name, Base: hc.Transport}
	api := &apiClient{hc: hc, base: base, log: f.IO.ErrOut}

	if !o.paginate {
		resp, data, err := api.do(ctx, method, target, hdr, body)
		if err != nil {
			return err
		}
		if err := writeAPIBody(f, resp.Header.Get("Content-Type"), data); err != nil {
			return err
		}
		return graphStatus(conn.Name, resp, data)
	}
	items := []json.RawMessage{}
	for next := target; next != ""; {
		resp, data, err := api.do(ctx, method, next, hdr, nil)
		if err != nil {
			return err
		}
		if err := graphStatus(conn.Name, resp, data); err != nil {
			writeAPIBody(f, resp.Header.Get("Content-Type"), data)
			return err
		}
		var page struct {
			Value    []json.RawMessage `json:"value"`
			NextLink string            `json:"@odata.nextLink"`
		}
		if err := json.Unmarshal(data, &page); err != nil {
			return fmt.Errorf("--paginate: %s did not answer with a JSON collection: %v", redactURL(next), err)
		}
		items = append(items, page.Value...)
		next = ""
		if page.NextLink != "" {
			if next, err = graphURL(base, page.NextLink); err != nil {
				return fmt.Errorf("--paginate: @odata.nextLink: %w", err)
			}
		}
	}
	out, err := json.Marshal(map[string]any{"value": items})
	if err != nil {
		return err
	}
	return writeAPIBody(f, "application/json", out)
}

// graphFor returns the Graph base URL of a connection and an HTTP client for it: the sandbox
// (whatever its current address) for sandbox connections, the connection's cloud otherwise.
func graphFor(b *broker.Broker, conn *vault.Connection) (*url.URL, *http.Client, error) {
	raw, caFile := conn.GraphURL, ""
	if conn.Cloud == broker.CloudSandbox {
		info, err := b.Sandbox()
		if err != nil {
			return nil, nil, err
		}
		raw, caFile = info.URL, info.CAFile
	}
	if raw == "" {
		raw = "https://graph.microsoft.com"
	}
	u, err := url.Parse(strings.TrimSuffix(raw, "/"))
	if err != nil || u.Scheme != "https" || u.Host == "" {
		return nil, nil, fmt.Errorf("connection %s: Graph URL %q is not an https URL", conn.Name, raw)
	}
	hc, err := broker.ClientTrusting(caFile)
	if err != nil {
		return nil, nil, err
	}
	return u, hc, nil
}

// graphURL resolves PATH against the Graph base: a relative path gets the v1.0 version unless
// it names one; an absolute URL must be on the base's host (the token goes nowhere else).
func graphURL(base *url.URL, path string) (string, error) {
	if strings.Contains(path, "://") {
		u, err := url.Parse(path)
		if err != nil {
			return "", usagef("%q is not a URL", path)
		}
		if u.Scheme != "https" || !strings.EqualFold(u.Host, base.Host) || u.User != nil {
			return "", usagef("refusing to send the Graph token to %s://%s: only %s is allowed", u.Scheme, u.Host, base.Host)
		}
		return u.String(), nil
	}
	p := strings.TrimLeft(path, "/")
	if p == "" {
		return "", usagef("empty Graph path: try /me")
	}
	if !strings.HasPrefix(p, "v1.0/") && !strings.HasPrefix(p, "beta/") && p != "v1.0" && p != "beta" {
		p = "v1.0/" + p
	}
	return base.String() + "/" + p, nil
}

// apiClient sends Graph requests, retrying throttled ones.
type apiClient struct {
	hc   *http.Client
	base *url.URL
	log  io.Writer
}

func (c *apiClient) do(ctx context.Context, method, target string, hdr http.Header, body []byte) (*http.Response, []byte, error) {
	for attempt := 0; ; attempt++ {
		var rd io.Reader
		if body != nil {
			rd = bytes.NewReader(body)
		}
		req, err := http.NewRequestWithContext(ctx, method, target, rd)
		if err != nil {
			return nil, nil, usagef("bad request: %v", err)
		}
		for k, vs := range hdr {
			req.Header[k] = vs
		}
		resp, err := c.hc.Do(req)
		if err != nil {
			var ce *broker.CredentialError
			switch {
			case ctx.Err() != nil:
				return nil, nil, ctx.Err()
			case errors.As(err, &ce): // the token could not be refreshed: not a network failure
				return nil, nil, ce
			}
			return nil, nil, fmt.Errorf("%w: %s %s: %v", broker.ErrUnreachable, method, redactURL(target), unwrapURLError(err))
		}
		data, err := io.ReadAll(resp.Body)
		resp.Body.Close()
		if err != nil {
			return nil, nil, fmt.Errorf("%w: reading the response: %v", broker.ErrUnreachable, err)
		}
		wait, retry := retryAfter(resp)
		if !retry || attempt >= apiMaxRetries {
			return resp, data, nil
		}
		fmt.Fprintf(c.log, "authsome: Graph answered %s; retrying in %s (%d/%d)\n", resp.Status, wait, attempt+1, apiMaxRetries)
		select {
		case <-ctx.Done():
			return nil, nil, ctx.Err()
		case <-time.After(wait):
		}
	}
}

// retryAfter says whether a response asks to be retried (429, 503, 504) and after how long:
// Retry-After in seconds or as an HTTP date, else one second.
func retryAfter(resp *http.Response) (time.Duration, bool) {
	switch resp.StatusCode {
	case http.StatusTooManyRequests, http.StatusServiceUnavailable, http.StatusGatewayTimeout:
	default:
		return 0, false
	}
	wait := time.Second
	if v := strings.TrimSpace(resp.Header.Get("Retry-After")); v != "" {
		if s, err := strconv.Atoi(v); err == nil && s >= 0 {
			wait = time.Duration(s) * time.Second
		} else if t, err := http.ParseTime(v); err == nil {
			wait = max(time.Until(t), 0)
		}
	}
	return min(wait, apiMaxWait), true
}

// graphStatus turns a non-2xx response into an error naming Graph's error code and message.
// A 401 is a credential error of the connection (exit 5).
func graphStatus(connection string, resp *http.Response, data []byte) error {
	if resp.StatusCode >= 200 && resp.StatusCode < 300 {
		return nil
	}
	var ge struct {
		Error struct{ Code, Message string } `json:"error"`
	}
	msg := fmt.Sprintf("Graph answered %s", resp.Status)
	if json.Unmarshal(data, &ge) == nil && ge.Error.Code != "" {
		msg += ": " + ge.Error.Code + ": " + ge.Error.Message
	}
	if resp.StatusCode == http.StatusUnauthorized {
		return &broker.CredentialError{Provider: "microsoft", Connection: connection,
			Reason: msg + " (sign in again: authsome login microsoft --force)"}
	}
	return errors.New(msg)
}

// writeAPIBody prints a response body: indented when it is JSON and stdout is a terminal.
func writeAPIBody(f *Factory, contentType string, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if f.IO.IsStdoutTTY() && strings.Contains(contentType, "json") {
		var buf bytes.Buffer
		if json.Indent(&buf, data, "", "  ") == nil {
			buf.WriteByte('\n')
			_, err := f.IO.Out.Write(buf.Bytes())
			return err
		}
	}
	_, err := f.IO.Out.Write(data)
	if err == nil && data[len(data)-1] != '\n' {
		_, err = io.WriteString(f.IO.Out, "\n")
	}
	return err
}

// readData reads -d: literal text, @FILE or @- (stdin).
func readData(f *Factory, d string) ([]byte, error) {
	switch {
	case d == "@-":
		return io.ReadAll(f.IO.In)
	case strings.HasPrefix(d, "@"):
		b, err := os.ReadFile(d[1:])
		if err != nil {
			return nil, usagef("-d %s: %v", d, err)
		}
		return b, nil
	}
	return []byte(d), nil
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

func unwrapURLError(err error) error {
	if ue, ok := err.(*url.Error); ok {
		return ue.Err
	}
	return err
}
