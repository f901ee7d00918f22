package main

import (
	"runtime/debug"
	"strings"
	"testing"
	"time"
)

func TestSPDXFromBuildInfo(t *testing.T) {
	bi := &debug.BuildInfo{
		GoVersion: "go1.26.8",
		Main:      debug.Module{Path: "github.com/authsome-go/authsome", Version: "(devel)"},
		Deps: []*debug.Module{
			// h1: of 32 zero bytes
			{Path: "github.com/spf13/cobra", Version: "v1.10.2", Sum: "h1:AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="},
			{Path: "example.com/old", Version: "v2.0.0+incompatible", Replace: &debug.Module{Path: "example.com/fork", Version: "v2.0.1"}},
		},
		Settings: []debug.BuildSetting{{Key: "GOOS", Value: "linux"}, {Key: "GOARCH", Value: "arm64"}},
	}
	doc := spdxFromBuildInfo(bi, "authsome_v0.1.0_linux_arm64", "v0.1.0", time.Date(2026, 1, 2, 3, 4, 5, 0, time.UTC))
	if doc.SPDXVersion != "SPDX-2.3" || doc.CreationInfo.Created != "2026-01-02T03:04:05Z" {
		t.Errorf("document = %s, created %s", doc.SPDXVersion, doc.CreationInfo.Created)
	}
	byName := map[string]spdxPackage{}
	for _, p := range doc.Packages {
		byName[p.Name] = p
	}
	main := byName["github.com/authsome-go/authsome"]
	if main.VersionInfo != "v0.1.0" || main.ExternalRefs[0].ReferenceLocator != "pkg:golang/github.com/authsome-go/authsome@v0.1.0" ||
		!strings.Contains(main.Comment, "GOARCH=arm64") {
		t.Errorf("main module = %+v", main)
	}
	cobra := byName["github.com/spf13/cobra"]
	if cobra.ExternalRefs[0].ReferenceLocator != "pkg:golang/github.com/spf13/cobra@v1.10.2" ||
		len(cobra.Checksums) != 1 || cobra.Checksums[0] != (spdxChecksum{"SHA256", strings.Repeat("00", 32)}) {
		t.Errorf("cobra = %+v", cobra)
	}
	if _, ok := byName["example.com/old"]; ok {
		t.Error("a replaced module is listed under its old path")
	}
	if fork := byName["example.com/fork"]; fork.VersionInfo != "v2.0.1" || len(fork.Checksums) != 0 {
		t.Errorf("replacement = %+v", fork)
	}
	if std := byName["stdlib"]; std.VersionInfo != "go1.26.8" {
		t.Errorf("stdlib = %+v", std)
	}
	if got := goPURL("example.com/old", "v2.0.0+incompatible"); got != "pkg:golang/example.com/old@v2.0.0%2Bincompatible" {
		t.Errorf("purl = %s", got)
	}
	// The document describes the main module, which depends on every other package.
	if len(doc.Relationships) != len(doc.Packages) || doc.Relationships[0] != (spdxRelationship{"SPDXRef-DOCUMENT", "DESCRIBES", main.SPDXID}) {
		t.Errorf("relationships = %+v", doc.Relationships)
	}
	ids := map[string]bool{}
	for _, p := range doc.Packages {
		if ids[p.SPDXID] || strings.Trim(p.SPDXID, "SPDXRef-Package-abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789.") != "" {
			t.Errorf("SPDXID %q repeated or not allowed", p.SPDXID)
		}
		ids[p.SPDXID] = true
	}
}
