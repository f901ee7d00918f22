// Package kittest serves one sandbox workload in a test the way the server
// does (the Graph kit, its route table, the per-request change set) and checks
// its Store contract: that the journal it produces, replayed over the seed or
// over a snapshot, gives back the same state.
package kittest

import (
	"bytes"
	"encoding/json"
	"errors"
	"net/http"
	"net/http/httptest"
	"reflect"
	"strings"
	"testing"
	"time"

	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/token"
	"sort"
)

// Record is one journaled change.
type Record struct {
	Store, Key string
	Value      json.RawMessage // nil: the entity is gone
}

// Env is a workload served over an in-process handler.
type Env struct {
	t     testing.TB
	Kit   *graphkit.Kit
	W     graphkit.Workload
	mux   *graphkit.Mux
	newW  func(*graphkit.Kit) graphkit.Workload
	Log   []Record
	snap  json.RawMessage // Mark's snapshot
	snapN int             // records in Log when it was taken
	Clock time.Time       // what Kit.Now returns
	// Header is added to every request Do sends (a test sets and clears it).
	Header http.Header
}

// New builds the workload with newW over a kit whose clock is fixed (Env.Clock,
// 2026-01-15T09:00:00Z unless changed) and whose token check accepts the
// tokens UserToken and AppToken make.
func New(t testing.TB, newW func(*graphkit.Kit) graphkit.Workload) *Env {
	e := &Env{t: t, newW: newW, Clock: time.Date(2026, 1, 15, 9, 0, 0, 0, time.UTC)}
	e.Kit = &graphkit.Kit{Now: func() time.Time { return e.Clock }, Dir: directory.New(), Verify: verify}
	e.W = newW(e.Kit)
	e.mux = graphkit.NewMux()
	e.W.Routes(e.mux)
	return e
}

// UserToken is a delegated token for user id (or UPN) with scopes, for Env.Do.
func UserToken(user string, scopes ...string) string {
	return "user|" + user + "|" + strings.Join(scopes, " ")
}

// AppID is the application id of every token the harness makes.
const AppID = "6f0a1e52-0000-4000-8000-00000000c0de"

// AppToken is an app-only token with roles, for Env.Do.
func AppToken(roles ...string) string { return "app||" + strings.Join(roles, ",") }

func verify(raw string) (*token.AccessClaims, error) {
	kind, rest, ok := strings.Cut(raw, "|")
	user, perms, ok2 := strings.Cut(rest, "|")
	if !ok || !ok2 {
		return nil, token.ErrMalformed
	}
	c := &token.AccessClaims{Aud: token.GraphResource, IDType: kind, Oid: user, AppID: AppID, AppDisplayName: "kittest"}
	if kind == "app" {
		c.Roles = strings.Split(perms, ",")
	} else {
		if u := directory.New().Find(user); u != nil {
			c.Oid, c.UPN, c.Name = u.ID, u.UserPrincipalName, u.DisplayName
		}
		c.Scp = perms
	}
	return c, nil
}

// Do sends a request (body: nil, []byte or a value encoded as JSON) with the
// token as a Bearer and, as the server does for writes, journals what it
// touched before returning the answer.
func (e *Env) Do(method, path, tok string, body any) *httptest.ResponseRecorder {
	e.t.Helper()
	return e.DoHeaders(method, path, tok, body, nil)
}

// DoHeaders is Do with request headers (Prefer, If-Match, ...).
func (e *Env) DoHeaders(method, path, tok string, body any, hdr map[string]string) *httptest.ResponseRecorder {
	e.t.Helper()
	var rd *bytes.Reader
	switch b := body.(type) {
	case nil:
		rd = bytes.NewReader(nil)
	case []byte:
		rd = bytes.NewReader(b)
	default:
		data, err := json.Marshal(b)
		if err != nil {
			e.t.Fatal(err)
		}
		rd = bytes.NewReader(data)
	}
	r := httptest.NewRequest(method, path, rd)
	if body != nil {
		r.Header.Set("Content-Type", "application/json")
	}
	if tok != "" {
		r.Header.Set("Authorization", "Bearer "+tok)
	}
	for k, v := range hdr {
		r.Header.Set(k, v)
	}
	for k, vs := range e.Header {
		r.Header[k] = vs
	}
	return e.Serve(r)
}

// Serve serves r (a request made with httptest.NewRequest, with whatever
// headers the test needs) as Do does.
func (e *Env) Serve(r *http.Request) *httptest.ResponseRecorder {
	e.t.Helper()
	method, path := r.Method, r.URL.Path
	ctx, touched := graphkit.WithChanges(r.Context())
	rec := httptest.NewRecorder()
	e.mux.ServeHTTP(rec, r.WithContext(ctx))
	for store, keys := range touched() {
		if store != e.W.Name() {
			e.t.Fatalf("%s %s touched store %q, not the workload's own %q", method, path, store, e.W.Name())
		}
		err := e.W.Record(keys, func(key string, v json.RawMessage) error {
			e.Log = append(e.Log, Record{store, key, append(json.RawMessage(nil), v...)})
			return nil
		})
		if err != nil {
			e.t.Fatalf("%s %s: Record: %v", method, path, err)
		}
	}
	return rec
}

// Write sends a request that changes data (as Do), fails the test unless it
// is answered with want, and checks the Store contract (CheckReplay), so a
// change a handler forgot to touch shows at the request that made it. It
// returns the answer's JSON object (nil for an empty body).
func (e *Env) Write(method, path, tok string, body any, want int) map[string]any {
	e.t.Helper()
	rec := e.Do(method, path, tok, body)
	if rec.Code != want {
		e.t.Fatalf("%s %s: %d, want %d: %s", method, path, rec.Code, want, rec.Body.String())
	}
	var out map[string]any
	if rec.Body.Len() > 0 {
		if err := json.Unmarshal(rec.Body.Bytes(), &out); err != nil {
			e.t.Fatalf("%s %s: %v", method, path, err)
		}
	}
	e.CheckReplay()
	return out
}

// Mark takes a snapshot now; CheckReplay then also replays the records after
// it over the snapshot.
func (e *Env) Mark() {
	e.t.Helper()
	s, err := e.W.Snapshot()
	if err != nil {
		e.t.Fatal(err)
	}
	e.snap, e.snapN = s, len(e.Log)
}

// CheckReplay checks the Store contract: a fresh workload with the journal
// applied over the seed (and, after Mark, over Mark's snapshot) has the same
// snapshot as the one that served the requests; so has one restored from
// that snapshot.
func (e *Env) CheckReplay() {
	e.t.Helper()
	wantRaw := e.rawSnapshot(e.W)
	if !json.Valid(wantRaw) {
		e.t.Fatal("snapshot is not JSON")
	}
	var want any // decoded when a snapshot's bytes differ
	replay := func(name string, from json.RawMessage, recs []Record) {
		e.t.Helper()
		w := e.newW(e.Kit)
		if from != nil {
			if err := w.Restore(from); err != nil {
				e.t.Fatalf("%s: Restore: %v", name, err)
			}
		}
		for _, r := range recs {
			if err := w.Apply(r.Key, r.Value); err != nil {
				e.t.Fatalf("%s: Apply(%s): %v", name, r.Key, err)
			}
		}
		gotRaw := e.rawSnapshot(w)
		if bytes.Equal(gotRaw, wantRaw) {
			return // the same bytes are the same state; decoding is for the rest
		}
		if want == nil {
			want = e.decode(wantRaw)
		}
		if got := e.decode(gotRaw); !reflect.DeepEqual(got, want) {
			e.t.Errorf("%s: the replayed state differs from the served one at %s\n got: %s\nwant: %s", name, firstDiff("", got, want), abbreviate(got), abbreviate(want))
		}
	}
	if len(e.Log) == 0 {
		e.t.Errorf("no change was journaled")
	}
	replay("journal over the seed", nil, e.Log)
	if e.snap != nil {
		replay("journal over the snapshot", e.snap, e.Log[e.snapN:])
	}
	full, err := e.W.Snapshot()
	if err != nil {
		e.t.Fatal(err)
	}
	replay("snapshot", full, nil)
}

func (e *Env) rawSnapshot(w graphkit.Workload) json.RawMessage {
	e.t.Helper()
	data, err := w.Snapshot()
	if err != nil {
		e.t.Fatal(err)
	}
	return data
}

// decode decodes a snapshot: the comparison of two snapshots whose bytes
// differ is of their values (the member order of an object may differ).
func (e *Env) decode(data json.RawMessage) any {
	e.t.Helper()
	var v any
	if err := json.Unmarshal(data, &v); err != nil {
		e.t.Fatal(errors.Join(errors.New("snapshot is not JSON"), err))
	}
	return v
}

func abbreviate(v any) string {
	data, _ := json.Marshal(v)
	if len(data) > 2000 {
		return string(data[:2000]) + "…"
	}
	return string(data)
}

// firstDiff names the first place where two decoded JSON values differ
// ("drives/b!…/3/version: 2 ≠ 3"), so a failed replay says what it lost.
func firstDiff(at string, got, want any) string {
	switch g := got.(type) {
	case map[string]any:
		w, ok := want.(map[string]any)
		if !ok {
			break
		}
		keys := make([]string, 0, len(g)+len(w))
		for k := range g {
			keys = append(keys, k)
		}
		for k := range w {
			if _, ok := g[k]; !ok {
				keys = append(keys, k)
			}
		}
		sort.Strings(keys)
		for _, k := range keys {
			if !reflect.DeepEqual(g[k], w[k]) {
				return firstDiff(at+"/"+k, g[k], w[k])
			}
		}
	case []any:
		w, ok := want.([]any)
		if !ok || len(g) != len(w) {
			break
		}
		for i := range g {
			if !reflect.DeepEqual(g[i], w[i]) {
				return firstDiff(fmt.Sprintf("%s/%d", at, i), g[i], w[i])
			}
		}
	}
	return fmt.Sprintf("%s: %s ≠ %s", at, abbreviate(got), abbreviate(want))
}
