package proxy

import (
	"bytes"
	"compress/gzip"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
)

// In base-URL mode the child addresses http://127.0.0.1:PORT/<secret>/<host>/..., but Graph
// answers with absolute links to https://<host>/... (@odata.nextLink, @odata.deltaLink) that
// the child follows as they are: past the proxy, with the placeholder for a token. So JSON
// responses in this mode have those links rewritten onto the base URL, as redirects are.

// maxLinkRewrite is the largest JSON body (decoded) that base-URL mode holds in memory to
// rewrite its links; larger ones pass through as they are.
var maxLinkRewrite = 8 << 20

// narrowAcceptEncoding limits a base-URL request's Accept-Encoding to what the proxy can
// decode for rewriting: gzip when the child accepts it, else identity. The child sees a
// decoded body for JSON, and the encoding it asked for otherwise.
func narrowAcceptEncoding(h http.Header) {
	vs := h.Values("Accept-Encoding")
	if len(vs) == 0 {
		return
	}
	gz := false
	for _, v := range vs {
		for part := range strings.SplitSeq(v, ",") {
			coding, params, _ := strings.Cut(strings.TrimSpace(part), ";")
			if strings.EqualFold(strings.TrimSpace(coding), "gzip") && !qZero(params) {
				gz = true
			}
		}
	}
	if gz {
		h.Set("Accept-Encoding", "gzip")
	} else {
		h.Del("Accept-Encoding")
	}
}

func qZero(params string) bool {
	for p := range strings.SplitSeq(params, ";") {
		k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
		if strings.EqualFold(k, "q") {
			q, err := strconv.ParseFloat(v, 64)
			return err == nil && q == 0
		}
	}
	return false
}

// rewriteLinks rewrites, in a JSON response, every string value of a member whose name ends
// in "link" (any case) that starts with https://host/ onto base + "/" + host + "/". A gzip
// body is decoded (the child then gets it decoded). Bodies that are not JSON, use another
// encoding or are larger than maxLinkRewrite are left alone.
func rewriteLinks(resp *http.Response, host, base string) error {
	if resp.Body == nil || resp.Body == http.NoBody || !isJSON(resp.Header.Get("Content-Type")) {
		return nil
	}
	enc := strings.ToLower(strings.TrimSpace(resp.Header.Get("Content-Encoding")))
	if enc != "" && enc != "identity" && enc != "gzip" {
		return nil
	}
	if enc != "gzip" && resp.ContentLength > int64(maxLinkRewrite) {
		return nil
	}
	orig := resp.Body
	var src io.Reader = orig
	if enc == "gzip" {
		zr, err := gzip.NewReader(orig)
		if err != nil {
			return err
		}
		src = zr
	}
	head, err := io.ReadAll(io.LimitReader(src, int64(maxLinkRewrite)+1))
	if err != nil {
		return err
	}
	if len(head) > maxLinkRewrite { // too large: pass it on, decoded if it was gzip
		resp.Body = struct {
			io.Reader
			io.Closer
		}{io.MultiReader(bytes.NewReader(head), src), orig}
		if enc == "gzip" {
			resp.Header.Del("Content-Encoding")
			resp.Header.Del("Content-Length")
			resp.ContentLength = -1
		}
		return nil
	}
	orig.Close()
	body := rewriteJSONLinks(head, host, base)
	resp.Body = io.NopCloser(bytes.NewReader(body))
	resp.ContentLength = int64(len(body))
	resp.Header.Set("Content-Length", strconv.Itoa(len(body)))
	resp.Header.Del("Content-Encoding")
	return nil
}

func isJSON(ct string) bool {
	mt, _, err := mime.ParseMediaType(ct)
	return err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json"))
}

// rewriteJSONLinks does the rewriting of rewriteLinks on a JSON text. A match must open a
// string that is the value of a member named *link: "https://host/ inside another string
// (escaped, \"https://...) or in an array or a member of another name stays as it is.
func rewriteJSONLinks(b []byte, host, base string) []byte {
	old := []byte(`"https://` + host + `/`)
	repl := []byte(`"` + base + "/" + host + "/")
	var out []byte
	last := 0
	for i := 0; ; {
		j := bytes.Index(b[i:], old)
		if j < 0 {
			break
		}
		at := i + j
		i = at + len(old)
		if !linkMember(b[:at]) {
			continue
		}
		if out == nil {
			out = make([]byte, 0, len(b)+256)
		}
		out = append(out, b[last:at]...)
		out = append(out, repl...)
		last = i
	}
	if out == nil {
		return b
	}
	return append(out, b[last:]...)
}

// linkMember reports whether before ends with `"<name>":` (spaces allowed) where name ends in
// "link", ignoring case.
func linkMember(before []byte) bool {
	k := len(before) - 1
	for k >= 0 && isSpace(before[k]) {
		k--
	}
	if k < 0 || before[k] != ':' {
		return false
	}
	k--
	for k >= 0 && isSpace(before[k]) {
		k--
	}
	if k < 0 || before[k] != '"' {
		return false
	}
	end := k
	start := bytes.LastIndexByte(before[:end], '"')
	if start < 0 || (start > 0 && before[start-1] == '\\') {
		return false
	}
	name := before[start+1 : end]
	return len(name) >= 4 && bytes.EqualFold(name[len(name)-4:], []byte("link"))
}

func isSpace(c byte) bool { return c == ' ' || c == '\t' || c == '\n' || c == '\r' }
