package provider

import (
	"bytes"
	"encoding/json"
	"errors"
	"fmt"
	"net/url"
	"sort"
	"strings"
)

// Reading a definition file. Besides this project's own form, every provider file of the
// original (Python) authsome 0.2 to 0.7 loads as written:
//
//   - "host_url" (0.2) is "api_url"; "oauth.supports_device_flow" (0.2) is
//     "oauth.supports_device_code"; "oauth.registration_endpoint" (0.2) is
//     "registration.registration_endpoint".
//   - "export" is either the project's map (ENV_NAME → access_token, refresh_token, api_key,
//     api_url or base_url), authsome's flat map (ENV_NAME → ACCESS_TOKEN, REFRESH_TOKEN,
//     API_TOKEN, API_KEY, BASE_URL or API_URL, in any letter case), or authsome's
//     {"env": {"access_token": ENV_NAME, ...}}. In authsome's spellings ACCESS_TOKEN, API_TOKEN
//     and API_KEY all name the provider's credential: the access token of an oauth2 provider,
//     the key of an api_key provider.
//   - "pkce" defaults to true; "api_key.header_prefix" defaults to "Bearer" when the key goes
//     in the Authorization header (null or "" send the raw key); a device_code flow implies
//     supports_device_code.
//   - Names may have upper-case letters; they are lower-cased (export names stay as written).
//   - "api_url" may be left out (most 0.2 files): the credential is exported, routed nowhere.
//   - The first files' "flow": "api_key_prompt" (or "api_key_env") is "api_key".
//   - Keys the project does not use ("metadata", "logo", "type", anything else) are left out
//     and listed in Definition.Ignored, unless they are within two edits of a key the project
//     reads at that level ("scoeps", "tokn_url"): that is a ValidationError naming the key
//     meant.

// compatIgnored are keys of authsome's schema that this project reads nothing from; they
// are ignored without the spelling check (so that "type" is never taken for a typo).
var compatIgnored = map[string]bool{"metadata": true, "logo": true, "type": true}

// member is one key of a JSON object and its raw value, in file order.
type member struct {
	key   string
	value json.RawMessage
}

// decoder reads one definition file, collecting the keys it leaves out.
type decoder struct {
	name    string // the provider's name, once read
	ignored []string
}

// decode builds a Definition from JSON (comments already stripped, duplicate keys already
// refused). It does not validate.
func decode(data []byte) (*Definition, []string, error) {
	var dec decoder
	d := &Definition{}
	var apiURL, hostURL string
	var oauth, apiKey, export, registration json.RawMessage
	present, err := dec.object(data, "", map[string]any{
		"schema_version": &d.SchemaVersion,
		"name":           &d.Name,
		"display_name":   &d.DisplayName,
		"description":    &d.Description,
		"auth_type":      &d.AuthType,
		"flow":           &d.Flow,
		"docs_url":       &d.DocsURL,
		"api_url":        &apiURL,
		"host_url":       &hostURL,
		"oauth":          &oauth,
		"api_key":        &apiKey,
		"export":         &export,
		"registration":   &registration,
		"scope_presets":  &d.ScopePresets,
	})
	if err != nil {
		return nil, nil, err
	}
	if present["api_url"] && present["host_url"] && apiURL != hostURL {
		return nil, nil, &ValidationError{Field: "host_url", Reason: "differs from api_url (host_url is the old name of api_url; give one)"}
	}
	d.APIURL = apiURL
	if d.APIURL == "" {
		d.APIURL = hostURL
	}
	d.Name = strings.ToLower(d.Name)
	dec.name = d.Name
	if !isNull(registration) {
		d.Registration = &Registration{}
		if _, err := dec.object(registration, "registration", map[string]any{
			"registration_endpoint": &d.Registration.RegistrationEndpoint,
		}); err != nil {
			return nil, nil, err
		}
	}
	if !isNull(oauth) {
		if err := dec.oauth(d, oauth); err != nil {
			return nil, nil, err
		}
	}
	if !isNull(apiKey) {
		if err := dec.apiKey(d, apiKey); err != nil {
			return nil, nil, err
		}
	}
	if !isNull(export) {
		if err := dec.export(d, export); err != nil {
			return nil, nil, err
		}
	}
	if d.AuthType == AuthAPIKey && (d.Flow == "" || d.Flow == "api_key_prompt" || d.Flow == "api_key_env") {
		d.Flow = FlowAPIKey // an api_key provider has one flow (authsome's first files named two); "flow" may be left out
	}
	if d.OAuth != nil && d.OAuth.Dialect == "" && isMicrosoftDefinition(d) {
		d.OAuth.Dialect = DialectMicrosoft
	}
	sort.Strings(dec.ignored)
	return d, dec.ignored, nil
}

func (dec *decoder) oauth(d *Definition, raw json.RawMessage) error {
	o := &OAuth{PKCE: true}
	var deviceFlow *bool
	var regEndpoint string
	present, err := dec.object(raw, "oauth", map[string]any{
		"dialect":                  &o.Dialect,
		"authorization_url":        &o.AuthorizationURL,
		"token_url":                &o.TokenURL,
		"device_authorization_url": &o.DeviceAuthorizationURL,
		"revocation_url":           &o.RevocationURL,
		"scopes":                   &o.Scopes,
		"pkce":                     &o.PKCE,
		"supports_device_code":     &o.SupportsDeviceCode,
		"supports_device_flow":     &deviceFlow,
		"supports_dcr":             &o.SupportsDCR,
		"base_url":                 &o.BaseURL,
		"device_token_request":     &o.DeviceTokenRequest,
		"redirect_path":            &o.RedirectPath,
		"registration_endpoint":    &regEndpoint,
	})
	if err != nil {
		return err
	}
	if deviceFlow != nil {
		if present["supports_device_code"] && *deviceFlow != o.SupportsDeviceCode {
			return &ValidationError{Provider: d.Name, Field: "oauth.supports_device_flow", Reason: "differs from supports_device_code (supports_device_flow is its old name; give one)"}
		}
		o.SupportsDeviceCode = *deviceFlow
	}
	if d.Flow == FlowDeviceCode {
		o.SupportsDeviceCode = true
	}
	if regEndpoint != "" {
		switch {
		case d.Registration == nil:
			d.Registration = &Registration{RegistrationEndpoint: regEndpoint}
		case d.Registration.RegistrationEndpoint == "":
			d.Registration.RegistrationEndpoint = regEndpoint
		case d.Registration.RegistrationEndpoint != regEndpoint:
			return &ValidationError{Provider: d.Name, Field: "oauth.registration_endpoint", Reason: "differs from registration.registration_endpoint (give one)"}
		}
	}
	d.OAuth = o
	return nil
}

func (dec *decoder) apiKey(d *Definition, raw json.RawMessage) error {
	k := &APIKey{}
	var prefix *string
	present, err := dec.object(raw, "api_key", map[string]any{
		"header_name":      &k.HeaderName,
		"header_prefix":    &prefix,
		"key_pattern":      &k.KeyPattern,
		"key_pattern_hint": &k.KeyPatternHint,
		"env_var":          &k.EnvVar,
	})
	if err != nil {
		return err
	}
	switch {
	case prefix != nil:
		k.HeaderPrefix = *prefix
	case !present["header_prefix"] && (k.HeaderName == "" || strings.EqualFold(k.HeaderName, "Authorization")):
		k.HeaderPrefix = "Bearer" // authsome's default; null sends the raw key
	}
	d.APIKey = k
	return nil
}

// export reads the three forms of "export" into d.Export.
func (dec *decoder) export(d *Definition, raw json.RawMessage) error {
	members, err := objectMembers(raw, "export")
	if err != nil {
		return err
	}
	out := map[string]string{}
	add := func(field, name, src string) error {
		if prev, ok := out[name]; ok && prev != src {
			return &ValidationError{Provider: d.Name, Field: field, Reason: fmt.Sprintf("%s is exported twice, with different sources", fieldKey(name))}
		}
		out[name] = src
		return nil
	}
	for _, m := range members {
		field := joinPath("export", m.key)
		if m.key == "env" {
			var at, rt, ak *string
			if _, err := dec.object(m.value, field, map[string]any{
				ExportAccessToken:  &at,
				ExportRefreshToken: &rt,
				ExportAPIKey:       &ak,
			}); err != nil {
				return err
			}
			for _, e := range []struct {
				src  string
				name *string
			}{{ExportAccessToken, at}, {ExportRefreshToken, rt}, {ExportAPIKey, ak}} {
				if e.name != nil {
					if err := add(joinPath(field, e.src), *e.name, e.src); err != nil {
						return err
					}
				}
			}
			continue
		}
		var src *string
		if err := decodeValue(m.value, &src, field); err != nil {
			return err
		}
		if src == nil {
			continue
		}
		if err := add(field, m.key, exportSource(*src, d.AuthType)); err != nil {
			return err
		}
	}
	d.Export = out
	return nil
}

// exportSource maps a source as written to the project's constant. The project's names are
// lower case and kept as they are (Validate checks them); anything else is authsome's
// upper-case vocabulary, read in any letter case.
func exportSource(src string, auth AuthType) string {
	if src == strings.ToLower(src) {
		return src
	}
	switch strings.ToLower(src) {
	case "access_token", "api_token", "api_key":
		if auth == AuthAPIKey {
			return ExportAPIKey
		}
		return ExportAccessToken
	case "refresh_token":
		return ExportRefreshToken
	case "api_url":
		return ExportAPIURL
	case "base_url":
		return ExportBaseURL
	}
	return src
}

// object decodes the JSON object raw: each key of known into its target (a pointer), the
// others into the ignored list, unless a key looks like a misspelt known key. It returns the
// keys present. null stands for an absent object.
func (dec *decoder) object(raw json.RawMessage, path string, known map[string]any) (map[string]bool, error) {
	members, err := objectMembers(raw, path)
	if err != nil {
		err.(*ValidationError).Provider = dec.name
		return nil, err
	}
	present := map[string]bool{}
	for _, m := range members {
		field := joinPath(path, m.key)
		if target, ok := known[m.key]; ok {
			if err := decodeValue(m.value, target, field); err != nil {
				err.(*ValidationError).Provider = dec.name
				return nil, err
			}
			present[m.key] = true
			continue
		}
		if !compatIgnored[m.key] {
			if meant := nearestKey(m.key, known); meant != "" {
				return nil, &ValidationError{Provider: dec.name, Field: field, Reason: fmt.Sprintf("unknown key; did you mean %q?", meant)}
			}
		}
		dec.ignored = append(dec.ignored, field)
	}
	return present, nil
}

// objectMembers returns the keys and values of the JSON object raw in file order; null is
// an empty object.
func objectMembers(raw json.RawMessage, path string) ([]member, error) {
	notObject := &ValidationError{Field: path, Reason: "must be a JSON object"}
	if path == "" {
		notObject.Field = "(json)"
	}
	if isNull(raw) {
		return nil, nil
	}
	dec := json.NewDecoder(bytes.NewReader(raw))
	if tok, err := dec.Token(); err != nil || tok != json.Delim('{') {
		return nil, notObject
	}
	var out []member
	for dec.More() {
		tok, err := dec.Token()
		if err != nil {
			return nil, notObject
		}
		var m member
		m.key, _ = tok.(string)
		if err := dec.Decode(&m.value); err != nil {
			return nil, notObject
		}
		out = append(out, m)
	}
	if _, err := dec.Token(); err != nil {
		return nil, notObject
	}
	return out, nil
}

// decodeValue decodes one value into target, naming field and the expected type on error.
// The error is always a *ValidationError.
func decodeValue(raw json.RawMessage, target any, field string) error {
	err := json.Unmarshal(raw, target)
	if err == nil {
		return nil
	}
	var typ *json.UnmarshalTypeError
	if !errors.As(err, &typ) {
		return &ValidationError{Field: field, Reason: err.Error()}
	}
	want := "of another type"
	switch target.(type) {
	case *string, **string, *AuthType, *Flow:
		want = "a string"
	case *bool, **bool:
		want = "true or false"
	case *int:
		want = "a whole number"
	case *[]string:
		want = "a list of strings"
	case *json.RawMessage:
		want = "a JSON object"
	}
	return &ValidationError{Field: field, Reason: fmt.Sprintf("must be %s, not %s", want, typ.Value)}
}

func isNull(raw json.RawMessage) bool {
	return len(raw) == 0 || string(bytes.TrimSpace(raw)) == "null"
}

func joinPath(path, key string) string {
	if path == "" {
		return fieldKey(key)
	}
	return path + "." + fieldKey(key)
}

// nearestKey returns the known key within two edits of key (letter case ignored), or "".
func nearestKey(key string, known map[string]any) string {
	best, bestDist := "", 3
	lower := strings.ToLower(key)
	for k := range known {
		if d := editDistance(lower, k); d < bestDist || d == bestDist && k < best {
			best, bestDist = k, d
		}
	}
	return best
}

// editDistance is the Damerau-Levenshtein distance (optimal string alignment) of a and b:
// insertions, deletions, substitutions and swaps of neighbours each count one.
func editDistance(a, b string) int {
	if len(a) > 64 || len(b) > 64 {
		if a == b {
			return 0
		}
		return 64
	}
	prev2 := make([]int, len(b)+1)
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
			if i > 1 && j > 1 && a[i-1] == b[j-2] && a[i-2] == b[j-1] {
				cur[j] = min(cur[j], prev2[j-2]+1)
			}
		}
		prev2, prev, cur = prev, cur, prev2
	}
	return prev[len(b)]
}

// microsoftAuthorities are the sign-in hosts of the Microsoft identity platform in each cloud
// (global, US Government, China operated by 21Vianet in both its names).
var microsoftAuthorities = map[string]bool{
	"login.microsoftonline.com":        true,
	"login.microsoftonline.us":         true,
	"login.chinacloudapi.cn":           true,
	"login.partner.microsoftonline.cn": true,
}

// isMicrosoftDefinition reports whether d signs in with the Microsoft identity platform: it is
// named microsoft, or its OAuth endpoints are a Microsoft authority's. Such definitions keep
// the Microsoft dialect (tenants, clouds, AADSTS errors) without saying so.
func isMicrosoftDefinition(d *Definition) bool {
	if d.Name == "microsoft" {
		return true
	}
	for _, raw := range []string{d.OAuth.AuthorizationURL, d.OAuth.TokenURL, d.OAuth.DeviceAuthorizationURL} {
		if u, err := url.Parse(raw); err == nil && u.Scheme == "https" && microsoftAuthorities[strings.ToLower(u.Hostname())] {
			return true
		}
	}
	return false
}
