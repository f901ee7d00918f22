package isolate

import (
	"bytes"
	"os"
	"strconv"
	"strings"
)

// ancestors returns the command lines of this process's ancestors, nearest first, as far as
// /proc shows them.
func ancestors() [][]string { return ancestorsFrom(os.Getppid()) }

// ancestorsFrom returns the command lines of pid and its ancestors, nearest first.
func ancestorsFrom(pid int) [][]string {
	var out [][]string
	for i := 0; pid > 0 && i < 64; i++ {
		b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/cmdline")
		if err == nil && len(b) > 0 {
			out = append(out, strings.Split(string(bytes.TrimRight(b, "\x00")), "\x00"))
		}
		pid = parentOf(pid)
	}
	return out
}

// parentOf reads the parent pid from /proc/PID/stat (the field after the parenthesised name,
// which may itself hold spaces and parentheses).
func parentOf(pid int) int {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/stat")
	if err != nil {
		return 0
	}
	i := bytes.LastIndexByte(b, ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 2 {
		return 0
	}
	ppid, _ := strconv.Atoi(f[1])
	return ppid
}

// environHas reports whether the environment of process pid holds a variable name, and whether
// it could be read (not when the process is not dumpable, or gone).
func environHas(pid int, name string) (has, readable bool) {
	b, err := os.ReadFile("/proc/" + strconv.Itoa(pid) + "/environ")
	if err != nil {
		return false, false
	}
	for _, kv := range bytes.Split(b, []byte{0}) {
		if k, _, ok := bytes.Cut(kv, []byte("=")); ok && string(k) == name {
			return true, true
		}
	}
	return false, true
}
