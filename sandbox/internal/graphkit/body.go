package graphkit

import (
	"bytes"
	"compress/gzip"
	"encoding/json"
	"errors"
	"io"
	"mime"
	"net/http"
	"strconv"
	"strings"
	"unicode/utf16"
	"unicode/utf8"
)

// This file is the Graph kit's request side, shared by every workload: the
// body reader (size limit, Content-Encoding, charset, empty and malformed
// payloads), the errors Graph gives for a body member of the wrong type, an
// unknown member or an enum value it does not know, case-insensitive enum
// parsing, and the Prefer header.

// MaxJSONBody bounds the JSON bodies of entities other than messages
// (folders, calendars, events, contacts) and of actions.
const MaxJSONBody = 4 << 20

// ErrUnreadablePayload is Graph's answer to a body that is not a JSON
// object. Microsoft's SDKs also read it as "the gateway did not take the
// compressed body" and send it again uncompressed.
var ErrUnreadablePayload = &Error{400, "BadRequest",
	"Unable to read JSON request payload. Please ensure Content-Type header is set and payload is of valid JSON format."}

var ErrEmptyPayload = &Error{400, "BadRequest", "Empty Payload. JSON content expected."}

// ReadPayload reads r's body as UTF-8 JSON text: a gzip Content-Encoding is
// undone and a charset other than UTF-8 converted, and the body (compressed
// or not) may not exceed limit bytes.
func ReadPayload(w http.ResponseWriter, r *http.Request, limit int64) ([]byte, *Error) {
	ct := r.Header.Get("Content-Type")
	if ge := checkJSONType(ct); ge != nil {
		return nil, ge
	}
	tooLarge := &Error{413, "RequestEntityTooLarge", "The request payload exceeds the maximum size of " + formatMB(limit) + "."}
	var src io.Reader = http.MaxBytesReader(w, r.Body, limit)
	enc := strings.ToLower(strings.TrimSpace(r.Header.Get("Content-Encoding")))
	switch enc {
	case "", "identity":
		enc = ""
	case "gzip", "x-gzip":
		zr, err := gzip.NewReader(src)
		if err != nil {
			if isTooLarge(err) {
				return nil, tooLarge
			}
			return nil, ErrUnreadablePayload
		}
		defer zr.Close()
		src = io.LimitReader(zr, limit+1)
	default:
		// RFC 9110 §15.5.16; Microsoft's SDKs resend the body uncompressed on a 415.
		return nil, &Error{415, "RequestBodyRead", "The Content-Encoding '" + enc + "' is not supported. Send the body uncompressed or gzip-compressed."}
	}
	data, err := io.ReadAll(src)
	switch {
	case isTooLarge(err) || int64(len(data)) > limit:
		return nil, tooLarge
	case err != nil && enc != "":
		return nil, ErrUnreadablePayload // a corrupt or truncated gzip stream
	case err != nil:
		return nil, BadRequest("Unable to read the request body.")
	}
	if ct == "" && len(bytes.TrimSpace(data)) > 0 {
		return nil, ErrUnreadablePayload // Graph reads a body only when it is said to be JSON
	}
	return decodeCharset(ct, data)
}

// checkJSONType refuses a Content-Type that is not JSON with Graph's 415 (an
// absent one is judged once the body is read: an empty body needs none).
func checkJSONType(ct string) *Error {
	if ct == "" {
		return nil
	}
	mt, _, err := mime.ParseMediaType(ct)
	if err == nil && (mt == "application/json" || strings.HasSuffix(mt, "+json")) {
		return nil
	}
	return &Error{415, "RequestBodyRead", "A supported MIME type could not be found that matches the content type of the response. " +
		"None of the supported type(s) 'application/json;odata.metadata=minimal;odata.streaming=true;IEEE754Compatible=false, " +
		"application/json;odata.metadata=minimal, application/json' matches the content type '" + ct + "'."}
}

func isTooLarge(err error) bool {
	var mbe *http.MaxBytesError
	return errors.As(err, &mbe)
}

// decodeCharset converts data from the charset of contentType to UTF-8, as
// OData reads a payload in the charset its Content-Type names; a byte order
// mark is dropped.
func decodeCharset(contentType string, data []byte) ([]byte, *Error) {
	cs := ""
	if contentType != "" {
		if _, params, err := mime.ParseMediaType(contentType); err == nil {
			cs = strings.ToLower(strings.Trim(params["charset"], `"`))
		}
	}
	switch cs {
	case "", "utf-8", "utf8", "us-ascii", "ascii":
		return bytes.TrimPrefix(data, []byte("\xef\xbb\xbf")), nil
	case "iso-8859-1", "latin1", "l1", "iso_8859-1", "iso8859-1":
		out := make([]byte, 0, len(data)+len(data)/8)
		for _, b := range data {
			out = utf8.AppendRune(out, rune(b))
		}
		return out, nil
	case "utf-16", "utf-16le", "utf-16be", "unicode":
		big := cs == "utf-16be"
		switch {
		case bytes.HasPrefix(data, []byte{0xfe, 0xff}):
			big, data = true, data[2:]
		case bytes.HasPrefix(data, []byte{0xff, 0xfe}):
			big, data = false, data[2:]
		}
		if len(data)%2 != 0 {
			return nil, ErrUnreadablePayload
		}
		units := make([]uint16, len(data)/2)
		for i := range units {
			if big {
				units[i] = uint16(data[2*i])<<8 | uint16(data[2*i+1])
			} else {
				units[i] = uint16(data[2*i+1])<<8 | uint16(data[2*i])
			}
		}
		return []byte(string(utf16.Decode(units))), nil
	}
	return nil, &Error{400, "RequestBodyRead", "The character set '" + cs + "' is not supported."}
}

// ReadBody reads the JSON object of a create, an update, or an action whose
// parameters are required: an empty body is Graph's "Empty Payload".
func ReadBody(w http.ResponseWriter, r *http.Request, limit int64) (map[string]json.RawMessage, *Error) {
	return readObject(w, r, limit, false)
}

// ReadParams reads the parameters of an action that may have none: an
// empty body is an empty object.
func ReadParams(w http.ResponseWriter, r *http.Request, limit int64) (map[string]json.RawMessage, *Error) {
	return readObject(w, r, limit, true)
}

func readObject(w http.ResponseWriter, r *http.Request, limit int64, emptyOK bool) (map[string]json.RawMessage, *Error) {
	data, ge := ReadPayload(w, r, limit)
	if ge != nil {
		return nil, ge
	}
	if len(bytes.TrimSpace(data)) == 0 {
		if emptyOK {
			return map[string]json.RawMessage{}, nil
		}
		return nil, ErrEmptyPayload
	}
	var out map[string]json.RawMessage
	if err := json.Unmarshal(data, &out); err != nil || out == nil {
		return nil, ErrUnreadablePayload
	}
	return out, nil
}

func formatMB(n int64) string { return strconv.FormatInt(n>>20, 10) + " MB" }

// PropTypeError is Graph's answer to a body member whose JSON value is not
// of the property's type (typ, when known: "Edm.String", ...).
func PropTypeError(name, typ string) *Error {
	msg := "Cannot convert the literal in the property '" + name + "' to the expected type"
	if typ != "" {
		msg += " '" + typ + "'"
	}
	return &Error{400, "RequestBodyRead", msg + "."}
}

// UnknownPropError is Graph's answer to a body member the entity type
// (typ, as Exchange names it: "Message", "Event", ...) does not have.
func UnknownPropError(name, typ string) *Error {
	return UnknownPropErrorOn(name, "Microsoft.OutlookServices."+typ)
}

// UnknownPropErrorOn is [UnknownPropError] for a type named in full
// ("microsoft.graph.user" for the directory, "Microsoft.OutlookServices.Event"
// for Exchange's types).
func UnknownPropErrorOn(name, qualifiedType string) *Error {
	return &Error{400, "RequestBodyRead", "The property '" + name + "' does not exist on type '" + qualifiedType +
		"'. Make sure to only use property names that are defined by the type or mark the type as open type."}
}

// EnumError is Graph's answer to a value an enum type does not have.
func EnumError(v string) *Error {
	return &Error{400, "RequestBodyRead", "Requested value '" + v + "' was not found."}
}

// BodyTypes are the members of microsoft.graph.bodyType.
var BodyTypes = []string{"text", "html"}

// EnumValue finds v among an enum's members as Graph does, ignoring case,
// and returns the member in its canonical case.
func EnumValue(v string, members []string) (string, bool) {
	for _, m := range members {
		if strings.EqualFold(v, m) {
			return m, true
		}
	}
	return "", false
}

// Prefer parses the Prefer headers into lower-case names and unquoted values.
func Prefer(r *http.Request) map[string]string {
	out := map[string]string{}
	for _, h := range r.Header.Values("Prefer") {
		for _, p := range strings.Split(h, ",") {
			k, v, _ := strings.Cut(strings.TrimSpace(p), "=")
			if k = strings.ToLower(strings.TrimSpace(k)); k != "" {
				out[k] = strings.Trim(strings.TrimSpace(v), `"`)
			}
		}
	}
	return out
}
