package mail

import (
	"encoding/json"
	"net/http"
	"strconv"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// Mailbox settings (GET and PATCH /me/mailboxSettings, GET of each
// property at /me/mailboxSettings/{name}) and the master list of Outlook
// categories (/me/outlook/masterCategories). Both are kept per mailbox,
// journaled together as "settings/<user>/outlook".

// outlookSettings are a mailbox's settings and categories.
type outlookSettings struct {
	Settings   map[string]json.RawMessage `json:"settings"`
	Categories []*category                `json:"categories"`
	Next       int                        `json:"next"` // numbers new categories' ids
}

// category is an outlookCategory.
type category struct {
	ID          string `json:"id"`
	DisplayName string `json:"displayName"`
	Color       string `json:"color"`
}

func settingsKey(owner string) string { return "settings/" + owner + "/outlook" }

// defaultSettings are a new mailbox's settings, as Exchange Online sets them.
func defaultSettings(mb *mailbox) *outlookSettings {
	raw := func(v any) json.RawMessage { b, _ := json.Marshal(v); return b }
	archive := ""
	if f := mb.wellKnown("archive"); f != nil {
		archive = f.ID
	}
	st := &outlookSettings{Settings: map[string]json.RawMessage{
		"archiveFolder": raw(archive), "timeZone": raw("Pacific Standard Time"),
		"delegateMeetingMessageDeliveryOptions": raw("sendToDelegateOnly"),
		"dateFormat":                            raw("M/d/yyyy"), "timeFormat": raw("h:mm tt"), "userPurpose": raw("user"),
		"automaticRepliesSetting": raw(map[string]any{"status": "disabled", "externalAudience": "all",
			"internalReplyMessage": "", "externalReplyMessage": "",
			"scheduledStartDateTime": map[string]string{"dateTime": "2025-06-01T00:00:00.0000000", "timeZone": "UTC"},
			"scheduledEndDateTime":   map[string]string{"dateTime": "2025-06-02T00:00:00.0000000", "timeZone": "UTC"}}),
		"language": raw(map[string]string{"locale": "en-US", "displayName": "English (United States)"}),
		"workingHours": raw(map[string]any{"daysOfWeek": []string{"monday", "tuesday", "wednesday", "thursday", "friday"},
			"startTime": "08:00:00.0000000", "endTime": "17:00:00.0000000", "timeZone": map[string]string{"name": "Pacific Standard Time"}}),
	}}
	for i, c := range [][2]string{{"Red category", "preset0"}, {"Orange category", "preset1"}, {"Yellow category", "preset3"},
		{"Green category", "preset4"}, {"Blue category", "preset7"}, {"Purple category", "preset8"}} {
		st.Categories = append(st.Categories, &category{ID: categoryID(mb.owner.ID, i), DisplayName: c[0], Color: c[1]})
	}
	st.Next = len(st.Categories)
	return st
}

func categoryID(owner string, n int) string {
	g := ids.Stable(owner, "category", strconv.Itoa(n))
	return strings.ToLower(g[6:14] + "-" + g[14:18] + "-4" + g[18:21] + "-8" + g[21:24] + "-" + g[24:36])
}

// outlook returns mb's settings, made on first use; the caller holds the lock.
func (mb *mailbox) outlook() *outlookSettings {
	if mb.settings == nil {
		mb.settings = defaultSettings(mb)
	}
	return mb.settings
}

// settingsOrder is the order Graph writes mailboxSettings in.
var settingsOrder = []string{"archiveFolder", "timeZone", "delegateMeetingMessageDeliveryOptions", "dateFormat", "timeFormat",
	"userPurpose", "automaticRepliesSetting", "language", "workingHours"}

// settingsObject is the settings' members named by keys (all: nil), in Graph's order.
func settingsObject(r *http.Request, u *user, s map[string]json.RawMessage, keys map[string]bool) json.RawMessage {
	obj := map[string]json.RawMessage{}
	ctx, _ := json.Marshal(graphkit.BaseURL(r) + "/v1.0/$metadata" + userCtx(u) + "/mailboxSettings")
	obj["@odata.context"] = ctx
	for _, k := range settingsOrder {
		if v, ok := s[k]; ok && (keys == nil || keys[k]) {
			obj[k] = v
		}
	}
	return orderedJSON(obj, append([]string{"@odata.context"}, settingsOrder...))
}

// orderedJSON writes obj's members in order.
func orderedJSON(obj map[string]json.RawMessage, order []string) json.RawMessage {
	var b strings.Builder
	b.WriteString("{")
	n := 0
	for _, k := range order {
		if v, ok := obj[k]; ok {
			if n > 0 {
				b.WriteString(",")
			}
			kb, _ := json.Marshal(k)
			b.Write(kb)
			b.WriteString(":")
			b.Write(v)
			n++
		}
	}
	b.WriteString("}")
	return json.RawMessage(b.String())
}

func (s *Workload) settingsGet(w http.ResponseWriter, r *http.Request, u *user) {
	s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		return 200, settingsObject(r, u, mb.outlook().Settings, nil), nil
	})
}

// settingsProp serves GET /mailboxSettings/{name}: a complex property as
// its object, a string as {"value": ...}.
func (s *Workload) settingsProp(name string) graphkit.OwnerHandler {
	return func(w http.ResponseWriter, r *http.Request, u *user) {
		s.mailOp(w, r, u, func(_ *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
			v := mb.outlook().Settings[name]
			ctx := graphkit.BaseURL(r) + "/v1.0/$metadata" + userCtx(u) + "/mailboxSettings/" + name
			out := map[string]any{}
			if len(v) > 0 && v[0] == '{' {
				_ = json.Unmarshal(v, &out)
			} else {
				out["value"] = v
			}
			out["@odata.context"] = ctx
			return 200, out, nil
		})
	}
}

func (s *Workload) settingsPatch(w http.ResponseWriter, r *http.Request, u *user) {
	body, ge := graphkit.ReadBody(w, r, graphkit.MaxJSONBody)
	if ge == nil {
		for _, k := range []string{"archiveFolder", "userPurpose"} {
			if _, ok := body[k]; ok && ge == nil {
				ge = graphkit.Err(400, "ErrorInvalidPropertySet", "The property '"+k+"' of mailboxSettings is read-only.")
			}
		}
	}
	var clean map[string]json.RawMessage
	if ge == nil {
		clean, ge = schema.Check("mailboxSettings", body, schema.Update)
	}
	if ge != nil {
		s.Fail(w, r, ge)
		return
	}
	s.mailOp(w, r, u, func(st *mailStore, mb *mailbox, _ time.Time) (int, any, *graphkit.Error) {
		cur := mb.outlook().Settings
		changed := map[string]bool{}
		for k, v := range clean {
			cur[k] = mergeObject(cur[k], v)
			changed[k] = true
		}
		st.settingsChanged(mb)
		return 200, settingsObject(r, u, cur, changed), nil
	})
}

// mergeObject is patch applied to old: an object's members replace old's
// one by one; anything else replaces it.
func mergeObject(old, patch json.RawMessage) json.RawMessage {
	var o, p map[string]json.RawMessage
	if json.Unmarshal(old, &o) != nil || json.Unmarshal(patch, &p) != nil || o == nil || p == nil {
		return patch
	}
	for k, v := range p {
		o[k] = v
	}
	out, _ := json.Marshal(o)
	return out
}

// settingsChanged notes a change to mb's settings or categories, numbered in
// the store's change sequence like every change.
func (st *mailStore) settingsChanged(mb *mailbox) {
	st.next()
	st.changed(settingsKey(mb.owner.ID))
}
