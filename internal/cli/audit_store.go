package cli

import (
	"context"
	"time"

	"github.com/authsome-go/authsome/proxy"
)

// runLogStore is `log --store`: the records of the PostgreSQL store's audit log (every
// replica's requests and credential events), printed as the profile's audit file's.
func runLogStore(ctx context.Context, opts *logOptions, keep func(proxy.AuditRecord) bool) error {
	ps, err := opts.store.openStore(ctx, opts.f)
	if err != nil {
		return err
	}
	defer ps.Close()
	n := opts.Lines
	if keep != nil {
		n = 0 // the last -n that match: filtered below
	}
	recs, last, err := ps.AuditLog(ctx, n)
	if err != nil {
		return err
	}
	recs = filterAudit(recs, keep)
	recs = recs[max(0, len(recs)-opts.Lines):]
	p := &logPrinter{f: opts.f, events: opts.Events, lines: opts.Follow && opts.f.JSON}
	if err := p.print(recs, true); err != nil || !opts.Follow {
		return err
	}
	for {
		select {
		case <-ctx.Done():
			return nil
		case <-time.After(auditPollInterval):
		}
		if recs, last, err = ps.AuditLogAfter(ctx, last); err != nil {
			return err
		}
		if err := p.print(filterAudit(recs, keep), false); err != nil {
			return err
		}
	}
}

// filterAudit returns the records keep keeps (all when keep is nil).
func filterAudit(recs []proxy.AuditRecord, keep func(proxy.AuditRecord) bool) []proxy.AuditRecord {
	if keep == nil {
		return recs
	}
	var kept []proxy.AuditRecord
	for _, r := range recs {
		if keep(r) {
			kept = append(kept, r)
		}
	}
	return kept
}
