package msalcache

import (
	"encoding/json"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"
)

// Renewed is what a refresh gave a sign-in: a new access token and, when the identity platform
// rotated it, a new refresh token.
type Renewed struct {
	AccessToken  string
	RefreshToken string // "" keeps the current one
	TokenType    string // "" means Bearer
	Expiry       time.Time
	Scopes       []string // the access token's scopes
	Now          time.Time
}

// Update returns the cache raw with sign-in s renewed as MSAL would record it: the refresh
// token's secret replaced, and the access token for the same scopes replaced by the new one.
// Every other entry and field is kept as it is, so that the MSAL application that shares the
// cache keeps working with it.
func Update(raw []byte, s SignIn, r Renewed) ([]byte, error) {
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("%w: it is not a JSON object", ErrUnknownFormat)
	}
	rts, err := section(top, "RefreshToken")
	if err != nil {
		return nil, err
	}
	ats, err := section(top, "AccessToken")
	if err != nil {
		return nil, err
	}
	mine := func(e map[string]any) bool {
		return str(e, "home_account_id") == s.HomeAccountID && str(e, "environment") == s.Environment && str(e, "client_id") == s.ClientID
	}
	found := false
	for _, e := range rts {
		if mine(e) {
			found = true
			if r.RefreshToken != "" {
				e["secret"] = r.RefreshToken
			}
		}
	}
	if !found {
		return nil, errors.New("msalcache: the sign-in's refresh token is no longer in the cache")
	}
	target := strings.Join(r.Scopes, " ")
	for k, e := range ats {
		if mine(e) && str(e, "realm") == s.Tenant && strings.EqualFold(str(e, "target"), target) {
			delete(ats, k)
		}
	}
	typ := r.TokenType
	if typ == "" {
		typ = "Bearer"
	}
	unix := func(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }
	key := strings.ToLower(strings.Join([]string{s.HomeAccountID, s.Environment, "accesstoken", s.ClientID, s.Tenant, target}, "-"))
	ats[key] = map[string]any{
		"home_account_id": s.HomeAccountID, "environment": s.Environment, "credential_type": "AccessToken",
		"client_id": s.ClientID, "realm": s.Tenant, "target": target, "secret": r.AccessToken, "token_type": typ,
		"cached_at": unix(r.Now), "expires_on": unix(r.Expiry), "extended_expires_on": unix(r.Expiry),
	}
	for name, entries := range map[string]map[string]map[string]any{"RefreshToken": rts, "AccessToken": ats} {
		if top[name], err = json.Marshal(entries); err != nil {
			return nil, err
		}
	}
	return json.MarshalIndent(top, "", "    ")
}

// Add returns the cache raw (empty: a new cache) with sign-in s added as MSAL records a
// sign-in: its account, refresh token, access token (when s has one, for s.Scopes), id token
// (when s has one) and application. Entries of the same keys are replaced; every other entry is
// kept.
func Add(raw []byte, s SignIn) ([]byte, error) {
	if len(raw) == 0 {
		raw = []byte("{}")
	}
	var top map[string]json.RawMessage
	if err := json.Unmarshal(raw, &top); err != nil {
		return nil, fmt.Errorf("%w: it is not a JSON object", ErrUnknownFormat)
	}
	if top == nil {
		top = map[string]json.RawMessage{}
	}
	join := func(parts ...string) string { return strings.ToLower(strings.Join(parts, "-")) }
	hid, env := s.HomeAccountID, s.Environment
	add := map[string]map[string]map[string]any{
		"Account": {join(hid, env, s.Tenant): {"home_account_id": hid, "environment": env, "realm": s.Tenant,
			"local_account_id": s.ObjectID, "username": s.Username, "name": s.Name, "authority_type": "MSSTS"}},
		"RefreshToken": {join(hid, env, "refreshtoken", s.ClientID, "", ""): {"home_account_id": hid, "environment": env,
			"credential_type": "RefreshToken", "client_id": s.ClientID, "secret": s.RefreshToken, "family_id": s.FamilyID,
			"target": strings.Join(s.Scopes, " ")}},
		"AppMetadata": {join("appmetadata", env, s.ClientID): {"client_id": s.ClientID, "environment": env, "family_id": s.FamilyID}},
	}
	if s.IDToken != "" {
		add["IdToken"] = map[string]map[string]any{join(hid, env, "idtoken", s.ClientID, s.Tenant, ""): {"home_account_id": hid,
			"environment": env, "credential_type": "IdToken", "client_id": s.ClientID, "realm": s.Tenant, "secret": s.IDToken}}
	}
	for name, entries := range add {
		sec, err := section(top, name)
		if err != nil {
			return nil, err
		}
		for k, e := range entries {
			for f, v := range e {
				if v == "" {
					delete(e, f)
				}
			}
			sec[k] = e
		}
		if top[name], err = json.Marshal(sec); err != nil {
			return nil, err
		}
	}
	out, err := json.Marshal(top)
	if err != nil || s.AccessToken == "" {
		return out, err
	}
	return Update(out, s, Renewed{AccessToken: s.AccessToken, TokenType: s.TokenType, Expiry: s.Expiry, Scopes: s.Scopes, Now: time.Now()})
}

// section decodes one section of the cache as entries of free-form fields.
func section(top map[string]json.RawMessage, name string) (map[string]map[string]any, error) {
	out := map[string]map[string]any{}
	if raw, ok := top[name]; ok && string(raw) != "null" {
		var entries map[string]json.RawMessage
		if err := json.Unmarshal(raw, &entries); err != nil {
			return nil, fmt.Errorf("%w: its %s section is not an object", ErrUnknownFormat, name)
		}
		for k, e := range entries {
			var fields map[string]any
			if json.Unmarshal(e, &fields) == nil && fields != nil {
				out[k] = fields
			}
		}
	}
	return out, nil
}

func str(e map[string]any, k string) string {
	s, _ := e[k].(string)
	return s
}
