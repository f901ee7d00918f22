package mail

import (
	"context"
	"encoding/base64"
	"errors"
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"
)

// This file is the bulk seeding path (behind sandbox.Server.SeedMessages, POST
// /_sandbox/seed/messages, authsome sandbox --seed-messages): many messages
// appended to one folder directly in the mail store, for big tenants and
// benchmarks. The content derives from each message's position in its
// mailbox, so the same calls on a fresh sandbox give the same subjects,
// senders, dates and bodies (ids, as for any created message, also carry
// the store's epoch).

// ErrUnknownFolder is returned by SeedMessages for a folder the mailbox lacks.
var ErrUnknownFolder = errors.New("sandbox: unknown mail folder")

// ErrNoMailbox is returned by SeedMessages for a user without a mailbox.
var ErrNoMailbox = errors.New("sandbox: no mailbox for user")

// MaxSeedMessages is the most messages one SeedMessages call adds.
const MaxSeedMessages = 10_000_000

// seedChunk is how many messages SeedMessages adds per hold of the lock, so
// that requests are served between chunks while a big seed runs.
const seedChunk = 4096

// SeedMessages adds n generated messages to a folder of the mailbox of the
// user with object id userID; folder is an id or a well-known name ("" = the
// inbox). The messages are about 2 KB each as Graph
// JSON, with varied subjects, senders (colleagues and outside addresses),
// received dates (older than the seeded mail, about 90 s apart), read state,
// importance, flags and categories, so that $filter, $orderby and $search
// select meaningful subsets. Their bodies are drawn from a fixed set of
// variants and shared between messages. Reset removes them again. The new
// messages are touched on ctx, for the journal.
func (s *Workload) SeedMessages(ctx context.Context, userID, folder string, n int) error {
	if n < 1 || n > MaxSeedMessages {
		return fmt.Errorf("sandbox: cannot seed %d messages: the count must be from 1 to %d", n, MaxSeedMessages)
	}
	if folder == "" {
		folder = "inbox"
	}
	now := s.Now().UTC()
	for done := 0; done < n; {
		k := min(seedChunk, n-done)
		st := s.lock(ctx)
		mb := st.boxes[userID]
		if mb == nil {
			s.unlock()
			return fmt.Errorf("%w %q", ErrNoMailbox, userID)
		}
		f := mb.folder(folder)
		if f == nil {
			s.unlock()
			return fmt.Errorf("%w %q in the mailbox of %s", ErrUnknownFolder, folder, mb.owner.UserPrincipalName)
		}
		st.seedBulk(mb, f.ID, k, now)
		s.unlock()
		done += k
	}
	return nil
}

// seedBulk appends n generated messages to folderID (call with Workload.mu
// held). Message k of the mailbox (its size before the message is added)
// gets the content of position k.
func (st *mailStore) seedBulk(mb *mailbox, folderID string, n int, now time.Time) {
	bodies := bulkBodies()
	people := bulkPeople()
	subjects := bulkSubjects()
	owner := people.user(mb.owner)
	base := time.Date(2025, 2, 24, 15, 47, 0, 0, time.UTC) // before the seeded mail
	for range n {
		k := len(mb.msgs)
		t := &subjects[k%len(subjects)]
		subject := t.subject
		switch {
		case k%9 == 4:
			subject = t.fwd
		case k%4 == 1:
			subject = t.re
		}
		if k%5 == 3 {
			var ref [4]byte
			subject += " (ref " + string(strconv.AppendInt(ref[:0], int64(1000+k%9000), 10)) + ")"
		}
		received := base.Add(-time.Duration(k)*83*time.Second - time.Duration(k%7)*13*time.Second)
		m := &mailMessage{
			Subject:    subject,
			Body:       outlook.ItemBody{ContentType: "html", Content: bodies[k%len(bodies)]},
			From:       &people.sender(mb.owner, k)[0],
			To:         owner,
			Received:   received,
			Sent:       received.Add(-time.Duration(3+k%40) * time.Second),
			Created:    stampOf(received),
			IsRead:     k%3 != 0,
			Importance: "normal",
			Inference:  "focused",
			Categories: []string{},
			Flag:       followupFlag{FlagStatus: "notFlagged"},
		}
		switch {
		case k%17 == 0:
			m.Importance = "high"
		case k%13 == 5:
			m.Importance = "low"
		}
		if k%11 == 7 {
			m.Inference = "other"
		}
		if k%23 == 1 {
			m.Flag.FlagStatus = "flagged"
		}
		if k%6 == 2 {
			m.Categories = slices.Clip(seedCategories[k%len(seedCategories)])
		}
		if k%8 == 5 {
			m.Cc = people.sender(mb.owner, k+3)
		}
		st.insert(mb, m, folderID, "bulk", now)
		m.Modified = stampOf(received) // as if it arrived then, untouched since
		m.ConversationID, m.ConversationIndex = t.conversationID, t.conversationIndex
		var imid [16]byte
		for i := range imid {
			imid[i] = lower(m.ID[6+i])
		}
		m.InternetMessageID = "<" + string(imid[:]) + "@" + directory.TenantDomain + ">" // one allocation
	}
}

// lower is strings.ToLower for one ASCII byte.
func lower(c byte) byte {
	if 'A' <= c && c <= 'Z' {
		return c + 'a' - 'A'
	}
	return c
}

// bulkSubject is a subject of bulk-seeded messages with the strings its messages share
// (a store keeps the same string once, not once per message).
type bulkSubject struct {
	subject, re, fwd                  string
	conversationID, conversationIndex string
}

// bulkSubjects are the subjects of bulk-seeded messages: those of the seeded
// mail and some more, so that a subject filter picks a few percent. They are
// built on first use: every command links the sandbox.
var bulkSubjects = sync.OnceValue(func() []bulkSubject {
	var subjects []string
	for _, set := range [][]struct{ Subject, Body string }{mailSubjects, projectSubjects, receiptSubjects, sentSubjects} {
		for _, x := range set {
			subjects = append(subjects, strings.TrimPrefix(x.Subject, "Re: "))
		}
	}
	subjects = append(subjects, "Weekly metrics", "Build failed on main", "Your password expires in 7 days", "Invitation: design review",
		"Shared document: roadmap.xlsx", "Reminder: timesheets due", "New comment on your post", "Meeting notes",
		"Delivery update for order 88412", "Conference call details", "Feedback requested", "Holiday rota")
	out := make([]bulkSubject, len(subjects))
	for i, s := range subjects {
		conv := ids.Stable("conversation", s)
		out[i] = bulkSubject{subject: s, re: "Re: " + s, fwd: "Fwd: " + s,
			conversationID: conv, conversationIndex: base64.StdEncoding.EncodeToString([]byte(conv[6:28]))}
	}
	return out
})

var (
	bulkFirstNames = []string{"Avery", "Jordan", "Riley", "Morgan", "Casey", "Taylor", "Quinn", "Rowan", "Emerson", "Harper", "Sasha", "Devon", "Kai"}
	bulkLastNames  = []string{"Nakamura", "Okafor", "Lindqvist", "Moreau", "Silva", "Kowalski", "Haddad", "Byrne", "Chen", "Novak", "Ibrahim"}
	bulkDomains    = []string{"fabrikam.example", "contoso-partners.example", "northwind.example", "adatum.example", "tailspin.example"}
)

// bulkRecipients are the people of bulk-seeded mail, each once: messages point into
// these arrays (a sender) or hold one-element slices of them (the owner as the recipient,
// a Cc), clipped so that an append copies. Nothing changes a recipient in place: a
// message's recipients are replaced as a whole.
type bulkRecipients struct {
	users   []outlook.Recipient // by seedUsers index
	outside []outlook.Recipient // 715 outside people
}

var bulkPeople = sync.OnceValue(func() *bulkRecipients {
	p := &bulkRecipients{}
	for i := range seedUsers {
		p.users = append(p.users, *userRecipient(&seedUsers[i]))
	}
	for i := range len(bulkFirstNames) * len(bulkLastNames) * len(bulkDomains) {
		first := bulkFirstNames[i%len(bulkFirstNames)]
		last := bulkLastNames[(i/len(bulkFirstNames))%len(bulkLastNames)]
		domain := bulkDomains[i/(len(bulkFirstNames)*len(bulkLastNames))]
		p.outside = append(p.outside, outlook.Recipient{EmailAddress: outlook.EmailAddress{Name: first + " " + last, Address: strings.ToLower(first+"."+last) + "@" + domain}})
	}
	return p
})

// one returns rs[i] as a one-element slice that appends copy.
func one(rs []outlook.Recipient, i int) []outlook.Recipient { return rs[i : i+1 : i+1] }

// user returns the seeded user u as a recipient.
func (p *bulkRecipients) user(u *user) []outlook.Recipient {
	return one(p.users, userIndex(u.ID))
}

// sender returns the sender of bulk message k: one of the owner's seeded
// colleagues for a third of the messages, else one of 715 outside people.
func (p *bulkRecipients) sender(owner *user, k int) []outlook.Recipient {
	if k%3 == 2 {
		i := k % len(seedUsers)
		if seedUsers[i].ID == owner.ID {
			i = (k + 1) % len(seedUsers)
		}
		return one(p.users, i)
	}
	first := k % len(bulkFirstNames)
	last := (k / len(bulkFirstNames)) % len(bulkLastNames)
	domain := (k / 7) % len(bulkDomains)
	return one(p.outside, first+len(bulkFirstNames)*(last+len(bulkLastNames)*domain))
}

var (
	bulkBodyOnce sync.Once
	bulkBodyList []string
)

// bulkBodies returns the body variants (HTML, about 0.8 KB each): a
// greeting, three paragraphs from the seeded mail and a signature.
func bulkBodies() []string {
	bulkBodyOnce.Do(func() {
		var paras []string
		for _, set := range [][]struct{ Subject, Body string }{mailSubjects, projectSubjects, receiptSubjects, sentSubjects} {
			for _, x := range set {
				paras = append(paras, x.Body)
			}
		}
		greetings := []string{"Hi all,", "Hello,", "Hi team,", "Good morning,"}
		for v := range 64 {
			var b strings.Builder
			b.WriteString(`<html><head><meta http-equiv="Content-Type" content="text/html; charset=utf-8"></head><body>`)
			b.WriteString("<p>" + greetings[v%len(greetings)] + "</p>")
			for j := range 3 {
				b.WriteString("<p>" + paras[(v*5+j*7)%len(paras)] + "</p>")
			}
			b.WriteString("<p>Best regards,<br>The " + bulkDomains[v%len(bulkDomains)] + " team</p></body></html>")
			bulkBodyList = append(bulkBodyList, b.String())
		}
	})
	return bulkBodyList
}
