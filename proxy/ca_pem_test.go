package proxy

import (
	"bytes"
	"testing"
)

// TestParseCA: a CA kept as its two PEMs comes back whole; a key of another CA is refused.
func TestParseCA(t *testing.T) {
	ca, err := NewCA([]string{"graph.microsoft.com", "gateway.example.com"}, 0)
	if err != nil {
		t.Fatal(err)
	}
	keyPEM, err := ca.KeyPEM()
	if err != nil {
		t.Fatal(err)
	}
	back, err := ParseCA(ca.CertPEM(), keyPEM)
	if err != nil {
		t.Fatal(err)
	}
	if !bytes.Equal(back.CertPEM(), ca.CertPEM()) || !back.Permits("gateway.example.com") {
		t.Fatalf("parsed CA differs: hosts %v", back.Hosts())
	}
	if _, err := back.ServerCertificate("gateway.example.com"); err != nil {
		t.Fatal(err)
	}
	other, _ := NewCA([]string{"graph.microsoft.com"}, 0)
	otherKey, _ := other.KeyPEM()
	if _, err := ParseCA(ca.CertPEM(), otherKey); err == nil {
		t.Fatal("a CA with another CA's key was accepted")
	}
}
