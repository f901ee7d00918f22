package mail

import (
	"encoding/json"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// A message body is read with schema.Apply: the schema accepts every
// property of Graph's message, checks types and canonicalises enums, and
// rejects read-only ones on update (400 ErrorInvalidPropertySet); the
// setters below store the values and keep Exchange's own rules.

// msgEdit is what a message setter works on: the message, the operation and
// the request's time.
type msgEdit struct {
	m   *mailMessage
	op  schema.Op
	now time.Time
}

// applyMessage sets the properties in body on m, for a create (patch false)
// or an update.
func applyMessage(m *mailMessage, body map[string]json.RawMessage, patch bool, now time.Time) *graphkit.Error {
	op := schema.Create
	if patch {
		op = schema.Update
	}
	_, ge := schema.Apply("message", &msgEdit{m, op, now}, body, op, messageSetters)
	return ge
}

// messageSetters are the setters of the message properties a client sets.
// A null boolean or enum leaves the value as it is (Exchange has no null for
// them); a null string or recipient clears it; a null collection arrives as [].
var messageSetters = schema.Setters[*msgEdit]{
	"subject":                    text(func(m *mailMessage) *string { return &m.Subject }),
	"internetMessageId":          text(func(m *mailMessage) *string { return &m.InternetMessageID }),
	"isRead":                     boolean(func(m *mailMessage) *bool { return &m.IsRead }),
	"isDeliveryReceiptRequested": boolean(func(m *mailMessage) *bool { return &m.DeliveryReceipt }),
	"isReadReceiptRequested":     boolean(func(m *mailMessage) *bool { return &m.ReadReceipt }),
	"importance":                 enum(func(m *mailMessage) *string { return &m.Importance }),
	"inferenceClassification":    enum(func(m *mailMessage) *string { return &m.Inference }),
	"toRecipients":               recipients(func(m *mailMessage) *[]outlook.Recipient { return &m.To }),
	"ccRecipients":               recipients(func(m *mailMessage) *[]outlook.Recipient { return &m.Cc }),
	"bccRecipients":              recipients(func(m *mailMessage) *[]outlook.Recipient { return &m.Bcc }),
	"replyTo":                    recipients(func(m *mailMessage) *[]outlook.Recipient { return &m.ReplyTo }),
	"from":                       recipient(func(m *mailMessage) **outlook.Recipient { return &m.From }),
	"sender":                     recipient(func(m *mailMessage) **outlook.Recipient { return &m.Sender }),
	"categories": func(e *msgEdit, raw json.RawMessage) *graphkit.Error {
		e.m.Categories = []string{}
		_ = json.Unmarshal(raw, &e.m.Categories)
		return nil
	},
	"body":                          setBody,
	"flag":                          setFlag,
	"internetMessageHeaders":        setHeaders,
	"attachments":                   setAttachments,
	"singleValueExtendedProperties": setSingleExt,
	"multiValueExtendedProperties":  setMultiExt,
	"extensions":                    func(*msgEdit, json.RawMessage) *graphkit.Error { return nil }, // open extensions are not kept
}

// text sets a string property; null clears it.
func text(field func(*mailMessage) *string) schema.Setter[*msgEdit] {
	return func(e *msgEdit, raw json.RawMessage) *graphkit.Error {
		*field(e.m) = ""
		_ = json.Unmarshal(raw, field(e.m))
		return nil
	}
}

// enum sets an enum property to the member schema.Apply canonicalised; null
// leaves it.
func enum(field func(*mailMessage) *string) schema.Setter[*msgEdit] {
	return func(e *msgEdit, raw json.RawMessage) *graphkit.Error {
		_ = json.Unmarshal(raw, field(e.m))
		return nil
	}
}

// boolean sets a boolean property; null leaves it.
func boolean(field func(*mailMessage) *bool) schema.Setter[*msgEdit] {
	return func(e *msgEdit, raw json.RawMessage) *graphkit.Error {
		var v *bool
		_ = json.Unmarshal(raw, &v)
		if v != nil {
			*field(e.m) = *v
		}
		return nil
	}
}

// errNoAddress is Exchange's answer to a recipient without an address.
var errNoAddress = graphkit.Err(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., Recipient is missing an email address.")

func recipients(field func(*mailMessage) *[]outlook.Recipient) schema.Setter[*msgEdit] {
	return func(e *msgEdit, raw json.RawMessage) *graphkit.Error {
		var rs []outlook.Recipient
		_ = json.Unmarshal(raw, &rs)
		for _, rc := range rs {
			if strings.TrimSpace(rc.EmailAddress.Address) == "" {
				return errNoAddress
			}
		}
		*field(e.m) = rs
		return nil
	}
}

func recipient(field func(*mailMessage) **outlook.Recipient) schema.Setter[*msgEdit] {
	return func(e *msgEdit, raw json.RawMessage) *graphkit.Error {
		var rc *outlook.Recipient
		_ = json.Unmarshal(raw, &rc)
		*field(e.m) = rc
		return nil
	}
}

// setBody sets the body (contentType "text" unless given); the unique body
// is the body again.
func setBody(e *msgEdit, raw json.RawMessage) *graphkit.Error {
	var b struct {
		ContentType *string `json:"contentType"`
		Content     *string `json:"content"`
	}
	_ = json.Unmarshal(raw, &b)
	nb := outlook.ItemBody{ContentType: "text"}
	if b.ContentType != nil {
		nb.ContentType = *b.ContentType
	}
	if b.Content != nil {
		nb.Content = *b.Content
	}
	e.m.Body, e.m.UniqueBody = nb, nil
	return nil
}

// setFlag sets the follow-up flag: notFlagged (or none) resets it, complete
// is completed now unless a completion time is given, flagged clears it.
func setFlag(e *msgEdit, raw json.RawMessage) *graphkit.Error {
	var f followupFlag
	_ = json.Unmarshal(raw, &f)
	switch f.FlagStatus {
	case "", "notFlagged":
		f = followupFlag{FlagStatus: "notFlagged"}
	case "flagged":
		f.CompletedDateTime = nil
	case "complete":
		if f.CompletedDateTime == nil {
			f.CompletedDateTime = &outlook.DateTimeTimeZone{DateTime: e.now.Format(outlook.LocalTime), TimeZone: "UTC"}
		}
	}
	e.m.Flag = f
	return nil
}

// setHeaders sets the custom internet headers (create only: the schema
// refuses them on update); their names must start with x-.
func setHeaders(e *msgEdit, raw json.RawMessage) *graphkit.Error {
	var hs []internetHeader
	_ = json.Unmarshal(raw, &hs)
	for _, h := range hs {
		if !strings.HasPrefix(strings.ToLower(h.Name), "x-") {
			return graphkit.Err(400, "InvalidInternetMessageHeader", "The internet message header name '"+h.Name+"' should start with 'x-' or 'X-'.")
		}
	}
	e.m.InternetHeaders = hs
	return nil
}

// setAttachments adds the attachments of a create; an update changes them
// through the attachments collection.
func setAttachments(e *msgEdit, raw json.RawMessage) *graphkit.Error {
	if e.op == schema.Update {
		return graphkit.BadRequest("The property 'attachments' cannot be updated with PATCH; use the attachments collection.")
	}
	var as []map[string]json.RawMessage
	_ = json.Unmarshal(raw, &as)
	for _, a := range as {
		att, ge := parseAttachment(a, e.now)
		if ge != nil {
			return ge
		}
		e.m.Attachments = append(e.m.Attachments, att)
	}
	return nil
}
