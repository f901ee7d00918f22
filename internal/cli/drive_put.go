package cli

import (
	"context"
	"crypto/sha256"
	"encoding/hex"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"os"
	"path"
	"path/filepath"
	"time"

	"github.com/spf13/cobra"

	"github.com/authsome-go/authsome/msgraph"
)

// drivePutOptions are put's flags, plus what tests tune.
type drivePutOptions struct {
	*driveOptions
	f                           *Factory
	src, path                   string // SRC, and PATH ("" = the root)
	overwrite, rename, noResume bool

	chunkSize int                     // fragment size; 0 = the library's default
	progress  func(sent, total int64) // called as fragments are taken (tests)
}

func newDrivePutCmd(f *Factory, o *driveOptions, runF func(*drivePutOptions) error) *cobra.Command {
	po := &drivePutOptions{driveOptions: o, f: f}
	cmd := &cobra.Command{
		Use:   "put SRC [PATH]",
		Short: "Upload a file (resumable when large)",
		Long: `Upload the local file SRC to PATH: an existing folder takes it under its own name;
otherwise PATH names the new file, in a folder that must exist (default: the root). A name
that is taken is an error unless --overwrite replaces the file or --rename lets the drive
pick a free name.

Files larger than 4 MiB go through an upload session. When such an upload is interrupted
(Ctrl-C, a lost network), the session is kept, with the file's size, modification time and a
digest of its first bytes, in the profile's folder (readable by you only: the session's URL
lets anyone holding it write the file); running the same put again, for the same file and
PATH, continues from where the session is, if the file has not changed. --no-resume starts
over.`,
		Example: `  authsome drive put report.pdf Documents/
  authsome drive put --overwrite plan.xlsx Documents/plan.xlsx
  authsome drive put backup.tar.gz      # interrupted? run it again to resume`,
		Args: argsBetween(1, 2, "SRC and optionally PATH"),
		RunE: func(cmd *cobra.Command, args []string) error {
			po.src, po.path = args[0], argOr(args, 1)
			if _, err := po.conflict(); err != nil {
				return err
			}
			if runF != nil {
				return runF(po)
			}
			return runDrivePut(cmd.Context(), po)
		},
	}
	fl := cmd.Flags()
	fl.BoolVar(&po.overwrite, "overwrite", false, "replace a file of the same name")
	fl.BoolVar(&po.rename, "rename", false, "keep both: the drive gives the new file a free name")
	fl.BoolVar(&po.noResume, "no-resume", false, "start over instead of resuming an interrupted upload of the same file")
	return cmd
}

// conflict is the conflict behaviour the flags ask for.
func (o *drivePutOptions) conflict() (string, error) {
	switch {
	case o.overwrite && o.rename:
		return "", usagef("--overwrite and --rename exclude each other: replace the file, or keep both")
	case o.overwrite:
		return msgraph.ConflictReplace, nil
	case o.rename:
		return msgraph.ConflictRename, nil
	}
	return msgraph.ConflictFail, nil
}

const conflictHint = "add --overwrite to replace it, or --rename to keep both"

func runDrivePut(ctx context.Context, o *drivePutOptions) error {
	f, src, dest := o.f, o.src, o.path
	conflict, err := o.conflict()
	if err != nil {
		return err
	}
	file, fp, err := openSource(src)
	if err != nil {
		return err
	}
	defer file.Close()
	s, err := openDrive(ctx, f, o.driveOptions)
	if err != nil {
		return err
	}
	folder, name, err := s.putTarget(ctx, cleanDrivePath(dest), filepath.Base(src), conflict)
	if err != nil {
		return err
	}
	folderID, err := s.folder(ctx, folder)
	if err != nil {
		return err
	}
	target := path.Join(folder, name)
	bar := newTransferBar(ctx, f, name, fp.Size)
	uo := &msgraph.UploadOptions{Conflict: conflict, ChunkSize: o.chunkSize, Progress: func(sent, total int64) {
		bar.set(sent)
		if o.progress != nil {
			o.progress(sent, total)
		}
	}}
	var item *msgraph.DriveItem
	resumed := false
	if fp.Size <= msgraph.SimpleUploadMax {
		item, _, err = s.c.Drive.Upload(ctx, s.drive, folderID, name, file, fp.Size, uo)
		if err != nil {
			err = s.fail(err, target, conflictHint)
		}
	} else {
		up := &resumable{s: s, file: file, fp: fp, target: target, conflict: conflict, opts: uo, noResume: o.noResume, f: f}
		item, resumed, err = up.run(ctx, folderID, name)
	}
	bar.finish(err == nil)
	if err != nil {
		return err
	}
	p := path.Join(folder, item.Name)
	if f.JSON {
		out := itemOut(item, p)
		return writeJSON(f.IO.Out, map[string]any{"path": out.Path, "id": out.ID, "name": out.Name, "size": out.Size, "resumed": resumed})
	}
	how := ""
	if resumed {
		how = ", resumed"
	}
	fmt.Fprintf(f.IO.Out, "Uploaded %s to %s (%s%s)\n", printable(src), printable(showPath(p)), humanSize(item.Size), how)
	return nil
}

// putTarget resolves put's PATH to a folder and a file name: an existing folder takes the file
// under srcName, anything else names the file. With the fail behaviour a taken name is an
// error before any byte is sent.
func (s *driveSession) putTarget(ctx context.Context, p, srcName, conflict string) (folder, name string, err error) {
	folder, name = p, srcName
	if p != "" {
		it, err := s.lookup(ctx, p)
		if err != nil {
			return "", "", err
		}
		if it == nil || !it.IsFolder() {
			folder, name = path.Dir(p), path.Base(p)
		}
	}
	if folder == "." {
		folder = ""
	}
	if conflict == msgraph.ConflictFail {
		taken, err := s.lookup(ctx, path.Join(folder, name))
		if err != nil {
			return "", "", err
		}
		if taken != nil {
			return "", "", s.fail(&msgraph.Error{StatusCode: http.StatusConflict}, path.Join(folder, name), conflictHint)
		}
	}
	return folder, name, nil
}

// fingerprint tells whether a local file is still the one an upload session was started for.
type fingerprint struct {
	Source     string    `json:"source"` // absolute path
	Size       int64     `json:"size"`
	ModTime    time.Time `json:"mtime"`
	HeadSHA256 string    `json:"head_sha256"` // of the first headBytes bytes
}

const headBytes = 1 << 20

// openSource opens put's SRC, a regular file, and takes its fingerprint.
func openSource(src string) (*os.File, fingerprint, error) {
	var fp fingerprint
	file, err := os.Open(src)
	if err != nil {
		return nil, fp, usagef("cannot read %s: %v", src, errors.Unwrap(err))
	}
	st, err := file.Stat()
	if err == nil && !st.Mode().IsRegular() {
		err = errors.New("not a regular file; give the path of a file")
	}
	if err == nil {
		fp.Source, err = filepath.Abs(src)
	}
	if err == nil {
		h := sha256.New()
		_, err = io.Copy(h, io.NewSectionReader(file, 0, headBytes))
		fp.Size, fp.ModTime, fp.HeadSHA256 = st.Size(), st.ModTime().UTC(), hex.EncodeToString(h.Sum(nil))
	}
	if err != nil {
		file.Close()
		return nil, fp, usagef("cannot read %s: %v", src, err)
	}
	return file, fp, nil
}

// putState is what put keeps of an upload session while it is not finished, in a 0600 file of
// the profile's folder. UploadURL is pre-authenticated: it is never printed or logged.
type putState struct {
	UploadURL string    `json:"upload_url"`
	Expires   time.Time `json:"expires,omitzero"`
	Target    string    `json:"target"`
	Conflict  string    `json:"conflict"`
	fingerprint
}

// String leaves out the upload URL.
func (p *putState) String() string {
	return fmt.Sprintf("upload of %s to %s", p.Source, showPath(p.Target))
}

// resumable is one put through an upload session that survives the process.
type resumable struct {
	f        *Factory
	s        *driveSession
	file     *os.File
	fp       fingerprint
	target   string
	conflict string
	opts     *msgraph.UploadOptions
	noResume bool
	sent     int64 // what the session has, as far as we know
}

// statePath is the file that keeps the session of an upload of this file to this place with
// this connection.
func (u *resumable) statePath() string {
	h := sha256.Sum256([]byte(u.s.conn + "\x00" + string(u.s.drive) + "\x00" + u.target + "\x00" + u.fp.Source))
	return filepath.Join(u.s.b.Vault().Dir(), "uploads", hex.EncodeToString(h[:16])+".json")
}

func (u *resumable) run(ctx context.Context, folderID, name string) (*msgraph.DriveItem, bool, error) {
	progress := u.opts.Progress
	u.opts.Progress = func(sent, total int64) {
		u.sent = sent
		progress(sent, total)
	}
	sp := u.statePath()
	if saved := loadPutState(sp); saved != nil {
		if !u.noResume && saved.fingerprint == u.fp && saved.Target == u.target && saved.Conflict == u.conflict &&
			(saved.Expires.IsZero() || nowFunc().Before(saved.Expires)) {
			item, err := u.send(ctx, sp, &msgraph.UploadSession{UploadURL: saved.UploadURL})
			if !errors.Is(err, errSessionEnded) {
				return item, true, err
			}
			u.f.notef("authsome: the interrupted upload of %s has ended on the server's side; starting over\n", printable(u.fp.Source))
		} else {
			u.s.c.Drive.CancelUpload(ctx, saved.UploadURL) // changed file or --no-resume: its bytes are of no use
		}
		os.Remove(sp)
	}
	sess, _, err := u.s.c.Drive.CreateUploadSession(ctx, u.s.drive, folderID, name, u.opts)
	if err != nil {
		return nil, false, u.s.fail(err, u.target, conflictHint)
	}
	st := &putState{UploadURL: sess.UploadURL, Expires: sess.ExpirationDateTime, Target: u.target, Conflict: u.conflict, fingerprint: u.fp}
	if err := savePutState(sp, st); err != nil {
		u.s.c.Drive.CancelUpload(ctx, sess.UploadURL)
		return nil, false, fmt.Errorf("cannot keep the upload session for resuming (%v); fix that, or use `authsome api` to upload", err)
	}
	item, err := u.send(ctx, sp, sess)
	return item, false, err
}

// send sends the file to the session. Done or refused for good, the state file goes; cut
// short, it stays, and the error says how to resume.
func (u *resumable) send(ctx context.Context, sp string, sess *msgraph.UploadSession) (*msgraph.DriveItem, error) {
	item, _, err := u.s.c.Drive.ResumeUpload(ctx, sess, u.file, u.fp.Size, u.opts)
	if err == nil {
		os.Remove(sp)
		return item, nil
	}
	var ge *msgraph.Error
	if errors.As(err, &ge) && ge.StatusCode < 500 && ge.StatusCode != http.StatusTooManyRequests && ge.StatusCode != http.StatusRequestedRangeNotSatisfiable {
		os.Remove(sp)
		if ge.StatusCode == http.StatusNotFound || ge.StatusCode == http.StatusGone {
			return nil, errSessionEnded
		}
		u.s.c.Drive.CancelUpload(ctx, sess.UploadURL)
		return nil, u.s.fail(err, u.target, conflictHint)
	}
	return nil, fmt.Errorf("upload of %s to %s stopped at %s of %s (%s); run the same `authsome drive put` again to resume, or add --no-resume to start over",
		u.fp.Source, showPath(u.target), humanSize(u.sent), humanSize(u.fp.Size), stopCause(err))
}

// errSessionEnded is an upload session that expired or was cancelled before the file was in.
var errSessionEnded = &driveError{msg: "the upload session ended on the server's side (it expired or was cancelled) before the file was in: run the same `authsome drive put` again to start over"}

// stopCause says why an upload stopped, without any URL (an upload URL is a secret).
func stopCause(err error) string {
	var ue *url.Error
	var ge *msgraph.Error
	switch {
	case errors.Is(err, context.Canceled):
		return "cancelled"
	case errors.Is(err, context.DeadlineExceeded):
		return "timed out"
	case errors.As(err, &ge):
		return fmt.Sprintf("the upload URL answered %d %s", ge.StatusCode, http.StatusText(ge.StatusCode))
	case errors.As(err, &ue):
		return "network: " + ue.Err.Error()
	}
	return err.Error()
}

// loadPutState reads a kept session; nil when there is none or it cannot be read.
func loadPutState(name string) *putState {
	data, err := os.ReadFile(name)
	if err != nil {
		return nil
	}
	st := new(putState)
	if json.Unmarshal(data, st) != nil || st.UploadURL == "" {
		os.Remove(name)
		return nil
	}
	return st
}

// savePutState writes st to name, readable by its owner only, replacing it whole.
func savePutState(name string, st *putState) error {
	data, err := json.Marshal(st)
	if err != nil {
		return err
	}
	dir := filepath.Dir(name)
	if err := os.MkdirAll(dir, 0o700); err != nil {
		return err
	}
	if err := os.Chmod(dir, 0o700); err != nil {
		return err
	}
	tmp, err := os.CreateTemp(dir, ".upload-*") // 0600
	if err != nil {
		return err
	}
	_, err = tmp.Write(data)
	if cerr := tmp.Close(); err == nil {
		err = cerr
	}
	if err == nil {
		err = os.Rename(tmp.Name(), name)
	}
	if err != nil {
		os.Remove(tmp.Name())
	}
	return err
}
