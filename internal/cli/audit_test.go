package cli

import (
	"encoding/json"
	"path/filepath"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// hostilePath is a request path an unauthenticated local user (or the agent) can put in the
// audit log: a terminal title change, a line erase and a carriage return, then a whole forged
// row, a bidi override, a C1 control, DEL and a byte that is not UTF-8 (which the log's JSON
// stores as U+FFFD).
const hostilePath = "/\x1b]0;owned\x07\x1b[2K\rinjected\n" +
	"2026-01-01T00:00:00Z\tmicrosoft\tGET\tgraph.microsoft.com\t/v1.0/forged\t200\tyes\t1.0\tmitm\t-" +
	"\u202egnp.exe\u0085\x7f\xff"

// TestLogEscapesControlCharacters: `authsome log` shows each audit record as exactly one row
// of ten columns, with the hostile characters escaped on a terminal and in piped output;
// --json keeps the exact value.
func TestLogEscapesControlCharacters(t *testing.T) {
	t.Parallel()
	home := testEnv(t)
	wantCode(t, runHome(t, home, "list"), exitOK) // creates the default profile's folder
	a, err := proxy.OpenAuditFile(filepath.Join(home, "profiles", "default", auditFileName))
	if err != nil {
		t.Fatal(err)
	}
	at := time.Date(2026, 11, 30, 8, 0, 0, 0, time.UTC)
	a.Write(proxy.Entry{Time: at, Method: "GET", Host: "example.com", Path: hostilePath, Status: 407, Mode: proxy.ModeDenied,
		Error: "proxy authentication required", Kind: proxy.KindRefusals, Count: 3, Until: at.Add(time.Second)})
	a.Write(proxy.Entry{Time: at, Method: "GET", Host: "graph.microsoft.com", Path: "/v1.0/me\tx", Status: 200, Mode: proxy.ModeMITM, Injected: true,
		Provider: "microsoft", Connection: "default", Error: "cut\r\n\x1b[31m"})
	if err := a.Close(); err != nil {
		t.Fatal(err)
	}

	for _, tty := range []bool{false, true} {
		ios, _, out, errOut := Test()
		ios.stdoutTTY = tty
		if code := Run(t.Context(), ios, []string{"--home", home, "log"}); code != exitOK {
			t.Fatalf("tty=%v: exit %d: %s", tty, code, errOut)
		}
		got := out.String()
		for i, r := range got {
			if r == '\n' || (r == '\t' && !tty) {
				continue
			}
			if r < 0x20 || (r >= 0x7f && r <= 0x9f) || r == '\u202e' {
				t.Errorf("tty=%v: output holds %U at byte %d:\n%s", tty, r, i, got)
				break
			}
		}
		lines := strings.Split(strings.TrimSuffix(got, "\n"), "\n")
		if tty {
			lines = lines[1:] // the header
		}
		if len(lines) != 2 {
			t.Fatalf("tty=%v: %d rows for 2 records:\n%s", tty, len(lines), got)
		}
		if !tty {
			for _, l := range lines {
				if n := strings.Count(l, "\t"); n != 9 {
					t.Errorf("row has %d tabs, want 9: %q", n, l)
				}
			}
		}
		want := `/\x1b]0;owned\a\x1b[2K\rinjected\n2026-01-01T00:00:00Z\tmicrosoft\tGET`
		if !strings.Contains(lines[0], want) || !strings.Contains(lines[0], "\\u202egnp.exe\\u0085\\x7f\uFFFD") {
			t.Errorf("tty=%v: the path is not shown escaped: %q", tty, lines[0])
		}
		if !strings.Contains(lines[0], "(3 refused until ") {
			t.Errorf("tty=%v: the summary does not show its count: %q", tty, lines[0])
		}
		if !strings.Contains(lines[1], `/v1.0/me\tx`) || !strings.Contains(lines[1], `cut\r\n\x1b[31m`) {
			t.Errorf("tty=%v: second row %q", tty, lines[1])
		}
	}

	r := runHome(t, home, "--json", "log")
	wantCode(t, r, exitOK)
	var out struct{ Items []proxy.AuditRecord } // {"v": 1, "items": [...]}
	err = json.Unmarshal([]byte(r.stdout), &out)
	recs := out.Items
	if err != nil || len(recs) != 2 {
		t.Fatalf("--json: %v %q", err, r.stdout)
	}
	if want := strings.ToValidUTF8(hostilePath, "\uFFFD"); recs[0].Path != want || recs[0].Count != 3 || recs[0].Kind != proxy.KindRefusals {
		t.Errorf("--json record %+v, want the path as written", recs[0])
	}
}

func TestPrintable(t *testing.T) {
	t.Parallel()
	for in, want := range map[string]string{
		"":                            "",
		"/v1.0/me/messages":           "/v1.0/me/messages",
		"Zoë Müller 日本":               "Zoë Müller 日本",
		"a\tb\nc\rd":                  `a\tb\nc\rd`,
		"\x1b]52;c;SGVsbG8=\x07":      `\x1b]52;c;SGVsbG8=\a`,
		"\x00\x7f\u0085\u009b[2J":     `\x00\x7f\u0085\u009b[2J`,
		"\xff\xfe ok \xc3":            `\xff\xfe ok \xc3`,
		"abc\u202eexe.txt\u2066x":     `abc\u202eexe.txt\u2066x`,
		"zero\u200bwidth\ufeff":       `zero\u200bwidth\ufeff`,
		"line\u2028para\u2029":        `line\u2028para\u2029`,
		"C:\\path \uFFFD replacement": "C:\\path \uFFFD replacement",
	} {
		if got := printable(in); got != want {
			t.Errorf("printable(%q) = %q, want %q", in, got, want)
		}
	}
}
