package cli

import (
	"context"
	"encoding/json"
	"errors"
	"os"
	"time"

	"github.com/spf13/pflag"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/gateway"
	"github.com/authsome-go/authsome/pgstore"
	"github.com/authsome-go/authsome/vault"
)

// storeFlags are --store and --key of the commands that work on a PostgreSQL store instead
// of the profile's vault (serve and agent).
type storeFlags struct{ dsn, key string }

func (s *storeFlags) register(fs *pflag.FlagSet) {
	fs.StringVar(&s.dsn, "store", os.Getenv(envStoreURL), "a PostgreSQL store's connection string, postgres://USER@HOST/DB, instead of the profile's vault (default $"+envStoreURL+")")
	fs.StringVar(&s.key, "key", "env", "with --store, the store's key: env, file:PATH or passphrase (as for `authsome store migrate`)")
}

// openStore opens the selected profile in the PostgreSQL store the flags name.
func (s *storeFlags) openStore(ctx context.Context, f *Factory) (*pgstore.Store, error) {
	keys, err := storeKeySource(f, s.key, envStoreKey, envStorePassphrase)
	if err != nil {
		return nil, err
	}
	profile, err := f.selectedProfile(vault.Home{Dir: f.Home()})
	if err != nil {
		return nil, err
	}
	return pgstore.Open(ctx, s.dsn, profile, keys)
}

// openBroker opens the factory's broker: on the PostgreSQL store when --store is given (the
// store is returned, for the caller to close), else on the profile's vault. sink, when not
// nil, receives the broker's events beside the audit log.
func (s *storeFlags) openBroker(ctx context.Context, f *Factory, sink func(broker.Event)) (*broker.Broker, *pgstore.Store, error) {
	f.eventSink = sink
	if s.dsn == "" {
		b, err := f.Broker(ctx)
		return b, nil, err
	}
	ps, err := s.openStore(ctx, f)
	if err != nil {
		return nil, nil, err
	}
	f.once.Do(func() {
		opts := broker.Options{Home: f.Home(), Profile: ps.Profile(), Logger: f.Logger(), Store: ps, Events: func(e broker.Event) {
			f.recordEvent(e)
			f.recordStoreEvent(ps, e)
		}}
		f.broker, f.err = broker.Open(ctx, opts)
	})
	if f.err == nil && f.broker.Store() != broker.Store(ps) {
		f.err = errors.New("internal error: the profile was opened before --store was read")
	}
	if f.err != nil {
		ps.Close()
		return nil, nil, f.err
	}
	return f.broker, ps, nil
}

// recordStoreEvent appends a credential event to the store's audit log too, where the events
// of every replica meet (a refresh is done by one of them for all). A failed write is a
// warning.
func (f *Factory) recordStoreEvent(ps *pgstore.Store, e broker.Event) {
	rec := pgstore.AuditRecord{Time: e.Time, Kind: string(e.Kind), Provider: e.Provider, Connection: e.Connection, Outcome: e.Outcome}
	if e.Flow != "" || len(e.Scopes) > 0 || e.Error != "" {
		rec.Details, _ = json.Marshal(map[string]any{"flow": e.Flow, "scopes": e.Scopes, "error": e.Error})
	}
	ctx, cancel := context.WithTimeout(context.Background(), storeEventTimeout)
	defer cancel()
	if err := ps.Record(ctx, rec); err != nil {
		f.WarnLogger().Warn("could not write the store's audit log", "error", err)
	}
}

// storeEventTimeout bounds the write of one event to the store's audit log.
const storeEventTimeout = 5 * time.Second

// agentsOf is the agent store of b: the PostgreSQL store's when ps is not nil, else the
// profile's agents file.
func agentsOf(b *broker.Broker, ps *pgstore.Store) gateway.AgentStore {
	if ps != nil {
		return ps.Agents()
	}
	return agentStore(b)
}

// openAgents opens the broker and its agent store for the agent commands; close releases
// the database connections, if any.
func (s *storeFlags) openAgents(ctx context.Context, f *Factory) (b *broker.Broker, store gateway.AgentStore, close func(), err error) {
	b, ps, err := s.openBroker(ctx, f, nil)
	if err != nil {
		return nil, nil, nil, err
	}
	close = func() {}
	if ps != nil {
		close = ps.Close
	}
	return b, agentsOf(b, ps), close, nil
}

// profileDir is the broker's profile folder: its vault's, or, on a store, the one the home
// would have (it holds the gateway's CA and the audit log).
func profileDir(b *broker.Broker) string { return vault.Home{Dir: b.Home()}.ProfileDir(b.Profile()) }
