package sandbox

import (
	"crypto/sha256"
	"encoding/base64"
	"fmt"
	"strings"
	"sync"
	"time"
)

// messagesPerUser is the number of seeded inbox messages per user.
const messagesPerUser = 25

// seedMessage is a message in a seeded mailbox.
type seedMessage struct {
	ID             string
	Subject        string
	Body           string
	From           *User
	To             []*User
	Cc             []*User
	Received       time.Time
	IsRead         bool
	Importance     string
	ConversationID string
	FolderID       string
	ChangeKey      string
}

var mailSubjects = []struct{ Subject, Body string }{
	{"Quarterly sales review", "Please find the numbers for the quarter below. Retail grew in every region except the north-west, where the store refit slowed things down."},
	{"Marketing sync: agenda", "Agenda for Thursday: launch calendar, social campaign results, budget for the trade show, and any other business."},
	{"Re: Contoso product launch", "Thanks for the update. The launch event is confirmed for the 14th; I've booked the main hall and the overflow room."},
	{"Travel plans for the summit", "Flights are booked. I'll arrive on Monday evening and leave on Thursday afternoon. Let me know if you need me earlier."},
	{"Updated org chart", "Attached is the updated org chart after the reorganisation. Please check your team's entries and send corrections by Friday."},
	{"Lunch on Friday?", "A few of us are going to the new place on 5th Avenue on Friday at noon. Want to join?"},
	{"Expense report approval", "Your expense report for the customer visits has been approved and will be paid with the next payroll run."},
	{"Security training reminder", "This is a reminder that the annual security awareness training is due by the end of the month."},
	{"Re: Budget planning", "I went through the draft budget. The events line looks high compared to last year; can we talk it through tomorrow?"},
	{"Customer feedback summary", "Here is the summary of customer feedback from the last survey. Satisfaction is up four points; delivery times are the top complaint."},
	{"Office move next week", "Facilities will move our floor next Tuesday. Please pack your desk by Monday evening; crates are in the kitchen."},
	{"Welcome our new team members", "Please join me in welcoming two new colleagues who start on Monday. They'll be sitting with the retail team."},
}

var (
	mailboxOnce sync.Once
	mailboxes   map[string][]seedMessage
)

// stableID returns a deterministic Exchange-style id for the given parts.
func stableID(parts ...string) string {
	h := sha256.Sum256([]byte(strings.Join(parts, "|")))
	h2 := sha256.Sum256(h[:])
	raw := append(h[:], h2[:20]...)
	return "AAMkAG" + base64.URLEncoding.EncodeToString(raw)
}

// mailbox returns the seeded messages of a user, newest first.
func mailbox(userID string) []seedMessage {
	mailboxOnce.Do(func() {
		mailboxes = map[string][]seedMessage{}
		base := time.Date(2025, 3, 3, 16, 0, 0, 0, time.UTC)
		for ui := range seedUsers {
			owner := &seedUsers[ui]
			folder := stableID(owner.ID, "inbox")
			msgs := make([]seedMessage, 0, messagesPerUser)
			for i := 0; i < messagesPerUser; i++ {
				from := &seedUsers[(ui+1+i%4)%len(seedUsers)]
				tmpl := mailSubjects[(i+ui)%len(mailSubjects)]
				m := seedMessage{
					ID:             stableID(owner.ID, "message", fmt.Sprint(i)),
					Subject:        tmpl.Subject,
					Body:           tmpl.Body,
					From:           from,
					To:             []*User{owner},
					Received:       base.Add(-time.Duration(i)*(3*time.Hour+7*time.Minute) - time.Duration(ui)*11*time.Minute),
					IsRead:         i%3 != 0,
					Importance:     "normal",
					ConversationID: stableID("conversation", tmpl.Subject),
					FolderID:       folder,
					ChangeKey:      base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("CQAAABYAAAB%04d", i))),
				}
				if i%7 == 0 {
					m.Importance = "high"
				}
				if i%5 == 2 {
					m.Cc = []*User{&seedUsers[(ui+2+i%3)%len(seedUsers)]}
				}
				msgs = append(msgs, m)
			}
			mailboxes[owner.ID] = msgs
		}
	})
	return mailboxes[userID]
}
