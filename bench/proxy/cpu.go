package main

import (
	"os"
	"strconv"
	"strings"
)

// cpuSample is a snapshot of CPU time in clock ticks: the whole machine's (all CPUs: total,
// and busy in user, system or stolen by the hypervisor), and that of this process and of the
// mitmdump child. Where /proc is missing, ok is false.
type cpuSample struct {
	ok           bool
	total, busy  uint64
	self, others uint64 // this process; the mitmdump child
}

// sampleCPU reads /proc/stat, /proc/self/stat and /proc/<pid>/stat for each child pid.
func sampleCPU(children ...int) cpuSample {
	b, err := os.ReadFile("/proc/stat")
	if err != nil {
		return cpuSample{}
	}
	line, _, _ := strings.Cut(string(b), "\n")
	f := strings.Fields(line)
	if len(f) < 9 || f[0] != "cpu" {
		return cpuSample{}
	}
	var v [8]uint64 // user nice system idle iowait irq softirq steal
	for i := range v {
		v[i], _ = strconv.ParseUint(f[i+1], 10, 64)
	}
	s := cpuSample{ok: true}
	for _, x := range v {
		s.total += x
	}
	// Interrupt and softirq time is left out: loopback TCP is processed there, for the
	// benchmark's own traffic, and the kernel charges it to no process.
	s.busy = v[0] + v[1] + v[2] + v[7]
	s.self = procTicks("self")
	for _, pid := range children {
		s.others += procTicks(strconv.Itoa(pid))
	}
	return s
}

// procTicks returns utime+stime of a process, 0 if unknown.
func procTicks(pid string) uint64 {
	b, err := os.ReadFile("/proc/" + pid + "/stat")
	if err != nil {
		return 0
	}
	// The command name is in parentheses and may hold spaces; fields resume after ')'.
	i := strings.LastIndexByte(string(b), ')')
	if i < 0 {
		return 0
	}
	f := strings.Fields(string(b[i+1:]))
	if len(f) < 13 {
		return 0
	}
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	return ut + st
}

// foreignCPU accumulates, over the measured slices of a row, how much of the machine's CPU
// went to processes other than the benchmark and its mitmdump child.
type foreignCPU struct {
	total, foreign uint64
}

func (fc *foreignCPU) add(a, b cpuSample) {
	if !a.ok || !b.ok || b.total <= a.total {
		return
	}
	fc.total += b.total - a.total
	used := (b.self - a.self) + (b.others - a.others)
	if busy := b.busy - a.busy; busy > used {
		fc.foreign += busy - used
	}
}

// percent is the foreign share of all CPUs, or -1 when not measured.
func (fc foreignCPU) percent() float64 {
	if fc.total == 0 {
		return -1
	}
	return 100 * float64(fc.foreign) / float64(fc.total)
}
