// Package sandboxfile is the schema of sandbox.json, the state file `authsome sandbox` writes
// into the home folder while it runs and the broker reads to reach it: one definition for the
// writer (package sandbox) and the readers (broker, the CLI, tests).
package sandboxfile

import (
	"encoding/json"
	"fmt"
	"os"

	"github.com/authsome-go/authsome/internal/atomicfile"
)

// Name is the name of the file inside the home folder.
const Name = "sandbox.json"

// User is a seeded user of the sandbox tenant.
type User struct {
	ID                string `json:"id"`
	UserPrincipalName string `json:"userPrincipalName"`
	Password          string `json:"password"`
}

// Info is the content of sandbox.json: what a client needs to use the sandbox.
type Info struct {
	URL                      string `json:"url"`
	CAFile                   string `json:"ca_file"`
	TenantID                 string `json:"tenant_id"`
	PublicClientID           string `json:"public_client_id"`
	ConfidentialClientID     string `json:"confidential_client_id"`
	ConfidentialClientSecret string `json:"confidential_client_secret"`
	Users                    []User `json:"users"`
	// ControlToken is the bearer token the sandbox's control API requires, when it does.
	ControlToken string `json:"control_token,omitempty"`
}

// Write writes info to path as indented JSON with mode 0600 (it holds a client secret and
// the fake users' passwords), replacing the file atomically.
func Write(path string, info Info) error {
	data, err := json.MarshalIndent(info, "", "  ")
	if err != nil {
		return err
	}
	return atomicfile.Write(path, append(data, '\n'), 0o600)
}

// Read reads a file written by [Write]; a missing file is an error that matches
// [os.ErrNotExist].
func Read(path string) (Info, error) {
	var info Info
	data, err := os.ReadFile(path)
	if err != nil {
		return info, err
	}
	if err := json.Unmarshal(data, &info); err != nil {
		return info, fmt.Errorf("%s: %v", path, err)
	}
	return info, nil
}
