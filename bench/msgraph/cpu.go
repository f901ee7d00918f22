package main

import (
	"os"
	"strconv"
	"strings"
	"time"
)

// clockTicks is USER_HZ, the unit of /proc's CPU times: 100 on Linux.
const clockTicks = 100

// cpuSample is a snapshot of CPU time in clock ticks: the whole machine's
// (total, and busy in user, system or stolen) and this process's. Where /proc
// is missing (not Linux), ok is false. (bench/proxy measures the same way.)
type cpuSample struct {
	ok          bool
	total, busy uint64
	self        uint64
}

func sampleCPU() cpuSample {
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
	// Interrupt time is left out: loopback traffic is processed there and
	// charged to no process.
	s.busy = v[0] + v[1] + v[2] + v[7]
	b, err = os.ReadFile("/proc/self/stat")
	if err != nil {
		return cpuSample{}
	}
	i := strings.LastIndexByte(string(b), ')') // the command name may hold spaces
	if f = strings.Fields(string(b[i+1:])); i < 0 || len(f) < 13 {
		return cpuSample{}
	}
	ut, _ := strconv.ParseUint(f[11], 10, 64)
	st, _ := strconv.ParseUint(f[12], 10, 64)
	s.self = ut + st
	return s
}

// foreignCPU accumulates how much of the machine's CPU went to other
// processes while the benchmark measured.
type foreignCPU struct{ total, foreign uint64 }

func (fc *foreignCPU) add(a, b cpuSample) { fc.addOwn(a, b, 0) }

// addOwn is add for a span in which this process's children (go build and
// the compilers) used own of CPU time too.
func (fc *foreignCPU) addOwn(a, b cpuSample, own time.Duration) {
	if !a.ok || !b.ok || b.total <= a.total {
		return
	}
	fc.total += b.total - a.total
	used := b.self - a.self + uint64(own/(time.Second/clockTicks))
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
