package broker

import (
	"fmt"
	"strings"

	"github.com/authsome-go/authsome/provider"
	"github.com/authsome-go/authsome/vault"
)

// MetadataBaseURL is the connection metadata key that holds the base URL a templated provider
// (self-hosted GitLab, GitHub Enterprise, Atlassian) was signed in with.
const MetadataBaseURL = "base_url"

// definition returns the provider named name: one of Options.Providers, else the catalogue's.
func (b *Broker) definition(name string) (*provider.Definition, error) {
	if d, ok := b.defs[strings.ToLower(strings.TrimSpace(name))]; ok {
		return d, nil
	}
	d, _, err := b.catalog.Get(name)
	return d, err
}

// ResolveFor returns def as it applies to connection c: with {base_url} filled in from the
// base URL the connection was signed in with (or the definition's default). Definitions
// without templates are returned as they are.
func ResolveFor(def *provider.Definition, c *vault.Connection) (*provider.Definition, error) {
	if !def.Templated() {
		return def, nil
	}
	return def.Resolve(c.Metadata[MetadataBaseURL])
}

// resolveLogin applies a login's --base-url to def. base is the base URL the connection
// remembers: "" for a definition without templates.
func resolveLogin(def *provider.Definition, baseURL string) (resolved *provider.Definition, base string, err error) {
	if !def.Templated() {
		if baseURL != "" {
			return nil, "", fmt.Errorf("--base-url applies only to providers whose endpoints hold %s; %s has none", provider.BaseURLPlaceholder, def.Name)
		}
		return def, "", nil
	}
	if resolved, err = def.Resolve(baseURL); err != nil {
		return nil, "", err
	}
	if baseURL == "" && def.OAuth != nil {
		baseURL = def.OAuth.BaseURL
	}
	base, err = provider.CheckBaseURL(baseURL)
	return resolved, base, err
}
