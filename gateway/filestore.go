package gateway

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// AgentsFileName is the file agents are kept in, in the profile folder.
const AgentsFileName = "agents.json"

// agentsFile is the JSON shape of the agents file.
type agentsFile struct {
	V      int      `json:"v"`
	Agents []*Agent `json:"agents"`
}

// FileAgents is the [AgentStore] of the local profile: one JSON file (mode 0600) replaced
// atomically on every change, under a cross-process lock. Readers re-read it when it changes
// (it is checked with a stat on every lookup), so a revocation by `authsome agent revoke`
// reaches every gateway on the same home with their next request.
type FileAgents struct {
	path string
	lock func(ctx context.Context) (unlock func(), err error)

	mu     sync.Mutex
	stat   os.FileInfo // of the file the cache was read from; nil: none read
	readAt time.Time   // when it was read
	agents []*Agent
	byID   map[string]*Agent
	byCert map[string]*Agent
}

// NewFileAgents returns the store kept at path; lock takes the cross-process lock writers
// hold (for the profile: its vault's named lock).
func NewFileAgents(path string, lock func(ctx context.Context) (unlock func(), err error)) *FileAgents {
	return &FileAgents{path: path, lock: lock}
}

// maxStale is how long the cache is trusted on an unchanged stat: a file replaced within the
// file system's timestamp resolution by one of the same size on a reused inode is read again
// after it at the latest.
const maxStale = 500 * time.Millisecond

// load returns the agents as the file holds them now, and by ID (the caller clones what it
// hands out).
func (s *FileAgents) load() ([]*Agent, map[string]*Agent, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	fi, err := os.Stat(s.path)
	if errors.Is(err, fs.ErrNotExist) {
		s.stat, s.agents, s.byID, s.byCert = nil, nil, map[string]*Agent{}, map[string]*Agent{}
		return nil, s.byID, nil
	}
	if err != nil {
		return nil, nil, err
	}
	if s.stat != nil && os.SameFile(fi, s.stat) && fi.ModTime().Equal(s.stat.ModTime()) && fi.Size() == s.stat.Size() &&
		time.Since(s.readAt) < maxStale {
		return s.agents, s.byID, nil
	}
	data, err := os.ReadFile(s.path)
	if err != nil {
		return nil, nil, err
	}
	var f agentsFile
	if err := json.Unmarshal(data, &f); err != nil {
		return nil, nil, fmt.Errorf("%s: %w", s.path, err)
	}
	if f.V != 1 {
		return nil, nil, fmt.Errorf("%s: unknown version %d", s.path, f.V)
	}
	byID, byCert := make(map[string]*Agent, len(f.Agents)), map[string]*Agent{}
	for _, a := range f.Agents {
		byID[a.ID] = a
		if a.CertSHA256 != "" {
			byCert[a.CertSHA256] = a
		}
	}
	s.stat, s.readAt, s.agents, s.byID, s.byCert = fi, time.Now(), f.Agents, byID, byCert
	return s.agents, s.byID, nil
}

func clone(a *Agent) *Agent {
	c := *a
	c.Grant.Connections = slices.Clone(a.Grant.Connections)
	c.Grant.Allow = slices.Clone(a.Grant.Allow)
	return &c
}

// List implements [AgentStore].
func (s *FileAgents) List(context.Context) ([]*Agent, error) {
	agents, _, err := s.load()
	if err != nil {
		return nil, err
	}
	out := make([]*Agent, 0, len(agents))
	for _, a := range agents {
		out = append(out, clone(a))
	}
	slices.SortFunc(out, func(a, b *Agent) int { return strings.Compare(a.Name, b.Name) })
	return out, nil
}

// Get implements [AgentStore].
func (s *FileAgents) Get(ctx context.Context, name string) (*Agent, error) {
	agents, _, err := s.load()
	if err != nil {
		return nil, err
	}
	for _, a := range agents {
		if a.Name == name {
			return clone(a), nil
		}
	}
	return nil, fmt.Errorf("%w: %q", ErrAgentNotFound, name)
}

// Lookup implements [AgentStore].
func (s *FileAgents) Lookup(_ context.Context, id string) (*Agent, error) {
	_, byID, err := s.load()
	if err != nil {
		return nil, err
	}
	if a := byID[id]; a != nil {
		return clone(a), nil
	}
	return nil, ErrAgentNotFound
}

// LookupCert implements [AgentStore].
func (s *FileAgents) LookupCert(_ context.Context, sum string) (*Agent, error) {
	if _, _, err := s.load(); err != nil {
		return nil, err
	}
	s.mu.Lock()
	a := s.byCert[sum]
	s.mu.Unlock()
	if a != nil {
		return clone(a), nil
	}
	return nil, ErrAgentNotFound
}

// Create implements [AgentStore].
func (s *FileAgents) Create(ctx context.Context, a *Agent) error {
	return s.change(ctx, func(agents []*Agent) ([]*Agent, error) {
		for _, x := range agents {
			if x.Name == a.Name {
				return nil, fmt.Errorf("%w: %q", ErrAgentExists, a.Name)
			}
			if a.CertSHA256 != "" && x.CertSHA256 == a.CertSHA256 {
				return nil, fmt.Errorf("%w: agent %q has that client certificate", ErrAgentExists, x.Name)
			}
		}
		return append(agents, clone(a)), nil
	})
}

// Update implements [AgentStore].
func (s *FileAgents) Update(ctx context.Context, name string, fn func(*Agent) error) error {
	return s.change(ctx, func(agents []*Agent) ([]*Agent, error) {
		for i, x := range agents {
			if x.Name == name {
				c := clone(x)
				if err := fn(c); err != nil {
					return nil, err
				}
				agents[i] = c
				return agents, nil
			}
		}
		return nil, fmt.Errorf("%w: %q", ErrAgentNotFound, name)
	})
}

// change rewrites the file with fn's result under the lock, from a fresh read.
func (s *FileAgents) change(ctx context.Context, fn func([]*Agent) ([]*Agent, error)) error {
	unlock, err := s.lock(ctx)
	if err != nil {
		return err
	}
	defer unlock()
	agents, _, err := s.load()
	if err != nil {
		return err
	}
	next, err := fn(slices.Clone(agents))
	if err != nil {
		return err
	}
	data, err := json.MarshalIndent(agentsFile{V: 1, Agents: next}, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(s.path, append(data, '\n'), 0o600)
}
