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
)

//go:embed bundled/*.json
var bundledFS embed.FS

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

// Catalog is the set of known providers: the bundled definitions plus the user's JSON files in
// one folder. It reads the folder on every call, so other processes' changes are seen. The zero
// value holds only bundled providers. A Catalog is safe for concurrent use.
type Catalog struct {
	Dir string // user definitions, <Dir>/<name>.json; empty means none
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
		d, err := Parse(data)
		if err != nil {
			return nil, fmt.Errorf("bundled %s: %w", f, err)
		}
		defs = append(defs, d)
	}
	return defs, nil
}

// Get returns the definition called name; a user file wins over a bundled definition.
func (c *Catalog) Get(name string) (*Definition, Source, error) {
	name = strings.ToLower(strings.TrimSpace(name))
	bundled, err := bundledByName(name)
	if err != nil {
		return nil, "", err
	}
	if c.Dir != "" && nameRE.MatchString(name) {
		d, err := c.readUser(filepath.Join(c.Dir, name+".json"))
		switch {
		case err == nil && bundled != nil:
			return d, SourceOverride, nil
		case err == nil:
			return d, SourceUser, nil
		case !errors.Is(err, fs.ErrNotExist):
			return nil, "", err
		}
	}
	if bundled != nil {
		return bundled, SourceBundled, nil
	}
	return nil, "", fmt.Errorf("%w: %q (see `authsome providers list`)", ErrNotFound, name)
}

func bundledByName(name string) (*Definition, error) {
	data, err := bundledFS.ReadFile("bundled/" + name + ".json")
	if err != nil || !nameRE.MatchString(name) {
		return nil, nil
	}
	d, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("bundled %s: %w", name, err)
	}
	return d, nil
}

func (c *Catalog) readUser(path string) (*Definition, error) {
	data, err := os.ReadFile(path)
	if err != nil {
		return nil, err
	}
	d, err := Parse(data)
	if err != nil {
		return nil, fmt.Errorf("%s: %w", path, err)
	}
	if want := strings.TrimSuffix(filepath.Base(path), ".json"); d.Name != want {
		return nil, fmt.Errorf("%s: %w", path, &ValidationError{Provider: d.Name, Field: "name", Reason: fmt.Sprintf("does not match the file name %q", want)})
	}
	return d, nil
}

// List returns every provider, sorted by name. A broken user file is reported as an error
// rather than hidden.
func (c *Catalog) List() ([]Entry, error) {
	bundled, err := Bundled()
	if err != nil {
		return nil, err
	}
	byName := map[string]Entry{}
	for _, d := range bundled {
		byName[d.Name] = Entry{Def: d, Source: SourceBundled}
	}
	if c.Dir != "" {
		files, err := filepath.Glob(filepath.Join(c.Dir, "*.json"))
		if err != nil {
			return nil, err
		}
		for _, f := range files {
			d, err := c.readUser(f)
			if err != nil {
				return nil, err
			}
			src := SourceUser
			if _, ok := byName[d.Name]; ok {
				src = SourceOverride
			}
			byName[d.Name] = Entry{Def: d, Source: src}
		}
	}
	out := make([]Entry, 0, len(byName))
	for _, e := range byName {
		out = append(out, e)
	}
	sort.Slice(out, func(i, j int) bool { return out[i].Def.Name < out[j].Def.Name })
	return out, nil
}

// Add validates a JSON definition and stores it as the user's file for its name (replacing an
// earlier user file), atomically. It returns the parsed definition.
func (c *Catalog) Add(data []byte) (*Definition, error) {
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
	if err := os.Rename(tmp.Name(), filepath.Join(c.Dir, d.Name+".json")); err != nil {
		return nil, err
	}
	return d, nil
}

// Remove deletes the user's file for name. Removing an override restores the bundled
// definition; a bundled-only provider gives ErrBundled.
func (c *Catalog) Remove(name string) error {
	name = strings.ToLower(strings.TrimSpace(name))
	if !nameRE.MatchString(name) {
		return fmt.Errorf("%w: %q", ErrNotFound, name)
	}
	if c.Dir != "" {
		err := os.Remove(filepath.Join(c.Dir, name+".json"))
		if err == nil || !errors.Is(err, fs.ErrNotExist) {
			return err
		}
	}
	if b, _ := bundledByName(name); b != nil {
		return fmt.Errorf("%w: %q", ErrBundled, name)
	}
	return fmt.Errorf("%w: %q", ErrNotFound, name)
}
