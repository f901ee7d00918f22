package contacts

import "testing"

// TestSettersNameProperties: every setter names a property of its type.
func TestSettersNameProperties(t *testing.T) {
	if u := contactSetters.Unknown("contact"); len(u) > 0 {
		t.Errorf("contact setters for unknown properties: %v", u)
	}
	if u := folderSetters.Unknown("contactFolder"); len(u) > 0 {
		t.Errorf("contactFolder setters for unknown properties: %v", u)
	}
}
