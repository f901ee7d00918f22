package identity

import "strings"

// The app registrations of the seeded tenant. They never change between runs.
const (
	// PublicClientID is a public client (no secret) with "Allow public client
	// flows" on and loopback redirect URIs http://localhost and http://127.0.0.1.
	PublicClientID = "5b9e2c74-1d3f-4a86-b0c7-e42f8a913d05"
	// ConfidentialClientID is a confidential client that authenticates with
	// ConfidentialClientSecret and holds application permissions (roles).
	ConfidentialClientID = "8d4a6f10-73be-4c2d-9e58-1b06f3c7a2e9"
	// ConfidentialClientSecret is the client secret of ConfidentialClientID.
	ConfidentialClientSecret = "sbx8Q~Zt3mVq9LrN2xKf7WcY4dHpJ1eGuB6oTaS0"
	// ConfidentialServicePrincipalID is the object id of the confidential
	// client's service principal: the oid and sub of its app-only tokens.
	ConfidentialServicePrincipalID = "e91f3b5a-2c64-4d87-b1a0-6d58c2f49e13"
	// NoPublicFlowsClientID is a public client whose "Allow public client flows"
	// setting is off: the device code and password grants fail with
	// AADSTS7000218 (after the code is approved, for device code).
	NoPublicFlowsClientID = "c2e7b935-4f18-46a0-8d3b-95a1e06f7c42"
)

// app is an app registration.
type app struct {
	ID          string
	Name        string
	Public      bool // no credentials; must never send a secret
	PublicFlows bool // "Allow public client flows" (device code, ROPC)
	Secret      string
	// RedirectURIs are matched with Microsoft's loopback rule: for
	// http://localhost and http://127.0.0.1 the port is ignored.
	RedirectURIs []string
	// DelegatedDefault are the statically configured delegated permissions
	// (what "/.default" expands to); they count as admin-consented.
	DelegatedDefault []string
	// Roles are the admin-consented application permissions.
	Roles []string
}

var seedApps = []app{
	{
		ID: PublicClientID, Name: "authsome sandbox (public client)", Public: true, PublicFlows: true,
		RedirectURIs:     []string{"http://localhost", "http://127.0.0.1"},
		DelegatedDefault: []string{"User.Read"},
	},
	{
		ID: ConfidentialClientID, Name: "authsome sandbox (confidential client)", Secret: ConfidentialClientSecret,
		RedirectURIs:     []string{"http://localhost", "http://127.0.0.1"},
		DelegatedDefault: []string{"User.Read"},
		Roles: []string{
			"Calendars.Read", "Contacts.Read", "Files.Read.All", "Mail.Read", "Mail.Send", "Sites.Read.All", "Tasks.ReadWrite.All", "User.Read.All", "Group.Read.All",
		},
	},
	{
		ID: NoPublicFlowsClientID, Name: "authsome sandbox (public client flows disabled)", Public: true,
		RedirectURIs:     []string{"http://localhost", "http://127.0.0.1"},
		DelegatedDefault: []string{"User.Read"},
	},
}

func findApp(id string) *app {
	for i := range seedApps {
		if strings.EqualFold(seedApps[i].ID, id) {
			return &seedApps[i]
		}
	}
	return nil
}

// graphDelegated lists the Microsoft Graph delegated permissions the sandbox
// knows, with the text shown on the consent page.
var graphDelegated = []struct{ Name, Text string }{
	{"Calendars.Read", "Read your calendars"},
	{"Calendars.ReadWrite", "Have full access to your calendars"},
	{"Channel.Create", "Create channels"},
	{"Channel.Delete.All", "Delete channels"},
	{"Channel.ReadBasic.All", "Read the names and descriptions of channels"},
	{"ChannelMember.Read.All", "Read the members of teams and channels"},
	{"ChannelMember.ReadWrite.All", "Add and remove members from teams and channels"},
	{"ChannelMessage.Read.All", "Read user channel messages"},
	{"ChannelMessage.Send", "Send channel messages"},
	{"ChannelSettings.Read.All", "Read the names, descriptions, and settings of channels"},
	{"ChannelSettings.ReadWrite.All", "Read and write the names, descriptions, and settings of channels"},
	{"Chat.Create", "Create chats"},
	{"Chat.Read", "Read your chat messages"},
	{"Chat.ReadBasic", "Read names and members of your chat threads"},
	{"Chat.ReadWrite", "Read and write your chat messages"},
	{"ChatMember.Read", "Read the members of chats"},
	{"ChatMember.ReadWrite", "Add and remove members from chats"},
	{"Contacts.Read", "Read your contacts"},
	{"Contacts.ReadWrite", "Have full access to your contacts"},
	{"Directory.Read.All", "Read directory data"},
	{"Directory.ReadWrite.All", "Read and write directory data"},
	{"Files.Read", "Read your files"},
	{"Files.Read.All", "Read all files that you have access to"},
	{"Files.ReadWrite", "Have full access to your files"},
	{"Files.ReadWrite.All", "Have full access to all files you have access to"},
	{"Group.Read.All", "Read all groups"},
	{"Group.ReadBasic.All", "Read all groups' basic properties"},
	{"Group.ReadWrite.All", "Read and write all groups"},
	{"GroupMember.Read.All", "Read group memberships"},
	{"GroupMember.ReadWrite.All", "Read and write group memberships"},
	{"Mail.Read", "Read your mail"},
	{"Mail.ReadBasic", "Read basic properties of your mail"},
	{"Mail.ReadWrite", "Read and write access to your mail"},
	{"Mail.Send", "Send mail as you"},
	{"MailboxSettings.Read", "Read your mailbox settings"},
	{"MailboxSettings.ReadWrite", "Read and write your mailbox settings"},
	{"Notes.Read", "Read your OneNote notebooks"},
	{"Notes.ReadWrite", "Read and write your OneNote notebooks"},
	{"Organization.Read.All", "Read organization information"},
	{"People.Read", "Read your relevant people list"},
	{"Presence.Read", "Read your presence information"},
	{"Presence.Read.All", "Read presence information of all users in your organization"},
	{"Presence.ReadWrite", "Read and write your presence information"},
	{"ProfilePhoto.Read.All", "Read profile photos of all users"},
	{"ProfilePhoto.ReadWrite.All", "Read and write profile photos of all users"},
	{"Sites.FullControl.All", "Have full control of all your site collections"},
	{"Sites.Manage.All", "Create, edit, and delete items and lists in all your site collections"},
	{"Sites.Read.All", "Read items in all site collections"},
	{"Sites.ReadWrite.All", "Edit or delete items in all site collections"},
	{"Tasks.Read", "Read your tasks and task lists"},
	{"Tasks.ReadWrite", "Create, read, update, and delete your tasks and task lists"},
	{"Team.ReadBasic.All", "Read the names and descriptions of teams"},
	{"TeamMember.Read.All", "Read the members of teams"},
	{"TeamMember.ReadWrite.All", "Add and remove members from teams and channels"},
	{"TeamSettings.Read.All", "Read teams' settings"},
	{"TeamSettings.ReadWrite.All", "Read and change teams' settings"},
	{"TeamsAppInstallation.ReadForChat", "Read installed Teams apps in chats"},
	{"TeamsAppInstallation.ReadForTeam", "Read installed Teams apps in teams"},
	{"TeamsAppInstallation.ReadForUser", "Read your installed Teams apps"},
	{"User.Read", "Sign you in and read your profile"},
	{"User.Read.All", "Read all users' full profiles"},
	{"User.ReadBasic.All", "Read all users' basic profiles"},
	{"User.ReadWrite", "Read and update your profile"},
	{"User.ReadWrite.All", "Read and write all users' full profiles"},
}

// oidcScopes are the OpenID Connect scopes, in the order Microsoft echoes them.
var oidcScopes = map[string]string{
	"profile":        "View your basic profile",
	"openid":         "Sign you in",
	"email":          "View your email address",
	"offline_access": "Maintain access to data you have given it access to",
}

// canonicalDelegated returns the canonical spelling of a Graph delegated
// permission, or "" when the sandbox does not know it.
func canonicalDelegated(name string) string {
	for _, p := range graphDelegated {
		if strings.EqualFold(p.Name, name) {
			return p.Name
		}
	}
	return ""
}

func permissionText(name string) string {
	for _, p := range graphDelegated {
		if p.Name == name {
			return p.Text
		}
	}
	if t, ok := oidcScopes[name]; ok {
		return t
	}
	return name
}
