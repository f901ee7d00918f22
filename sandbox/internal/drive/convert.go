package drive

import (
	"bufio"
	"bytes"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"slices"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Conversions: GET .../content?format=pdf is Graph's 302 to a
// pre-authenticated URL of the file converted to PDF, for the file types
// Graph's documentation lists; the sandbox's PDF is one page with the
// file's name and, for a text file (csv), its first lines. Any other format
// or file type is Graph's 406 notSupported.

// pdfSources are the extensions Graph converts to PDF.
var pdfSources = []string{"csv", "doc", "docx", "odp", "ods", "odt", "pot", "potm", "potx", "pps", "ppsx",
	"ppsxm", "ppt", "pptm", "pptx", "rtf", "xls", "xlsx"}

// textSources are those whose first lines the PDF shows.
var textSources = []string{"csv"}

func (s *Workload) convertRedirect(w http.ResponseWriter, r *http.Request, u *graphkit.User, t target) {
	format := strings.ToLower(r.URL.Query().Get("format"))
	s.mu.Lock()
	d := s.user(u)
	it, ce := d.file(t)
	loc := ""
	if ce == nil {
		ext := strings.TrimPrefix(strings.ToLower(path.Ext(it.Name)), ".")
		if format != "pdf" || !slices.Contains(pdfSources, ext) {
			ce = graphkit.Err(406, "notSupported", fmt.Sprintf("Converting a .%s file to %q is not supported: a file converts to pdf from %s.", ext, format, strings.Join(pdfSources, ", ")))
		} else {
			c := downloadClaims{Drive: d.ID, Version: it.Content, Expires: s.Now().Add(downloadLifetime).Unix(), Variant: "pdf"}
			loc = s.preauthURL(r, DownloadPrefix, it.ID, c, "/"+url.PathEscape(strings.TrimSuffix(it.Name, path.Ext(it.Name))+".pdf"))
		}
	}
	s.mu.Unlock()
	if ce != nil {
		s.Fail(w, r, ce)
		return
	}
	s.redirect(w, r, loc)
}

// serveVariant serves bytes made from the content whose SHA-256 is hash (a
// file called name): its PDF or a thumbnail.
func (s *Workload) serveVariant(w http.ResponseWriter, r *http.Request, variant, hash, name string, modified time.Time) {
	src, err := s.open(hash)
	if err != nil {
		s.WriteError(w, r, 500, "generalException", "The file's content could not be read.")
		return
	}
	if c, ok := src.(io.Closer); ok {
		defer c.Close()
	}
	var out []byte
	ctype, outName := "application/pdf", strings.TrimSuffix(name, path.Ext(name))+".pdf"
	if size, ok := strings.CutPrefix(variant, "thumb:"); ok {
		ctype, outName = "image/jpeg", strings.TrimSuffix(name, path.Ext(name))+"-"+size+".jpg"
		out, err = thumbnail(src, size)
	} else {
		var lines []string
		if slices.Contains(textSources, strings.TrimPrefix(strings.ToLower(path.Ext(name)), ".")) {
			lines = firstLines(src, 40)
		}
		out = pdfPage(name, lines)
	}
	if err != nil {
		s.WriteError(w, r, 500, "generalException", "The file's content could not be converted.")
		return
	}
	w.Header().Set("Content-Type", ctype)
	w.Header().Set("Content-Disposition", `attachment; filename="`+strings.ReplaceAll(outName, `"`, "")+`"`)
	http.ServeContent(w, r, "", modified, bytes.NewReader(out))
}

// firstLines is at most n lines of text from src.
func firstLines(src io.Reader, n int) []string {
	var out []string
	sc := bufio.NewScanner(io.LimitReader(src, 64<<10))
	for len(out) < n && sc.Scan() {
		out = append(out, sc.Text())
	}
	return out
}

// pdfPage is a one-page PDF (A4, Helvetica) with title in large type and
// lines below it: a hand-built file with its cross-reference table, which
// any PDF reader opens.
func pdfPage(title string, lines []string) []byte {
	var text strings.Builder
	fmt.Fprintf(&text, "BT /F1 18 Tf 56 780 Td (%s) Tj ET\n", pdfString(title))
	for i, l := range lines {
		fmt.Fprintf(&text, "BT /F1 10 Tf 56 %d Td (%s) Tj ET\n", 750-14*i, pdfString(l))
	}
	objs := []string{
		"<< /Type /Catalog /Pages 2 0 R >>",
		"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
		"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Resources << /Font << /F1 4 0 R >> >> /Contents 5 0 R >>",
		"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica /Encoding /WinAnsiEncoding >>",
		fmt.Sprintf("<< /Length %d >>\nstream\n%sendstream", text.Len(), text.String()),
	}
	var b bytes.Buffer
	b.WriteString("%PDF-1.4\n")
	offsets := make([]int, len(objs))
	for i, o := range objs {
		offsets[i] = b.Len()
		fmt.Fprintf(&b, "%d 0 obj\n%s\nendobj\n", i+1, o)
	}
	xref := b.Len()
	fmt.Fprintf(&b, "xref\n0 %d\n0000000000 65535 f \n", len(objs)+1)
	for _, off := range offsets {
		fmt.Fprintf(&b, "%010d 00000 n \n", off)
	}
	fmt.Fprintf(&b, "trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n", len(objs)+1, xref)
	return b.Bytes()
}

// pdfString escapes s for a PDF literal string, with what is not printable
// ASCII as "?".
func pdfString(s string) string {
	var b strings.Builder
	for _, r := range s {
		switch {
		case r == '\\' || r == '(' || r == ')':
			b.WriteByte('\\')
			b.WriteRune(r)
		case r == '\t':
			b.WriteString("    ")
		case r < 0x20 || r > 0x7e:
			b.WriteByte('?')
		default:
			b.WriteRune(r)
		}
	}
	return b.String()
}
