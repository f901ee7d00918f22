package graphschema

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"regexp"
	"sort"
	"strconv"
	"strings"
	"time"
)

// Problem is one way a document or struct departs from the schema.
type Problem struct {
	// Path locates the value: a JSON pointer (RFC 6901) such as
	// "/value/3/from/emailAddress/adress" for documents, or a Go selector such
	// as "Message.From.EmailAddress" for structs. "" is the whole document.
	Path    string
	Message string
}

func (p Problem) String() string {
	if p.Path == "" {
		return p.Message
	}
	return p.Path + ": " + p.Message
}

// Open types. OData lets an open type carry undeclared ("dynamic") properties,
// and Graph declares many types open (message, user, event, identity, …), but
// in the payloads we judge an undeclared name is far likelier a typo than a
// dynamic property. So an undeclared name on an open type is reported unless
//   - the type declares no properties at all (a bag such as Dictionary or
//     plannerAssignments),
//   - the name has the shape of a directory extension
//     (extension_{appId without dashes}_{name}) or of a schema extension with
//     a generated prefix (ext{8 letters or digits}_{name}); a schema extension
//     named after a verified domain ("contoso_project") looks too much like a
//     snake_case typo ("is_read") to be let through, or
//   - it is one of Graph's documented dynamic members listed in knownDynamic.
var (
	extensionName = regexp.MustCompile(`^(extension_[0-9a-fA-F]{32}|ext[a-z0-9]{8})_[A-Za-z][A-Za-z0-9_]*$`)
	knownDynamic  = map[string]map[string]bool{
		// Graph's error responses: innerError carries these besides code and message
		// (https://learn.microsoft.com/graph/errors).
		"microsoft.graph.publicInnerError": {"date": true, "request-id": true, "client-request-id": true},
	}
)

func dynamicAllowed(t *Type, name string) bool {
	if !t.Open {
		return false
	}
	if len(t.Properties()) == 0 || extensionName.MatchString(name) {
		return true
	}
	for b := t; b != nil; b = b.Base {
		if knownDynamic[b.Name][name] {
			return true
		}
	}
	return false
}

// CheckJSON checks the JSON object data against the entity or complex type
// typeName (see [Schema.Lookup] for the forms of the name). Every member must
// be a property or navigation property of the type or of its base types;
// values are checked against the declared types: complex, entity and
// navigation values recursively, collections element by element, enum values
// against the members (comma-separated for flags enums), primitives by kind
// and format. "@odata.type" inside a value switches to that type, which must
// derive from the declared one. Instance annotations ("@odata.context",
// "@odata.nextLink", "@removed", "@microsoft.graph.downloadUrl", …) are
// allowed anywhere; property annotations ("attachments@odata.context",
// "manager@odata.bind") are allowed when the property exists. Null is
// accepted for any value; nullability is not judged.
//
// Open types: an undeclared name is reported even on an open type such as
// message or user (there it is far likelier a typo than a dynamic property),
// unless the type is a property-less bag (Dictionary), the
// name is a directory or generated schema extension, or it is a documented
// dynamic member (innerError's date, request-id, client-request-id).
func (s *Schema) CheckJSON(typeName string, data []byte) []Problem {
	c := &checker{s: s}
	t := c.lookupStructured(typeName)
	if t == nil {
		return c.out
	}
	v, err := decode(data)
	if err != nil {
		return []Problem{{"", "invalid JSON: " + err.Error()}}
	}
	c.value("", &Property{Type: t.Name, Nullable: false}, v, false)
	return c.out
}

// CheckCollection checks an OData collection response, {"@odata.context": …,
// "value": […], "@odata.nextLink": …}: each element of value is checked as
// [Schema.CheckJSON] checks an object of typeName.
func (s *Schema) CheckCollection(typeName string, data []byte) []Problem {
	c := &checker{s: s}
	t := c.lookupStructured(typeName)
	if t == nil {
		return c.out
	}
	v, err := decode(data)
	if err != nil {
		return []Problem{{"", "invalid JSON: " + err.Error()}}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []Problem{{"", "a collection response must be a JSON object, got " + jsonKind(v)}}
	}
	if _, ok := obj["value"]; !ok {
		c.add("", "a collection response has no 'value' member")
	}
	for _, k := range sortedKeys(obj) {
		p := "/" + escape(k)
		switch {
		case k == "value":
			c.value(p, &Property{Type: t.Name, Collection: true}, obj[k], false)
		case strings.HasPrefix(k, "@"):
			c.annotation(p, k, obj[k])
		default:
			c.add(p, fmt.Sprintf("unknown member '%s' of a collection response (allowed: value and @-annotations such as @odata.nextLink)", k))
		}
	}
	return c.out
}

// CheckError checks a Graph error response, {"error": {"code": …, "message":
// …, "innerError": {…}}}, against microsoft.graph.publicError.
func (s *Schema) CheckError(data []byte) []Problem {
	c := &checker{s: s}
	t := c.lookupStructured("microsoft.graph.publicError")
	if t == nil {
		return c.out
	}
	v, err := decode(data)
	if err != nil {
		return []Problem{{"", "invalid JSON: " + err.Error()}}
	}
	obj, ok := v.(map[string]any)
	if !ok {
		return []Problem{{"", "an error response must be a JSON object, got " + jsonKind(v)}}
	}
	if len(obj) != 1 || obj["error"] == nil {
		c.add("", fmt.Sprintf("an error response has exactly one member, 'error'; got %s", strings.Join(sortedKeys(obj), ", ")))
	}
	if e, ok := obj["error"]; ok {
		c.value("/error", &Property{Type: t.Name}, e, false)
		if m, ok := e.(map[string]any); ok {
			for _, k := range []string{"code", "message"} {
				if _, ok := m[k].(string); !ok {
					c.add("/error", "no '"+k+"' string")
				}
			}
		}
	}
	return c.out
}

type checker struct {
	s   *Schema
	out []Problem
}

func (c *checker) add(path, msg string) { c.out = append(c.out, Problem{path, msg}) }

func (c *checker) lookupStructured(name string) *Type {
	t := c.s.Lookup(name)
	switch {
	case t == nil:
		c.add("", fmt.Sprintf("no type %q in the schema", name))
		return nil
	case t.Kind == EnumType:
		c.add("", fmt.Sprintf("%s is an enum type, not an entity or complex type", t.Name))
		return nil
	}
	return t
}

func decode(data []byte) (any, error) {
	d := json.NewDecoder(bytes.NewReader(data))
	d.UseNumber()
	var v any
	if err := d.Decode(&v); err != nil {
		return nil, err
	}
	if d.More() {
		return nil, fmt.Errorf("data after the JSON value")
	}
	return v, nil
}

// value checks v against property p's declared type; inCollection is set for
// the elements of a collection.
func (c *checker) value(path string, p *Property, v any, inCollection bool) {
	if p.Collection && !inCollection {
		switch a := v.(type) {
		case nil:
			// Graph sends [] for empty collections; null is tolerated.
		case []any:
			for i, e := range a {
				c.value(path+"/"+strconv.Itoa(i), p, e, true)
			}
		default:
			c.add(path, fmt.Sprintf("want a JSON array (Collection(%s)), got %s", p.Type, jsonKind(v)))
		}
		return
	}
	if v == nil {
		return // nullability is not judged: Graph often omits or nulls non-nullable values in responses
	}
	if strings.HasPrefix(p.Type, "Edm.") {
		if msg := checkPrimitive(p.Type, v); msg != "" {
			c.add(path, msg)
		}
		return
	}
	t := c.s.types[p.Type]
	if t == nil {
		c.add(path, fmt.Sprintf("property declared with unknown type %s", p.Type))
		return
	}
	if t.Kind == EnumType {
		c.enum(path, t, v)
		return
	}
	obj, ok := v.(map[string]any)
	if !ok {
		c.add(path, fmt.Sprintf("want a JSON object (%s), got %s", t.Name, jsonKind(v)))
		return
	}
	c.object(path, t, obj)
}

func (c *checker) object(path string, t *Type, obj map[string]any) {
	if ot, ok := obj["@odata.type"]; ok {
		name, _ := ot.(string)
		dt := c.s.Lookup(name)
		switch {
		case name == "" || dt == nil || dt.Kind == EnumType:
			c.add(path+"/@odata.type", fmt.Sprintf("unknown type %q (want #%s or a type derived from it)", ot, t.Name))
		case !dt.IsA(t):
			c.add(path+"/@odata.type", fmt.Sprintf("%s does not derive from the declared type %s", dt.Name, t.Name))
		default:
			t = dt
		}
	}
	for _, k := range sortedKeys(obj) {
		p := path + "/" + escape(k)
		if strings.HasPrefix(k, "@") {
			if k != "@odata.type" {
				c.annotation(p, k, obj[k])
			}
			continue
		}
		if prop, ann, ok := strings.Cut(k, "@"); ok {
			if t.Property(prop) == nil && !dynamicAllowed(t, prop) {
				c.add(p, fmt.Sprintf("annotation %q of unknown property '%s' on %s", ann, prop, t.Name))
			}
			continue
		}
		prop := t.Property(k)
		if prop == nil {
			if !dynamicAllowed(t, k) {
				c.add(p, c.unknown(t, k))
			}
			continue
		}
		c.value(p, prop, obj[k], false)
	}
}

// unknown explains an undeclared property name.
func (c *checker) unknown(t *Type, name string) string {
	msg := fmt.Sprintf("unknown property '%s' on %s", name, t.Name)
	if d := findDerived(t, name); d != nil {
		return msg + fmt.Sprintf(" (declared on the derived type %s: is \"@odata.type\" missing?)", d.Name)
	}
	if near := nearest(name, t.Properties()); near != "" {
		msg += fmt.Sprintf(" (did you mean '%s'?)", near)
	}
	if t.Open {
		msg += " (an open type, but this name is not one Graph sends as a dynamic property)"
	}
	return msg + "; " + allowedList(t)
}

// allowedList names t's properties, or counts them when there are too many to read.
func allowedList(t *Type) string {
	props := t.Properties()
	if len(props) > 30 {
		return fmt.Sprintf("%s has %d properties", t.Name, len(props))
	}
	return "allowed: " + strings.Join(props, ", ")
}

func (c *checker) annotation(path, name string, v any) {
	switch name {
	case "@odata.count":
		if _, ok := v.(json.Number); !ok {
			c.add(path, "want a number, got "+jsonKind(v))
		}
	case "@odata.context", "@odata.nextLink", "@odata.deltaLink", "@odata.id", "@odata.etag",
		"@odata.editLink", "@odata.readLink", "@odata.type":
		if _, ok := v.(string); !ok {
			c.add(path, "want a string, got "+jsonKind(v))
		}
	}
}

func (c *checker) enum(path string, t *Type, v any) {
	str, ok := v.(string)
	if !ok {
		c.add(path, fmt.Sprintf("want a string member of %s, got %s", t.Name, jsonKind(v)))
		return
	}
	vals := []string{str}
	if t.Flags {
		vals = strings.Split(str, ",")
	}
	for _, m := range vals {
		if m = strings.TrimSpace(m); !t.members[m] {
			msg := fmt.Sprintf("'%s' is not a member of %s", m, t.Name)
			if t.Flags {
				msg = fmt.Sprintf("'%s' (in %q) is not a member of the flags enum %s", m, str, t.Name)
			}
			if near := nearest(m, t.Members); near != "" {
				msg += fmt.Sprintf(" (did you mean '%s'?)", near)
			}
			c.add(path, msg+"; members: "+strings.Join(t.Members, ", "))
		}
	}
}

var (
	dateRE     = regexp.MustCompile(`^-?\d{4,}-\d{2}-\d{2}$`)
	timeRE     = regexp.MustCompile(`^\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?$`)
	guidRE     = regexp.MustCompile(`^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$`)
	durationRE = regexp.MustCompile(`^-?P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
)

// CheckPrimitive returns what is wrong with v as a value of the Edm
// primitive type edm ("Edm.Int32", "Edm.DateTimeOffset", …), or "" when
// nothing is. v is a value decoded by encoding/json with UseNumber: nil,
// bool, json.Number, string, []any or map[string]any.
func CheckPrimitive(edm string, v any) string { return checkPrimitive(edm, v) }

// checkPrimitive returns what is wrong with v as a value of the Edm type, or "".
func checkPrimitive(edm string, v any) string {
	str, isStr := v.(string)
	num, isNum := v.(json.Number)
	want := func(what string) string {
		return fmt.Sprintf("want %s (%s), got %s", what, edm, jsonKind(v))
	}
	switch edm {
	case "Edm.Untyped", "Edm.Stream":
		return ""
	case "Edm.String":
		if !isStr {
			return want("a string")
		}
	case "Edm.Boolean":
		if _, ok := v.(bool); !ok {
			return want("true or false")
		}
	case "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
		if !isNum {
			return want("an integer") // Graph answers IEEE754Compatible=false: Int64 is a number too
		}
		n, err := strconv.ParseInt(num.String(), 10, 64)
		if err != nil {
			f, ferr := num.Float64()
			if ferr != nil || f != math.Trunc(f) {
				return fmt.Sprintf("%s is not an integer (%s)", num, edm)
			}
			n = int64(f)
		}
		lo, hi := intRange(edm)
		if n < lo || n > hi {
			return fmt.Sprintf("%s is out of range for %s", num, edm)
		}
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		if isStr && (str == "INF" || str == "-INF" || str == "NaN") {
			return ""
		}
		if !isNum {
			return want("a number")
		}
	case "Edm.DateTimeOffset":
		if !isStr {
			return want("an RFC 3339 date-time string")
		}
		if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
			return fmt.Sprintf("%q is not an RFC 3339 date-time with offset (%s)", str, edm)
		}
	case "Edm.Date":
		if !isStr || !dateRE.MatchString(str) {
			return wantFormat(v, "YYYY-MM-DD", edm)
		}
	case "Edm.TimeOfDay":
		if !isStr || !timeRE.MatchString(str) {
			return wantFormat(v, "hh:mm:ss[.fffffff]", edm)
		}
	case "Edm.Guid":
		if !isStr || !guidRE.MatchString(str) {
			return wantFormat(v, "a GUID such as 00000000-0000-0000-0000-000000000000", edm)
		}
	case "Edm.Duration":
		if !isStr || !durationRE.MatchString(str) || str == "P" || strings.HasSuffix(str, "T") {
			return wantFormat(v, "an ISO 8601 duration such as PT1H", edm)
		}
	case "Edm.Binary":
		if !isStr {
			return want("a base64 string")
		}
		if !isBase64(str) {
			return fmt.Sprintf("%q is not base64 (%s)", abbreviate(str), edm)
		}
	default:
		return "" // Geography and other kinds Graph v1.0 does not use in payloads we judge
	}
	return ""
}

func wantFormat(v any, format, edm string) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q is not %s (%s)", abbreviate(s), format, edm)
	}
	return fmt.Sprintf("want %s (%s), got %s", format, edm, jsonKind(v))
}

func intRange(edm string) (lo, hi int64) {
	switch edm {
	case "Edm.Byte":
		return 0, math.MaxUint8
	case "Edm.SByte":
		return math.MinInt8, math.MaxInt8
	case "Edm.Int16":
		return math.MinInt16, math.MaxInt16
	case "Edm.Int32":
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

func isBase64(s string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(s); err == nil {
			return true
		}
	}
	return false
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

func jsonKind(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + v.String()
	case string:
		return fmt.Sprintf("the string %q", abbreviate(v))
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// escape escapes a JSON-pointer reference token (RFC 6901).
func escape(s string) string {
	return strings.NewReplacer("~", "~0", "/", "~1").Replace(s)
}

// findDerived returns a type derived from t (at any depth) that declares name.
func findDerived(t *Type, name string) *Type {
	for _, d := range t.derived {
		if d.props[name] != nil {
			return d
		}
		if dd := findDerived(d, name); dd != nil {
			return dd
		}
	}
	return nil
}

// nearest returns the candidate closest to name when it is a likely typo.
func nearest(name string, candidates []string) string {
	best, bestD := "", 3
	for _, c := range candidates {
		if strings.EqualFold(c, name) {
			return c
		}
		if d := editDistance(strings.ToLower(name), strings.ToLower(c)); d < bestD {
			best, bestD = c, d
		}
	}
	return best
}

func editDistance(a, b string) int {
	prev := make([]int, len(b)+1)
	cur := make([]int, len(b)+1)
	for j := range prev {
		prev[j] = j
	}
	for i := 1; i <= len(a); i++ {
		cur[0] = i
		for j := 1; j <= len(b); j++ {
			cost := 1
			if a[i-1] == b[j-1] {
				cost = 0
			}
			cur[j] = min(prev[j]+1, cur[j-1]+1, prev[j-1]+cost)
		}
		prev, cur = cur, prev
	}
	return prev[len(b)]
}
