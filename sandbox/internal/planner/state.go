package planner

import (
	"context"
	"encoding/json"
	"fmt"
	"strings"
	"time"

	"github.com/authsome-go/authsome/sandbox/internal/directory"
	"github.com/authsome-go/authsome/sandbox/internal/graphkit"
)

// Journal keys: graphkit.SeqKey (the counter), "plan/<id>" (a plan with its
// details), "bucket/<id>" and "task/<id>" (a task with its details and
// board formats).

func planKey(id string) string   { return "plan/" + id }
func bucketKey(id string) string { return "bucket/" + id }
func taskKey(id string) string   { return "task/" + id }

// Name implements graphkit.Store.
func (s *Workload) Name() string { return Name }

// Reset puts the seeded plan back.
func (s *Workload) Reset() {
	fresh := seedStore()
	s.mu.Lock()
	s.store = fresh
	s.mu.Unlock()
}

// Snapshot returns every plan, bucket and task.
func (s *Workload) Snapshot() (json.RawMessage, error) {
	s.mu.Lock()
	defer s.mu.Unlock()
	return json.Marshal(s.store)
}

// Restore replaces the state with a snapshot.
func (s *Workload) Restore(data json.RawMessage) error {
	st := &store{}
	if err := json.Unmarshal(data, st); err != nil {
		return err
	}
	s.mu.Lock()
	s.store = st
	s.mu.Unlock()
	return nil
}

// Record emits the current value of each key (nil when it is gone).
func (s *Workload) Record(keys []string, emit func(key string, v json.RawMessage) error) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	return graphkit.RecordValues(keys, emit, func(key string) (any, error) {
		if key == graphkit.SeqKey {
			return s.Seq, nil
		}
		kind, id, _ := strings.Cut(key, "/")
		switch kind {
		case "plan":
			if p := s.findPlan(id); p != nil {
				return p, nil
			}
		case "bucket":
			if b := s.findBucket(id); b != nil {
				return b, nil
			}
		case "task":
			if t := s.findTask(id); t != nil {
				return t, nil
			}
		default:
			return nil, fmt.Errorf("planner: no journaled kind %q", kind)
		}
		return nil, nil
	})
}

// Apply sets key to v (nil: removes it) while the journal is replayed.
func (s *Workload) Apply(key string, v json.RawMessage) error {
	s.mu.Lock()
	defer s.mu.Unlock()
	if key == graphkit.SeqKey {
		return json.Unmarshal(v, &s.Seq)
	}
	kind, id, _ := strings.Cut(key, "/")
	var err error
	switch kind {
	case "plan":
		s.Plans, err = graphkit.ApplyList(s.Plans, id, func(p *plan) string { return p.ID }, v)
	case "bucket":
		s.Buckets, err = graphkit.ApplyList(s.Buckets, id, func(b *bucket) string { return b.ID }, v)
	case "task":
		s.Tasks, err = graphkit.ApplyList(s.Tasks, id, func(t *task) string { return t.ID }, v)
	default:
		err = fmt.Errorf("planner: no journaled kind %q", kind)
	}
	return err
}

// bg is the context of seeding: nothing is journaled.
var bg = context.Background()

var seedTime = time.Date(2025, 2, 10, 9, 0, 0, 0, time.UTC)

// The seeded plan "Launch" of the Product Team group, its bucket "To do"
// and its task "Run the beta programme" (with a checklist and a reference).
var (
	LaunchPlanID   = plannerID("plannerPlan", "Launch")
	LaunchBucketID = plannerID("plannerBucket", "Launch", "To do")
	LaunchTaskID   = plannerID("plannerTask", "Launch", "Run the beta programme")
)

// seedStore returns the seeded tenant's Planner data: the Product Team's
// plan "Launch" with the buckets To do, In progress and Done, and tasks
// assigned to the group's members, one with a checklist and a reference;
// the same on every run and every Reset.
func seedStore() *store {
	st := &store{Seq: 1} // the seeded entities are at version 1
	owner := directory.MeganBowenID
	p := &plan{ID: LaunchPlanID, Title: "Launch", Group: directory.ProductTeamID, CreatedBy: owner, Created: seedTime,
		Ver: 1, DetailsVer: 1, SharedWith: map[string]bool{},
		Categories: map[string]string{"category1": "Marketing", "category2": "Engineering", "category3": "Blocked"}}
	st.Plans = append(st.Plans, p)
	var prev string
	for _, name := range []string{"To do", "In progress", "Done"} {
		b := &bucket{ID: plannerID("plannerBucket", "Launch", name), Name: name, PlanID: p.ID, OrderHint: between(prev, ""), Ver: 1}
		prev = b.OrderHint
		st.Buckets = append(st.Buckets, b)
	}
	add := func(title string, b, percent, prio int, who ...string) *task {
		t := &task{ID: plannerID("plannerTask", "Launch", title), PlanID: p.ID, BucketID: st.Buckets[b].ID, Title: title,
			Percent: percent, Priority: prio, Created: seedTime, CreatedBy: owner, PreviewType: "automatic",
			Assignments: map[string]*assignment{}, Categories: map[string]bool{},
			Ver: 1, DetailsVer: 1, BucketBoardVer: 1, ProgressBoardVer: 1, AssignedBoardVer: 1}
		t.OrderHint = between("", firstHint(st.taskHints(p.ID)))
		t.AssigneePriority, t.BucketBoardHint, t.ProgressBoardHint, t.UnassignedHint = t.OrderHint, t.OrderHint, t.OrderHint, t.OrderHint
		for _, u := range who {
			t.Assignments[u] = &assignment{By: owner, At: seedTime, OrderHint: between("", "")}
		}
		if percent == 100 {
			t.Completed, t.CompletedBy = seedTime.AddDate(0, 0, 1), who[0]
		}
		st.Tasks = append(st.Tasks, t)
		return t
	}
	add("Publish the release notes", 0, 0, 5, directory.AdeleVanceID).Due = seedTime.AddDate(0, 0, 14)
	beta := add("Run the beta programme", 1, 50, 3, directory.AlexWilberID, directory.MeganBowenID)
	beta.Start, beta.Due, beta.Categories["category2"] = seedTime, seedTime.AddDate(0, 0, 7), true
	beta.Description = "Recruit ten customers, collect their feedback and triage it weekly."
	beta.PreviewType = "checklist"
	beta.Checklist = map[string]*checkItem{}
	var hint string
	for i, item := range []string{"Invite the beta customers", "Ship the beta build", "Review the feedback"} {
		hint = between(hint, "")
		beta.Checklist[seedGUID(i)] = &checkItem{Title: item, IsChecked: i == 0, OrderHint: hint, By: owner, At: seedTime}
	}
	beta.References = map[string]*reference{
		encodeRefURL("https://tracker." + directory.TenantDomain + "/launch/42"): {Alias: "Launch epic", Type: "Other", PreviewPriority: " !", By: owner, At: seedTime},
	}
	add("Book the launch venue", 2, 100, 9, directory.MeganBowenID).Categories["category1"] = true
	return st
}

// seedGUID is the checklist key of the seeded item i.
func seedGUID(i int) string { return fmt.Sprintf("5b2c7e10-3f4a-4d8e-9a1b-0c6d2e8f%04d", i) }

// taskHints are the order hints of plan's tasks.
func (st *store) taskHints(planID string) []string {
	var out []string
	for _, t := range st.Tasks {
		if t.PlanID == planID {
			out = append(out, t.OrderHint)
		}
	}
	return out
}
