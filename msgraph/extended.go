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

// HasExtended is the $filter that keeps the items (messages, events,
// contacts…) whose single-value extended property id is value:
//
//	singleValueExtendedProperties/any(ep:ep/id eq '…' and ep/value eq '…')
//
// with id and value written as string literals, so that neither can change
// the query.
func HasExtended(id, value string) Filter {
	return AnyOf("singleValueExtendedProperties", "ep", And(Eq("ep/id", id), Eq("ep/value", value)))
}

// HasMultiExtended is the $filter that keeps the items that have the
// multi-value extended property id, holding every one of values (none: any
// values):
//
//	multiValueExtendedProperties/any(ep:ep/id eq '…' and ep/value/any(v:v eq '…'))
func HasMultiExtended(id string, values ...string) Filter {
	conds := []Filter{Eq("ep/id", id)}
	for _, v := range values {
		conds = append(conds, AnyOf("ep/value", "v", Eq("v", v)))
	}
	return AnyOf("multiValueExtendedProperties", "ep", And(conds...))
}
