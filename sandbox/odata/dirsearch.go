package odata

import (
	"slices"
	"strings"
	"unicode"
)

// DirSearch is a parsed $search over directory objects (users, groups):
// "property:text" clauses, each in double quotes, joined with AND and OR
// (AND binds tighter) and grouped with parentheses, as
//
//	"displayName:wa" OR ("mail:al" AND "surname:van")
type DirSearch struct{ root *dirNode }

// dirNode is a clause (op "") or an AND / OR of two nodes.
type dirNode struct {
	op          string // "", "AND" or "OR"
	left, right *dirNode
	prop, text  string
	words       []string // a tokenized property's: the words of text
}

// tokenized are the properties the directory searches by words (tokens);
// every other property is searched as $filter's startsWith.
var tokenized = []string{"displayName", "description"}

// ParseDirSearch parses a directory $search whose clauses may name the
// properties props (without case; a clause keeps the spelling in props).
// Inside a clause's quotes \" is a double quote and \\ a backslash, read as
// [ParseSearch] reads them. A clause without a property, or with one not in
// props, is Request_UnsupportedQuery; any other mistake Request_BadRequest.
func ParseDirSearch(v string, props []string) (*DirSearch, error) {
	p := &dirParser{s: v, props: props}
	n, err := p.or()
	if err != nil {
		return nil, err
	}
	if p.skipSpace(); p.i < len(p.s) {
		return nil, p.expected("'AND' or 'OR'")
	}
	return &DirSearch{root: n}, nil
}

type dirParser struct {
	s     string
	i     int
	props []string
	depth int
}

// maxDirDepth bounds the nesting of parentheses.
const maxDirDepth = 32

func (p *dirParser) syntax(format string, args ...any) *Error {
	e := badRequest("Syntax error in $search '%s': "+format+". Write \"property:text\" clauses in double quotes joined by AND or OR.",
		append([]any{p.s}, args...)...)
	e.Code = "Request_BadRequest"
	return e
}

func (p *dirParser) skipSpace() {
	for p.i < len(p.s) && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// keyword reads the operator op at the current position, if it is there.
func (p *dirParser) keyword(op string) bool {
	p.skipSpace()
	rest := p.s[p.i:]
	if !strings.HasPrefix(rest, op) || len(rest) > len(op) && strings.IndexByte(" \t\r\n\"(", rest[len(op)]) < 0 {
		return false
	}
	p.i += len(op)
	return true
}

func (p *dirParser) or() (*dirNode, error) {
	return p.binary("OR", p.and)
}

func (p *dirParser) and() (*dirNode, error) {
	return p.binary("AND", p.primary)
}

func (p *dirParser) binary(op string, operand func() (*dirNode, error)) (*dirNode, error) {
	left, err := operand()
	if err != nil {
		return nil, err
	}
	for p.keyword(op) {
		right, err := operand()
		if err != nil {
			return nil, err
		}
		left = &dirNode{op: op, left: left, right: right}
	}
	return left, nil
}

func (p *dirParser) primary() (*dirNode, error) {
	p.skipSpace()
	if p.i == len(p.s) {
		if strings.TrimSpace(p.s) == "" {
			return nil, p.syntax("it is empty")
		}
		return nil, p.syntax("a clause is missing at the end")
	}
	switch p.s[p.i] {
	case '(':
		if p.depth++; p.depth > maxDirDepth {
			return nil, p.syntax("parentheses nest deeper than %d", maxDirDepth)
		}
		p.i++
		n, err := p.or()
		if err != nil {
			return nil, err
		}
		if p.skipSpace(); p.i == len(p.s) || p.s[p.i] != ')' {
			return nil, p.expected("')'")
		}
		p.i++
		p.depth--
		return n, nil
	case '"':
		return p.clause()
	default:
		word := p.word()
		if word == "AND" || word == "OR" {
			return nil, p.syntax("a clause is missing before '%s' at position %d", word, p.i)
		}
		if strings.EqualFold(word, "AND") || strings.EqualFold(word, "OR") {
			return nil, p.syntax("the operator '%s' must be upper case", word)
		}
		return nil, p.syntax("'%s' at position %d is not in double quotes", word, p.i)
	}
}

// word is the text at the current position up to white space, a quote or
// a parenthesis (or that one character).
func (p *dirParser) word() string {
	word := p.s[p.i:]
	if end := strings.IndexAny(word, " \t\r\n\"()"); end > 0 {
		word = word[:end]
	} else if end == 0 {
		word = word[:1]
	}
	return word
}

// expected is the error for what is at the current position where what
// was expected.
func (p *dirParser) expected(what string) *Error {
	if w := p.word(); strings.EqualFold(w, "AND") || strings.EqualFold(w, "OR") {
		return p.syntax("the operator '%s' must be upper case", w)
	}
	return p.syntax("%s expected at position %d", what, p.i)
}

// clause reads "property:text" from its opening quote.
func (p *dirParser) clause() (*dirNode, error) {
	start := p.i
	end := -1
	for i := start + 1; i < len(p.s); i++ {
		if escapeAt(p.s, i) {
			i++
			continue
		}
		if p.s[i] == '"' {
			end = i
			break
		}
	}
	if end < 0 {
		return nil, p.syntax("the clause at position %d has no closing double quote", start)
	}
	p.i = end + 1
	text, _ := unescapeSearch(p.s[start+1 : end]) // ok: the scan leaves no backslash at the end
	prop, val, ok := strings.Cut(text, ":")
	if !ok || prop == "" {
		return nil, &Error{Code: "Request_UnsupportedQuery",
			Message: "Unsupported query: the $search clause \"" + text + "\" names no property; write \"property:text\" with a searchable property such as displayName."}
	}
	name := ""
	for _, q := range p.props {
		if strings.EqualFold(q, prop) {
			name = q
			break
		}
	}
	if name == "" {
		return nil, &Error{Code: "Request_UnsupportedQuery",
			Message: "Unsupported query: property '" + prop + "' cannot be searched here; $search takes " + strings.Join(p.props, ", ") + "."}
	}
	if strings.TrimSpace(val) == "" {
		return nil, p.syntax("the clause \"%s\" has no text to search for", text)
	}
	n := &dirNode{prop: name, text: val}
	if slices.Contains(tokenized, name) {
		n.words = searchWords(val, false)
	}
	return n, nil
}

// String is the search in Graph's syntax, parentheses only where AND and
// OR need them; it parses back to the same search.
func (s *DirSearch) String() string {
	var b strings.Builder
	s.root.write(&b, "")
	return b.String()
}

func (n *dirNode) write(b *strings.Builder, parent string) {
	if n.op == "" {
		b.WriteString(`"` + searchEscape.Replace(n.prop+":"+n.text) + `"`)
		return
	}
	paren := parent == "AND" && n.op == "OR"
	if paren {
		b.WriteByte('(')
	}
	n.left.write(b, n.op)
	b.WriteString(" " + n.op + " ")
	// The parser groups from the left: a right operand with the same
	// operator keeps its parentheses.
	if n.right.op == n.op {
		b.WriteByte('(')
		n.right.write(b, "")
		b.WriteByte(')')
	} else {
		n.right.write(b, n.op)
	}
	if paren {
		b.WriteByte(')')
	}
}

var searchEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`)

// Match reports whether the object whose property values are values(prop)
// matches. displayName and description match by words, as the directory's
// tokenized search: every word of the text starts a word of the value, in
// any order. Other properties match as startsWith: some value starts with
// the text. Both ignore case.
func (s *DirSearch) Match(values func(prop string) []string) bool {
	return s.root.match(values)
}

func (n *dirNode) match(values func(string) []string) bool {
	switch n.op {
	case "AND":
		return n.left.match(values) && n.right.match(values)
	case "OR":
		return n.left.match(values) || n.right.match(values)
	}
	if slices.Contains(tokenized, n.prop) {
		for _, v := range values(n.prop) {
			if wordsMatch(n.words, searchWords(v, true)) {
				return true
			}
		}
		return false
	}
	want := strings.ToLower(n.text)
	for _, v := range values(n.prop) {
		if strings.HasPrefix(strings.ToLower(v), want) {
			return true
		}
	}
	return false
}

// wordsMatch reports whether every word of want starts some word of have.
func wordsMatch(want, have []string) bool {
	for _, w := range want {
		if !slices.ContainsFunc(have, func(h string) bool { return strings.HasPrefix(h, w) }) {
			return false
		}
	}
	return true
}

// searchWords splits s into the directory's tokens: runs of letters (a new
// one where lower case turns upper), runs of digits, and each other symbol
// on its own; white space separates. With joined, a word that symbols split
// also counts as the letters and digits joined ("hello.world" is hello, .,
// world and helloworld), so a search for helloworld finds it.
func searchWords(s string, joined bool) []string {
	var out []string
	var cur, word []rune
	kind, parts, symbols := 0, 0, false // kind: 0 none, 1 letters, 2 digits
	var prev rune
	flush := func() {
		if len(cur) > 0 {
			out = append(out, strings.ToLower(string(cur)))
			parts++
		}
		cur, kind = cur[:0], 0
	}
	endWord := func() {
		flush()
		if joined && symbols && parts > 1 {
			out = append(out, strings.ToLower(string(word)))
		}
		word, parts, symbols = word[:0], 0, false
	}
	for _, r := range s {
		switch {
		case unicode.IsSpace(r):
			endWord()
		case unicode.IsLetter(r):
			if kind != 1 || unicode.IsLower(prev) && unicode.IsUpper(r) {
				flush()
			}
			cur, kind, word = append(cur, r), 1, append(word, r)
		case unicode.IsDigit(r):
			if kind != 2 {
				flush()
			}
			cur, kind, word = append(cur, r), 2, append(word, r)
		default:
			flush()
			out = append(out, string(r))
			symbols = parts > 0
		}
		prev = r
	}
	endWord()
	return out
}
