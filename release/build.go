package main

import (
	"bytes"
	"context"
	"crypto/sha256"
	"encoding/hex"
	"fmt"
	"io"
	"os"
	"os/exec"
	"path/filepath"
	"regexp"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/cli"
)

// cliPackage holds the variables the link step sets (cli.Version, cli.Commit, cli.Date).
const cliPackage = "github.com/authsome-go/authsome/internal/cli"

// docFiles are copied from the module root into every archive.
var docFiles = []string{"LICENSE", "README.md", "CHANGELOG.md"}

// options says what to build.
type options struct {
	Version    string
	Out        string
	Targets    []target
	AllowDirty bool
}

// source is the commit a release is built from.
type source struct {
	Root   string    // module root
	Commit string    // full hash, "-dirty" appended when the tree has changes
	Time   time.Time // the commit's time: every date of the release
}

var versionRE = regexp.MustCompile(`^v[0-9]+\.[0-9]+\.[0-9]+([-+][0-9A-Za-z.+-]+)?$`)

// build writes the release of o into o.Out and returns the paths of the files it wrote.
func build(ctx context.Context, o options) ([]string, error) {
	if !versionRE.MatchString(o.Version) {
		return nil, fmt.Errorf("version %q: want a semantic version such as v0.1.0", o.Version)
	}
	if len(o.Targets) == 0 {
		return nil, fmt.Errorf("no targets")
	}
	src, err := readSource(ctx, o.AllowDirty)
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(o.Out, 0o755); err != nil {
		return nil, err
	}
	stage, err := os.MkdirTemp("", "authsome-release-")
	if err != nil {
		return nil, err
	}
	defer os.RemoveAll(stage)

	shared, err := writeDocs(filepath.Join(stage, "docs"), src, o.Version)
	if err != nil {
		return nil, err
	}
	var written []string
	for _, t := range o.Targets {
		files, err := buildTarget(ctx, o, src, t, filepath.Join(stage, t.OS+"_"+t.Arch), shared)
		if err != nil {
			return nil, fmt.Errorf("%s: %w", t, err)
		}
		written = append(written, files...)
	}
	sums := filepath.Join(o.Out, "SHA256SUMS")
	if err := writeSums(sums, written); err != nil {
		return nil, err
	}
	return append(written, sums), nil
}

// readSource asks git for the commit of the module root and its time.
func readSource(ctx context.Context, allowDirty bool) (source, error) {
	gomod, err := output(ctx, "", "go", "env", "GOMOD")
	if err != nil || gomod == "" || gomod == os.DevNull {
		return source{}, fmt.Errorf("not inside the authsome module (go env GOMOD: %q, %v)", gomod, err)
	}
	s := source{Root: filepath.Dir(gomod)}
	if s.Commit, err = output(ctx, s.Root, "git", "rev-parse", "HEAD"); err != nil {
		return source{}, err
	}
	ct, err := output(ctx, s.Root, "git", "log", "-1", "--format=%ct", "HEAD")
	if err != nil {
		return source{}, err
	}
	secs, err := strconv.ParseInt(ct, 10, 64)
	if err != nil {
		return source{}, fmt.Errorf("commit time %q: %w", ct, err)
	}
	s.Time = time.Unix(secs, 0).UTC()
	changes, err := output(ctx, s.Root, "git", "status", "--porcelain", "--untracked-files=no")
	if err != nil {
		return source{}, err
	}
	if changes != "" {
		if !allowDirty {
			return source{}, fmt.Errorf("the work tree has uncommitted changes (commit them, or -allow-dirty for a build marked -dirty):\n%s", changes)
		}
		s.Commit += "-dirty"
	}
	return s, nil
}

// writeDocs writes the man pages and completions of the command tree into dir and returns
// them, with the module root's LICENSE, README and CHANGELOG, as archive entries.
func writeDocs(dir string, src source, version string) ([]entry, error) {
	cli.Version, cli.Commit, cli.Date = version, src.Commit, src.Time.Format(time.RFC3339)
	ios := &cli.IOStreams{In: strings.NewReader(""), Out: io.Discard, ErrOut: io.Discard}
	root := cli.NewRootCmd(&cli.Factory{IO: ios})
	root.InitDefaultCompletionCmd()

	var entries []entry
	for _, name := range docFiles {
		entries = append(entries, entry{Name: name, Mode: 0o644, Src: filepath.Join(src.Root, name)})
	}
	pages := manPages(root, manHeader{Date: src.Time.Format(time.DateOnly), Source: "authsome " + version,
		Manual: "authsome manual", Section: "1"})
	if err := writeManPages(filepath.Join(dir, "man1"), pages); err != nil {
		return nil, err
	}
	for name := range pages {
		entries = append(entries, entry{Name: "man/man1/" + name, Mode: 0o644, Src: filepath.Join(dir, "man1", name)})
	}
	completions := map[string]func(io.Writer) error{
		"authsome.bash": func(w io.Writer) error { return root.GenBashCompletionV2(w, true) },
		"_authsome":     root.GenZshCompletion,
		"authsome.fish": func(w io.Writer) error { return root.GenFishCompletion(w, true) },
		"authsome.ps1":  root.GenPowerShellCompletionWithDesc,
	}
	if err := os.MkdirAll(filepath.Join(dir, "completions"), 0o755); err != nil {
		return nil, err
	}
	for name, gen := range completions {
		if err := writeGenerated(filepath.Join(dir, "completions", name), gen); err != nil {
			return nil, err
		}
		entries = append(entries, entry{Name: "completions/" + name, Mode: 0o644, Src: filepath.Join(dir, "completions", name)})
	}
	return entries, nil
}

func writeGenerated(name string, gen func(io.Writer) error) error {
	var b bytes.Buffer
	if err := gen(&b); err != nil {
		return err
	}
	return os.WriteFile(name, b.Bytes(), 0o644)
}

// buildTarget builds the binary of t in dir, then its archive and SBOM in o.Out.
func buildTarget(ctx context.Context, o options, src source, t target, dir string, shared []entry) ([]string, error) {
	bin := "authsome"
	if t.OS == "windows" {
		bin += ".exe"
	}
	binPath := filepath.Join(dir, bin)
	ldflags := strings.Join([]string{"-s", "-w", "-buildid=",
		"-X", cliPackage + ".Version=" + o.Version,
		"-X", cliPackage + ".Commit=" + src.Commit,
		"-X", cliPackage + ".Date=" + src.Time.Format(time.RFC3339)}, " ")
	cmd := exec.CommandContext(ctx, "go", "build", "-trimpath", "-buildvcs=false", "-ldflags", ldflags, "-o", binPath, "./cmd/authsome")
	cmd.Dir = src.Root
	cmd.Env = buildEnv(t)
	if out, err := cmd.CombinedOutput(); err != nil {
		return nil, fmt.Errorf("go build: %w\n%s", err, out)
	}

	base := fmt.Sprintf("authsome_%s_%s_%s", o.Version, t.OS, t.Arch)
	archive := filepath.Join(o.Out, base+".tar.gz")
	if t.OS == "windows" {
		archive = filepath.Join(o.Out, base+".zip")
	}
	entries := append([]entry{{Name: bin, Mode: 0o755, Src: binPath}}, shared...)
	if err := writeArchive(archive, base, entries, src.Time); err != nil {
		return nil, err
	}
	sbom := filepath.Join(o.Out, base+".spdx.json")
	if err := writeSBOM(sbom, binPath, base, o.Version, src.Time); err != nil {
		return nil, err
	}
	return []string{archive, sbom}, nil
}

// buildEnv is the environment of go build for t: the caller's, minus whatever would make the
// binary depend on the machine (cgo, GOFLAGS, GOEXPERIMENT, a raised GOAMD64).
func buildEnv(t target) []string {
	env := slices.DeleteFunc(os.Environ(), func(kv string) bool {
		k, _, _ := strings.Cut(kv, "=")
		switch k {
		case "GOOS", "GOARCH", "CGO_ENABLED", "GOFLAGS", "GOEXPERIMENT", "GOAMD64", "GOARM64", "GOTOOLCHAIN":
			return true
		}
		return false
	})
	return append(env, "GOOS="+t.OS, "GOARCH="+t.Arch, "CGO_ENABLED=0", "GOFLAGS=-mod=readonly",
		"GOAMD64=v1", "GOARM64=v8.0", "GOTOOLCHAIN=local")
}

// writeSums writes name in sha256sum's format: one "<hex>  <file name>" line per file, by name.
func writeSums(name string, files []string) error {
	sorted := slices.Clone(files)
	slices.SortFunc(sorted, func(a, b string) int { return strings.Compare(filepath.Base(a), filepath.Base(b)) })
	var b strings.Builder
	for _, f := range sorted {
		data, err := os.ReadFile(f)
		if err != nil {
			return err
		}
		sum := sha256.Sum256(data)
		fmt.Fprintf(&b, "%s  %s\n", hex.EncodeToString(sum[:]), filepath.Base(f))
	}
	return os.WriteFile(name, []byte(b.String()), 0o644)
}

// output runs a command in dir and returns its trimmed standard output.
func output(ctx context.Context, dir, name string, args ...string) (string, error) {
	cmd := exec.CommandContext(ctx, name, args...)
	cmd.Dir = dir
	var stderr bytes.Buffer
	cmd.Stderr = &stderr
	out, err := cmd.Output()
	if err != nil {
		return "", fmt.Errorf("%s %s: %w: %s", name, strings.Join(args, " "), err, strings.TrimSpace(stderr.String()))
	}
	return strings.TrimSpace(string(out)), nil
}
