// Package edm checks JSON values against OData's primitive types (Edm.String,
// Edm.Int32, Edm.DateTimeOffset, Edm.Guid, Edm.Duration, Edm.Binary, …) as
// Graph's payloads use them. internal/graphschema judges documents with it
// and the sandbox checks request bodies with it, without linking the schema
// loader and its test helpers into the sandbox.
package edm

import (
	"encoding/base64"
	"encoding/json"
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/internal/guid"
	"github.com/authsome-go/authsome/internal/lazyre"
)

// The patterns are compiled when first used: the CLI links this package
// (through the sandbox) into every command, and most never check a value.
var (
	dateRE     = lazyre.New(`^-?\d{4,}-\d{2}-\d{2}$`)
	timeRE     = lazyre.New(`^\d{2}:\d{2}(:\d{2}(\.\d{1,12})?)?$`)
	durationRE = lazyre.New(`^-?P(\d+Y)?(\d+M)?(\d+W)?(\d+D)?(T(\d+H)?(\d+M)?(\d+(\.\d+)?S)?)?$`)
)

// Check returns what is wrong with v as a value of the Edm primitive type
// edm ("Edm.Int32", "Edm.DateTimeOffset", …), or "" when nothing is. v is a
// value decoded by encoding/json with UseNumber: nil, bool, json.Number,
// string, []any or map[string]any.
func Check(edm string, v any) string {
	str, isStr := v.(string)
	num, isNum := v.(json.Number)
	want := func(what string) string {
		return fmt.Sprintf("want %s (%s), got %s", what, edm, Describe(v))
	}
	switch edm {
	case "Edm.Untyped", "Edm.Stream":
		return ""
	case "Edm.String":
		if !isStr {
			return want("a string")
		}
	case "Edm.Boolean":
		if _, ok := v.(bool); !ok {
			return want("true or false")
		}
	case "Edm.Byte", "Edm.SByte", "Edm.Int16", "Edm.Int32", "Edm.Int64":
		if !isNum {
			return want("an integer") // Graph answers IEEE754Compatible=false: Int64 is a number too
		}
		n, err := strconv.ParseInt(num.String(), 10, 64)
		if err != nil {
			f, ferr := num.Float64()
			if ferr != nil || f != math.Trunc(f) {
				return fmt.Sprintf("%s is not an integer (%s)", num, edm)
			}
			n = int64(f)
		}
		lo, hi := intRange(edm)
		if n < lo || n > hi {
			return fmt.Sprintf("%s is out of range for %s", num, edm)
		}
	case "Edm.Double", "Edm.Single", "Edm.Decimal":
		if isStr && (str == "INF" || str == "-INF" || str == "NaN") {
			return ""
		}
		if !isNum {
			return want("a number")
		}
	case "Edm.DateTimeOffset":
		if !isStr {
			return want("an RFC 3339 date-time string")
		}
		if _, err := time.Parse(time.RFC3339Nano, str); err != nil {
			return fmt.Sprintf("%q is not an RFC 3339 date-time with offset (%s)", str, edm)
		}
	case "Edm.Date":
		if !isStr || !dateRE().MatchString(str) {
			return wantFormat(v, "YYYY-MM-DD", edm)
		}
	case "Edm.TimeOfDay":
		if !isStr || !timeRE().MatchString(str) {
			return wantFormat(v, "hh:mm:ss[.fffffff]", edm)
		}
	case "Edm.Guid":
		if !isStr || !guid.Valid(str) {
			return wantFormat(v, "a GUID such as 00000000-0000-0000-0000-000000000000", edm)
		}
	case "Edm.Duration":
		if !isStr || !durationRE().MatchString(str) || str == "P" || strings.HasSuffix(str, "T") {
			return wantFormat(v, "an ISO 8601 duration such as PT1H", edm)
		}
	case "Edm.Binary":
		if !isStr {
			return want("a base64 string")
		}
		if !isBase64(str) {
			return fmt.Sprintf("%q is not base64 (%s)", abbreviate(str), edm)
		}
	default:
		return "" // Geography and other kinds Graph v1.0 does not use in payloads we judge
	}
	return ""
}

func wantFormat(v any, format, edm string) string {
	if s, ok := v.(string); ok {
		return fmt.Sprintf("%q is not %s (%s)", abbreviate(s), format, edm)
	}
	return fmt.Sprintf("want %s (%s), got %s", format, edm, Describe(v))
}

func intRange(edm string) (lo, hi int64) {
	switch edm {
	case "Edm.Byte":
		return 0, math.MaxUint8
	case "Edm.SByte":
		return math.MinInt8, math.MaxInt8
	case "Edm.Int16":
		return math.MinInt16, math.MaxInt16
	case "Edm.Int32":
		return math.MinInt32, math.MaxInt32
	}
	return math.MinInt64, math.MaxInt64
}

func isBase64(s string) bool {
	for _, enc := range []*base64.Encoding{base64.StdEncoding, base64.URLEncoding, base64.RawStdEncoding, base64.RawURLEncoding} {
		if _, err := enc.DecodeString(s); err == nil {
			return true
		}
	}
	return false
}

func abbreviate(s string) string {
	if len(s) > 60 {
		return s[:57] + "..."
	}
	return s
}

// Describe names the kind of the decoded JSON value v for a message: "a
// boolean", "the number 3", "the string \"x\"", "an array", ….
func Describe(v any) string {
	switch v := v.(type) {
	case nil:
		return "null"
	case bool:
		return "a boolean"
	case json.Number:
		return "the number " + v.String()
	case string:
		return fmt.Sprintf("the string %q", abbreviate(v))
	case []any:
		return "an array"
	case map[string]any:
		return "an object"
	}
	return fmt.Sprintf("%T", v)
}
