// Package graphperm is Microsoft's table of Microsoft Graph permissions,
// generated from its permissions reference (../shared/graph-permissions; go
// generate): every delegated permission a work or school account can
// consent to, with the text the consent page shows (the sandbox's identity
// platform accepts exactly these as scopes), every application permission,
// and which permissions grant which request (Lookup: what the sandbox's
// routes accept, and what a 403 from Graph names as missing).
package graphperm

import (
	"strings"
	"sync"
)

// Permission is a Microsoft Graph delegated permission.
type Permission struct {
	Name string // canonical spelling, "Mail.ReadWrite"
	Text string // what the consent page says it allows, for the user
	// AdminConsent is whether an administrator must consent to it.
	AdminConsent bool
}

var byName = sync.OnceValue(func() map[string]Permission {
	m := make(map[string]Permission, len(delegated))
	for _, p := range delegated {
		m[strings.ToLower(p.Name)] = p
	}
	return m
})

// Delegated looks a delegated permission up by name, in any letter case.
func Delegated(name string) (Permission, bool) {
	p, ok := byName()[strings.ToLower(name)]
	return p, ok
}

// DelegatedNames returns the names of every delegated permission.
func DelegatedNames() []string {
	out := make([]string, len(delegated))
	for i, p := range delegated {
		out[i] = p.Name
	}
	return out
}

// ApplicationNames returns the names of every application permission.
func ApplicationNames() []string { return strings.Fields(applicationNames) }
