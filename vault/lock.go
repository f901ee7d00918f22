package vault

import (
	"context"
	"fmt"
	"math/rand/v2"
	"sync"
	"time"

	"github.com/gofrs/flock"
)

// procLocks holds one semaphore per lock-file path so that goroutines of
// this process queue on a channel instead of polling the file lock.
var procLocks sync.Map // string → chan struct{}

const maxLockPoll = 20 * time.Millisecond

// acquire takes an advisory lock on path (created 0600 if missing),
// exclusive or shared, waiting until ctx is done. The returned release
// function is idempotent. Locks die with their process, so a crashed holder
// never blocks others.
func acquire(ctx context.Context, path string, exclusive bool) (release func(), err error) {
	var sem chan struct{}
	if exclusive {
		v, _ := procLocks.LoadOrStore(path, make(chan struct{}, 1))
		sem = v.(chan struct{})
		select {
		case sem <- struct{}{}:
		case <-ctx.Done():
			return nil, fmt.Errorf("vault: waiting for lock %s: %w", path, ctx.Err())
		}
	}
	unsem := func() {
		if sem != nil {
			<-sem
		}
	}
	fl := flock.New(path, flock.SetPermissions(0o600))
	delay := 500 * time.Microsecond
	for {
		var ok bool
		if exclusive {
			ok, err = fl.TryLock()
		} else {
			ok, err = fl.TryRLock()
		}
		if err != nil {
			unsem()
			return nil, fmt.Errorf("vault: locking %s: %w", path, err)
		}
		if ok {
			break
		}
		t := time.NewTimer(delay/2 + rand.N(delay))
		select {
		case <-t.C:
		case <-ctx.Done():
			t.Stop()
			unsem()
			return nil, fmt.Errorf("vault: waiting for lock %s: %w", path, ctx.Err())
		}
		delay = min(delay*2, maxLockPoll)
	}
	var once sync.Once
	return func() {
		once.Do(func() {
			fl.Unlock() // also closes the descriptor
			unsem()
		})
	}, nil
}
