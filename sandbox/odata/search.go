package odata

import "strings"

// Search is a parsed $search: terms that must all occur (case-insensitively),
// each optionally restricted to a field with KQL's "field:term" form.
type Search struct {
	Terms []SearchTerm
}

// SearchTerm is one term of a $search.
type SearchTerm struct {
	Field string // "" = any field
	Text  string
}

// SearchFields are the texts a $search looks at, by field name ("subject",
// "body", "from", "to", ...).
type SearchFields map[string]string

// ParseSearch parses $search: a double-quoted string (Graph requires the
// quotes; a bare word is accepted too) holding words, "quoted phrases" and
// field:term restrictions. Inside the quotes \" is a double quote (the
// phrase quotes of KQL, as [SearchText] in msgraph writes them) and \\ a
// backslash.
func ParseSearch(v string) (*Search, error) {
	s := strings.TrimSpace(v)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		var ok bool
		if s, ok = unescapeSearch(s[1 : len(s)-1]); !ok {
			return nil, badRequest("Syntax error: the $search value '%s' has no closing double quote (its last quote is escaped).", v)
		}
	} else if strings.ContainsAny(s, "\" ") {
		return nil, badRequest("Syntax error: character '\"' is not valid at position 0 in '%s'. The $search value must be enclosed in double quotes.", v)
	}
	var out Search
	for s = strings.TrimSpace(s); s != ""; s = strings.TrimSpace(s) {
		var word string
		if s[0] == '"' {
			end := strings.IndexByte(s[1:], '"')
			if end < 0 {
				return nil, badRequest("Syntax error: unterminated phrase in $search '%s'.", v)
			}
			word, s = s[1:1+end], s[2+end:]
		} else {
			end := strings.IndexAny(s, " \t")
			if end < 0 {
				end = len(s)
			}
			word, s = s[:end], s[end:]
		}
		t := SearchTerm{Text: word}
		if f, rest, ok := strings.Cut(word, ":"); ok && f != "" && !strings.ContainsAny(f, " ") {
			t = SearchTerm{Field: strings.ToLower(f), Text: strings.Trim(rest, `"`)}
		}
		if strings.EqualFold(t.Text, "AND") && t.Field == "" {
			continue
		}
		if t.Text != "" {
			out.Terms = append(out.Terms, t)
		}
	}
	if len(out.Terms) == 0 {
		return nil, badRequest("The $search query option must not be empty.")
	}
	return &out, nil
}

// unescapeSearch reads the text between the quotes of a $search in one pass
// from the left: \\ is a backslash and \" a double quote, so in \\" the
// quote is not escaped; any other backslash stands for itself. It is not ok
// when the text ends in a backslash that escapes the closing quote.
func unescapeSearch(s string) (string, bool) {
	if !strings.Contains(s, `\`) {
		return s, true
	}
	var b strings.Builder
	for i := 0; i < len(s); i++ {
		c := s[i]
		if escapeAt(s, i) {
			i++
			c = s[i]
		} else if c == '\\' && i+1 == len(s) {
			return "", false
		}
		b.WriteByte(c)
	}
	return b.String(), true
}

// escapeAt reports whether s[i] is a backslash that escapes the character
// after it (a backslash or a double quote).
func escapeAt(s string, i int) bool {
	return s[i] == '\\' && i+1 < len(s) && (s[i+1] == '\\' || s[i+1] == '"')
}

// Match reports whether every term occurs in fields.
func (s *Search) Match(fields SearchFields) bool {
	for _, t := range s.Terms {
		needle := strings.ToLower(t.Text)
		found := false
		if t.Field != "" {
			found = strings.Contains(strings.ToLower(fields[t.Field]), needle)
		} else {
			for _, v := range fields {
				if strings.Contains(strings.ToLower(v), needle) {
					found = true
					break
				}
			}
		}
		if !found {
			return false
		}
	}
	return true
}
