package termui

import (
	"fmt"
	"io"
	"strings"
	"sync"
	"time"
	"unicode/utf8"
)

// Options describe the stream a [Screen] writes to.
type Options struct {
	// TTY: the stream is a terminal, so the wait line is one line redrawn with a spinner.
	// Otherwise the wait is told in plain lines, one when it starts and one a minute.
	TTY bool
	// Color allows escape codes (bold text): a terminal without --no-color or NO_COLOR.
	Color bool
	// Now is the clock when the wait starts (later times come with the ticks); nil means
	// time.Now.
	Now func() time.Time
	// Ticker drives the wait line: it returns a channel of ticks every d and a function that
	// stops it. nil means a time.Ticker. Tests send ticks themselves.
	Ticker func(d time.Duration) (<-chan time.Time, func())
}

// Intervals between redraws of the wait line.
const (
	ttyFrame   = 120 * time.Millisecond
	plainCheck = time.Second
)

// spinner is the wait line's animation on a terminal.
var spinner = []string{"⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"}

// Screen writes instructions and one wait line to a stream (stderr). Its methods are safe for
// concurrent use.
type Screen struct {
	w io.Writer
	o Options

	mu       sync.Mutex
	shown    int // runes of the wait line on the terminal now (TTY)
	label    string
	deadline time.Time
	frame    int
	minutes  int // plain: the last whole minutes left that were printed
	stop     chan struct{}
	done     chan struct{}
}

// New returns a Screen writing to w.
func New(w io.Writer, o Options) *Screen {
	if o.Now == nil {
		o.Now = time.Now
	}
	if o.Ticker == nil {
		o.Ticker = func(d time.Duration) (<-chan time.Time, func()) {
			t := time.NewTicker(d)
			return t.C, t.Stop
		}
	}
	return &Screen{w: w, o: o}
}

// Strong returns s in bold where escape codes are allowed, else s.
func (s *Screen) Strong(text string) string {
	if !s.o.Color {
		return text
	}
	return "\x1b[1m" + text + "\x1b[0m"
}

// Println writes a line (above the wait line, which is drawn again on the next tick).
func (s *Screen) Println(line string) {
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
	fmt.Fprintln(s.w, line)
}

// Write writes raw bytes (an escape sequence the caller has chosen to send) as they are.
func (s *Screen) Write(p []byte) (int, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return s.w.Write(p)
}

// Wait shows that the command waits: on a terminal one line redrawn with a spinner, label, the
// time left until deadline (none when zero) and how to cancel; otherwise a plain line now and
// one each minute. It runs until [Screen.Stop].
func (s *Screen) Wait(label string, deadline time.Time) {
	s.Stop()
	s.mu.Lock()
	s.label, s.deadline, s.frame = label, deadline, 0
	s.stop, s.done = make(chan struct{}), make(chan struct{})
	every := plainCheck
	if s.o.TTY {
		every = ttyFrame
	}
	ticks, stopTicks := s.o.Ticker(every)
	s.startLocked(s.o.Now())
	stop, done := s.stop, s.done
	s.mu.Unlock()
	go func() {
		defer close(done)
		defer stopTicks()
		for {
			select {
			case <-stop:
				return
			case now := <-ticks:
				s.tick(now)
			}
		}
	}()
}

// Stop ends the wait line; on a terminal the line is cleared, so what follows starts on a clean
// line. It is safe to call without a Wait and more than once.
func (s *Screen) Stop() {
	s.mu.Lock()
	stop, done := s.stop, s.done
	s.stop, s.done = nil, nil
	s.mu.Unlock()
	if stop == nil {
		return
	}
	close(stop)
	<-done
	s.mu.Lock()
	defer s.mu.Unlock()
	s.clearLocked()
}

func (s *Screen) startLocked(now time.Time) {
	if s.o.TTY {
		s.drawLocked(now)
		return
	}
	line := s.label + " (Ctrl-C to cancel)"
	if !s.deadline.IsZero() {
		left := s.deadline.Sub(now)
		s.minutes = minutesLeft(left)
		line += ": " + plainLeft(s.minutes) + " left"
	}
	fmt.Fprintln(s.w, line+".")
}

// tick redraws the wait line for the time now (the tick's).
func (s *Screen) tick(now time.Time) {
	s.mu.Lock()
	defer s.mu.Unlock()
	if s.o.TTY {
		s.frame++
		s.drawLocked(now)
		return
	}
	if s.deadline.IsZero() {
		return
	}
	if m := minutesLeft(s.deadline.Sub(now)); m < s.minutes && m > 0 {
		s.minutes = m
		fmt.Fprintf(s.w, "%s: %s left.\n", s.label, plainLeft(m))
	}
}

// drawLocked redraws the wait line in place: carriage return, the line, and spaces over what
// is left of a longer previous line (no escape codes).
func (s *Screen) drawLocked(now time.Time) {
	line := spinner[s.frame%len(spinner)] + " " + s.label + "…"
	if !s.deadline.IsZero() {
		line += " " + clock(s.deadline.Sub(now)) + " left"
	}
	line += " (Ctrl-C to cancel)"
	n := utf8.RuneCountInString(line)
	pad := ""
	if n < s.shown {
		pad = strings.Repeat(" ", s.shown-n)
	}
	fmt.Fprint(s.w, "\r"+line+pad)
	s.shown = n
}

// echoRoom is what the terminal may have echoed after the wait line (^C), blanked with it.
const echoRoom = 2

// clearLocked blanks the wait line on a terminal and returns to its start.
func (s *Screen) clearLocked() {
	if !s.o.TTY || s.shown == 0 {
		return
	}
	fmt.Fprint(s.w, "\r"+strings.Repeat(" ", s.shown+echoRoom)+"\r")
	s.shown = 0
}

// clock formats a time left as m:ss (h:mm:ss from an hour), 0:00 once it has passed.
func clock(d time.Duration) string {
	if d < 0 {
		d = 0
	}
	sec := int((d + time.Second - 1) / time.Second) // 14:59.2 left shows 15:00 → 14:59 as it passes
	if sec >= 3600 {
		return fmt.Sprintf("%d:%02d:%02d", sec/3600, sec/60%60, sec%60)
	}
	return fmt.Sprintf("%d:%02d", sec/60, sec%60)
}

// minutesLeft is d in minutes, rounded up: 14 minutes and a second is 15; 0 once d has passed.
func minutesLeft(d time.Duration) int {
	if d <= 0 {
		return 0
	}
	return int((d + time.Minute - 1) / time.Minute)
}

// plainLeft formats a number of minutes left for a plain line.
func plainLeft(m int) string {
	if m == 1 {
		return "1 minute"
	}
	return fmt.Sprintf("%d minutes", m)
}
