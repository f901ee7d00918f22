package schema

import "github.com/authsome-go/authsome/sandbox/internal/graphkit"

// This file keeps, by hand, what the CSDL does not say about the types the
// sandbox serves: which properties a client cannot set (Graph's v1.0
// resource pages mark them "Read-only"; the CSDL carries Core.V1.Computed
// for none of Outlook's types), which it can set only on create, which a
// create must give, and how Graph answers a read-only property in a body.
//
// Sources, all https://learn.microsoft.com/graph/api/resources/<type>:
// outlookitem, message, eventmessage, mailfolder, attachment, event,
// calendar, contact, contactfolder, outlookcategory, todotasklist, todotask,
// checklistitem, linkedresource, plannerplan, plannerbucket, plannertask,
// plannerplandetails, plannertaskdetails. message's
// internetMessageHeaders: "Add custom headers only when creating a
// message" (message resource page); mailFolder's isHidden "can be set only
// once, when the folder is created" (mailFolder resource page).

// readOnly lists, per type, the properties a client cannot set. A type
// inherits its base types' entries (message gets outlookItem's).
var readOnly = map[string][]string{
	"microsoft.graph.outlookItem": {"id", "createdDateTime", "lastModifiedDateTime", "changeKey"},
	"microsoft.graph.message": {"receivedDateTime", "sentDateTime", "hasAttachments", "bodyPreview", "parentFolderId",
		"conversationId", "conversationIndex", "isDraft", "webLink", "uniqueBody"},
	"microsoft.graph.eventMessage": {"meetingMessageType"},
	"microsoft.graph.mailFolder":   {"id", "childFolderCount", "parentFolderId", "totalItemCount", "unreadItemCount"},
	"microsoft.graph.attachment":   {"id", "size", "lastModifiedDateTime"},
	"microsoft.graph.event": {"iCalUId", "seriesMasterId", "type", "isOrganizer", "webLink", "responseStatus", "bodyPreview",
		"hasAttachments", "isCancelled", "onlineMeeting", "onlineMeetingUrl", "cancelledOccurrences"},
	"microsoft.graph.calendar": {"id", "changeKey", "canEdit", "canShare", "canViewPrivateItems", "isDefaultCalendar",
		"isRemovable", "isTallyingResponses", "owner", "hexColor"},
	"microsoft.graph.contact":         {"parentFolderId"},
	"microsoft.graph.contactFolder":   {"id", "parentFolderId"},
	"microsoft.graph.outlookCategory": {"id"},
	"microsoft.graph.todoTaskList":    {"id", "isOwner", "isShared", "wellknownListName"},
	"microsoft.graph.todoTask":        {"id", "createdDateTime", "lastModifiedDateTime", "bodyLastModifiedDateTime", "hasAttachments"},
	"microsoft.graph.checklistItem":   {"id", "createdDateTime"},
	"microsoft.graph.linkedResource":  {"id"},
	"microsoft.graph.subscription":    {"id", "applicationId", "creatorId", "latestSupportedTlsVersion"},
	"microsoft.graph.plannerPlan":     {"id", "createdBy", "createdDateTime"},
	"microsoft.graph.plannerBucket":   {"id"},
	"microsoft.graph.plannerTask": {"id", "createdBy", "createdDateTime", "completedBy", "hasDescription", "referenceCount",
		"checklistItemCount", "activeChecklistItemCount"},
	"microsoft.graph.plannerPlanDetails": {"id"},
	"microsoft.graph.plannerTaskDetails": {"id"},
}

// createOnly lists the properties that can be given on create only.
var createOnly = map[string][]string{
	"microsoft.graph.message":    {"internetMessageHeaders"},
	"microsoft.graph.mailFolder": {"isHidden"},
}

// Required is a property a create must give, with the error Graph answers
// when it is missing.
type Required struct {
	Name string
	Err  *graphkit.Error
}

// required lists, per type, the properties a create must give.
var required = map[string][]Required{
	"microsoft.graph.mailFolder":     {{"displayName", graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must be set.")}},
	"microsoft.graph.fileAttachment": {{"name", graphkit.Err(400, "ErrorInvalidAttachment", "The attachment name must be set.")}},
}

// Policy is what Graph does with a read-only property in a request body.
type Policy uint8

// The policies.
const (
	Ignore Policy = iota // drop it and go on
	Reject               // fail the request with ErrReadOnly
)

// ErrReadOnly is Exchange's answer to an update that sets a read-only
// property of a message or mail folder: clients that send back a message
// they fetched get 400 "Set action is invalid for property."
// (microsoftgraph/msgraph-sdk-dotnet#2408,
// microsoftgraph/microsoft-graph-docs#6439), whose code is Exchange's
// ErrorInvalidPropertySet (EWS's ServiceError list gives that code this
// message, and Graph reports it as such). A create ignores read-only
// properties, as the sandbox always did.
var ErrReadOnly = graphkit.Err(400, "ErrorInvalidPropertySet", "Set action is invalid for property.")

// policies gives, per type (inherited by derived types), what an update and
// a create do with a read-only property; types not listed ignore them. An
// event is lenient: Microsoft's Java SDK sent back whole fetched events
// (originalStartTimeZone, iCalUId, …) and its PATCH failed only on the
// SDK's own graphResponseHeaders member (microsoftgraph/msgraph-sdk-java#391),
// and python-o365 sends read-only members with every event.
var policies = map[string]struct{ Create, Update Policy }{
	"microsoft.graph.message":    {Ignore, Reject},
	"microsoft.graph.mailFolder": {Ignore, Reject},
}

// ReadOnly reports whether t's property name cannot be set by a client:
// Computed in the CSDL or listed in readOnly for t or a base type.
func (t *Type) ReadOnly(name string) bool {
	if p := t.Property(name); p != nil && p.Computed {
		return true
	}
	return t.listed(readOnly, name)
}

// CreateOnly reports whether t's property name can be given on create but
// not changed: Immutable in the CSDL or listed in createOnly.
func (t *Type) CreateOnly(name string) bool {
	if p := t.Property(name); p != nil && p.Immutable {
		return true
	}
	return t.listed(createOnly, name)
}

// Required returns the properties a create of t must give.
func (t *Type) Required() []Required {
	var out []Required
	for b := t; b != nil; b = b.BaseType() {
		out = append(out, required[b.Name]...)
	}
	return out
}

func (t *Type) listed(m map[string][]string, name string) bool {
	for b := t; b != nil; b = b.BaseType() {
		for _, n := range m[b.Name] {
			if n == name {
				return true
			}
		}
	}
	return false
}

// policy returns what op does with a read-only property of t.
func (t *Type) policy(op Op) Policy {
	for b := t; b != nil; b = b.BaseType() {
		if p, ok := policies[b.Name]; ok {
			if op == Create {
				return p.Create
			}
			return p.Update
		}
	}
	return Ignore
}
