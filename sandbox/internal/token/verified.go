package token

import "sync"

// maxVerified bounds the tokens a Signer remembers as verified; past it
// the memory starts over.
const maxVerified = 1024

// verifiedSet is the tokens whose signature a Signer has checked: a client
// sends the same token with every request, and checking the RSA signature
// is most of verifying it. Only tokens that passed are kept, whole, so a
// token differing in any byte is checked afresh.
type verifiedSet struct {
	mu sync.Mutex
	m  map[string]struct{}
}

func (v *verifiedSet) has(raw string) bool {
	v.mu.Lock()
	defer v.mu.Unlock()
	_, ok := v.m[raw]
	return ok
}

func (v *verifiedSet) add(raw string) {
	v.mu.Lock()
	defer v.mu.Unlock()
	if v.m == nil || len(v.m) >= maxVerified {
		v.m = make(map[string]struct{})
	}
	v.m[raw] = struct{}{}
}

// certificates are the signing certificates NewSigner built, by public key
// (PKIX DER): the certificate is a function of the key, and a process
// starting many sandboxes with one key (a test suite) builds it once.
var certificates sync.Map
