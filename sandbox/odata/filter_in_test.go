package odata

import (
	"encoding/json"
	"strings"
	"testing"
)

func TestFilterIn(t *testing.T) {
	objs := objects(t)
	for _, tc := range []struct{ filter, want string }{
		{"subject in ('LUNCH','budget plan')", "1,2"}, // case-insensitive, as eq
		{"subject in ('lunch')", "2"},
		{"subject in ('it''s','Re: budget')", "3"},
		{"importance in ('high')", "1"},
		{"size in (5,10)", "1,2"},
		{"size in (5, 10.0)", "1,2"},
		{"size in (4,6)", ""},
		{"size in (null)", "3"},
		{"size in (null,5)", "2,3"},
		{"isRead in (true)", "2"},
		{"receivedDateTime in (2025-03-01T10:00:00Z,2025-02-27T08:30:00Z)", "1,3"},
		{"id in ('1','3') and not isRead", "1,3"},
		{"not (subject in ('lunch'))", "1,3"},
		{"not subject in ('lunch')", "1,3"}, // in binds tighter than not
		{"NOT (id IN ('2'))", "1,3"},
		{"id in ('2') or size in (10)", "1,2"},
		{"(id in ('2')) eq true", "2"}, // in binds tighter than eq
		{"tolower(subject) in ('lunch','x')", "2"},
		{"from/emailAddress/address in ('adelev@contoso.sandbox','x@y')", "1"},
		{"toRecipients/any(r:r/emailAddress/address in ('MEGANB@contoso.sandbox','nobody@contoso.sandbox'))", "2"},
		{"toRecipients/all(r:r/emailAddress/address in ('adelev@contoso.sandbox','meganb@contoso.sandbox'))", "2,3"},
		{"categories/any(c:c in ('blue','green'))", "1"},
		{"categories/any(c:not (c in ('red')))", "1"},
	} {
		if got := matching(t, tc.filter, msgType, objs); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.filter, got, tc.want)
		}
	}
}

func TestFilterInErrors(t *testing.T) {
	for _, tc := range []struct{ filter, msg string }{
		// OData 4.01's list has a member; Graph's parser refuses an empty one
		// (msgraph.In with no values writes false instead).
		{"id in ()", "The right operand for the IN operation is not a collection value."},
		{"id in ( )", "not a collection value"},
		{"id in 'a'", "must be a list of literals in parentheses"},
		{"id in categories", "must be a list of literals in parentheses"},
		{"id in (subject)", "must be a list of literals in parentheses"},
		{"id in ('a',subject)", "must be a list of literals in parentheses"},
		{"id in (('a'))", "must be a list of literals in parentheses"},
		{"id in ('a',)", "must be a list of literals in parentheses"},
		{"id in ('a'", "expected ',' or ')' in the list of 'in'"},
		{"id in ('a' 'b')", "expected ',' or ')' in the list of 'in'"},
		{"id in", "must be a list of literals in parentheses"},
		{"id in ('a') in ('b')", "syntax error at position"},
		{"isRead in ('true')", "Found operand types 'Edm.Boolean' and 'Edm.String' for operator kind 'In'."},
		{"size in (1,'2')", "'Edm.Int32' and 'Edm.String' for operator kind 'In'"},
		{"receivedDateTime in ('2025-01-01')", "'Edm.DateTimeOffset' and 'Edm.String' for operator kind 'In'"},
		{"importance in (true)", "'microsoft.graph.importance' and 'Edm.Boolean' for operator kind 'In'"},
		{"subject in (3fa85f64-5717-4562-b3fc-2c963f66afa6)", "'Edm.String' and 'Edm.Guid' for operator kind 'In'"},
		// has stays refused; so do the arithmetic operators.
		{"importance has microsoft.graph.importance'high'", "The operator 'has' is not supported by the sandbox."},
		{"size add 1 eq 2", "The operator 'add' is not supported by the sandbox."},
	} {
		wantBadRequest(t, tc.filter, msgType, tc.msg)
	}
}

// guidType has Edm.Guid properties: tenantId, and skuId in the complex
// collection assignedLicenses; its id is an Edm.String, as on Graph's
// directory objects.
var guidType = &Type{
	Name:  "microsoft.graph.user",
	Props: []string{"id", "displayName", "tenantId", "assignedLicenses", "emailAddresses"},
	PropTypes: map[string]string{"id": "Edm.String", "displayName": "Edm.String", "tenantId": "Edm.Guid",
		"assignedLicenses/skuId": "Edm.Guid", "emailAddresses/address": "Edm.String"},
}

const guidDocs = `[
 {"id":"3fa85f64-5717-4562-b3fc-2c963f66afa6","displayName":"Adele","tenantId":"9d5c3e1a-0000-4000-8000-00000000000a",
  "assignedLicenses":[{"skuId":"6fd2c87f-b296-42f0-b197-1e91e994b900"}],"emailAddresses":[{"address":"adele@contoso.sandbox"}]},
 {"id":"7b1d4f2e-1c3a-4e5b-9f6d-8a7c6b5e4d3c","displayName":"Alex","tenantId":"9D5C3E1A-0000-4000-8000-00000000000B",
  "assignedLicenses":[{"skuId":"c7df2760-2c81-4ef7-b578-5b5392b571df"},{"skuId":"6fd2c87f-b296-42f0-b197-1e91e994b900"}],
  "emailAddresses":[{"address":"alex@contoso.sandbox"},{"address":"alexw@fabrikam.sandbox"}]},
 {"id":"x","displayName":"Megan","tenantId":null,"assignedLicenses":[],"emailAddresses":[]}
]`

func guidObjects(t *testing.T) []map[string]any {
	t.Helper()
	var out []map[string]any
	if err := json.Unmarshal([]byte(guidDocs), &out); err != nil {
		t.Fatal(err)
	}
	return out
}

func TestFilterGUID(t *testing.T) {
	objs := guidObjects(t)
	const a, b = "3fa85f64-5717-4562-b3fc-2c963f66afa6", "7b1d4f2e-1c3a-4e5b-9f6d-8a7c6b5e4d3c"
	for _, tc := range []struct{ filter, want string }{
		{"tenantId eq 9d5c3e1a-0000-4000-8000-00000000000a", a},
		{"tenantId eq 9D5C3E1A-0000-4000-8000-00000000000A", a}, // GUIDs compare without case
		{"tenantId eq 9d5c3e1a-0000-4000-8000-00000000000b", b},
		{"tenantId ne 9d5c3e1a-0000-4000-8000-00000000000a", b + ",x"},
		{"tenantId eq null", "x"},
		{"tenantId in (9d5c3e1a-0000-4000-8000-00000000000a,9d5c3e1a-0000-4000-8000-00000000000b)", a + "," + b},
		{"assignedLicenses/any(l:l/skuId eq 6fd2c87f-b296-42f0-b197-1e91e994b900)", a + "," + b},
		{"assignedLicenses/any(l:l/skuId eq c7df2760-2c81-4ef7-b578-5b5392b571df)", b},
		{"assignedLicenses/any(l:l/skuId in (c7df2760-2c81-4ef7-b578-5b5392b571df,00000000-0000-0000-0000-000000000000))", b},
		{"not assignedLicenses/any(l:l/skuId eq c7df2760-2c81-4ef7-b578-5b5392b571df)", a + ",x"},
		// A quoted GUID is a string, for a string property.
		{"id eq '" + a + "'", a},
		{"id in ('" + strings.ToUpper(a) + "','" + b + "')", a + "," + b},
		{"emailAddresses/any(e:e/address in ('ALEX@contoso.sandbox','nobody@contoso.sandbox'))", b},
	} {
		if got := matching(t, tc.filter, guidType, objs); got != tc.want {
			t.Errorf("%s: got %q, want %q", tc.filter, got, tc.want)
		}
	}
}

func TestFilterGUIDErrors(t *testing.T) {
	const g = "3fa85f64-5717-4562-b3fc-2c963f66afa6"
	for _, tc := range []struct{ filter, msg string }{
		// Graph's message from its OData parser, for an Edm.String id.
		{"id eq " + g, "A binary operator with incompatible types was detected. Found operand types 'Edm.String' and 'Edm.Guid' for operator kind 'Equal'."},
		{g + " eq id", "Found operand types 'Edm.Guid' and 'Edm.String' for operator kind 'Equal'."},
		{"id in ('x'," + g + ")", "Found operand types 'Edm.String' and 'Edm.Guid' for operator kind 'In'."},
		{"emailAddresses/any(e:e/address eq " + g + ")", "'Edm.String' and 'Edm.Guid' for operator kind 'Equal'"},
		// An Edm.Guid takes no quoted string, as in Graph.
		{"tenantId eq '" + g + "'", "Found operand types 'Edm.Guid' and 'Edm.String' for operator kind 'Equal'."},
		{"assignedLicenses/any(l:l/skuId eq '" + g + "')", "'Edm.Guid' and 'Edm.String' for operator kind 'Equal'"},
		{"tenantId gt 5", "'Edm.Guid' and 'Edm.Int32' for operator kind 'GreaterThan'"},
		// Not a GUID: a digit short, a character too many, braces.
		{"tenantId eq 3fa85f64-5717-4562-b3fc-2c963f66afa", "not a valid number literal"},
		{"tenantId eq " + g + "0", "not a valid number literal"},
		{"tenantId eq " + g + "x", "not a valid number literal"},
		{"tenantId eq {" + g + "}", "character '{' is not valid"},
	} {
		wantBadRequest(t, tc.filter, guidType, tc.msg)
	}
	// Without a type, a GUID is a literal like any other.
	e, err := ParseFilter("x eq "+strings.ToUpper(g), nil)
	if err != nil || e.String() != "(x eq "+g+")" || !Match(e, map[string]any{"x": g}) {
		t.Errorf("untyped GUID: %v %v", e, err)
	}
}
