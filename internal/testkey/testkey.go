// Package testkey gives the tests of a process one RSA key. Generating a 2048-bit key costs
// tens to hundreds of milliseconds of CPU; a suite that starts a sandbox per test (each with
// its token-signing key) would spend most of its time there.
package testkey

import (
	"crypto/rand"
	"crypto/rsa"
	"sync"
	"testing"
)

var rsaKey = sync.OnceValues(func() (*rsa.PrivateKey, error) { return rsa.GenerateKey(rand.Reader, 2048) })

// RSA returns the process's 2048-bit RSA key, generated on first use. Tests about keys that
// must differ generate their own.
func RSA(t testing.TB) *rsa.PrivateKey {
	t.Helper()
	key, err := rsaKey()
	if err != nil {
		t.Fatal(err)
	}
	return key
}

// Key is RSA for code without a testing.TB: examples, TestMain.
func Key() (*rsa.PrivateKey, error) { return rsaKey() }
