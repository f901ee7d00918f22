//go:build unix

package vault

import (
	"os"
	"syscall"
)

// fileOwner returns the uid owning fi's file.
func fileOwner(fi os.FileInfo) (uid int, ok bool) {
	if st, isUnix := fi.Sys().(*syscall.Stat_t); isUnix {
		return int(st.Uid), true
	}
	return 0, false
}
