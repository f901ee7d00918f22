package graphkit

import (
	"net/http"
	"time"
)

// Sites is what the drive workload asks the SharePoint sites workload: which
// sites and document libraries exist, so that a library's drive is served
// with every drive route. The server sets Kit.Sites; without it (a workload
// tested alone) there are no site drives.
type Sites interface {
	// Site returns the site with id (as Graph's "{host},{guid},{guid}",
	// case-insensitive).
	Site(id string) (SiteRef, bool)
	// GroupSite returns the team site of the group with id.
	GroupSite(group string) (SiteRef, bool)
	// Libraries returns the site's document libraries, its default one first.
	Libraries(site string) []Library
	// Library returns the document library whose drive has id.
	Library(driveID string) (Library, bool)
	// ListLibrary returns the document library that is list (an id) of site.
	ListLibrary(site, list string) (Library, bool)
}

// SiteRef is what the drive needs of a site.
type SiteRef struct {
	ID, DisplayName, WebURL string
	Group                   string   // the Microsoft 365 group behind a team site, or ""
	Members                 []string // user ids that reach it; nil: every user of the tenant
}

// Library is a document library: a list whose items are a drive's.
type Library struct {
	DriveID, Site, List string
	Name                string // the list's display name ("Documents")
	Description, WebURL string
	Created             time.Time
	// Files seed a library the tenant comes with: path → content; folders
	// are made for the paths' directories.
	Files map[string]string
}

// SiteAccess reports whether c may make request r on a site whose members
// are members (nil: every user): an app-only token with a role that grants
// it (Permitted), a delegated one with such a scope when its user is a
// member too.
func SiteAccess(r *http.Request, c *Claims, site SiteRef) bool {
	if !Permitted(r, c) {
		return false
	}
	if c.IsApp() || site.Members == nil {
		return true
	}
	for _, m := range site.Members {
		if m == c.Oid {
			return true
		}
	}
	return false
}

// ErrSiteNotFound is SharePoint's 404 for a site address that names none.
var ErrSiteNotFound = &Error{404, "itemNotFound", "Requested site could not be found"}

// ErrResourceNotFound is the directory's 404 for an object id (a group's)
// that names none.
func ErrResourceNotFound(id string) *Error {
	return &Error{404, "Request_ResourceNotFound", "Resource '" + id + "' does not exist or one of its queried reference-property objects are not present."}
}

// ErrSiteAccess is SharePoint's 403 for a site the caller may not reach.
var ErrSiteAccess = &Error{403, "accessDenied", "Access denied"}
