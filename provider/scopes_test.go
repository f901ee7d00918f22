package provider

import (
	"errors"
	"slices"
	"strings"
	"testing"
)

const presetBase = `{"name": "acme", "display_name": "Acme", "auth_type": "oauth2", "flow": "pkce",
  "oauth": {"authorization_url": "https://acme.test/a", "token_url": "https://acme.test/t", "scopes": ["read"]},
  "scope_presets": %s}`

func TestScopePresetsParse(t *testing.T) {
	d, err := Parse([]byte(strings.Replace(presetBase, "%s", `{"docs": ["docs.read", "docs.write"], "all-2": ["read", "write"]}`, 1)))
	if err != nil {
		t.Fatal(err)
	}
	if got := d.PresetNames(); !slices.Equal(got, []string{"all-2", "docs"}) {
		t.Errorf("PresetNames = %v", got)
	}
	got, err := d.ExpandScopes([]string{"read", "@docs", "@all-2", "Docs.Read"})
	if err != nil {
		t.Fatal(err)
	}
	if want := []string{"read", "docs.read", "docs.write", "write"}; !slices.Equal(got, want) {
		t.Errorf("ExpandScopes = %v, want %v (repeats dropped)", got, want)
	}
	_, err = d.ExpandScopes([]string{"@nope"})
	if !errors.Is(err, ErrUnknownPreset) || !strings.Contains(err.Error(), "@all-2, @docs") {
		t.Errorf("unknown preset: %v; want ErrUnknownPreset listing @all-2, @docs", err)
	}

	for _, tt := range []struct{ presets, field string }{
		{`{"Docs": ["a"]}`, "scope_presets.Docs"},
		{`{"1x": ["a"]}`, "scope_presets.1x"},
		{`{"docs": []}`, "scope_presets.docs"},
		{`{"docs": ["a b"]}`, "scope_presets.docs[0]"},
		{`{"docs": ["@mail"]}`, "scope_presets.docs[0]"},
	} {
		_, err := Parse([]byte(strings.Replace(presetBase, "%s", tt.presets, 1)))
		var ve *ValidationError
		if !errors.As(err, &ve) || ve.Field != tt.field {
			t.Errorf("scope_presets %s: %v; want a ValidationError on %s", tt.presets, err, tt.field)
		}
	}
}

// TestMicrosoftScopePresets: the bundled Microsoft definition has the documented presets.
func TestMicrosoftScopePresets(t *testing.T) {
	d := bundledDefs(t)["microsoft"]
	want := []string{"calendar", "contacts", "directory", "files", "mail", "sites", "tasks", "teams"}
	if got := d.PresetNames(); !slices.Equal(got, want) {
		t.Errorf("presets %v, want %v", got, want)
	}
	mail, err := d.ExpandScopes([]string{"@mail"})
	if err != nil || !slices.Contains(mail, "Mail.Send") {
		t.Errorf("@mail = %v, %v; want Mail.Send in it", mail, err)
	}
}
