package cli

import (
	"context"
	"io"
	"time"

	"github.com/vbauerster/mpb/v8"
	"github.com/vbauerster/mpb/v8/decor"
)

// transferBar is a progress bar for a transfer on stderr. A nil *transferBar (no terminal,
// --json or --quiet) does nothing.
type transferBar struct {
	p   *mpb.Progress
	bar *mpb.Bar
}

// newTransferBar returns a bar for a transfer of total bytes named name, or nil when stderr is
// not a terminal or --json or --quiet is set: scripts and logs get no redrawn lines.
func newTransferBar(ctx context.Context, f *Factory, name string, total int64) *transferBar {
	if f.JSON || f.Quiet || !f.IO.IsStderrTTY() {
		return nil
	}
	// IOStreams decided stderr is a terminal: draw even when mpb cannot tell (a wrapped stream).
	p := mpb.NewWithContext(ctx, mpb.WithOutput(f.IO.ErrOut), mpb.WithAutoRefresh(), mpb.WithRefreshRate(150*time.Millisecond))
	bar := p.AddBar(total,
		mpb.PrependDecorators(
			decor.Name(printable(name), decor.WCSyncSpaceR),
			decor.Counters(decor.SizeB1024(0), "% .1f / % .1f", decor.WCSyncSpace),
		),
		mpb.AppendDecorators(
			decor.Percentage(decor.WCSyncSpace),
			decor.OnComplete(decor.AverageSpeed(decor.SizeB1024(0), "% .1f", decor.WCSyncSpace), ""),
		),
	)
	return &transferBar{p: p, bar: bar}
}

// set moves the bar to n bytes done.
func (b *transferBar) set(n int64) {
	if b != nil {
		b.bar.SetCurrent(n)
	}
}

// counter is a writer that moves the bar by what is written to it.
func (b *transferBar) counter() io.Writer {
	if b == nil {
		return io.Discard
	}
	return barCounter{b.bar}
}

type barCounter struct{ bar *mpb.Bar }

func (c barCounter) Write(p []byte) (int, error) {
	c.bar.IncrBy(len(p))
	return len(p), nil
}

// finish completes the bar (ok) or leaves it where the transfer stopped, and waits until it is
// drawn for the last time.
func (b *transferBar) finish(ok bool) {
	if b == nil {
		return
	}
	if ok {
		b.bar.SetTotal(-1, true)
	} else {
		b.bar.Abort(false)
	}
	b.p.Wait()
}
