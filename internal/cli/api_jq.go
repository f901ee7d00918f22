package cli

import (
	"bytes"
	"encoding/json"
	"fmt"
	"io"
	"math"
	"strconv"
	"strings"
	"unicode/utf8"
)

// jqSupported is what `api --jq` understands, for its help and its errors.
const jqSupported = `.  .a.b  ."key"  .["key"]  .[n]  .[]  A | B  select(PATH == V)  select(PATH != V)  length  keys`

// jqFilter is a compiled `api --jq` expression: a small subset of jq. Applied to one JSON
// value it yields zero or more values, as jq's filters do.
type jqFilter func(v any) ([]any, error)

// compileJQ parses expr, a pipeline of: paths (., .a.b, ."key", .["key"], .[n] with n
// negative counting from the end, .[] over an array's items or an object's values),
// select(PATH == V) and select(PATH != V) where V is a JSON string, number, true, false or
// null, length and keys. Anything else is an error that names what is supported.
func compileJQ(expr string) (jqFilter, error) {
	p := &jqParser{s: expr}
	var stages []jqFilter
	for {
		p.space()
		f, err := p.term()
		if err != nil {
			return nil, err
		}
		stages = append(stages, f)
		p.space()
		if p.eof() {
			break
		}
		if p.s[p.i] != '|' {
			return nil, p.fail("expected | or the end")
		}
		p.i++
	}
	return pipe(stages), nil
}

// pipe feeds every output of each stage to the next.
func pipe(stages []jqFilter) jqFilter {
	return func(v any) ([]any, error) {
		in := []any{v}
		for _, f := range stages {
			var out []any
			for _, x := range in {
				ys, err := f(x)
				if err != nil {
					return nil, err
				}
				out = append(out, ys...)
			}
			in = out
		}
		return in, nil
	}
}

type jqParser struct {
	s string
	i int
}

func (p *jqParser) eof() bool { return p.i >= len(p.s) }

func (p *jqParser) space() {
	for !p.eof() && strings.IndexByte(" \t\r\n", p.s[p.i]) >= 0 {
		p.i++
	}
}

// fail is a syntax error at the parser's position.
func (p *jqParser) fail(what string) error {
	near := p.s[p.i:]
	if near == "" {
		near = "the end"
	} else {
		near = strconv.Quote(near)
	}
	return usagef("--jq %q: %s at %s; supported: %s", p.s, what, near, jqSupported)
}

// term is one stage of the pipeline.
func (p *jqParser) term() (jqFilter, error) {
	if p.eof() {
		return nil, p.fail("expected a filter")
	}
	if p.s[p.i] == '.' {
		return p.path()
	}
	word := p.ident()
	switch word {
	case "length":
		return jqLength, nil
	case "keys":
		return jqKeys, nil
	case "select":
		return p.selectCall()
	case "":
		return nil, p.fail("expected a filter")
	}
	p.i -= len(word)
	return nil, p.fail("unsupported function " + strconv.Quote(word))
}

// ident reads a name: a letter or _, then letters, digits and _.
func (p *jqParser) ident() string {
	start := p.i
	for !p.eof() {
		c := p.s[p.i]
		if c == '_' || 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || p.i > start && '0' <= c && c <= '9' {
			p.i++
			continue
		}
		break
	}
	return p.s[start:p.i]
}

// jqStep is one step of a path: a key, an index, or every item (all).
type jqStep struct {
	key   string
	index int
	kind  byte // 'k' key, 'i' index, 'a' all
}

// path reads ., .a, ."a", .a.b, .[n], .["a"], .[] and their sequences.
func (p *jqParser) path() (jqFilter, error) {
	var steps []jqStep
	p.i++ // the leading '.'
	first := true
	for {
		switch {
		case !p.eof() && p.s[p.i] == '[':
			st, err := p.bracket()
			if err != nil {
				return nil, err
			}
			steps = append(steps, st)
		case !p.eof() && p.s[p.i] == '"' && first:
			key, err := p.str()
			if err != nil {
				return nil, err
			}
			steps = append(steps, jqStep{kind: 'k', key: key})
		case !p.eof() && first:
			if name := p.ident(); name != "" {
				steps = append(steps, jqStep{kind: 'k', key: name})
			}
		}
		first = false
		if p.eof() || p.s[p.i] != '.' && p.s[p.i] != '[' {
			break
		}
		if p.s[p.i] == '.' {
			p.i++
			if !p.eof() && p.s[p.i] == '"' {
				key, err := p.str()
				if err != nil {
					return nil, err
				}
				steps = append(steps, jqStep{kind: 'k', key: key})
				continue
			}
			if !p.eof() && p.s[p.i] == '[' {
				continue
			}
			name := p.ident()
			if name == "" {
				return nil, p.fail("expected a key after .")
			}
			steps = append(steps, jqStep{kind: 'k', key: name})
		}
	}
	return func(v any) ([]any, error) { return walk(v, steps) }, nil
}

// bracket reads [n], ["key"] or [].
func (p *jqParser) bracket() (jqStep, error) {
	p.i++ // '['
	p.space()
	var st jqStep
	switch {
	case p.eof():
		return st, p.fail("expected ]")
	case p.s[p.i] == ']':
		st.kind = 'a'
	case p.s[p.i] == '"':
		key, err := p.str()
		if err != nil {
			return st, err
		}
		st = jqStep{kind: 'k', key: key}
	default:
		start := p.i
		if p.s[p.i] == '-' {
			p.i++
		}
		for !p.eof() && '0' <= p.s[p.i] && p.s[p.i] <= '9' {
			p.i++
		}
		n, err := strconv.Atoi(p.s[start:p.i])
		if err != nil {
			p.i = start
			return st, p.fail("expected an index, a quoted key or ]")
		}
		st = jqStep{kind: 'i', index: n}
	}
	p.space()
	if p.eof() || p.s[p.i] != ']' {
		return st, p.fail("expected ]")
	}
	p.i++
	return st, nil
}

// str reads a JSON string literal.
func (p *jqParser) str() (string, error) {
	dec := json.NewDecoder(strings.NewReader(p.s[p.i:]))
	var s string
	if err := dec.Decode(&s); err != nil {
		return "", p.fail("expected a quoted string")
	}
	p.i += int(dec.InputOffset())
	return s, nil
}

// selectCall reads (PATH == V) or (PATH != V) after select.
func (p *jqParser) selectCall() (jqFilter, error) {
	p.space()
	if p.eof() || p.s[p.i] != '(' {
		return nil, p.fail("expected ( after select")
	}
	p.i++
	p.space()
	if p.eof() || p.s[p.i] != '.' {
		return nil, p.fail("select takes PATH == VALUE or PATH != VALUE; expected a path")
	}
	lhs, err := p.path()
	if err != nil {
		return nil, err
	}
	p.space()
	var equal bool
	switch {
	case strings.HasPrefix(p.s[p.i:], "=="):
		equal = true
	case strings.HasPrefix(p.s[p.i:], "!="):
	default:
		return nil, p.fail("select takes PATH == VALUE or PATH != VALUE; expected == or !=")
	}
	p.i += 2
	p.space()
	want, err := p.literal()
	if err != nil {
		return nil, err
	}
	p.space()
	if p.eof() || p.s[p.i] != ')' {
		return nil, p.fail("expected )")
	}
	p.i++
	return func(v any) ([]any, error) {
		got, err := lhs(v)
		if err != nil {
			return nil, err
		}
		var out []any
		for _, g := range got { // jq emits v once per left-hand value that passes
			if jqEqual(g, want) == equal {
				out = append(out, v)
			}
		}
		return out, nil
	}, nil
}

// literal reads a JSON string, number, true, false or null.
func (p *jqParser) literal() (any, error) {
	rest := p.s[p.i:]
	end := len(rest)
	if rest != "" && rest[0] != '"' {
		if k := strings.IndexAny(rest, " \t\r\n)|"); k >= 0 {
			end = k
		}
	}
	dec := json.NewDecoder(strings.NewReader(rest[:end]))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return nil, p.fail("expected a JSON string, number, true, false or null")
	}
	switch v.(type) {
	case map[string]any, []any:
		return nil, p.fail("expected a JSON string, number, true, false or null")
	}
	p.i += int(dec.InputOffset())
	return v, nil
}

// walk follows steps from v.
func walk(v any, steps []jqStep) ([]any, error) {
	in := []any{v}
	for _, st := range steps {
		var out []any
		for _, x := range in {
			ys, err := st.apply(x)
			if err != nil {
				return nil, err
			}
			out = append(out, ys...)
		}
		in = out
	}
	return in, nil
}

func (st jqStep) apply(v any) ([]any, error) {
	switch st.kind {
	case 'k':
		switch x := v.(type) {
		case nil:
			return []any{nil}, nil
		case map[string]any:
			return []any{x[st.key]}, nil
		}
		return nil, fmt.Errorf("--jq: cannot index %s with %q", jqType(v), st.key)
	case 'i':
		switch x := v.(type) {
		case nil:
			return []any{nil}, nil
		case []any:
			i := st.index
			if i < 0 {
				i += len(x)
			}
			if i < 0 || i >= len(x) {
				return []any{nil}, nil
			}
			return []any{x[i]}, nil
		}
		return nil, fmt.Errorf("--jq: cannot index %s with a number", jqType(v))
	}
	switch x := v.(type) {
	case []any:
		return x, nil
	case map[string]any:
		out := make([]any, 0, len(x))
		for _, k := range sortedKeys(x) {
			out = append(out, x[k])
		}
		return out, nil
	}
	return nil, fmt.Errorf("--jq: cannot iterate over %s", jqType(v))
}

func jqLength(v any) ([]any, error) {
	switch x := v.(type) {
	case nil:
		return []any{json.Number("0")}, nil
	case string:
		return []any{json.Number(strconv.Itoa(utf8.RuneCountInString(x)))}, nil
	case []any:
		return []any{json.Number(strconv.Itoa(len(x)))}, nil
	case map[string]any:
		return []any{json.Number(strconv.Itoa(len(x)))}, nil
	case json.Number:
		f, _ := x.Float64()
		return []any{json.Number(strconv.FormatFloat(math.Abs(f), 'g', -1, 64))}, nil
	}
	return nil, fmt.Errorf("--jq: %s has no length", jqType(v))
}

func jqKeys(v any) ([]any, error) {
	switch x := v.(type) {
	case map[string]any:
		keys := make([]any, 0, len(x))
		for _, k := range sortedKeys(x) {
			keys = append(keys, k)
		}
		return []any{keys}, nil
	case []any:
		idx := make([]any, len(x))
		for i := range x {
			idx[i] = json.Number(strconv.Itoa(i))
		}
		return []any{idx}, nil
	}
	return nil, fmt.Errorf("--jq: %s has no keys", jqType(v))
}

// jqEqual compares two JSON scalars: numbers by value, others exactly; arrays and objects
// (only on the left) are never equal to a scalar.
func jqEqual(a, b any) bool {
	an, aok := a.(json.Number)
	bn, bok := b.(json.Number)
	if aok && bok {
		af, err1 := an.Float64()
		bf, err2 := bn.Float64()
		return err1 == nil && err2 == nil && af == bf
	}
	switch a.(type) {
	case map[string]any, []any:
		return false
	}
	return a == b
}

func jqType(v any) string {
	switch v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "a number"
	case string:
		return "a string"
	case []any:
		return "an array"
	}
	return "an object"
}

// runJQ applies f to the JSON document data and writes each result on its own line:
// strings raw (like jq -r), other values as JSON, indented when pretty.
func runJQ(w io.Writer, f jqFilter, data []byte, pretty bool) error {
	dec := json.NewDecoder(bytes.NewReader(data))
	dec.UseNumber()
	var v any
	if err := dec.Decode(&v); err != nil {
		return fmt.Errorf("--jq: the response is not JSON: %v", err)
	}
	out, err := f(v)
	if err != nil {
		return err
	}
	var b bytes.Buffer
	for _, x := range out {
		if s, ok := x.(string); ok {
			b.WriteString(s)
			b.WriteByte('\n')
			continue
		}
		enc := json.NewEncoder(&b)
		enc.SetEscapeHTML(false)
		if pretty {
			enc.SetIndent("", "  ")
		}
		if err := enc.Encode(x); err != nil {
			return err
		}
	}
	_, err = w.Write(b.Bytes())
	return err
}
