package provider

import (
	"embed"
	"errors"
	"fmt"
	"io/fs"
	"os"
	"path/filepath"
	"sort"
	"strings"
	"sync"
	"sync/atomic"
)

//go:embed bundled/*.json
var bundledFS embed.FS

// bundledParses counts the bundled definitions loaded, for tests: the catalogue loads a
// bundled file only when a call needs it (Get: that one; List: all), never at start-up.
var bundledParses atomic.Int64

// bundledParsed holds each bundled file parsed once per process, by file name. The
// embedded files never change; callers get a deep copy, never the held definition.
var bundledParsed sync.Map // file name → *bundledResult

type bundledResult struct {
	once sync.Once
	def  *Definition
	err  error
}

// parseBundled returns a fresh copy of the bundled file f (data its content).
func parseBundled(f string, data []byte) (*Definition, error) {
	bundledParses.Add(1)
	v, _ := bundledParsed.LoadOrStore(f, &bundledResult{})
	r := v.(*bundledResult)
	r.once.Do(func() { r.def, r.err = Parse(data) })
	if r.err != nil {
		return nil, r.err
	}
	return r.def.clone(), nil
}

// Source says where a definition comes from.
type Source string

// Sources.
const (
	SourceBundled Source = "bundled"
	SourceUser    Source = "user"
	// SourceOverride is a user file that replaces a bundled definition of the same name.
	SourceOverride Source = "user (overrides bundled)"
)

// Errors returned by the catalog. Test with errors.Is.
var (
	ErrNotFound = errors.New("provider not found")
	ErrBundled  = errors.New("bundled providers cannot be removed")
)

// Entry is one definition in the catalog with its source.
type Entry struct {
	Def    *Definition
	Source Source
}

// Catalog is the set of known providers: the bundled definitions plus the user's definition
// files (<name>.json or <name>.jsonc) in one folder. It reads the folder on every call, so other processes' changes are seen. The zero
// value holds only bundled providers. A Catalog is safe for concurrent use.
type Catalog struct {
	Dir string // user definitions, <Dir>/<name>.json or .jsonc; empty means none
}

// NewCatalog returns a catalog over the bundled definitions and the user folder dir.
func NewCatalog(dir string) *Catalog { return &Catalog{Dir: dir} }

// Bundled returns the definitions shipped with authsome, sorted by name.
func Bundled() ([]*Definition, error) {
	files, err := fs.Glob(bundledFS, "bundled/*.json")
	if err != nil {
		return nil, err
	}
	sort.Strings(files)
	defs := make([]*Definition, 0, len(files))
	for _, f := range files {
		data, err := bundledFS.ReadFile(f)
		if err != nil {
			return nil, err
		}
		d, err := parseBundled(f, data)
		if err != nil {
			return nil, fmt.Errorf("bundled %s: %w", f, err)
		}
		defs = append(defs, d)
	}
	return defs, nil
}

// Warning is a problem with the user folder that the catalog worked around: a file it
// skipped (broken, misnamed, or a second file for one name), or what Parse changed in a file
// it loaded (a narrowed regex api_url). One line for people to read.
type Warning struct {
	File    string // path of the user file
	Message string
}

func (w Warning) String() string { return w.File + ": " + w.Message }

// userFile is one definition file of the user folder.
type userFile struct {
	name, path string // name: the provider the file is for (its base name, lower case)
}

// userFiles lists the definition files of the user folder by provider name: <name>.json or
// <name>.jsonc, in any letter case, each name's files in sorted order. A missing folder is
// empty.
func (c *Catalog) userFiles() (map[string][]userFile, error) {
	if c.Dir == "" {
		return nil, nil
	}
	entries, err := os.ReadDir(c.Dir)
	if errors.Is(err, fs.ErrNotExist) {
		return nil, nil
	}
	if err != nil {
		return nil, err
	}
	files := map[string][]userFile{}
	for _, e := range entries { // sorted by file name
		base, ok := strings.CutSuffix(e.Name(), ".json")
		if !ok {
			base, ok = strings.CutSuffix(e.Name(), ".jsonc")
		}
		if !ok || strings.HasPrefix(e.Name(), ".") || e.IsDir() {
			continue
		}
		name := strings.ToLower(base)
		files[name] = append(files[name], userFile{name, filepath.Join(c.Dir, e.Name())})
	}
	return files, nil
}

// pick returns the file used for a name, the first (.json sorts before .jsonc), and a
// warning for each other one.
func pick(files []userFile) (userFile, []Warning) {
	var warns []Warning
	for _, f := range files[1:] {
		warns = append(warns, Warning{f.path, "skipped: " + filepath.Base(files[0].path) + " defines the same provider"})
	}
	return files[0], warns
}

// Get returns the definition called name; a user file wins over a bundled definition.
func (c *Catalog) Get(name string) (*Definition, Source, error) {
	d, src, _, err := c.GetWithWarnings(name)
	return d, src, err
}

// GetWithWarnings is Get, also returning the problems of the user file for name. A broken
// user file does not make Get fail: it is skipped with a warning (the bundled definition of
// that name, if any, is returned; else ErrNotFound, saying why the file was skipped).
func (c *Catalog) GetWithWarnings(name string) (*Definition, Source, []Warning, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	bundled, err := bundledByName(name)
	if err != nil {
		return nil, "", nil, err
	}
	var warns []Warning
	var skipped string
	if nameRE().MatchString(name) {
		files, err := c.userFiles()
		if err != nil {
			return nil, "", nil, err
		}
		if len(files[name]) > 0 {
			var f userFile
			f, warns = pick(files[name])
			d, err := readUser(f)
			switch {
			case err != nil:
				warns = append(warns, Warning{f.path, "skipped: " + err.Error()})
				skipped = fmt.Sprintf(" (%s was skipped: %v)", f.path, err)
			case bundled != nil:
				return d, SourceOverride, append(warns, defWarnings(f, d)...), nil
			default:
				return d, SourceUser, append(warns, defWarnings(f, d)...), nil
			}
		}
	}
	if bundled != nil {
		return bundled, SourceBundled, warns, nil
	}
	return nil, "", warns, fmt.Errorf("%w: %q%s (see `authsome providers list`)", ErrNotFound, name, skipped)
}

func defWarnings(f userFile, d *Definition) []Warning {
	var out []Warning
	for _, w := range d.Warnings {
		out = append(out, Warning{f.path, w})
	}
	return out
}

func bundledByName(name string) (*Definition, error) {
	f := "bundled/" + name + ".json"
	data, err := bundledFS.ReadFile(f)
	if err != nil || !nameRE().MatchString(name) {
		return nil, nil
	}
	d, err := parseBundled(f, data)
	if err != nil {
		return nil, fmt.Errorf("bundled %s: %w", name, err)
	}
	return d, nil
}

// readUser parses a user file; the definition's name must be the file's.
func readUser(f userFile) (*Definition, error) {
	fi, err := os.Stat(f.path)
	if err != nil {
		return nil, err
	}
	if !fi.Mode().IsRegular() {
		return nil, errors.New("not a regular file")
	}
	if fi.Size() > maxDefinitionSize {
		return nil, &ValidationError{Field: "(file)", Reason: fmt.Sprintf("larger than %d bytes", maxDefinitionSize)}
	}
	data, err := os.ReadFile(f.path)
	if err != nil {
		return nil, err
	}
	d, err := Parse(data)
	if err != nil {
		return nil, err
	}
	if d.Name != f.name {
		return nil, &ValidationError{Provider: d.Name, Field: "name", Reason: fmt.Sprintf("does not match the file name %q", filepath.Base(f.path))}
	}
	return d, nil
}

// List returns every provider, sorted by name. Broken user files are skipped (see
// ListWithWarnings for why).
func (c *Catalog) List() ([]Entry, error) {
	entries, _, err := c.ListWithWarnings()
	return entries, err
}

// ListWithWarnings returns every provider, sorted by name, and one warning for each user file
// it skipped (broken, misnamed, a second file for a name) or loaded with a change. Only an
// unreadable folder or a broken bundled definition is an error.
func (c *Catalog) ListWithWarnings() ([]Entry, []Warning, error) {
	bundled, err := Bundled()
	if err != nil {
		return nil, nil, err
	}
	byName := map[string]Entry{}
	for _, d := range bundled {
		byName[d.Name] = Entry{Def: d, Source: SourceBundled}
	}
	files, err := c.userFiles()
	if err != nil {
		return nil, nil, err
	}
	names := make([]string, 0, len(files))
	for name := range files {
		names = append(names, name)
	}
	sort.Strings(names)
	var warns []Warning
	for _, name := range names {
		f, dups := pick(files[name])
		warns = append(warns, dups...)
		d, err := readUser(f)
		if err != nil {
			warns = append(warns, Warning{f.path, "skipped: " + err.Error()})
			continue
		}
		warns = append(warns, defWarnings(f, d)...)
		src := SourceUser
		if _, ok := byName[d.Name]; ok {
			src = SourceOverride
		}
		byName[d.Name] = Entry{Def: d, Source: src}
	}
	out := make([]Entry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Def.Name < out[j].Def.Name })
	sort.SliceStable(warns, func(i, j int) bool { return warns[i].File < warns[j].File })
	return out, warns, nil
}

// ErrExists is returned by Put when the user already has a definition of that name.
var ErrExists = errors.New("a user definition of this provider exists")

// Add validates a definition and stores it as the user's file for its name, replacing an
// earlier user file. It is Put(data, true).
func (c *Catalog) Add(data []byte) (*Definition, error) { return c.Put(data, true) }

// Put validates a definition (JSON or JSONC, in this project's or the original authsome's
// form) and stores it, normalised to this project's JSON, as <Dir>/<name>.json, atomically.
// When the user has a file for that name already, replace says whether to replace it (and
// any other file for the name, such as <name>.jsonc); without replace it is ErrExists. It
// returns the parsed definition, whose Ignored and Warnings say what the stored form left out
// or changed.
func (c *Catalog) Put(data []byte, replace bool) (*Definition, error) {
	if c.Dir == "" {
		return nil, errors.New("no folder for user providers")
	}
	d, err := Parse(data)
	if err != nil {
		return nil, err
	}
	out, err := d.MarshalIndent()
	if err != nil {
		return nil, err
	}
	if err := os.MkdirAll(c.Dir, 0o700); err != nil {
		return nil, err
	}
	existing, err := c.filesFor(d.Name)
	if err != nil {
		return nil, err
	}
	if len(existing) > 0 && !replace {
		return nil, fmt.Errorf("%w: %s", ErrExists, existing[0])
	}
	tmp, err := os.CreateTemp(c.Dir, ".provider-*.tmp")
	if err != nil {
		return nil, err
	}
	defer os.Remove(tmp.Name())
	if _, err := tmp.Write(append(out, '\n')); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Sync(); err != nil {
		tmp.Close()
		return nil, err
	}
	if err := tmp.Close(); err != nil {
		return nil, err
	}
	final := filepath.Join(c.Dir, d.Name+".json")
	if !replace {
		// Link fails when another process created the file meanwhile.
		if err := os.Link(tmp.Name(), final); err != nil {
			if errors.Is(err, fs.ErrExist) {
				return nil, fmt.Errorf("%w: %s", ErrExists, final)
			}
			return nil, err
		}
		return d, nil
	}
	if err := os.Rename(tmp.Name(), final); err != nil {
		return nil, err
	}
	written, err := os.Stat(final)
	if err != nil {
		return nil, err
	}
	for _, p := range existing {
		// On a case-insensitive file system Acme.json is the file just written.
		if fi, err := os.Stat(p); err == nil && !os.SameFile(fi, written) {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return nil, err
			}
		}
	}
	return d, nil
}

// filesFor returns the paths of the user's files for the provider name.
func (c *Catalog) filesFor(name string) ([]string, error) {
	files, err := c.userFiles()
	var out []string
	for _, f := range files[name] {
		out = append(out, f.path)
	}
	return out, err
}

// Remove deletes the user's files for name. Removing an override restores the bundled
// definition; a bundled-only provider gives ErrBundled.
func (c *Catalog) Remove(name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	if !nameRE().MatchString(name) {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	if c.Dir != "" {
		paths, err := c.filesFor(name)
		if err != nil {
			return err
		}
		for _, p := range paths {
			if err := os.Remove(p); err != nil && !errors.Is(err, fs.ErrNotExist) {
				return err
			}
		}
		if len(paths) > 0 {
			return nil
		}
	}
	if b, _ := bundledByName(name); b != nil {
		return fmt.Errorf("%w: %q", ErrBundled, name)
	}
	return fmt.Errorf("%w: %q", ErrNotFound, name)
}
