//go:build unix

package cli

import "syscall"

// Homes made with t.TempDir() follow the umask, and authsome refuses a home or profile
// folder others can write (as it must): under a umask of 002 every test home would be
// refused. The tests pin the umask of a default install; the refusal has its own tests.
func init() { syscall.Umask(0o022) }
