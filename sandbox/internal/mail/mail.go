package mail

import (
	"bytes"
	"encoding/base64"
	"encoding/json"
	"io"
	"net/http"
	"net/url"
	"slices"
	"strconv"
	"strings"
	"sync"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is Graph mail: the routes for /me/... and /users/{id|upn}/...,
// permission checks, and messages (list, get, create, update, delete, move,
// copy). Folders, sending, attachments, delta and $batch have their own files.

// mailRoutes registers the mail routes for /me and /users/{id}
// (graphkit.Kit.HandleOwned: delegated tokens reach only their own mailbox,
// app-only tokens any, with a permission that grants the request).
func (s *Workload) mailRoutes(m *graphkit.Mux) {
	// Folders; childFolders/{cid} nests one level below any folder.
	for _, f := range []string{"/mailFolders/{fid}", "/mailFolders/{fid}/childFolders/{cid}"} {
		s.HandleOwned(m, "GET", f, s.folderGet)
		s.HandleOwned(m, "PATCH", f, s.folderPatch)
		s.HandleOwned(m, "DELETE", f, s.folderDelete)
		s.HandleOwned(m, "GET", f+"/childFolders", s.folderList)
		s.HandleOwned(m, "POST", f+"/childFolders", s.folderCreate)
		s.HandleOwned(m, "GET", f+"/messages", s.messageList)
		s.HandleOwned(m, "POST", f+"/messages", s.messageCreate)
		s.HandleOwned(m, "GET", f+"/messages/delta", s.messageDelta)
		s.HandleOwned(m, "GET", f+"/messages/$count", s.messageList)
		s.HandleOwned(m, "POST", f+"/move", s.folderMove)
		s.HandleOwned(m, "POST", f+"/copy", s.folderCopy)
	}
	s.HandleOwned(m, "GET", "/mailFolders", s.folderList)
	s.HandleOwned(m, "POST", "/mailFolders", s.folderCreate)
	s.HandleOwned(m, "GET", "/messages", s.messageList)
	s.HandleOwned(m, "GET", "/messages/$count", s.messageList)
	s.HandleOwned(m, "POST", "/messages", s.messageCreate)
	s.HandleOwned(m, "POST", "/sendMail", s.sendMail)
	s.HandleOwned(m, "GET", "/mailboxSettings", s.settingsGet)
	s.HandleOwned(m, "PATCH", "/mailboxSettings", s.settingsPatch)
	for _, name := range []string{"automaticRepliesSetting", "dateFormat", "delegateMeetingMessageDeliveryOptions", "language",
		"timeFormat", "timeZone", "userPurpose", "workingHours"} {
		s.HandleOwned(m, "GET", "/mailboxSettings/"+name, s.settingsProp(name))
	}
	s.HandleOwned(m, "GET", "/outlook/masterCategories", s.categoryList)
	s.HandleOwned(m, "POST", "/outlook/masterCategories", s.categoryCreate)
	s.HandleOwned(m, "GET", "/outlook/masterCategories/{catid}", s.categoryGet)
	s.HandleOwned(m, "PATCH", "/outlook/masterCategories/{catid}", s.categoryPatch)
	s.HandleOwned(m, "DELETE", "/outlook/masterCategories/{catid}", s.categoryDelete)
	// The event of a meeting message (meeting.go).
	s.HandleOwned(m, "GET", "/messages/{mid}/"+eventNav, s.messageEvent)
	// A message by id, also under its folder.
	for _, p := range []string{"/messages/{mid}", "/mailFolders/{fid}/messages/{mid}", "/mailFolders/{fid}/childFolders/{cid}/messages/{mid}"} {
		s.HandleOwned(m, "GET", p, s.messageGet)
		s.HandleOwned(m, "PATCH", p, s.messagePatch)
		s.HandleOwned(m, "DELETE", p, s.messageDelete)
		s.HandleOwned(m, "POST", p+"/move", s.messageMove)
		s.HandleOwned(m, "POST", p+"/copy", s.messageCopy)
		s.HandleOwned(m, "POST", p+"/send", s.messageSend)
		for _, a := range []string{"createReply", "createReplyAll", "createForward"} {
			s.HandleOwned(m, "POST", p+"/"+a, s.messageRespond(a))
		}
		for _, a := range []string{"reply", "replyAll", "forward"} {
			s.HandleOwned(m, "POST", p+"/"+a, s.messageRespond(a))
		}
		s.HandleOwned(m, "GET", p+"/$value", s.messageMIME)
		s.HandleOwned(m, "GET", p+"/attachments", s.attachmentList)
		s.HandleOwned(m, "POST", p+"/attachments", s.attachmentCreate)
		s.HandleOwned(m, "POST", p+"/attachments/createUploadSession", s.attachmentUploadSession)
		s.HandleOwned(m, "GET", p+"/attachments/{aid}", s.attachmentGet)
		s.HandleOwned(m, "DELETE", p+"/attachments/{aid}", s.attachmentDelete)
		s.HandleOwned(m, "GET", p+"/attachments/{aid}/$value", s.attachmentValue)
	}
}

// mailOp runs fn on u's mailbox under the lock (its changes touched on r)
// and writes its answer: v with status (no body when v is nil), or the error.
func (s *Workload) mailOp(w http.ResponseWriter, r *http.Request, u *user, fn func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error)) {
	now := s.Now().UTC()
	st := s.lock(r.Context())
	status, v, ge := fn(st, st.boxes[u.ID], now)
	s.unlock()
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.WriteStatus(w, r, status, v)
}

// messageAt finds the message of the path for a write: a stale If-Match
// gets 412 and changes nothing.
func messageAt(r *http.Request, mb *mailbox) (*mailMessage, *graphkit.Error) {
	m := mb.message(r.PathValue("mid"))
	if m == nil {
		return nil, graphkit.ErrItemNotFound
	}
	if !graphkit.IfMatch(r, graphkit.OutlookETag(m.ChangeKey)) {
		return nil, graphkit.ErrChangeKeyMismatch
	}
	return m, nil
}

// msgView is how a request wants messages rendered, from its Prefer headers.
type msgView struct {
	bodyType  string     // outlook.body-content-type: "", "text" or "html"
	immutable bool       // IdType="ImmutableId": ids that survive moves
	ext       extFilters // the extended properties $expand asks for
}

// mailPrefs reads the mail preferences and sets Preference-Applied.
func mailPrefs(w http.ResponseWriter, r *http.Request) msgView {
	p := graphkit.Prefer(r)
	var v msgView
	var applied []string
	if bt, ok := graphkit.EnumValue(p["outlook.body-content-type"], graphkit.BodyTypes); ok {
		v.bodyType = bt
		applied = append(applied, `outlook.body-content-type="`+bt+`"`)
	}
	if strings.EqualFold(p["idtype"], "ImmutableId") {
		v.immutable = true
		applied = append(applied, `IdType="ImmutableId"`)
	}
	if len(applied) > 0 {
		w.Header().Set("Preference-Applied", strings.Join(applied, ", "))
	}
	return v
}

// messageType is microsoft.graph.message for the OData engine.
var messageType = &odata.Type{
	Name: "microsoft.graph.message",
	Keep: []string{"@odata.type", "@odata.etag", "id"},
	Props: []string{"@odata.etag", "id", "createdDateTime", "lastModifiedDateTime", "changeKey", "categories",
		"receivedDateTime", "sentDateTime", "hasAttachments", "internetMessageId", "subject", "bodyPreview",
		"importance", "parentFolderId", "conversationId", "conversationIndex", "isDeliveryReceiptRequested",
		"isReadReceiptRequested", "isRead", "isDraft", "webLink", "inferenceClassification", "body", "sender",
		"from", "toRecipients", "ccRecipients", "bccRecipients", "replyTo", "flag",
		// an eventMessage's own, present on meeting messages only (meeting.go)
		"meetingMessageType", "startDateTime", "endDateTime", "location", "type", "isOutOfDate", "isAllDay",
		"isDelegated", "responseRequested", "allowNewTimeProposals", "meetingRequestType"},
	Extra:      []string{"uniqueBody", "internetMessageHeaders"},
	Expandable: append([]string{"attachments", eventNav}, extNames...),
	PropTypes:  messagePropTypes(),
}

// messagePropTypes are the types $filter checks literals against.
func messagePropTypes() map[string]string {
	t := map[string]string{"importance": "microsoft.graph.importance", "inferenceClassification": "microsoft.graph.inferenceClassificationType",
		"flag/flagStatus": "microsoft.graph.followupFlagStatus", "body/contentType": "microsoft.graph.bodyType"}
	for _, p := range []string{"createdDateTime", "lastModifiedDateTime", "receivedDateTime", "sentDateTime"} {
		t[p] = "Edm.DateTimeOffset"
	}
	for _, p := range []string{"hasAttachments", "isRead", "isDraft", "isDeliveryReceiptRequested", "isReadReceiptRequested"} {
		t[p] = "Edm.Boolean"
	}
	for _, p := range []string{"id", "changeKey", "subject", "bodyPreview", "parentFolderId", "conversationId", "internetMessageId", "webLink", "body/content"} {
		t[p] = "Edm.String"
	}
	for _, r := range []string{"from", "sender"} {
		t[r+"/emailAddress/address"], t[r+"/emailAddress/name"] = "Edm.String", "Edm.String"
	}
	return t
}

var messageLimits = odata.Limits{DefaultTop: 10, MaxTop: 1000, Searchable: true, SearchExclusive: true, OrderByInFilter: true}

// selectSuffix is the "(a,b)" Graph adds to @odata.context for $select.
func selectSuffix(q *odata.Query) string {
	if len(q.Select) == 0 {
		return ""
	}
	return "(" + strings.Join(q.Select, ",") + ")"
}

// userCtx is the @odata.context prefix of a user's resources.
func userCtx(u *user) string { return "#users('" + u.ID + "')" }

// resolveFolder finds the folder of the path ({fid}, or {cid} under {fid}).
func resolveFolder(mb *mailbox, r *http.Request) (*mailFolder, *graphkit.Error) {
	f := mb.folder(r.PathValue("fid"))
	if f == nil {
		return nil, graphkit.ErrItemNotFound
	}
	if cid := r.PathValue("cid"); cid != "" {
		c := mb.folder(cid)
		if c == nil || c.ParentID != f.ID {
			return nil, graphkit.ErrItemNotFound
		}
		f = c
	}
	return f, nil
}

func (s *Workload) messageList(w http.ResponseWriter, r *http.Request, u *user) {
	vals, ext, ge := expandExt(r.URL.Query())
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	q, err := odata.Parse(vals, messageType, messageLimits)
	if err != nil {
		s.Fail(w, r, graphkit.QueryError(err))
		return
	}
	view := mailPrefs(w, r)
	view.ext = ext
	expand := len(q.Expand) > 0
	var views []messageJSON
	var search []odata.SearchFields
	ctx := userCtx(u)
	s.lock(r.Context())
	mb := s.mail.boxes[u.ID]
	folderID := ""
	if r.PathValue("fid") != "" {
		f, ge := resolveFolder(mb, r)
		if ge != nil {
			s.unlock()
			s.Fail(w, r, ge)
			return
		}
		folderID = f.ID
		ctx += "/mailFolders('" + f.ID + "')"
	}
	msgs := s.mail.inOrder(mb, folderID)
	if inDefaultOrder(q) {
		// The listing is the cached order: render the page only, count without a scan.
		total := len(msgs)
		lo := min(q.Skip, total)
		hi := total
		if q.Top > 0 {
			hi = min(lo+q.Top, total)
		}
		if !strings.HasSuffix(r.URL.Path, "/$count") {
			for _, m := range msgs[lo:hi] {
				views = append(views, m.toJSON(view, expand))
			}
		}
		s.unlock()
		page := make([]int, len(views))
		for i := range page {
			page[i] = i
		}
		s.writeMessagePage(w, r, q, ctx, views, page, total)
		return
	}
	// A $filter on extended properties (…ExtendedProperties/any(ep: …))
	// sees them all, rendered or not.
	filterExt := q.Filter != nil && (odata.Names(q.Filter, extNames[0]) || odata.Names(q.Filter, extNames[1]))
	var exts []messageJSON
	for _, m := range msgs {
		views = append(views, m.toJSON(view, expand))
		if q.Search != nil {
			search = append(search, messageSearchFields(m))
		}
		if filterExt {
			exts = append(exts, messageJSON{SingleExt: slices.Clone(m.singleExt()), MultiExt: slices.Clone(m.multiExt())})
		}
	}
	s.unlock()
	// Decoding is only needed to filter or sort; the page is encoded once.
	objs := make([]map[string]any, len(views))
	if q.Filter != nil || len(q.OrderBy) > 0 {
		roots := q.Roots()
		for i := range views {
			objs[i] = decodedMembers(views[i], roots)
			if filterExt {
				e := decodedObject(exts[i])
				objs[i][extNames[0]], objs[i][extNames[1]] = e[extNames[0]], e[extNames[1]]
			}
		}
	}
	page, total := q.Apply(objs, func(i int) odata.SearchFields { return search[i] })
	s.writeMessagePage(w, r, q, ctx, views, page, total)
}

// inDefaultOrder says whether q lists messages as they are stored, newest first: no
// $filter, no $search, and no $orderby but receivedDateTime desc.
func inDefaultOrder(q *odata.Query) bool {
	if q.Filter != nil || q.Search != nil {
		return false
	}
	switch len(q.OrderBy) {
	case 0:
		return true
	case 1:
		k := q.OrderBy[0]
		return k.Desc && len(k.Path) == 1 && strings.EqualFold(k.Path[0], "receivedDateTime")
	}
	return false
}

// writeMessagePage answers a message listing: the page (indexes into views) of a total, or
// the total alone for .../$count.
func (s *Workload) writeMessagePage(w http.ResponseWriter, r *http.Request, q *odata.Query, ctx string, views []messageJSON, page []int, total int) {
	if strings.HasSuffix(r.URL.Path, "/$count") {
		s.IDs(w, r)
		w.Header().Set("Content-Type", "text/plain;charset=utf-8")
		w.WriteHeader(http.StatusOK)
		_, _ = io.WriteString(w, strconv.Itoa(total))
		return
	}
	items := make([]any, 0, len(page))
	if len(q.Select) == 0 && len(q.Expand) == 0 {
		// Graph's default properties are messageJSON's members in its order, less the
		// selectable-only ones: each message is encoded once, into one buffer for the page,
		// which the next page reuses once the kit has written this one.
		buf := pageBuffers.Get().(*bytes.Buffer)
		defer func() {
			if buf.Cap() <= maxPooledPage {
				buf.Reset()
				pageBuffers.Put(buf)
			}
		}()
		buf.Grow(len(page) * 2560)
		enc := json.NewEncoder(buf)
		enc.SetEscapeHTML(false)
		ends := make([]int, 0, len(page))
		for _, i := range page {
			v := views[i]
			v.UniqueBody, v.InternetMessageHeaders = nil, nil
			if err := enc.Encode(&v); err != nil {
				panic("sandbox: marshal message: " + err.Error()) // the sandbox's own types always marshal
			}
			ends = append(ends, buf.Len()-1) // without Encode's newline
		}
		data, start := buf.Bytes(), 0
		for _, end := range ends {
			items = append(items, json.RawMessage(data[start:end]))
			start = end + 1
		}
	} else {
		for _, i := range page {
			items = append(items, q.Project(rawObject(views[i]), messageType))
		}
	}
	count := -1
	if q.Count {
		count = total
	}
	s.WritePage(w, r, ctx+"/messages"+selectSuffix(q), items, q.Top, q.Skip, total, count)
}

// pageBuffers are the buffers listings encode their pages into; a buffer that grew past
// maxPooledPage (a page of big messages) is left to the collector.
var pageBuffers = sync.Pool{New: func() any { return new(bytes.Buffer) }}

const maxPooledPage = 4 << 20

func messageSearchFields(m *mailMessage) odata.SearchFields {
	f := odata.SearchFields{"subject": m.Subject, "body": m.Body.Content}
	if m.Body.ContentType == "html" {
		f["body"] = htmlToText(m.Body.Content)
	}
	if m.From != nil {
		f["from"] = m.From.EmailAddress.Name + " " + m.From.EmailAddress.Address
	}
	var to []string
	for _, r := range append(append([]outlook.Recipient{}, m.To...), m.Cc...) {
		to = append(to, r.EmailAddress.Name+" "+r.EmailAddress.Address)
	}
	f["to"] = strings.Join(to, " ")
	var att []string
	for _, a := range m.Attachments {
		att = append(att, a.Name)
	}
	f["attachment"] = strings.Join(att, " ")
	return f
}

// entityQuery parses the options allowed on a single entity ($select, $expand) of q.
func entityQuery(q url.Values, t *odata.Type) (*odata.Query, *graphkit.Error) {
	for k := range q {
		if k != "$select" && k != "$expand" && strings.HasPrefix(k, "$") {
			delete(q, k)
		}
	}
	oq, err := odata.Parse(q, t, odata.Limits{})
	if err != nil {
		return nil, graphkit.QueryError(err)
	}
	return oq, nil
}

// messageEntity renders m as a single entity with its @odata.context.
func messageEntity(r *http.Request, u *user, m *mailMessage, q *odata.Query, view msgView) odata.Object {
	return entityObject(r, u, "/messages", rawObject(m.toJSON(view, q != nil && len(q.Expand) > 0)), q, messageType)
}

// entityObject projects obj, an entity of collection (under the user), as
// q asks, and puts its @odata.context first.
func entityObject(r *http.Request, u *user, collection string, obj map[string]any, q *odata.Query, t *odata.Type) odata.Object {
	out := q.Project(obj, t)
	sel := ""
	if q != nil {
		sel = selectSuffix(q)
	}
	obj["@odata.context"] = graphkit.BaseURL(r) + "/v1.0/$metadata" + userCtx(u) + collection + sel + "/$entity"
	out.Keys = append([]string{"@odata.context"}, out.Keys...)
	return out
}

func (s *Workload) messageGet(w http.ResponseWriter, r *http.Request, u *user) {
	vals, ext, ge := expandExt(r.URL.Query())
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	q, ge := entityQuery(vals, messageType)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	view := mailPrefs(w, r)
	view.ext = ext
	var event map[string]any
	if expandsEvent(q) { // a message that is no meeting message expands no event
		zone, _ := outlook.PreferredZone(graphkit.Prefer(r))
		event, _ = s.meetingEvent(r.Context(), u, r.PathValue("mid"), zone)
	}
	s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		m := mb.message(r.PathValue("mid"))
		if m == nil {
			return 0, nil, graphkit.ErrItemNotFound
		}
		obj := rawObject(m.toJSON(view, q != nil && len(q.Expand) > 0))
		if event != nil {
			obj["event"] = event
		}
		return 200, entityObject(r, u, "/messages", obj, q, messageType), nil
	})
}

func itoa64(n int64) string { return strconv.FormatInt(n, 10) }

func base64Of(s string) string { return base64.StdEncoding.EncodeToString([]byte(s)) }

// MaxMessageBody bounds message bodies (attachments of up to 3 MB travel
// base64-encoded); a $batch payload gets the same bound.
const MaxMessageBody = 8 << 20

func (s *Workload) messageCreate(w http.ResponseWriter, r *http.Request, u *user) {
	view := mailPrefs(w, r)
	var body map[string]json.RawMessage
	var fromMIME *mailMessage
	var ge *graphkit.Error
	if isMIME(r) {
		fromMIME, ge = readMIME(w, r, s.Now().UTC())
	} else {
		body, ge = graphkit.ReadBody(w, r, MaxMessageBody)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		folder := mb.wellKnown("drafts")
		if r.PathValue("fid") != "" {
			f, ge := resolveFolder(mb, r)
			if ge != nil {
				return 0, nil, ge
			}
			folder = f
		}
		m := fromMIME
		if m == nil {
			m = newDraft(now)
			if ge := applyMessage(m, body, false, now); ge != nil {
				return 0, nil, ge
			}
		}
		st.insert(mb, m, folder.ID, "message", now)
		m.finishNew(now)
		w.Header().Set("Location", graphkit.BaseURL(r)+"/v1.0/users('"+u.ID+"')/messages('"+m.ID+"')")
		return 201, messageEntity(r, u, m, nil, view), nil
	})
}

// newDraft is a message with Exchange's defaults for a new draft.
func newDraft(now time.Time) *mailMessage {
	return &mailMessage{
		Body: outlook.ItemBody{ContentType: "text"}, Importance: "normal", Inference: "focused", IsRead: true, IsDraft: true,
		Flag: followupFlag{FlagStatus: "notFlagged"}, Categories: []string{}, Created: stampOf(now), Received: now, Sent: now,
	}
}

// finishNew fills the ids a new message derives from its own id.
func (m *mailMessage) finishNew(now time.Time) {
	if m.ConversationID == "" {
		m.ConversationID = ids.Stable("conversation", m.ID)
	}
	if m.ConversationIndex == "" {
		m.ConversationIndex = base64Of(m.ConversationID[6:28])
	}
	if m.InternetMessageID == "" {
		m.InternetMessageID = "<" + strings.ToLower(m.ID[6:22]) + "@" + directory.TenantDomain + ">"
	}
	for i, a := range m.Attachments {
		if a.ID == "" {
			a.ID = ids.Stable(m.ID, "attachment", itoa64(int64(i)))
			a.Modified = now
		}
	}
}

func (s *Workload) messagePatch(w http.ResponseWriter, r *http.Request, u *user) {
	view := mailPrefs(w, r)
	body, ge := graphkit.ReadBody(w, r, MaxMessageBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		m, ge := messageAt(r, mb)
		if ge != nil {
			return 0, nil, ge
		}
		c := m.clone()
		if ge := applyMessage(c, body, true, now); ge != nil {
			return 0, nil, ge
		}
		c.ID, c.ImmutableID = m.ID, m.ImmutableID
		*m = *c
		st.touch(mb, m, now)
		return 200, messageEntity(r, u, m, nil, view), nil
	})
}

func (s *Workload) messageDelete(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		m, ge := messageAt(r, mb)
		if ge != nil {
			return 0, nil, ge
		}
		st.remove(mb, m)
		return 204, nil, nil
	})
}

// destination reads {"destinationId"} (any case, as Graph's action
// parameters) and resolves it to a folder.
func destination(mb *mailbox, body map[string]json.RawMessage) (*mailFolder, *graphkit.Error) {
	var id string
	found := false
	for k, v := range body {
		if strings.EqualFold(k, "destinationId") {
			found = true
			if json.Unmarshal(v, &id) != nil {
				return nil, graphkit.BadRequest("Invalid value for parameter 'DestinationId'.")
			}
		}
	}
	if !found || id == "" {
		return nil, graphkit.BadRequest("Missing required parameter 'DestinationId'.")
	}
	f := mb.folder(id)
	if f == nil {
		return nil, graphkit.ErrItemNotFound
	}
	return f, nil
}

func (s *Workload) messageMove(w http.ResponseWriter, r *http.Request, u *user) {
	s.moveOrCopy(w, r, u, true)
}

func (s *Workload) messageCopy(w http.ResponseWriter, r *http.Request, u *user) {
	s.moveOrCopy(w, r, u, false)
}

func (s *Workload) moveOrCopy(w http.ResponseWriter, r *http.Request, u *user, move bool) {
	view := mailPrefs(w, r)
	body, ge := graphkit.ReadParams(w, r, graphkit.MaxJSONBody)
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, now time.Time) (int, any, *graphkit.Error) {
		m, ge := messageAt(r, mb)
		if ge != nil {
			return 0, nil, ge
		}
		dest, ge := destination(mb, body)
		if ge != nil {
			return 0, nil, ge
		}
		if move {
			st.move(mb, m, dest.ID, now)
			return 201, messageEntity(r, u, m, nil, view), nil
		}
		c := m.clone()
		c.Created = stampOf(now)
		st.insert(mb, c, dest.ID, "copy", now)
		c.finishNew(now)
		for i, a := range c.Attachments {
			a.ID = ids.Stable(c.ID, "attachment", itoa64(int64(i)))
		}
		return 201, messageEntity(r, u, c, nil, view), nil
	})
}
