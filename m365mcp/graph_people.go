package m365mcp

import (
	"context"
	"strings"

	"github.com/authsome-go/authsome/msgraph"
)

// findPeople searches the user's contacts and the directory by the start of
// a name or address. A source that fails is noted; the call fails only when
// both do.
func (g *graph) findPeople(ctx context.Context, s *Server, in peopleFindIn) (Contacts, error) {
	name := strings.TrimSpace(in.Name)
	if name == "" {
		return Contacts{}, badInput("name is required")
	}
	out := Contacts{People: []Contact{}}
	top := clampTop(in.Top)
	cs, _, cerr := g.c.Contacts.ListContacts(ctx, me, "", &msgraph.ListOptions{Top: top,
		Select: []string{"displayName", "emailAddresses", "jobTitle", "department", "companyName", "mobilePhone"},
		Filter: msgraph.Or(msgraph.StartsWith("displayName", name), msgraph.StartsWith("givenName", name),
			msgraph.StartsWith("surname", name)).String()})
	for _, c := range cs {
		p := Contact{Name: c.DisplayName, JobTitle: c.JobTitle, Department: c.Department, Company: c.CompanyName, Phone: c.MobilePhone, Source: "contacts"}
		for _, a := range c.EmailAddresses {
			p.Addresses = append(p.Addresses, a.Address)
		}
		out.People = append(out.People, p)
	}
	us, _, uerr := g.c.Users.List(ctx, &msgraph.ListUsersOptions{ListOptions: msgraph.ListOptions{Top: top,
		Select: []string{"displayName", "mail", "userPrincipalName", "jobTitle", "mobilePhone"},
		Filter: msgraph.Or(msgraph.StartsWith("displayName", name), msgraph.StartsWith("givenName", name),
			msgraph.StartsWith("surname", name), msgraph.StartsWith("mail", name), msgraph.StartsWith("userPrincipalName", name)).String()}})
	for _, u := range us {
		addr := u.Mail
		if addr == "" {
			addr = u.UserPrincipalName
		}
		out.People = append(out.People, Contact{Name: u.DisplayName, Addresses: []string{addr}, JobTitle: u.JobTitle,
			Phone: u.MobilePhone, Source: "directory"})
	}
	switch {
	case cerr != nil && uerr != nil:
		return Contacts{}, cerr
	case cerr != nil:
		out.Notes = append(out.Notes, "contacts not searched: "+s.toolError(cerr).Error())
	case uerr != nil:
		out.Notes = append(out.Notes, "directory not searched: "+s.toolError(uerr).Error())
	}
	return out, nil
}
