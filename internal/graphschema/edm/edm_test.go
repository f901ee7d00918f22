package edm

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestCheck(t *testing.T) {
	for _, c := range []struct {
		edm  string
		json string
		ok   bool
	}{
		{"Edm.String", `"x"`, true}, {"Edm.String", `3`, false},
		{"Edm.Boolean", `true`, true}, {"Edm.Boolean", `"true"`, false},
		{"Edm.Int32", `2147483647`, true}, {"Edm.Int32", `2147483648`, false}, {"Edm.Int32", `1.5`, false},
		{"Edm.Int64", `9007199254740993`, true}, {"Edm.Double", `1.5`, true}, {"Edm.Double", `"NaN"`, true},
		{"Edm.DateTimeOffset", `"2026-12-02T10:00:00.123Z"`, true}, {"Edm.DateTimeOffset", `"2026-12-02T10:00:00+01:00"`, true},
		{"Edm.DateTimeOffset", `"2026-12-02"`, false}, {"Edm.Date", `"2026-12-02"`, true},
		{"Edm.TimeOfDay", `"08:30:00.0000000"`, true}, {"Edm.Guid", `"66f5a359-4659-4830-9070-00047ec6ac6e"`, true},
		{"Edm.Guid", `"66f5a359"`, false}, {"Edm.Duration", `"PT1H"`, true}, {"Edm.Duration", `"1 hour"`, false},
		{"Edm.Binary", `"aGk="`, true}, {"Edm.Binary", `"not base64!"`, false}, {"Edm.Untyped", `{"a":[1]}`, true},
	} {
		var v any
		d := json.NewDecoder(strings.NewReader(c.json))
		d.UseNumber()
		if err := d.Decode(&v); err != nil {
			t.Fatal(err)
		}
		if got := Check(c.edm, v); (got == "") != c.ok {
			t.Errorf("Check(%s, %s) = %q, want ok=%v", c.edm, c.json, got, c.ok)
		}
	}
}
