package msgraph

import "time"

// Site is a SharePoint site. Its ID has the form "{hostname},{site-id},{web-id}".
type Site struct {
	ID                   string    `json:"id"`
	Name                 string    `json:"name,omitempty"`
	DisplayName          string    `json:"displayName,omitempty"`
	Description          string    `json:"description,omitempty"`
	WebURL               string    `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time `json:"lastModifiedDateTime,omitzero"`
	// Root is set on the tenant's root site.
	Root *struct{} `json:"root,omitempty"`
	// SiteCollection names the site's host.
	SiteCollection *SiteCollection `json:"siteCollection,omitempty"`
}

// SiteCollection is the site collection a site belongs to.
type SiteCollection struct {
	Hostname string `json:"hostname,omitempty"`
}

// SiteList is a SharePoint list or document library. To make one, set
// DisplayName, List.Template and, for a list, Columns.
type SiteList struct {
	ID                   string       `json:"id,omitempty"`
	Name                 string       `json:"name,omitempty"`
	DisplayName          string       `json:"displayName,omitempty"`
	Description          string       `json:"description,omitempty"`
	WebURL               string       `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time    `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time    `json:"lastModifiedDateTime,omitzero"`
	CreatedBy            IdentitySet  `json:"createdBy,omitzero"`
	List                 SiteListInfo `json:"list,omitzero"`
	// Columns are the list's columns: given when a list is made, returned
	// when GetList expands them.
	Columns []*ColumnDefinition `json:"columns,omitempty"`
}

// SiteListInfo is what kind of list a list is.
type SiteListInfo struct {
	// Template is "genericList", "documentLibrary", ….
	Template            string `json:"template,omitempty"`
	Hidden              bool   `json:"hidden,omitempty"`
	ContentTypesEnabled bool   `json:"contentTypesEnabled,omitempty"`
}

// List templates.
const (
	TemplateGenericList     = "genericList"
	TemplateDocumentLibrary = "documentLibrary"
)

// SiteListItem is an item of a SharePoint list; Fields holds its columns by
// internal name (returned when the list call expands fields, as ListItems does).
type SiteListItem struct {
	ID                   string         `json:"id,omitempty"`
	ETag                 string         `json:"eTag,omitempty"`
	WebURL               string         `json:"webUrl,omitempty"`
	CreatedDateTime      time.Time      `json:"createdDateTime,omitzero"`
	LastModifiedDateTime time.Time      `json:"lastModifiedDateTime,omitzero"`
	CreatedBy            IdentitySet    `json:"createdBy,omitzero"`
	LastModifiedBy       IdentitySet    `json:"lastModifiedBy,omitzero"`
	Fields               map[string]any `json:"fields,omitempty"`
}

// ColumnDefinition is a list's column. Exactly one of the
// type facets (Text, Number, ...) says its type; a person column's value is
// set and read as the field "<Name>LookupId".
type ColumnDefinition struct {
	ID                  string `json:"id,omitempty"`
	Name                string `json:"name,omitempty"`
	DisplayName         string `json:"displayName,omitempty"`
	Description         string `json:"description,omitempty"`
	ColumnGroup         string `json:"columnGroup,omitempty"`
	EnforceUniqueValues bool   `json:"enforceUniqueValues,omitempty"`
	Hidden              bool   `json:"hidden,omitempty"`
	// Indexed columns may be filtered and sorted on without
	// ListItemsOptions.HonorNonIndexed.
	Indexed       bool                 `json:"indexed,omitempty"`
	ReadOnly      bool                 `json:"readOnly,omitempty"`
	Required      bool                 `json:"required,omitempty"`
	Text          *TextColumn          `json:"text,omitempty"`
	Number        *NumberColumn        `json:"number,omitempty"`
	Currency      *CurrencyColumn      `json:"currency,omitempty"`
	DateTime      *DateTimeColumn      `json:"dateTime,omitempty"`
	Boolean       *BooleanColumn       `json:"boolean,omitempty"`
	Choice        *ChoiceColumn        `json:"choice,omitempty"`
	PersonOrGroup *PersonOrGroupColumn `json:"personOrGroup,omitempty"`
}

// TextColumn is a text column's settings.
type TextColumn struct {
	AllowMultipleLines bool `json:"allowMultipleLines,omitempty"`
	MaxLength          int  `json:"maxLength,omitempty"`
}

// NumberColumn is a number column's settings.
type NumberColumn struct {
	DecimalPlaces string   `json:"decimalPlaces,omitempty"`
	Minimum       *float64 `json:"minimum,omitempty"`
	Maximum       *float64 `json:"maximum,omitempty"`
}

// CurrencyColumn is a currency column's settings.
type CurrencyColumn struct {
	Locale string `json:"locale,omitempty"`
}

// DateTimeColumn is a date column's settings; Format is "dateOnly" or "dateTime".
type DateTimeColumn struct {
	Format string `json:"format,omitempty"`
}

// BooleanColumn marks a yes/no column.
type BooleanColumn struct{}

// ChoiceColumn is a choice column's settings.
type ChoiceColumn struct {
	Choices        []string `json:"choices,omitempty"`
	AllowTextEntry bool     `json:"allowTextEntry,omitempty"`
	// DisplayAs is "dropDownMenu", "radioButtons" or "checkBoxes".
	DisplayAs string `json:"displayAs,omitempty"`
}

// PersonOrGroupColumn is a person column's settings.
type PersonOrGroupColumn struct {
	AllowMultipleSelection bool `json:"allowMultipleSelection,omitempty"`
	// ChooseFromType is "peopleOnly" or "peopleAndGroups".
	ChooseFromType string `json:"chooseFromType,omitempty"`
}
