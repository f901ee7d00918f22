package broker_test

import "testing"

// BenchmarkAuthHeader measures what the proxy pays per request for a fresh token.
func BenchmarkAuthHeader(b *testing.B) {
	f := newFixture(b)
	f.loginDevice(b, "default", f.user(0))
	br := f.open(b, nil)
	ctx := b.Context()
	b.ResetTimer()
	for i := 0; i < b.N; i++ {
		if _, _, err := br.AuthHeader(ctx, "microsoft", ""); err != nil {
			b.Fatal(err)
		}
	}
}
