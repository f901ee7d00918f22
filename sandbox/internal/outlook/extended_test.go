package outlook

import (
	"encoding/json"
	"reflect"
	"testing"
)

func TestExtendedMergeAndExpand(t *testing.T) {
	var x Extended
	if ge := x.Merge(SingleValueProps, json.RawMessage(`[{"id":"String {a} Name x","value":"1"},{"id":"Integer 0x3603","value":"7"}]`)); ge != nil {
		t.Fatal(ge)
	}
	if ge := x.Merge(SingleValueProps, json.RawMessage(`[{"id":"string {A} name X","value":"2"}]`)); ge != nil {
		t.Fatal(ge)
	}
	if ge := x.Merge(SingleValueProps, json.RawMessage(`[{"value":"2"}]`)); ge == nil {
		t.Error("a property without id was taken")
	}
	got := x.Expanded(SingleValueProps, []string{"String {a} Name x"})
	if len(got) != 1 || string(got[0].Value) != `"2"` || len(x.Single) != 2 {
		t.Errorf("after merge: %+v", x)
	}
	ids, ge := ExpandIDs(SingleValueProps, "$filter=id eq 'String {a} Name it''s' or id eq 'Integer 0x3603'")
	if ge != nil || !reflect.DeepEqual(ids, []string{"String {a} Name it's", "Integer 0x3603"}) {
		t.Errorf("ExpandIDs = %q, %v", ids, ge)
	}
	for _, bad := range []string{"", "$select=id", "$filter=value eq '1'"} {
		if _, ge := ExpandIDs(SingleValueProps, bad); ge == nil {
			t.Errorf("ExpandIDs(%q) took it", bad)
		}
	}
}
