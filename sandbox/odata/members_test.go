package odata

import (
	"encoding/json"
	"reflect"
	"testing"
)

func checkMembers(t *testing.T, data []byte) {
	var want map[string]json.RawMessage
	wantErr := json.Unmarshal(data, &want)
	got, err := Members(data)
	if wantErr != nil {
		return // Members is only defined on valid JSON
	}
	if want == nil { // JSON null
		if err == nil {
			t.Errorf("%q: no error for null", data)
		}
		return
	}
	if err != nil {
		t.Fatalf("%q: %v", data, err)
	}
	g := map[string]json.RawMessage{}
	for k, v := range got {
		g[k] = v.(json.RawMessage)
	}
	if !reflect.DeepEqual(g, want) {
		t.Errorf("%q:\n got %q\nwant %q", data, g, want)
	}
}

func TestMembers(t *testing.T) {
	for _, s := range []string{
		`{}`, ` { } `, `{"a":1}`, `{"a":"x,}]\"{","b":[1,{"c":"]"}],"d":{"e":null},"f":true,"g":-1.5e3}`,
		`{"a" : [ ] , "b" : { } }`, `{"\u00e9\"":"\\"}`, `{"a":1,"a":2}`, `[1]`, `"x"`, `null`,
	} {
		checkMembers(t, []byte(s))
	}
	for _, bad := range []string{`[1]`, `"x"`, `1`} {
		if _, err := Members([]byte(bad)); err == nil {
			t.Errorf("%s: no error", bad)
		}
	}
}

func FuzzMembers(f *testing.F) {
	f.Add([]byte(`{"a":"x,}]\"{","b":[1,{"c":"]"}],"d":{"e":null}}`))
	f.Fuzz(func(t *testing.T, data []byte) { checkMembers(t, data) })
}
