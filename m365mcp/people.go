package m365mcp

import "context"

// Contact is a person found by name.
type Contact struct {
	Name       string   `json:"name"`
	Addresses  []string `json:"addresses" jsonschema:"email addresses, the first preferred"`
	JobTitle   string   `json:"jobTitle,omitempty"`
	Department string   `json:"department,omitempty"`
	Company    string   `json:"company,omitempty"`
	Phone      string   `json:"phone,omitempty"`
	Source     string   `json:"source" jsonschema:"contacts (the user's address book) or directory (the organization)"`
}

// Contacts are the people found.
type Contacts struct {
	People []Contact `json:"people"`
	// Notes say which source could not be searched, and why.
	Notes []string `json:"notes,omitempty"`
}

type peopleFindIn struct {
	Name string `json:"name" jsonschema:"the start of a name, first name, last name or address, e.g. Megan or megan@"`
	Top  int    `json:"top,omitempty" jsonschema:"at most this many from each source, 1 to 50 (default 10)"`
}

func peopleTools() []*toolSpec {
	return []*toolSpec{
		newTool(toolSpec{name: "people_find", title: "Find a person", area: AreaContacts,
			description: "Find people by name in the user's contacts and in the organization's directory, to get their email address."},
			nil, func(ctx context.Context, s *Server, in peopleFindIn) (Contacts, error) {
				return s.g.findPeople(ctx, s, in)
			}),
	}
}
