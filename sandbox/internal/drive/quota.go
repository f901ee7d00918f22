package drive

// usage is what d stores, in bytes: used by the files in the drive, and
// deleted by those in the recycle bin (an item deleted with its folder
// included), as a drive's quota reports them. The caller holds the lock.
func (d *drive) usage() (used, deleted int64) {
	for _, it := range d.items {
		if it.Folder {
			continue
		}
		if d.find(it.ID) != nil {
			used += it.Size
		} else {
			deleted += it.Size
		}
	}
	return used, deleted
}
