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

// TestBundledCopiesAreOwn: each catalogue call gets its own copy of a bundled definition
// (they are parsed once per process): changing one changes no later answer.
func TestBundledCopiesAreOwn(t *testing.T) {
	c := NewCatalog(t.TempDir())
	a, _, err := c.Get("microsoft")
	if err != nil {
		t.Fatal(err)
	}
	want, _ := a.MarshalIndent()
	a.DisplayName = "changed"
	a.OAuth.Scopes[0] = "changed"
	a.Export["changed"] = "changed"
	for n := range a.ScopePresets {
		a.ScopePresets[n][0] = "changed"
	}
	a.ScopePresets["changed"] = nil
	b, _, err := c.Get("microsoft")
	if err != nil {
		t.Fatal(err)
	}
	if got, _ := b.MarshalIndent(); string(got) != string(want) {
		t.Fatalf("a change to one copy shows in the next:\n%s", got)
	}
}
