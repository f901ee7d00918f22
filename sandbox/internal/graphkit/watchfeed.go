package graphkit

import "sync"

// FeedChanges is Watchable.Changes for a workload whose changes are on the
// feed that at returns, under mu.
func FeedChanges(mu *sync.Mutex, at func() *Feed, fn func(Change)) (cancel func()) {
	mu.Lock()
	stop := at().Subscribe(fn)
	mu.Unlock()
	return func() {
		mu.Lock()
		stop()
		mu.Unlock()
	}
}
