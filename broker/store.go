package broker

import (
	"context"

	"github.com/authsome-go/authsome/vault"
)

// Store keeps one profile's connections and OAuth clients for a Broker.
type Store interface {
	// Load returns a fresh copy of the whole data, owned by the caller.
	Load(ctx context.Context) (*vault.Data, error)
	// Update runs fn on the current data and commits the result atomically; an error from fn
	// commits nothing. Updates from every process or replica sharing the store are serialised.
	Update(ctx context.Context, fn func(*vault.Data) error) error
	// LockConnection takes the exclusive refresh lock of one connection, shared by every
	// process and replica using the store, held until unlock is called. A holder that dies
	// releases it.
	LockConnection(ctx context.Context, provider, name string) (unlock func(), err error)
	// Version returns a cheap value that changes whenever the data changes (at once on the
	// handle that changed it, within a second on other processes and replicas); the broker
	// serves fresh tokens from memory while it is unchanged.
	Version(ctx context.Context) (string, error)
}

// The encrypted vault file is the default Store.
var _ Store = (*vault.Store)(nil)

// Store returns the store the broker keeps its connections in: the profile's vault, or
// [Options.Store].
func (b *Broker) Store() Store { return b.store }
