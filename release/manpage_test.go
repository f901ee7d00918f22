package main

import (
	"strings"
	"testing"

	"github.com/spf13/cobra"
)

func TestManPages(t *testing.T) {
	root := &cobra.Command{Use: "tool", Short: "A tool"}
	root.PersistentFlags().Bool("json", false, "JSON output")
	get := &cobra.Command{
		Use:   "get NAME",
		Short: "Get a thing",
		Long: `Get a thing by name.

.dots and 'quotes at the start of a line, a back\slash, and a-hyphen are printed as they are.
  An indented line.`,
		Example: "tool get -x 3 one",
		Run:     func(*cobra.Command, []string) {},
	}
	get.Flags().IntP("times", "x", 1, "how many `N` times")
	get.Flags().String("secret", "", "hidden")
	_ = get.Flags().MarkHidden("secret")
	hidden := &cobra.Command{Use: "internal", Hidden: true, Run: func(*cobra.Command, []string) {}}
	root.AddCommand(get, hidden)

	pages := manPages(root, manHeader{Date: "2026-01-02", Source: "tool v1.0.0", Manual: "tool manual", Section: "1"})
	if len(pages) != 2 || pages["tool.1"] == nil || pages["tool-get.1"] == nil {
		names := []string{}
		for n := range pages {
			names = append(names, n)
		}
		t.Fatalf("pages = %v, want tool.1 and tool-get.1 (no page for the hidden command)", names)
	}
	got := string(pages["tool-get.1"])
	want := `.TH "TOOL\-GET" "1" "2026\-01\-02" "tool v1.0.0" "tool manual"
.SH NAME
tool\-get \- Get a thing
.SH SYNOPSIS
.B tool get NAME [flags]
.SH DESCRIPTION
Get a thing by name.
.PP
\&.dots and 'quotes at the start of a line, a back\eslash, and a\-hyphen are printed as they are.
  An indented line.
.SH OPTIONS
.TP
\fB\-x\fR, \fB\-\-times\fR=\fIN\fR
how many N times (default 1)
.SH OPTIONS INHERITED FROM PARENT COMMANDS
.TP
\fB\-\-json\fR
JSON output
.SH EXAMPLES
.nf
tool get \-x 3 one
.fi
.SH SEE ALSO
.BR tool (1)
`
	if got != want {
		t.Errorf("tool-get.1 =\n%s\nwant\n%s", got, want)
	}
	rootPage := string(pages["tool.1"])
	for _, s := range []string{".B tool [command]\n", ".SH DESCRIPTION\nA tool\n", ".BR tool\\-get (1)\n"} {
		if !strings.Contains(rootPage, s) {
			t.Errorf("tool.1 lacks %q:\n%s", s, rootPage)
		}
	}
	if strings.Contains(rootPage, "internal") {
		t.Errorf("tool.1 names the hidden command:\n%s", rootPage)
	}
}
