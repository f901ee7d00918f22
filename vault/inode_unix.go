//go:build unix

package vault

import (
	"os"
	"syscall"
)

// inode returns the file's inode number, which changes on every atomic replace of the vault.
func inode(fi os.FileInfo) int64 {
	if st, ok := fi.Sys().(*syscall.Stat_t); ok {
		return int64(st.Ino)
	}
	return 0
}
