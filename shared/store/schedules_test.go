package store_test

import (
	"testing"
	"time"

	"tribune/shared/rewards"
	"tribune/shared/schedule"
)

// The local scheduler keeps schedules in the table: a schedule moved before it ran runs
// at its new time, a cancelled one never, a done one is gone; and a schedule that was
// moved while it ran is not removed by the end of the old run.
func TestLocalSchedulesRunWhenDueOnce(t *testing.T) {
	t.Parallel()
	st, _ := newStore(t)
	sch := st.Schedules()
	now := time.Date(2026, 12, 1, 9, 0, 0, 0, time.UTC)
	must := func(err error) {
		t.Helper()
		if err != nil {
			t.Fatal(err)
		}
	}
	must(sch.At(ctx, "campaign-c1-start", now.Add(time.Hour), schedule.Job{Kind: rewards.JobCampaignStart, ID: "c1"}))
	must(sch.At(ctx, "campaign-c1-end", now.Add(2*time.Hour), schedule.Job{Kind: rewards.JobCampaignEnd, ID: "c1"}))
	must(sch.At(ctx, "campaign-c2-end", now.Add(30*time.Minute), schedule.Job{Kind: rewards.JobCampaignEnd, ID: "c2"}))
	if err := sch.At(ctx, "bad name/with slash", now, schedule.Job{}); err == nil {
		t.Fatal("a name EventBridge Scheduler refuses was taken")
	}
	due, err := sch.DueSchedules(ctx, now)
	must(err)
	if len(due) != 0 {
		t.Fatalf("due before their time: %+v", due)
	}
	// Moved earlier, then cancelled.
	must(sch.At(ctx, "campaign-c1-start", now.Add(10*time.Minute), schedule.Job{Kind: rewards.JobCampaignStart, ID: "c1"}))
	must(sch.Cancel(ctx, "campaign-c2-end"))
	due, err = sch.DueSchedules(ctx, now.Add(3*time.Hour))
	must(err)
	if len(due) != 2 || due[0].Name != "campaign-c1-start" || due[1].Name != "campaign-c1-end" || due[0].Job.ID != "c1" {
		t.Fatalf("due: %+v", due)
	}
	// The end moved while its run was going on: the old run's end keeps the new one.
	must(sch.At(ctx, "campaign-c1-end", now.Add(5*time.Hour), schedule.Job{Kind: rewards.JobCampaignEnd, ID: "c1"}))
	must(sch.ScheduleDone(ctx, "campaign-c1-end", due[1].At))
	must(sch.ScheduleDone(ctx, "campaign-c1-start", due[0].At))
	due, err = sch.DueSchedules(ctx, now.Add(6*time.Hour))
	must(err)
	if len(due) != 1 || due[0].Name != "campaign-c1-end" || !due[0].At.Equal(now.Add(5*time.Hour)) {
		t.Fatalf("after the runs: %+v", due)
	}
}
