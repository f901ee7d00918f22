package ids

import "testing"

// TestStableKeepsItsIDs: stable ids are part of the seeded data clients see (and of saved
// state), so the same parts give the same id as they always have.
func TestStableKeepsItsIDs(t *testing.T) {
	for _, c := range []struct{ got, want string }{
		{Stable("user", "message", "7"), "AAMkAGtONFwOTBAZsfPsmargGeqU0o_hTTEH5QrTwIobz_HzpCoYkcx7AkyU97ZIKXYiyWOl-FUQ=="},
		{StableAs("AAkALg", "immutable", "x"), "AAkALgYCf4PbbkYbrq88URUkqqQF366SQkqhtlk4R-FBKglqtzDTC4vEdLIILF7XeW3bsm1uMsDg=="},
	} {
		if c.got != c.want {
			t.Errorf("got %s, want %s", c.got, c.want)
		}
	}
	if n := testing.AllocsPerRun(100, func() { _ = Stable("a", "b", "c") }); n > 1 {
		t.Errorf("Stable allocates %v times, want the id only", n)
	}
}
