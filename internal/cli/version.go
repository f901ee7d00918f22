package cli

import (
	"fmt"
	"runtime"
	"runtime/debug"

	"github.com/spf13/cobra"
)

// Commit and Date describe the source of a release build, set with -ldflags
// "-X ...cli.Commit=<full hash> -X ...cli.Date=<commit time, RFC 3339>" like [Version].
// Without them, `authsome version` reads the VCS stamp Go puts in the binary.
var (
	Commit = ""
	Date   = ""
)

// buildInfo is what `authsome version` reports.
type buildInfo struct {
	Version, Commit, Date string
}

// versionInfo combines the -ldflags values with the binary's build info (nil when there is
// none): a value set at link time wins; otherwise the module version (go install m@v1.2.3)
// and the VCS stamp (vcs.revision, vcs.time, vcs.modified → "-dirty" on the commit).
func versionInfo(bi *debug.BuildInfo) buildInfo {
	v := buildInfo{Version: Version, Commit: Commit, Date: Date}
	if bi == nil {
		return v
	}
	if v.Version == "dev" && bi.Main.Version != "" && bi.Main.Version != "(devel)" {
		v.Version = bi.Main.Version
	}
	var rev, at string
	dirty := false
	for _, s := range bi.Settings {
		switch s.Key {
		case "vcs.revision":
			rev = s.Value
		case "vcs.time":
			at = s.Value
		case "vcs.modified":
			dirty = s.Value == "true"
		}
	}
	if v.Commit == "" && rev != "" {
		v.Commit = rev
		if dirty {
			v.Commit += "-dirty"
		}
	}
	if v.Date == "" {
		v.Date = at
	}
	return v
}

type versionOptions struct {
	f *Factory
	// BuildInfo reads the binary's build information (debug.ReadBuildInfo; a variable for tests).
	BuildInfo func() (*debug.BuildInfo, bool)
}

func newVersionCmd(f *Factory, runF func(*versionOptions) error) *cobra.Command {
	opts := &versionOptions{f: f, BuildInfo: debug.ReadBuildInfo}
	return &cobra.Command{
		Use:   "version",
		Short: "Print the version, commit and build date",
		Args:  exactArgs(0, "no arguments"),
		RunE: func(cmd *cobra.Command, _ []string) error {
			if runF != nil {
				return runF(opts)
			}
			return runVersion(opts)
		},
	}
}

func runVersion(opts *versionOptions) error {
	f := opts.f
	bi, _ := opts.BuildInfo()
	v := versionInfo(bi)
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]string{"version": v.Version, "commit": v.Commit, "date": v.Date,
			"go": runtime.Version(), "os": runtime.GOOS, "arch": runtime.GOARCH})
	}
	fmt.Fprintf(f.IO.Out, "authsome %s (%s %s/%s)\n", v.Version, runtime.Version(), runtime.GOOS, runtime.GOARCH)
	if v.Commit != "" {
		fmt.Fprintf(f.IO.Out, "commit %s\n", v.Commit)
	}
	if v.Date != "" {
		fmt.Fprintf(f.IO.Out, "date   %s\n", v.Date)
	}
	return nil
}
