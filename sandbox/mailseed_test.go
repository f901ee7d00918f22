package sandbox

import (
	"encoding/json"
	"fmt"
	"sort"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/mail"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
)

// The seeded mailboxes as the tests here see them: read from a fresh mail
// workload's snapshot, so that expectations come from the seed itself.

type seedMessage struct {
	ID, FolderID, Subject string
	Body                  outlook.ItemBody
	From                  *outlook.Recipient
	To                    []outlook.Recipient
	Categories            []string
	Importance            string
	IsRead, IsDraft       bool
	Flag                  struct {
		FlagStatus string `json:"flagStatus"`
	}
	Received    time.Time
	Attachments []struct {
		Name     string
		IsInline bool
		Bytes    []byte
	}
}

func (m *seedMessage) hasAttachments() bool {
	for _, a := range m.Attachments {
		if !a.IsInline {
			return true
		}
	}
	return false
}

type seedFolder struct {
	ID, DisplayName, ParentID, WellKnown string
}

type seedBox struct {
	Folders  []*seedFolder  `json:"folders"`
	Messages []*seedMessage `json:"messages"` // newest first
	msgs     map[string]*seedMessage
}

// seedMailbox returns the seeded mailbox of seeded user i.
func seedMailbox(i int) *seedBox {
	w := mail.New(&graphkit.Kit{Now: time.Now, Dir: directory.New()})
	data, err := w.Snapshot()
	if err != nil {
		panic(err)
	}
	var st struct {
		Boxes map[string]*seedBox `json:"boxes"`
	}
	if err := json.Unmarshal(data, &st); err != nil {
		panic(err)
	}
	mb := st.Boxes[seedUsers[i].ID]
	mb.msgs = map[string]*seedMessage{}
	for _, m := range mb.Messages {
		mb.msgs[m.ID] = m
	}
	return mb
}

// folder finds a folder by id or well-known name.
func (mb *seedBox) folder(idOrName string) *seedFolder {
	for _, f := range mb.Folders {
		if f.ID == idOrName || (f.WellKnown != "" && strings.EqualFold(f.WellKnown, idOrName)) {
			return f
		}
	}
	return nil
}

// messages returns the messages of a folder ("" = all), newest first.
func (mb *seedBox) messages(folderID string) []*seedMessage {
	var out []*seedMessage
	for _, m := range mb.Messages {
		if folderID == "" || m.FolderID == folderID {
			out = append(out, m)
		}
	}
	sort.SliceStable(out, func(i, j int) bool {
		if !out[i].Received.Equal(out[j].Received) {
			return out[i].Received.After(out[j].Received)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// seedFolderID is the id of seeded user id's well-known folder.
func seedFolderID(userID, wellKnown string) string {
	return seedMailbox(directory.New().Index(userID)).folder(wellKnown).ID
}

// inboxSeedCount is the number of messages in a seeded inbox.
var inboxSeedCount = len(seedMailbox(0).messages(seedMailbox(0).folder("inbox").ID))

// salesCSV is the sales-q1.csv attachment of Adele's seeded message i.
func salesCSV(i int) []byte {
	return seedAttachment(stableID(AdeleVanceID, "message", fmt.Sprint(i)), "sales-q1.csv")
}

// seedPNG is a small PNG picture: the seeded org-chart.png attachment.
var seedPNG = seedAttachment(stableID(AdeleVanceID, "message", "4"), "org-chart.png")

// seedAttachment returns the bytes of attachment name of Adele's seeded message id.
func seedAttachment(id, name string) []byte {
	for _, a := range seedMailbox(0).msgs[id].Attachments {
		if a.Name == name {
			return a.Bytes
		}
	}
	panic("no seeded attachment " + name + " on " + id)
}
