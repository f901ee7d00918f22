package vault

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"os"
	"time"
)

// LockConnection takes the cross-process refresh lock of one connection of this profile (see
// [Store.Lock]): whoever refreshes the connection's token holds it from re-reading the vault
// until the rotated token is written. A crashed holder releases it.
func (s *Store) LockConnection(ctx context.Context, provider, name string) (unlock func(), err error) {
	return s.Lock(ctx, "refresh-"+provider+"-"+name)
}

// Version returns a value that changes whenever the vault file changes, usually at the cost of
// one stat: every write replaces the file by rename, so its inode, size and modification time
// identify one version. Two writes within the file system's timestamp granularity may reuse
// an inode and a size, so while the file is younger than [settleTime] a hash of its content
// (whose nonce is new on every write) is added. Without a vault it is "none".
func (s *Store) Version(ctx context.Context) (string, error) {
	if err := ctx.Err(); err != nil {
		return "", err
	}
	fi, err := os.Stat(s.path)
	if errors.Is(err, os.ErrNotExist) {
		return "none", nil
	}
	if err != nil {
		return "", fmt.Errorf("vault: %w", err)
	}
	v := fmt.Sprintf("%d-%d-%d", inode(fi), fi.Size(), fi.ModTime().UnixNano())
	if time.Since(fi.ModTime()) >= settleTime {
		return v, nil
	}
	b, err := os.ReadFile(s.path)
	if err != nil {
		return "", fmt.Errorf("vault: %w", err)
	}
	sum := sha256.Sum256(b)
	return v + "-" + hex.EncodeToString(sum[:8]), nil
}

// settleTime is how old the vault file must be for its stat alone to identify it: more than
// the coarsest modification-time granularity of common file systems.
const settleTime = 3 * time.Second
