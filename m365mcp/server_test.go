package m365mcp

import (
	"encoding/json"
	"testing"

	"github.com/google/jsonschema-go/jsonschema"
)

func TestListTools(t *testing.T) {
	e := newEnv(t)
	cs := connect(t, e.server(t, Options{}), allowAll())
	var names []string
	for tool, err := range cs.Tools(t.Context(), nil) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, tool.Name)
		for what, sch := range map[string]any{"input": tool.InputSchema, "output": tool.OutputSchema} {
			b, _ := json.Marshal(sch)
			var s jsonschema.Schema
			if err := json.Unmarshal(b, &s); err != nil {
				t.Fatalf("%s: %s schema: %v", tool.Name, what, err)
			}
			if _, err := s.Resolve(nil); err != nil || s.Type != "object" {
				t.Errorf("%s: %s schema %s: %v", tool.Name, what, b, err)
			}
		}
		if tool.Description == "" || tool.Annotations == nil || tool.Annotations.DestructiveHint == nil {
			t.Errorf("%s: no description or annotations", tool.Name)
		}
	}
	if len(names) != len(e.server(t, Options{}).tools) || len(names) < 25 {
		t.Errorf("tools: %v", names)
	}
	t.Log(names)
}
