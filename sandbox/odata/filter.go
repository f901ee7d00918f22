package odata

import (
	"slices"
	"strings"
	"time"
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

// ---- parser

type parser struct {
	toks  []token
	pos   int
	t     *Type
	vars  []lambdaVar // innermost last
	depth int
}

// lambdaVar is a lambda variable in scope and the type path of its
// collection ("toRecipients"; "" when unknown), which the paths it starts
// are typed by.
type lambdaVar struct {
	name, coll string
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
	case *binary, *not, *lambda, *in:
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
	l, err := p.parseOperand()
	if err != nil {
		return nil, err
	}
	if op := p.peekWord("eq", "ne", "gt", "ge", "lt", "le"); op != "" {
		p.pos++
		r, err := p.parseOperand()
		if err != nil {
			return nil, err
		}
		if err := p.checkTypes(op, l, r); err != nil {
			return nil, err
		}
		return &binary{op: op, l: l, r: r}, nil
	}
	if w := p.peekWord("has", "add", "sub", "mul", "div", "mod"); w != "" {
		return nil, badRequest("The operator '%s' is not supported by the sandbox.", w)
	}
	return l, nil
}

// parseOperand parses a primary and the "in (…)" after it: in binds
// tighter than the comparisons, as OData's primary operators do.
func (p *parser) parseOperand() (Expr, error) {
	x, err := p.parsePrimary()
	if err != nil || p.peekWord("in") == "" {
		return x, err
	}
	p.pos++
	if t := p.peek(); t == nil || t.kind != tLParen {
		return nil, errInList()
	}
	p.pos++
	if t := p.peek(); t != nil && t.kind == tRParen {
		// OData 4.01's list has at least one member; Graph's parser refuses ().
		return nil, badRequest("The right operand for the IN operation is not a collection value. IN operations require the left operand to be a single value and the right operand to be a collection value.")
	}
	n := &in{x: x}
	for {
		l, ok := p.literal()
		if !ok {
			return nil, errInList()
		}
		if err := p.checkTypes("in", x, l); err != nil {
			return nil, err
		}
		n.list = append(n.list, l)
		t := p.peek()
		if t != nil && t.kind == tComma {
			p.pos++
			continue
		}
		if err := p.expect(tRParen, "',' or ')' in the list of 'in'"); err != nil {
			return nil, err
		}
		return n, nil
	}
}

// errInList refuses a right operand of in other than a list of literals
// (Graph also takes a collection-valued expression there).
func errInList() *Error {
	return badRequest("The right operand of 'in' must be a list of literals in parentheses, such as ('a','b'); the sandbox supports no other.")
}

// literal parses a literal: a string, number, date, GUID, true, false or
// null.
func (p *parser) literal() (*literal, bool) {
	t := p.peek()
	if t == nil {
		return nil, false
	}
	var l *literal
	switch t.kind {
	case tString:
		l = &literal{v: t.text}
	case tNumber:
		l = &literal{v: t.num, src: t.text}
	case tDate:
		l = &literal{v: t.date, src: t.text}
	case tGuid:
		l = &literal{v: guidValue(t.text)}
	case tIdent:
		switch strings.ToLower(t.text) {
		case "true", "false":
			l = &literal{v: strings.EqualFold(t.text, "true")}
		case "null":
			l = &literal{v: nil}
		}
	}
	if l != nil {
		p.pos++
	}
	return l, l != nil
}

func (p *parser) parsePrimary() (Expr, error) {
	t := p.peek()
	if t == nil {
		return nil, syntaxErr("Syntax error: the $filter expression ends unexpectedly.")
	}
	if l, ok := p.literal(); ok {
		return l, nil
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
	case tIdent:
		switch strings.ToLower(t.text) {
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

// lambdaVar returns the innermost lambda variable named name in scope.
func (p *parser) lambdaVar(name string) (lambdaVar, bool) {
	for i := len(p.vars) - 1; i >= 0; i-- {
		if p.vars[i].name == name {
			return p.vars[i], true
		}
	}
	return lambdaVar{}, false
}

func (p *parser) parsePath() (Expr, error) {
	first := p.peek()
	_, isVar := p.lambdaVar(first.text)
	pth := &path{isVar: isVar}
	// A navigation property (an expandable one) is filtered on through any/all.
	if !pth.isVar && p.t != nil && !p.t.has(first.text) && !slices.Contains(p.t.Expandable, first.text) {
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
	p.vars = append(p.vars, lambdaVar{name: v.text, coll: p.typePath(coll)})
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

var opKinds = map[string]string{"eq": "Equal", "ne": "NotEqual", "gt": "GreaterThan", "ge": "GreaterThanOrEqual", "lt": "LessThan", "le": "LessThanOrEqual", "in": "In"}

// typePath is the key of x in Type.PropTypes: its segments from the entity,
// a lambda variable replaced by its collection's path
// ("toRecipients/emailAddress/address" for r/emailAddress/address in
// toRecipients/any(r:…)); "" when a variable's collection is unknown.
func (p *parser) typePath(x *path) string {
	if !x.isVar {
		return x.String()
	}
	v, _ := p.lambdaVar(x.segs[0])
	if v.coll == "" {
		return ""
	}
	return strings.Join(append([]string{v.coll}, x.segs[1:]...), "/")
}

// edmType is the type of a typed property path or of a literal ("" = unknown).
func (p *parser) edmType(e Expr) string {
	switch x := e.(type) {
	case *path:
		if p.t == nil {
			return ""
		}
		return p.t.PropTypes[p.typePath(x)]
	case *literal:
		switch v := x.v.(type) {
		case string:
			return "Edm.String"
		case bool:
			return "Edm.Boolean"
		case float64:
			if v == float64(int32(v)) {
				return "Edm.Int32"
			}
			return "Edm.Double"
		case time.Time:
			return "Edm.DateTimeOffset"
		case guidValue:
			return "Edm.Guid"
		}
	}
	return ""
}

// checkTypes rejects comparisons of a typed property with a literal of
// another type, as Graph does ("isRead eq 'true'", "id eq" an unquoted
// GUID when id is an Edm.String). Enum properties (types outside Edm)
// compare with strings; an Edm.Guid only with a GUID. For in, op is "in" and
// r one member of the list.
func (p *parser) checkTypes(op string, l, r Expr) error {
	lt, rt := p.edmType(l), p.edmType(r)
	if lt == "" || rt == "" || lt == rt {
		return nil
	}
	str := func(t string) bool { return t == "Edm.String" || !strings.HasPrefix(t, "Edm.") }
	num := func(t string) bool { return t == "Edm.Int32" || t == "Edm.Double" }
	if str(lt) && str(rt) || num(lt) && num(rt) {
		return nil
	}
	return badRequest("A binary operator with incompatible types was detected. Found operand types '%s' and '%s' for operator kind '%s'.", lt, rt, opKinds[op])
}
