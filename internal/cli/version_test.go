package cli

import (
	"encoding/json"
	"runtime/debug"
	"strings"
	"testing"
)

// setLinkValues stands in for -ldflags -X for one test.
func setLinkValues(t *testing.T, version, commit, date string) {
	t.Helper()
	ov, oc, od := Version, Commit, Date
	Version, Commit, Date = version, commit, date
	t.Cleanup(func() { Version, Commit, Date = ov, oc, od })
}

func fakeBuildInfo(mainVersion string, settings ...string) *debug.BuildInfo {
	bi := &debug.BuildInfo{Main: debug.Module{Path: "github.com/authsome-go/authsome", Version: mainVersion}}
	for i := 0; i+1 < len(settings); i += 2 {
		bi.Settings = append(bi.Settings, debug.BuildSetting{Key: settings[i], Value: settings[i+1]})
	}
	return bi
}

func TestVersionInfo(t *testing.T) {
	// Not parallel: setLinkValues swaps package variables every command reads.
	const rev, at = "0123456789abcdef0123456789abcdef01234567", "2026-12-03T07:44:21Z"
	for _, tc := range []struct {
		name                  string
		version, commit, date string // the -ldflags values
		bi                    *debug.BuildInfo
		want                  buildInfo
	}{
		{"no build info", "dev", "", "", nil, buildInfo{"dev", "", ""}},
		{"go build in a checkout", "dev", "", "", fakeBuildInfo("(devel)", "vcs.revision", rev, "vcs.time", at, "vcs.modified", "false"),
			buildInfo{"dev", rev, at}},
		{"uncommitted changes", "dev", "", "", fakeBuildInfo("(devel)", "vcs.revision", rev, "vcs.time", at, "vcs.modified", "true"),
			buildInfo{"dev", rev + "-dirty", at}},
		{"go install module@version", "dev", "", "", fakeBuildInfo("v0.3.0"), buildInfo{"v0.3.0", "", ""}},
		{"release build", "v0.1.0", "abc", "2026-01-02T03:04:05Z", fakeBuildInfo("(devel)", "vcs.revision", rev, "vcs.time", at),
			buildInfo{"v0.1.0", "abc", "2026-01-02T03:04:05Z"}},
	} {
		t.Run(tc.name, func(t *testing.T) {
			setLinkValues(t, tc.version, tc.commit, tc.date)
			if got := versionInfo(tc.bi); got != tc.want {
				t.Errorf("versionInfo = %+v, want %+v", got, tc.want)
			}
		})
	}
}

func TestVersionLinkValues(t *testing.T) {
	// Not parallel: setLinkValues swaps package variables every command reads.
	testEnv(t)
	setLinkValues(t, "v9.8.7", "feedface", "2026-01-02T03:04:05Z")
	r := run(t, "", "version", "--json")
	wantCode(t, r, exitOK)
	var v map[string]any
	if err := json.Unmarshal([]byte(r.stdout), &v); err != nil {
		t.Fatalf("version --json = %q: %v", r.stdout, err)
	}
	if v["version"] != "v9.8.7" || v["commit"] != "feedface" || v["date"] != "2026-01-02T03:04:05Z" {
		t.Errorf("version --json = %v", v)
	}
	r = run(t, "", "version")
	for _, want := range []string{"authsome v9.8.7 (", "\ncommit feedface\n", "\ndate   2026-01-02T03:04:05Z\n"} {
		if !strings.Contains(r.stdout, want) {
			t.Errorf("version = %q, want it to contain %q", r.stdout, want)
		}
	}
}
