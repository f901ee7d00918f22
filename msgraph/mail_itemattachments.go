package msgraph

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
)

// Item attachments: a message or an event attached to a message.

// ItemAttachmentType is the @odata.type of item attachments.
const ItemAttachmentType = "#microsoft.graph.itemAttachment"

// AddItemAttachment attaches item, a *Message or an *Event, to a message
// (typically a draft) under name ("" takes the item's subject) and returns
// the attachment.
//
// Graph docs: https://learn.microsoft.com/graph/api/message-post-attachments (example: add an item attachment)
//
//meta:operation POST /users/{id}/messages/{id}/attachments
func (s *MailService) AddItemAttachment(ctx context.Context, user, msgID, name string, item any) (*Attachment, *Response, error) {
	var typ string
	switch item.(type) {
	case *Message:
		typ = "#microsoft.graph.message"
	case *Event:
		typ = "#microsoft.graph.event"
	default:
		return nil, nil, fmt.Errorf("msgraph: an item attachment is a *Message or an *Event, not %T", item)
	}
	data, err := json.Marshal(item)
	if err != nil {
		return nil, nil, fmt.Errorf("msgraph: encoding the attached item: %w", err)
	}
	obj := map[string]json.RawMessage{}
	if err := json.Unmarshal(data, &obj); err != nil {
		return nil, nil, fmt.Errorf("msgraph: encoding the attached item: %w", err)
	}
	obj["@odata.type"], _ = json.Marshal(typ)
	body := map[string]any{"@odata.type": ItemAttachmentType, "item": obj}
	if name != "" {
		body["name"] = name
	}
	return doJSON[Attachment](ctx, s.client, http.MethodPost, attachmentsPath(user, msgID), body, nil)
}

// GetItemAttachment returns an item attachment with its item
// ($expand=microsoft.graph.itemattachment/item): decode Attachment.Item
// into a [Message] or an [Event] by its "@odata.type".
//
// Graph docs: https://learn.microsoft.com/graph/api/attachment-get (example: expand the item)
//
//meta:operation GET /users/{id}/messages/{id}/attachments/{id}
func (s *MailService) GetItemAttachment(ctx context.Context, user, msgID, id string) (*Attachment, *Response, error) {
	return getOne[Attachment](ctx, s.client, attachmentPath(user, msgID, id)+"?$expand=microsoft.graph.itemattachment/item")
}
