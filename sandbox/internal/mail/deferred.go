package mail

import (
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
)

// Deferred send: a message sent with the single-value extended property
// PidTagDeferredSendTime (id "SystemTime 0x3FEF") set to a later instant
// waits in the Outbox until the sandbox's clock reaches it, then goes out
// as any sent message (Sent Items, the recipients' inboxes) with that
// instant as its sentDateTime. Due messages are sent when the store is next
// locked for a request (Workload.lock), so the request that first sees the
// later clock journals the send.

// deferredSendProp is PidTagDeferredSendTime's extended property id.
const deferredSendProp = "SystemTime 0x3FEF"

// deferredSendTime is the instant m's PidTagDeferredSendTime names, if any.
func deferredSendTime(m *mailMessage) (time.Time, bool) {
	for _, p := range m.singleExt() {
		if p.Value == nil || !strings.EqualFold(strings.Join(strings.Fields(p.ID), " "), deferredSendProp) {
			continue
		}
		t, err := time.Parse(time.RFC3339Nano, *p.Value)
		if err != nil {
			t, err = time.Parse("2006-01-02T15:04:05", *p.Value) // no offset: UTC
		}
		return t.UTC(), err == nil
	}
	return time.Time{}, false
}

// send sends m (its recipients checked) from mb now, or puts it in the
// Outbox until its deferred send time; the caller holds the lock.
func (st *mailStore) send(dir *directory.Directory, mb *mailbox, m *mailMessage, save bool, now time.Time) {
	if at, ok := deferredSendTime(m); ok && at.After(now) {
		m.IsDraft, m.DeferUntil, m.DeferSave = false, at, save
		st.insert(mb, m, mb.wellKnown("outbox").ID, "deferred", now)
		m.finishNew(now)
		st.deferred++
		return
	}
	_ = st.deliver(dir, mb, m, save, now) // only refuses a message without recipients
}

// releaseDeferred sends the deferred messages whose time has come by now.
func (st *mailStore) releaseDeferred(dir *directory.Directory, now time.Time) {
	if st.deferred < 0 { // not counted since a restore
		st.deferred = 0
		for _, mb := range st.boxes {
			for _, m := range mb.msgs {
				if !m.DeferUntil.IsZero() {
					st.deferred++
				}
			}
		}
	}
	if st.deferred == 0 {
		return
	}
	for _, mb := range st.boxes {
		for _, m := range mb.msgs {
			if m.DeferUntil.IsZero() || now.Before(m.DeferUntil) {
				continue
			}
			at, save := m.DeferUntil, m.DeferSave
			st.remove(mb, m)
			m.DeferUntil, m.DeferSave = time.Time{}, false
			_ = st.deliver(dir, mb, m, save, at) // its recipients were checked when it was sent
			st.deferred--
		}
	}
}
