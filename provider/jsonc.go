package provider

import "fmt"

// stripJSONC turns JSON with comments (the original authsome's .jsonc provider files) into
// JSON: // line comments and /* block */ comments become spaces, and so does a comma that
// only trailing whitespace or comments separate from a closing } or ]. Newlines are kept and
// every other byte stays where it was, so a JSON error's line and column still point into
// the file as written. Strings are copied untouched, escapes included. Plain JSON comes back
// unchanged.
func stripJSONC(data []byte) ([]byte, error) {
	out := make([]byte, len(data))
	copy(out, data)
	blank := func(from, to int) {
		for i := from; i < to; i++ {
			if out[i] != '\n' && out[i] != '\r' {
				out[i] = ' '
			}
		}
	}
	comma := -1         // offset of a comma after a value, not yet followed by another value
	afterValue := false // the last token ended a value (so a comma after it may be trailing)
	for i := 0; i < len(data); i++ {
		switch c := data[i]; {
		case c == '"':
			comma, afterValue = -1, true
			i++
			for i < len(data) && data[i] != '"' {
				if data[i] == '\\' {
					i++
				}
				i++
			}
		case c == '/' && i+1 < len(data) && data[i+1] == '/':
			end := i
			for end < len(data) && data[end] != '\n' {
				end++
			}
			blank(i, end)
			i = end - 1
		case c == '/' && i+1 < len(data) && data[i+1] == '*':
			end := i + 2
			for end+1 < len(data) && (data[end] != '*' || data[end+1] != '/') {
				end++
			}
			if end+1 >= len(data) {
				line, col := position(data, int64(i))
				return nil, &ValidationError{Field: "(json)", Reason: fmt.Sprintf("line %d column %d: a /* comment is not closed", line, col)}
			}
			blank(i, end+2)
			i = end + 1
		case c == ',':
			comma = -1
			if afterValue {
				comma = i
			}
			afterValue = false
		case c == '}' || c == ']':
			if comma >= 0 {
				out[comma] = ' '
			}
			comma, afterValue = -1, true
		case c == '{' || c == '[' || c == ':':
			comma, afterValue = -1, false
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
		default: // numbers, true, false, null
			comma, afterValue = -1, true
		}
	}
	return out, nil
}
