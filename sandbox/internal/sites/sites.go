// Package sites is the sandbox's SharePoint workload: the tenant's sites
// (the root site, the "Product Team" team site of a Microsoft 365 group, its
// subsite), found by id, by host name and path, by search and by group; their
// lists with columns and list items with fields ($filter and $orderby on
// fields follow SharePoint's rule for columns that are not indexed). A
// document library is a list whose items are a drive's: the drive workload
// serves it, asking this one through graphkit.Sites. Sites are the seeded
// ones (Graph v1.0 cannot make a site); lists and items are journaled by
// entity (state.go).
package sites

import (
	"crypto/sha256"
	"encoding/base64"
	"encoding/hex"
	"net/url"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Name is the workload's name: it keys its part of the state and its
// journal records.
const Name = "sites"

// Workload is the sites workload: the seeded sites (never changed) and the
// lists and items under one lock.
type Workload struct {
	*graphkit.Kit
	mu sync.Mutex
	*store
}

// New returns the sites workload with the seeded lists.
func New(k *graphkit.Kit) *Workload { return &Workload{Kit: k, store: seedStore()} }

// site is a SharePoint site (a site collection's root web or a subsite).
type site struct {
	ID          string // "{host},{site collection guid},{web guid}"
	Path        string // server-relative: "" for the root site, "/sites/product"
	Name        string // the last segment of Path ("" for the root site's, which is named by its host)
	DisplayName string
	Description string
	Parent      string // the parent site's id for a subsite
	Group       string // the Microsoft 365 group of a team site
	Members     []string
	Created     time.Time
}

var seedTime = time.Date(2025, 1, 20, 8, 0, 0, 0, time.UTC)

// stableGUID is a GUID derived from parts, the same on every run.
func stableGUID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "|")))
	x := hex.EncodeToString(h[:16])
	return x[:8] + "-" + x[8:12] + "-" + x[12:16] + "-" + x[16:20] + "-" + x[20:32]
}

// seedSites are the tenant's sites: the root site, the Product Team's team
// site and its Launch subsite.
var seedSites = func() []*site {
	host := directory.SharePointHost
	collection := func(p string) string { return stableGUID("site", p) }
	web := func(p string) string { return stableGUID("web", p) }
	var members []string
	if g := directory.FindGroup(directory.ProductTeamID); g != nil {
		members = g.Members
	}
	root := &site{ID: host + "," + collection("") + "," + web(""), DisplayName: "Contoso",
		Description: "The home of the company's news and resources.", Created: seedTime}
	team := &site{ID: host + "," + collection("/sites/product") + "," + web("/sites/product"), Path: "/sites/product",
		Name: "product", DisplayName: "Product Team", Description: "Plans, specs and launch tracking for the product.",
		Group: directory.ProductTeamID, Members: members, Created: seedTime}
	launch := &site{ID: host + "," + collection("/sites/product") + "," + web("/sites/product/launch"), Path: "/sites/product/launch",
		Name: "launch", DisplayName: "Launch", Description: "The version 2 launch.", Parent: team.ID,
		Members: members, Created: seedTime.Add(24 * time.Hour)}
	return []*site{root, team, launch}
}()

// findSite returns the site with id (case-insensitive), or nil.
func findSite(id string) *site {
	for _, s := range seedSites {
		if strings.EqualFold(s.ID, id) {
			return s
		}
	}
	return nil
}

// siteByPath returns the site at a server-relative path ("" or "/" for the
// root site), or nil.
func siteByPath(p string) *site {
	p = "/" + strings.Trim(p, "/")
	for _, s := range seedSites {
		if strings.EqualFold("/"+strings.Trim(s.Path, "/"), p) {
			return s
		}
	}
	return nil
}

func (st *site) webURL() string { return "https://" + directory.SharePointHost + st.Path }

func (st *site) ref() graphkit.SiteRef {
	return graphkit.SiteRef{ID: st.ID, DisplayName: st.DisplayName, WebURL: st.webURL(), Group: st.Group, Members: st.Members}
}

// rewritePath turns Graph's path addresses of a site into its id, so that
// the routes see "/v1.0/sites/{id}/...": "/v1.0/sites/root",
// "/v1.0/sites/{host}" and "/v1.0/sites/{host}:/sites/product[:/tail]".
func rewritePath(p string) string {
	const prefix = "/v1.0/sites/"
	if len(p) < len(prefix) || !strings.EqualFold(p[:len(prefix)], prefix) {
		return p
	}
	rest := p[len(prefix):]
	seg, tail, _ := strings.Cut(rest, "/")
	if tail != "" || strings.HasSuffix(rest, "/") {
		tail = "/" + tail
	}
	host := directory.SharePointHost
	switch {
	case strings.EqualFold(seg, "root") || strings.EqualFold(seg, host):
		return p[:len(prefix)] + seedSites[0].ID + tail
	case len(rest) > len(host) && strings.EqualFold(rest[:len(host)], host) && rest[len(host)] == ':':
		rel, after, _ := strings.Cut(rest[len(host)+1:], ":")
		id := host + ",no-site-at-that-path" // answered 404 by the site routes
		if s := siteByPath(rel); s != nil {
			id = s.ID
		}
		return p[:len(prefix)] + id + after
	}
	return p
}

// libraryDriveID is the drive id of list in site: "b!" and the site
// collection's, the web's and the list's GUIDs, as SharePoint makes them.
func libraryDriveID(siteID, listID string) string {
	parts := strings.Split(siteID, ",")
	var b []byte
	for _, g := range append(parts[1:], listID) {
		raw, _ := hex.DecodeString(strings.ReplaceAll(g, "-", ""))
		b = append(b, raw...)
	}
	return "b!" + base64.RawURLEncoding.EncodeToString(b)
}

// escapePath escapes each segment of a path for a URL.
func escapePath(p string) string {
	segs := strings.Split(p, "/")
	for i, s := range segs {
		segs[i] = url.PathEscape(s)
	}
	return strings.Join(segs, "/")
}
