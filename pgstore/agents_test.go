package pgstore

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/gateway/grant"
)

// TestAgentsAcrossReplicas: an agent added, rotated and revoked through one Store is seen so by
// another at once, and the database holds the credential's hash only.
func TestAgentsAcrossReplicas(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	s1, s2 := openStore(t, dsn, "default", key).Agents(), openStore(t, dsn, "default", key).Agents()
	g := grant.Grant{Connections: []grant.Connection{{Provider: "microsoft", Name: "work"}}}
	now := time.Now()
	a, cred, err := gateway.NewAgent("reader", g, now, 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	if _, err := gateway.Authenticate(ctx, s2, cred, now); !errors.Is(err, gateway.ErrBadCredential) {
		t.Fatalf("before creation: %v", err)
	}
	if err := s1.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s2.Create(ctx, a); !errors.Is(err, gateway.ErrAgentExists) {
		t.Errorf("second create: %v", err)
	}
	if got, err := gateway.Authenticate(ctx, s2, cred, now); err != nil || got.Name != "reader" || got.Grant.Connections[0] != g.Connections[0] {
		t.Fatalf("other replica after creation: %+v, %v", got, err)
	}
	var dump strings.Builder
	rows, _ := s1.s.pool.Query(ctx, "SELECT doc::text FROM agents")
	for rows.Next() {
		var doc string
		rows.Scan(&doc)
		dump.WriteString(doc)
	}
	if rows.Err() != nil || dump.Len() == 0 {
		t.Fatalf("reading the rows: %v", rows.Err())
	}
	if secret := cred[strings.LastIndex(cred, ".")+1:]; strings.Contains(dump.String(), secret) {
		t.Error("the agents table holds the credential's secret")
	}

	var cred2 string
	if err := s2.Update(ctx, "reader", func(a *gateway.Agent) (err error) { cred2, err = a.NewSecret(); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := gateway.Authenticate(ctx, s1, cred, now); !errors.Is(err, gateway.ErrBadCredential) {
		t.Errorf("rotated-away credential on the other replica: %v", err)
	}
	if _, err := gateway.Authenticate(ctx, s1, cred2, now); err != nil {
		t.Errorf("new credential: %v", err)
	}
	if err := s1.Update(ctx, "reader", func(a *gateway.Agent) error { a.RevokedAt = now; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := gateway.Authenticate(ctx, s2, cred2, now); !errors.Is(err, gateway.ErrBadCredential) {
		t.Errorf("revoked agent on the other replica: %v", err)
	}
	if err := s1.Update(ctx, "nobody", func(*gateway.Agent) error { return nil }); !errors.Is(err, gateway.ErrAgentNotFound) {
		t.Errorf("update of an unknown agent: %v", err)
	}
	if _, err := s1.Get(ctx, "nobody"); !errors.Is(err, gateway.ErrAgentNotFound) {
		t.Errorf("get of an unknown agent: %v", err)
	}

	c, _, _ := gateway.NewAgent("pinned", g, now, 0, []byte("a certificate"))
	if err := s1.Create(ctx, c); err != nil {
		t.Fatal(err)
	}
	if got, err := s2.LookupCert(ctx, c.CertSHA256); err != nil || got.Name != "pinned" {
		t.Errorf("LookupCert: %+v, %v", got, err)
	}
	d, _, _ := gateway.NewAgent("twin", g, now, 0, []byte("a certificate"))
	if err := s2.Create(ctx, d); !errors.Is(err, gateway.ErrAgentExists) {
		t.Errorf("a second agent with the same certificate: %v", err)
	}
	list, err := s2.List(ctx)
	if err != nil || len(list) != 2 || list[0].Name != "pinned" || list[1].Name != "reader" {
		t.Errorf("List = %v, %v", list, err)
	}
}

// TestAgentsConcurrentUpdates: concurrent rotations through two Stores serialise; the last one
// wins and no update is lost to a stale read.
func TestAgentsConcurrentUpdates(t *testing.T) {
	t.Parallel()
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	stores := []*Agents{openStore(t, dsn, "default", key).Agents(), openStore(t, dsn, "default", key).Agents()}
	g := grant.Grant{Connections: []grant.Connection{{Provider: "microsoft", Name: "work"}}}
	a, _, _ := gateway.NewAgent("counter", g, time.Now(), 0, nil)
	if err := stores[0].Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			err := stores[i%2].Update(ctx, "counter", func(a *gateway.Agent) error {
				r, err := grant.ParseRule(fmt.Sprintf("GET /v1.0/me/item%d", i))
				a.Grant.Allow = append(a.Grant.Allow, r)
				return err
			})
			if err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	got, err := stores[1].Get(ctx, "counter")
	if err != nil || len(got.Grant.Allow) != 20 {
		t.Fatalf("after 20 updates: %d rules, %v", len(got.Grant.Allow), err)
	}
}
