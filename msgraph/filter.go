package msgraph

import (
	"encoding/hex"
	"fmt"
	"math"
	"reflect"
	"strconv"
	"strings"
	"time"
)

// Filter is a $filter expression built from property paths and values, for
// [ListOptions.Filter]:
//
//	f := msgraph.And(msgraph.Eq("isRead", false), msgraph.Contains("subject", userText))
//	opts := msgraph.ListOptions{Filter: f.String()} // isRead eq false and contains(subject,'…')
//
// Values are written as OData literals (a string in single quotes, with the
// quotes it holds doubled), so no value, whatever text it holds, can end its
// literal or change the expression around it. Property paths and lambda
// variables are names written by the program, not data: the functions panic
// when one is not a name (see [ValidPath]), as [regexp.MustCompile] does with
// a bad pattern.
//
// The zero Filter is no filter (it matches everything); [And] leaves it out.
type Filter struct {
	s    string
	prec int
}

// Precedence of a Filter's top operator, from loosest to tightest: an
// operand looser than its operator gets parentheses.
const (
	precNone = iota // the zero Filter
	precOr
	precAnd
	precCmp // comparisons, in and not
	precPrimary
)

// String returns the expression, "" for the zero Filter.
func (f Filter) String() string { return f.s }

// Eq is "path eq v": path equals v. v is a string (or a type whose
// underlying type is string), a bool, an integer, a float, a time.Time
// (written in UTC, e.g. 2025-01-02T03:04:05Z), a [GUID], or nil (null).
// Eq panics if path is not a property path or v is of another type.
func Eq(path string, v any) Filter { return compare(path, "eq", v) }

// Ne is "path ne v": path differs from v (or is null when v is not). On
// directory objects it is an advanced query. Values as for [Eq].
func Ne(path string, v any) Filter { return compare(path, "ne", v) }

// Gt is "path gt v": path is greater than (after) v. Values as for [Eq].
func Gt(path string, v any) Filter { return compare(path, "gt", v) }

// Ge is "path ge v": path is greater than or equal to v. Values as for [Eq].
func Ge(path string, v any) Filter { return compare(path, "ge", v) }

// Lt is "path lt v": path is less than (before) v. Values as for [Eq].
func Lt(path string, v any) Filter { return compare(path, "lt", v) }

// Le is "path le v": path is less than or equal to v. Values as for [Eq].
func Le(path string, v any) Filter { return compare(path, "le", v) }

func compare(path, op string, v any) Filter {
	return Filter{s: mustPath(path) + " " + op + " " + Literal(v), prec: precCmp}
}

// In is "path in (v1,v2,…)": path equals one of values, e.g.
// In("id", ids...). With no values it is false: it matches nothing. Values
// as for [Eq].
func In[T any](path string, values ...T) Filter {
	p := mustPath(path)
	if len(values) == 0 {
		return Filter{s: "false", prec: precPrimary}
	}
	lits := make([]string, len(values))
	for i, v := range values {
		lits[i] = Literal(v)
	}
	return Filter{s: p + " in (" + strings.Join(lits, ",") + ")", prec: precCmp}
}

// StartsWith is "startswith(path,'prefix')": the string property path
// starts with prefix.
func StartsWith(path, prefix string) Filter { return strFunc("startswith", path, prefix) }

// EndsWith is "endswith(path,'suffix')": the string property path ends with
// suffix. On directory objects it is an advanced query.
func EndsWith(path, suffix string) Filter { return strFunc("endswith", path, suffix) }

// Contains is "contains(path,'text')": the string property path contains
// text, where the API supports it (directory objects do not; they have
// $search, see [SearchProperty]).
func Contains(path, text string) Filter { return strFunc("contains", path, text) }

func strFunc(fn, path, s string) Filter {
	return Filter{s: fn + "(" + mustPath(path) + "," + Quote(s) + ")", prec: precPrimary}
}

// AnyOf is "path/any(v:cond)": some member of the collection path satisfies
// cond, in which v names the member, e.g.
//
//	AnyOf("emailAddresses", "a", Eq("a/address", addr))  // emailAddresses/any(a:a/address eq '…')
//	AnyOf("categories", "c", Eq("c", "Red"))             // categories/any(c:c eq 'Red')
//
// With the zero Filter as cond it is "path/any()": the collection is not
// empty. AnyOf panics if path is not a property path or v not a name.
func AnyOf(path, v string, cond Filter) Filter {
	if cond.prec == precNone {
		return Filter{s: mustPath(path) + "/any()", prec: precPrimary}
	}
	return lambda(path, "any", v, cond)
}

// AllOf is "path/all(v:cond)": every member of the collection path satisfies
// cond, in which v names the member. AllOf panics if path is not a property
// path, v not a name or cond the zero Filter.
func AllOf(path, v string, cond Filter) Filter {
	if cond.prec == precNone {
		panic("msgraph: AllOf needs a condition")
	}
	return lambda(path, "all", v, cond)
}

func lambda(path, kind, v string, cond Filter) Filter {
	p := mustPath(path)
	if !isName(v) {
		panic(fmt.Sprintf("msgraph: %q is not a lambda variable name", v))
	}
	return Filter{s: p + "/" + kind + "(" + v + ":" + cond.s + ")", prec: precPrimary}
}

// And is "f1 and f2 and …": every filter holds. Zero Filters are left out;
// And of none is the zero Filter.
func And(fs ...Filter) Filter { return join("and", precAnd, fs) }

// Or is "f1 or f2 or …": at least one filter holds. Or with a zero Filter
// (which matches everything) is the zero Filter; Or of none is false, which
// matches nothing.
func Or(fs ...Filter) Filter {
	if len(fs) == 0 {
		return Filter{s: "false", prec: precPrimary}
	}
	for _, f := range fs {
		if f.prec == precNone {
			return Filter{}
		}
	}
	return join("or", precOr, fs)
}

func join(op string, prec int, fs []Filter) Filter {
	var parts []string
	var last Filter
	for _, f := range fs {
		if f.prec == precNone {
			continue
		}
		last = f
		if f.prec < prec {
			parts = append(parts, "("+f.s+")")
			continue
		}
		parts = append(parts, f.s)
	}
	if len(parts) == 1 {
		return last
	}
	return Filter{s: strings.Join(parts, " "+op+" "), prec: prec}
}

// Not is "not f": f does not hold. Not of the zero Filter is false.
func Not(f Filter) Filter {
	switch f.prec {
	case precNone:
		return Filter{s: "false", prec: precPrimary}
	case precPrimary:
		return Filter{s: "not " + f.s, prec: precCmp}
	}
	// Parentheses always: OData's not binds tighter than eq.
	return Filter{s: "not (" + f.s + ")", prec: precCmp}
}

// Quote returns s as an OData string literal: in single quotes, each quote
// it holds doubled:
//
//	msgraph.Quote("O'Brien") // 'O''Brien'
//
// Prefer [Eq] and the other Filter functions to writing an expression by
// hand.
func Quote(s string) string { return "'" + strings.ReplaceAll(s, "'", "''") + "'" }

// Literal returns v as an OData literal, the way [Eq] writes its value. It
// panics if v is of a type Eq does not take.
func Literal(v any) string {
	switch x := v.(type) {
	case nil:
		return "null"
	case string:
		return Quote(x)
	case bool:
		return strconv.FormatBool(x)
	case time.Time:
		return x.UTC().Format(time.RFC3339Nano)
	case GUID:
		return x.String()
	case float64:
		return formatFloat(x, 64)
	case float32:
		return formatFloat(float64(x), 32)
	}
	rv := reflect.ValueOf(v)
	switch rv.Kind() {
	case reflect.String:
		return Quote(rv.String())
	case reflect.Bool:
		return strconv.FormatBool(rv.Bool())
	case reflect.Int, reflect.Int8, reflect.Int16, reflect.Int32, reflect.Int64:
		return strconv.FormatInt(rv.Int(), 10)
	case reflect.Uint, reflect.Uint8, reflect.Uint16, reflect.Uint32, reflect.Uint64, reflect.Uintptr:
		return strconv.FormatUint(rv.Uint(), 10)
	case reflect.Float32, reflect.Float64:
		return formatFloat(rv.Float(), rv.Type().Bits())
	}
	panic(fmt.Sprintf("msgraph: a value of type %T is not an OData literal", v))
}

func formatFloat(f float64, bits int) string {
	switch {
	case math.IsNaN(f):
		return "NaN"
	case math.IsInf(f, 1):
		return "INF"
	case math.IsInf(f, -1):
		return "-INF"
	}
	return strconv.FormatFloat(f, 'g', -1, bits)
}

// GUID is an Edm.Guid value, written unquoted in a filter
// (assignedLicenses/any(l:l/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)).
// Graph's ids of directory objects are strings, not GUIDs.
type GUID [16]byte

// ParseGUID parses a GUID in its 8-4-4-4-12 hexadecimal form, with or
// without braces.
func ParseGUID(s string) (GUID, error) {
	var g GUID
	t := strings.TrimSuffix(strings.TrimPrefix(s, "{"), "}")
	if len(t) != 36 || len(t) != len(s) && len(t) != len(s)-2 || t[8] != '-' || t[13] != '-' || t[18] != '-' || t[23] != '-' {
		return g, fmt.Errorf("msgraph: %q is not a GUID", s)
	}
	h := t[0:8] + t[9:13] + t[14:18] + t[19:23] + t[24:36]
	if _, err := hex.Decode(g[:], []byte(h)); err != nil {
		return GUID{}, fmt.Errorf("msgraph: %q is not a GUID", s)
	}
	return g, nil
}

// String returns g in lower-case 8-4-4-4-12 form.
func (g GUID) String() string {
	h := hex.EncodeToString(g[:])
	return h[0:8] + "-" + h[8:12] + "-" + h[12:16] + "-" + h[16:20] + "-" + h[20:32]
}

// ValidPath reports whether p is a property path the Filter functions take:
// names (a letter or '_', then letters, digits and '_') joined by '/', none
// of them an OData keyword (and, eq, null, …). Check paths that come from
// input with it before building a filter.
func ValidPath(p string) bool {
	if p == "" {
		return false
	}
	for seg := range strings.SplitSeq(p, "/") {
		if !isName(seg) {
			return false
		}
	}
	return true
}

func mustPath(p string) string {
	if !ValidPath(p) {
		panic(fmt.Sprintf("msgraph: %q is not a property path", p))
	}
	return p
}

// keywords are the words of OData's expression syntax that a name must not be.
var keywords = map[string]bool{
	"and": true, "or": true, "not": true, "eq": true, "ne": true, "gt": true, "ge": true, "lt": true, "le": true,
	"has": true, "in": true, "add": true, "sub": true, "mul": true, "div": true, "divby": true, "mod": true,
	"true": true, "false": true, "null": true, "inf": true, "nan": true,
}

// isName reports whether s is an OData identifier (ASCII) that is no keyword.
func isName(s string) bool {
	if s == "" || len(s) > 128 || keywords[strings.ToLower(s)] {
		return false
	}
	for i := 0; i < len(s); i++ {
		c := s[i]
		letter := 'a' <= c && c <= 'z' || 'A' <= c && c <= 'Z' || c == '_'
		if !letter && (i == 0 || c < '0' || c > '9') {
			return false
		}
	}
	return true
}

// SearchText returns text as a $search value for [ListOptions.Search]: in
// double quotes, with the double quotes and backslashes it holds escaped by
// a backslash, so the text cannot close the quotes. Inside, Graph reads
// Keyword Query Language: words, "phrases" and property:word.
func SearchText(text string) string { return `"` + searchEscape.Replace(text) + `"` }

// SearchProperty returns the clause "property:text" of a $search over
// directory objects (users, groups), quoted as [SearchText] quotes.
// Clauses join with " AND " or " OR ":
//
//	msgraph.SearchProperty("displayName", q) + " OR " + msgraph.SearchProperty("mail", q)
//
// It panics if property is not a name.
func SearchProperty(property, text string) string {
	if !isName(property) {
		panic(fmt.Sprintf("msgraph: %q is not a property name", property))
	}
	return SearchText(property + ":" + text)
}

var searchEscape = strings.NewReplacer(`\`, `\\`, `"`, `\"`)
