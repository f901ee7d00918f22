package provider

import (
	"errors"
	"fmt"
	"slices"
	"sort"
	"strings"

	"github.com/authsome-go/authsome/internal/lazyre"
)

// PresetPrefix marks a scope preset in a list of scopes ("@mail"): no provider's own scope
// starts with it.
const PresetPrefix = "@"

var presetNameRE = lazyre.New(`^[a-z][a-z0-9_-]*$`)

// ErrUnknownPreset is returned (wrapped) by [Definition.ExpandScopes] for a preset the
// provider does not define.
var ErrUnknownPreset = errors.New("unknown scope preset")

func (d *Definition) validatePresets(bad func(string, string, ...any) error) error {
	if len(d.ScopePresets) > 0 && d.AuthType != AuthOAuth2 {
		return bad("scope_presets", "is only for oauth2 providers")
	}
	for _, name := range d.PresetNames() {
		field := "scope_presets." + fieldKey(name)
		if !presetNameRE().MatchString(name) {
			return bad(field, "preset names are lower-case letters, digits, '_' or '-', starting with a letter")
		}
		scopes := d.ScopePresets[name]
		if len(scopes) == 0 {
			return bad(field, "lists no scopes")
		}
		for i, s := range scopes {
			if s == "" || strings.ContainsAny(s, " \t\r\n") || strings.HasPrefix(s, PresetPrefix) {
				return bad(fmt.Sprintf("%s[%d]", field, i), "scopes are non-empty, contain no spaces and do not start with %q", PresetPrefix)
			}
		}
	}
	return nil
}

// PresetNames returns the names of the provider's scope presets, sorted.
func (d *Definition) PresetNames() []string {
	names := make([]string, 0, len(d.ScopePresets))
	for n := range d.ScopePresets {
		names = append(names, n)
	}
	sort.Strings(names)
	return names
}

// ExpandScopes replaces each "@name" in scopes with the scopes of the provider's preset of
// that name and drops repeats (the first spelling is kept, compared without letter case).
// An unknown preset is an error wrapping [ErrUnknownPreset] that lists the known ones.
func (d *Definition) ExpandScopes(scopes []string) ([]string, error) {
	var out []string
	add := func(s string) {
		if !slices.ContainsFunc(out, func(o string) bool { return strings.EqualFold(o, s) }) {
			out = append(out, s)
		}
	}
	for _, s := range scopes {
		name, ok := strings.CutPrefix(s, PresetPrefix)
		if !ok {
			add(s)
			continue
		}
		preset, ok := d.ScopePresets[name]
		if !ok {
			known := "none"
			if names := d.PresetNames(); len(names) > 0 {
				known = PresetPrefix + strings.Join(names, ", "+PresetPrefix)
			}
			return nil, fmt.Errorf("%w %q for %s (known: %s)", ErrUnknownPreset, s, d.Name, known)
		}
		for _, p := range preset {
			add(p)
		}
	}
	return out, nil
}
