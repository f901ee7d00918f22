package sandbox

import (
	"encoding/json"
	"net/http"
	"strings"

	"github.com/authsome-go/authsome/sandbox/odata"
)

// userProperties are the user properties a $select may name: the default
// set the sandbox fills, and others Graph knows that the seed leaves null.
var userProperties = map[string]bool{
	"id": true, "businessPhones": true, "displayName": true, "givenName": true, "jobTitle": true, "mail": true,
	"mobilePhone": true, "officeLocation": true, "preferredLanguage": true, "surname": true, "userPrincipalName": true,
	"accountEnabled": true, "department": true, "companyName": true, "employeeId": true, "userType": true,
	"mailNickname": true, "usageLocation": true, "city": true, "country": true, "createdDateTime": true,
	"aboutMe": true, "birthday": true, "hireDate": true, "otherMails": true, "proxyAddresses": true,
}

// selectUser applies a $select to a user: the named properties (null where
// the seed has no value), or a 400 in Graph's words for an unknown one.
func (s *Server) selectUser(w http.ResponseWriter, r *http.Request, j graphUserJSON) (any, bool) {
	sel := r.URL.Query().Get("$select")
	if sel == "" {
		return j, true
	}
	data, _ := json.Marshal(j)
	var all map[string]any
	_ = json.Unmarshal(data, &all)
	out := odata.Object{Vals: map[string]any{}}
	if c, ok := all["@odata.context"]; ok {
		out.Keys, out.Vals["@odata.context"] = append(out.Keys, "@odata.context"), c
	}
	for _, f := range strings.Split(sel, ",") {
		f = strings.TrimSpace(f)
		if !userProperties[f] {
			s.kit.WriteError(w, r, http.StatusBadRequest, "BadRequest",
				"Parsing OData Select and Expand failed: Could not find a property named '"+f+"' on type 'microsoft.graph.user'.")
			return nil, false
		}
		if _, dup := out.Vals[f]; !dup {
			out.Keys = append(out.Keys, f)
		}
		out.Vals[f] = all[f]
	}
	return out, true
}
