package msgraph

import (
	"errors"
	"slices"
	"testing"

	"github.com/authsome-go/authsome/sandbox"
)

// directoryIDs collects the ids of an iteration of directory objects.
func directoryIDs(t *testing.T, seq func(func(*DirectoryObject, error) bool)) []string {
	t.Helper()
	var out []string
	for o, err := range seq {
		if err != nil {
			t.Fatal(err)
		}
		out = append(out, o.ID)
	}
	return out
}

// TestSandboxGroups: the seeded groups are listed and filtered; a Microsoft
// 365 group is created, found by mail, updated, gets members and owners
// added and removed, and is deleted.
func TestSandboxGroups(t *testing.T) {
	c, _, _ := onSandbox(t, "Group.ReadWrite.All", "User.ReadBasic.All")
	ctx := t.Context()
	var names []string
	for g, err := range c.Groups.ListIter(ctx, &ListOptions{Top: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		names = append(names, g.DisplayName)
	}
	if !slices.Equal(names, []string{"Product Team", "Marketing", "Leadership", "All Company"}) {
		t.Errorf("ListIter: %v", names)
	}
	unified, _, err := c.Groups.List(ctx, &ListOptions{Filter: "groupTypes/any(c:c eq 'Unified')"})
	if err != nil || len(unified) != 2 || !unified[0].MailEnabled || unified[0].Mail == "" {
		t.Errorf("Unified groups: %+v %v", unified, err)
	}
	if gs, _, err := c.Groups.List(ctx, &ListOptions{Filter: "startswith(displayName,'lead')"}); err != nil || len(gs) != 1 || gs[0].ID != sandbox.LeadershipGroupID {
		t.Errorf("startswith: %+v %v", gs, err)
	}
	gs, resp, err := c.Groups.List(ctx, &ListOptions{Search: "displayName:market", Count: true})
	if err != nil || len(gs) != 1 || gs[0].ID != sandbox.MarketingGroupID || resp.Count != 1 {
		t.Errorf("$search with $count: %+v %v", gs, err)
	}

	made, _, err := c.Groups.Create(ctx, &Group{DisplayName: "Launch crew", MailNickname: "launch", MailEnabled: true, GroupTypes: []string{"Unified"}})
	if err != nil || made.ID == "" || made.Visibility != "Public" {
		t.Fatalf("Create: %+v %v", made, err)
	}
	byMail, _, err := c.Groups.GetByMail(ctx, "launch@"+sandbox.TenantDomain)
	if err != nil || byMail.ID != made.ID {
		t.Errorf("GetByMail: %+v %v", byMail, err)
	}
	if _, _, err := c.Groups.GetByMail(ctx, "nobody@"+sandbox.TenantDomain); !IsNotFound(err) {
		t.Errorf("GetByMail of no group: %v", err)
	}
	desc := "Ships the launch."
	if _, err := c.Groups.Update(ctx, made.ID, &GroupUpdate{Description: &desc}); err != nil {
		t.Fatal(err)
	}
	if g, _, err := c.Groups.Get(ctx, made.ID, nil); err != nil || g.Description != desc || g.DisplayName != "Launch crew" {
		t.Errorf("after Update: %+v %v", g, err)
	}
	if owners := directoryIDs(t, c.Groups.ListOwnersIter(ctx, made.ID, nil)); !slices.Equal(owners, []string{sandbox.Users()[0].ID}) {
		t.Errorf("the creator does not own the group: %v", owners)
	}
	for _, id := range []string{sandbox.AlexWilberID, sandbox.MarketingGroupID} {
		if _, err := c.Groups.AddMember(ctx, made.ID, id); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := c.Groups.AddMember(ctx, made.ID, sandbox.AlexWilberID); StatusCode(err) != 400 {
		t.Errorf("adding a member twice: %v", err)
	}
	if _, err := c.Groups.AddOwner(ctx, made.ID, sandbox.MeganBowenID); err != nil {
		t.Fatal(err)
	}
	members, _, err := c.Groups.ListMembers(ctx, made.ID, nil)
	if err != nil || len(members) != 2 || members[0].ODataType != "#microsoft.graph.user" || members[1].ODataType != "#microsoft.graph.group" {
		t.Errorf("ListMembers: %+v %v", members, err)
	}
	if _, err := c.Groups.RemoveMember(ctx, made.ID, sandbox.AlexWilberID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Groups.RemoveOwner(ctx, made.ID, sandbox.MeganBowenID); err != nil {
		t.Fatal(err)
	}
	if _, err := c.Groups.RemoveMember(ctx, made.ID, "../"+sandbox.MarketingGroupID); !IsNotFound(err) {
		t.Errorf("an id with a slash stays one segment: %v", err)
	}
	if got := directoryIDs(t, c.Groups.ListMembersIter(ctx, made.ID, nil)); !slices.Equal(got, []string{sandbox.MarketingGroupID}) {
		t.Errorf("members after RemoveMember: %v", got)
	}
	if _, err := c.Groups.Delete(ctx, made.ID); err != nil {
		t.Fatal(err)
	}
	_, _, err = c.Groups.Get(ctx, made.ID, nil)
	var ge *Error
	if !errors.As(err, &ge) || ge.Code != "Request_ResourceNotFound" {
		t.Errorf("deleted group: %v", err)
	}
}

// TestSandboxGroupsNested: transitive members and memberships follow nested
// groups; direct ones do not.
func TestSandboxGroupsNested(t *testing.T) {
	c, _, _ := onSandbox(t, "GroupMember.Read.All", "User.Read")
	ctx := t.Context()
	want := []string{sandbox.PattiFernandezID, sandbox.NestorWilkeID, sandbox.MarketingGroupID, sandbox.AlexWilberID, sandbox.MeganBowenID}
	if got := directoryIDs(t, c.Groups.ListTransitiveMembersIter(ctx, sandbox.LeadershipGroupID, nil)); !slices.Equal(got, want) {
		t.Errorf("ListTransitiveMembersIter: %v", got)
	}
	if first, _, err := c.Groups.ListTransitiveMembers(ctx, sandbox.LeadershipGroupID, &ListOptions{Top: 2}); err != nil || len(first) != 2 {
		t.Errorf("ListTransitiveMembers: %d %v", len(first), err)
	}
	direct, _, err := c.Groups.ListMemberOf(ctx, sandbox.AlexWilberID, nil)
	if err != nil || len(direct) != 3 {
		t.Errorf("ListMemberOf: %+v %v", direct, err)
	}
	if got := directoryIDs(t, c.Groups.ListTransitiveMemberOfIter(ctx, sandbox.AlexWilberID, nil)); !slices.Contains(got, sandbox.LeadershipGroupID) || len(got) != 4 {
		t.Errorf("ListTransitiveMemberOfIter: %v", got)
	}
	if got := directoryIDs(t, c.Groups.ListMemberOfIter(ctx, "me", nil)); !slices.Equal(got, []string{sandbox.ProductTeamGroupID, sandbox.AllCompanyGroupID}) {
		t.Errorf("ListMemberOfIter(me): %v", got)
	}
	if first, _, err := c.Groups.ListTransitiveMemberOf(ctx, "me", nil); err != nil || len(first) != 2 {
		t.Errorf("ListTransitiveMemberOf(me): %v", err)
	}
	if owners, _, err := c.Groups.ListOwners(ctx, sandbox.LeadershipGroupID, nil); err != nil || len(owners) != 1 || owners[0].ID != sandbox.PattiFernandezID {
		t.Errorf("ListOwners: %+v %v", owners, err)
	}
	if _, err := c.Groups.AddMember(ctx, sandbox.LeadershipGroupID, sandbox.AdeleVanceID); StatusCode(err) != 403 {
		t.Errorf("AddMember with read permissions: %v", err)
	}
}
