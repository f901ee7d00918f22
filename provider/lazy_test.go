package provider

import "testing"

// TestCatalogParsesLazily: building a catalogue parses nothing; Get parses only the bundled
// definition asked for; only List parses them all.
func TestCatalogParsesLazily(t *testing.T) {
	start := bundledParses.Load()
	c := NewCatalog(t.TempDir())
	if n := bundledParses.Load() - start; n != 0 {
		t.Fatalf("NewCatalog parsed %d bundled definitions", n)
	}
	if _, _, err := c.Get("microsoft"); err != nil {
		t.Fatal(err)
	}
	if n := bundledParses.Load() - start; n != 1 {
		t.Fatalf("Get parsed %d bundled definitions, want 1", n)
	}
	all, err := Bundled()
	if err != nil {
		t.Fatal(err)
	}
	if n := bundledParses.Load() - start; n != int64(1+len(all)) {
		t.Fatalf("List parsed %d bundled definitions, want %d", n-1, len(all))
	}
}
