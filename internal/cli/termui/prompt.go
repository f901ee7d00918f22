package termui

import (
	"context"
	"errors"
	"io"
	"strings"
)

// Cancellable runs read, a blocking terminal read, and returns what it returns; if ctx ends
// first (Ctrl-C), it calls restore (which puts the terminal back, such as turning echo on
// again after a hidden prompt) and returns ctx's error at once. The read is left to finish in
// the background: what is typed after a cancelled prompt is never taken as its answer.
func Cancellable[T any](ctx context.Context, read func() (T, error), restore func()) (T, error) {
	type result struct {
		v   T
		err error
	}
	if err := ctx.Err(); err != nil {
		var zero T
		return zero, err
	}
	done := make(chan result, 1)
	go func() {
		v, err := read()
		done <- result{v, err}
	}()
	select {
	case r := <-done:
		return r.v, r.err
	case <-ctx.Done():
		if restore != nil {
			restore()
		}
		var zero T
		return zero, ctx.Err()
	}
}

// maxLine bounds one answer.
const maxLine = 64 << 10

// ReadLine reads one line from r, without its line ending, unless ctx ends first (then it
// returns ctx's error). It reads a byte at a time, so nothing after the line is consumed (a
// hidden prompt that follows reads the terminal itself). At end of input it returns what was
// read, with io.EOF when that is nothing.
func ReadLine(ctx context.Context, r io.Reader) (string, error) {
	return Cancellable(ctx, func() (string, error) { return readLine(r) }, nil)
}

func readLine(r io.Reader) (string, error) {
	var b strings.Builder
	var one [1]byte
	for b.Len() < maxLine {
		n, err := r.Read(one[:])
		if n == 1 {
			if one[0] == '\n' {
				break
			}
			b.WriteByte(one[0])
			continue
		}
		if errors.Is(err, io.EOF) {
			if b.Len() == 0 {
				return "", io.EOF
			}
			break
		}
		if err != nil {
			return "", err
		}
	}
	return strings.TrimSuffix(b.String(), "\r"), nil
}
