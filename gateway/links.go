package gateway

import (
	"encoding/json"
	"mime"
	"net/http"
	"regexp"
	"strconv"
	"strings"
)

// Graph answers a collection page with absolute links to the next page (@odata.nextLink) or to
// the next round of changes (@odata.deltaLink) on its own host, which an API client cannot
// follow with its agent credential. So JSON answers of /v1/graph have those two links, when
// they point at the connection's routed host, rewritten onto the gateway's own /v1/graph URL
// of the connection; following one is a request like any other, checked against the grant.
// Other links are left alone: @microsoft.graph.downloadUrl and the like are pre-authenticated
// URLs on other hosts, meant to be fetched without a credential.

// linkSpace bounds the white space matched around the colon of a link member (Graph writes
// none); it bounds how much of a body the rewriter holds back between writes.
const linkSpace = 16

// linkWriter streams a response, rewriting the links of a JSON body as it passes: it holds
// back only a tail that could be the start of a link member cut by a write.
type linkWriter struct {
	http.ResponseWriter
	re      *regexp.Regexp
	base    string // the gateway's URL of the connection, JSON-encoded without its quotes
	keep    int    // the longest match: bytes held back at most
	active  bool   // a JSON body, not encoded: rewriting
	started bool   // WriteHeader was called
	pending []byte
}

// rewritingLinks wraps w for a /v1/graph request r on prov/conn (escaped, as in the request's
// path) to host; close it after the response. It asks the upstream for an unencoded body.
func rewritingLinks(w http.ResponseWriter, r *http.Request, host, prov, conn string) *linkWriter {
	lw := &linkWriter{ResponseWriter: w}
	if host == "" {
		return lw
	}
	r.Header.Del("Accept-Encoding") // a compressed body could not be rewritten
	prefix := `"https://` + host + `/`
	space := `\s{0,` + strconv.Itoa(linkSpace) + `}`
	lw.re = regexp.MustCompile(`"@odata\.(nextLink|deltaLink)"(` + space + `:` + space + `)` + regexp.QuoteMeta(prefix))
	lw.keep = len(`"@odata.deltaLink"`) + 2*linkSpace + 1 + len(prefix)
	base, _ := json.Marshal("https://" + r.Host + graphPrefix + prov + "/" + conn + "/")
	lw.base = string(base[1 : len(base)-1])
	return lw
}

func (w *linkWriter) WriteHeader(code int) {
	if !w.started {
		w.started = true
		h := w.Header()
		enc := strings.TrimSpace(h.Get("Content-Encoding"))
		if w.re != nil && isJSON(h.Get("Content-Type")) && (enc == "" || strings.EqualFold(enc, "identity")) {
			w.active = true
			h.Del("Content-Length") // the rewritten body is longer
		}
	}
	w.ResponseWriter.WriteHeader(code)
}

func (w *linkWriter) Write(p []byte) (int, error) {
	if !w.started {
		w.WriteHeader(http.StatusOK)
	}
	if !w.active {
		return w.ResponseWriter.Write(p)
	}
	buf := append(w.pending, p...)
	out, hold := w.rewrite(buf)
	w.pending = append([]byte(nil), buf[hold:]...)
	if len(out) > 0 {
		if _, err := w.ResponseWriter.Write(out); err != nil {
			return 0, err
		}
	}
	return len(p), nil
}

// rewrite returns buf up to hold with its complete link members rewritten; buf[hold:] may
// start a member that the next write completes.
func (w *linkWriter) rewrite(buf []byte) (out []byte, hold int) {
	last := 0
	for _, m := range w.re.FindAllSubmatchIndex(buf, -1) {
		out = append(out, buf[last:m[0]]...)
		out = append(out, `"@odata.`...)
		out = append(out, buf[m[2]:m[3]]...)
		out = append(out, '"')
		out = append(out, buf[m[4]:m[5]]...)
		out = append(out, '"')
		out = append(out, w.base...)
		last = m[1]
	}
	hold = max(last, len(buf)-w.keep+1)
	return append(out, buf[last:hold]...), hold
}

// Flush sends what is not held back.
func (w *linkWriter) Flush() {
	http.NewResponseController(w.ResponseWriter).Flush()
}

// Unwrap gives http.ResponseController the writer underneath.
func (w *linkWriter) Unwrap() http.ResponseWriter { return w.ResponseWriter }

// close writes what was held back.
func (w *linkWriter) close() {
	if len(w.pending) > 0 {
		w.ResponseWriter.Write(w.pending)
		w.pending = nil
	}
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}
