package outlook

import (
	"encoding/base64"
	"encoding/json"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// File attachments, of messages and of events: the stored model, its JSON
// and the reading of a POSTed fileAttachment (up to MaxDirectAttachment;
// larger files go through an upload session, upload.go).

// FileAttachment is a file attached to a message or an event, or an item
// (a message or an event, ItemType its @odata.type, Item its JSON as given).
type FileAttachment struct {
	ID, Name, ContentType, ContentID, ContentLocation string
	IsInline                                          bool
	Modified                                          time.Time
	Bytes                                             []byte
	ItemType                                          string          `json:",omitempty"`
	Item                                              json.RawMessage `json:",omitempty"`
}

// ItemAttachmentJSON is an itemAttachment in Graph's shape and order; Item
// is set by $expand=microsoft.graph.itemAttachment/item.
type ItemAttachmentJSON struct {
	Type                 string         `json:"@odata.type"`
	ID                   string         `json:"id"`
	LastModifiedDateTime string         `json:"lastModifiedDateTime"`
	Name                 string         `json:"name"`
	ContentType          *string        `json:"contentType"`
	Size                 int            `json:"size"`
	IsInline             bool           `json:"isInline"`
	Item                 map[string]any `json:"item,omitempty"`
}

// ItemExpand is the $expand member of an itemAttachment's item.
const ItemExpand = "microsoft.graph.itemAttachment/item"

// ItemJSON is an item attachment's item: its JSON with its type and an id.
func (a *FileAttachment) ItemJSON() map[string]any {
	out := map[string]any{}
	_ = json.Unmarshal(a.Item, &out)
	out["@odata.type"] = a.ItemType
	out["id"] = a.ID + "-item"
	return out
}

// AttachmentJSON is a fileAttachment in Graph's shape and order.
type AttachmentJSON struct {
	Type                 string  `json:"@odata.type"`
	MediaContentType     string  `json:"@odata.mediaContentType"`
	ID                   string  `json:"id"`
	LastModifiedDateTime string  `json:"lastModifiedDateTime"`
	Name                 string  `json:"name"`
	ContentType          string  `json:"contentType"`
	Size                 int     `json:"size"`
	IsInline             bool    `json:"isInline"`
	ContentID            *string `json:"contentId"`
	ContentLocation      *string `json:"contentLocation"`
	ContentBytes         string  `json:"contentBytes,omitempty"`
}

// AttachmentType is microsoft.graph.attachment for the OData engine.
var AttachmentType = &odata.Type{
	Name: "microsoft.graph.attachment",
	Keep: []string{"@odata.type", "@odata.mediaContentType", "id"},
	Props: []string{"@odata.type", "@odata.mediaContentType", "id", "lastModifiedDateTime", "name", "contentType",
		"size", "isInline", "contentId", "contentLocation", "contentBytes"},
	Expandable: []string{ItemExpand, "microsoft.graph.itemattachment/item"},
}

// ExpandItem sets the item of an item attachment on out, its projection,
// when q's $expand asks for it.
func ExpandItem(out odata.Object, a *FileAttachment, q *odata.Query) odata.Object {
	if q == nil || a.ItemType == "" {
		return out
	}
	for _, x := range q.Expand {
		if strings.EqualFold(x, ItemExpand) {
			out.Vals["item"] = a.ItemJSON()
			out.Keys = append(out.Keys, "item")
			break
		}
	}
	return out
}

func optString(s string) *string {
	if s == "" {
		return nil
	}
	return &s
}

// JSON is a in Graph's shape: a file's bytes as contentBytes when
// withBytes; an item attachment without its item (see ItemJSON).
func (a *FileAttachment) JSON(withBytes bool) any {
	if a.ItemType != "" {
		return ItemAttachmentJSON{Type: "#microsoft.graph.itemAttachment", ID: a.ID, Name: a.Name, Size: len(a.Item) + len(a.Name),
			LastModifiedDateTime: a.Modified.UTC().Format("2006-01-02T15:04:05Z"), IsInline: a.IsInline}
	}
	j := AttachmentJSON{
		Type: "#microsoft.graph.fileAttachment", MediaContentType: a.ContentType, ID: a.ID,
		LastModifiedDateTime: a.Modified.UTC().Format("2006-01-02T15:04:05Z"), Name: a.Name, ContentType: a.ContentType,
		Size: len(a.Bytes), IsInline: a.IsInline, ContentID: optString(a.ContentID), ContentLocation: optString(a.ContentLocation),
	}
	if withBytes {
		j.ContentBytes = base64.StdEncoding.EncodeToString(a.Bytes)
	}
	return j
}

// AttachmentKind reads a POSTed attachment's @odata.type after checking
// the body against Graph's schema (an unknown type or property is OData's
// error); clean is the checked body.
func AttachmentKind(body map[string]json.RawMessage) (typ string, clean map[string]json.RawMessage, ge *graphkit.Error) {
	if _, ok := body["@odata.type"]; !ok {
		return "", nil, graphkit.BadRequest("The attachment must state its type in '@odata.type', e.g. '#microsoft.graph.fileAttachment'.")
	}
	clean, ge = schema.Check("attachment", body, schema.Create)
	if ge != nil {
		return "", nil, ge
	}
	_ = json.Unmarshal(clean["@odata.type"], &typ)
	return typ, clean, nil
}

// ParseFileAttachment reads a fileAttachment from a body AttachmentKind
// checked.
func ParseFileAttachment(clean map[string]json.RawMessage, now time.Time) (*FileAttachment, *graphkit.Error) {
	a := &FileAttachment{Modified: now}
	var b64 string
	for k, p := range map[string]*string{"name": &a.Name, "contentType": &a.ContentType, "contentId": &a.ContentID,
		"contentLocation": &a.ContentLocation, "contentBytes": &b64} {
		_ = json.Unmarshal(clean[k], p)
	}
	_ = json.Unmarshal(clean["isInline"], &a.IsInline)
	data, err := base64.StdEncoding.DecodeString(b64)
	if err != nil {
		return nil, graphkit.BadRequest("The value of 'contentBytes' is not valid base64.")
	}
	if a.Name == "" {
		return nil, graphkit.Err(400, "ErrorInvalidAttachment", "The attachment name must be set.")
	}
	if len(data) > MaxDirectAttachment {
		return nil, graphkit.Err(413, "ErrorAttachmentSizeLimitExceeded", "The attachment is "+strconv.Itoa(len(data))+
			" bytes; attachments over 3 MB must be uploaded with createUploadSession.")
	}
	if a.ContentType == "" {
		a.ContentType = "application/octet-stream"
	}
	a.Bytes = data
	return a, nil
}

// ParseItemAttachment reads an itemAttachment (a message or an event in
// "item") from a body AttachmentKind checked.
func ParseItemAttachment(clean map[string]json.RawMessage, now time.Time) (*FileAttachment, *graphkit.Error) {
	a := &FileAttachment{Modified: now}
	_ = json.Unmarshal(clean["name"], &a.Name)
	_ = json.Unmarshal(clean["isInline"], &a.IsInline)
	var item map[string]json.RawMessage
	if json.Unmarshal(clean["item"], &item) != nil || item == nil {
		return nil, graphkit.Err(400, "ErrorInvalidAttachment", "An item attachment needs 'item': a message or an event with its '@odata.type'.")
	}
	var typ string
	_ = json.Unmarshal(item["@odata.type"], &typ)
	entity := ""
	switch strings.TrimPrefix(strings.ToLower(typ), "#") {
	case "microsoft.graph.message":
		entity, a.ItemType = "message", "#microsoft.graph.message"
	case "microsoft.graph.event":
		entity, a.ItemType = "event", "#microsoft.graph.event"
	default:
		return nil, graphkit.Err(400, "ErrorInvalidAttachment", "The sandbox attaches items of type '#microsoft.graph.message' or '#microsoft.graph.event'.")
	}
	checked, ge := schema.Check(entity, item, schema.Create)
	if ge != nil {
		return nil, ge
	}
	delete(checked, "@odata.type")
	a.Item, _ = json.Marshal(checked)
	if a.Name == "" {
		var subject string
		_ = json.Unmarshal(checked["subject"], &subject)
		a.Name = subject
	}
	if a.Name == "" {
		return nil, graphkit.Err(400, "ErrorInvalidAttachment", "The attachment name must be set.")
	}
	return a, nil
}

// FromUpload is the attachment a finished upload session makes.
func (a AttachmentUpload) FromUpload(id string, data []byte, now time.Time) *FileAttachment {
	return &FileAttachment{ID: id, Name: a.Name, ContentType: a.ContentType, ContentID: a.ContentID,
		IsInline: a.IsInline, Modified: now, Bytes: data}
}
