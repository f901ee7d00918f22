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
// field:term restrictions.
func ParseSearch(v string) (*Search, error) {
	s := strings.TrimSpace(v)
	if len(s) >= 2 && s[0] == '"' && s[len(s)-1] == '"' {
		s = s[1 : len(s)-1]
	} else if strings.ContainsAny(s, "\" ") {
		return nil, badRequest("Syntax error: character '\"' is not valid at position 0 in '%s'. The $search value must be enclosed in double quotes.", v)
	}
	s = strings.ReplaceAll(s, `\"`, `"`)
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
