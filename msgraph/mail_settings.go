package msgraph

import (
	"context"
	"iter"
	"net/http"
)

// OutlookCategory is an Outlook category from the user's master list: messages,
// events, contacts and tasks name it in their Categories.
type OutlookCategory struct {
	ID          string `json:"id,omitempty"`
	DisplayName string `json:"displayName,omitempty"`
	// Color is "none" or "preset0" … "preset24".
	Color string `json:"color,omitempty"`
}

// MailboxSettings are a mailbox's automatic replies, time zone and formats.
type MailboxSettings struct {
	ArchiveFolder           string                  `json:"archiveFolder,omitempty"`
	TimeZone                string                  `json:"timeZone,omitempty"`
	DateFormat              string                  `json:"dateFormat,omitempty"`
	TimeFormat              string                  `json:"timeFormat,omitempty"`
	AutomaticRepliesSetting AutomaticRepliesSetting `json:"automaticRepliesSetting,omitzero"`
	Language                struct {
		Locale      string `json:"locale,omitempty"`
		DisplayName string `json:"displayName,omitempty"`
	} `json:"language,omitzero"`
	WorkingHours WorkingHours `json:"workingHours,omitzero"`
}

// WorkingHours are the days and hours a mailbox's user works.
type WorkingHours struct {
	// DaysOfWeek are "monday" … "sunday".
	DaysOfWeek []string `json:"daysOfWeek,omitempty"`
	// StartTime and EndTime are times of day ("08:00:00.0000000").
	StartTime string `json:"startTime,omitempty"`
	EndTime   string `json:"endTime,omitempty"`
	TimeZone  struct {
		Name string `json:"name,omitempty"`
	} `json:"timeZone,omitzero"`
}

// AutomaticRepliesSetting is a mailbox's out-of-office replies.
type AutomaticRepliesSetting struct {
	// Status is "disabled", "alwaysEnabled" or "scheduled".
	Status string `json:"status,omitempty"`
	// ExternalAudience is "none", "contactsOnly" or "all".
	ExternalAudience       string           `json:"externalAudience,omitempty"`
	InternalReplyMessage   string           `json:"internalReplyMessage,omitempty"`
	ExternalReplyMessage   string           `json:"externalReplyMessage,omitempty"`
	ScheduledStartDateTime DateTimeTimeZone `json:"scheduledStartDateTime,omitzero"`
	ScheduledEndDateTime   DateTimeTimeZone `json:"scheduledEndDateTime,omitzero"`
}

func categoriesPath(user string) string { return userPath(user) + "/outlook/masterCategories" }

// ListCategories returns the user's master list of categories.
//
// Graph docs: https://learn.microsoft.com/graph/api/outlookuser-list-mastercategories
//
//meta:operation GET /users/{id}/outlook/masterCategories
func (s *MailService) ListCategories(ctx context.Context, user string, opts *ListOptions) ([]*OutlookCategory, *Response, error) {
	return getPage[OutlookCategory](ctx, s.client, listURL(categoriesPath(user), opts), nil)
}

// ListCategoriesIter iterates over everything ListCategories would page through.
func (s *MailService) ListCategoriesIter(ctx context.Context, user string, opts *ListOptions) iter.Seq2[*OutlookCategory, error] {
	return all[OutlookCategory](ctx, s.client, listURL(categoriesPath(user), opts), nil)
}

// CreateCategory adds a category to the master list.
//
// Graph docs: https://learn.microsoft.com/graph/api/outlookuser-post-mastercategories
//
//meta:operation POST /users/{id}/outlook/masterCategories
func (s *MailService) CreateCategory(ctx context.Context, user, name, color string) (*OutlookCategory, *Response, error) {
	return doJSON[OutlookCategory](ctx, s.client, http.MethodPost, categoriesPath(user), &OutlookCategory{DisplayName: name, Color: color}, nil)
}

// SetCategoryColor changes a category's color (its name cannot change).
//
// Graph docs: https://learn.microsoft.com/graph/api/outlookcategory-update
//
//meta:operation PATCH /users/{id}/outlook/masterCategories/{id}
func (s *MailService) SetCategoryColor(ctx context.Context, user, id, color string) (*OutlookCategory, *Response, error) {
	return doJSON[OutlookCategory](ctx, s.client, http.MethodPatch, categoriesPath(user)+"/"+escapeSegment(id), &OutlookCategory{Color: color}, nil)
}

// DeleteCategory removes a category from the master list.
//
// Graph docs: https://learn.microsoft.com/graph/api/outlookcategory-delete
//
//meta:operation DELETE /users/{id}/outlook/masterCategories/{id}
func (s *MailService) DeleteCategory(ctx context.Context, user, id string) (*Response, error) {
	return s.client.sendNoContent(ctx, http.MethodDelete, categoriesPath(user)+"/"+escapeSegment(id), nil)
}

// GetMailboxSettings returns a mailbox's settings.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-get-mailboxsettings
//
//meta:operation GET /users/{id}/mailboxSettings
func (s *MailService) GetMailboxSettings(ctx context.Context, user string) (*MailboxSettings, *Response, error) {
	return getOne[MailboxSettings](ctx, s.client, userPath(user)+"/mailboxSettings")
}

// SetAutomaticReplies turns out-of-office replies on, off or on a schedule.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-update-mailboxsettings
//
//meta:operation PATCH /users/{id}/mailboxSettings
func (s *MailService) SetAutomaticReplies(ctx context.Context, user string, r AutomaticRepliesSetting) (*MailboxSettings, *Response, error) {
	body := map[string]any{"automaticRepliesSetting": r}
	return doJSON[MailboxSettings](ctx, s.client, http.MethodPatch, userPath(user)+"/mailboxSettings", body, nil)
}

// GetCategory returns a category of the master list.
//
// Graph docs: https://learn.microsoft.com/graph/api/outlookcategory-get
//
//meta:operation GET /users/{id}/outlook/masterCategories/{id}
func (s *MailService) GetCategory(ctx context.Context, user, id string) (*OutlookCategory, *Response, error) {
	return getOne[OutlookCategory](ctx, s.client, categoriesPath(user)+"/"+escapeSegment(id))
}

// UpdateMailboxSettings changes the settings set in upd (time zone, working
// hours, language, formats, automatic replies) and returns them.
//
// Graph docs: https://learn.microsoft.com/graph/api/user-update-mailboxsettings
//
//meta:operation PATCH /users/{id}/mailboxSettings
func (s *MailService) UpdateMailboxSettings(ctx context.Context, user string, upd *MailboxSettings) (*MailboxSettings, *Response, error) {
	return doJSON[MailboxSettings](ctx, s.client, http.MethodPatch, userPath(user)+"/mailboxSettings", upd, nil)
}

// GetWorkingHours returns a mailbox's working hours (GET
// mailboxSettings/workingHours).
//
// Graph docs: https://learn.microsoft.com/graph/api/user-get-mailboxsettings
//
//meta:operation GET /users/{id}/mailboxSettings/workingHours
func (s *MailService) GetWorkingHours(ctx context.Context, user string) (*WorkingHours, *Response, error) {
	return getOne[WorkingHours](ctx, s.client, userPath(user)+"/mailboxSettings/workingHours")
}
