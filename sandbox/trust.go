package sandbox

import (
	"path/filepath"
	"strings"
)

// TrustStep is one way to make a trust store trust the sandbox's CA: what
// `authsome sandbox trust` prints (and, for the user's own stores, runs)
// and what the status page shows.
type TrustStep struct {
	Store    string     `json:"store"`
	Commands [][]string `json:"commands"`
	// User is whether the step changes only the user's own store.
	User bool `json:"user"`
}

// TrustSteps are the ways to trust caFile on goos for the user whose home
// folder is homeDir, the user's own stores first.
func TrustSteps(goos, caFile, homeDir string) []TrustStep {
	switch goos {
	case "darwin":
		return []TrustStep{{"login keychain", [][]string{{"security", "add-trusted-cert", "-r", "trustRoot", "-k", filepath.Join(homeDir, "Library/Keychains/login.keychain-db"), caFile}}, true}}
	case "windows":
		return []TrustStep{{"current user's Root store", [][]string{{"certutil", "-user", "-addstore", "Root", caFile}}, true}}
	}
	return []TrustStep{
		{"NSS database (Chrome, Chromium, Firefox)", [][]string{{"certutil", "-d", "sql:" + filepath.Join(homeDir, ".pki/nssdb"), "-A", "-t", "C,,", "-n", "authsome sandbox", "-i", caFile}}, true},
		{"system store (Debian, Ubuntu: curl, Python, Go)", [][]string{
			{"sudo", "cp", caFile, "/usr/local/share/ca-certificates/authsome-sandbox.crt"}, {"sudo", "update-ca-certificates"}}, false},
	}
}

// Lines are the step's commands as lines to paste into a POSIX shell, the
// arguments that need it single-quoted.
func (s TrustStep) Lines() []string {
	out := make([]string, len(s.Commands))
	for i, args := range s.Commands {
		q := make([]string, len(args))
		for j, a := range args {
			q[j] = a
			if a == "" || strings.Trim(a, "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_./:=@%+-") != "" {
				q[j] = "'" + strings.ReplaceAll(a, "'", `'\''`) + "'"
			}
		}
		out[i] = strings.Join(q, " ")
	}
	return out
}
