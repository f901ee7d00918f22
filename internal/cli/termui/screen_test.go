package termui

import (
	"bytes"
	"strings"
	"sync"
	"testing"
	"time"
)

// fakeClock is a clock the test moves, with the ticks it sends by hand.
type fakeClock struct {
	mu    sync.Mutex
	now   time.Time
	ticks chan time.Time
}

func newFakeClock() *fakeClock {
	return &fakeClock{now: time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC), ticks: make(chan time.Time)}
}

func (c *fakeClock) options(tty, color bool) Options {
	return Options{TTY: tty, Color: color, Now: c.Now,
		Ticker: func(time.Duration) (<-chan time.Time, func()) { return c.ticks, func() {} }}
}

// advance moves the clock by d and delivers a tick at the new time; the tick channel is
// unbuffered, so the previous tick has been drawn once this one is taken.
func (c *fakeClock) advance(d time.Duration) {
	c.mu.Lock()
	c.now = c.now.Add(d)
	now := c.now
	c.mu.Unlock()
	c.ticks <- now
}

func (c *fakeClock) Now() time.Time {
	c.mu.Lock()
	defer c.mu.Unlock()
	return c.now
}

func TestScreenTTYRedrawsOneLine(t *testing.T) {
	var out bytes.Buffer
	clk := newFakeClock()
	s := New(&out, clk.options(true, false))
	s.Println("code line")
	s.Wait("Waiting for the sign-in", clk.Now().Add(15*time.Minute))
	clk.advance(time.Second)
	clk.advance(59 * time.Second)
	s.Stop()
	got := out.String()
	if strings.Contains(got, "\x1b") {
		t.Errorf("escape codes without colour: %q", got)
	}
	// One line redrawn in place: after "code line\n" there is no other newline.
	rest, ok := strings.CutPrefix(got, "code line\n")
	if !ok || strings.Contains(rest, "\n") {
		t.Fatalf("the wait line is not one line redrawn: %q", got)
	}
	frames := strings.Split(strings.TrimPrefix(rest, "\r"), "\r")
	for i, want := range []string{"⠋ Waiting for the sign-in… 15:00 left (Ctrl-C to cancel)", "⠙ Waiting for the sign-in… 14:59 left (Ctrl-C to cancel)", "⠹ Waiting for the sign-in… 14:00 left (Ctrl-C to cancel)"} {
		if i >= len(frames) || frames[i] != want {
			t.Fatalf("frame %d: got %q, want %q (all: %q)", i, frames, want, rest)
		}
	}
	// Stop blanks the line (and room for an echoed ^C) and goes back to its start.
	if last := frames[len(frames)-2] + "\r" + frames[len(frames)-1]; strings.TrimSpace(last) != "" || len(last) < len([]rune(frames[0]))+echoRoom {
		t.Errorf("the line is not cleared at the end: %q", rest)
	}
	if !strings.HasSuffix(got, "\r") {
		t.Errorf("the cursor is not back at the start of the line: %q", got)
	}
}

func TestScreenTTYPadsAShorterLine(t *testing.T) {
	var out bytes.Buffer
	clk := newFakeClock()
	s := New(&out, clk.options(true, false))
	s.Wait("Waiting", clk.Now().Add(61*time.Minute)) // 1:01:00 left, then 59:59
	clk.advance(61 * time.Second)
	s.Stop()
	frames := strings.Split(strings.TrimPrefix(out.String(), "\r"), "\r")
	if frames[0] != "⠋ Waiting… 1:01:00 left (Ctrl-C to cancel)" {
		t.Fatalf("first frame %q", frames[0])
	}
	if frames[1] != "⠙ Waiting… 59:59 left (Ctrl-C to cancel)  " {
		t.Fatalf("a shorter frame does not blank the end of the longer one: %q", frames[1])
	}
}

func TestScreenPlainLines(t *testing.T) {
	var out bytes.Buffer
	clk := newFakeClock()
	s := New(&out, clk.options(false, false))
	s.Wait("Waiting for the sign-in", clk.Now().Add(15*time.Minute))
	clk.advance(30 * time.Second) // still 15 minutes (rounded up): nothing new
	clk.advance(30 * time.Second) // 14 minutes
	clk.advance(13 * time.Minute) // 1 minute
	clk.advance(59 * time.Second) // less than one: no "0 minutes"
	s.Stop()
	want := "Waiting for the sign-in (Ctrl-C to cancel): 15 minutes left.\n" +
		"Waiting for the sign-in: 14 minutes left.\n" +
		"Waiting for the sign-in: 1 minute left.\n"
	if got := out.String(); got != want {
		t.Errorf("plain output:\n%q\nwant\n%q", got, want)
	}
}

func TestScreenNoDeadline(t *testing.T) {
	var out bytes.Buffer
	clk := newFakeClock()
	s := New(&out, clk.options(false, false))
	s.Wait("Waiting", time.Time{})
	clk.advance(time.Hour)
	s.Stop()
	if got := out.String(); got != "Waiting (Ctrl-C to cancel).\n" {
		t.Errorf("got %q", got)
	}
}

func TestScreenPrintlnClearsTheWaitLine(t *testing.T) {
	var out bytes.Buffer
	clk := newFakeClock()
	s := New(&out, clk.options(true, false))
	s.Wait("W", time.Time{})
	s.Println("warning: something")
	s.Stop()
	s.Stop() // twice is fine
	got := out.String()
	line := "⠋ W… (Ctrl-C to cancel)"
	blank := "\r" + strings.Repeat(" ", len([]rune(line))+echoRoom) + "\r"
	if got != "\r"+line+blank+"warning: something\n" {
		t.Errorf("got %q", got)
	}
}

func TestStrong(t *testing.T) {
	if got := New(nil, Options{Color: true}).Strong("CODE"); got != "\x1b[1mCODE\x1b[0m" {
		t.Errorf("colour: %q", got)
	}
	if got := New(nil, Options{TTY: true}).Strong("CODE"); got != "CODE" {
		t.Errorf("no colour: %q", got)
	}
}

func TestClock(t *testing.T) {
	for d, want := range map[time.Duration]string{
		15 * time.Minute: "15:00", 14*time.Minute + 59500*time.Millisecond: "15:00", 59 * time.Second: "0:59",
		0: "0:00", -time.Second: "0:00", 2*time.Hour + 3*time.Second: "2:00:03",
	} {
		if got := clock(d); got != want {
			t.Errorf("clock(%s) = %q, want %q", d, got, want)
		}
	}
}
