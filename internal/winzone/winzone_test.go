package winzone

import (
	"testing"
	"time"
)

// TestTableLoads: every IANA name of the table is one the time package knows.
func TestTableLoads(t *testing.T) {
	for win, iana := range windowsZones {
		if _, err := time.LoadLocation(iana); err != nil {
			t.Errorf("%s → %s: %v", win, iana, err)
		}
	}
	if got, ok := IANA("Pacific Standard Time"); !ok || got != "America/Los_Angeles" {
		t.Errorf("IANA(Pacific Standard Time) = %q, %v", got, ok)
	}
	if _, ok := IANA("Mars Standard Time"); ok {
		t.Error("an unknown name is known")
	}
}
