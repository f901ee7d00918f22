package isolate

import (
	"fmt"
	"os"
	"path/filepath"
	"strings"

	"github.com/landlock-lsm/go-landlock/landlock"
	llsys "github.com/landlock-lsm/go-landlock/landlock/syscall"
)

// configs are go-landlock's presets by ABI version (index 0 = V1).
var configs = []landlock.Config{landlock.V1, landlock.V2, landlock.V3, landlock.V4, landlock.V5,
	landlock.V6, landlock.V7, landlock.V8, landlock.V9, landlock.V10, landlock.V11}

// kernelConfig is the preset for the kernel's Landlock ABI, or ok=false without Landlock.
func kernelConfig() (cfg landlock.Config, abi int, ok bool) {
	abi, err := llsys.LandlockGetABIVersion()
	if err != nil || abi < 1 {
		return landlock.Config{}, 0, false
	}
	return configs[min(abi, len(configs))-1], abi, true
}

// fileRights are the rights Landlock accepts on a rule for a file that is not a folder.
const fileRights = llsys.AccessFSExecute | llsys.AccessFSWriteFile | llsys.AccessFSReadFile |
	llsys.AccessFSTruncate | llsys.AccessFSIoctlDev

// restrictScope scopes signals and abstract Unix sockets to this process's Landlock domain
// where the kernel can (ABI 6+); ok says whether it did.
func restrictScope() (ok bool, err error) {
	cfg, abi, ok := kernelConfig()
	if !ok || abi < 6 || cfg.Scoped == 0 {
		return false, nil
	}
	if err := (landlock.Config{Scoped: cfg.Scoped}).RestrictScoped(); err != nil {
		return false, fmt.Errorf("Landlock scopes: %v", err)
	}
	return true, nil
}

// restrictLandlock denies hide to this process and what it starts, allowing everything else
// on the file system, and scopes IPC where the kernel can. It returns the layers in force.
func restrictLandlock(hide []string) ([]string, error) {
	cfg, abi, ok := kernelConfig()
	if !ok {
		return nil, fmt.Errorf("this kernel has no Landlock (Linux 5.13+ with landlock in the lsm= list)")
	}
	rules, err := landlockRules(hide, cfg.HandledAccessFS)
	if err != nil {
		return nil, err
	}
	c := landlock.Config{HandledAccessFS: cfg.HandledAccessFS}
	layers := []string{LayerLandlockFS}
	if abi >= 6 && cfg.Scoped != 0 {
		c.Scoped = cfg.Scoped
		layers = append(layers, LayerScope)
	}
	if err := c.Restrict(rules...); err != nil {
		return nil, fmt.Errorf("Landlock: %v", err)
	}
	return layers, nil
}

// landlockRules allows everything except the hidden paths. Landlock only grants, so the rules
// grant every entry beside a hidden path or beside one of its parent folders; those parents
// themselves may only be listed. (Entries created there later are not reachable: the price of
// this fallback, stated in docs/security.md.)
func landlockRules(hide []string, handled landlock.AccessFSSet) ([]landlock.Rule, error) {
	if len(hide) == 0 {
		return []landlock.Rule{landlock.PathAccess(handled, "/")}, nil
	}
	hidden, parents := map[string]bool{}, map[string]bool{}
	for _, h := range hide {
		hidden[h] = true
		for d := filepath.Dir(h); !parents[d]; d = filepath.Dir(d) {
			parents[d] = true
		}
	}
	rules := []landlock.Rule{}
	for dir := range parents {
		rules = append(rules, landlock.PathAccess(llsys.AccessFSReadDir&handled, dir))
		entries, err := os.ReadDir(dir)
		if err != nil {
			continue // a parent we cannot list has nothing we could grant
		}
		for _, e := range entries {
			p := filepath.Join(dir, e.Name())
			if hidden[p] || parents[p] {
				continue
			}
			real, err := filepath.EvalSymlinks(p)
			if err != nil || reaches(real, hide) {
				continue // dangling, or a link into (or above) a hidden path
			}
			fi, err := os.Stat(p)
			if err != nil {
				continue
			}
			rights := handled
			if !fi.IsDir() {
				rights &= fileRights
			}
			// IgnoreIfMissing: an entry removed since the listing (a temporary folder of
			// another program) has nothing left to grant.
			rules = append(rules, landlock.PathAccess(rights, p).IgnoreIfMissing())
		}
	}
	return rules, nil
}

// reaches says whether p is a hidden path, inside one, or a folder holding one.
func reaches(p string, hide []string) bool {
	for _, h := range hide {
		if within(p, h) || within(h, p) {
			return true
		}
	}
	return false
}

func within(p, dir string) bool {
	return p == dir || dir == "/" || strings.HasPrefix(p, dir+"/")
}
