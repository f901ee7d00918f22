package sandbox

import (
	"net/http"
	"testing"
)

// TestShareRedeem: opening an organization link with Prefer:
// redeemSharingLink gives Patti lasting access to the item in Adele's drive;
// opening it without (or with redeemSharingLinkIfNecessary) does not.
func TestShareRedeem(t *testing.T) {
	t.Parallel()
	e := start(t, Options{})
	owner := newDriveClient(t, e)
	plan := owner.call("GET", "/v1.0/me/drive/root:/Projects/Launch/Plan.md:", nil, 200)["id"].(string)
	share := owner.call("POST", "/v1.0/me/drive/items/"+plan+"/createLink", map[string]any{"type": "view"}, 201)["shareId"].(string)
	patti := seedUsers[4]
	tok := "Bearer " + e.userToken(patti.UserPrincipalName, patti.Password, "Files.ReadWrite.All")
	direct := "/v1.0/users/" + adele().ID + "/drive/items/" + plan
	for _, c := range []struct {
		prefer     string
		share, own int
	}{{"", 200, 403}, {"redeemSharingLinkIfNecessary", 200, 403}, {"redeemSharingLink", 200, 200}} {
		hdr := map[string]string{"Authorization": tok}
		if c.prefer != "" {
			hdr["Prefer"] = c.prefer
		}
		if r := e.do("GET", "/v1.0/shares/"+share+"/driveItem", nil, hdr, nil); r.StatusCode != c.share {
			t.Errorf("Prefer %q: the share answers %d, want %d", c.prefer, r.StatusCode, c.share)
		}
		if r := e.do("GET", direct, nil, map[string]string{"Authorization": tok}, nil); r.StatusCode != c.own {
			t.Errorf("after Prefer %q: the item in Adele's drive answers %d, want %d", c.prefer, r.StatusCode, c.own)
		}
	}
	if r := e.do("GET", direct, nil, map[string]string{"Authorization": tok}, nil); r.StatusCode != http.StatusOK {
		t.Errorf("a redeemed link lasts: %d", r.StatusCode)
	}
}
