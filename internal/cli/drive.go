package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"slices"
	"strings"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/broker"
	"github.com/authsome-go/authsome/msgraph"
)

// driveOptions are the flags every drive command shares.
type driveOptions struct {
	connection string
	user       string
}

// drivePathOptions are the options of drive ls, get, rm and mkdir: the drive's flags, the
// PATH and get's DEST.
type drivePathOptions struct {
	*driveOptions
	f    *Factory
	Path string
	Dest string // get: a file, an existing folder or - ("" = the current folder)
}

func newDriveCmd(f *Factory) *cobra.Command {
	var o driveOptions
	cmd := groupCmd("drive", "List, download, upload and delete OneDrive files")
	cmd.Long = `Work with the files of a OneDrive through Microsoft Graph, with a connection's token
(refreshed as needed). PATH is a path below the drive's root: Documents/plan.xlsx, with or
without a leading slash; / or nothing is the root. The drive is the signed-in user's own, or
the one of --user (an app-only connection, signed in as an application, must name it).

Transfers show a progress bar when standard error is a terminal (not with --json or --quiet). A large
put goes through an upload session: when it is interrupted (Ctrl-C, a lost network), running
the same put again continues where it stopped.`
	pf := cmd.PersistentFlags()
	pf.StringVar(&o.connection, "connection", "", "connection name (default: the default connection)")
	pf.StringVar(&o.user, "user", "", "the drive of this user (id or userPrincipalName) instead of the signed-in user's")
	registerConnectionFlagOf(cmd, f, "microsoft")
	cmd.AddCommand(newDriveLsCmd(f, &o, nil), newDriveGetCmd(f, &o, nil), newDrivePutCmd(f, &o, nil), newDriveRmCmd(f, &o, nil), newDriveMkdirCmd(f, &o, nil))
	return cmd
}

// argsBetween is cobra.RangeArgs with a usage error that names the arguments.
func argsBetween(lo, hi int, what string) cobra.PositionalArgs {
	return func(cmd *cobra.Command, args []string) error {
		if len(args) < lo || len(args) > hi {
			return usagef("%s expects %s (see `%s --help`)", cmd.CommandPath(), what, cmd.CommandPath())
		}
		return nil
	}
}

// argOr returns args[i], or "" when there are fewer arguments.
func argOr(args []string, i int) string {
	if i < len(args) {
		return args[i]
	}
	return ""
}

// driveSession is an open drive: the Graph client and the drive paths are in.
type driveSession struct {
	c     *msgraph.Client
	drive msgraph.DriveRef
	conn  string // the connection's name
	b     *broker.Broker
}

// openDrive opens the drive the flags name.
func openDrive(ctx context.Context, f *Factory, o *driveOptions) (*driveSession, error) {
	c, ep, err := graphClient(ctx, f, o.connection, msgraph.DefaultVersion)
	if err != nil {
		return nil, err
	}
	b, err := f.Broker(ctx)
	if err != nil {
		return nil, err
	}
	s := &driveSession{c: c, drive: msgraph.MyDrive, conn: ep.Connection, b: b}
	switch {
	case o.user != "":
		s.drive = msgraph.UserDrive(o.user)
	case ep.UserPrincipalName == "":
		return nil, usagef("connection %s is signed in as an application, which has no drive of its own: name a user's drive with --user USER", ep.Connection)
	}
	return s, nil
}

// openItem opens the drive the flags name and looks up the item at arg.
func openItem(ctx context.Context, f *Factory, o *driveOptions, arg string) (*driveSession, string, *msgraph.DriveItem, error) {
	s, err := openDrive(ctx, f, o)
	if err != nil {
		return nil, "", nil, err
	}
	p := cleanDrivePath(arg)
	it, err := s.item(ctx, p)
	return s, p, it, err
}

// cleanDrivePath is p below the root, without leading or trailing slashes ("" for the root).
func cleanDrivePath(p string) string {
	return strings.Trim(path.Clean("/"+strings.ReplaceAll(p, `\`, "/")), "/")
}

// showPath is how a drive path is shown: with a leading slash.
func showPath(p string) string { return "/" + p }

// lookup returns the item at p, or nil when there is none.
func (s *driveSession) lookup(ctx context.Context, p string) (*msgraph.DriveItem, error) {
	it, _, err := s.c.Drive.GetItemByPath(ctx, s.drive, p, nil)
	var ge *msgraph.Error
	if errors.As(err, &ge) && ge.StatusCode == http.StatusNotFound {
		return nil, nil
	}
	if err != nil {
		return nil, s.fail(err, p, "")
	}
	return it, nil
}

// item returns the item at p, or an error that says what to do when there is none.
func (s *driveSession) item(ctx context.Context, p string) (*msgraph.DriveItem, error) {
	it, err := s.lookup(ctx, p)
	if err == nil && it == nil {
		return nil, notInDrive(p)
	}
	return it, err
}

// driveError is a drive command's failure in one line; kind, when set, decides the exit code.
type driveError struct {
	msg  string
	kind error
}

func (e *driveError) Error() string { return e.msg }
func (e *driveError) Unwrap() error { return e.kind }

func notInDrive(p string) error {
	dir := path.Dir(showPath(p))
	return &driveError{msg: fmt.Sprintf("%s: no such file or folder in the drive (see what %s holds with `authsome drive ls %s`)", showPath(p), dir, dir), kind: errNotFound}
}

// fail turns a failed Graph call about p into the CLI's error: not found and name conflicts
// say what to do (conflictHint for the latter), a network failure names the host only (a
// pre-authenticated URL is a secret), anything else as graphError says.
func (s *driveSession) fail(err error, p, conflictHint string) error {
	var ge *msgraph.Error
	var ue *url.Error
	switch {
	case errors.As(err, &ge) && ge.StatusCode == http.StatusNotFound:
		return notInDrive(p)
	case errors.As(err, &ge) && ge.StatusCode == http.StatusConflict:
		msg := fmt.Sprintf("%s already exists in the drive", showPath(p))
		if conflictHint != "" {
			msg += "; " + conflictHint
		}
		return &driveError{msg: msg, kind: broker.ErrAlreadyExists}
	case errors.As(err, &ge), errors.Is(err, context.Canceled), errors.Is(err, context.DeadlineExceeded):
		return graphError(s.conn, err)
	case errors.As(err, &ue):
		host := "(URL)"
		if u, perr := url.Parse(ue.URL); perr == nil {
			host = u.Host
		}
		return fmt.Errorf("%w: %s %s: %v", broker.ErrUnreachable, ue.Op, host, ue.Err)
	}
	return graphError(s.conn, err)
}

// driveItemOut is an item in --json output.
type driveItemOut struct {
	Name       string     `json:"name"`
	Path       string     `json:"path"`
	ID         string     `json:"id"`
	Type       string     `json:"type"` // "file" or "folder"
	Size       int64      `json:"size"`
	Modified   *time.Time `json:"modified,omitempty"`
	MimeType   string     `json:"mime_type,omitempty"`
	ChildCount *int       `json:"child_count,omitempty"`
}

func itemOut(it *msgraph.DriveItem, p string) driveItemOut {
	o := driveItemOut{Name: it.Name, Path: showPath(p), ID: it.ID, Type: "file", Size: it.Size, Modified: timePtr(it.LastModifiedDateTime)}
	if it.IsFolder() {
		o.Type = "folder"
		if it.Folder != nil {
			n := it.Folder.ChildCount
			o.ChildCount = &n
		}
	}
	if it.File != nil {
		o.MimeType = it.File.MimeType
	}
	return o
}

// humanSize renders n bytes for people: 512 B, 1.5 KiB, 12.0 MiB.
func humanSize(n int64) string {
	if n < 1024 {
		return fmt.Sprintf("%d B", n)
	}
	v, unit := float64(n), ""
	for _, u := range []string{"KiB", "MiB", "GiB", "TiB", "PiB"} {
		v, unit = v/1024, u
		if v < 1024 {
			break
		}
	}
	return fmt.Sprintf("%.1f %s", v, unit)
}

func newDriveLsCmd(f *Factory, o *driveOptions, runF func(*drivePathOptions) error) *cobra.Command {
	opts := &drivePathOptions{driveOptions: o, f: f}
	return &cobra.Command{
		Use:   "ls [PATH]",
		Short: "List a folder (the root by default), or show one file",
		Example: `  authsome drive ls
  authsome drive ls Documents
  authsome drive ls --json Documents/plan.xlsx`,
		Args: argsBetween(0, 1, "at most one PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = argOr(args, 0)
			if runF != nil {
				return runF(opts)
			}
			return runDriveLs(cmd.Context(), opts)
		},
	}
}

func runDriveLs(ctx context.Context, opts *drivePathOptions) error {
	f, o, arg := opts.f, opts.driveOptions, opts.Path
	s, p, it, err := openItem(ctx, f, o, arg)
	if err != nil {
		return err
	}
	items := []driveItemOut{}
	if it.IsFolder() {
		for c, err := range s.c.Drive.ListChildrenIter(ctx, s.drive, it.ID, nil) {
			if err != nil {
				return s.fail(err, p, "")
			}
			items = append(items, itemOut(c, path.Join(p, c.Name)))
		}
		slices.SortStableFunc(items, func(a, b driveItemOut) int {
			return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name))
		})
	} else {
		items = append(items, itemOut(it, p))
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]any{"path": showPath(p), "items": items})
	}
	tty := f.IO.IsStdoutTTY()
	t := newTable(f.IO.Out, tty, "NAME", "SIZE", "MODIFIED", "TYPE")
	now := nowFunc()
	for _, i := range items {
		mod := time.Time{}
		if i.Modified != nil {
			mod = *i.Modified
		}
		size := humanSize(i.Size)
		if !tty {
			size = fmt.Sprint(i.Size) // scripts reading tab-separated lines get bytes
		}
		t.add(i.Name, size, when(mod, now, tty), i.Type)
	}
	return t.flush()
}

func newDriveGetCmd(f *Factory, o *driveOptions, runF func(*drivePathOptions) error) *cobra.Command {
	opts := &drivePathOptions{driveOptions: o, f: f}
	return &cobra.Command{
		Use:   "get PATH [DEST|-]",
		Short: "Download a file (to DEST, a folder, or - for standard output)",
		Long: `Download a file of the drive. DEST is a file name or an existing folder (default: the
current folder, under the file's own name); - writes the bytes to standard output. A file that
Graph gives a SHA-256 for is checked against it.`,
		Example: `  authsome drive get Documents/plan.xlsx
  authsome drive get Documents/report.pdf ~/Downloads/
  authsome drive get notes.txt - | less`,
		Args: argsBetween(1, 2, "PATH and optionally DEST"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path, opts.Dest = args[0], argOr(args, 1)
			if opts.Dest == "-" && f.JSON {
				return usagef("--json prints to standard output, which DEST - would fill with the file: give DEST a file name")
			}
			if runF != nil {
				return runF(opts)
			}
			return runDriveGet(cmd.Context(), opts)
		},
	}
}

func runDriveGet(ctx context.Context, opts *drivePathOptions) error {
	f, o, arg, dest := opts.f, opts.driveOptions, opts.Path, opts.Dest
	s, p, it, err := openItem(ctx, f, o, arg)
	if err != nil {
		return err
	}
	if it.IsFolder() {
		return usagef("%s is a folder: `authsome drive get` downloads files (see what it holds with `authsome drive ls %s`)", showPath(p), showPath(p))
	}
	out, err := openDest(f, dest, it.Name)
	if err != nil {
		return err
	}
	defer out.abort()
	h := sha256.New()
	bar := newTransferBar(ctx, f, it.Name, it.Size)
	resp, err := s.c.Drive.Download(ctx, s.drive, it.ID, io.MultiWriter(out.w, h, bar.counter()), nil)
	bar.finish(err == nil)
	if err != nil {
		return s.fail(err, p, "")
	}
	sum := hex.EncodeToString(h.Sum(nil))
	if it.File != nil && it.File.Hashes.SHA256Hash != "" && !strings.EqualFold(it.File.Hashes.SHA256Hash, sum) {
		return fmt.Errorf("%s: the downloaded bytes do not match the drive's SHA-256 for the file (the file may have changed meanwhile): download it again", showPath(p))
	}
	if err := out.commit(); err != nil {
		return err
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]any{"path": showPath(p), "id": it.ID, "size": resp.Written, "sha256": sum, "dest": out.name})
	}
	if out.name != "-" {
		fmt.Fprintf(f.IO.Out, "Downloaded %s (%s) to %s\n", printable(showPath(p)), humanSize(resp.Written), printable(out.name))
	}
	return nil
}

// destFile is where get writes: standard output, or a temporary file beside the destination
// that replaces it once the whole file is in.
type destFile struct {
	w    io.Writer
	name string // the destination, or "-"
	tmp  *os.File
}

func openDest(f *Factory, dest, itemName string) (*destFile, error) {
	if dest == "-" {
		return &destFile{w: f.IO.Out, name: "-"}, nil
	}
	if strings.ContainsAny(itemName, `/\`) || itemName == "." || itemName == ".." || itemName == "" {
		return nil, fmt.Errorf("the drive's file name %q cannot be a local file name: give DEST", itemName)
	}
	if dest == "" {
		dest = itemName
	} else if st, err := os.Stat(dest); err == nil && st.IsDir() {
		dest = filepath.Join(dest, itemName)
	}
	tmp, err := os.CreateTemp(filepath.Dir(dest), "."+filepath.Base(dest)+".part-*")
	if err != nil {
		return nil, fmt.Errorf("cannot write %s: %v", dest, errors.Unwrap(err))
	}
	return &destFile{w: tmp, name: dest, tmp: tmp}, nil
}

// commit puts the downloaded file in place.
func (d *destFile) commit() error {
	if d.tmp == nil {
		return nil
	}
	tmp := d.tmp
	d.tmp = nil
	err := tmp.Chmod(0o644)
	if err == nil {
		err = tmp.Close()
	} else {
		tmp.Close()
	}
	if err == nil {
		err = os.Rename(tmp.Name(), d.name)
	}
	if err != nil {
		os.Remove(tmp.Name())
		return fmt.Errorf("cannot write %s: %v", d.name, err)
	}
	return nil
}

// abort removes the temporary file of a download that did not finish.
func (d *destFile) abort() {
	if d.tmp != nil {
		d.tmp.Close()
		os.Remove(d.tmp.Name())
		d.tmp = nil
	}
}

func newDriveRmCmd(f *Factory, o *driveOptions, runF func(*drivePathOptions) error) *cobra.Command {
	opts := &drivePathOptions{driveOptions: o, f: f}
	return &cobra.Command{
		Use:     "rm PATH",
		Short:   "Delete a file or folder (to the drive's recycle bin)",
		Example: `  authsome drive rm Documents/old-draft.docx`,
		Args:    exactArgs(1, "the PATH to delete"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if cleanDrivePath(opts.Path) == "" {
				return usagef("refusing to delete the drive's root: name a file or folder")
			}
			if runF != nil {
				return runF(opts)
			}
			return runDriveRm(cmd.Context(), opts)
		},
	}
}

func runDriveRm(ctx context.Context, opts *drivePathOptions) error {
	f := opts.f
	s, p, it, err := openItem(ctx, f, opts.driveOptions, opts.Path)
	if err != nil {
		return err
	}
	if _, err := s.c.Drive.DeleteItem(ctx, s.drive, it.ID); err != nil {
		return s.fail(err, p, "")
	}
	if f.JSON {
		return writeJSON(f.IO.Out, map[string]any{"path": showPath(p), "id": it.ID, "deleted": true})
	}
	fmt.Fprintf(f.IO.Out, "Deleted %s (it is in the drive's recycle bin)\n", printable(showPath(p)))
	return nil
}

func newDriveMkdirCmd(f *Factory, o *driveOptions, runF func(*drivePathOptions) error) *cobra.Command {
	opts := &drivePathOptions{driveOptions: o, f: f}
	return &cobra.Command{
		Use:     "mkdir PATH",
		Short:   "Create a folder (its parent must exist)",
		Example: `  authsome drive mkdir Documents/Reports`,
		Args:    exactArgs(1, "the PATH of the new folder"),
		RunE: func(cmd *cobra.Command, args []string) error {
			opts.Path = args[0]
			if cleanDrivePath(opts.Path) == "" {
				return usagef("the drive's root exists already: name a folder to create")
			}
			if runF != nil {
				return runF(opts)
			}
			return runDriveMkdir(cmd.Context(), opts)
		},
	}
}

func runDriveMkdir(ctx context.Context, opts *drivePathOptions) error {
	f := opts.f
	s, err := openDrive(ctx, f, opts.driveOptions)
	if err != nil {
		return err
	}
	p := cleanDrivePath(opts.Path)
	parent, err := s.folder(ctx, path.Dir(p))
	if err != nil {
		return err
	}
	it, _, err := s.c.Drive.CreateFolder(ctx, s.drive, parent, path.Base(p), msgraph.ConflictFail)
	if err != nil {
		return s.fail(err, p, "")
	}
	if f.JSON {
		return writeJSON(f.IO.Out, itemOut(it, p))
	}
	fmt.Fprintf(f.IO.Out, "Created folder %s\n", printable(showPath(p)))
	return nil
}

// folder returns the id of the folder at p ("" for the root), or an error that says what to do
// when it is missing or a file.
func (s *driveSession) folder(ctx context.Context, p string) (string, error) {
	p = cleanDrivePath(p)
	if p == "" {
		return "", nil
	}
	it, err := s.lookup(ctx, p)
	switch {
	case err != nil:
		return "", err
	case it == nil:
		return "", &driveError{msg: fmt.Sprintf("folder %s does not exist: create it with `authsome drive mkdir %s`", showPath(p), showPath(p))}
	case !it.IsFolder():
		return "", &driveError{msg: fmt.Sprintf("%s is a file, not a folder", showPath(p))}
	}
	return it.ID, nil
}
