package sandbox

import (
	"context"
	"errors"
	"fmt"
	"net/http"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/mail"
)

// Bulk seeding (Server.SeedMessages, POST /_sandbox/seed/messages, authsome
// sandbox --seed-messages): many messages appended to one folder directly in
// the mail store, for big tenants and benchmarks (sandbox/internal/mail).

// ErrUnknownFolder is returned by SeedMessages for a folder the mailbox lacks.
var ErrUnknownFolder = mail.ErrUnknownFolder

// MaxSeedMessages is the most messages one SeedMessages call adds.
const MaxSeedMessages = mail.MaxSeedMessages

// SeedMessages adds n generated messages to a folder of a user's mailbox:
// user is a UPN or object id ("" = the first seeded user), folder an id or a
// well-known name ("" = the inbox). The messages are about 2 KB each as Graph
// JSON, with varied subjects, senders (colleagues and outside addresses),
// received dates (older than the seeded mail, about 90 s apart), read state,
// importance, flags and categories, so that $filter, $orderby and $search
// select meaningful subsets. Their bodies are drawn from a fixed set of
// variants and shared between messages. Reset removes them again.
func (s *Server) SeedMessages(user, folder string, n int) error {
	if err := s.seedMessages(context.Background(), user, folder, n); err != nil {
		return err
	}
	return s.snapshot() // one snapshot rather than a journal record per message
}

func (s *Server) seedMessages(ctx context.Context, user, folder string, n int) error {
	u := &seedUsers[0]
	if user != "" {
		if u = findUser(user); u == nil {
			return fmt.Errorf("%w %q", ErrUnknownUser, user)
		}
	}
	mw, _ := s.workload(mail.Name).(*mail.Workload)
	err := mw.SeedMessages(ctx, u.ID, folder, n)
	if errors.Is(err, mail.ErrNoMailbox) {
		return fmt.Errorf("%w %q", ErrUnknownUser, user)
	}
	return err
}

// ctlSeedMessages serves POST /_sandbox/seed/messages.
func (s *Server) ctlSeedMessages(w http.ResponseWriter, r *http.Request) {
	var req struct {
		User   string `json:"user"`
		Folder string `json:"folder"`
		Count  int    `json:"count"`
	}
	if !decodeControl(w, r, &req) {
		return
	}
	err := s.seedMessages(r.Context(), req.User, req.Folder, req.Count)
	switch {
	case errors.Is(err, ErrUnknownUser), errors.Is(err, ErrUnknownFolder):
		ctlError(w, http.StatusNotFound, err.Error())
	case err != nil:
		ctlError(w, http.StatusBadRequest, err.Error())
	default:
		graphkit.WriteJSONStatus(w, http.StatusOK, map[string]int{"seeded": req.Count})
	}
}
