package vault

import "os"

// WriteFileAtomic replaces path with data (mode perm): a synced temporary file in the same
// folder renamed over it, then the folder synced. Readers see the old or the new content,
// never a mix, even if the process dies midway. Other packages keeping small files in a
// profile folder (the gateway's agents) write them with it.
func WriteFileAtomic(path string, data []byte, perm os.FileMode) error {
	return writeFileAtomic(path, data, perm)
}
