package teams

import (
	"net/http"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
	"github.com/authsome-go/authsome/sandbox/internal/ids"
	"github.com/authsome-go/authsome/sandbox/odata"
)

// This file is the apps installed in teams, chats and users' personal
// scope: the same few seeded apps everywhere, read only.

// seedApp is an app of the Teams store installed everywhere.
type seedApp struct{ teamsAppID, name, version, short string }

var seedApps = []seedApp{
	{"com.microsoft.teamspace.tab.planner", "Tasks by Planner and To Do", "0.0.19", "Create, manage, and track tasks."},
	{"0d820ecd-def2-4297-adad-78056cde7c78", "OneNote", "1.0.5", "Capture and organise notes."},
	{"7c316234-ded0-4f95-8a83-8453d0876592", "Approvals", "1.2.0", "Create, manage and share approvals."},
}

var (
	installationType = &odata.Type{Name: "microsoft.graph.teamsAppInstallation", Keep: []string{"id"},
		Props: []string{"id", "consentedPermissionSet"}, Expandable: []string{"teamsApp", "teamsAppDefinition"}}
	appSeedTime = time.Date(2025, 1, 6, 8, 0, 0, 0, time.UTC)
)

// installations are the seeded apps as installed in the scope named by
// where (a team's, chat's or user's id).
func installations(where string) []graphkit.Item {
	var out []graphkit.Item
	for _, a := range seedApps {
		def := map[string]any{"id": ids.Stable("teamsAppDefinition", a.teamsAppID), "teamsAppId": a.teamsAppID,
			"displayName": a.name, "version": a.version, "publishingState": "published", "shortDescription": a.short,
			"description": a.short, "lastModifiedDateTime": appSeedTime, "createdBy": nil,
			"authorization": map[string]any{"requiredPermissionSet": map[string]any{"resourceSpecificPermissions": []any{}}}}
		out = append(out, graphkit.NewItem(map[string]any{"id": ids.Stable(where, "installation", a.teamsAppID),
			"consentedPermissionSet": nil, "teamsAppDefinition": def,
			"teamsApp": map[string]any{"id": a.teamsAppID, "externalId": nil, "displayName": a.name, "distributionMethod": "store"}}))
	}
	return out
}

func (s *Workload) appRoutes(m *graphkit.Mux) {
	m.HandleFunc("GET /v1.0/teams/{tid}/installedApps", s.onTeam(func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, t *team) {
		s.WriteList(w, r, "#teams('"+t.ID+"')/installedApps", installations(t.ID), installationType, limits, nil)
	}))
	m.HandleFunc("GET /v1.0/chats/{chid}/installedApps", s.onChat(func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, ch *chat) {
		s.WriteList(w, r, "#chats('"+ch.ID+"')/installedApps", installations(ch.ID), installationType, limits, nil)
	}))
	s.onUser(m, "GET", "/teamwork/installedApps", false, func(w http.ResponseWriter, r *http.Request, _ *graphkit.Claims, u *graphkit.User) {
		s.WriteList(w, r, "#users('"+u.ID+"')/teamwork/installedApps", installations(u.ID), installationType, limits, nil)
	})
}
