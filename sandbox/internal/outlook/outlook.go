// Package outlook holds the complex types Outlook items share across
// workloads (mail, calendar, contacts, To Do): bodies, addresses, recipients,
// date-times with a time zone (zone.go) and recurrence (recurrence.go), in
// Graph's JSON shape.
package outlook

// EmailAddress is Graph's emailAddress.
type EmailAddress struct {
	Name    string `json:"name"`
	Address string `json:"address"`
}

// Recipient is Graph's recipient.
type Recipient struct {
	EmailAddress EmailAddress `json:"emailAddress"`
}

// ItemBody is Graph's itemBody.
type ItemBody struct {
	ContentType string `json:"contentType"`
	Content     string `json:"content"`
}

// DateTimeTimeZone is Graph's dateTimeTimeZone.
type DateTimeTimeZone struct {
	DateTime string `json:"dateTime"`
	TimeZone string `json:"timeZone"`
}
