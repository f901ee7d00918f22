package provider

import (
	"regexp"
	"strings"
	"testing"
)

// TestIsHostName: the hand-written check accepts what the former expression accepted (ASCII).
func TestIsHostName(t *testing.T) {
	re := regexp.MustCompile(`^(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?)(\.(?i:[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?))+$`)
	long := strings.Repeat("a", 63)
	for _, h := range []string{
		"graph.microsoft.com", "API.GitHub.com", "a.b", "x-1.example.org", long + ".com", long + "a.com",
		"localhost", "", ".", "a.", ".a", "a..b", "-a.com", "a-.com", "a_b.com", "a.b:443", "*.a.com",
		"https://a.com", "a.com/", "1.2.3.4", "a b.com", "é.com",
	} {
		if got, want := isHostName(h), re.MatchString(h); got != want {
			t.Errorf("isHostName(%q) = %v, the expression says %v", h, got, want)
		}
	}
}
