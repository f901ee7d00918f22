package guid

import "testing"

func TestNew(t *testing.T) {
	a, b := New(), New()
	if !Valid(a) || !Valid(b) || a == b {
		t.Fatalf("New() = %q, %q", a, b)
	}
	if a[14] != '4' || !(a[19] == '8' || a[19] == '9' || a[19] == 'a' || a[19] == 'b') {
		t.Errorf("%q is not a version 4, variant 1 GUID", a)
	}
}

func TestValid(t *testing.T) {
	for s, want := range map[string]bool{
		"6fd2c87f-b296-42f0-b197-1e91e994b900":   true,
		"6FD2C87F-B296-42F0-B197-1E91E994B900":   true,
		"{6fd2c87f-b296-42f0-b197-1e91e994b900}": false,
		"6fd2c87fb29642f0b1971e91e994b900":       false,
		"6fd2c87f-b296-42f0-b197-1e91e994b90g":   false,
		"6fd2c87f-b296-42f0-b197_1e91e994b900":   false,
		"":                                       false,
		"contoso.onmicrosoft.com":                false,
	} {
		if got := Valid(s); got != want {
			t.Errorf("Valid(%q) = %v, want %v", s, got, want)
		}
	}
}
