package sandbox

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"io"
	"mime"
	"net/mail"
	"net/url"
	"regexp"
	"strconv"
	"strings"
	"testing"

	"github.com/authsome-go/authsome/internal/graphschema"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// conformance runs conformance rows against one sandbox and judges the
// answers by the schema.
type conformance struct {
	t      *testing.T
	e      *env
	schema *graphschema.Schema
	tokens map[string]string // auth name → Authorization header value
	routes *graphkit.Mux     // the server's route table
	vars   map[string]string // placeholder → value
	// probeTokens are the tokens permissionsProbe signed, by the row's
	// token and the permissions: rows repeat them, and signing is most of
	// a probe's cost.
	probeTokens map[probeKey]string
}

// probeKey names a token permissionsProbe signs: the row's token with its
// permissions replaced.
type probeKey struct{ raw, perms string }

// newConformance gets Adele a token for each named scope set, plus the
// app-only token ("app") and the unusable ones ("none", "malformed").
func newConformance(t *testing.T, e *env, scopes map[string]string) *conformance {
	c := &conformance{t: t, e: e, schema: graphschema.ForTest(t), vars: map[string]string{}, routes: e.s.graph.(*graphkit.Mux), probeTokens: map[probeKey]string{},
		tokens: map[string]string{"app": "Bearer " + e.appToken(), "none": "", "malformed": "Bearer not-a-jwt"}}
	for name, sc := range scopes {
		c.tokens[name] = "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, sc)
	}
	return c
}

// fill adds placeholders ("{name}", value pairs, as calendarFill returns).
func (c *conformance) fill(pairs ...string) {
	for i := 0; i+1 < len(pairs); i += 2 {
		c.vars[pairs[i]] = pairs[i+1]
	}
}

var placeholderRE = regexp.MustCompile(`\{[A-Za-z][A-Za-z0-9]*\}`)

// expand fills the placeholders of s; an unknown one fails the row.
func (c *conformance) expand(t *testing.T, s string) string {
	return placeholderRE.ReplaceAllStringFunc(s, func(p string) string {
		v, ok := c.vars[p]
		if !ok {
			t.Fatalf("no value for %s in %q (an earlier row failed?)", p, s)
		}
		return v
	})
}

// run sends row's request as a subtest and judges the answer.
func (c *conformance) run(row conformanceRow) {
	c.t.Helper()
	method, _, ok := strings.Cut(row.route, " ")
	if !ok {
		method = "GET"
	}
	c.t.Run(row.auth+" "+method+" "+row.path, func(t *testing.T) {
		path := c.expand(t, row.path)
		authz, ok := c.tokens[row.auth]
		if !ok {
			t.Fatalf("unknown auth %q", row.auth)
		}
		hdr := map[string]string{}
		if authz != "" {
			hdr["Authorization"] = authz
		}
		if row.etag != "" {
			hdr["If-Match"] = c.etagOf(t, c.expand(t, row.etag), hdr)
		}
		var in io.Reader
		body := ""
		if row.body != "" {
			body = c.expand(t, row.body)
			in = strings.NewReader(body)
			hdr["Content-Type"] = "application/json"
		}
		after := func() {}
		if row.status < 300 && authz != "" {
			after = c.permissionsProbe(t, row, method, path, hdr, body)
		}
		resp := c.e.do(method, path, in, hdr, nil)
		data, _ := io.ReadAll(resp.Body)
		if resp.StatusCode != row.status {
			t.Fatalf("status %d, want %d: %s", resp.StatusCode, row.status, data)
		}
		after()
		ct := resp.Header.Get("Content-Type")
		var problems []graphschema.Problem
		switch {
		case row.judge == "redirect":
			c.judgeRedirect(t, resp)
		case row.status >= 300:
			c.wantJSON(t, ct)
			problems = c.schema.CheckError(data)
		case row.judge != "":
			problems = c.judge(t, row, path, hdr, ct, data)
		case row.typ == "":
			t.Fatal("a successful row needs typ or judge")
		case row.list:
			c.wantJSON(t, ct)
			problems = c.schema.CheckCollection(row.typ, data)
		default:
			c.wantJSON(t, ct)
			problems = c.schema.CheckJSON(row.typ, data)
		}
		for i, p := range problems {
			if i == 20 {
				t.Errorf("… and %d more", len(problems)-i)
				break
			}
			t.Errorf("%s", p)
		}
		if len(problems) > 0 {
			t.Logf("body: %.2000s", data)
		}
		if row.save != "" {
			c.keep(t, row, data)
		}
	})
}

// etagOf reads path with hdr's token and returns its @odata.etag.
func (c *conformance) etagOf(t *testing.T, path string, hdr map[string]string) string {
	t.Helper()
	var v struct {
		ETag string `json:"@odata.etag"`
	}
	if resp := c.e.do("GET", path, nil, hdr, &v); resp.StatusCode != 200 || v.ETag == "" {
		t.Fatalf("GET %s for its ETag: %d", path, resp.StatusCode)
	}
	return v.ETag
}

func (c *conformance) wantJSON(t *testing.T, ct string) {
	t.Helper()
	if !strings.HasPrefix(ct, "application/json") {
		t.Errorf("Content-Type %q, want application/json", ct)
	}
}

// keep saves the id of the answer (of its first element for a list) as {row.save}.
func (c *conformance) keep(t *testing.T, row conformanceRow, data []byte) {
	var v struct {
		ID    string `json:"id"`
		Value []struct {
			ID string `json:"id"`
		} `json:"value"`
	}
	_ = json.Unmarshal(data, &v)
	id := v.ID
	if row.list && len(v.Value) > 0 {
		id = v.Value[0].ID
	}
	if id == "" {
		t.Fatalf("no id to keep as {%s} in %s", row.save, data)
	}
	c.vars["{"+row.save+"}"] = url.PathEscape(id)
}

// judge judges a successful answer that is not simply typ's JSON:
//
//	"none"   202/204: no body
//	"count"  .../$count: text/plain, the collection's @odata.count
//	"mime"   message $value: MIME that net/mail reads, with the message's Subject
//	"raw"    attachment $value: the bytes of contentBytes, typed contentType
//	"delta"  a collection of typ with @odata.deltaLink or @odata.nextLink
//	"jpeg"   a profile photo's $value: an image/jpeg JPEG
//	"claims" OIDC userinfo: a JSON object with the claim sub
//	"batch"  $batch: responses, 200/201 bodies judged as typ, 202/204 empty, the others as errors
//	"value"  a primitive property (mailboxSettings/timeZone): {"value": …}, the property of its parent
//	"true"   an action that answers Edm.Boolean true (revokeSignInSessions): {"value": true}
func (c *conformance) judge(t *testing.T, row conformanceRow, path string, hdr map[string]string, ct string, data []byte) []graphschema.Problem {
	t.Helper()
	switch row.judge {
	case "none":
		if len(data) != 0 {
			t.Errorf("status %d with a body: %s", row.status, data)
		}
	case "count":
		if !strings.HasPrefix(ct, "text/plain") {
			t.Errorf("Content-Type %q, want text/plain", ct)
		}
		n, err := strconv.Atoi(string(data))
		if err != nil || n < 0 {
			t.Fatalf("$count answer %q is not a count", data)
		}
		var page struct {
			Count *int `json:"@odata.count"`
		}
		coll, query, _ := strings.Cut(path, "?")
		if query != "" {
			query += "&"
		}
		c.e.do("GET", strings.TrimSuffix(coll, "/$count")+"?"+query+"$count=true&$top=1&$select=id", nil, hdr, &page)
		if page.Count == nil || *page.Count != n {
			t.Errorf("$count %d, the collection's @odata.count %v", n, page.Count)
		}
	case "mime":
		// Graph answers a message's $value as text/plain (the MIME text).
		if !strings.HasPrefix(ct, "text/plain") && !strings.HasPrefix(ct, "message/rfc822") {
			t.Errorf("Content-Type %q, want text/plain or message/rfc822", ct)
		}
		m, err := mail.ReadMessage(bytes.NewReader(data))
		if err != nil {
			t.Fatalf("not a MIME message: %v\n%.500s", err, data)
		}
		subject, err := new(mime.WordDecoder).DecodeHeader(m.Header.Get("Subject"))
		if err != nil {
			t.Errorf("Subject %q: %v", m.Header.Get("Subject"), err)
		}
		var msg struct{ Subject string }
		c.e.do("GET", strings.TrimSuffix(path, "/$value"), nil, hdr, &msg)
		if subject != msg.Subject || msg.Subject == "" {
			t.Errorf("MIME Subject %q, the message's %q", subject, msg.Subject)
		}
	case "jpeg":
		jpegJudge(t, ct, data)
	case "raw":
		var a struct{ ContentType, ContentBytes string }
		c.e.do("GET", strings.TrimSuffix(path, "/$value"), nil, hdr, &a)
		want, err := base64.StdEncoding.DecodeString(a.ContentBytes)
		if err != nil || a.ContentType == "" {
			t.Fatalf("attachment %s: contentType %q, contentBytes: %v", path, a.ContentType, err)
		}
		if ct != a.ContentType {
			t.Errorf("Content-Type %q, the attachment's contentType %q", ct, a.ContentType)
		}
		if !bytes.Equal(data, want) {
			t.Errorf("%d bytes, contentBytes holds %d", len(data), len(want))
		}
	case "delta":
		c.wantJSON(t, ct)
		var links map[string]any
		_ = json.Unmarshal(data, &links)
		if links["@odata.deltaLink"] == nil && links["@odata.nextLink"] == nil {
			t.Errorf("a delta page without @odata.deltaLink or @odata.nextLink")
		}
		return c.schema.CheckCollection(row.typ, data)
	case "claims":
		c.wantJSON(t, ct)
		var claims map[string]any
		if err := json.Unmarshal(data, &claims); err != nil {
			t.Fatalf("userinfo: %v", err)
		}
		if sub, _ := claims["sub"].(string); sub == "" {
			t.Errorf("userinfo without sub: %s", data)
		}
	case "true":
		c.wantJSON(t, ct)
		var v struct{ Value any }
		if err := json.Unmarshal(data, &v); err != nil || v.Value != true {
			t.Errorf("want {\"value\": true}: %s", data)
		}
	case "value":
		c.wantJSON(t, ct)
		var v struct{ Value any }
		if err := json.Unmarshal(data, &v); err != nil || v.Value == nil {
			t.Fatalf("no value: %s", data)
		}
		parent, name := path[:strings.LastIndex(path, "/")], path[strings.LastIndex(path, "/")+1:]
		var obj map[string]any
		c.e.do("GET", parent, nil, hdr, &obj)
		if fmt.Sprint(obj[name]) != fmt.Sprint(v.Value) {
			t.Errorf("value %v, the parent's %s %v", v.Value, name, obj[name])
		}
	case "batch":
		c.wantJSON(t, ct)
		var ans struct {
			Responses []struct {
				ID     string          `json:"id"`
				Status int             `json:"status"`
				Body   json.RawMessage `json:"body"`
			} `json:"responses"`
		}
		if err := json.Unmarshal(data, &ans); err != nil || len(ans.Responses) == 0 {
			t.Fatalf("batch answer without responses (%v): %s", err, data)
		}
		var problems []graphschema.Problem
		for _, r := range ans.Responses {
			var ps []graphschema.Problem
			switch {
			case r.Status == 202 || r.Status == 204:
				if len(r.Body) != 0 && string(r.Body) != "null" {
					t.Errorf("batch response %s: status %d with a body: %s", r.ID, r.Status, r.Body)
				}
			case r.Status < 300:
				ps = c.schema.CheckJSON(row.typ, r.Body)
			default:
				ps = c.schema.CheckError(r.Body)
			}
			for _, p := range ps {
				p.Path = "/responses[id=" + r.ID + "]/body" + p.Path
				problems = append(problems, p)
			}
		}
		return problems
	default:
		t.Fatalf("unknown judge %q", row.judge)
	}
	return nil
}
