package termui

import (
	"context"
	"encoding/base64"
	"os"
	"os/exec"
	"runtime"
	"strings"
	"time"
)

// Clipboard copies text with the first clipboard tool found on PATH. Copying is a
// convenience: no tool, or a tool that fails, is never an error.
type Clipboard struct {
	GOOS     string                       // runtime.GOOS
	Getenv   func(string) string          // os.Getenv
	LookPath func(string) (string, error) // exec.LookPath
	// Run runs the tool at path with args and text on its standard input.
	Run func(ctx context.Context, path string, args []string, text string) error
}

// SystemClipboard is the Clipboard of this machine.
func SystemClipboard() Clipboard {
	return Clipboard{GOOS: runtime.GOOS, Getenv: os.Getenv, LookPath: exec.LookPath, Run: runTool}
}

// copyTimeout bounds one tool (xclip and wl-copy fork to serve the selection; a tool that
// hangs must not hold up the sign-in).
const copyTimeout = 2 * time.Second

// tool is a clipboard command and its arguments.
type tool struct {
	name string
	args []string
}

// tools lists the clipboard commands worth trying here, best first.
func (c Clipboard) tools() []tool {
	switch c.GOOS {
	case "darwin":
		return []tool{{"pbcopy", nil}}
	case "windows":
		return []tool{{"clip.exe", nil}}
	}
	var ts []tool
	if c.Getenv("WAYLAND_DISPLAY") != "" {
		ts = append(ts, tool{"wl-copy", nil})
	}
	if c.Getenv("DISPLAY") != "" {
		ts = append(ts, tool{"xclip", []string{"-selection", "clipboard"}}, tool{"xsel", []string{"--clipboard", "--input"}})
	}
	return append(ts, tool{"clip.exe", nil}) // Windows' clipboard from WSL
}

// Copy puts text on the clipboard and returns the name of the tool that did it, or "" when
// none is on PATH or every one failed.
func (c Clipboard) Copy(text string) string {
	for _, t := range c.tools() {
		path, err := c.LookPath(t.name)
		if err != nil {
			continue
		}
		ctx, cancel := context.WithTimeout(context.Background(), copyTimeout)
		err = c.Run(ctx, path, t.args, text)
		cancel()
		if err == nil {
			return t.name
		}
	}
	return ""
}

// runTool runs a clipboard tool with text on stdin; its output is discarded (not captured:
// a tool that forks to serve the selection would otherwise keep the pipes, and Wait, open).
func runTool(ctx context.Context, path string, args []string, text string) error {
	cmd := exec.CommandContext(ctx, path, args...)
	cmd.Stdin = strings.NewReader(text)
	return cmd.Run()
}

// OSC52 returns the escape sequence that asks the terminal (or tmux) to put text on the
// clipboard. Terminals that do not support it ignore it and none answers, so it never proves
// that anything was copied.
func OSC52(text string) string {
	return "\x1b]52;c;" + base64.StdEncoding.EncodeToString([]byte(text)) + "\a"
}
