package sandbox

import (
	"fmt"
	"sync"
	"testing"
)

// TestConcurrentWorkloads drives mail, calendar, contacts and the directory at once from
// several users (run with -race): every write lands exactly once, in the right mailbox and
// calendar, while lists and views of the same collections run beside them.
func TestConcurrentWorkloads(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	const scopes = "Mail.ReadWrite Mail.Send Calendars.ReadWrite Contacts.ReadWrite User.Read.All"
	users := []User{adele(), alex()}
	toks := make([]string, len(users))
	for i, u := range users {
		toks[i] = e.calToken(u, scopes)
	}
	const workers, rounds = 6, 4
	var wg sync.WaitGroup
	for w := 0; w < workers; w++ {
		wg.Add(1)
		go func(w int) {
			defer wg.Done()
			tok, other := toks[w%2], users[(w+1)%2]
			for r := 0; r < rounds; r++ {
				tag := fmt.Sprintf("mix-%d-%d", w, r)
				checks := []struct {
					method, path string
					in           any
					want         int
				}{
					{"POST", "/v1.0/me/sendMail", map[string]any{"message": map[string]any{"subject": tag,
						"toRecipients": []any{map[string]any{"emailAddress": map[string]any{"address": other.Mail}}}}}, 202},
					{"POST", "/v1.0/me/events", map[string]any{"subject": tag,
						"start":     map[string]any{"dateTime": "2025-05-06T09:00:00", "timeZone": "UTC"},
						"end":       map[string]any{"dateTime": "2025-05-06T09:30:00", "timeZone": "UTC"},
						"attendees": []any{map[string]any{"emailAddress": map[string]any{"address": other.Mail}}}}, 201},
					{"POST", "/v1.0/me/contacts", map[string]any{"givenName": tag}, 201},
					{"GET", "/v1.0/me/mailFolders/inbox/messages?$top=5&$select=subject", nil, 200},
					{"GET", "/v1.0/me/calendarView?startDateTime=2025-05-06T00:00:00Z&endDateTime=2025-05-07T00:00:00Z", nil, 200},
					{"GET", "/v1.0/me/contacts?$top=5", nil, 200},
					{"GET", "/v1.0/users?$top=5", nil, 200},
				}
				for _, c := range checks {
					if st, body, _ := e.call(c.method, c.path, tok, c.in, nil); st != c.want {
						t.Errorf("%s %s: %d %v", c.method, c.path, st, body)
					}
				}
			}
		}(w)
	}
	wg.Wait()

	// Each user sent (workers/2)*rounds messages and events to the other, and made as many
	// contacts: count them by their tags.
	per := workers / 2 * rounds
	for i := range users {
		tok := toks[i]
		count := func(path, key string) int {
			st, body, _ := e.call("GET", path, tok, nil, nil)
			if st != 200 {
				t.Fatalf("GET %s: %d %v", path, st, body)
			}
			n := 0
			for _, v := range values(t, body) {
				if s, _ := v[key].(string); len(s) > 4 && s[:4] == "mix-" {
					n++
				}
			}
			return n
		}
		// The inbox has the other's messages and, for each of their events, its meeting request.
		if n := count("/v1.0/me/mailFolders/inbox/messages?$top=1000&$select=subject", "subject"); n != 2*per {
			t.Errorf("%s's inbox has %d mixed messages, want %d", users[i].UserPrincipalName, n, 2*per)
		}
		if n := count("/v1.0/me/mailFolders/sentitems/messages?$top=1000&$select=subject", "subject"); n != per {
			t.Errorf("%s's Sent Items has %d, want %d", users[i].UserPrincipalName, n, per)
		}
		// Own events plus the other's invitations.
		if n := count("/v1.0/me/calendarView?startDateTime=2025-05-06T00:00:00Z&endDateTime=2025-05-07T00:00:00Z&$top=1000", "subject"); n != 2*per {
			t.Errorf("%s's calendar has %d mixed events, want %d", users[i].UserPrincipalName, n, 2*per)
		}
		if n := count("/v1.0/me/contacts?$top=1000", "givenName"); n != per {
			t.Errorf("%s has %d new contacts, want %d", users[i].UserPrincipalName, n, per)
		}
	}
}
