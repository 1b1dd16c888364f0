package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"sync/atomic"
	"testing"
	"time"

	"tribune/shared/app"
	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/policy"
	"tribune/shared/rewards"
	"tribune/shared/schedule"
)

// ---- helpers of the campaign tests

// meOf is the member id of a signed-in browser.
func (c *community) meOf(who *http.Client) string {
	c.t.Helper()
	var me members.Me
	if status, body := c.call(who, "GET", "/api/me", "", &me); status != 200 {
		c.t.Fatalf("me: %d %s", status, body)
	}
	return me.ID
}

// campaignJSON is a campaign's editor input: a proof challenge paying points (max
// completions each), budget points, starting at start and ending at end.
func campaignJSON(title string, points int64, maxDone int, budget int64, start, end time.Time, extra map[string]any) string {
	in := map[string]any{
		"title": title, "description": "Try **our app** and tell the world.", "disclosure": "I received points for publishing a review.",
		"audience": map[string]any{"kind": "everyone", "spaceIds": []string{}, "roles": []string{}},
		"startsAt": start.UTC().Format(time.RFC3339), "endsAt": end.UTC().Format(time.RFC3339),
		"pointsBudget": budget, "giftBudget": 0,
		"challenges": []map[string]any{{"kind": "proof", "title": "Publish a review", "instructions": "Publish an honest review.",
			"points": points, "maxCompletions": maxDone}},
	}
	for k, v := range extra {
		in[k] = v
	}
	b, _ := json.Marshal(in)
	return string(b)
}

// liveCampaign creates and publishes a campaign that started a minute ago.
func (c *community) liveCampaign(marketer *http.Client, body string) rewards.Campaign {
	c.t.Helper()
	var camp rewards.Campaign
	if status, raw := c.call(marketer, "POST", "/api/campaigns", body, &camp); status != 201 {
		c.t.Fatalf("create campaign: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/state", `{"action":"publish"}`, &camp); status != 200 {
		c.t.Fatalf("publish: %d %s", status, raw)
	}
	return camp
}

func proofJSON(challengeID, url string) string {
	b, _ := json.Marshal(map[string]string{"challengeId": challengeID, "url": url, "text": "My review."})
	return string(b)
}

// balance is a member's spendable points.
func (c *community) balance(memberID string) int64 {
	c.t.Helper()
	acc, err := c.st.Rewards().Account(context.Background(), memberID)
	if err != nil {
		c.t.Fatal(err)
	}
	return acc.Balance
}

// challengePaid is what a member's ledger holds from campaign challenges (the awards
// consumer also pays the community's rules, e.g. a comment's points, into the balance).
func (c *community) challengePaid(memberID string) int64 {
	c.t.Helper()
	entries, _, err := c.st.Rewards().Entries(context.Background(), memberID, "", 100)
	if err != nil {
		c.t.Fatal(err)
	}
	var sum int64
	for _, e := range entries {
		if e.Rule == rewards.RuleChallenge {
			sum += e.Amount
		}
	}
	return sum
}

func (c *community) campaignAsStaff(marketer *http.Client, id string) rewards.Campaign {
	c.t.Helper()
	var v rewards.CampaignView
	if status, raw := c.call(marketer, "GET", "/api/campaigns/"+id, "", &v); status != 200 {
		c.t.Fatalf("campaign: %d %s", status, raw)
	}
	return v.Campaign
}

// ---- tests

// A marketer writes a campaign with a proof challenge and publishes it; a member sees
// it, sends a proof (the disclosure comes with it), the marketer approves it: the
// member is paid once, in the transaction of the approval, and told; the report counts
// every step. A paused or ended campaign takes no proof; bad proofs are refused with
// nothing written.
func TestCampaignProofReviewedAndPaidOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	ann, bob := c.as("ann"), c.as("bob")
	annID := c.meOf(ann)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Review our app", 100, 2, 1000, now.Add(-time.Minute), now.Add(time.Hour), nil))
	if camp.State != rewards.StateLive {
		t.Fatalf("published after its start: %s, want live", camp.State)
	}
	waitFor(t, "campaign.started", func() bool { return c.countEvents("campaign.started", map[string]string{"campaignId": camp.ID}) == 1 })
	ch := camp.Challenges[0].ID

	var list rewards.List
	if status, raw := c.call(ann, "GET", "/api/campaigns", "", &list); status != 200 || len(list.Campaigns) != 1 || list.Campaigns[0].ID != camp.ID {
		t.Fatalf("live campaigns: %d %s", status, raw)
	}
	var view rewards.CampaignView
	if status, raw := c.call(ann, "GET", "/api/campaigns/"+camp.ID, "", &view); status != 200 || !view.CanTakePart || view.Manage {
		t.Fatalf("member's view: %d %s", status, raw)
	}
	// The page tells it was seen (a GET writes nothing): twice, once counted; staff not.
	for _, who := range []*http.Client{ann, ann, marketer} {
		if status, raw := c.call(who, "POST", "/api/campaigns/"+camp.ID+"/seen", "", nil); status != 204 {
			t.Fatalf("seen: %d %s", status, raw)
		}
	}

	// Bad proofs: refused, nothing written.
	before := c.settledSnapshot()
	for _, bad := range []struct{ body, code string }{
		{proofJSON(ch, "javascript:alert(1)"), "invalid_proof_url"},
		{proofJSON(ch, "ftp://example.com/review"), "invalid_proof_url"},
		{proofJSON(ch, "https://user:pw@example.com/review"), "invalid_proof_url"},
		{proofJSON(ch, "https://example.com/"+strings.Repeat("a", 600)), "invalid_proof_url"},
		{proofJSON("ch_nope", "https://example.com/review"), "challenge_not_found"},
		{`{"challengeId":"` + ch + `","url":"https://example.com/r","text":"` + strings.Repeat("x", 2001) + `"}`, "invalid_proof_text"},
	} {
		status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", bad.body, nil)
		if status < 400 || status >= 500 || problemCode(raw) != bad.code {
			t.Errorf("proof %s: %d %s, want %s", bad.body[:min(60, len(bad.body))], status, raw, bad.code)
		}
	}
	if diff := diffTables(before, c.snapshot()); len(diff) > 0 {
		t.Fatalf("a refused proof wrote: %v", diff)
	}

	var sub rewards.Submission
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://Example.com/reviews/tribune/?utm_source=x"), &sub); status != 201 {
		t.Fatalf("submit: %d %s", status, raw)
	}
	if sub.Disclosure != "I received points for publishing a review." || sub.Status != rewards.SubmissionPending {
		t.Fatalf("submission: %+v", sub)
	}
	// The same page, written otherwise, by someone else: refused.
	if status, raw := c.call(bob, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://www.example.com/reviews/tribune#top"), nil); status != 409 || problemCode(raw) != "proof_url_used" {
		t.Fatalf("same address again: %d %s", status, raw)
	}
	// Another member may not read it.
	if status, _ := c.call(bob, "GET", "/api/submissions/"+sub.ID, "", nil); status != 404 {
		t.Fatalf("another member reads a proof: %d", status)
	}

	var q rewards.ReviewQueuePage
	if status, raw := c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/review", "", &q); status != 200 || len(q.Submissions) != 1 {
		t.Fatalf("queue: %d %s", status, raw)
	}
	// A rejection needs a reason.
	if status, raw := c.call(marketer, "POST", "/api/submissions/"+sub.ID+"/review", `{"decision":"reject"}`, nil); status != 400 || problemCode(raw) != "review_reason_required" {
		t.Fatalf("reject without reason: %d %s", status, raw)
	}
	// Ten approvals at once: one pays.
	var ok, conflicts atomic.Int32
	concurrently(t, 10, func(int) {
		status, raw := c.call(marketer, "POST", "/api/submissions/"+sub.ID+"/review", `{"decision":"approve"}`, nil)
		switch {
		case status == 200:
			ok.Add(1)
		case status == 409 && problemCode(raw) == "submission_reviewed":
			conflicts.Add(1)
		default:
			t.Errorf("a concurrent approval of the same proof: %d %s", status, raw)
		}
	})
	if ok.Load() != 1 || conflicts.Load() != 9 {
		t.Fatalf("10 approvals at once: %d approved, %d conflicts", ok.Load(), conflicts.Load())
	}
	if got := c.balance(annID); got != 100 {
		t.Fatalf("balance %d, want 100", got)
	}
	if n := c.countEvents("submission.reviewed", map[string]string{"submissionId": sub.ID, "status": "approved"}); n != 1 {
		t.Fatalf("%d submission.reviewed events", n)
	}
	if n := c.countEvents("challenge.completed", map[string]string{"memberId": annID}); n != 1 {
		t.Fatalf("%d challenge.completed events", n)
	}
	if n := c.inbox(ann, "proof_approved"); n.PostTitle != "Review our app" {
		t.Fatalf("notice %+v", n)
	}

	// Paused: no proof; resumed: proofs again; ended: none.
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/state", `{"action":"pause"}`, nil); status != 200 {
		t.Fatalf("pause: %d %s", status, raw)
	}
	if status, raw := c.call(bob, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://bob.example/review"), nil); status != 409 || problemCode(raw) != "campaign_not_live" {
		t.Fatalf("proof to a paused campaign: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/state", `{"action":"resume"}`, nil); status != 200 {
		t.Fatalf("resume: %d %s", status, raw)
	}
	var bobSub rewards.Submission
	if status, raw := c.call(bob, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://bob.example/review"), &bobSub); status != 201 {
		t.Fatalf("proof after resume: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "POST", "/api/submissions/"+bobSub.ID+"/review", `{"decision":"reject","reason":"The page does not mention the product."}`, nil); status != 200 {
		t.Fatalf("reject: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/state", `{"action":"end"}`, nil); status != 200 || !strings.Contains(raw, `"state":"ended"`) {
		t.Fatalf("end: %d %s", status, raw)
	}
	// (Another address: the same request within 5 minutes is answered with its first answer.)
	if status, raw := c.call(bob, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://bob.example/review-2"), nil); status != 409 || problemCode(raw) != "campaign_not_live" {
		t.Fatalf("proof to an ended campaign: %d %s", status, raw)
	}
	waitFor(t, "campaign.ended", func() bool { return c.countEvents("campaign.ended", map[string]string{"campaignId": camp.ID}) == 1 })

	var rep rewards.CampaignReport
	if status, raw := c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/report", "", &rep); status != 200 {
		t.Fatalf("report: %d %s", status, raw)
	}
	want := rewards.Funnel{Saw: 1, Joined: 2, Submitted: 2, Approved: 1}
	if rep.Funnel != want || rep.Cost.PointsPaid != 100 || rep.Cost.PointsBudgetLeft != 900 || rep.Rejected != 1 {
		t.Fatalf("report %+v, want funnel %+v, 100 points paid, 900 left, 1 rejected", rep, want)
	}
	// Members cannot read the report.
	if status, _ := c.call(ann, "GET", "/api/campaigns/"+camp.ID+"/report", "", nil); status != 403 {
		t.Fatalf("a member reads the report: %d", status)
	}
}

// Nobody reviews their own proof; staff take no part in campaigns.
func TestCampaignNobodyReviewsTheirOwnProof(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("ada", policy.RoleAdmin)
	marketer := c.as("mia", policy.RoleMarketer)
	ann := c.as("ann")
	annID := c.meOf(ann)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Reviews", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour), nil))
	ch := camp.Challenges[0].ID
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://mia.example/r"), nil); status != 403 || problemCode(raw) != "staff_take_no_part" {
		t.Fatalf("staff submits: %d %s", status, raw)
	}
	var sub rewards.Submission
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://ann.example/r"), &sub); status != 201 {
		t.Fatalf("submit: %d %s", status, raw)
	}
	// Ann becomes a marketer: she may review, but not her own proof.
	c.setRoles(admin, annID, policy.RoleMember, policy.RoleMarketer)
	if status, raw := c.call(ann, "POST", "/api/submissions/"+sub.ID+"/review", `{"decision":"approve"}`, nil); status != 403 || problemCode(raw) != "own_submission" {
		t.Fatalf("own review: %d %s", status, raw)
	}
	if got := c.balance(annID); got != 0 {
		t.Fatalf("balance %d after a refused review", got)
	}
}

// A campaign's points budget is never overspent: five approvals at once of a 100-point
// challenge under a 250-point budget pay two; every balance is exact.
func TestCampaignBudgetNeverOverspent(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Budget", 100, 1, 250, now.Add(-time.Minute), now.Add(time.Hour), nil))
	ch := camp.Challenges[0].ID
	var subs []rewards.Submission
	var ids []string
	for i := range 5 {
		who := c.as(fmt.Sprintf("m%d", i))
		ids = append(ids, c.meOf(who))
		var sub rewards.Submission
		if status, raw := c.call(who, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, fmt.Sprintf("https://m%d.example/r", i)), &sub); status != 201 {
			t.Fatalf("submit: %d %s", status, raw)
		}
		subs = append(subs, sub)
	}
	var paid, spent atomic.Int32
	concurrently(t, 5, func(i int) {
		status, raw := c.call(marketer, "POST", "/api/submissions/"+subs[i].ID+"/review", `{"decision":"approve"}`, nil)
		switch {
		case status == 200:
			paid.Add(1)
		case status == 409 && problemCode(raw) == "campaign_budget_spent":
			spent.Add(1)
		default:
			t.Errorf("approval: %d %s", status, raw)
		}
	})
	if paid.Load() != 2 || spent.Load() != 3 {
		t.Fatalf("%d paid, %d refused, want 2 and 3", paid.Load(), spent.Load())
	}
	var total int64
	for _, id := range ids {
		total += c.balance(id)
	}
	got := c.campaignAsStaff(marketer, camp.ID)
	if total != 200 || got.PointsBudgetLeft != 50 || got.Counts.PointsPaid != 200 || got.Counts.Approved != 2 {
		t.Fatalf("balances %d, budget left %d, paid %d, approved %d", total, got.PointsBudgetLeft, got.Counts.PointsPaid, got.Counts.Approved)
	}
}

// The state is derived from the stored state and the times: a campaign whose start
// schedule has not run yet is live once its start has come, and ended once its end has
// passed; the late schedules then tell campaign.started and campaign.ended, once.
func TestCampaignStateFollowsTheTimesWhenSchedulesAreLate(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	ann := c.as("ann")
	// 10 s ahead: on a loaded machine creating and publishing took over 3 s (CI, stop 23).
	start := time.Now().Add(10 * time.Second).Truncate(time.Second).Add(time.Second)
	end := start.Add(3 * time.Second)
	camp := c.liveCampaign(marketer, campaignJSON("Soon", 10, 1, 100, start, end, nil))
	if camp.State != rewards.StateScheduled {
		t.Fatalf("published before its start: %s", camp.State)
	}
	if status, _ := c.call(ann, "GET", "/api/campaigns/"+camp.ID, "", nil); status != 404 {
		t.Fatalf("a member reads a scheduled campaign: %d", status)
	}
	time.Sleep(time.Until(start) + 100*time.Millisecond)
	var v rewards.CampaignView
	if status, raw := c.call(ann, "GET", "/api/campaigns/"+camp.ID, "", &v); status != 200 || v.Campaign.State != rewards.StateLive {
		t.Fatalf("after its start, schedule not run: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(camp.Challenges[0].ID, "https://ann.example/r"), nil); status != 201 {
		t.Fatalf("proof once live: %d %s", status, raw)
	}
	time.Sleep(time.Until(end) + 100*time.Millisecond)
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/trial", `{"motivation":""}`, nil); status != 409 || problemCode(raw) != "campaign_not_live" {
		t.Fatalf("after its end, schedule not run: %d %s", status, raw)
	}
	if n := c.countEvents("campaign.started", map[string]string{"campaignId": camp.ID}); n != 0 {
		t.Fatalf("%d campaign.started before the schedule ran", n)
	}
	d := app.Deps{Store: c.st}
	for range 2 { // a schedule that runs twice tells once
		if err := app.RunDueSchedules(context.Background(), d, time.Now()); err != nil {
			t.Fatal(err)
		}
	}
	// A repeated delivery of the start job after the end changes nothing either.
	if err := app.Clock(d)(context.Background(), scheduleJob(rewards.JobCampaignStart, camp.ID)); err != nil {
		t.Fatal(err)
	}
	for _, dt := range []string{"campaign.started", "campaign.ended"} {
		if n := c.countEvents(dt, map[string]string{"campaignId": camp.ID}); n != 1 {
			t.Fatalf("%d %s events, want 1", n, dt)
		}
	}
	if got := c.campaignAsStaff(marketer, camp.ID); got.State != rewards.StateEnded || got.StartedAt == nil || got.EndedAt == nil {
		t.Fatalf("after the schedules: %+v", got)
	}
}

// Drafts and scheduled campaigns are invisible to members; a campaign for some spaces
// or some roles is invisible to everyone else (404, the same as none).
func TestCampaignAudienceAndDraftsAreHidden(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.hiddenSpace(admin, "Beta testers", ann)
	now := time.Now()
	var draft rewards.Campaign
	c.call(marketer, "POST", "/api/campaigns", campaignJSON("Draft", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour), nil), &draft)
	if status, _ := c.call(ann, "GET", "/api/campaigns/"+draft.ID, "", nil); status != 404 {
		t.Fatalf("a member reads a draft: %d", status)
	}
	spaces := c.liveCampaign(marketer, campaignJSON("Spaces", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"audience": map[string]any{"kind": "spaces", "spaceIds": []string{sp.ID}, "roles": []string{}}}))
	var v rewards.CampaignView
	status, raw := c.call(ann, "GET", "/api/campaigns/"+spaces.ID, "", &v)
	if status != 200 {
		t.Fatalf("a member of the space: %d %s", status, raw)
	}
	// A member reads neither the report's counters nor the staff's fields (budgets,
	// author, audience), in the campaign or in the list; its staff read them all.
	var annList rewards.List
	_, rawList := c.call(ann, "GET", "/api/campaigns", "", &annList)
	for _, leak := range []string{`"counts"`, `"pointsBudget`, `"giftBudget`, `"createdBy"`, `"audience"`, sp.ID} {
		if strings.Contains(raw, leak) || strings.Contains(rawList, leak) {
			t.Errorf("a member reads %s: %s %s", leak, raw, rawList)
		}
	}
	if strings.Contains(rawList, `"joined"`) {
		t.Errorf("a member's list counts who joined: %s", rawList)
	}
	if got := c.campaignAsStaff(marketer, spaces.ID); got.PointsBudget != 100 || got.CreatedBy == "" || len(got.Audience.SpaceIDs) != 1 {
		t.Errorf("the staff's view lost its fields: %+v", got)
	}
	if status, _ := c.call(bob, "GET", "/api/campaigns/"+spaces.ID, "", nil); status != 404 {
		t.Fatalf("a member outside the space: %d", status)
	}
	if status, raw := c.call(bob, "POST", "/api/campaigns/"+spaces.ID+"/join", "", nil); status != 404 {
		t.Fatalf("joining from outside the audience: %d %s", status, raw)
	}
	var list rewards.List
	c.call(bob, "GET", "/api/campaigns", "", &list)
	if len(list.Campaigns) != 0 {
		t.Fatalf("bob lists %+v", list.Campaigns)
	}
	// Members may not run campaigns.
	if status, _ := c.call(ann, "POST", "/api/campaigns", campaignJSON("Mine", 10, 1, 100, now, now.Add(time.Hour), nil), nil); status != 403 {
		t.Fatalf("a member creates a campaign: %d", status)
	}
}

// Bad campaigns are refused with the field at fault and nothing written.
func TestCampaignBadInputIsRefused(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	now := time.Now()
	ok := func(extra map[string]any) string {
		return campaignJSON("Fine", 10, 1, 100, now, now.Add(time.Hour), extra)
	}
	cases := []struct {
		name, body, code string
	}{
		{"no title", campaignJSON("", 10, 1, 100, now, now.Add(time.Hour), nil), "invalid_campaign_title"},
		{"long title", campaignJSON(strings.Repeat("t", 121), 10, 1, 100, now, now.Add(time.Hour), nil), "invalid_campaign_title"},
		{"end before start", campaignJSON("x", 10, 1, 100, now, now.Add(-time.Hour), nil), "invalid_campaign_dates"},
		{"over a year", campaignJSON("x", 10, 1, 100, now, now.Add(400*24*time.Hour), nil), "invalid_campaign_dates"},
		{"no disclosure", ok(map[string]any{"disclosure": " "}), "invalid_disclosure"},
		{"negative budget", campaignJSON("x", 10, 1, -1, now, now.Add(time.Hour), nil), "invalid_budget"},
		{"points without budget", campaignJSON("x", 10, 1, 0, now, now.Add(time.Hour), nil), "points_without_budget"},
		{"bad audience", ok(map[string]any{"audience": map[string]any{"kind": "spaces", "spaceIds": []string{}, "roles": []string{}}}), "invalid_audience"},
		{"bad role", ok(map[string]any{"audience": map[string]any{"kind": "roles", "spaceIds": []string{}, "roles": []string{"king"}}}), "invalid_audience"},
		{"nothing to do", ok(map[string]any{"challenges": []any{}}), "campaign_empty"},
		{"bad kind", ok(map[string]any{"challenges": []any{map[string]any{"kind": "magic", "title": "x", "points": 1, "maxCompletions": 1}}}), "invalid_challenge_kind"},
		{"bad max", ok(map[string]any{"challenges": []any{map[string]any{"kind": "proof", "title": "x", "points": 1, "maxCompletions": 0}}}), "invalid_max_completions"},
		{"bad action", ok(map[string]any{"challenges": []any{map[string]any{"kind": "auto", "title": "x", "points": 1, "maxCompletions": 1, "action": "dance", "count": 1}}}), "invalid_challenge_action"},
		{"bad trial", ok(map[string]any{"trial": map[string]any{"offer": "Try it", "instructions": "code", "slots": 0}}), "invalid_trial"},
		{"image not uploaded", ok(map[string]any{"imageKey": "rewards/campaigns/nope.png"}), "campaign_image_not_uploaded"},
		{"unknown audience space", ok(map[string]any{"audience": map[string]any{"kind": "spaces", "spaceIds": []string{"s_nope"}, "roles": []string{}}}), "unknown_space"},
		{"unknown challenge space", ok(map[string]any{"challenges": []any{map[string]any{"kind": "auto", "title": "x", "points": 1, "maxCompletions": 1, "action": "comment", "count": 1, "spaceId": "s_nope"}}}), "unknown_space"},
	}
	before := c.settledSnapshot()
	for _, tc := range cases {
		status, raw := c.call(marketer, "POST", "/api/campaigns", tc.body, nil)
		if status != 400 || problemCode(raw) != tc.code {
			t.Errorf("%s: %d %s, want 400 %s", tc.name, status, raw, tc.code)
		}
	}
	if diff := diffTables(before, c.snapshot()); len(diff) > 0 {
		t.Fatalf("refused campaigns wrote: %v", diff)
	}
}

// Trial slots are never over-given: four approvals at once of a two-slot trial approve
// two; the approved members read the instructions, nobody else does.
func TestCampaignTrialSlotsAreNeverOverGiven(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Trial", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"trial": map[string]any{"offer": "Try the Pro plan for a month.", "instructions": "Use the code PRO-4711.", "slots": 2}}))
	who, ids := c.trialApplicants(camp.ID, 4)
	if status, raw := c.call(who[0], "POST", "/api/campaigns/"+camp.ID+"/trial", `{"motivation":"again"}`, nil); status != 409 || problemCode(raw) != "trial_already_applied" {
		t.Fatalf("second application: %d %s", status, raw)
	}
	var apps rewards.Applications
	if status, raw := c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/trial/applications", "", &apps); status != 200 || len(apps.Applications) != 4 {
		t.Fatalf("applications: %d %s", status, raw)
	}
	var approved atomic.Int32
	won := make([]bool, 4)
	concurrently(t, 4, func(i int) {
		status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/trial/decisions", fmt.Sprintf(`{"memberId":%q,"approve":true}`, ids[i]), nil)
		switch {
		case status == 200:
			approved.Add(1)
			won[i] = true
		case status == 409 && problemCode(raw) == "trial_no_slots":
		default:
			t.Errorf("decision: %d %s", status, raw)
		}
	})
	if approved.Load() != 2 {
		t.Fatalf("%d approved, want 2", approved.Load())
	}
	for i, m := range who {
		var v rewards.CampaignView
		c.call(m, "GET", "/api/campaigns/"+camp.ID, "", &v)
		sees := v.Me.Trial != nil && strings.Contains(v.Me.Trial.Instructions, "PRO-4711")
		if sees != won[i] || (v.Campaign.Trial != nil && v.Campaign.Trial.Instructions != "") {
			t.Fatalf("member %d (approved %v) sees the instructions: %v (%+v)", i, won[i], sees, v.Me.Trial)
		}
	}
	if got := c.campaignAsStaff(marketer, camp.ID); got.Trial.SlotsLeft != 0 || got.Counts.TrialApproved != 2 {
		t.Fatalf("slots left %d, approved %d", got.Trial.SlotsLeft, got.Counts.TrialApproved)
	}
}

// An automatic challenge counts the answers a member who joined writes in its space;
// a comment delivered again, or another event about the same comment, counts once, and
// each completion pays once.
func TestCampaignAutomaticChallengeCountsEachAnswerOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	annID := c.meOf(ann)
	sp := c.space(admin, "Questions", "public", ann, bob)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Helpers", 0, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"challenges": []any{map[string]any{"kind": "auto", "title": "Answer 2 questions", "points": 30, "maxCompletions": 1,
			"action": "answer", "spaceId": sp.ID, "count": 2}}}))
	// Five joins at once (a double click, two tabs): joined once, counted once.
	concurrently(t, 5, func(int) {
		if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/join", "", nil); status != 200 {
			t.Errorf("join: %d %s", status, raw)
		}
	})
	if got := c.campaignAsStaff(marketer, camp.ID); got.Counts.Joined != 1 {
		t.Fatalf("joined %d times", got.Counts.Joined)
	}
	q1 := c.post(bob, sp.ID, `{"kind":"question","title":"How do I export?","body":"Where is it?"}`)
	q2 := c.post(bob, sp.ID, `{"kind":"question","title":"How do I import?","body":"Where is that?"}`)
	a1 := c.comment(ann, q1.ID, `{"body":"In the settings."}`)
	for range 5 { // the same comment, delivered five times
		c.deliver(bus.ConsumerAwards, "comment.created", &eventtypes.CommentCreated{CommentID: a1.ID, PostID: q1.ID, AuthorID: annID, PostAuthorID: q1.AuthorID})
	}
	waitFor(t, "one answer counted", func() bool {
		var v rewards.CampaignView
		c.call(ann, "GET", "/api/campaigns/"+camp.ID, "", &v)
		return v.Me.Progress[camp.Challenges[0].ID] == 1
	})
	if got := c.challengePaid(annID); got != 0 {
		t.Fatalf("paid %d after one answer", got)
	}
	c.comment(ann, q2.ID, `{"body":"In the menu."}`)
	waitFor(t, "the completion paid", func() bool { return c.challengePaid(annID) == 30 })
	c.comment(ann, q2.ID, `{"body":"Or there."}`)
	c.settledItems()
	if got := c.challengePaid(annID); got != 30 {
		t.Fatalf("balance %d, want 30 (one completion)", got)
	}
	if n := c.countEvents("challenge.completed", map[string]string{"memberId": annID}); n != 1 {
		t.Fatalf("%d challenge.completed", n)
	}
}

func scheduleJob(kind, id string) schedule.Job { return schedule.Job{Kind: kind, ID: id} }

// Campaign images are uploaded by those who run campaigns, proof screenshots by members
// into their own folder: a screenshot another member uploaded is refused, and a proof's
// screenshot is read by its member and the reviewers only.
func TestCampaignFilesFollowWhoMayReadThem(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	ann, bob := c.as("ann"), c.as("bob")
	png := "\x89PNG\r\n\x1a\n0000"
	upload := func(who *http.Client, purpose string) (int, rewards.Upload, string) {
		var up rewards.Upload
		status, raw := c.call(who, "POST", "/api/uploads/rewards", fmt.Sprintf(`{"purpose":%q,"contentType":"image/png","size":%d}`, purpose, len(png)), &up)
		return status, up, raw
	}
	if status, _, raw := upload(ann, "campaign_image"); status != 403 || problemCode(raw) != "campaigns_manage_only" {
		t.Fatalf("a member uploads a campaign image: %d %s", status, raw)
	}
	status, img, raw := upload(marketer, "campaign_image")
	if status != 200 {
		t.Fatalf("campaign image: %d %s", status, raw)
	}
	put(t, img.UploadURL, "image/png", png)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Pictures", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"imageKey": img.Key, "challenges": []any{map[string]any{"kind": "proof", "title": "Show it", "points": 10, "maxCompletions": 1, "needsScreenshot": true}}}))
	if status, _ := c.call(ann, "GET", "/api/campaigns/"+camp.ID+"/image", "", nil); status != 302 {
		t.Fatalf("a member reads the campaign's image: %d", status)
	}
	_, bobShot, _ := upload(bob, "proof_screenshot")
	put(t, bobShot.UploadURL, "image/png", png)
	_, annShot, _ := upload(ann, "proof_screenshot")
	put(t, annShot.UploadURL, "image/png", png)
	body := func(key string) string {
		b, _ := json.Marshal(map[string]string{"challengeId": camp.Challenges[0].ID, "url": "https://ann.example/" + strings.ReplaceAll(key, "/", "-"), "text": "", "screenshotKey": key})
		return string(b)
	}
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", body(""), nil); status != 400 || problemCode(raw) != "proof_screenshot_missing" {
		t.Fatalf("no screenshot: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", body(bobShot.Key), nil); status != 400 || problemCode(raw) != "proof_screenshot_missing" {
		t.Fatalf("another member's screenshot: %d %s", status, raw)
	}
	var sub rewards.Submission
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", body(annShot.Key), &sub); status != 201 {
		t.Fatalf("with her screenshot: %d %s", status, raw)
	}
	for who, want := range map[*http.Client]int{ann: 302, marketer: 302, bob: 404} {
		if status, _ := c.call(who, "GET", "/api/submissions/"+sub.ID+"/screenshot", "", nil); status != want {
			t.Fatalf("screenshot: %d, want %d", status, want)
		}
	}
}

// A proof or a trial application never stores its member's name: reviewers read it as
// it is now, and once the member deleted their account, "Deleted member" and no trace of
// the name in any campaign item.
func TestCampaignNamesAreReadNeverStored(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	zeb := c.as("zeb")
	c.rename(zeb, "Zebulon Canary")
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Names", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"trial": map[string]any{"offer": "Try it.", "instructions": "Code Z.", "slots": 3}}))
	if status, raw := c.call(zeb, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(camp.Challenges[0].ID, "https://zeb.example/r"), nil); status != 201 {
		t.Fatalf("submit: %d %s", status, raw)
	}
	if status, raw := c.call(zeb, "POST", "/api/campaigns/"+camp.ID+"/trial", `{"motivation":"Please."}`, nil); status != 201 {
		t.Fatalf("apply: %d %s", status, raw)
	}
	var q rewards.ReviewQueuePage
	if c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/review", "", &q); len(q.Submissions) != 1 || q.Submissions[0].MemberName != "Zebulon Canary" {
		t.Fatalf("queue %+v", q.Submissions)
	}
	if found := c.itemsWith("Zebulon Canary", "CAMPAIGN#", "SUBMISSION#", "PROOF#"); len(found) > 0 {
		t.Fatalf("campaign items hold the name: %v", found)
	}
	if status, body := c.call(zeb, "POST", "/api/me/delete", `{"confirm":true}`, nil); status != 204 {
		t.Fatalf("delete: %d %s", status, body)
	}
	var apps rewards.Applications
	c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/review", "", &q)
	c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/trial/applications", "", &apps)
	if len(q.Submissions) != 1 || !q.Submissions[0].MemberDeleted || len(apps.Applications) != 1 || !apps.Applications[0].MemberDeleted {
		t.Fatalf("after the deletion: %+v %+v", q.Submissions, apps.Applications)
	}
}

// A campaign's gift is offered while its campaign is live, to its audience: a draft's
// gift and a gift of a campaign for another space are absent (404), a paused campaign's
// gift is withdrawn; the report counts a gift shipped (or handed over) once, in the
// order's move.
func TestCampaignGiftsOfferedWhileLiveAndCountedWhenShipped(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	annID, bobID := c.meOf(ann), c.meOf(bob)
	pay(t, c.st, annID, "seed", 1000)
	pay(t, c.st, bobID, "seed", 1000)
	sp := c.hiddenSpace(admin, "Beta testers", ann)
	now := time.Now()
	budget := map[string]any{"giftBudget": 5}
	live := c.liveCampaign(marketer, campaignJSON("Live", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour), budget))
	var draft rewards.Campaign
	if status, raw := c.call(marketer, "POST", "/api/campaigns", campaignJSON("Draft", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour), budget), &draft); status != 201 {
		t.Fatalf("draft: %d %s", status, raw)
	}
	beta := c.liveCampaign(marketer, campaignJSON("Beta", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"giftBudget": 5, "audience": map[string]any{"kind": "spaces", "spaceIds": []string{sp.ID}, "roles": []string{}}}))
	giftOf := func(name, campaignID string, shipped bool) rewards.Gift {
		t.Helper()
		body := strings.Replace(giftJSON(name, 100, 2, shipped, "One=10"), `"active":true`, `"active":true,"campaignId":"`+campaignID+`"`, 1)
		var g rewards.Gift
		if status, raw := c.call(marketer, "POST", "/api/rewards/gifts", body, &g); status != 201 {
			t.Fatalf("gift %s: %d %s", name, status, raw)
		}
		return g
	}
	shirt, cap, pin := giftOf("Shirt", live.ID, true), giftOf("Cap", draft.ID, false), giftOf("Pin", beta.ID, false)
	names := func(who *http.Client, query ...string) string {
		var page rewards.GiftPage
		if status, raw := c.call(who, "GET", "/api/rewards/gifts"+strings.Join(query, ""), "", &page); status != 200 {
			t.Fatalf("gifts: %d %s", status, raw)
		}
		var out []string
		for _, g := range page.Gifts {
			out = append(out, g.Name)
		}
		slices.Sort(out)
		return strings.Join(out, ",")
	}
	if got := names(ann); got != "Pin,Shirt" {
		t.Errorf("ann is offered %q, want Pin,Shirt", got)
	}
	if got := names(bob); got != "Shirt" {
		t.Errorf("bob is offered %q, want Shirt", got)
	}
	// A campaign's page lists its own gifts, as the catalogue offers them to the reader.
	for _, tc := range []struct {
		who   *http.Client
		query string
		want  string
	}{{ann, "?campaign=" + live.ID, "Shirt"}, {ann, "?campaign=" + beta.ID, "Pin"}, {bob, "?campaign=" + beta.ID, ""},
		{ann, "?campaign=" + draft.ID, ""}, {ann, "?all=true&campaign=" + draft.ID, ""}, {marketer, "?all=true&campaign=" + draft.ID, "Cap"}} {
		if got := names(tc.who, tc.query); got != tc.want {
			t.Errorf("gifts %s: %q, want %q", tc.query, got, tc.want)
		}
	}
	if status, raw := c.call(ann, "GET", "/api/rewards/gifts?campaign=no%20such", "", nil); status != 400 || problemCode(raw) != "unknown_campaign" {
		t.Errorf("gifts of a malformed campaign id: %d %s, want 400 unknown_campaign", status, raw)
	}
	redeem := func(who *http.Client, g rewards.Gift, key string) (int, string, rewards.Order) {
		var o rewards.Order
		body := `{"variantId":"` + g.Variants[0].ID + `","key":"` + key + `"`
		if g.NeedsShipping {
			body += `,"address":` + annAddress
		}
		status, raw := c.call(who, "POST", "/api/rewards/gifts/"+g.ID+"/redeem", body+"}", &o)
		return status, raw, o
	}
	for _, tc := range []struct {
		who  *http.Client
		g    rewards.Gift
		name string
	}{{ann, cap, "a draft campaign's gift"}, {bob, cap, "a draft campaign's gift"}, {bob, pin, "a gift of another space's campaign"}} {
		if status, raw, _ := redeem(tc.who, tc.g, "click-refused-1"); status != 404 || problemCode(raw) != "gift_not_found" {
			t.Errorf("%s: %d %s, want 404 gift_not_found", tc.name, status, raw)
		}
		if status, _ := c.call(tc.who, "GET", "/api/rewards/gifts/"+tc.g.ID, "", nil); status != 404 {
			t.Errorf("%s read: %d, want 404", tc.name, status)
		}
	}
	if got := c.campaignAsStaff(marketer, draft.ID); got.GiftBudgetLeft != 5 {
		t.Errorf("the draft's gift budget moved: %d left", got.GiftBudgetLeft)
	}
	status, raw, shirtOrder := redeem(ann, shirt, "click-shirt-1")
	if status != 201 {
		t.Fatalf("ann redeems the shirt: %d %s", status, raw)
	}
	status, raw, pinOrder := redeem(ann, pin, "click-pin-1")
	if status != 201 {
		t.Fatalf("ann redeems the pin: %d %s", status, raw)
	}
	move := func(o rewards.Order, body string) {
		t.Helper()
		if status, raw := c.call(marketer, "POST", "/api/rewards/orders/"+o.ID+"/status", body, nil); status != 200 {
			t.Fatalf("move %s: %d %s", body, status, raw)
		}
	}
	move(shirtOrder, `{"status":"approved"}`)
	move(shirtOrder, `{"status":"shipped","carrier":"La Poste","tracking":"6A12345678901"}`)
	move(shirtOrder, `{"status":"delivered"}`)
	move(pinOrder, `{"status":"approved"}`)
	move(pinOrder, `{"status":"delivered"}`)
	for _, camp := range []rewards.Campaign{live, beta} {
		var rep rewards.CampaignReport
		if status, raw := c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/report", "", &rep); status != 200 {
			t.Fatalf("report: %d %s", status, raw)
		}
		if rep.Funnel.Redeemed != 1 || rep.Funnel.Shipped != 1 {
			t.Errorf("%s's funnel: %+v, want 1 redeemed and 1 shipped", camp.Title, rep.Funnel)
		}
	}
	// Paused: its gift is withdrawn (the member's retried click still finds its order).
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+live.ID+"/state", `{"action":"pause"}`, nil); status != 200 {
		t.Fatalf("pause: %d %s", status, raw)
	}
	if status, raw, _ := redeem(bob, shirt, "click-shirt-2"); status != 404 {
		t.Errorf("a paused campaign's gift: %d %s", status, raw)
	}
	if status, raw, again := redeem(ann, shirt, "click-shirt-1"); status != 200 || again.ID != shirtOrder.ID {
		t.Errorf("ann's retried click: %d %s", status, raw)
	}
	if got := names(bob); got != "" {
		t.Errorf("bob is offered %q while the campaign is paused", got)
	}
}

// An automatic challenge limited to a space names it to those who may see the space;
// staff who do not run campaigns read that they take no part (staff: true).
func TestCampaignChallengeSpaceNamedAndStaffToldWhy(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	admin := c.as("ada", policy.RoleAdmin)
	mod := c.as("mo", policy.RoleModerator)
	ann, bob := c.as("ann"), c.as("bob")
	sp := c.hiddenSpace(admin, "Beta testers", ann)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Auto", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"challenges": []any{map[string]any{"kind": "auto", "title": "Comment", "points": 10, "maxCompletions": 1, "action": "comment", "count": 2, "spaceId": sp.ID}}}))
	for _, tc := range []struct {
		who         *http.Client
		name        string
		staff, part bool
	}{{ann, "Beta testers", false, true}, {bob, "", false, true}, {marketer, "Beta testers", true, false}, {mod, "Beta testers", true, false}} {
		var v rewards.CampaignView
		if status, raw := c.call(tc.who, "GET", "/api/campaigns/"+camp.ID, "", &v); status != 200 {
			t.Fatalf("read: %d %s", status, raw)
		}
		if got := v.Campaign.Challenges[0].SpaceName; got != tc.name {
			t.Errorf("space named %q, want %q", got, tc.name)
		}
		if v.Staff != tc.staff || v.CanTakePart != tc.part {
			t.Errorf("staff %v, canTakePart %v; want %v, %v", v.Staff, v.CanTakePart, tc.staff, tc.part)
		}
	}
}

// trialApplicants signs in n members (t0, t1...) who each apply for the campaign's
// trial, and returns their clients and ids.
func (c *community) trialApplicants(campaignID string, n int) ([]*http.Client, []string) {
	c.t.Helper()
	var who []*http.Client
	var ids []string
	for i := range n {
		m := c.as(fmt.Sprintf("t%d", i))
		who = append(who, m)
		ids = append(ids, c.meOf(m))
		if status, raw := c.call(m, "POST", "/api/campaigns/"+campaignID+"/trial", `{"motivation":"I would love to."}`, nil); status != 201 {
			c.t.Fatalf("apply: %d %s", status, raw)
		}
	}
	return who, ids
}
