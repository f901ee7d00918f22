package vault

import (
	"os"
	"sync/atomic"
)

// readHook, when set, is told of every read of a vault file (SetReadHook).
var readHook atomic.Pointer[func(path string)]

// SetReadHook makes fn be called with the path each time a vault file is read from disk, for
// tests of other packages that count reads (a command should read its vault once). It returns
// a function that removes the hook. fn must be safe for concurrent use.
func SetReadHook(fn func(path string)) (remove func()) {
	readHook.Store(&fn)
	return func() { readHook.Store(nil) }
}

// readVaultFile reads the vault file at path.
func readVaultFile(path string) ([]byte, error) {
	if fn := readHook.Load(); fn != nil {
		(*fn)(path)
	}
	return os.ReadFile(path)
}
