package main

import (
	"debug/buildinfo"
	"encoding/base64"
	"encoding/hex"
	"encoding/json"
	"fmt"
	"os"
	"runtime/debug"
	"strings"
	"time"
)

// SPDX 2.3 JSON, the fields this SBOM uses.
type spdxDocument struct {
	SPDXVersion       string             `json:"spdxVersion"`
	DataLicense       string             `json:"dataLicense"`
	SPDXID            string             `json:"SPDXID"`
	Name              string             `json:"name"`
	DocumentNamespace string             `json:"documentNamespace"`
	CreationInfo      spdxCreationInfo   `json:"creationInfo"`
	Packages          []spdxPackage      `json:"packages"`
	Relationships     []spdxRelationship `json:"relationships"`
}

type spdxCreationInfo struct {
	Created  string   `json:"created"`
	Creators []string `json:"creators"`
}

type spdxPackage struct {
	Name             string            `json:"name"`
	SPDXID           string            `json:"SPDXID"`
	VersionInfo      string            `json:"versionInfo,omitempty"`
	DownloadLocation string            `json:"downloadLocation"`
	FilesAnalyzed    bool              `json:"filesAnalyzed"`
	PrimaryPurpose   string            `json:"primaryPackagePurpose,omitempty"`
	Checksums        []spdxChecksum    `json:"checksums,omitempty"`
	ExternalRefs     []spdxExternalRef `json:"externalRefs,omitempty"`
	Comment          string            `json:"comment,omitempty"`
}

type spdxChecksum struct {
	Algorithm     string `json:"algorithm"`
	ChecksumValue string `json:"checksumValue"`
}

type spdxExternalRef struct {
	ReferenceCategory string `json:"referenceCategory"`
	ReferenceType     string `json:"referenceType"`
	ReferenceLocator  string `json:"referenceLocator"`
}

type spdxRelationship struct {
	Element string `json:"spdxElementId"`
	Type    string `json:"relationshipType"`
	Related string `json:"relatedSpdxElement"`
}

// writeSBOM reads the module graph that went into binary (its build info) and writes it to
// out as an SPDX 2.3 JSON document. version names the main module, whose build info says
// "(devel)"; name and created (the commit time) make the document reproducible.
func writeSBOM(out, binary, name, version string, created time.Time) error {
	bi, err := buildinfo.ReadFile(binary)
	if err != nil {
		return err
	}
	doc := spdxFromBuildInfo(bi, name, version, created)
	b, err := json.MarshalIndent(doc, "", "  ")
	if err != nil {
		return err
	}
	return os.WriteFile(out, append(b, '\n'), 0o644)
}

// spdxFromBuildInfo describes the main module, the Go standard library and every dependency
// module (a replacement in place of what it replaces), each with a pkg:golang purl and, where
// go.sum has one, its module hash (h1:, a SHA-256) as checksum.
func spdxFromBuildInfo(bi *debug.BuildInfo, name, version string, created time.Time) spdxDocument {
	doc := spdxDocument{
		SPDXVersion:       "SPDX-2.3",
		DataLicense:       "CC0-1.0",
		SPDXID:            "SPDXRef-DOCUMENT",
		Name:              name,
		DocumentNamespace: "https://" + bi.Main.Path + "/spdx/" + name,
		CreationInfo: spdxCreationInfo{
			Created:  created.UTC().Format(time.RFC3339),
			Creators: []string{"Tool: authsome-release", "Organization: The authsome authors"},
		},
	}
	main := goPackage(bi.Main.Path, version, "")
	main.PrimaryPurpose = "APPLICATION"
	main.Comment = "built with " + bi.GoVersion + buildSettings(bi)
	doc.Packages = append(doc.Packages, main)
	doc.Relationships = append(doc.Relationships, spdxRelationship{"SPDXRef-DOCUMENT", "DESCRIBES", main.SPDXID})

	std := goPackage("stdlib", bi.GoVersion, "")
	std.Comment = "the Go standard library"
	deps := []spdxPackage{std}
	for _, d := range bi.Deps {
		if d.Replace != nil {
			d = d.Replace
		}
		deps = append(deps, goPackage(d.Path, d.Version, d.Sum))
	}
	for _, p := range deps {
		doc.Packages = append(doc.Packages, p)
		doc.Relationships = append(doc.Relationships, spdxRelationship{main.SPDXID, "DEPENDS_ON", p.SPDXID})
	}
	return doc
}

// goPackage is one Go module.
func goPackage(path, version, sum string) spdxPackage {
	p := spdxPackage{
		Name:             path,
		SPDXID:           "SPDXRef-Package-" + spdxIDPart(path+"-"+version),
		VersionInfo:      version,
		DownloadLocation: "NOASSERTION",
		ExternalRefs:     []spdxExternalRef{{"PACKAGE-MANAGER", "purl", goPURL(path, version)}},
	}
	if h, ok := strings.CutPrefix(sum, "h1:"); ok {
		if raw, err := base64.StdEncoding.DecodeString(h); err == nil {
			p.Checksums = []spdxChecksum{{"SHA256", hex.EncodeToString(raw)}}
			p.Comment = "checksum: the go.sum module hash " + sum
		}
	}
	return p
}

// goPURL is the package URL of a Go module: pkg:golang/<path>@<version>.
func goPURL(path, version string) string {
	p := "pkg:golang/" + path
	if version != "" {
		p += "@" + strings.ReplaceAll(version, "+", "%2B")
	}
	return p
}

// spdxIDPart keeps the characters an SPDX identifier allows (letters, digits, '.', '-').
func spdxIDPart(s string) string {
	return strings.Map(func(r rune) rune {
		if r >= 'a' && r <= 'z' || r >= 'A' && r <= 'Z' || r >= '0' && r <= '9' || r == '.' || r == '-' {
			return r
		}
		return '-'
	}, s)
}

// buildSettings lists the settings that shaped the binary (target, cgo, flags).
func buildSettings(bi *debug.BuildInfo) string {
	var parts []string
	for _, s := range bi.Settings {
		switch s.Key {
		case "GOOS", "GOARCH", "CGO_ENABLED", "-trimpath", "-ldflags", "GOAMD64", "GOARM64":
			parts = append(parts, fmt.Sprintf("%s=%s", s.Key, s.Value))
		}
	}
	if len(parts) == 0 {
		return ""
	}
	return " (" + strings.Join(parts, ", ") + ")"
}
