package msgraph

import (
	"errors"
	"slices"
	"sort"
	"testing"
	"time"

	"github.com/authsome-go/authsome/sandbox"
)

// launchPlan finds the seeded plan "Launch" of the Product Team.
func launchPlan(t *testing.T, c *Client) *PlannerPlan {
	t.Helper()
	for p, err := range c.Planner.ListGroupPlansIter(t.Context(), sandbox.ProductTeamGroupID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		if p.Title == "Launch" {
			return p
		}
	}
	t.Fatal("no seeded plan Launch")
	return nil
}

func seededUser(t *testing.T, id string) sandbox.User {
	t.Helper()
	i := slices.IndexFunc(sandbox.Users(), func(u sandbox.User) bool { return u.ID == id })
	if i < 0 {
		t.Fatalf("no seeded user %s", id)
	}
	return sandbox.Users()[i]
}

// TestSandboxPlannerPlans drives the plan methods: the seeded plan of a
// group, my plans, a new plan renamed, its details, and its delete; every
// change takes the ETag of the last read.
func TestSandboxPlannerPlans(t *testing.T) {
	c, _, _ := onSandbox(t, "Tasks.ReadWrite")
	ctx := t.Context()
	launch := launchPlan(t, c)
	if launch.Container.ContainerID != sandbox.ProductTeamGroupID || launch.ETag == "" || launch.CreatedBy.User.ID != sandbox.MeganBowenID {
		t.Errorf("seeded plan: %+v", launch)
	}
	mine, _, err := c.Planner.ListMyPlans(ctx, nil)
	if err != nil || len(mine) != 1 || mine[0].ID != launch.ID {
		t.Errorf("ListMyPlans: %+v %v", mine, err)
	}
	n := 0
	for _, err := range c.Planner.ListMyPlansIter(ctx, &ListOptions{Top: 1}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("ListMyPlansIter: %d plans", n)
	}
	plans, _, err := c.Planner.ListGroupPlans(ctx, sandbox.ProductTeamGroupID, &ListOptions{Select: []string{"id", "title"}})
	if err != nil || len(plans) != 1 || plans[0].Title != "Launch" {
		t.Errorf("ListGroupPlans: %+v %v", plans, err)
	}

	plan, _, err := c.Planner.CreatePlan(ctx, sandbox.ProductTeamGroupID, "Offsite")
	if err != nil || plan.Owner != sandbox.ProductTeamGroupID || plan.ETag == "" {
		t.Fatalf("CreatePlan: %+v %v", plan, err)
	}
	renamed, _, err := c.Planner.UpdatePlan(ctx, plan.ID, plan.ETag, &PlannerPlanUpdate{Title: Ptr("Team offsite")})
	if err != nil || renamed.Title != "Team offsite" || renamed.ETag == plan.ETag {
		t.Fatalf("UpdatePlan: %+v %v", renamed, err)
	}
	if got, _, err := c.Planner.GetPlan(ctx, plan.ID); err != nil || got.Title != "Team offsite" || got.ETag != renamed.ETag {
		t.Errorf("GetPlan: %+v %v", got, err)
	}
	if _, _, err := c.Planner.UpdatePlan(ctx, plan.ID, plan.ETag, &PlannerPlanUpdate{Title: Ptr("stale")}); StatusCode(err) != 412 {
		t.Errorf("UpdatePlan with a stale ETag: %v", err)
	}
	if _, _, err := c.Planner.UpdatePlan(ctx, plan.ID, "", &PlannerPlanUpdate{}); !errors.Is(err, ErrNoETag) {
		t.Errorf("UpdatePlan without an ETag: %v", err)
	}

	details, _, err := c.Planner.GetPlanDetails(ctx, launch.ID)
	if err != nil || details.CategoryDescriptions["category1"] != "Marketing" || details.ETag == "" {
		t.Fatalf("GetPlanDetails: %+v %v", details, err)
	}
	upd, _, err := c.Planner.UpdatePlanDetails(ctx, launch.ID, details.ETag, &PlannerPlanDetailsUpdate{
		CategoryDescriptions: map[string]string{"category4": "Legal", "category3": ""}, SharedWith: map[string]bool{sandbox.NestorWilkeID: true}})
	if err != nil || upd.CategoryDescriptions["category4"] != "Legal" || upd.CategoryDescriptions["category3"] != "" || !upd.SharedWith[sandbox.NestorWilkeID] {
		t.Errorf("UpdatePlanDetails: %+v %v", upd, err)
	}
	if _, err := c.Planner.DeletePlan(ctx, plan.ID, plan.ETag); StatusCode(err) != 412 {
		t.Errorf("DeletePlan with a stale ETag: %v", err)
	}
	if _, err := c.Planner.DeletePlan(ctx, plan.ID, renamed.ETag); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Planner.GetPlan(ctx, plan.ID); !IsNotFound(err) {
		t.Errorf("GetPlan after the delete: %v", err)
	}
}

// TestSandboxPlannerBuckets drives buckets: list in order, create (first),
// get, rename and move between two others, delete.
func TestSandboxPlannerBuckets(t *testing.T) {
	c, _, _ := onSandbox(t, "Tasks.ReadWrite")
	ctx := t.Context()
	launch := launchPlan(t, c)
	var names []string
	buckets, _, err := c.Planner.ListBuckets(ctx, launch.ID, nil)
	if err != nil {
		t.Fatal(err)
	}
	sort.Slice(buckets, func(i, j int) bool { return buckets[i].OrderHint < buckets[j].OrderHint })
	for _, b := range buckets {
		names = append(names, b.Name)
	}
	if !slices.Equal(names, []string{"To do", "In progress", "Done"}) {
		t.Errorf("buckets by order hint: %v", names)
	}
	n := 0
	for _, err := range c.Planner.ListBucketsIter(ctx, launch.ID, &ListOptions{Top: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 3 {
		t.Errorf("ListBucketsIter: %d buckets", n)
	}
	review, _, err := c.Planner.CreateBucket(ctx, launch.ID, "Review")
	if err != nil || review.OrderHint >= buckets[0].OrderHint {
		t.Fatalf("CreateBucket (first): %+v %v", review, err)
	}
	// Move Review between In progress and Done.
	moved, _, err := c.Planner.UpdateBucket(ctx, review.ID, review.ETag, &PlannerBucketUpdate{Name: Ptr("In review"),
		OrderHint: Ptr(OrderBetween(buckets[1].OrderHint, buckets[2].OrderHint))})
	if err != nil || moved.Name != "In review" || moved.OrderHint <= buckets[1].OrderHint || moved.OrderHint >= buckets[2].OrderHint {
		t.Fatalf("UpdateBucket: %+v %v", moved, err)
	}
	if got, _, err := c.Planner.GetBucket(ctx, review.ID); err != nil || got.ETag != moved.ETag {
		t.Errorf("GetBucket: %+v %v", got, err)
	}
	if _, err := c.Planner.DeleteBucket(ctx, review.ID, ""); !errors.Is(err, ErrNoETag) {
		t.Errorf("DeleteBucket without an ETag: %v", err)
	}
	if _, err := c.Planner.DeleteBucket(ctx, review.ID, moved.ETag); err != nil {
		t.Fatal(err)
	}
}

// TestSandboxPlannerTasks drives tasks: create assigned, list by plan,
// bucket and user, update, details with a checklist and a reference,
// delete.
func TestSandboxPlannerTasks(t *testing.T) {
	c, _, _ := onSandbox(t, "Tasks.ReadWrite")
	ctx := t.Context()
	launch := launchPlan(t, c)
	review, _, err := c.Planner.CreateBucket(ctx, launch.ID, "Review")
	if err != nil {
		t.Fatal(err)
	}
	due := time.Date(2026, 3, 2, 17, 0, 0, 0, time.UTC)
	task, _, err := c.Planner.CreateTask(ctx, &PlannerTask{PlanID: launch.ID, BucketID: review.ID, Title: "Legal review",
		DueDateTime: due, Assignments: Assign(sandbox.AdeleVanceID, sandbox.AlexWilberID)})
	if err != nil || len(task.Assignments) != 2 || !task.DueDateTime.Equal(due) || task.ETag == "" {
		t.Fatalf("CreateTask: %+v %v", task, err)
	}
	if _, _, err := c.Planner.CreateTask(ctx, &PlannerTask{PlanID: launch.ID, Title: "x", Assignments: Assign(sandbox.NestorWilkeID)}); StatusCode(err) != 400 {
		t.Errorf("assigning a non-member: %v", err)
	}
	inBucket, _, err := c.Planner.ListBucketTasks(ctx, review.ID, nil)
	if err != nil || len(inBucket) != 1 || inBucket[0].ID != task.ID {
		t.Errorf("ListBucketTasks: %+v %v", inBucket, err)
	}
	for got, err := range c.Planner.ListBucketTasksIter(ctx, review.ID, &ListOptions{Top: 1}) {
		if err != nil || got.ID != task.ID {
			t.Errorf("ListBucketTasksIter: %+v %v", got, err)
		}
	}
	all := 0
	for _, err := range c.Planner.ListTasksIter(ctx, launch.ID, &ListOptions{Top: 2}) {
		if err != nil {
			t.Fatal(err)
		}
		all++
	}
	if plan, _, err := c.Planner.ListTasks(ctx, launch.ID, nil); err != nil || len(plan) != all || all != 4 {
		t.Errorf("ListTasks: %d tasks, iterated %d, %v", len(plan), all, err)
	}
	mine := 0
	for _, err := range c.Planner.ListMyTasksIter(ctx, nil) {
		if err != nil {
			t.Fatal(err)
		}
		mine++
	}
	if first, _, err := c.Planner.ListMyTasks(ctx, nil); err != nil || mine != 2 || len(first) != 2 {
		t.Errorf("ListMyTasks: %d, iterated %d, %v", len(first), mine, err)
	}
	done, _, err := c.Planner.UpdateTask(ctx, task.ID, task.ETag, &PlannerTaskUpdate{PercentComplete: Ptr(100), Priority: Ptr(1),
		Assignments: Unassign(sandbox.AlexWilberID), AppliedCategories: map[string]bool{"category2": true}})
	if err != nil || done.PercentComplete != 100 || done.CompletedDateTime.IsZero() || len(done.Assignments) != 1 || !done.AppliedCategories["category2"] {
		t.Fatalf("UpdateTask: %+v %v", done, err)
	}

	details, _, err := c.Planner.GetTaskDetails(ctx, task.ID)
	if err != nil || details.ETag == "" || details.ETag == done.ETag {
		t.Fatalf("GetTaskDetails: %+v %v", details, err)
	}
	ref := ReferenceKey("https://contracts.example/launch.pdf")
	changed, _, err := c.Planner.UpdateTaskDetails(ctx, task.ID, details.ETag, &PlannerTaskDetailsUpdate{Description: Ptr("Check the terms"),
		PreviewType: Ptr("checklist"),
		Checklist:   map[string]*PlannerChecklistItem{"c5a4e7a2-1b3d-4f6e-8a9b-0c1d2e3f4a5b": {Title: "Read the contract"}},
		References:  map[string]*PlannerReference{ref: {Alias: "Contract", Type: "Pdf"}}})
	if err != nil || changed.Description != "Check the terms" || changed.Checklist["c5a4e7a2-1b3d-4f6e-8a9b-0c1d2e3f4a5b"].Title != "Read the contract" ||
		changed.References[ref].Alias != "Contract" || ReferenceURL(ref) != "https://contracts.example/launch.pdf" {
		t.Fatalf("UpdateTaskDetails: %+v %v", changed, err)
	}
	removed, _, err := c.Planner.UpdateTaskDetails(ctx, task.ID, changed.ETag, &PlannerTaskDetailsUpdate{
		Checklist: map[string]*PlannerChecklistItem{"c5a4e7a2-1b3d-4f6e-8a9b-0c1d2e3f4a5b": nil}})
	if err != nil || len(removed.Checklist) != 0 || len(removed.References) != 1 {
		t.Errorf("UpdateTaskDetails removing the item: %+v %v", removed, err)
	}
	after, _, err := c.Planner.GetTask(ctx, task.ID)
	if err != nil || !after.HasDescription || after.ReferenceCount != 1 {
		t.Errorf("GetTask after the details: %+v %v", after, err)
	}
	if _, err := c.Planner.DeleteTask(ctx, task.ID, after.ETag); err != nil {
		t.Fatal(err)
	}
	if _, _, err := c.Planner.GetTask(ctx, task.ID); !IsNotFound(err) {
		t.Errorf("GetTask after the delete: %v", err)
	}
}

// TestSandboxPlannerRace: two clients race on one task with the ETag they
// both read; one wins, the other gets 412, reads the task again and then
// succeeds with the fresh ETag.
func TestSandboxPlannerRace(t *testing.T) {
	adele, s, _ := onSandbox(t, "Tasks.ReadWrite")
	megan := signIn(t, s, seededUser(t, sandbox.MeganBowenID), "Group.ReadWrite.All")
	ctx := t.Context()
	tasks, _, err := adele.Planner.ListTasks(ctx, launchPlan(t, adele).ID, nil)
	if err != nil || len(tasks) == 0 {
		t.Fatalf("ListTasks: %v", err)
	}
	id, tag := tasks[0].ID, tasks[0].ETag
	type result struct {
		who string
		err error
	}
	results := make(chan result, 2)
	for who, c := range map[string]*Client{"adele": adele, "megan": megan} {
		go func() {
			_, _, err := c.Planner.UpdateTask(ctx, id, tag, &PlannerTaskUpdate{Title: Ptr("Renamed by " + who)})
			results <- result{who, err}
		}()
	}
	var winner, loser string
	for range 2 {
		r := <-results
		switch {
		case r.err == nil && winner == "":
			winner = r.who
		case StatusCode(r.err) == 412 && loser == "":
			loser = r.who
		default:
			t.Fatalf("%s: %v (one update must win, the other get 412)", r.who, r.err)
		}
	}
	clients := map[string]*Client{"adele": adele, "megan": megan}
	fresh, _, err := clients[loser].Planner.GetTask(ctx, id)
	if err != nil || fresh.Title != "Renamed by "+winner {
		t.Fatalf("re-read by %s: %+v %v", loser, fresh, err)
	}
	got, _, err := clients[loser].Planner.UpdateTask(ctx, id, fresh.ETag, &PlannerTaskUpdate{Title: Ptr("Renamed by " + loser)})
	if err != nil || got.Title != "Renamed by "+loser {
		t.Errorf("%s after re-reading: %+v %v", loser, got, err)
	}
}

// TestSandboxPlannerUserTasks: a user's tasks, by /me and by id, with
// Tasks.Read; another user's are refused to a delegated caller.
func TestSandboxPlannerUserTasks(t *testing.T) {
	c, _, _ := onSandbox(t, "Tasks.Read")
	ctx := t.Context()
	tasks, _, err := c.Planner.ListUserTasks(ctx, "me", nil)
	if err != nil || len(tasks) != 1 {
		t.Fatalf("ListUserTasks(me): %+v %v", tasks, err)
	}
	n := 0
	for _, err := range c.Planner.ListUserTasksIter(ctx, sandbox.AdeleVanceID, nil) {
		if err != nil {
			t.Fatal(err)
		}
		n++
	}
	if n != 1 {
		t.Errorf("ListUserTasksIter: %d", n)
	}
	if _, _, err := c.Planner.ListUserTasks(ctx, sandbox.MeganBowenID, nil); StatusCode(err) != 403 {
		t.Errorf("another user's tasks, delegated: %v", err)
	}
}
