package graphschema

import (
	"strings"
	"testing"
)

// FuzzCheckJSON: any bytes are judged without a panic, and every problem
// points into the document.
func FuzzCheckJSON(f *testing.F) {
	for _, seed := range []string{
		`{"@odata.type":"#microsoft.graph.fileAttachment","contentBytes":"aGk="}`,
		`{"attachments":[{"@odata.type":"#microsoft.graph.itemAttachment","item":{"@odata.type":"#microsoft.graph.message","days":"monday,,x"}}]}`,
		`{"size":1e400,"big":-0.0,"score":"INF","span":"P","at":"25:61","from":{"emailAddress":null},"a~/b@c":[]}`,
		`{"value":[{"subject":1}],"@odata.count":"x"}`, `null`, `[]`, `"x"`, `{`,
	} {
		f.Add(seed)
	}
	s, err := Parse(strings.NewReader(tiny))
	if err != nil {
		f.Fatal(err)
	}
	f.Fuzz(func(t *testing.T, doc string) {
		for _, ps := range [][]Problem{s.CheckJSON("message", []byte(doc)), s.CheckCollection("message", []byte(doc))} {
			for _, p := range ps {
				if p.Path != "" && !strings.HasPrefix(p.Path, "/") || p.Message == "" {
					t.Fatalf("bad problem %+v", p)
				}
			}
		}
	})
}
