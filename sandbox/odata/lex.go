package odata

import (
	"fmt"
	"math"
	"strconv"
	"strings"
	"time"
	"unicode"

	"github.com/authsome-go/authsome/internal/guid"
)

// ---- lexer

type tokKind int

const (
	tIdent tokKind = iota
	tString
	tNumber
	tDate
	tGuid
	tLParen
	tRParen
	tComma
	tSlash
	tColon
)

type token struct {
	kind tokKind
	text string // identifier text or string literal value
	num  float64
	date time.Time
	pos  int
}

func lex(s string) ([]token, error) {
	var toks []token
	i := 0
	for i < len(s) {
		c := s[i]
		switch {
		case c == ' ' || c == '\t' || c == '\n' || c == '\r':
			i++
		case isGUID(s, i):
			toks = append(toks, token{kind: tGuid, text: strings.ToLower(s[i : i+guidLen]), pos: i})
			i += guidLen
		case c == '(':
			toks = append(toks, token{kind: tLParen, pos: i})
			i++
		case c == ')':
			toks = append(toks, token{kind: tRParen, pos: i})
			i++
		case c == ',':
			toks = append(toks, token{kind: tComma, pos: i})
			i++
		case c == '/':
			toks = append(toks, token{kind: tSlash, pos: i})
			i++
		case c == ':':
			toks = append(toks, token{kind: tColon, pos: i})
			i++
		case c == '\'':
			start := i
			i++
			var b strings.Builder
			closed := false
			for i < len(s) {
				if s[i] == '\'' {
					if i+1 < len(s) && s[i+1] == '\'' {
						b.WriteByte('\'')
						i += 2
						continue
					}
					i++
					closed = true
					break
				}
				b.WriteByte(s[i])
				i++
			}
			if !closed {
				return nil, syntaxErr("Unterminated string literal at position %d in '%s'.", start, s)
			}
			toks = append(toks, token{kind: tString, text: b.String(), pos: start})
		case c >= '0' && c <= '9' || (c == '-' && i+1 < len(s) && s[i+1] >= '0' && s[i+1] <= '9'):
			start := i
			i++
			for i < len(s) && strings.IndexByte("0123456789.eE+-:TZ", s[i]) >= 0 {
				i++
			}
			lit := s[start:i]
			if len(lit) >= 10 && lit[4] == '-' && lit[0] != '-' {
				t, err := parseDate(lit)
				if err != nil {
					return nil, syntaxErr("'%s' is not a valid DateTimeOffset literal.", lit)
				}
				toks = append(toks, token{kind: tDate, date: t, text: lit, pos: start})
				continue
			}
			f, err := strconv.ParseFloat(lit, 64)
			if err != nil || math.IsInf(f, 0) || math.IsNaN(f) {
				return nil, syntaxErr("'%s' is not a valid number literal.", lit)
			}
			toks = append(toks, token{kind: tNumber, num: f, text: lit, pos: start})
		case c == '_' || c == '@' || c < 0x80 && unicode.IsLetter(rune(c)):
			start := i
			for i < len(s) && (s[i] == '_' || s[i] == '.' || s[i] == '@' || s[i] < 0x80 && (unicode.IsLetter(rune(s[i])) || unicode.IsDigit(rune(s[i])))) {
				i++
			}
			toks = append(toks, token{kind: tIdent, text: s[start:i], pos: start})
		default:
			return nil, syntaxErr("Syntax error: character '%c' is not valid at position %d in '%s'.", rune(c), i, s)
		}
	}
	return toks, nil
}

// guidLen is the length of a GUID literal, 8-4-4-4-12 hexadecimal digits.
const guidLen = 36

// isGUID reports whether a GUID literal (unquoted, as OData writes an
// Edm.Guid: 3fa85f64-5717-4562-b3fc-2c963f66afa6) starts at s[i] and ends
// where a name or number would.
func isGUID(s string, i int) bool {
	if len(s)-i < guidLen || !guid.Valid(s[i:i+guidLen]) {
		return false
	}
	if e := i + guidLen; e < len(s) {
		c := s[e]
		return !(c == '_' || c == '.' || c == '@' || c == '-' || c < 0x80 && (unicode.IsLetter(rune(c)) || unicode.IsDigit(rune(c))))
	}
	return true
}

func parseDate(lit string) (time.Time, error) {
	for _, layout := range []string{time.RFC3339Nano, "2006-01-02T15:04:05", "2006-01-02T15:04", "2006-01-02"} {
		if t, err := time.Parse(layout, lit); err == nil {
			return t, nil
		}
	}
	return time.Time{}, fmt.Errorf("bad date %q", lit)
}
