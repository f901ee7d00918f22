package lazyre

import "testing"

func TestNewCompilesOnceOnFirstUse(t *testing.T) {
	re := New(`^a+$`)
	if !re().MatchString("aaa") || re().MatchString("ab") {
		t.Fatal("pattern does not match as compiled eagerly")
	}
	if re() != re() {
		t.Fatal("compiled more than once")
	}
}

func TestNewPanicsOnBadPatternWhenUsed(t *testing.T) {
	re := New(`(`) // declaring it does not panic
	defer func() {
		if recover() == nil {
			t.Fatal("no panic for an invalid pattern")
		}
	}()
	re()
}
