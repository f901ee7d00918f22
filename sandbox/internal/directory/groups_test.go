package directory

import (
	"slices"
	"testing"
)

// TestGroups: the directory's groups are the seeded ones after Reset, handed
// out as copies, and change only through PutGroup and DeleteGroup.
func TestGroups(t *testing.T) {
	d := New()
	g := d.Group(ProductTeamID)
	if g == nil || !d.IsMember(ProductTeamID, AdeleVanceID) || d.IsMember(ProductTeamID, "nobody") {
		t.Fatalf("seeded group: %+v", g)
	}
	g.Members = append(g.Members, "intruder")
	if d.IsMember(ProductTeamID, "intruder") {
		t.Error("a copy handed out changed the directory")
	}
	d.PutGroup(Group{ID: "g2", DisplayName: "Sales", Members: []string{AdeleVanceID}})
	if got := d.GroupsOf(AdeleVanceID); !slices.Equal(got, []string{ProductTeamID, AllCompanyID, "g2"}) {
		t.Errorf("GroupsOf: %v", got)
	}
	if !d.DeleteGroup("g2") || d.DeleteGroup("g2") || len(d.AllGroups()) != len(Groups()) {
		t.Errorf("DeleteGroup: %v", d.AllGroups())
	}
	d.ReplaceGroups(nil)
	d.Reset()
	if d.Group(ProductTeamID) == nil {
		t.Error("Reset does not bring the seeded group back")
	}
}

// TestTransitive: nested membership is followed both ways, each id once.
func TestTransitive(t *testing.T) {
	d := New()
	if got := d.TransitiveMembers(LeadershipID); !slices.Equal(got, []string{PattiFernandezID, NestorWilkeID, MarketingID, AlexWilberID, MeganBowenID}) {
		t.Errorf("TransitiveMembers: %v", got)
	}
	if got := d.TransitiveGroupsOf(AlexWilberID); !slices.Equal(got, []string{ProductTeamID, MarketingID, AllCompanyID, LeadershipID}) {
		t.Errorf("TransitiveGroupsOf: %v", got)
	}
	if n := PhotoSize(SeedPhoto(0)); n != 648 {
		t.Errorf("seeded photo size %d", n)
	}
	small, err := ScalePhoto(SeedPhoto(0), 48)
	if err != nil || PhotoSize(small) != 48 {
		t.Errorf("ScalePhoto: %v %d", err, PhotoSize(small))
	}
}
