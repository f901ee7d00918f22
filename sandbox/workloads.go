package sandbox

import (
	"errors"
	"io"
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/calendar"
	"github.com/authsome-go/authsome/sandbox/internal/contacts"
	"github.com/authsome-go/authsome/sandbox/internal/drive"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/mail"
	"github.com/authsome-go/authsome/sandbox/internal/planner"
	"github.com/authsome-go/authsome/sandbox/internal/sites"
	"github.com/authsome-go/authsome/sandbox/internal/subscriptions"
	"github.com/authsome-go/authsome/sandbox/internal/teams"
	"github.com/authsome-go/authsome/sandbox/internal/todo"
	"github.com/authsome-go/authsome/sandbox/internal/users"
)

// newWorkloads is the registry of the sandbox's Graph workloads: the route
// table, Reset, the state and the journal iterate it. A new workload is one
// line here.
func (s *Server) newWorkloads() []graphkit.Workload {
	sp := sites.New(s.kit)
	s.kit.Sites = sp // the drive serves the sites' document libraries
	ml, cal := mail.New(s.kit), calendar.New(s.kit)
	cal.SetMailer(ml) // invitations, updates and cancellations reach the invitees' inboxes
	ml.SetEvents(cal) // and their eventMessages' event is the invitee's copy
	return []graphkit.Workload{
		users.New(s.kit),
		ml,
		cal,
		contacts.New(s.kit),
		drive.New(s.kit),
		todo.New(s.kit),
		planner.New(s.kit),
		teams.New(s.kit),
		subscriptions.New(s.kit),
		sp,
	}
}

// stores is every store the state file and the journal keep: the identity
// platform and the workloads.
func (s *Server) stores() []graphkit.Store {
	out := []graphkit.Store{s.id}
	for _, w := range s.workloads {
		out = append(out, w)
	}
	return out
}

// workload returns the registered workload called name, or nil.
func (s *Server) workload(name string) graphkit.Workload {
	for _, w := range s.workloads {
		if w.Name() == name {
			return w
		}
	}
	return nil
}

// serveDriveURL serves the drive's pre-authenticated URLs, downloads and
// upload sessions (outside /v1.0: they carry their own token and refuse a
// Graph one).
func (s *Server) serveDriveURL(w http.ResponseWriter, r *http.Request) {
	if d, ok := s.workload(drive.Name).(*drive.Workload); ok {
		d.ServeURL(w, r)
		return
	}
	http.NotFound(w, r)
}

// urlServer is a workload that serves pre-authenticated URLs below a path
// of its own (Outlook's attachment upload sessions).
type urlServer interface {
	URLPrefix() string
	ServeURL(w http.ResponseWriter, r *http.Request)
}

// workloadURL returns the workload serving r's pre-authenticated URL, or nil.
func (s *Server) workloadURL(r *http.Request) urlServer {
	for _, w := range s.workloads {
		if u, ok := w.(urlServer); ok && strings.HasPrefix(r.URL.Path, u.URLPrefix()) {
			return u
		}
	}
	return nil
}

// attachWatchers gives the change-notification workload the workloads it
// watches (those whose changes it can be subscribed to) and starts its
// deliveries.
func (s *Server) attachWatchers() {
	if subs, ok := s.workload(subscriptions.Name).(*subscriptions.Workload); ok {
		subs.Attach(s.workloads)
	}
}

// closeWorkloads stops what workloads run in the background (deliveries of
// change notifications).
func (s *Server) closeWorkloads() error {
	var errs []error
	for _, w := range s.workloads {
		if c, ok := w.(io.Closer); ok {
			errs = append(errs, c.Close())
		}
	}
	return errors.Join(errs...)
}
