package mail

import (
	"encoding/base64"
	"fmt"
	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"strings"
	"time"
)

// This file builds the seeded mailboxes: per user the well-known folders,
// child folders under the inbox and about 75 messages, some with file
// attachments, flags, categories and high importance. Everything derives
// from fixed inputs, so every run (and every Reset) has the same ids.

// inboxSeedCount is the number of seeded inbox messages per user; the first
// 25 are the original seed (same ids, subjects, dates and read state).
const inboxSeedCount = 35

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

var projectSubjects = []struct{ Subject, Body string }{
	{"Launch checklist v3", "The checklist is updated with the venue, catering and press items. Owners are in the second column."},
	{"Press release draft", "Here is the first draft of the press release. Comments by Wednesday please; legal has seen the quotes."},
	{"Vendor shortlist", "Three vendors made the shortlist for the booth build. Prices are within ten percent of each other."},
	{"Risk register update", "Two new risks: shipping delays for the demo units and the keynote speaker's availability."},
}

var receiptSubjects = []struct{ Subject, Body string }{
	{"Your receipt from Fabrikam Travel", "Thank you for booking with Fabrikam Travel. Your receipt is attached."},
	{"Invoice INV-2025-0142", "Please find invoice INV-2025-0142 attached. Payment is due within 30 days."},
	{"Order confirmation: office supplies", "Your order of printer paper and toner has shipped. The receipt is attached."},
}

var sentSubjects = []struct{ Subject, Body string }{
	{"Re: Quarterly sales review", "Thanks, the north-west numbers make sense given the refit. Let's review again next month."},
	{"Team offsite proposal", "I'd like to propose a one-day offsite in April to plan the second half. Thoughts on dates?"},
	{"Re: Lunch on Friday?", "Count me in, see you at noon."},
	{"Status report", "Weekly status: launch on track, budget under review, two open hires."},
}

// Outlook's default category names.
var seedCategories = [][]string{{"Blue category"}, {"Red category", "Green category"}, {"Yellow category"}, {"Orange category"}}

// seedUsers are the seeded directory users, who have mailboxes (by index:
// directory.Seed's order).
var seedUsers = directory.Seed()

// wellKnownFolders are the distinguished folders every seeded mailbox has.
var wellKnownFolders = []struct{ Name, DisplayName string }{
	{"inbox", "Inbox"}, {"drafts", "Drafts"}, {"sentitems", "Sent Items"}, {"deleteditems", "Deleted Items"},
	{"archive", "Archive"}, {"junkemail", "Junk Email"}, {"outbox", "Outbox"},
}

// seedFolderID is the id of a well-known folder; the inbox keeps the id of
// the original seed.
func seedFolderID(userID, wellKnown string) string {
	if wellKnown == "inbox" {
		return ids.Stable(userID, "inbox")
	}
	return ids.Stable(userID, "folder", wellKnown)
}

func seedMailStore() *mailStore {
	st := &mailStore{boxes: map[string]*mailbox{}, feed: graphkit.NewFeed(Name)}
	for ui := range seedUsers {
		st.boxes[seedUsers[ui].ID] = seedMailbox(ui)
	}
	return st
}

func seedMailbox(ui int) *mailbox {
	owner := &seedUsers[ui]
	mb := &mailbox{owner: owner, folders: map[string]*mailFolder{}, msgs: map[string]*mailMessage{}}
	root := &mailFolder{ID: ids.Stable(owner.ID, "msgfolderroot"), DisplayName: "Top of Information Store",
		ParentID: ids.Stable(owner.ID, "root"), WellKnown: "msgfolderroot"}
	mb.folders[root.ID] = root
	for _, wk := range wellKnownFolders {
		f := &mailFolder{ID: seedFolderID(owner.ID, wk.Name), DisplayName: wk.DisplayName, ParentID: root.ID, WellKnown: wk.Name}
		mb.folders[f.ID] = f
	}
	inbox := seedFolderID(owner.ID, "inbox")
	projects := &mailFolder{ID: ids.Stable(owner.ID, "folder", "Projects"), DisplayName: "Projects", ParentID: inbox}
	launch := &mailFolder{ID: ids.Stable(owner.ID, "folder", "Projects/Launch"), DisplayName: "Launch", ParentID: projects.ID}
	receipts := &mailFolder{ID: ids.Stable(owner.ID, "folder", "Receipts"), DisplayName: "Receipts", ParentID: inbox}
	for _, f := range []*mailFolder{projects, launch, receipts} {
		mb.folders[f.ID] = f
	}

	base := time.Date(2025, 3, 3, 16, 0, 0, 0, time.UTC)
	userOff := time.Duration(ui) * 11 * time.Minute
	other := func(k int) *user { return &seedUsers[(ui+1+k%4)%len(seedUsers)] }
	add := func(m *mailMessage) {
		m.Created, m.Modified = stampOf(m.Received), stampOf(m.Received)
		if m.Sent.IsZero() {
			m.Sent = m.Received.Add(-4 * time.Second)
		}
		if m.Importance == "" {
			m.Importance = "normal"
		}
		m.Inference = "focused"
		if m.ChangeKey == "" {
			m.ChangeKey = base64.StdEncoding.EncodeToString([]byte("CQAAABYAAAB" + m.ID[6:14]))
		}
		m.Body.ContentType = "html"
		m.Body.Content = "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><p>" +
			m.Body.Content + "</p></body></html>"
		if m.ConversationID == "" {
			m.ConversationID = ids.Stable("conversation", strings.TrimPrefix(m.Subject, "Re: "))
		}
		m.ConversationIndex = base64.StdEncoding.EncodeToString([]byte(m.ConversationID[6:28]))
		m.InternetMessageID = "<" + strings.ToLower(m.ID[6:22]) + "@" + directory.TenantDomain + ">"
		if m.Flag.FlagStatus == "" {
			m.Flag.FlagStatus = "notFlagged"
		}
		if m.Categories == nil {
			m.Categories = []string{}
		}
		for i, a := range m.Attachments {
			a.ID = ids.Stable(m.ID, "attachment", fmt.Sprint(i))
			a.Modified = m.Received
		}
		m.ImmutableID = immutableID(m.ID)
		mb.msgs[m.ID] = m
	}
	flagAt := func(m *mailMessage, status string) {
		start := m.Received.Truncate(24 * time.Hour)
		m.Flag = followupFlag{FlagStatus: status,
			StartDateTime: &outlook.DateTimeTimeZone{DateTime: start.Format(outlook.LocalTime), TimeZone: "UTC"},
			DueDateTime:   &outlook.DateTimeTimeZone{DateTime: start.Add(7 * 24 * time.Hour).Format(outlook.LocalTime), TimeZone: "UTC"}}
		if status == "complete" {
			m.Flag.CompletedDateTime = &outlook.DateTimeTimeZone{DateTime: start.Add(2 * 24 * time.Hour).Format(outlook.LocalTime), TimeZone: "UTC"}
		}
	}

	// Inbox: the original 25 messages first (newest), then older ones.
	for i := 0; i < inboxSeedCount; i++ {
		tmplIdx := (i + ui) % len(mailSubjects)
		tmpl := mailSubjects[tmplIdx]
		from := other(i)
		m := &mailMessage{
			ID: ids.Stable(owner.ID, "message", fmt.Sprint(i)), FolderID: inbox,
			Subject: tmpl.Subject, Body: outlook.ItemBody{Content: tmpl.Body},
			From: userRecipient(from), To: []outlook.Recipient{*userRecipient(owner)},
			Received:       base.Add(-time.Duration(i)*(3*time.Hour+7*time.Minute) - userOff),
			IsRead:         i%3 != 0,
			ConversationID: ids.Stable("conversation", tmpl.Subject),
			ChangeKey:      base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("CQAAABYAAAB%04d", i))),
		}
		if i%7 == 0 {
			m.Importance = "high"
		}
		if i%5 == 2 {
			m.Cc = []outlook.Recipient{*userRecipient(&seedUsers[(ui+2+i%3)%len(seedUsers)])}
		}
		switch {
		case i%5 == 1:
			flagAt(m, "flagged")
		case i%11 == 3:
			flagAt(m, "complete")
		}
		if i%4 == 1 || i%9 == 2 {
			m.Categories = append([]string{}, seedCategories[i%len(seedCategories)]...)
		}
		switch tmplIdx {
		case 0:
			m.Attachments = []*mailAttachment{{Name: "sales-q1.csv", ContentType: "text/csv", Bytes: salesCSV(i)}}
		case 4:
			m.Attachments = []*mailAttachment{{Name: "org-chart.png", ContentType: "image/png", Bytes: seedPNG}}
		case 9:
			m.Attachments = []*mailAttachment{{Name: "feedback.txt", ContentType: "text/plain",
				Bytes: []byte("Satisfaction: 82 (+4)\nTop complaint: delivery times\n")}}
		}
		add(m)
	}
	// Projects and its Launch child.
	for i := 0; i < 12; i++ {
		tmpl := projectSubjects[i%len(projectSubjects)]
		folder, label := projects.ID, "projects"
		if i >= 8 {
			folder, label = launch.ID, "launch"
		}
		m := &mailMessage{
			ID: ids.Stable(owner.ID, label, fmt.Sprint(i)), FolderID: folder,
			Subject: tmpl.Subject, Body: outlook.ItemBody{Content: tmpl.Body},
			From: userRecipient(other(i + 1)), To: []outlook.Recipient{*userRecipient(owner)},
			Cc:       []outlook.Recipient{*userRecipient(other(i + 2))},
			Received: base.Add(-time.Duration(i)*(5*time.Hour+13*time.Minute) - 97*time.Minute - userOff),
			IsRead:   i%4 != 2,
		}
		if i%3 == 0 {
			m.Categories = []string{"Purple category"}
		}
		if i%6 == 5 {
			m.Importance = "high"
			flagAt(m, "flagged")
		}
		if i%4 == 3 {
			m.Importance = "low"
		}
		add(m)
	}
	// Receipts, each with a small attachment.
	for i := 0; i < 6; i++ {
		tmpl := receiptSubjects[i%len(receiptSubjects)]
		m := &mailMessage{
			ID: ids.Stable(owner.ID, "receipts", fmt.Sprint(i)), FolderID: receipts.ID,
			Subject: tmpl.Subject, Body: outlook.ItemBody{Content: tmpl.Body},
			From: &outlook.Recipient{EmailAddress: outlook.EmailAddress{Name: "Fabrikam Billing", Address: "billing@fabrikam.example"}}, To: []outlook.Recipient{*userRecipient(owner)},
			Received: base.Add(-time.Duration(i)*(26*time.Hour+41*time.Minute) - 3*time.Hour - userOff),
			IsRead:   true,
		}
		name, ct, data := fmt.Sprintf("receipt-%d.txt", i+1), "text/plain", []byte(fmt.Sprintf("Receipt %d\nAmount: %d.%02d USD\n", i+1, 40+i*17, i*7%100))
		if i%2 == 1 {
			name, ct, data = fmt.Sprintf("invoice-%d.csv", i+1), "text/csv", []byte(fmt.Sprintf("item,amount\nservices,%d.00\ntax,%d.50\n", 100+i*10, 8+i))
		}
		m.Attachments = []*mailAttachment{{Name: name, ContentType: ct, Bytes: data}}
		add(m)
	}
	// Sent items, from the owner to colleagues.
	for i := 0; i < 12; i++ {
		tmpl := sentSubjects[i%len(sentSubjects)]
		to := []outlook.Recipient{*userRecipient(other(i))}
		if i%3 == 0 {
			to = append(to, *userRecipient(other(i + 1)))
		}
		m := &mailMessage{
			ID: ids.Stable(owner.ID, "sent", fmt.Sprint(i)), FolderID: seedFolderID(owner.ID, "sentitems"),
			Subject: tmpl.Subject, Body: outlook.ItemBody{Content: tmpl.Body},
			From: userRecipient(owner), To: to,
			Received: base.Add(-time.Duration(i)*(6*time.Hour+29*time.Minute) - 2*time.Hour - 13*time.Minute - userOff),
			IsRead:   true,
		}
		m.Sent = m.Received.Add(-2 * time.Second)
		add(m)
	}
	// A few messages in archive, deleted items and junk email, and two drafts.
	for i, spec := range []struct{ folder, subject, body string }{
		{"archive", "Annual report 2024", "The final annual report is attached to the intranet page."},
		{"archive", "Holiday schedule", "The office is closed between Christmas and New Year."},
		{"archive", "Parking permits", "New parking permits are available from reception."},
		{"archive", "Re: Team offsite proposal", "April works for us; the second week is best."},
		{"deleteditems", "Newsletter: March edition", "This month: the new cafeteria menu and the spring volunteering day."},
		{"deleteditems", "Out of office", "I'm out of the office until Monday with limited access to email."},
		{"junkemail", "You have won a prize!!!", "Click here to claim your prize. This offer expires today."},
		{"junkemail", "Cheap printer ink", "Save 90% on printer ink. Unsubscribe at any time."},
	} {
		from := userRecipient(other(i))
		if spec.folder == "junkemail" {
			from = &outlook.Recipient{EmailAddress: outlook.EmailAddress{Name: "Prize Desk", Address: "prizes@spam.example"}}
		}
		m := &mailMessage{
			ID: ids.Stable(owner.ID, spec.folder, fmt.Sprint(i)), FolderID: seedFolderID(owner.ID, spec.folder),
			Subject: spec.subject, Body: outlook.ItemBody{Content: spec.body},
			From: from, To: []outlook.Recipient{*userRecipient(owner)},
			Received: base.Add(-time.Duration(i)*(31*time.Hour+3*time.Minute) - 5*time.Hour - userOff),
			IsRead:   spec.folder != "junkemail",
		}
		add(m)
	}
	for i, subj := range []string{"Draft: Q2 plan", "Notes for the review"} {
		m := &mailMessage{
			ID: ids.Stable(owner.ID, "draft", fmt.Sprint(i)), FolderID: seedFolderID(owner.ID, "drafts"),
			Subject: subj, Body: outlook.ItemBody{Content: "Work in progress."},
			From: userRecipient(owner), To: []outlook.Recipient{*userRecipient(other(i))},
			Received: base.Add(-time.Duration(i)*(9*time.Hour) - 30*time.Minute - userOff),
			IsRead:   true, IsDraft: true,
		}
		add(m)
	}
	return mb
}

func userRecipient(u *user) *outlook.Recipient {
	return &outlook.Recipient{EmailAddress: outlook.EmailAddress{Name: u.DisplayName, Address: u.Mail}}
}

func salesCSV(i int) []byte {
	return []byte(fmt.Sprintf("region,revenue\nnorth-east,%d\nnorth-west,%d\nsouth,%d\n", 120000+i*113, 98000-i*71, 143000+i*29))
}

// seedPNG is a 1x1 transparent PNG.
var seedPNG, _ = base64.StdEncoding.DecodeString("iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNkYPhfDwAChwGA60e6kgAAAABJRU5ErkJggg==")
