package gateway

import (
	"context"
	"errors"
	"fmt"
	"os"
	"path/filepath"
	"strings"
	"sync"
	"testing"
	"time"

	"github.com/authsome-go/authsome/gateway/grant"
)

var testGrant = grant.Grant{Connections: []grant.Connection{{Provider: "microsoft", Name: "work"}}}

// twoStores are two stores on one file, as two replicas on one home have, sharing a lock.
func twoStores(t *testing.T) (*FileAgents, *FileAgents, string) {
	t.Helper()
	path := filepath.Join(t.TempDir(), AgentsFileName)
	var mu sync.Mutex
	lock := func(context.Context) (func(), error) { mu.Lock(); return mu.Unlock, nil }
	return NewFileAgents(path, lock), NewFileAgents(path, lock), path
}

func TestCredential(t *testing.T) {
	a, cred, err := NewAgent("ci-bot", testGrant, time.Now(), 0, nil)
	if err != nil {
		t.Fatal(err)
	}
	id, secret, ok := parseCredential(cred)
	if !ok || id != a.ID || len(secret) != 43 || !a.verify(secret) {
		t.Fatalf("credential %q does not parse back to the agent", cred)
	}
	if strings.Contains(a.SecretSHA256, secret) || len(a.SecretSHA256) != 64 {
		t.Errorf("hash %q", a.SecretSHA256)
	}
	if a.verify(secret+"x") || a.verify("") {
		t.Error("a wrong secret verified")
	}
	old := secret
	cred2, err := a.NewSecret()
	if err != nil || cred2 == cred || a.verify(old) {
		t.Errorf("rotation: %v; the old secret still verifies: %v", err, a.verify(old))
	}
	for _, bad := range []string{"", "asa1", "asa1..x", "asa2." + a.ID + ".x", "Bearer " + cred} {
		if _, _, ok := parseCredential(bad); ok {
			t.Errorf("%q parsed", bad)
		}
	}
	for _, name := range []string{"", "-x", "a b", strings.Repeat("a", 65), "a/b"} {
		if _, _, err := NewAgent(name, testGrant, time.Now(), 0, nil); err == nil {
			t.Errorf("agent name %q accepted", name)
		}
	}
	if _, _, err := NewAgent("nogrant", grant.Grant{}, time.Now(), 0, nil); err == nil {
		t.Error("an agent without a connection was made")
	}
}

func TestAgentStatus(t *testing.T) {
	now := time.Now()
	a, _, _ := NewAgent("a", testGrant, now, time.Hour, nil)
	if got := a.Status(now); got != "active" {
		t.Error(got)
	}
	if got := a.Status(now.Add(time.Hour)); got != "expired" {
		t.Error(got)
	}
	a.RevokedAt = now
	if got := a.Status(now); got != "revoked" {
		t.Error(got)
	}
}

// TestFileAgentsReplicas: what one store writes, the other sees on its next lookup, revocation
// and rotation included; the file is 0600 and holds no credential.
func TestFileAgentsReplicas(t *testing.T) {
	ctx := context.Background()
	s1, s2, path := twoStores(t)
	now := time.Now()
	a, cred, _ := NewAgent("reader", testGrant, now, 0, nil)
	if _, err := Authenticate(ctx, s2, cred, now); !errors.Is(err, ErrBadCredential) {
		t.Fatalf("before creation: %v", err)
	}
	if err := s1.Create(ctx, a); err != nil {
		t.Fatal(err)
	}
	if err := s1.Create(ctx, a); !errors.Is(err, ErrAgentExists) {
		t.Errorf("second create: %v", err)
	}
	if got, err := Authenticate(ctx, s2, cred, now); err != nil || got.Name != "reader" {
		t.Fatalf("replica after creation: %v", err)
	}
	fi, err := os.Stat(path)
	if err != nil || fi.Mode().Perm() != 0o600 {
		t.Errorf("agents file: %v %v", fi.Mode(), err)
	}
	data, _ := os.ReadFile(path)
	_, secret, _ := parseCredential(cred)
	if strings.Contains(string(data), secret) {
		t.Error("the agents file holds the secret")
	}

	var cred2 string
	if err := s2.Update(ctx, "reader", func(a *Agent) (err error) { cred2, err = a.NewSecret(); return err }); err != nil {
		t.Fatal(err)
	}
	if _, err := Authenticate(ctx, s1, cred, now); !errors.Is(err, ErrBadCredential) {
		t.Errorf("rotated-away credential on the other replica: %v", err)
	}
	if _, err := Authenticate(ctx, s1, cred2, now); err != nil {
		t.Errorf("new credential: %v", err)
	}
	if err := s1.Update(ctx, "reader", func(a *Agent) error { a.RevokedAt = now; return nil }); err != nil {
		t.Fatal(err)
	}
	if _, err := Authenticate(ctx, s2, cred2, now); !errors.Is(err, ErrBadCredential) {
		t.Errorf("revoked agent on the other replica: %v", err)
	}
	if err := s1.Update(ctx, "nobody", func(*Agent) error { return nil }); !errors.Is(err, ErrAgentNotFound) {
		t.Errorf("update of an unknown agent: %v", err)
	}
}

// TestFileAgentsConcurrentCreates: writers through two stores lose no agent.
func TestFileAgentsConcurrentCreates(t *testing.T) {
	ctx := context.Background()
	s1, s2, _ := twoStores(t)
	var wg sync.WaitGroup
	for i := range 20 {
		wg.Go(func() {
			a, _, _ := NewAgent(fmt.Sprintf("a%02d", i), testGrant, time.Now(), 0, nil)
			if err := []*FileAgents{s1, s2}[i%2].Create(ctx, a); err != nil {
				t.Error(err)
			}
		})
	}
	wg.Wait()
	list, err := s2.List(ctx)
	if err != nil || len(list) != 20 || list[0].Name != "a00" {
		t.Errorf("%d agents, %v", len(list), err)
	}
}

func TestCredentialFrom(t *testing.T) {
	for in, want := range map[string]string{
		"Bearer asa1.x.y":                     "asa1.x.y",
		"bearer  asa1.x.y ":                   "asa1.x.y",
		"Basic YWdlbnQ6YXNhMS54Lnk=":          "asa1.x.y", // agent:asa1.x.y
		"Basic !!":                            "",
		"Digest x":                            "",
		"":                                    "",
		"Basic " + "YXNhMS54Lnk=" /* no : */ : "",
	} {
		if got := credentialFrom(in); got != want {
			t.Errorf("credentialFrom(%q) = %q, want %q", in, got, want)
		}
	}
}
