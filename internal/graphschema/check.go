package graphschema

import (
	"bytes"
	"encoding/json"
	"fmt"
	"regexp"
	"sort"
	"strconv"
	"strings"

	"github.com/authsome-go/authsome/internal/graphschema/edm"
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
//   - it is one of Graph's documented dynamic members listed in knownDynamic,
//     or the type is one whose members are the data itself (listBags: a list
//     item's fieldValueSet holds the list's columns by name).
var (
	extensionName = regexp.MustCompile(`^(extension_[0-9a-fA-F]{32}|ext[a-z0-9]{8})_[A-Za-z][A-Za-z0-9_]*$`)
	knownDynamic  = map[string]map[string]bool{
		// Graph's error responses: innerError carries these besides code and message
		// (https://learn.microsoft.com/graph/errors).
		"microsoft.graph.publicInnerError": {"date": true, "request-id": true, "client-request-id": true},
	}
	listBags = map[string]bool{"microsoft.graph.fieldValueSet": true}
)

func dynamicAllowed(t *Type, name string) bool {
	if !t.Open {
		return false
	}
	if len(t.Properties()) == 0 || listBags[t.Name] || extensionName.MatchString(name) {
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
		return []Problem{{"", "a collection response must be a JSON object, got " + edm.Describe(v)}}
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
		return []Problem{{"", "an error response must be a JSON object, got " + edm.Describe(v)}}
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
			c.add(path, fmt.Sprintf("want a JSON array (Collection(%s)), got %s", p.Type, edm.Describe(v)))
		}
		return
	}
	if v == nil {
		return // nullability is not judged: Graph often omits or nulls non-nullable values in responses
	}
	if strings.HasPrefix(p.Type, "Edm.") {
		if msg := edm.Check(p.Type, v); msg != "" {
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
		c.add(path, fmt.Sprintf("want a JSON object (%s), got %s", t.Name, edm.Describe(v)))
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
			c.add(path, "want a number, got "+edm.Describe(v))
		}
	case "@odata.context", "@odata.nextLink", "@odata.deltaLink", "@odata.id", "@odata.etag",
		"@odata.editLink", "@odata.readLink", "@odata.type":
		if _, ok := v.(string); !ok {
			c.add(path, "want a string, got "+edm.Describe(v))
		}
	}
}

func (c *checker) enum(path string, t *Type, v any) {
	str, ok := v.(string)
	if !ok {
		c.add(path, fmt.Sprintf("want a string member of %s, got %s", t.Name, edm.Describe(v)))
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

func sortedKeys(m map[string]any) []string {
	keys := make([]string, 0, len(m))
	for k := range m {
		keys = append(keys, k)
	}
	sort.Strings(keys)
	return keys
}

// pointerEscaper escapes a JSON-pointer reference token (RFC 6901).
var pointerEscaper = strings.NewReplacer("~", "~0", "/", "~1")

// escape escapes a JSON-pointer reference token (RFC 6901).
func escape(s string) string { return pointerEscaper.Replace(s) }

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
