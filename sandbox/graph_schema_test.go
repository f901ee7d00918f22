package sandbox

import (
	"encoding/base64"
	"encoding/xml"
	"os"
	"slices"
	"strconv"
	"strings"
	"testing"
	"time"
)

// csdl is the part of Graph's v1.0 schema in testdata/graph-mail-schema.xml.
type csdl struct {
	Entities []csdlType `xml:"EntityType"`
	Complex  []csdlType `xml:"ComplexType"`
	Enums    []struct {
		Name    string `xml:"Name,attr"`
		Members []struct {
			Name string `xml:"Name,attr"`
		} `xml:"Member"`
	} `xml:"EnumType"`
}

type csdlType struct {
	Name     string `xml:"Name,attr"`
	BaseType string `xml:"BaseType,attr"`
	Props    []struct {
		Name string `xml:"Name,attr"`
		Type string `xml:"Type,attr"`
	} `xml:"Property"`
}

type schema struct {
	types map[string]map[string]string // type → property → type
	enums map[string][]string
}

func loadSchema(t *testing.T) *schema {
	t.Helper()
	data, err := os.ReadFile("testdata/graph-mail-schema.xml")
	if err != nil {
		t.Fatal(err)
	}
	var c csdl
	if err := xml.Unmarshal(data, &c); err != nil {
		t.Fatal(err)
	}
	s := &schema{types: map[string]map[string]string{}, enums: map[string][]string{}}
	all := append(append([]csdlType{}, c.Entities...), c.Complex...)
	byName := map[string]csdlType{}
	for _, ty := range all {
		byName[ty.Name] = ty
	}
	for _, ty := range all {
		props := map[string]string{}
		for cur, ok := ty, true; ok; cur, ok = byName[strings.TrimPrefix(cur.BaseType, "graph.")] {
			for _, p := range cur.Props {
				props[p.Name] = p.Type
			}
			if cur.BaseType == "" {
				break
			}
		}
		s.types[ty.Name] = props
	}
	for _, e := range c.Enums {
		for _, m := range e.Members {
			s.enums[e.Name] = append(s.enums[e.Name], m.Name)
		}
	}
	return s
}

// check reports members of v that type typ does not have, and values of
// the wrong JSON type or outside their enum.
func (s *schema) check(t *testing.T, where, typ string, v any) {
	t.Helper()
	typ = strings.TrimPrefix(typ, "graph.")
	if inner, ok := strings.CutPrefix(typ, "Collection("); ok {
		arr, ok := v.([]any)
		if !ok {
			t.Errorf("%s: %T, want a collection", where, v)
			return
		}
		for i, x := range arr {
			s.check(t, where+"["+strconv.Itoa(i)+"]", strings.TrimSuffix(inner, ")"), x)
		}
		return
	}
	if v == nil {
		return
	}
	switch typ {
	case "Edm.String":
		if _, ok := v.(string); !ok {
			t.Errorf("%s: %T, want a string", where, v)
		}
		return
	case "Edm.Boolean":
		if _, ok := v.(bool); !ok {
			t.Errorf("%s: %T, want a boolean", where, v)
		}
		return
	case "Edm.Int32":
		if _, ok := v.(float64); !ok {
			t.Errorf("%s: %T, want a number", where, v)
		}
		return
	case "Edm.DateTimeOffset":
		if str, _ := v.(string); str == "" {
			t.Errorf("%s: %v, want a timestamp", where, v)
		} else if _, err := time.Parse(time.RFC3339, str); err != nil {
			t.Errorf("%s: %q: %v", where, str, err)
		}
		return
	case "Edm.Binary":
		if str, _ := v.(string); str == "" {
			t.Errorf("%s: %v, want base64", where, v)
		} else if _, err := base64.StdEncoding.DecodeString(str); err != nil {
			t.Errorf("%s: %q is not base64", where, str)
		}
		return
	}
	if members, ok := s.enums[typ]; ok {
		if !slices.Contains(members, v.(string)) {
			t.Errorf("%s: %q is not a member of %s %v", where, v, typ, members)
		}
		return
	}
	props, ok := s.types[typ]
	if !ok {
		t.Fatalf("%s: type %s is not in the schema excerpt", where, typ)
	}
	obj, ok := v.(map[string]any)
	if !ok {
		t.Errorf("%s: %T, want an object of type %s", where, v, typ)
		return
	}
	for k, x := range obj {
		if strings.HasPrefix(k, "@odata.") {
			continue
		}
		pt, ok := props[k]
		if typ == "message" && k == "attachments" {
			pt, ok = "Collection(graph.fileAttachment)", true // navigation property, with $expand
		}
		if !ok {
			t.Errorf("%s: %s has no property %q", where, typ, k)
			continue
		}
		s.check(t, where+"."+k, pt, x)
	}
}

// TestGraphMailSchema checks what the sandbox emits for mail against Graph's
// v1.0 schema: property names, JSON types and enum values.
func TestGraphMailSchema(t *testing.T) {
	sc := loadSchema(t)
	e := startMail(t)
	adele := e.as(0, rw)
	// Make the rarer shapes appear: a completed flag, headers, a text body.
	id := stableID(AdeleVanceID, "message", "3")
	e.must(200, "PATCH", "/v1.0/me/messages/"+id, adele, map[string]any{"flag": map[string]any{"flagStatus": "complete"},
		"inferenceClassification": "other", "importance": "low"}, nil)
	e.must(202, "POST", "/v1.0/me/sendMail", adele, map[string]any{"message": map[string]any{"subject": "Headers",
		"body":                   map[string]any{"contentType": "text", "content": "x"},
		"toRecipients":           []any{map[string]any{"emailAddress": map[string]any{"address": "MeganB@" + TenantDomain, "name": "Megan"}}},
		"internetMessageHeaders": []any{map[string]any{"name": "X-Sandbox", "value": "1"}}}}, nil)

	for _, m := range e.all("/v1.0/me/messages?$top=100&$expand=attachments&$select=uniqueBody,internetMessageHeaders,"+strings.Join(messageType.Props[2:], ","), adele) {
		sc.check(t, "message "+m["subject"].(string), "message", m)
	}
	for _, f := range e.all("/v1.0/me/mailFolders/inbox/childFolders", adele) {
		sc.check(t, "folder", "mailFolder", f)
	}
	for _, f := range e.all("/v1.0/me/mailFolders?includeHiddenFolders=true", adele) {
		sc.check(t, "folder", "mailFolder", f)
	}
	for _, d := range e.all("/v1.0/me/mailFolders/drafts/messages", adele) {
		sc.check(t, "draft", "message", d)
	}
	delta, _ := e.deltaRound("/v1.0/me/mailFolders/inbox/messages/delta", adele)
	for _, m := range delta {
		sc.check(t, "delta", "message", m)
	}
}
