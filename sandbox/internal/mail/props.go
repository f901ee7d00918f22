package mail

import (
	"encoding/json"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"strings"
	"time"
)

// readOnlyMessageProps are message properties a client cannot set.
var readOnlyMessageProps = map[string]bool{
	"id": true, "createdDateTime": true, "lastModifiedDateTime": true, "changeKey": true, "receivedDateTime": true,
	"sentDateTime": true, "hasAttachments": true, "bodyPreview": true, "parentFolderId": true, "conversationId": true,
	"conversationIndex": true, "isDraft": true, "webLink": true, "uniqueBody": true,
}

// applyMessage sets the properties in body on m. On create (patch false)
// read-only properties are ignored, as Exchange does, and attachments may be
// given; on update they are an error.
func applyMessage(m *mailMessage, body map[string]json.RawMessage, patch bool, now time.Time) *graphkit.Error {
	for k, raw := range body {
		if strings.HasPrefix(k, "@") || strings.Contains(k, "@odata.") {
			continue // annotations such as @odata.type or @odata.etag
		}
		null := string(raw) == "null"
		switch k {
		case "subject":
			if !null && json.Unmarshal(raw, &m.Subject) != nil {
				return graphkit.PropTypeError(k, "Edm.String")
			}
			if null {
				m.Subject = ""
			}
		case "body":
			var b struct {
				ContentType *string `json:"contentType"`
				Content     *string `json:"content"`
			}
			if !null && json.Unmarshal(raw, &b) != nil {
				return graphkit.PropTypeError(k, "microsoft.graph.itemBody")
			}
			nb := outlook.ItemBody{ContentType: "text"}
			if b.ContentType != nil {
				ct, ok := graphkit.EnumValue(*b.ContentType, graphkit.BodyTypes)
				if !ok {
					return graphkit.EnumError(*b.ContentType)
				}
				nb.ContentType = ct
			}
			if b.Content != nil {
				nb.Content = *b.Content
			}
			m.Body, m.UniqueBody = nb, nil
		case "toRecipients", "ccRecipients", "bccRecipients", "replyTo":
			var rs []outlook.Recipient
			if !null && json.Unmarshal(raw, &rs) != nil {
				return graphkit.PropTypeError(k, "Collection(microsoft.graph.recipient)")
			}
			for _, rc := range rs {
				if strings.TrimSpace(rc.EmailAddress.Address) == "" {
					return graphkit.Err(400, "ErrorInvalidRecipients", "At least one recipient isn't valid., Recipient is missing an email address.")
				}
			}
			switch k {
			case "toRecipients":
				m.To = rs
			case "ccRecipients":
				m.Cc = rs
			case "bccRecipients":
				m.Bcc = rs
			default:
				m.ReplyTo = rs
			}
		case "from", "sender":
			var rc *outlook.Recipient
			if !null && json.Unmarshal(raw, &rc) != nil {
				return graphkit.PropTypeError(k, "microsoft.graph.recipient")
			}
			if k == "from" {
				m.From = rc
			} else {
				m.Sender = rc
			}
		case "categories":
			var cs []string
			if !null && json.Unmarshal(raw, &cs) != nil {
				return graphkit.PropTypeError(k, "Collection(Edm.String)")
			}
			if cs == nil {
				cs = []string{}
			}
			m.Categories = cs
		case "importance", "inferenceClassification":
			var v string
			if json.Unmarshal(raw, &v) != nil {
				return graphkit.PropTypeError(k, "Edm.String")
			}
			allowed := outlook.Importance
			if k == "inferenceClassification" {
				allowed = []string{"focused", "other"}
			}
			c, ok := graphkit.EnumValue(v, allowed)
			if !ok {
				return graphkit.EnumError(v)
			}
			v = c
			if k == "importance" {
				m.Importance = v
			} else {
				m.Inference = v
			}
		case "isRead", "isDeliveryReceiptRequested", "isReadReceiptRequested":
			var v bool
			if json.Unmarshal(raw, &v) != nil || null {
				return graphkit.PropTypeError(k, "Edm.Boolean")
			}
			switch k {
			case "isRead":
				m.IsRead = v
			case "isDeliveryReceiptRequested":
				m.DeliveryReceipt = v
			default:
				m.ReadReceipt = v
			}
		case "flag":
			var f followupFlag
			if !null && json.Unmarshal(raw, &f) != nil {
				return graphkit.PropTypeError(k, "microsoft.graph.followupFlag")
			}
			if f.FlagStatus != "" {
				fs, ok := graphkit.EnumValue(f.FlagStatus, []string{"notFlagged", "complete", "flagged"})
				if !ok {
					return graphkit.EnumError(f.FlagStatus)
				}
				f.FlagStatus = fs
			}
			switch f.FlagStatus {
			case "", "notFlagged":
				f = followupFlag{FlagStatus: "notFlagged"}
			case "flagged":
				f.FlagStatus = "flagged"
				f.CompletedDateTime = nil
			case "complete":
				f.FlagStatus = "complete"
				if f.CompletedDateTime == nil {
					f.CompletedDateTime = &outlook.DateTimeTimeZone{DateTime: now.Format("2006-01-02T15:04:05.0000000"), TimeZone: "UTC"}
				}
			}
			m.Flag = f
		case "internetMessageId":
			if !null && json.Unmarshal(raw, &m.InternetMessageID) != nil {
				return graphkit.PropTypeError(k, "Edm.String")
			}
		case "internetMessageHeaders":
			var hs []internetHeader
			if !null && json.Unmarshal(raw, &hs) != nil {
				return graphkit.PropTypeError(k, "Collection(microsoft.graph.internetMessageHeader)")
			}
			for _, h := range hs {
				if !strings.HasPrefix(strings.ToLower(h.Name), "x-") {
					return graphkit.Err(400, "InvalidInternetMessageHeader", "The internet message header name '"+h.Name+"' should start with 'x-' or 'X-'.")
				}
			}
			m.InternetHeaders = hs
		case "attachments":
			if patch {
				return graphkit.BadRequest("The property 'attachments' cannot be updated with PATCH; use the attachments collection.")
			}
			var as []map[string]json.RawMessage
			if json.Unmarshal(raw, &as) != nil {
				return graphkit.PropTypeError(k, "Collection(microsoft.graph.attachment)")
			}
			for _, a := range as {
				att, ge := parseAttachment(a, now)
				if ge != nil {
					return ge
				}
				m.Attachments = append(m.Attachments, att)
			}
		default:
			if readOnlyMessageProps[k] {
				if patch {
					return graphkit.BadRequest("The property '" + k + "' is read-only and cannot be set.")
				}
				continue
			}
			return graphkit.UnknownPropError(k, "Message")
		}
	}
	return nil
}
