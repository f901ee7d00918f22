package odata

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"
)

// Expr is a parsed $filter expression. Its String form parses back to an
// equal expression.
type Expr interface {
	String() string
	eval(env *evalEnv) any
}

type evalEnv struct {
	root map[string]any
	vars map[string]any
}

// ParseFilter parses a $filter expression for type t. Property paths are
// checked against t's properties (their first segment only); lambda
// variables are in scope inside their lambda.
func ParseFilter(s string, t *Type) (Expr, error) {
	toks, err := lex(s)
	if err != nil {
		return nil, err
	}
	p := &parser{toks: toks, t: t}
	e, err := p.parseOr()
	if err != nil {
		return nil, err
	}
	if p.pos < len(p.toks) {
		return nil, syntaxErr("syntax error at position %d in '%s'.", p.toks[p.pos].pos, s)
	}
	if !isBoolish(e) {
		return nil, badRequest("The $filter expression must evaluate to a single boolean value.")
	}
	return e, nil
}

// Match reports whether obj satisfies e. Comparisons of mismatched types are
// false, as are comparisons with properties obj lacks (except eq null).
func Match(e Expr, obj map[string]any) bool {
	v, _ := e.eval(&evalEnv{root: obj}).(bool)
	return v
}

// ---- lexer

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tNumber
	tDate
	tLParen
	tRParen
	tComma
	tSlash
	tColon
)

type token struct {
	kind tokKind
	text string // identifier text or string literal value
	num  float64
	date time.Time
	pos  int
}

func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case c == '(':
			toks = append(toks, token{kind: tLParen, pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tRParen, pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tComma, pos: i})
			i++
		case c == '/':
			toks = append(toks, token{kind: tSlash, pos: i})
			i++
		case c == ':':
			toks = append(toks, token{kind: tColon, pos: i})
			i++
		case c == '\'':
			start := i
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, syntaxErr("Unterminated string literal at position %d in '%s'.", start, s)
			}
			toks = append(toks, token{kind: tString, text: b.String(), pos: start})
		case c >= '0' && c <= '9' || (c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			start := i
			i++
			for i < len(s) && strings.IndexByte("0123456789.eE+-:TZ", s[i]) >= 0 {
				i++
			}
			lit := s[start:i]
			if len(lit) >= 10 && lit[4] == '-' && lit[0] != '-' {
				t, err := parseDate(lit)
				if err != nil {
					return nil, syntaxErr("'%s' is not a valid DateTimeOffset literal.", lit)
				}
				toks = append(toks, token{kind: tDate, date: t, text: lit, pos: start})
				continue
			}
			f, err := strconv.ParseFloat(lit, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, syntaxErr("'%s' is not a valid number literal.", lit)
			}
			toks = append(toks, token{kind: tNumber, num: f, text: lit, pos: start})
		case c == '_' || c == '@' || c < 0x80 && unicode.IsLetter(rune(c)):
			start := i
			for i < len(s) && (s[i] == '_' || s[i] == '.' || s[i] == '@' || s[i] < 0x80 && (unicode.IsLetter(rune(s[i])) || unicode.IsDigit(rune(s[i])))) {
				i++
			}
			toks = append(toks, token{kind: tIdent, text: s[start:i], pos: start})
		default:
			return nil, syntaxErr("Syntax error: character '%c' is not valid at position %d in '%s'.", rune(c), i, s)
		}
	}
	return toks, nil
}

func parseDate(lit string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, lit); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", lit)
}

// ---- AST

type literal struct {
	v   any // string, float64, bool, nil, time.Time
	src string
}

func (l *literal) String() string {
	switch v := l.v.(type) {
	case string:
		return "'" + strings.ReplaceAll(v, "'", "''") + "'"
	case nil:
		return "null"
	case bool:
		return strconv.FormatBool(v)
	case float64:
		return strconv.FormatFloat(v, 'g', -1, 64)
	case time.Time:
		return v.Format(time.RFC3339Nano)
	}
	return l.src
}

func (l *literal) eval(*evalEnv) any { return l.v }

// path is a property path; a head that is a lambda variable starts from its value.
type path struct {
	segs  []string
	isVar bool
}

func (p *path) String() string { return strings.Join(p.segs, "/") }

func (p *path) eval(env *evalEnv) any {
	var cur any
	rest := p.segs
	if p.isVar {
		cur = env.vars[p.segs[0]]
		rest = p.segs[1:]
	} else {
		cur = env.root
	}
	for _, s := range rest {
		m, ok := cur.(map[string]any)
		if !ok {
			return nil
		}
		cur = m[s]
	}
	return cur
}

type binary struct {
	op   string
	l, r Expr
}

func (b *binary) String() string { return "(" + b.l.String() + " " + b.op + " " + b.r.String() + ")" }

func (b *binary) eval(env *evalEnv) any {
	switch b.op {
	case "and":
		lv, _ := b.l.eval(env).(bool)
		if !lv {
			return false
		}
		rv, _ := b.r.eval(env).(bool)
		return rv
	case "or":
		lv, _ := b.l.eval(env).(bool)
		if lv {
			return true
		}
		rv, _ := b.r.eval(env).(bool)
		return rv
	}
	return compareOp(b.op, b.l.eval(env), b.r.eval(env))
}

type not struct{ x Expr }

func (n *not) String() string { return "not (" + n.x.String() + ")" }

func (n *not) eval(env *evalEnv) any {
	v, ok := n.x.eval(env).(bool)
	return ok && !v
}

type call struct {
	name string
	args []Expr
}

func (c *call) String() string {
	parts := make([]string, len(c.args))
	for i, a := range c.args {
		parts[i] = a.String()
	}
	return c.name + "(" + strings.Join(parts, ",") + ")"
}

func (c *call) eval(env *evalEnv) any {
	vals := make([]any, len(c.args))
	for i, a := range c.args {
		vals[i] = a.eval(env)
	}
	switch c.name {
	case "tolower", "toupper", "trim":
		s, ok := vals[0].(string)
		if !ok {
			return nil
		}
		switch c.name {
		case "tolower":
			return strings.ToLower(s)
		case "toupper":
			return strings.ToUpper(s)
		}
		return strings.TrimSpace(s)
	case "length":
		s, ok := vals[0].(string)
		if !ok {
			return nil
		}
		return float64(len([]rune(s)))
	}
	a, ok1 := vals[0].(string)
	b, ok2 := vals[1].(string)
	if !ok1 || !ok2 {
		return false
	}
	a, b = strings.ToLower(a), strings.ToLower(b)
	switch c.name {
	case "contains":
		return strings.Contains(a, b)
	case "startswith":
		return strings.HasPrefix(a, b)
	case "endswith":
		return strings.HasSuffix(a, b)
	}
	return false
}

// funcArity lists the supported functions and whether they return a boolean.
var funcArity = map[string]struct {
	n      int
	isBool bool
}{
	"contains": {2, true}, "startswith": {2, true}, "endswith": {2, true},
	"tolower": {1, false}, "toupper": {1, false}, "trim": {1, false}, "length": {1, false},
}

type lambda struct {
	coll *path
	kind string // any | all
	v    string
	body Expr // nil for any()
}

func (l *lambda) String() string {
	if l.body == nil {
		return l.coll.String() + "/" + l.kind + "()"
	}
	return l.coll.String() + "/" + l.kind + "(" + l.v + ":" + l.body.String() + ")"
}

func (l *lambda) eval(env *evalEnv) any {
	items, _ := l.coll.eval(env).([]any)
	if l.body == nil {
		return len(items) > 0
	}
	saved, had := env.vars[l.v]
	if env.vars == nil {
		env.vars = map[string]any{}
	}
	defer func() {
		if had {
			env.vars[l.v] = saved
		} else {
			delete(env.vars, l.v)
		}
	}()
	for _, it := range items {
		env.vars[l.v] = it
		ok, _ := l.body.eval(env).(bool)
		if l.kind == "any" && ok {
			return true
		}
		if l.kind == "all" && !ok {
			return false
		}
	}
	return l.kind == "all"
}

// compareOp applies a comparison operator. Strings compare case-insensitively,
// as Exchange does; a DateTimeOffset literal compares with a string property
// holding a timestamp.
func compareOp(op string, a, b any) bool {
	if a == nil || b == nil {
		switch op {
		case "eq":
			return a == nil && b == nil
		case "ne":
			return !(a == nil && b == nil)
		}
		return false
	}
	if t, ok := b.(time.Time); ok {
		if s, ok := a.(string); ok {
			at, err := parseDate(s)
			if err != nil {
				return false
			}
			a = at
		}
		_ = t
	}
	if t, ok := a.(time.Time); ok {
		if s, ok := b.(string); ok {
			bt, err := parseDate(s)
			if err != nil {
				return false
			}
			b = bt
		}
		_ = t
	}
	var c int
	switch x := a.(type) {
	case string:
		y, ok := b.(string)
		if !ok {
			return op == "ne"
		}
		c = strings.Compare(strings.ToLower(x), strings.ToLower(y))
	case float64:
		y, ok := b.(float64)
		if !ok {
			return op == "ne"
		}
		c = cmpFloat(x, y)
	case bool:
		y, ok := b.(bool)
		if !ok {
			return op == "ne"
		}
		switch op {
		case "eq":
			return x == y
		case "ne":
			return x != y
		}
		return false
	case time.Time:
		y, ok := b.(time.Time)
		if !ok {
			return op == "ne"
		}
		c = x.Compare(y)
	default:
		return op == "ne"
	}
	switch op {
	case "eq":
		return c == 0
	case "ne":
		return c != 0
	case "gt":
		return c > 0
	case "ge":
		return c >= 0
	case "lt":
		return c < 0
	case "le":
		return c <= 0
	}
	return false
}

func cmpFloat(x, y float64) int {
	switch {
	case x < y:
		return -1
	case x > y:
		return 1
	}
	return 0
}

// ---- parser

type parser struct {
	toks  []token
	pos   int
	t     *Type
	vars  []string
	depth int
}

// maxDepth bounds the nesting of parentheses, not and function arguments.
const maxDepth = 100

func (p *parser) peek() *token {
	if p.pos < len(p.toks) {
		return &p.toks[p.pos]
	}
	return nil
}

func (p *parser) peekWord(words ...string) string {
	t := p.peek()
	if t == nil || t.kind != tIdent {
		return ""
	}
	for _, w := range words {
		if strings.EqualFold(t.text, w) {
			return w
		}
	}
	return ""
}

func (p *parser) expect(k tokKind, what string) error {
	t := p.peek()
	if t == nil {
		return syntaxErr("Syntax error: expected %s at the end of the $filter expression.", what)
	}
	if t.kind != k {
		return syntaxErr("Syntax error: expected %s at position %d.", what, t.pos)
	}
	p.pos++
	return nil
}

func isBoolish(e Expr) bool {
	switch x := e.(type) {
	case *binary, *not, *lambda:
		return true
	case *call:
		return funcArity[x.name].isBool
	case *path:
		return true
	case *literal:
		_, ok := x.v.(bool)
		return ok
	}
	return false
}

func (p *parser) parseOr() (Expr, error) {
	p.depth++
	defer func() { p.depth-- }()
	if p.depth > maxDepth {
		return nil, badRequest("The $filter expression is nested too deeply.")
	}
	l, err := p.parseAnd()
	if err != nil {
		return nil, err
	}
	for p.peekWord("or") != "" {
		p.pos++
		r, err := p.parseAnd()
		if err != nil {
			return nil, err
		}
		if !isBoolish(l) || !isBoolish(r) {
			return nil, badRequest("The operands of 'or' must be boolean expressions.")
		}
		l = &binary{op: "or", l: l, r: r}
	}
	return l, nil
}

func (p *parser) parseAnd() (Expr, error) {
	l, err := p.parseNot()
	if err != nil {
		return nil, err
	}
	for p.peekWord("and") != "" {
		p.pos++
		r, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		if !isBoolish(l) || !isBoolish(r) {
			return nil, badRequest("The operands of 'and' must be boolean expressions.")
		}
		l = &binary{op: "and", l: l, r: r}
	}
	return l, nil
}

func (p *parser) parseNot() (Expr, error) {
	if p.peekWord("not") != "" {
		p.depth++
		defer func() { p.depth-- }()
		if p.depth > maxDepth {
			return nil, badRequest("The $filter expression is nested too deeply.")
		}
		// "not" followed by an operator is a property named not; OData has none.
		p.pos++
		x, err := p.parseNot()
		if err != nil {
			return nil, err
		}
		if !isBoolish(x) {
			return nil, badRequest("The operand of 'not' must be a boolean expression.")
		}
		return &not{x: x}, nil
	}
	return p.parseCompare()
}

func (p *parser) parseCompare() (Expr, error) {
	l, err := p.parsePrimary()
	if err != nil {
		return nil, err
	}
	if op := p.peekWord("eq", "ne", "gt", "ge", "lt", "le"); op != "" {
		p.pos++
		r, err := p.parsePrimary()
		if err != nil {
			return nil, err
		}
		return &binary{op: op, l: l, r: r}, nil
	}
	if w := p.peekWord("has", "in", "add", "sub", "mul", "div", "mod"); w != "" {
		return nil, badRequest("The operator '%s' is not supported by the sandbox.", w)
	}
	return l, nil
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.peek()
	if t == nil {
		return nil, syntaxErr("Syntax error: the $filter expression ends unexpectedly.")
	}
	switch t.kind {
	case tLParen:
		p.pos++
		e, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		if err := p.expect(tRParen, "')'"); err != nil {
			return nil, err
		}
		return e, nil
	case tString:
		p.pos++
		return &literal{v: t.text}, nil
	case tNumber:
		p.pos++
		return &literal{v: t.num, src: t.text}, nil
	case tDate:
		p.pos++
		return &literal{v: t.date, src: t.text}, nil
	case tIdent:
		switch strings.ToLower(t.text) {
		case "true", "false":
			p.pos++
			return &literal{v: strings.EqualFold(t.text, "true")}, nil
		case "null":
			p.pos++
			return &literal{v: nil}, nil
		case "eq", "ne", "gt", "ge", "lt", "le", "and", "or":
			return nil, syntaxErr("Syntax error: unexpected '%s' at position %d.", t.text, t.pos)
		}
		if n := p.pos + 1; n < len(p.toks) && p.toks[n].kind == tLParen {
			return p.parseCall()
		}
		return p.parsePath()
	}
	return nil, syntaxErr("Syntax error at position %d.", t.pos)
}

func (p *parser) parseCall() (Expr, error) {
	t := p.peek()
	name := strings.ToLower(t.text)
	ar, ok := funcArity[name]
	if !ok {
		return nil, badRequest("An unknown function with name '%s' was found. This may also be a function import or a key lookup on a navigation property, which is not allowed.", t.text)
	}
	p.pos += 2
	var args []Expr
	for {
		a, err := p.parseOr()
		if err != nil {
			return nil, err
		}
		args = append(args, a)
		if nt := p.peek(); nt != nil && nt.kind == tComma {
			p.pos++
			continue
		}
		break
	}
	if err := p.expect(tRParen, "')'"); err != nil {
		return nil, err
	}
	if len(args) != ar.n {
		return nil, badRequest("No function signature for the function with name '%s' matches the specified arguments.", name)
	}
	return &call{name: name, args: args}, nil
}

func (p *parser) isVar(name string) bool {
	for _, v := range p.vars {
		if v == name {
			return true
		}
	}
	return false
}

func (p *parser) parsePath() (Expr, error) {
	first := p.peek()
	pth := &path{isVar: p.isVar(first.text)}
	if !pth.isVar && p.t != nil && !p.t.has(first.text) {
		return nil, notFound(first.text, p.t)
	}
	pth.segs = append(pth.segs, first.text)
	p.pos++
	for {
		t := p.peek()
		if t == nil || t.kind != tSlash {
			return pth, nil
		}
		p.pos++
		seg := p.peek()
		if seg == nil || seg.kind != tIdent {
			return nil, syntaxErr("Syntax error: expected a property name after '/' in '%s'.", pth.String())
		}
		p.pos++
		kind := strings.ToLower(seg.text)
		if nt := p.peek(); (kind == "any" || kind == "all") && nt != nil && nt.kind == tLParen {
			p.pos++
			return p.parseLambda(pth, kind)
		}
		pth.segs = append(pth.segs, seg.text)
	}
}

func (p *parser) parseLambda(coll *path, kind string) (Expr, error) {
	l := &lambda{coll: coll, kind: kind}
	if t := p.peek(); t != nil && t.kind == tRParen {
		if kind == "all" {
			return nil, syntaxErr("Syntax error: all() needs a lambda expression.")
		}
		p.pos++
		return l, nil
	}
	v := p.peek()
	if v == nil || v.kind != tIdent {
		return nil, syntaxErr("Syntax error: expected a lambda variable in %s/%s(...).", coll, kind)
	}
	if p.t != nil && p.t.has(v.text) {
		return nil, badRequest("The range variable '%s' has already been declared.", v.text)
	}
	p.pos++
	if err := p.expect(tColon, "':' after the lambda variable"); err != nil {
		return nil, err
	}
	l.v = v.text
	p.vars = append(p.vars, v.text)
	body, err := p.parseOr()
	p.vars = p.vars[:len(p.vars)-1]
	if err != nil {
		return nil, err
	}
	if !isBoolish(body) {
		return nil, badRequest("The lambda expression of %s must be a boolean expression.", kind)
	}
	if err := p.expect(tRParen, "')'"); err != nil {
		return nil, err
	}
	l.body = body
	return l, nil
}

// FilterPaths returns the property paths e names, in order of first
// appearance, joined with "/" (lambda variables' paths are left out; a
// lambda counts as its collection).
func FilterPaths(e Expr) []string {
	var out []string
	add := func(p string) {
		for _, o := range out {
			if o == p {
				return
			}
		}
		out = append(out, p)
	}
	var walk func(e Expr)
	walk = func(e Expr) {
		switch x := e.(type) {
		case *path:
			if !x.isVar {
				add(x.String())
			}
		case *binary:
			walk(x.l)
			walk(x.r)
		case *not:
			walk(x.x)
		case *call:
			for _, a := range x.args {
				walk(a)
			}
		case *lambda:
			walk(x.coll)
		}
	}
	walk(e)
	return out
}
