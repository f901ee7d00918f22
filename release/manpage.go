package main

import (
	"bytes"
	"fmt"
	"io"
	"os"
	"path/filepath"
	"sort"
	"strings"

	"github.com/spf13/cobra"
	"github.com/spf13/pflag"
)

// manHeader is what every page's .TH line carries besides its title.
type manHeader struct {
	Date    string // YYYY-MM-DD: the commit's date, so pages are reproducible
	Source  string // "authsome v0.1.0"
	Manual  string // "authsome manual"
	Section string // "1"
}

// manPages returns one roff page per available command of the tree under root, keyed by
// file name (authsome.1, authsome-login.1, ...).
func manPages(root *cobra.Command, h manHeader) map[string][]byte {
	pages := map[string][]byte{}
	var walk func(c *cobra.Command)
	walk = func(c *cobra.Command) {
		if c != root && (!c.IsAvailableCommand() || c.IsAdditionalHelpTopicCommand()) {
			return
		}
		var b bytes.Buffer
		writeManPage(&b, c, h)
		pages[manName(c)+"."+h.Section] = b.Bytes()
		for _, sub := range c.Commands() {
			walk(sub)
		}
	}
	walk(root)
	return pages
}

// writeManPages writes the pages into dir.
func writeManPages(dir string, pages map[string][]byte) error {
	if err := os.MkdirAll(dir, 0o755); err != nil {
		return err
	}
	for name, b := range pages {
		if err := os.WriteFile(filepath.Join(dir, name), b, 0o644); err != nil {
			return err
		}
	}
	return nil
}

// manName is the page name of a command: its path joined with dashes (authsome-profile-use).
func manName(c *cobra.Command) string { return strings.ReplaceAll(c.CommandPath(), " ", "-") }

func writeManPage(w io.Writer, c *cobra.Command, h manHeader) {
	name := manName(c)
	fmt.Fprintf(w, ".TH %s %s %s %s %s\n", roffQuote(strings.ToUpper(name)), roffQuote(h.Section),
		roffQuote(h.Date), roffQuote(h.Source), roffQuote(h.Manual))
	fmt.Fprintf(w, ".SH NAME\n%s \\- %s\n", roffEscape(name), roffEscape(c.Short))

	fmt.Fprintf(w, ".SH SYNOPSIS\n")
	if c.Runnable() {
		fmt.Fprintf(w, ".B %s\n", roffEscape(c.UseLine()))
	}
	if c.HasAvailableSubCommands() {
		if c.Runnable() {
			fmt.Fprintf(w, ".br\n")
		}
		fmt.Fprintf(w, ".B %s\n", roffEscape(c.CommandPath()+" [command]"))
	}

	fmt.Fprintf(w, ".SH DESCRIPTION\n")
	desc := c.Long
	if desc == "" {
		desc = c.Short
	}
	writeRoffText(w, desc)

	writeFlags(w, "OPTIONS", c.NonInheritedFlags())
	writeFlags(w, "OPTIONS INHERITED FROM PARENT COMMANDS", c.InheritedFlags())

	if c.Example != "" {
		fmt.Fprintf(w, ".SH EXAMPLES\n.nf\n")
		for _, l := range strings.Split(strings.TrimRight(c.Example, "\n"), "\n") {
			fmt.Fprintf(w, "%s\n", roffLine(l))
		}
		fmt.Fprintf(w, ".fi\n")
	}

	var see []string
	if c.HasParent() {
		see = append(see, manName(c.Parent()))
	}
	var subs []string
	for _, sub := range c.Commands() {
		if sub.IsAvailableCommand() && !sub.IsAdditionalHelpTopicCommand() {
			subs = append(subs, manName(sub))
		}
	}
	sort.Strings(subs)
	see = append(see, subs...)
	if len(see) > 0 {
		fmt.Fprintf(w, ".SH SEE ALSO\n")
		for i, s := range see {
			sep := ","
			if i == len(see)-1 {
				sep = ""
			}
			fmt.Fprintf(w, ".BR %s (%s)%s\n", roffEscape(s), h.Section, sep)
		}
	}
}

// writeFlags writes an options section (nothing when no flag is visible).
func writeFlags(w io.Writer, title string, fs *pflag.FlagSet) {
	var flags []*pflag.Flag
	fs.VisitAll(func(f *pflag.Flag) {
		if !f.Hidden {
			flags = append(flags, f)
		}
	})
	if len(flags) == 0 {
		return
	}
	fmt.Fprintf(w, ".SH %s\n", title)
	for _, f := range flags {
		varname, usage := pflag.UnquoteUsage(f)
		term := `\fB\-\-` + roffEscape(f.Name) + `\fR`
		if f.Shorthand != "" && f.ShorthandDeprecated == "" {
			term = `\fB\-` + roffEscape(f.Shorthand) + `\fR, ` + term
		}
		if varname != "" {
			term += `=\fI` + roffEscape(varname) + `\fR`
		}
		if def := f.DefValue; def != "" && def != "false" && def != "0" && def != "[]" {
			usage += fmt.Sprintf(" (default %s)", def)
		}
		fmt.Fprintf(w, ".TP\n%s\n%s\n", term, roffLine(usage))
	}
}

// writeRoffText writes free text: blank lines become paragraph breaks, indented lines keep
// their line (roff breaks before a line that starts with a space).
func writeRoffText(w io.Writer, s string) {
	blank := false
	for _, l := range strings.Split(strings.TrimSpace(s), "\n") {
		if strings.TrimSpace(l) == "" {
			blank = true
			continue
		}
		if blank {
			fmt.Fprintf(w, ".PP\n")
			blank = false
		}
		fmt.Fprintf(w, "%s\n", roffLine(l))
	}
}

// roffLine escapes a line of text so that roff prints it as it is.
func roffLine(s string) string {
	s = roffEscape(s)
	if strings.HasPrefix(s, ".") || strings.HasPrefix(s, "'") {
		s = `\&` + s
	}
	return s
}

// roffEscape escapes the characters roff would interpret inside a line: backslashes, and
// hyphens (printed as minus signs, which can be searched for and pasted into a shell).
func roffEscape(s string) string {
	return strings.NewReplacer(`\`, `\e`, "-", `\-`).Replace(s)
}

// roffQuote quotes a macro argument.
func roffQuote(s string) string {
	return `"` + strings.ReplaceAll(roffEscape(s), `"`, `""`) + `"`
}
