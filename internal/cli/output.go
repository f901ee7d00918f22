package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"strconv"
	"strings"
	"text/tabwriter"
	"time"
	"unicode"
	"unicode/utf8"
)

// jsonVersion is the version of every --json object (docs/json.md); it changes only when a
// field changes meaning or goes away.
const jsonVersion = 1

// writeJSON prints one indented JSON object, {"v": 1, ...}, whose fields are those of parts in
// order: each part must marshal to a JSON object (a struct or a map), except that an array is
// put under "items". Every --json output goes through here (errors through reportError).
func writeJSON(w io.Writer, parts ...any) error {
	obj, err := jsonObject(append([]any{struct {
		V int `json:"v"`
	}{jsonVersion}}, parts...)...)
	if err != nil {
		return err
	}
	var buf bytes.Buffer
	if err := json.Indent(&buf, obj, "", "  "); err != nil {
		return err
	}
	buf.WriteByte('\n')
	_, err = w.Write(buf.Bytes())
	return err
}

// jsonObject merges the JSON objects that parts marshal to into one, keeping the order of the
// fields; a name given twice is an error, so that no part silently replaces another's field.
func jsonObject(parts ...any) ([]byte, error) {
	var out bytes.Buffer
	seen := map[string]bool{}
	out.WriteByte('{')
	for _, p := range parts {
		raw, err := marshalNoEscape(p)
		if err != nil {
			return nil, err
		}
		if len(raw) > 0 && raw[0] == '[' {
			raw, _ = marshalNoEscape(map[string]json.RawMessage{"items": raw})
		}
		dec := json.NewDecoder(bytes.NewReader(raw))
		if t, err := dec.Token(); err != nil || t != json.Delim('{') {
			return nil, fmt.Errorf("internal error: %T is not a JSON object", p)
		}
		for dec.More() {
			t, err := dec.Token()
			if err != nil {
				return nil, err
			}
			key := t.(string)
			var v json.RawMessage
			if err := dec.Decode(&v); err != nil {
				return nil, err
			}
			if seen[key] {
				return nil, fmt.Errorf("internal error: JSON field %q given twice", key)
			}
			seen[key] = true
			if len(seen) > 1 {
				out.WriteByte(',')
			}
			k, _ := marshalNoEscape(key)
			out.Write(k)
			out.WriteByte(':')
			out.Write(v)
		}
	}
	out.WriteByte('}')
	return out.Bytes(), nil
}

// writeIndented prints v as indented JSON as it is, without the version: data meant to be used
// as is, such as a provider definition or export's --format json.
func writeIndented(w io.Writer, v any) error {
	enc := json.NewEncoder(w)
	enc.SetEscapeHTML(false)
	enc.SetIndent("", "  ")
	return enc.Encode(v)
}

// marshalNoEscape is json.Marshal without HTML escaping (a URL keeps its & and <).
func marshalNoEscape(v any) ([]byte, error) {
	var buf bytes.Buffer
	enc := json.NewEncoder(&buf)
	enc.SetEscapeHTML(false)
	if err := enc.Encode(v); err != nil {
		return nil, err
	}
	return bytes.TrimRight(buf.Bytes(), "\n"), nil
}

// table prints aligned columns; headers only on a terminal, tab-separated rows otherwise.
// Every cell is passed through [printable], so a value from outside can neither add a row
// or a column nor send control sequences to the terminal.
type table struct {
	w    io.Writer
	tty  bool
	rows [][]string
}

func newTable(w io.Writer, tty bool, headers ...string) *table {
	t := &table{w: w, tty: tty}
	if tty {
		t.rows = append(t.rows, headers)
	}
	return t
}

func (t *table) add(cols ...string) {
	row := make([]string, len(cols))
	for i, c := range cols {
		row[i] = printable(c)
	}
	t.rows = append(t.rows, row)
}

// printable returns s with Go-style escapes (\t, \n, \x1b, \u202e; \xff for a byte that is
// not UTF-8) in place of everything a terminal or a reader of tab-separated lines would not
// show as text: C0 and C1 control characters including tab and newline, DEL, invalid UTF-8,
// Unicode format characters (bidi overrides and isolates, zero-width characters) and the line
// and paragraph separators.
func printable(s string) string {
	clean := true
	for i := 0; i < len(s); i++ {
		if c := s[i]; c < 0x20 || c >= 0x7f {
			clean = false
			break
		}
	}
	if clean {
		return s
	}
	var b strings.Builder
	for i := 0; i < len(s); {
		r, size := utf8.DecodeRuneInString(s[i:])
		switch {
		case r == utf8.RuneError && size == 1:
			fmt.Fprintf(&b, `\x%02x`, s[i])
		case r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == '\u2028' || r == '\u2029' || unicode.Is(unicode.Cf, r):
			q := strconv.QuoteRuneToASCII(r)
			b.WriteString(q[1 : len(q)-1])
		default:
			b.WriteString(s[i : i+size])
		}
		i += size
	}
	return b.String()
}

func (t *table) flush() error {
	if !t.tty {
		for _, r := range t.rows {
			if _, err := fmt.Fprintln(t.w, strings.Join(r, "\t")); err != nil {
				return err
			}
		}
		return nil
	}
	tw := tabwriter.NewWriter(t.w, 0, 2, 2, ' ', 0)
	for _, r := range t.rows {
		fmt.Fprintln(tw, strings.Join(r, "\t"))
	}
	return tw.Flush()
}

// when renders a time relative to now on a terminal ("in 52m", "3h ago"), RFC 3339 otherwise.
func when(t, now time.Time, tty bool) string {
	if t.IsZero() {
		return "-"
	}
	if !tty {
		return t.UTC().Format(time.RFC3339)
	}
	d := t.Sub(now)
	past := d < 0
	if past {
		d = -d
	}
	var s string
	switch {
	case d < time.Minute:
		s = fmt.Sprintf("%ds", int(d.Seconds()))
	case d < time.Hour:
		s = fmt.Sprintf("%dm", int(d.Minutes()))
	case d < 48*time.Hour:
		s = fmt.Sprintf("%dh%02dm", int(d.Hours()), int(d.Minutes())%60)
	default:
		s = fmt.Sprintf("%dd", int(d.Hours()/24))
	}
	if past {
		return s + " ago"
	}
	return "in " + s
}

// timePtr returns nil for the zero time so JSON omits it.
func timePtr(t time.Time) *time.Time {
	if t.IsZero() {
		return nil
	}
	u := t.UTC()
	return &u
}
