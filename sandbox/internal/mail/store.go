package mail

import (
	"context"
	"encoding/base64"
	"encoding/json"
	"fmt"
	"github.com/authsome-go/authsome/internal/lazyre"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
	"html"
	"net/url"
	"sort"
	"strconv"
	"strings"
	"sync"
	"time"
)

// mailStore is the mail of every seeded user; guarded by Workload.mu.
type mailStore struct {
	// feed numbers changes: every created or changed message and every
	// removal (a tombstone) takes the next position (delta tokens are
	// positions in it); its epoch tells this store's ids and tokens from an
	// earlier one's (before a Reset).
	feed  *graphkit.Feed
	boxes map[string]*mailbox
	// ctx is the context of the request that holds the lock (Workload.lock):
	// the journal keys of its changes are touched on it.
	ctx context.Context
	// deferred counts the messages waiting for their deferred send time
	// (deferred.go); -1 until counted after a restore.
	deferred int
}

// mailbox is one user's folders and messages.
type mailbox struct {
	owner   *user
	folders map[string]*mailFolder
	msgs    map[string]*mailMessage
	// changes counts the changes to this mailbox's messages (mailStore.touch and remove),
	// so that its cached order outlives changes to other mailboxes.
	changes int64
	// order caches the messages newest first, for listings (mailStore.inOrder).
	order orderCache
	// settings are the mailbox's settings and categories (settings.go); nil
	// until first used.
	settings *outlookSettings
}

// orderCache holds a mailbox's messages newest first per folder ("" = all). It is valid
// while the mailbox's change count and size are what they were when it was built: every
// change to a message is a touch or a removal, which counts it. Mail delivered to another
// mailbox leaves this one's order alone.
type orderCache struct {
	changes int64
	n       int
	lists   map[string][]*mailMessage
}

type mailFolder struct {
	ID, DisplayName, ParentID string
	WellKnown                 string // inbox, drafts, ... or "" for a user folder
	Hidden                    bool
	ChangeKey                 string      `json:",omitempty"` // changes with each write to the folder
	SingleExt                 []singleExt `json:",omitempty"` // extended properties (extprops.go)
	MultiExt                  []multiExt  `json:",omitempty"`
}

type mailMessage struct {
	ID, FolderID                      string
	Subject                           string
	Body                              outlook.ItemBody
	UniqueBody                        *outlook.ItemBody // nil = the body
	From, Sender                      *outlook.Recipient
	To, Cc, Bcc, ReplyTo              []outlook.Recipient
	Categories                        []string
	Importance, Inference             string
	IsRead, IsDraft                   bool
	DeliveryReceipt, ReadReceipt      bool
	Flag                              followupFlag
	Created, Modified                 stamp
	Received, Sent                    time.Time
	ConversationID, ConversationIndex string
	InternetMessageID, ChangeKey      string
	ImmutableID                       string // kept across moves (Prefer: IdType="ImmutableId")
	InternetHeaders                   []internetHeader
	Seq                               int64
	Attachments                       []*mailAttachment
	// DeferUntil is when a message waiting in the Outbox is sent
	// (deferred.go); DeferSave whether it goes to Sent Items then.
	DeferUntil time.Time `json:",omitzero"`
	DeferSave  bool      `json:",omitempty"`
	// Ext holds the extended properties (extprops.go); nil for the many
	// messages without (a message is kept small: see TestHeapPerMessage).
	Ext *msgExt `json:",omitempty"`
	// Meeting makes the message an eventMessage (meeting.go).
	Meeting *meetingInfo `json:",omitempty"`
}

// msgExt is a message's extended properties.
type msgExt struct {
	Single []singleExt `json:",omitempty"`
	Multi  []multiExt  `json:",omitempty"`
}

func (m *mailMessage) singleExt() []singleExt {
	if m.Ext == nil {
		return nil
	}
	return m.Ext.Single
}

func (m *mailMessage) multiExt() []multiExt {
	if m.Ext == nil {
		return nil
	}
	return m.Ext.Multi
}

// setExt stores the extended properties (nil Ext when there are none).
func (m *mailMessage) setExt(single []singleExt, multi []multiExt) {
	if len(single) == 0 && len(multi) == 0 {
		m.Ext = nil
		return
	}
	m.Ext = &msgExt{Single: single, Multi: multi}
}

type internetHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

type mailAttachment = outlook.FileAttachment

type followupFlag struct {
	FlagStatus        string                    `json:"flagStatus"`
	StartDateTime     *outlook.DateTimeTimeZone `json:"startDateTime,omitempty"`
	DueDateTime       *outlook.DateTimeTimeZone `json:"dueDateTime,omitempty"`
	CompletedDateTime *outlook.DateTimeTimeZone `json:"completedDateTime,omitempty"`
}

// messageJSON is a message in Graph's default property set and order, plus
// uniqueBody (selectable only) and attachments (with $expand).
type messageJSON struct {
	ETag                       string              `json:"@odata.etag"`
	ID                         string              `json:"id"`
	CreatedDateTime            string              `json:"createdDateTime"`
	LastModifiedDateTime       string              `json:"lastModifiedDateTime"`
	ChangeKey                  string              `json:"changeKey"`
	Categories                 []string            `json:"categories"`
	ReceivedDateTime           string              `json:"receivedDateTime"`
	SentDateTime               *string             `json:"sentDateTime"`
	HasAttachments             bool                `json:"hasAttachments"`
	InternetMessageID          string              `json:"internetMessageId"`
	Subject                    string              `json:"subject"`
	BodyPreview                string              `json:"bodyPreview"`
	Importance                 string              `json:"importance"`
	ParentFolderID             string              `json:"parentFolderId"`
	ConversationID             string              `json:"conversationId"`
	ConversationIndex          string              `json:"conversationIndex"`
	IsDeliveryReceiptRequested bool                `json:"isDeliveryReceiptRequested"`
	IsReadReceiptRequested     bool                `json:"isReadReceiptRequested"`
	IsRead                     bool                `json:"isRead"`
	IsDraft                    bool                `json:"isDraft"`
	WebLink                    string              `json:"webLink"`
	InferenceClassification    string              `json:"inferenceClassification"`
	Body                       outlook.ItemBody    `json:"body"`
	UniqueBody                 *outlook.ItemBody   `json:"uniqueBody,omitempty"` // always set; nil only to leave it out
	Sender                     *outlook.Recipient  `json:"sender,omitempty"`
	From                       *outlook.Recipient  `json:"from,omitempty"`
	ToRecipients               []outlook.Recipient `json:"toRecipients"`
	CcRecipients               []outlook.Recipient `json:"ccRecipients"`
	BccRecipients              []outlook.Recipient `json:"bccRecipients"`
	ReplyTo                    []outlook.Recipient `json:"replyTo"`
	Flag                       followupFlag        `json:"flag"`
	InternetMessageHeaders     []internetHeader    `json:"internetMessageHeaders,omitempty"`
	Attachments                []any               `json:"attachments,omitempty"`
	SingleExt                  []singleExt         `json:"singleValueExtendedProperties,omitempty"`
	MultiExt                   []multiExt          `json:"multiValueExtendedProperties,omitempty"`
	*eventMessageJSON                              // an eventMessage's own properties (meeting.go)
}

const graphTime = "2006-01-02T15:04:05Z"

func nonNil(rs []outlook.Recipient) []outlook.Recipient {
	if rs == nil {
		return []outlook.Recipient{}
	}
	return rs
}

// toJSON renders m; bodyType "" keeps the stored body type, "text" or
// "html" converts (Prefer: outlook.body-content-type).
func (m *mailMessage) toJSON(view msgView, withAttachments bool) messageJSON {
	bodyType := view.bodyType
	j := messageJSON{
		ETag: graphkit.OutlookETag(m.ChangeKey), ID: m.ID,
		CreatedDateTime: m.Created.Time().Format(graphTime), LastModifiedDateTime: m.Modified.Time().Format(graphTime),
		ChangeKey: m.ChangeKey, Categories: append([]string{}, m.Categories...),
		ReceivedDateTime: m.Received.UTC().Format(graphTime),
		HasAttachments:   m.hasAttachments(), InternetMessageID: m.InternetMessageID, Subject: m.Subject,
		BodyPreview: bodyPreview(m.Body), Importance: m.Importance, ParentFolderID: m.FolderID,
		ConversationID: m.ConversationID, ConversationIndex: m.ConversationIndex,
		IsDeliveryReceiptRequested: m.DeliveryReceipt, IsReadReceiptRequested: m.ReadReceipt,
		IsRead: m.IsRead, IsDraft: m.IsDraft,
		WebLink:                 "https://outlook.office365.com/owa/?ItemID=" + url.QueryEscape(m.ID) + "&exvsurl=1&viewmodel=ReadMessageItem",
		InferenceClassification: m.Inference,
		Body:                    convertBody(m.Body, bodyType),
		Sender:                  m.Sender, From: m.From,
		ToRecipients: nonNil(m.To), CcRecipients: nonNil(m.Cc), BccRecipients: nonNil(m.Bcc), ReplyTo: nonNil(m.ReplyTo),
		Flag: m.Flag, InternetMessageHeaders: m.InternetHeaders,
	}
	if view.immutable {
		j.ID = m.ImmutableID
	}
	if !m.Sent.IsZero() {
		s := m.Sent.UTC().Format(graphTime)
		j.SentDateTime = &s
	}
	if m.Sender == nil {
		j.Sender = m.From
	}
	ub := m.Body
	if m.UniqueBody != nil {
		ub = *m.UniqueBody
	}
	ub = convertBody(ub, bodyType)
	j.UniqueBody = &ub
	if view.ext != nil {
		m.renderExt(&j, view.ext)
	}
	if m.Meeting != nil {
		j.eventMessageJSON = m.Meeting.toJSON()
	}
	if withAttachments {
		j.Attachments = []any{}
		for _, a := range m.Attachments {
			j.Attachments = append(j.Attachments, a.JSON(true))
		}
	}
	return j
}

func (m *mailMessage) hasAttachments() bool {
	for _, a := range m.Attachments {
		if !a.IsInline {
			return true
		}
	}
	return false
}

// rawObject marshals v and returns its members as raw JSON, so that they
// are written back with their own member order.
func rawObject(v any) map[string]any {
	out, err := odata.Members(encodeRaw(v))
	if err != nil {
		panic(fmt.Sprintf("sandbox: split %T: %v", v, err)) // the sandbox's own types encode to objects
	}
	return out
}

// encodeRaw encodes v as Graph does (no HTML escaping), without the trailing newline.
func encodeRaw(v any) json.RawMessage {
	b, err := odata.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sandbox: marshal %T: %v", v, err)) // the sandbox's own types always marshal
	}
	return b
}

// decodedObject returns v decoded as a JSON object (for the OData engine).
func decodedObject(v any) map[string]any {
	b, err := json.Marshal(v)
	if err != nil {
		panic(fmt.Sprintf("sandbox: marshal %T: %v", v, err))
	}
	var out map[string]any
	_ = json.Unmarshal(b, &out)
	return out
}

// decodedMembers returns v as a JSON object holding only the members named
// in names (lower-cased, as odata.Query.Roots gives them), decoded: a
// filter or sort reads no others, and a message's body is most of it.
func decodedMembers(v any, names map[string]bool) map[string]any {
	out := make(map[string]any, len(names))
	for k, r := range rawObject(v) {
		if names[strings.ToLower(k)] {
			var x any
			_ = json.Unmarshal(r.(json.RawMessage), &x)
			out[k] = x
		}
	}
	return out
}

// jsonObject returns v decoded as a JSON object (for the OData engine) and
// as rawObject (for the answer).
func jsonObject(v any) (decoded, raw map[string]any) {
	raw = rawObject(v)
	decoded = make(map[string]any, len(raw))
	for k, r := range raw {
		var x any
		_ = json.Unmarshal(r.(json.RawMessage), &x)
		decoded[k] = x
	}
	return decoded, raw
}

var (
	tagRE   = lazyre.New(`(?s)<head.*?</head>|<[^>]*>`)
	blockRE = lazyre.New(`(?i)</p>|<br\s*/?>|</div>`)
	spaceRE = lazyre.New(`[ \t]+`)
)

// htmlToText turns an HTML body into plain text, as Exchange does for
// Prefer: outlook.body-content-type="text" (roughly).
func htmlToText(s string) string {
	s = blockRE().ReplaceAllString(s, "\r\n")
	s = tagRE().ReplaceAllString(s, "")
	s = html.UnescapeString(s)
	lines := strings.Split(strings.ReplaceAll(s, "\r\n", "\n"), "\n")
	var out []string
	for _, l := range lines {
		l = strings.TrimSpace(spaceRE().ReplaceAllString(l, " "))
		if l != "" || (len(out) > 0 && out[len(out)-1] != "") {
			out = append(out, l)
		}
	}
	return strings.TrimSpace(strings.Join(out, "\r\n"))
}

func textToHTML(s string) string {
	return "<html><head><meta http-equiv=\"Content-Type\" content=\"text/html; charset=utf-8\"></head><body><div>" +
		strings.ReplaceAll(html.EscapeString(s), "\n", "<br>") + "</div></body></html>"
}

func convertBody(b outlook.ItemBody, want string) outlook.ItemBody {
	switch {
	case want == "text" && b.ContentType == "html":
		return outlook.ItemBody{ContentType: "text", Content: htmlToText(b.Content)}
	case want == "html" && b.ContentType == "text":
		return outlook.ItemBody{ContentType: "html", Content: textToHTML(b.Content)}
	}
	return b
}

// bodyPreview is Graph's bodyPreview of a body: its text, spaces collapsed, at most 255
// characters. Making it from HTML is most of the cost of rendering a message, and many
// messages share a body (bulk-seeded ones, copies, replies quoting nothing), so previews
// are kept by body (previews) and made once per distinct body.
func bodyPreview(b outlook.ItemBody) string {
	if p, ok := previews.get(b); ok {
		return p
	}
	p := makePreview(b)
	previews.put(b, p)
	return p
}

func makePreview(b outlook.ItemBody) string {
	t := b.Content
	if b.ContentType == "html" {
		t = htmlToText(t)
	}
	t = strings.Join(strings.Fields(t), " ")
	if r := []rune(t); len(r) > 255 {
		t = string(r[:255])
	}
	return t
}

// previewMemo holds the previews of recent bodies. It is bounded by the bytes of the bodies
// it holds (it starts empty again when full), so it never keeps much of deleted mail alive.
// A preview is a function of its body alone: an entry is never stale, whoever changes a
// message's body.
type previewMemo struct {
	mu    sync.Mutex
	m     map[outlook.ItemBody]string
	bytes int
}

// previewMemoBytes bounds the bodies a previewMemo holds.
const previewMemoBytes = 16 << 20

var previews previewMemo

func (pm *previewMemo) get(b outlook.ItemBody) (string, bool) {
	pm.mu.Lock()
	defer pm.mu.Unlock()
	p, ok := pm.m[b]
	return p, ok
}

func (pm *previewMemo) put(b outlook.ItemBody, p string) {
	n := len(b.Content) + len(b.ContentType) + len(p)
	if n > previewMemoBytes/16 {
		return // a big body is rare; its preview is made again when asked
	}
	pm.mu.Lock()
	defer pm.mu.Unlock()
	if pm.m == nil || pm.bytes+n > previewMemoBytes {
		pm.m, pm.bytes = map[outlook.ItemBody]string{}, 0
	}
	if _, ok := pm.m[b]; !ok {
		pm.m[b] = p
		pm.bytes += n
	}
}

// ---- store operations (call with Workload.mu held)

// changed notes that the entity key changed (or is gone), for the journal.
func (st *mailStore) changed(key string) {
	if st.ctx != nil {
		graphkit.TouchCtx(st.ctx, Name, key)
	}
}

// folderChanged notes a change to (or the removal of) folder id of mb; the
// folder gets a new change key.
func (st *mailStore) folderChanged(mb *mailbox, id string) {
	if f := mb.folders[id]; f != nil {
		f.ChangeKey = changeKey(st.next())
	}
	st.changed(folderKey(mb.owner.ID, id))
}

// next returns the next change sequence number.
func (st *mailStore) next() int64 {
	return st.feed.Next(st.ctx)
}

// touch records a change to m of mb: new change key, etag and modification time.
func (st *mailStore) touch(mb *mailbox, m *mailMessage, now time.Time) {
	if m.ID != "" {
		st.changed(msgKey(mb.owner.ID, m.ID))
	}
	mb.changes++
	m.Seq = st.next()
	m.Modified = stampOf(now)
	m.ChangeKey = changeKey(m.Seq)
	if m.ID != "" {
		st.feed.Notify(feedScope(mb, m.FolderID), m.ID, graphkit.Updated, m.Seq)
	}
}

// changeKey is the change key of a message at change sequence number seq: base64 of
// "CQAAABYAAAC" and seq in ten digits, made with a single allocation (stores of many
// messages keep no garbage per message).
func changeKey(seq int64) string {
	if seq < 0 || seq > 9_999_999_999 {
		return base64.StdEncoding.EncodeToString([]byte(fmt.Sprintf("CQAAABYAAAC%010d", seq)))
	}
	var raw [21]byte
	copy(raw[:], "CQAAABYAAAC0000000000")
	var digits [10]byte
	d := strconv.AppendInt(digits[:0], seq, 10)
	copy(raw[len(raw)-len(d):], d)
	var out [28]byte
	base64.StdEncoding.Encode(out[:], raw[:])
	return string(out[:])
}

// folder resolves a folder id or well-known name.
func (mb *mailbox) folder(idOrName string) *mailFolder {
	if f := mb.folders[idOrName]; f != nil {
		return f
	}
	for _, f := range mb.folders {
		if f.WellKnown != "" && strings.EqualFold(f.WellKnown, idOrName) {
			return f
		}
	}
	return nil
}

func (mb *mailbox) wellKnown(name string) *mailFolder { return mb.folder(name) }

// children returns the child folders of id, by display name.
func (mb *mailbox) children(id string, hidden bool) []*mailFolder {
	var out []*mailFolder
	for _, f := range mb.folders {
		if f.ParentID == id && (hidden || !f.Hidden) {
			out = append(out, f)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		a, b := strings.ToLower(out[i].DisplayName), strings.ToLower(out[j].DisplayName)
		if a != b {
			return a < b
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// messages returns the messages of a folder ("" = all), newest first.
func (mb *mailbox) messages(folderID string) []*mailMessage {
	var out []*mailMessage
	for _, m := range mb.msgs {
		if folderID == "" || m.FolderID == folderID {
			out = append(out, m)
		}
	}
	sort.Slice(out, func(i, j int) bool {
		if !out[i].Received.Equal(out[j].Received) {
			return out[i].Received.After(out[j].Received)
		}
		return out[i].ID < out[j].ID
	})
	return out
}

// inOrder returns the messages of a folder ("" = all) newest first, as messages does, but
// sorts only when something changed since the last call: paging through a mailbox costs a
// page, not a sort of the mailbox. The slice is shared; do not modify it.
func (st *mailStore) inOrder(mb *mailbox, folderID string) []*mailMessage {
	c := &mb.order
	if c.lists == nil || c.changes != mb.changes || c.n != len(mb.msgs) {
		*c = orderCache{changes: mb.changes, n: len(mb.msgs), lists: map[string][]*mailMessage{}}
	}
	l, ok := c.lists[folderID]
	if !ok {
		l = mb.messages(folderID)
		c.lists[folderID] = l
	}
	return l
}

// remove deletes a message, leaving a tombstone for delta.
func (st *mailStore) remove(mb *mailbox, m *mailMessage) {
	delete(mb.msgs, m.ID)
	mb.changes++
	st.changed(msgKey(mb.owner.ID, m.ID))
	st.feed.Removed(st.ctx, feedScope(mb, m.FolderID), m.ID, map[string]string{immutableIDField: m.ImmutableID})
}

// insert stores a new message with a fresh id (label distinguishes the
// operation that made it) in folder.
func (st *mailStore) insert(mb *mailbox, m *mailMessage, folderID, label string, now time.Time) {
	st.touch(mb, m, now)
	m.ID = ids.Stable(mb.owner.ID, label, st.feed.Epoch(), strconv.FormatInt(m.Seq, 10))
	if m.ImmutableID == "" {
		m.ImmutableID = immutableID(m.ID)
	}
	m.FolderID = folderID
	mb.msgs[m.ID] = m
	st.changed(msgKey(mb.owner.ID, m.ID))
	st.feed.Notify(feedScope(mb, folderID), m.ID, graphkit.Created, m.Seq)
}

// immutableIDPrefix starts immutable ids, as Exchange's "AAkALg..." do.
const immutableIDPrefix = "AAkALg"

// immutableID derives the immutable id a message gets when it is created.
func immutableID(id string) string {
	return ids.StableAs(immutableIDPrefix, "immutable", id)
}

// message finds a message by its id or its immutable id.
func (mb *mailbox) message(id string) *mailMessage {
	if m := mb.msgs[id]; m != nil {
		return m
	}
	if strings.HasPrefix(id, immutableIDPrefix) {
		for _, m := range mb.msgs {
			if m.ImmutableID == id {
				return m
			}
		}
	}
	return nil
}

// move moves m to folder: Exchange gives the moved item a new id.
func (st *mailStore) move(mb *mailbox, m *mailMessage, folderID string, now time.Time) {
	st.remove(mb, m)
	st.insert(mb, m, folderID, "moved", now)
}

// clone returns a deep copy of m without its id.
func (m *mailMessage) clone() *mailMessage {
	c := *m
	c.ID, c.ImmutableID = "", ""
	c.Categories = append([]string(nil), m.Categories...)
	c.To = append([]outlook.Recipient(nil), m.To...)
	c.Cc = append([]outlook.Recipient(nil), m.Cc...)
	c.Bcc = append([]outlook.Recipient(nil), m.Bcc...)
	c.ReplyTo = append([]outlook.Recipient(nil), m.ReplyTo...)
	c.setExt(append([]singleExt(nil), m.singleExt()...), append([]multiExt(nil), m.multiExt()...))
	c.Attachments = nil
	for _, a := range m.Attachments {
		ac := *a
		c.Attachments = append(c.Attachments, &ac)
	}
	return &c
}

func (f *mailFolder) toJSON(mb *mailbox) mailFolderJSON {
	j := mailFolderJSON{ETag: graphkit.OutlookETag(f.changeKey()), ID: f.ID, DisplayName: f.DisplayName, ParentFolderID: f.ParentID, IsHidden: f.Hidden}
	for _, c := range mb.folders {
		if c.ParentID == f.ID {
			j.ChildFolderCount++
		}
	}
	for _, m := range mb.msgs {
		if m.FolderID == f.ID {
			j.TotalItemCount++
			if !m.IsRead {
				j.UnreadItemCount++
			}
		}
	}
	return j
}

// changeKey is f's change key; a seeded folder has that of change 0.
func (f *mailFolder) changeKey() string {
	if f.ChangeKey == "" {
		return changeKey(0)
	}
	return f.ChangeKey
}

type mailFolderJSON struct {
	ETag             string `json:"@odata.etag"`
	ID               string `json:"id"`
	DisplayName      string `json:"displayName"`
	ParentFolderID   string `json:"parentFolderId"`
	ChildFolderCount int    `json:"childFolderCount"`
	UnreadItemCount  int    `json:"unreadItemCount"`
	TotalItemCount   int    `json:"totalItemCount"`
	IsHidden         bool   `json:"isHidden"`
}
