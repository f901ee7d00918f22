package odata

import (
	"strconv"
	"strings"
	"time"
)

// ---- AST

type literal struct {
	v   any // string, float64, bool, nil, time.Time, guidValue
	src string
}

// guidValue is an Edm.Guid literal, lower-case. It compares with a property's
// text as a string does.
type guidValue string

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
	case guidValue:
		return string(v)
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

// in is "x in (v1,v2,…)": x equals one of the literals, as eq compares.
type in struct {
	x    Expr
	list []*literal // at least one
}

func (n *in) String() string {
	parts := make([]string, len(n.list))
	for i, l := range n.list {
		parts[i] = l.String()
	}
	return "(" + n.x.String() + " in (" + strings.Join(parts, ",") + "))"
}

func (n *in) eval(env *evalEnv) any {
	x := n.x.eval(env)
	for _, l := range n.list {
		if compareOp("eq", x, l.v) {
			return true
		}
	}
	return false
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
	if g, ok := a.(guidValue); ok {
		a = string(g)
	}
	if g, ok := b.(guidValue); ok {
		b = string(g)
	}
	if a == nil || b == nil {
		switch op {
		case "eq":
			return a == nil && b == nil
		case "ne":
			return !(a == nil && b == nil)
		}
		return false
	}
	if _, ok := b.(time.Time); ok {
		if s, ok := a.(string); ok {
			at, err := parseDate(s)
			if err != nil {
				return false
			}
			a = at
		}
	}
	if _, ok := a.(time.Time); ok {
		if s, ok := b.(string); ok {
			bt, err := parseDate(s)
			if err != nil {
				return false
			}
			b = bt
		}
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
	walkPaths(e, false, func(p *path) {
		if !p.isVar {
			add(p.String())
		}
	})
	return out
}

// walkPaths calls visit with each path of e, a lambda's collection included,
// and the paths of lambda bodies when bodies is set.
func walkPaths(e Expr, bodies bool, visit func(*path)) {
	switch x := e.(type) {
	case *path:
		visit(x)
	case *binary:
		walkPaths(x.l, bodies, visit)
		walkPaths(x.r, bodies, visit)
	case *not:
		walkPaths(x.x, bodies, visit)
	case *in:
		walkPaths(x.x, bodies, visit)
	case *call:
		for _, a := range x.args {
			walkPaths(a, bodies, visit)
		}
	case *lambda:
		walkPaths(x.coll, bodies, visit)
		if bodies && x.body != nil {
			walkPaths(x.body, bodies, visit)
		}
	}
}
