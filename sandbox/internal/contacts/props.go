package contacts

import (
	"encoding/json"
	"strings"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/outlook"
	"github.com/authsome-go/authsome/sandbox/internal/schema"
)

// This file is the property tables of contacts and contact folders:
// schema.Apply checks a body against Graph's schema; a contact stores
// every checked member as given, with setters only where the workload has
// a rule of its own.

// contactEdit is a contact a body changes: its properties and its
// extended properties.
type contactEdit struct {
	props map[string]any
	ext   *outlook.Extended
}

// contactSetters are the contact properties with rules of their own; the
// others are stored as they come.
var contactSetters = outlook.WithExtended(schema.Setters[*contactEdit]{
	"emailAddresses": func(e *contactEdit, raw json.RawMessage) *graphkit.Error {
		es := []outlook.EmailAddress{}
		if string(raw) != "null" && json.Unmarshal(raw, &es) != nil {
			return graphkit.ErrUnreadablePayload
		}
		for _, a := range es {
			if strings.TrimSpace(a.Address) == "" {
				return graphkit.PropTypeError("emailAddresses", "Collection(microsoft.graph.emailAddress)")
			}
		}
		e.props["emailAddresses"] = es
		return nil
	},
}, func(e *contactEdit) *outlook.Extended { return e.ext })

// applyContactProps checks body as Graph does for a contact and sets it on
// props and ext (op: a create or an update).
func applyContactProps(props map[string]any, ext *outlook.Extended, body map[string]json.RawMessage, op schema.Op) *graphkit.Error {
	rest, ge := schema.Apply("contact", &contactEdit{props, ext}, body, op, contactSetters)
	if ge != nil {
		return ge
	}
	typ := schema.Lookup("contact")
	for k, raw := range rest {
		if p := typ.Property(k); p == nil || p.Nav {
			continue // "@odata.type", or a navigation property (photo, extensions) the sandbox does not keep
		}
		var v any
		_ = json.Unmarshal(raw, &v) // schema.Check wrote it
		props[k] = v
	}
	if name, _ := props["displayName"].(string); name == "" {
		var parts []string
		for _, k := range []string{"givenName", "middleName", "surname"} {
			if s, _ := props[k].(string); s != "" {
				parts = append(parts, s)
			}
		}
		if len(parts) > 0 {
			props["displayName"] = strings.Join(parts, " ")
		}
	}
	return nil
}

// folderEdit is a contact folder a body changes.
type folderEdit struct {
	name    *string
	renamed bool
	ext     *outlook.Extended
}

// folderSetters are the writable properties of a contact folder.
var folderSetters = outlook.WithExtended(schema.Setters[*folderEdit]{
	"displayName": func(e *folderEdit, raw json.RawMessage) *graphkit.Error {
		var name string
		if string(raw) != "null" && json.Unmarshal(raw, &name) != nil {
			return graphkit.ErrUnreadablePayload
		}
		if strings.TrimSpace(name) == "" {
			return graphkit.Err(400, "ErrorInvalidRequest", "The display name of the folder must not be empty.")
		}
		*e.name, e.renamed = name, true
		return nil
	},
}, func(e *folderEdit) *outlook.Extended { return e.ext })
