package sandbox

import (
	"encoding/json"
	"errors"

	"github.com/authsome-go/authsome/sandbox/internal/calendar"
	"github.com/authsome-go/authsome/sandbox/internal/contacts"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// newWorkloads is the registry of the sandbox's Graph workloads: the route
// table, Reset, the state and the journal iterate it. A new workload is one
// line here.
func (s *Server) newWorkloads() []graphkit.Workload {
	return []graphkit.Workload{
		mailWorkload{s},
		calendar.New(s.kit),
		contacts.New(s.kit),
	}
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

// mailWorkload is the mail workload (mailboxes, folders, messages).
type mailWorkload struct{ s *Server }

func (w mailWorkload) Name() string                        { return "mail" }
func (w mailWorkload) Routes(m *graphkit.Mux)              { w.s.mailRoutes(m) }
func (w mailWorkload) Apply(string, json.RawMessage) error { return errNotJournaled }
func (w mailWorkload) Record([]string, func(string, json.RawMessage) error) error {
	return nil
}

func (w mailWorkload) Reset() {
	mail := seedMailStore()
	w.s.mu.Lock()
	w.s.mail = mail
	w.s.mu.Unlock()
}

func (w mailWorkload) Snapshot() (json.RawMessage, error) {
	w.s.mu.Lock()
	defer w.s.mu.Unlock()
	return json.Marshal(w.s.mail.toJSON())
}

func (w mailWorkload) Restore(data json.RawMessage) error {
	var j mailStateJSON
	if err := json.Unmarshal(data, &j); err != nil {
		return err
	}
	st := j.store()
	w.s.mu.Lock()
	w.s.mail = st
	w.s.mu.Unlock()
	return nil
}
