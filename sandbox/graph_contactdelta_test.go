package sandbox

import (
	"slices"
	"strings"
	"testing"
)

// contactRound follows a contacts delta round from link to its deltaLink and
// returns the items by id (the last state of each) and the deltaLink.
func (e *env) contactRound(link, tok string, hdr map[string]string) (map[string]map[string]any, string) {
	e.t.Helper()
	items := map[string]map[string]any{}
	for pages := 0; ; pages++ {
		if pages > 50 {
			e.t.Fatal("delta round does not end")
		}
		st, page, _ := e.call("GET", strings.TrimPrefix(link, e.base), tok, nil, hdr)
		if st != 200 || page["@odata.context"] != e.base+"/v1.0/$metadata#Collection(contact)" {
			e.t.Fatalf("GET %s: %d %v", link, st, page)
		}
		for _, c := range values(e.t, page) {
			items[c["id"].(string)] = c
		}
		next, _ := page["@odata.nextLink"].(string)
		delta, _ := page["@odata.deltaLink"].(string)
		switch {
		case (next == "") == (delta == ""):
			e.t.Fatalf("delta page with nextLink %q and deltaLink %q", next, delta)
		case delta != "":
			return items, delta
		}
		link = next
	}
}

// contactChanges are the display names of a round's changed contacts and the ids of
// its removed ones.
func contactChanges(items map[string]map[string]any) (changed, removed []string) {
	for id, c := range items {
		if c["@removed"] != nil {
			removed = append(removed, id)
		} else {
			changed = append(changed, c["displayName"].(string))
		}
	}
	slices.Sort(changed)
	slices.Sort(removed)
	return changed, removed
}

// TestContactsDelta: a first round lists the folder's contacts; the next
// reports what was created, changed and deleted since (deletions as
// "@removed" entries), only in that folder; tokens of another store are
// refused, and tokens survive a restart on the same state folder.
func TestContactsDelta(t *testing.T) {
	t.Parallel()
	dir := t.TempDir()
	e := start(t, Options{StateDir: dir})
	tok := e.calToken(adele(), "Contacts.ReadWrite")
	paged := map[string]string{"Prefer": "odata.maxpagesize=5"}

	st, first, resp := e.call("GET", "/v1.0/me/contacts/delta?$select=displayName", tok, nil, paged)
	if st != 200 || len(values(t, first)) != 5 || resp.Header.Get("Preference-Applied") != "odata.maxpagesize=5" ||
		!strings.HasPrefix(first["@odata.nextLink"].(string), e.base+"/v1.0/me/contacts/delta?$select=displayName&$skiptoken=") {
		t.Fatalf("first page: %d %v (Preference-Applied %q)", st, first, resp.Header.Get("Preference-Applied"))
	}
	if c := values(t, first)[0]; c["@odata.type"] != "#microsoft.graph.contact" || c["displayName"] == nil || c["surname"] != nil {
		t.Errorf("a $select=displayName delta item: %v", c)
	}
	all, link := e.contactRound("/v1.0/me/contacts/delta", tok, paged)
	if changed, removed := contactChanges(all); len(changed) != 13 || len(removed) != 0 {
		t.Fatalf("first round: %v, removed %v", changed, removed)
	}
	ids := map[string]string{}
	for id, c := range all {
		ids[c["displayName"].(string)] = id
	}

	folderLink := strings.NewReplacer(calendarFill(e)...).Replace("/v1.0/me/contactFolders/{folder}/contacts/delta")
	suppliers, link2 := e.contactRound(folderLink, tok, nil)
	if changed, _ := contactChanges(suppliers); len(changed) != 5 {
		t.Fatalf("Suppliers, first round: %v", changed)
	}

	if st, out, _ := e.call("POST", "/v1.0/me/contacts", tok, map[string]any{"givenName": "Pavel", "surname": "Bansky"}, nil); st != 201 {
		t.Fatalf("create: %d %v", st, out)
	}
	if st, out, _ := e.call("PATCH", "/v1.0/me/contacts/"+ids["Anna Kowalski"], tok, map[string]any{"jobTitle": "Buyer"}, nil); st != 200 {
		t.Fatalf("patch: %d %v", st, out)
	}
	if st, out, _ := e.call("DELETE", "/v1.0/me/contacts/"+ids["Ben Carter"], tok, nil, nil); st != 204 {
		t.Fatalf("delete: %d %v", st, out)
	}
	round, link := e.contactRound(link, tok, nil)
	changed, removed := contactChanges(round)
	if !slices.Equal(changed, []string{"Anna Kowalski", "Pavel Bansky"}) || !slices.Equal(removed, []string{ids["Ben Carter"]}) {
		t.Fatalf("second round: %v, removed %v", changed, removed)
	}
	if gone := round[ids["Ben Carter"]]; len(gone) != 3 || field(gone, "@removed", "reason") != "deleted" || gone["@odata.type"] != "#microsoft.graph.contact" {
		t.Errorf("a removal: %v", gone)
	}
	if other, _ := e.contactRound(link2, tok, nil); len(other) != 0 {
		t.Errorf("the Suppliers folder saw the default folder's changes: %v", other)
	}

	// Another sandbox's token is not this one's.
	other := start(t, Options{})
	if st, out, _ := other.call("GET", strings.TrimPrefix(link, e.base), other.calToken(adele(), "Contacts.Read"), nil, nil); st != 400 || errCode(out) != "SyncStateNotFound" {
		t.Errorf("another sandbox's deltaLink: %d %v", st, out)
	}

	// A change, then a restart on the same state folder: the round continues.
	if st, out, _ := e.call("DELETE", "/v1.0/me/contacts/"+ids["Anna Kowalski"], tok, nil, nil); st != 204 {
		t.Fatalf("delete: %d %v", st, out)
	}
	if err := e.s.Close(); err != nil {
		t.Fatal(err)
	}
	e2 := start(t, Options{StateDir: dir})
	tok = e2.calToken(adele(), "Contacts.Read")
	round, _ = e2.contactRound(strings.Replace(link, e.base, e2.base, 1), tok, nil)
	if changed, removed := contactChanges(round); len(changed) != 0 || !slices.Equal(removed, []string{ids["Anna Kowalski"]}) {
		t.Errorf("after the restart: %v, removed %v", changed, removed)
	}
}
