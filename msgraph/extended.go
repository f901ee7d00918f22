package msgraph

import (
	"strings"
	"time"
)

// SingleValueExtendedProperty is a single-value MAPI property of an Outlook
// item, named by its id: "{type} {guid} Name {name}", "{type} {guid} Id
// {0x…}" or "{type} {0x…}" for a tagged property.
type SingleValueExtendedProperty struct {
	ID    string `json:"id"`
	Value string `json:"value"`
}

// MultiValueExtendedProperty is a multi-value MAPI property of an Outlook
// item ("StringArray {guid} Name {name}", …).
type MultiValueExtendedProperty struct {
	ID    string   `json:"id"`
	Value []string `json:"value"`
}

// DeferredSendTimeID is the id of PidTagDeferredSendTime: a message sent
// with it waits in the Outbox until that time.
const DeferredSendTimeID = "SystemTime 0x3FEF"

// DeferredSend is the extended property that makes a message go out at at
// (set it on the message before sending it).
func DeferredSend(at time.Time) SingleValueExtendedProperty {
	return SingleValueExtendedProperty{ID: DeferredSendTimeID, Value: at.UTC().Format(time.RFC3339)}
}

// ExpandExtended is the $expand that reads the extended properties whose
// ids are given back with an item (Graph returns them only by id): the
// single-value ones, or the multi-value ones when multi is true.
func ExpandExtended(multi bool, ids ...string) string {
	name := "singleValueExtendedProperties"
	if multi {
		name = "multiValueExtendedProperties"
	}
	conds := make([]string, len(ids))
	for i, id := range ids {
		conds[i] = "id eq '" + strings.ReplaceAll(id, "'", "''") + "'"
	}
	return name + "($filter=" + strings.Join(conds, " or ") + ")"
}
