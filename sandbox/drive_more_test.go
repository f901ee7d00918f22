package sandbox

import (
	"net/url"
	"slices"
	"testing"
)

// TestDriveSpecialFolders: a special folder is made on first access (the
// seeded Documents folder is adopted), answers the specialFolder facet,
// keeps its id, takes children and uploads below it, and an app folder is
// Apps/<app name>.
func TestDriveSpecialFolders(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	docs := d.call("GET", "/v1.0/me/drive/root:/Documents:", nil, 200)
	got := d.call("GET", "/v1.0/me/drive/special/documents", nil, 200)
	if got["id"] != docs["id"] || got["specialFolder"].(map[string]any)["name"] != "documents" {
		t.Fatalf("special/documents = %v, want the seeded Documents folder with specialFolder.name documents", got)
	}
	if _, ok := docs["specialFolder"]; ok {
		t.Errorf("Documents had a specialFolder facet before it was asked for as one")
	}

	music := d.call("GET", "/v1.0/me/drive/special/Music", nil, 200)
	if music["name"] != "Music" || music["specialFolder"].(map[string]any)["name"] != "music" {
		t.Fatalf("special/music = %v", music)
	}
	if again := d.call("GET", "/v1.0/me/drive/special/music?$select=id,specialFolder", nil, 200); again["id"] != music["id"] {
		t.Errorf("a second access made another folder: %v, want %v", again["id"], music["id"])
	}
	roll := d.call("GET", "/v1.0/me/drive/special/cameraroll", nil, 200)
	if p := roll["parentReference"].(map[string]any)["path"]; p != "/drive/root:/Pictures" || roll["name"] != "Camera Roll" {
		t.Errorf("cameraroll is %v in %v, want Camera Roll in /drive/root:/Pictures", roll["name"], p)
	}

	d.call("PUT", "/v1.0/me/drive/special/music:/song.txt:/content", []byte("la la"), 201)
	if names := itemNames(d.call("GET", "/v1.0/me/drive/special/music/children", nil, 200)); !slices.Equal(names, []string{"song.txt"}) {
		t.Errorf("special/music/children = %v, want [song.txt]", names)
	}
	d.call("POST", "/v1.0/me/drive/special/music/children", folderBody("Albums", ""), 201)

	app := d.call("GET", "/v1.0/me/drive/special/approot", nil, 200)
	if app["specialFolder"].(map[string]any)["name"] != "approot" || app["parentReference"].(map[string]any)["path"] != "/drive/root:/Apps" {
		t.Errorf("special/approot = %v, want a folder in /drive/root:/Apps with specialFolder.name approot", app)
	}
	d.call("GET", "/v1.0/me/drive/special/bogus", nil, 400)

	// Read-only permissions reach a special folder that exists (or a folder
	// in its place), and cannot make one.
	read := &driveClient{t: t, e: e, tok: "Bearer " + e.userToken(adele().UserPrincipalName, adele().Password, "User.Read Files.Read")}
	read.call("GET", "/v1.0/me/drive/special/music", nil, 200)
	read.call("GET", "/v1.0/me/drive/special/photos", nil, 200) // the seeded Pictures folder
	read.call("GET", "/v1.0/me/drive/special/recordings", nil, 403)
	d.call("GET", "/v1.0/me/drive/special/recordings", nil, 200)

	// Deleted, a special folder is made anew on the next access.
	d.call("DELETE", "/v1.0/me/drive/items/"+music["id"].(string), nil, 204)
	if fresh := d.call("GET", "/v1.0/me/drive/special/music", nil, 200); fresh["id"] == music["id"] || fresh["name"] != "Music" {
		t.Errorf("special/music after its delete = %v %v, want a new Music folder", fresh["id"], fresh["name"])
	}
}

// TestDriveSearch: names, descriptions and the text of small text files
// match, every word, in any case; below the root or a folder; paged with
// $skiptoken; $select; a quote doubled; a bad call is a 400.
func TestDriveSearch(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	search := func(prefix, q, query string) []string {
		t.Helper()
		page := d.call("GET", prefix+"/search(q='"+url.PathEscape(q)+"')"+query, nil, 200)
		names := itemNames(page)
		slices.Sort(names)
		return names
	}
	if got := search("/v1.0/me/drive/root", "plan", ""); !slices.Equal(got, []string{"Meeting notes.txt", "Plan.md", "Welcome.md"}) {
		t.Errorf("search plan = %v, want Plan.md (name), Meeting notes.txt and Welcome.md (their text)", got)
	}
	if got := search("/v1.0/me/drive", "LAUNCH checklist", ""); !slices.Equal(got, []string{"Meeting notes.txt"}) {
		t.Errorf("search LAUNCH checklist = %v, want [Meeting notes.txt] (both words in its text)", got)
	}
	if got := search("/v1.0/me/drive/root:/Projects:", "plan", ""); !slices.Equal(got, []string{"Plan.md"}) {
		t.Errorf("search below Projects = %v, want [Plan.md]", got)
	}
	d.call("PUT", "/v1.0/me/drive/root:/Notes/it's here.txt:/content", []byte("nothing"), 201)
	if got := search("/v1.0/me/drive/root", "it''s", ""); !slices.Equal(got, []string{"it's here.txt"}) {
		t.Errorf("search it''s = %v", got)
	}
	if got := search("/v1.0/me/drive/root", "a/b", ""); len(got) != 0 {
		t.Errorf("search a/b = %v, want none", got)
	}
	if got := search("/v1.0/me/drive/root", "zebra", ""); len(got) != 0 {
		t.Errorf("search zebra = %v, want none", got)
	}

	// Paged: every match once, across pages.
	var all []string
	next := "/v1.0/me/drive/root/search(q='" + url.PathEscape(".") + "')?$top=2&$select=name"
	for next != "" {
		page := d.call("GET", next, nil, 200)
		for _, v := range page["value"].([]any) {
			it := v.(map[string]any)
			if len(it) > 3 { // name, id and @odata.etag at most
				t.Errorf("$select=name answered %v", it)
			}
			all = append(all, it["name"].(string))
		}
		next = ""
		if l, ok := page["@odata.nextLink"].(string); ok {
			u, err := url.Parse(l)
			if err != nil {
				t.Fatal(err)
			}
			next = u.RequestURI()
		}
	}
	want := search("/v1.0/me/drive/root", ".", "")
	slices.Sort(all)
	if len(want) < 5 || !slices.Equal(all, want) {
		t.Errorf("paged search = %v, want %v", all, want)
	}

	// In a $batch too, the text as sent.
	d.call("PUT", "/v1.0/me/drive/root:/Notes/zz top.txt:/content", []byte("x/y"), 201)
	batch := d.call("POST", "/v1.0/$batch", map[string]any{"requests": []any{
		map[string]any{"id": "1", "method": "GET", "url": "/me/drive/root/search(q='x%2Fy')"},
		map[string]any{"id": "2", "method": "GET", "url": "/me/drive/search(q='zz%20top')?$select=name"},
	}}, 200)
	for _, v := range batch["responses"].([]any) {
		resp := v.(map[string]any)
		if resp["status"] != float64(200) {
			t.Fatalf("$batch search: %v", resp)
		}
		if names := itemNames(resp["body"].(map[string]any)); !slices.Equal(names, []string{"zz top.txt"}) {
			t.Errorf("$batch search %v: %v, want [zz top.txt]", resp["id"], names)
		}
	}

	// A file whose name looks like the function is an item, not a search.
	d.call("PUT", "/v1.0/me/drive/root:/Notes/search(1):/content", []byte("s"), 201)
	if it := d.call("GET", "/v1.0/me/drive/root:/Notes/search(1)", nil, 200); it["name"] != "search(1)" {
		t.Errorf("root:/Notes/search(1) = %v", it)
	}

	d.call("GET", "/v1.0/me/drive/root/search(q='')", nil, 400)
	d.call("GET", "/v1.0/me/drive/root/search(text='x')", nil, 400)
	d.call("POST", "/v1.0/me/drive/root/search(q='x')", map[string]any{}, 405)
	d.call("GET", "/v1.0/me/drive/root:/Nope:/search(q='x')", nil, 404)
}

// TestDriveQuotaFollowsContent: used grows with an upload, and a deleted
// folder's files move to deleted.
func TestDriveQuotaFollowsContent(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	d := newDriveClient(t, e)
	quota := func() (used, deleted, remaining, total float64) {
		q := d.call("GET", "/v1.0/me/drive", nil, 200)["quota"].(map[string]any)
		return q["used"].(float64), q["deleted"].(float64), q["remaining"].(float64), q["total"].(float64)
	}
	used0, del0, _, _ := quota()
	d.call("PUT", "/v1.0/me/drive/root:/Q/big.bin:/content", make([]byte, 1000), 201)
	used1, del1, rem1, total := quota()
	if used1 != used0+1000 || del1 != del0 || rem1 != total-used1-del1 {
		t.Fatalf("after a 1000-byte upload: used %v deleted %v remaining %v, want used %v", used1, del1, rem1, used0+1000)
	}
	d.call("DELETE", "/v1.0/me/drive/root:/Q:", nil, 204)
	if used2, del2, _, _ := quota(); used2 != used0 || del2 != del0+1000 {
		t.Errorf("after deleting its folder: used %v deleted %v, want %v and %v", used2, del2, used0, del0+1000)
	}
}
