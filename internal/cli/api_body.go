package cli

import (
	"bufio"
	"bytes"
	"encoding/json"
	"errors"
	"io"
	"io/fs"
	"net/http"
	"os"
	"strings"
)

// apiBody is the request body -d names: literal text, a file or standard input. A file's bytes
// are read as the request is sent, never held whole in memory.
type apiBody struct {
	r     io.Reader
	size  int64                     // -1 when not known beforehand (a pipe)
	again func() (io.Reader, error) // the same bytes from the start, for a retry; nil if they can be read once only
	ctype string                    // Content-Type unless -H sets one
	close func() error              // closes the file read from; nil for text and standard input
}

// Close closes the file the body is read from, if any.
func (b *apiBody) Close() error {
	if b.close == nil {
		return nil
	}
	return b.close()
}

// openAPIBody opens -d: literal text (sent as JSON), @FILE, or @- for standard input. A file or
// standard input is sent as application/json when it starts like JSON ('{' or '['), as
// application/octet-stream otherwise.
func openAPIBody(f *Factory, d string) (*apiBody, error) {
	switch {
	case d == "@-":
		if file, ok := f.IO.In.(*os.File); ok {
			if st, err := file.Stat(); err == nil && st.Mode().IsRegular() {
				if off, err := file.Seek(0, io.SeekCurrent); err == nil { // stdin redirected from a file
					return fileBody(file, off, max(st.Size()-off, 0)), nil
				}
			}
		}
		return streamBody(f.IO.In, nil), nil
	case strings.HasPrefix(d, "@"):
		return openDataFile(d[1:])
	}
	return &apiBody{r: strings.NewReader(d), size: int64(len(d)), ctype: "application/json",
		again: func() (io.Reader, error) { return strings.NewReader(d), nil }}, nil
}

// openDataFile opens the file of -d @name, with an error that says what to do when it cannot.
func openDataFile(name string) (*apiBody, error) {
	if name == "" {
		return nil, usagef("-d @: name a file after @ (-d @body.json), or use -d @- to read standard input")
	}
	file, err := os.Open(name)
	switch {
	case errors.Is(err, fs.ErrNotExist):
		return nil, usagef("-d @%s: no such file; give the path of the file to send, or -d @- to read standard input", name)
	case errors.Is(err, fs.ErrPermission):
		return nil, usagef("-d @%s: permission denied; make the file readable or send another one", name)
	case err != nil:
		return nil, usagef("-d @%s: %v", name, err)
	}
	st, err := file.Stat()
	if err != nil {
		file.Close()
		return nil, usagef("-d @%s: %v", name, err)
	}
	if st.IsDir() {
		file.Close()
		return nil, usagef("-d @%s: is a folder; give the path of a file", name)
	}
	if !st.Mode().IsRegular() { // a named pipe or a device: read as it comes
		return streamBody(file, file.Close), nil
	}
	b := fileBody(file, 0, st.Size())
	b.close = file.Close
	return b, nil
}

// fileBody sends size bytes of file from off, with a known length, and can send them again.
func fileBody(file *os.File, off, size int64) *apiBody {
	head := make([]byte, min(size, 512))
	n, _ := file.ReadAt(head, off)
	return &apiBody{r: io.NewSectionReader(file, off, size), size: size, ctype: sniffBodyType(head[:n]),
		again: func() (io.Reader, error) { return io.NewSectionReader(file, off, size), nil }}
}

// streamBody sends r as it is read, in chunks, once.
func streamBody(r io.Reader, closeFn func() error) *apiBody {
	br := bufio.NewReaderSize(r, 64<<10)
	head, _ := br.Peek(512)
	return &apiBody{r: br, size: -1, ctype: sniffBodyType(head), close: closeFn}
}

// sniffBodyType is the Content-Type of a body read from a file: JSON when it starts like a
// JSON object or array, bytes otherwise.
func sniffBodyType(head []byte) string {
	if isJSON, _ := jsonStart(head); isJSON {
		return "application/json"
	}
	return "application/octet-stream"
}

// jsonStart reports whether b, after leading whitespace, starts like a JSON object or array;
// decided is false when b is whitespace only.
func jsonStart(b []byte) (isJSON, decided bool) {
	t := bytes.TrimLeft(b, " \t\r\n")
	return len(t) > 0 && (t[0] == '{' || t[0] == '['), len(t) > 0
}

// setOn makes b the body of req: its length when known, and a way to send it again after a
// throttled answer when the bytes can be read again.
func (b *apiBody) setOn(req *http.Request) {
	if b.size == 0 {
		req.Body, req.ContentLength = http.NoBody, 0
		req.GetBody = func() (io.ReadCloser, error) { return http.NoBody, nil }
		return
	}
	req.ContentLength = b.size
	req.GetBody = nil
	if b.again != nil {
		again := b.again
		req.GetBody = func() (io.ReadCloser, error) {
			r, err := again()
			if err != nil {
				return nil, err
			}
			return io.NopCloser(r), nil
		}
	}
}

// maxPretty is the largest JSON body indented for a terminal; a larger one is printed as it comes.
const maxPretty = 8 << 20

// bodyWriter writes a response body to stdout as it arrives, byte for byte. On a terminal a
// body that starts like JSON is held (up to maxPretty) so that finish can indent it.
type bodyWriter struct {
	out  io.Writer
	f    *Factory
	held *bytes.Buffer // nil once the body goes straight out
	json bool          // the held body starts like JSON
}

func newBodyWriter(f *Factory) *bodyWriter {
	w := &bodyWriter{out: f.IO.Out, f: f}
	if f.IO.IsStdoutTTY() {
		w.held = new(bytes.Buffer)
	}
	return w
}

func (w *bodyWriter) Write(p []byte) (int, error) {
	if w.held != nil && !w.json {
		var decided bool
		if w.json, decided = jsonStart(p); decided && !w.json { // nothing to indent
			return w.release(p)
		}
	}
	if w.held == nil {
		return w.out.Write(p)
	}
	if w.held.Len()+len(p) <= maxPretty {
		return w.held.Write(p)
	}
	return w.release(p)
}

// release writes what is held, then p, and lets the rest of the body go straight out.
func (w *bodyWriter) release(p []byte) (int, error) {
	held := w.held
	w.held = nil
	if _, err := w.out.Write(held.Bytes()); err != nil {
		return 0, err
	}
	return w.out.Write(p)
}

// finish writes what is still held, indented if it is JSON.
func (w *bodyWriter) finish(contentType string) error {
	if w.held == nil {
		return nil
	}
	data := w.held.Bytes()
	w.held = nil
	return writeAPIBody(w.f, contentType, data)
}

// writeAPIBody prints a response body as it is, or, when it is JSON and stdout is a terminal,
// indented and ending in a newline.
func writeAPIBody(f *Factory, contentType string, data []byte) error {
	if len(data) == 0 {
		return nil
	}
	if f.IO.IsStdoutTTY() && strings.Contains(contentType, "json") {
		var buf bytes.Buffer
		if json.Indent(&buf, data, "", "  ") == nil {
			pretty := append(bytes.TrimRight(buf.Bytes(), " \t\r\n"), '\n')
			_, err := f.IO.Out.Write(pretty)
			return err
		}
	}
	_, err := f.IO.Out.Write(data)
	return err
}
