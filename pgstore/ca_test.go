package pgstore

import (
	"bytes"
	"context"
	"fmt"
	"strings"
	"sync"
	"testing"

	"github.com/authsome-go/authsome/internal/pgtest"
	"github.com/authsome-go/authsome/vault"
)

// TestGatewayCA: replicas starting together agree on one CA (the first creates it, the others
// find it); it survives a rekey; its key is not in the database in clear.
func TestGatewayCA(t *testing.T) {
	ctx := context.Background()
	dsn, key := StartMigrated(t), keyFile(t)
	if ca, err := openStore(t, dsn, "default", key).GatewayCA(ctx); err != nil || ca != nil {
		t.Fatalf("GatewayCA before any = %v, %v; want nil", ca, err)
	}
	const replicas = 4
	got := make([]*GatewayCA, replicas)
	var created sync.Map
	var wg sync.WaitGroup
	for i := range replicas {
		s := openStore(t, dsn, "default", key)
		wg.Go(func() {
			ca, err := s.UpdateGatewayCA(ctx, func(cur *GatewayCA) (*GatewayCA, error) {
				if cur != nil {
					return nil, nil
				}
				created.Store(i, true)
				return &GatewayCA{CertPEM: fmt.Appendf(nil, "cert-%d", i), KeyPEM: fmt.Appendf(nil, "KEY-SECRET-%d", i)}, nil
			})
			if err != nil {
				t.Error(err)
			}
			got[i] = ca
		})
	}
	wg.Wait()
	n := 0
	created.Range(func(any, any) bool { n++; return true })
	if n != 1 {
		t.Fatalf("%d replicas created a CA, want 1", n)
	}
	for i, ca := range got {
		if ca == nil || !bytes.Equal(ca.CertPEM, got[0].CertPEM) || !bytes.Equal(ca.KeyPEM, got[0].KeyPEM) {
			t.Fatalf("replica %d got %+v, replica 0 %+v", i, ca, got[0])
		}
	}
	if dump := pgtest.Dump(t, dsn); strings.Contains(dump, "KEY-SECRET") || !strings.Contains(dump, string(got[0].CertPEM)) {
		t.Fatal("the dump holds the CA key in clear, or lacks its certificate")
	}

	s := openStore(t, dsn, "default", key)
	newKey := keyFile(t)
	if err := s.Rekey(ctx, vault.FileKey(newKey)); err != nil {
		t.Fatal(err)
	}
	after, err := openStore(t, dsn, "default", newKey).GatewayCA(ctx)
	if err != nil || after == nil || !bytes.Equal(after.KeyPEM, got[0].KeyPEM) {
		t.Fatalf("after rekey: %+v, %v", after, err)
	}

	// Another profile has a CA of its own.
	if ca, err := openStore(t, dsn, "other", keyFile(t)).GatewayCA(ctx); err != nil || ca != nil {
		t.Fatalf("another profile's CA = %+v, %v; want none", ca, err)
	}
}
