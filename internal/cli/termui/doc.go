// Package termui draws what a person sees in the terminal while a command waits for them:
// lines of instructions, one wait line with a spinner and a countdown on a terminal (plain
// lines otherwise), prompts that Ctrl-C cancels, and a best-effort copy to the clipboard.
//
// Nothing here writes an escape code unless told the stream is a terminal that takes them.
package termui
