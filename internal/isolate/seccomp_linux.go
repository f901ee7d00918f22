package isolate

import (
	"fmt"
	"runtime"
	"unsafe"

	"golang.org/x/sys/unix"
)

// LayerNoTIOCSTI is the seccomp filter that refuses the terminal ioctls which push input.
const LayerNoTIOCSTI = "seccomp"

// abi is one system call ABI a process of this architecture can use: its audit
// architecture and its ioctl number (x86-64 also has the x32 one).
type abi struct {
	arch   uint32
	ioctls []uint32
}

// ioctlABIs lists the ABIs to filter on this architecture; a process can switch to the
// compatibility ABI (int 0x80, AArch32), so those are filtered too.
func ioctlABIs() []abi {
	switch runtime.GOARCH {
	case "amd64":
		return []abi{{unix.AUDIT_ARCH_X86_64, []uint32{16, 0x40000000 | 514}}, {unix.AUDIT_ARCH_I386, []uint32{54}}}
	case "arm64":
		return []abi{{unix.AUDIT_ARCH_AARCH64, []uint32{29}}, {unix.AUDIT_ARCH_ARM, []uint32{54}}}
	case "386":
		return []abi{{unix.AUDIT_ARCH_I386, []uint32{54}}}
	}
	return nil
}

// denyTerminalInjection installs, on every thread of this process and so on everything it
// starts, a seccomp filter that fails ioctl(TIOCSTI) and ioctl(TIOCLINUX) with EPERM: with
// them a child could queue keystrokes on the terminal, which the user's shell would run once
// `authsome run` ends (for instance `authsome get ... | curl ...`). It needs no_new_privs, which
// the caller sets. ok=false: this architecture is not covered.
func denyTerminalInjection() (ok bool, err error) {
	abis := ioctlABIs()
	if len(abis) == 0 {
		return false, nil
	}
	prog := ioctlFilter(abis, []uint32{unix.TIOCSTI, unix.TIOCLINUX})
	if err := unix.Prctl(unix.PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0); err != nil {
		return false, fmt.Errorf("no_new_privs: %v", err)
	}
	fprog := unix.SockFprog{Len: uint16(len(prog)), Filter: &prog[0]}
	if _, _, e := unix.Syscall(unix.SYS_SECCOMP, unix.SECCOMP_SET_MODE_FILTER, unix.SECCOMP_FILTER_FLAG_TSYNC, uintptr(unsafe.Pointer(&fprog))); e != 0 {
		return false, fmt.Errorf("seccomp: %v", e)
	}
	return true, nil
}

// ioctlFilter builds the classic BPF program: for each ABI, an ioctl whose command (the low
// 32 bits of its second argument, all the kernel reads) is one of cmds fails with EPERM;
// every other call is allowed.
func ioctlFilter(abis []abi, cmds []uint32) []unix.SockFilter {
	const (
		offNr   = 0  // seccomp_data.nr
		offArch = 4  // seccomp_data.arch
		offArg1 = 24 // seccomp_data.args[1], low word (little endian)
	)
	ld := func(off uint32) unix.SockFilter {
		return unix.SockFilter{Code: unix.BPF_LD | unix.BPF_W | unix.BPF_ABS, K: off}
	}
	jeq := func(k uint32, jt, jf uint8) unix.SockFilter {
		return unix.SockFilter{Code: unix.BPF_JMP | unix.BPF_JEQ | unix.BPF_K, Jt: jt, Jf: jf, K: k}
	}
	ret := func(k uint32) unix.SockFilter { return unix.SockFilter{Code: unix.BPF_RET | unix.BPF_K, K: k} }

	// Layout: [ld arch] then per ABI a block "jeq arch ? check : next block"; the check loads
	// nr and jumps to the argument test on a match. The tail: allow, argument test, deny.
	var p []unix.SockFilter
	p = append(p, ld(offArch))
	var toArg []int // the ioctl tests, patched to jump to the argument test once it is placed
	for _, a := range abis {
		// jeq arch: fall into the block, else skip it (1 ld + len(ioctls) jeq + 1 reload).
		block := 1 + len(a.ioctls) + 1
		p = append(p, jeq(a.arch, 0, uint8(block)))
		p = append(p, ld(offNr))
		for range a.ioctls {
			toArg = append(toArg, len(p))
			p = append(p, unix.SockFilter{})
		}
		p = append(p, ld(offArch)) // not this ABI's ioctl: back to the arch for the next block
	}
	p = append(p, ret(unix.SECCOMP_RET_ALLOW))
	arg := len(p)
	p = append(p, ld(offArg1))
	for i, c := range cmds {
		// match: jump to deny (after the remaining jeqs and the allow); else next jeq.
		p = append(p, jeq(c, uint8(len(cmds)-i), 0))
	}
	p = append(p, ret(unix.SECCOMP_RET_ALLOW))
	p = append(p, ret(unix.SECCOMP_RET_ERRNO|uint32(unix.EPERM)))
	// Patch the ioctl tests: on a match jump to arg, else fall through to the next one.
	k := 0
	for _, a := range abis {
		for _, n := range a.ioctls {
			at := toArg[k]
			p[at] = jeq(n, uint8(arg-at-1), 0)
			k++
		}
	}
	return p
}
