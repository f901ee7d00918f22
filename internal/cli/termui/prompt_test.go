package termui

import (
	"context"
	"errors"
	"io"
	"strings"
	"testing"
)

func TestReadLineStopsAtTheLine(t *testing.T) {
	r := strings.NewReader("first\r\nsecond\nlast")
	for _, want := range []string{"first", "second", "last"} {
		got, err := ReadLine(context.Background(), r)
		if err != nil || got != want {
			t.Fatalf("got %q, %v; want %q", got, err, want)
		}
	}
	if _, err := ReadLine(context.Background(), r); !errors.Is(err, io.EOF) {
		t.Fatalf("at the end: %v", err)
	}
}

func TestReadLineCancelled(t *testing.T) {
	pr, pw := io.Pipe() // nothing is ever typed
	defer pw.Close()
	ctx, cancel := context.WithCancel(context.Background())
	done := make(chan error, 1)
	go func() {
		_, err := ReadLine(ctx, pr)
		done <- err
	}()
	cancel() // Ctrl-C
	if err := <-done; !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v, want context.Canceled", err)
	}
	// A context already ended does not start a read.
	if _, err := ReadLine(ctx, strings.NewReader("typed later\n")); !errors.Is(err, context.Canceled) {
		t.Fatalf("ended context: %v", err)
	}
}

func TestCancellableRestores(t *testing.T) {
	block := make(chan struct{})
	defer close(block)
	ctx, cancel := context.WithCancel(context.Background())
	restored, started := make(chan struct{}), make(chan struct{})
	go func() { <-started; cancel() }() // Ctrl-C while the read waits
	_, err := Cancellable(ctx, func() ([]byte, error) { close(started); <-block; return []byte("late"), nil }, func() { close(restored) })
	if !errors.Is(err, context.Canceled) {
		t.Fatalf("got %v", err)
	}
	select {
	case <-restored:
	default:
		t.Fatal("the terminal was not restored")
	}
	// A read that finishes first returns its value and does not restore.
	v, err := Cancellable(context.Background(), func() (string, error) { return "ok", nil }, func() { t.Error("restored after a read") })
	if v != "ok" || err != nil {
		t.Fatalf("got %q, %v", v, err)
	}
}
