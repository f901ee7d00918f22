package keysession

import (
	"bytes"
	"fmt"
	"net"
	"os"
	"strconv"
	"strings"

	"golang.org/x/sys/unix"
)

// confinement is what /proc says about how confined a process is; none of it can be undone
// by the process itself.
type confinement struct {
	pidDepth       int    // entries of NSpid: 1 in the initial PID namespace, more when nested
	noNewPrivs     bool   // no_new_privs, which Landlock and seccomp need
	seccompFilters int    // seccomp filters in force
	uidMap         string // the user namespace's uid map
}

func readConfinement(pid string) (confinement, error) {
	var c confinement
	status, err := os.ReadFile("/proc/" + pid + "/status")
	if err != nil {
		return c, err
	}
	for _, line := range strings.Split(string(status), "\n") {
		k, v, ok := strings.Cut(line, ":")
		if !ok {
			continue
		}
		v = strings.TrimSpace(v)
		switch k {
		case "NSpid":
			c.pidDepth = len(strings.Fields(v))
		case "NoNewPrivs":
			c.noNewPrivs = v == "1"
		case "Seccomp_filters":
			c.seccompFilters, _ = strconv.Atoi(v)
		case "Seccomp":
			if v != "0" && c.seccompFilters == 0 {
				c.seccompFilters = 1 // kernels before 5.9 do not count them
			}
		}
	}
	m, err := os.ReadFile("/proc/" + pid + "/uid_map")
	if err != nil {
		return c, err
	}
	c.uidMap = string(bytes.Join(bytes.Fields(m), []byte(" ")))
	return c, nil
}

// refusePeer returns why the process at the other end of conn may not use the session, or "".
// self is the session's own confinement.
func refusePeer(conn *net.UnixConn, self confinement, refuse func(pid int) string) string {
	raw, err := conn.SyscallConn()
	if err != nil {
		return "no peer credentials"
	}
	var cred *unix.Ucred
	var credErr error
	if err := raw.Control(func(fd uintptr) {
		cred, credErr = unix.GetsockoptUcred(int(fd), unix.SOL_SOCKET, unix.SO_PEERCRED)
	}); err != nil || credErr != nil || cred == nil {
		return "no peer credentials"
	}
	if int(cred.Uid) != os.Getuid() {
		return fmt.Sprintf("the peer runs as uid %d", cred.Uid)
	}
	if cred.Pid <= 0 {
		return "the peer is in another PID namespace" // the kernel cannot name it in ours
	}
	peer, err := readConfinement(strconv.Itoa(int(cred.Pid)))
	switch {
	case err != nil:
		return "the peer's /proc entry cannot be read"
	case peer.pidDepth != self.pidDepth:
		return "the peer is in another PID namespace"
	case peer.uidMap != self.uidMap:
		return "the peer is in another user namespace"
	case peer.noNewPrivs && !self.noNewPrivs:
		return "the peer runs with no_new_privs (confined, as `authsome run` confines its child)"
	case peer.seccompFilters > self.seccompFilters:
		return "the peer runs under more seccomp filters (confined, as `authsome run` confines its child)"
	}
	if refuse != nil {
		if why := refuse(int(cred.Pid)); why != "" {
			return why
		}
	}
	return ""
}
