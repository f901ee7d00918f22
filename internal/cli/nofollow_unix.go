//go:build unix

package cli

import "syscall"

// oNoFollow makes opening --log-file fail on a symbolic link.
const oNoFollow = syscall.O_NOFOLLOW
