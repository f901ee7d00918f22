package sandbox

import (
	"encoding/json"
	"errors"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/mail"
)

// newWorkloads is the registry of the sandbox's Graph workloads: the route
// table, Reset, the state and the journal iterate it. A new workload is one
// line here.
func (s *Server) newWorkloads() []graphkit.Workload {
	return []graphkit.Workload{
		mail.New(s.kit),
		calWorkload{s},
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

var errNotJournaled = errors.New("sandbox: this workload does not journal its changes yet")

// calWorkload is the calendar and contacts workload.
type calWorkload struct{ s *Server }

func (w calWorkload) Name() string { return "calendar" }
func (w calWorkload) Routes(m *graphkit.Mux) {
	w.s.calendarRoutes(m)
	w.s.contactRoutes(m)
}
func (w calWorkload) Reset()                              { w.s.cal.reset() }
func (w calWorkload) Apply(string, json.RawMessage) error { return errNotJournaled }
func (w calWorkload) Record([]string, func(string, json.RawMessage) error) error {
	return nil
}

func (w calWorkload) Snapshot() (json.RawMessage, error) { return json.Marshal(w.s.cal.toJSON()) }

func (w calWorkload) Restore(data json.RawMessage) error {
	var j calStateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	st := j.store()
	w.s.cal.mu.Lock()
	w.s.cal.users, w.s.cal.seq = st.users, st.seq
	w.s.cal.mu.Unlock()
	return nil
}
