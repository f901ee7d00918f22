package msgraph

import (
	"encoding/json"
	"net/mail"
	"time"
)

// Message is an Outlook message. Read types hold values, so a property Graph
// did not return (see ListOptions.Select) is simply its zero value. To change
// a message use [MessageUpdate]; to create one, fill the properties to send
// and leave the rest zero.
type Message struct {
	// ODataType is "#microsoft.graph.eventMessage" (or
	// "#microsoft.graph.eventMessageRequest") for a meeting message in a
	// list: read it with [MailService.GetEventMessage].
	ODataType            string    `json:"@odata.type,omitempty"`
	ID                   string    `json:"id,omitempty"`
	ETag                 string    `json:"@odata.etag,omitempty"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	ChangeKey            string    `json:"changeKey,omitempty"`
	Categories           []string  `json:"categories,omitempty"`
	ReceivedDateTime     time.Time `json:"receivedDateTime,omitzero"`
	SentDateTime         time.Time `json:"sentDateTime,omitzero"`
	HasAttachments       bool      `json:"hasAttachments,omitempty"`
	InternetMessageID    string    `json:"internetMessageId,omitempty"`
	Subject              string    `json:"subject,omitempty"`
	BodyPreview          string    `json:"bodyPreview,omitempty"`
	// Importance is "low", "normal" or "high".
	Importance                 string `json:"importance,omitempty"`
	ParentFolderID             string `json:"parentFolderId,omitempty"`
	ConversationID             string `json:"conversationId,omitempty"`
	IsDeliveryReceiptRequested bool   `json:"isDeliveryReceiptRequested,omitempty"`
	IsReadReceiptRequested     bool   `json:"isReadReceiptRequested,omitempty"`
	IsRead                     bool   `json:"isRead,omitempty"`
	IsDraft                    bool   `json:"isDraft,omitempty"`
	WebLink                    string `json:"webLink,omitempty"`
	// InferenceClassification is "focused" or "other".
	InferenceClassification string                  `json:"inferenceClassification,omitempty"`
	Body                    ItemBody                `json:"body,omitzero"`
	UniqueBody              ItemBody                `json:"uniqueBody,omitzero"`
	Sender                  Recipient               `json:"sender,omitzero"`
	From                    Recipient               `json:"from,omitzero"`
	ToRecipients            []Recipient             `json:"toRecipients,omitempty"`
	CcRecipients            []Recipient             `json:"ccRecipients,omitempty"`
	BccRecipients           []Recipient             `json:"bccRecipients,omitempty"`
	ReplyTo                 []Recipient             `json:"replyTo,omitempty"`
	Flag                    FollowupFlag            `json:"flag,omitzero"`
	InternetMessageHeaders  []InternetMessageHeader `json:"internetMessageHeaders,omitempty"`
	// Attachments are filled when asked for with Expand: {"attachments"},
	// or given when creating a message.
	Attachments []*Attachment `json:"attachments,omitempty"`
	// SingleValueExtendedProperties and MultiValueExtendedProperties are
	// MAPI properties: given when creating a message, read back only when
	// expanded with a $filter on their id (see [ExpandExtended]).
	SingleValueExtendedProperties []SingleValueExtendedProperty `json:"singleValueExtendedProperties,omitempty"`
	MultiValueExtendedProperties  []MultiValueExtendedProperty  `json:"multiValueExtendedProperties,omitempty"`

	// Removed is set on a delta result for a message that was deleted or
	// moved out of the folder; only ID is set then.
	Removed *Removed `json:"@removed,omitempty"`
}

// MessageUpdate is the body of a message PATCH: nil fields are left as they
// are. A non-nil empty slice clears the property (Categories: []string{}).
type MessageUpdate struct {
	Subject                    *string       `json:"subject,omitempty"`
	Body                       *ItemBody     `json:"body,omitempty"`
	IsRead                     *bool         `json:"isRead,omitempty"`
	Importance                 *string       `json:"importance,omitempty"`
	InferenceClassification    *string       `json:"inferenceClassification,omitempty"`
	IsDeliveryReceiptRequested *bool         `json:"isDeliveryReceiptRequested,omitempty"`
	IsReadReceiptRequested     *bool         `json:"isReadReceiptRequested,omitempty"`
	Flag                       *FollowupFlag `json:"flag,omitempty"`
	Categories                 []string      `json:"categories,omitzero"`
	From                       *Recipient    `json:"from,omitempty"`
	ToRecipients               []Recipient   `json:"toRecipients,omitzero"`
	CcRecipients               []Recipient   `json:"ccRecipients,omitzero"`
	BccRecipients              []Recipient   `json:"bccRecipients,omitzero"`
	ReplyTo                    []Recipient   `json:"replyTo,omitzero"`
}

// ItemBody is the body of a message or event.
type ItemBody struct {
	// ContentType is "text" or "html".
	ContentType string `json:"contentType,omitempty"`
	Content     string `json:"content"`
}

// TextBody returns a plain-text body.
func TextBody(s string) ItemBody { return ItemBody{ContentType: "text", Content: s} }

// HTMLBody returns an HTML body.
func HTMLBody(s string) ItemBody { return ItemBody{ContentType: "html", Content: s} }

// Recipient is a sender or recipient of a message.
type Recipient struct {
	EmailAddress EmailAddress `json:"emailAddress"`
}

// EmailAddress is a name and an SMTP address.
type EmailAddress struct {
	Name    string `json:"name,omitempty"`
	Address string `json:"address,omitempty"`
}

// String formats the address as in a mail header: "Adele Vance <adele@contoso.com>".
func (a EmailAddress) String() string {
	if a.Name == "" {
		return a.Address
	}
	return (&mail.Address{Name: a.Name, Address: a.Address}).String()
}

// Recipients parses addresses ("adele@contoso.com", "Adele Vance
// <adele@contoso.com>") into recipients; it fails on the first one that is
// not an address.
func Recipients(addrs ...string) ([]Recipient, error) {
	out := make([]Recipient, 0, len(addrs))
	for _, s := range addrs {
		a, err := mail.ParseAddress(s)
		if err != nil {
			return nil, &AddressError{Address: s, Err: err}
		}
		out = append(out, Recipient{EmailAddress{Name: a.Name, Address: a.Address}})
	}
	return out, nil
}

// AddressError reports an address that [Recipients] could not parse.
type AddressError struct {
	Address string
	Err     error
}

func (e *AddressError) Error() string { return "msgraph: address " + e.Address + ": " + e.Err.Error() }
func (e *AddressError) Unwrap() error { return e.Err }

// FollowupFlag is a message's follow-up flag.
type FollowupFlag struct {
	// FlagStatus is "notFlagged", "flagged" or "complete".
	FlagStatus        string           `json:"flagStatus,omitempty"`
	StartDateTime     DateTimeTimeZone `json:"startDateTime,omitzero"`
	DueDateTime       DateTimeTimeZone `json:"dueDateTime,omitzero"`
	CompletedDateTime DateTimeTimeZone `json:"completedDateTime,omitzero"`
}

// DateTimeTimeZone is a local date and time with its time zone, as Outlook
// keeps them: DateTime has no offset ("2025-03-03T16:00:00.0000000") and
// TimeZone names the zone ("UTC", "Pacific Standard Time", or an IANA name).
type DateTimeTimeZone struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone,omitempty"`
}

// InternetMessageHeader is one header of a message.
type InternetMessageHeader struct {
	Name  string `json:"name"`
	Value string `json:"value"`
}

// Removed marks a delta result for an item that is gone.
type Removed struct {
	// Reason is "deleted" or "changed" (moved out of scope).
	Reason string `json:"reason"`
}

// MailFolder is a mail folder.
type MailFolder struct {
	ID               string `json:"id,omitempty"`
	DisplayName      string `json:"displayName,omitempty"`
	ParentFolderID   string `json:"parentFolderId,omitempty"`
	ChildFolderCount int    `json:"childFolderCount,omitempty"`
	UnreadItemCount  int    `json:"unreadItemCount,omitempty"`
	TotalItemCount   int    `json:"totalItemCount,omitempty"`
	IsHidden         bool   `json:"isHidden,omitempty"`
}

// Well-known mail folder names, usable wherever a folder id is.
const (
	FolderInbox        = "inbox"
	FolderDrafts       = "drafts"
	FolderSentItems    = "sentitems"
	FolderDeletedItems = "deleteditems"
	FolderArchive      = "archive"
	FolderJunkEmail    = "junkemail"
	FolderOutbox       = "outbox"
)

// Attachment is a file attached to a message or event. ContentBytes is
// returned by Get (not by List) and sent when adding one.
type Attachment struct {
	// ODataType is "#microsoft.graph.fileAttachment" for files, or
	// "#microsoft.graph.itemAttachment" / "#microsoft.graph.referenceAttachment".
	ODataType            string    `json:"@odata.type,omitempty"`
	ID                   string    `json:"id,omitempty"`
	Name                 string    `json:"name,omitempty"`
	ContentType          string    `json:"contentType,omitempty"`
	Size                 int       `json:"size,omitempty"`
	IsInline             bool      `json:"isInline,omitempty"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	ContentID            string    `json:"contentId,omitempty"`
	ContentBytes         []byte    `json:"contentBytes,omitempty"`
	// Item is an item attachment's message or event (its JSON, with its
	// "@odata.type"), when read with [MailService.GetItemAttachment].
	Item json.RawMessage `json:"item,omitempty"`
}

// FileAttachmentType is the @odata.type of file attachments.
const FileAttachmentType = "#microsoft.graph.fileAttachment"

// Ptr returns a pointer to v, for the pointer fields of update types.
func Ptr[T any](v T) *T { return &v }
