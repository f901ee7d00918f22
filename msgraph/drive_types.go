package msgraph

import (
	"strings"
	"time"
)

// Drive is a OneDrive or a SharePoint document library.
type Drive struct {
	ID          string `json:"id"`
	Name        string `json:"name,omitempty"`
	Description string `json:"description,omitempty"`
	// DriveType is "personal", "business" or "documentLibrary".
	DriveType            string      `json:"driveType,omitempty"`
	WebURL               string      `json:"webUrl,omitempty"`
	Owner                IdentitySet `json:"owner,omitzero"`
	Quota                Quota       `json:"quota,omitzero"`
	CreatedDateTime      time.Time   `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time   `json:"lastModifiedDateTime,omitzero"`
}

// Quota is a drive's storage use, in bytes.
type Quota struct {
	Total     int64  `json:"total,omitempty"`
	Used      int64  `json:"used,omitempty"`
	Remaining int64  `json:"remaining,omitempty"`
	Deleted   int64  `json:"deleted,omitempty"`
	State     string `json:"state,omitempty"`
}

// DriveItem is a file or folder of a drive. File is set for files, Folder
// for folders.
type DriveItem struct {
	ID                   string        `json:"id,omitempty"`
	Name                 string        `json:"name,omitempty"`
	ETag                 string        `json:"eTag,omitempty"`
	CTag                 string        `json:"cTag,omitempty"`
	Description          string        `json:"description,omitempty"`
	Size                 int64         `json:"size,omitempty"`
	WebURL               string        `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time     `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time     `json:"lastModifiedDateTime,omitzero"`
	CreatedBy            IdentitySet   `json:"createdBy,omitzero"`
	LastModifiedBy       IdentitySet   `json:"lastModifiedBy,omitzero"`
	ParentReference      ItemReference `json:"parentReference,omitzero"`
	File                 *FileFacet    `json:"file,omitempty"`
	Folder               *FolderFacet  `json:"folder,omitempty"`
	Root                 *struct{}     `json:"root,omitempty"`
	// SpecialFolder names the special folder the item is ([SpecialDocuments],
	// ...); nil for any other item.
	SpecialFolder *struct {
		Name string `json:"name,omitempty"`
	} `json:"specialFolder,omitempty"`
	// Children are a folder's items when asked for with
	// GetOptions{Expand: []string{"children"}} (Graph expands up to 200).
	Children []*DriveItem `json:"children,omitempty"`
	Deleted  *struct {
		State string `json:"state,omitempty"`
	} `json:"deleted,omitempty"`
	// DownloadURL is a short-lived pre-authenticated URL of a file's content:
	// fetch it without credentials, and do not log it.
	DownloadURL string `json:"@microsoft.graph.downloadUrl,omitempty"`
}

// IsFolder reports whether the item is a folder (or the root).
func (it *DriveItem) IsFolder() bool { return it.Folder != nil || it.Root != nil }

// FileFacet describes a file.
type FileFacet struct {
	MimeType string `json:"mimeType,omitempty"`
	Hashes   struct {
		QuickXorHash string `json:"quickXorHash,omitempty"`
		SHA1Hash     string `json:"sha1Hash,omitempty"`
		SHA256Hash   string `json:"sha256Hash,omitempty"`
	} `json:"hashes,omitzero"`
}

// FolderFacet describes a folder.
type FolderFacet struct {
	ChildCount int `json:"childCount"`
}

// ItemReference points at an item: used for parents, moves and copies.
type ItemReference struct {
	DriveID   string `json:"driveId,omitempty"`
	DriveType string `json:"driveType,omitempty"`
	ID        string `json:"id,omitempty"`
	Name      string `json:"name,omitempty"`
	Path      string `json:"path,omitempty"`
	SiteID    string `json:"siteId,omitempty"`
}

// IdentitySet names who did something: a user, an application or a device.
type IdentitySet struct {
	User        Identity `json:"user,omitzero"`
	Application Identity `json:"application,omitzero"`
	Device      Identity `json:"device,omitzero"`
}

// Identity is a user, application or device.
type Identity struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
}

// DriveItemUpdate renames or moves an item: nil fields are left as they are.
type DriveItemUpdate struct {
	Name        *string `json:"name,omitempty"`
	Description *string `json:"description,omitempty"`
	// ParentReference moves the item to another folder (ID set).
	ParentReference *ItemReference `json:"parentReference,omitempty"`
}

// DriveRef names a drive: [MyDrive], [UserDrive], [DriveByID], [GroupDrive]
// or [SiteDrive].
type DriveRef string

// MyDrive is the signed-in user's OneDrive.
const MyDrive DriveRef = "me/drive"

// UserDrive is a user's OneDrive (by id or userPrincipalName).
func UserDrive(user string) DriveRef { return DriveRef(userPath(user) + "/drive") }

// DriveByID is a drive by its id.
func DriveByID(id string) DriveRef { return DriveRef("drives/" + escapeSegment(id)) }

// GroupDrive is a Microsoft 365 group's document library.
func GroupDrive(group string) DriveRef { return DriveRef("groups/" + escapeSegment(group) + "/drive") }

// SiteDrive is a SharePoint site's default document library.
func SiteDrive(site string) DriveRef { return DriveRef("sites/" + escapeSegment(site) + "/drive") }

// item is the path of an item: the root for "", an id otherwise.
func (d DriveRef) item(id string) string {
	if id == "" {
		return string(d) + "/root"
	}
	return string(d) + "/items/" + escapeSegment(id)
}

// byPath is the path-based address of a path below the root ("Documents/a b.txt").
func (d DriveRef) byPath(p string) string {
	p = strings.Trim(p, "/")
	if p == "" {
		return string(d) + "/root"
	}
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = escapeSegment(s)
	}
	return string(d) + "/root:/" + strings.Join(segs, "/") + ":"
}
