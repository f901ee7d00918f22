package main

import (
	"bytes"
	"strings"
	"testing"
)

// TestRun runs the agent against the sandbox: three messages arrive, three
// notifications name them, and the summary lists their senders and
// subjects after it was posted to the channel.
func TestRun(t *testing.T) {
	var out bytes.Buffer
	if err := run(t.Context(), &out, 3); err != nil {
		t.Fatalf("%v\n%s", err, out.String())
	}
	got := out.String()
	for _, want := range []string{"watching Adele Vance's inbox", "posted a summary of 3 new messages", "AlexW@contoso.sandbox>: Status update 1", "Status update 3"} {
		if !strings.Contains(got, want) {
			t.Errorf("output lacks %q:\n%s", want, got)
		}
	}
}
