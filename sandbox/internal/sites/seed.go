package sites

import (
	"encoding/json"
	"strconv"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
)

// teamFiles are the Product Team library's files as seeded (its folders are
// those of the paths).
var teamFiles = map[string]string{
	"Specs/Version 2 overview.md": "# Version 2\n\nVersion 2 brings offline mode, a faster sync engine and a new sharing dialog.\n\n## Out of scope\n- Mobile widgets\n- Custom themes\n",
	"Specs/Sync engine.md":        "# Sync engine\n\nChanges are batched every 5 seconds and sent as one request.\nConflicts keep both copies and tell the user.\n",
	"Launch/Press release.txt":    "FOR IMMEDIATE RELEASE\n\nContoso announces version 2 of its product, available to every customer this quarter.\n",
	"Launch/Timeline.csv":         "Milestone,Date,Owner\nBeta,2025-03-03,Megan Bowen\nDocumentation,2025-04-14,Alex Wilber\nGeneral availability,2025-05-05,Adele Vance\n",
	"Team charter.md":             "# Product Team charter\n\nWe decide what to build next and see it through to launch.\n\nMembers: Adele Vance, Alex Wilber, Megan Bowen.\n",
}

// seedStore returns the seeded lists: every site's default document
// library, and the Product Team's "Project tracker".
func seedStore() *store {
	st := &store{lists: map[string]*list{}, items: map[string]map[string]*listItem{}}
	for _, s := range seedSites {
		l := &list{ID: stableGUID("list", s.ID, "Documents"), Site: s.ID, Name: "Shared Documents", DisplayName: "Documents",
			Template: "documentLibrary", Default: true, Created: s.Created, Modified: s.Created, Version: 1}
		l.Columns = systemColumns(l.ID)
		if s.Group != "" {
			l.Files = teamFiles
		}
		st.lists[l.ID] = l
		st.items[l.ID] = map[string]*listItem{}
	}
	team := seedSites[1]
	tracker := &list{ID: stableGUID("list", team.ID, "Project tracker"), Site: team.ID, Name: "Project tracker",
		DisplayName: "Project tracker", Description: "What the team works on, who owns it and when it is due.",
		Template: "genericList", Created: seedTime, Modified: seedTime, By: directory.MeganBowenID, Version: 1}
	choices, _ := json.Marshal(map[string]any{"allowTextEntry": false, "choices": []string{"Not started", "In progress", "Blocked", "Done"}, "displayAs": "dropDownMenu"})
	custom := func(name, display, kind string, facet json.RawMessage, indexed bool) *column {
		return &column{ID: stableGUID("column", tracker.ID, name), Name: name, DisplayName: display, Kind: kind, Facet: facet, Indexed: indexed}
	}
	tracker.Columns = append(systemColumns(tracker.ID),
		custom("Status", "Status", "choice", choices, false),
		custom("Owner", "Owner", "personOrGroup", json.RawMessage(`{"allowMultipleSelection":false,"chooseFromType":"peopleOnly","displayAs":"nameWithPresence"}`), false),
		custom("DueDate", "Due date", "dateTime", json.RawMessage(`{"displayAs":"default","format":"dateOnly"}`), true),
	)
	st.lists[tracker.ID] = tracker
	st.items[tracker.ID] = map[string]*listItem{}
	for _, row := range []struct{ title, status, owner, due string }{
		{"Beta with ten customers", "Done", directory.MeganBowenID, "2025-03-03T08:00:00Z"},
		{"Release notes", "In progress", directory.AlexWilberID, "2025-04-14T08:00:00Z"},
		{"Support training", "Not started", directory.AdeleVanceID, "2025-04-28T08:00:00Z"},
		{"Pricing page", "Blocked", directory.MeganBowenID, "2025-04-21T08:00:00Z"},
		{"General availability", "Not started", directory.AdeleVanceID, "2025-05-05T08:00:00Z"},
	} {
		tracker.NextItem++
		at := seedTime.Add(time.Duration(tracker.NextItem) * time.Hour)
		it := &listItem{ID: strconv.Itoa(tracker.NextItem), List: tracker.ID, Created: at, Modified: at,
			By: directory.MeganBowenID, ModBy: directory.MeganBowenID, Version: 1,
			Fields: map[string]any{"Title": row.title, "Status": row.status, "OwnerLookupId": lookupID(row.owner), "DueDate": row.due}}
		st.items[tracker.ID][it.ID] = it
	}
	return st
}
