package msgraph

import (
	"context"
	"encoding/json"
	"errors"
	"fmt"
	"io"
	"net/http"
	"net/url"
	"path"
	"time"
)

// CopyWaitOptions are the options of [DriveService.WaitCopy].
type CopyWaitOptions struct {
	// Interval is the wait between polls when the monitor sends no
	// Retry-After; 0 means 1 second.
	Interval time.Duration
	// Progress, if set, is called after each poll with the monitor's report.
	Progress func(CopyStatus)
}

// CopyStatus is a copy monitor's report (Graph's asyncJobStatus).
type CopyStatus struct {
	// MonitorURL is the pre-authenticated URL that reports the copy's
	// progress, as [DriveService.CopyItem] returns it; pass it to
	// [DriveService.WaitCopy].
	MonitorURL string `json:"-"`
	// Status is "notStarted", "inProgress", "completed", "failed", ...
	Status             string  `json:"status"`
	PercentageComplete float64 `json:"percentageComplete"`
	// ResourceID is the new item's id.
	ResourceID string `json:"resourceId,omitempty"`
	// Error says why a failed copy failed.
	Error *ErrorDetail `json:"error,omitempty"`
}

// WaitCopy polls the monitor URL [DriveService.CopyItem] returned until the
// copy is done, and returns the monitor's last report, whose ResourceID is
// the new item's id, and the monitor's last Response. The monitor is on another
// host and pre-authenticated: it is polled with the pre-authenticated HTTP
// client, without the Graph token, waiting as its Retry-After says. A failed
// copy is an error; ctx bounds the wait.
//
// Graph docs: https://learn.microsoft.com/graph/long-running-actions-overview
func (s *DriveService) WaitCopy(ctx context.Context, monitorURL string, opts *CopyWaitOptions) (*CopyStatus, *Response, error) {
	var o CopyWaitOptions
	if opts != nil {
		o = *opts
	}
	if o.Interval <= 0 {
		o.Interval = time.Second
	}
	c := s.client
	hc := *c.preauth // a completed monitor may redirect to the item: read its Location, not the item
	hc.CheckRedirect = func(*http.Request, []*http.Request) error { return http.ErrUseLastResponse }
	for {
		req, err := newPreauthRequest(ctx, http.MethodGet, monitorURL, nil)
		if err != nil {
			return nil, nil, fmt.Errorf("msgraph: copy monitor: %w", err)
		}
		resp, err := c.sendWith(&hc, req)
		if err != nil {
			return nil, resp, fmt.Errorf("msgraph: copy monitor: %w", err)
		}
		var st CopyStatus
		derr := json.NewDecoder(io.LimitReader(resp.Body, maxErrorBody)).Decode(&st)
		resp.Body.Close()
		if loc, lerr := resp.Location(); resp.StatusCode >= 300 && resp.StatusCode < 400 && lerr == nil {
			return &CopyStatus{MonitorURL: monitorURL, Status: "completed", PercentageComplete: 100, ResourceID: copiedID(loc)}, resp, nil // 303 See Other to the new item
		}
		if derr != nil {
			return nil, resp, fmt.Errorf("msgraph: copy monitor: decoding its report: %w", derr)
		}
		if o.Progress != nil {
			o.Progress(st)
		}
		switch st.Status {
		case "completed":
			if st.ResourceID == "" {
				return nil, resp, errors.New("msgraph: copy monitor: completed without the new item's id (resourceId)")
			}
			st.MonitorURL = monitorURL
			return &st, resp, nil
		case "failed", "deleteFailed":
			msg := "no reason given"
			if st.Error != nil {
				msg = st.Error.Code + ": " + st.Error.Message
			}
			return nil, resp, fmt.Errorf("msgraph: the copy failed (%s)", msg)
		}
		wait := parseRetryAfter(resp.Header.Get("Retry-After"), time.Now())
		if wait <= 0 {
			wait = o.Interval
		}
		if err := c.sleep(ctx, wait); err != nil {
			return nil, resp, fmt.Errorf("msgraph: waiting for a copy: %w", err)
		}
	}
}

// copiedID is the item id a monitor's redirect names (…/items/{id}).
func copiedID(loc *url.URL) string { return path.Base(loc.Path) }
