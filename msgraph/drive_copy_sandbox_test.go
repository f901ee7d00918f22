package msgraph

import (
	"context"
	"strings"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// TestSandboxDriveCopyWait: CopyItem returns the monitor URL and WaitCopy
// polls it, without the Graph token (the sandbox's request log shows none
// reached the monitor), waiting as Retry-After says, until the copied
// folder's id.
func TestSandboxDriveCopyWait(t *testing.T) {
	s := startSandbox(t)
	c := clientAs(t, s, sandbox.Users()[0], strings.Fields(driveScopes)...)
	var waits []time.Duration
	c.sleep = func(ctx context.Context, d time.Duration) error { waits = append(waits, d); return ctx.Err() }
	ctx := t.Context()
	launch, _, err := c.Drive.GetItemByPath(ctx, MyDrive, "Projects/Launch", nil)
	if err != nil {
		t.Fatal(err)
	}
	monitorSt, _, err := c.Drive.CopyItem(ctx, MyDrive, launch.ID, ItemReference{Path: "/drive/root:/Documents"}, &CopyOptions{Name: "Launch (copy)"})
	if err != nil || !strings.Contains(monitorSt.MonitorURL, "/_monitor/") {
		t.Fatalf("CopyItem: %+v %v", monitorSt, err)
	}
	var reports []string
	idSt, _, err := c.Drive.WaitCopy(ctx, monitorSt.MonitorURL, &CopyWaitOptions{Progress: func(st CopyStatus) { reports = append(reports, st.Status) }})
	if err != nil || idSt.ResourceID == "" || idSt.ResourceID == launch.ID {
		t.Fatalf("WaitCopy: %+v %v", idSt, err)
	}
	id := idSt.ResourceID
	if strings.Join(reports, ",") != "inProgress,completed" || len(waits) != 1 || waits[0] != time.Second {
		t.Errorf("reports %v, waits %v: want inProgress then completed, one wait of the monitor's Retry-After (1s)", reports, waits)
	}
	got, _, err := c.Drive.GetItem(ctx, MyDrive, id, nil)
	if err != nil || got.Name != "Launch (copy)" || got.Folder == nil || got.Folder.ChildCount != 2 {
		t.Errorf("the copy: %+v %v", got, err)
	}
	polls := 0
	for _, entry := range s.Requests() {
		if strings.HasPrefix(entry.Path, "/_monitor/") {
			polls++
			if len(entry.Headers["Authorization"]) > 0 {
				t.Errorf("the client sent its Graph token to the copy monitor: %s %s", entry.Method, entry.Path)
			}
		}
	}
	if polls != 2 {
		t.Errorf("%d monitor polls in the request log, want 2", polls)
	}
	if _, _, err := c.Drive.WaitCopy(ctx, strings.Replace(monitorSt.MonitorURL, "/_monitor/", "/_monitor/x", 1), nil); !IsNotFound(err) {
		t.Errorf("WaitCopy on a monitor that is not one: %v", err)
	}
}
