package app_test

import (
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"tribune/shared/policy"
	"tribune/shared/rewards"
)

// problemFields is the list of wrong fields of a problem answer (field → code).
func problemFields(t *testing.T, raw string) map[string]string {
	t.Helper()
	var p struct {
		Field  string `json:"field"`
		Fields []struct {
			Field, Code, Detail string
		} `json:"fields"`
	}
	if err := json.Unmarshal([]byte(raw), &p); err != nil {
		t.Fatalf("problem: %v in %s", err, raw)
	}
	out := map[string]string{}
	for _, f := range p.Fields {
		if f.Detail == "" {
			t.Errorf("field %s has no sentence", f.Field)
		}
		out[f.Field] = f.Code
	}
	if len(p.Fields) > 0 && p.Field != p.Fields[0].Field {
		t.Errorf("the problem's field %q is not its first field's %q", p.Field, p.Fields[0].Field)
	}
	return out
}

// The campaign editor's form is checked whole: every wrong field is named at once
// (fields), each with its code and sentence; nothing is written.
func TestCampaignEditorReportsEveryFieldAtOnce(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	before := c.settledSnapshot()
	body := `{"title":"","description":"","disclosure":"","audience":{"kind":"everyone","spaceIds":[],"roles":[]},"pointsBudget":0,"giftBudget":-1,
		"challenges":[{"kind":"proof","title":"","points":-5,"maxCompletions":0}]}`
	status, raw := c.call(marketer, "POST", "/api/campaigns", body, nil)
	if status != 400 || problemCode(raw) != "invalid_campaign_title" {
		t.Fatalf("empty form: %d %s", status, raw)
	}
	got := problemFields(t, raw)
	want := map[string]string{"title": "invalid_campaign_title", "disclosure": "invalid_disclosure", "endsAt": "invalid_campaign_dates",
		"giftBudget": "invalid_budget", "challenges[0].title": "invalid_challenge_title", "challenges[0].points": "invalid_challenge_points",
		"challenges[0].maxCompletions": "invalid_max_completions"}
	for f, code := range want {
		if got[f] != code {
			t.Errorf("field %s: %q, want %q (all: %v)", f, got[f], code, got)
		}
	}
	if diff := diffTables(before, c.snapshot()); len(diff) > 0 {
		t.Fatalf("a refused campaign wrote: %v", diff)
	}
}

// An audience of staff roles is one nobody can join (staff take no part): refused,
// nothing written; the members' role is fine.
func TestCampaignAudienceOfStaffRolesRefused(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	now := time.Now()
	before := c.settledSnapshot()
	for _, roles := range [][]string{{"moderator"}, {"member", "admin"}, {"marketer"}} {
		body := campaignJSON("Mods only", 10, 1, 100, now.Add(time.Hour), now.Add(48*time.Hour),
			map[string]any{"audience": map[string]any{"kind": "roles", "roles": roles, "spaceIds": []string{}}})
		status, raw := c.call(marketer, "POST", "/api/campaigns", body, nil)
		if status != 400 || problemCode(raw) != "audience_staff_roles" || !strings.Contains(raw, `"field":"audience.roles"`) {
			t.Fatalf("audience %v: %d %s", roles, status, raw)
		}
	}
	if diff := diffTables(before, c.snapshot()); len(diff) > 0 {
		t.Fatalf("a refused audience wrote: %v", diff)
	}
	body := campaignJSON("Members", 10, 1, 100, now.Add(time.Hour), now.Add(48*time.Hour),
		map[string]any{"audience": map[string]any{"kind": "roles", "roles": []string{"member"}, "spaceIds": []string{}}})
	if status, raw := c.call(marketer, "POST", "/api/campaigns", body, nil); status != 201 {
		t.Fatalf("members' audience: %d %s", status, raw)
	}
}

// A proof's address with tracking parameters is the same page: refused as used.
func TestCampaignProofTrackingParametersIgnored(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	ann, bob := c.as("ann"), c.as("bob")
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Review", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour), nil))
	ch := camp.Challenges[0].ID
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://shop.example.com/reviews/123?id=7"), nil); status != 201 {
		t.Fatalf("submit: %d %s", status, raw)
	}
	for _, u := range []string{"https://shop.example.com/reviews/123?id=7&utm=1&fbclid=x", "https://shop.example.com/reviews/123?gclid=a&id=7&ref=tw",
		"https://shop.example.com/reviews/123?mc_cid=1&MC_EID=2&id=7&utm_medium=mail"} {
		status, raw := c.call(bob, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, u), nil)
		if status != 409 || problemCode(raw) != "proof_url_used" {
			t.Fatalf("%s: %d %s, want proof_url_used", u, status, raw)
		}
	}
	// Another value of a parameter that is not tracking is another page.
	if status, raw := c.call(bob, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, "https://shop.example.com/reviews/123?id=8&utm_source=x"), nil); status != 201 {
		t.Fatalf("another page: %d %s", status, raw)
	}
}

// No member-facing answer names the staff member who reviewed a proof, decided a
// trial application or granted a badge; staff answers keep them.
func TestCampaignMemberAnswersNameNoStaff(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	mia := c.meOf(marketer)
	mod := c.as("mo", policy.RoleModerator)
	ann := c.as("ann")
	annID := c.meOf(ann)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Review", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"trial": map[string]any{"offer": "Try it.", "instructions": "Code X-1.", "slots": 3}}))
	var sub rewards.Submission
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(camp.Challenges[0].ID, "https://ann.example/r"), &sub); status != 201 {
		t.Fatalf("submit: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "POST", "/api/submissions/"+sub.ID+"/review", `{"decision":"approve"}`, nil); status != 200 {
		t.Fatalf("approve: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/trial", `{"motivation":"Please."}`, nil); status != 201 {
		t.Fatalf("apply: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/trial/decisions", fmt.Sprintf(`{"memberId":%q,"approve":true}`, annID), nil); status != 200 {
		t.Fatalf("decide: %d %s", status, raw)
	}
	if status, raw := c.call(mod, "POST", "/api/rewards/members/"+annID+"/badges", `{"badge":"expert"}`, nil); status != 200 && status != 201 {
		t.Fatalf("grant: %d %s", status, raw)
	}
	modID := c.meOf(mod)
	for _, path := range []string{"/api/submissions/" + sub.ID, "/api/campaigns/" + camp.ID, "/api/rewards/me", "/api/rewards/members/" + annID} {
		status, raw := c.call(ann, "GET", path, "", nil)
		if status != 200 {
			t.Fatalf("%s: %d %s", path, status, raw)
		}
		if strings.Contains(raw, mia) || strings.Contains(raw, modID) || strings.Contains(raw, "reviewerId") || strings.Contains(raw, "decidedBy") || strings.Contains(raw, "grantedBy") {
			t.Errorf("%s names a staff member: %s", path, raw)
		}
	}
	if !strings.Contains(func() string { _, raw := c.call(ann, "GET", "/api/rewards/me", "", nil); return raw }(), `"granted":true`) {
		t.Errorf("the member's badges do not say the badge was granted")
	}
	// Staff keep who decided.
	if _, raw := c.call(marketer, "GET", "/api/submissions/"+sub.ID, "", nil); !strings.Contains(raw, `"reviewerId":"`+mia+`"`) {
		t.Errorf("the staff's answer lost the reviewer: %s", raw)
	}
}

// When a trial's last slot goes, the applicants still waiting are declined "every
// place is taken" (stored, told in the app), nobody may apply any more, and the
// approved member's export holds the instructions they were given.
func TestCampaignTrialFullDeclinesTheRestAndExportsInstructions(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Trial", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour),
		map[string]any{"trial": map[string]any{"offer": "Try the earbuds.", "instructions": "Your code: EARBUDS-SECRET-42", "slots": 1}}))
	who, ids := c.trialApplicants(camp.ID, 3)
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/trial/decisions", fmt.Sprintf(`{"memberId":%q,"approve":true}`, ids[1]), nil); status != 200 {
		t.Fatalf("approve: %d %s", status, raw)
	}
	var apps rewards.Applications
	if status, raw := c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/trial/applications", "", &apps); status != 200 || len(apps.Applications) != 0 {
		t.Fatalf("applications still waiting: %d %s", status, raw)
	}
	for _, i := range []int{0, 2} {
		var v rewards.CampaignView
		c.call(who[i], "GET", "/api/campaigns/"+camp.ID, "", &v)
		if v.Me.Trial == nil || v.Me.Trial.Status != rewards.TrialDeclined || !v.Me.Trial.NoSlots || v.Me.Trial.Instructions != "" {
			t.Fatalf("applicant %d: %+v", i, v.Me.Trial)
		}
		waitFor(t, "trial_full notice", func() bool { return c.countKind(ids[i], "trial_full") == 1 })
	}
	// Approving one of them now says why it cannot be.
	if status, raw := c.call(marketer, "POST", "/api/campaigns/"+camp.ID+"/trial/decisions", fmt.Sprintf(`{"memberId":%q,"approve":true}`, ids[0]), nil); status != 409 || problemCode(raw) != "trial_no_slots" {
		t.Fatalf("approving a declined applicant of a full trial: %d %s", status, raw)
	}
	if n := c.countKind(ids[1], "trial_full"); n != 0 {
		t.Fatalf("the approved member was told the trial is full")
	}
	late := c.as("late")
	before := c.settledSnapshot()
	if status, raw := c.call(late, "POST", "/api/campaigns/"+camp.ID+"/trial", `{"motivation":"Me too"}`, nil); status != 409 || problemCode(raw) != "trial_no_slots" {
		t.Fatalf("applying to a full trial: %d %s", status, raw)
	}
	if diff := diffTables(before, c.snapshot()); len(diff) > 0 {
		t.Fatalf("a refused application wrote: %v", diff)
	}
	var ex struct {
		Sections struct {
			Rewards rewards.MemberData `json:"rewards"`
		} `json:"sections"`
	}
	if status, raw := c.call(who[1], "GET", "/api/me/export", "", &ex); status != 200 {
		t.Fatalf("export: %d %s", status, raw)
	}
	i := slices.IndexFunc(ex.Sections.Rewards.Campaigns, func(r rewards.CampaignRecord) bool { return r.CampaignID == camp.ID })
	if i < 0 || ex.Sections.Rewards.Campaigns[i].Trial == nil || ex.Sections.Rewards.Campaigns[i].Trial.Instructions != "Your code: EARBUDS-SECRET-42" {
		t.Fatalf("the export lacks the instructions: %+v", ex.Sections.Rewards.Campaigns)
	}
	var other struct {
		Sections struct {
			Rewards rewards.MemberData `json:"rewards"`
		} `json:"sections"`
	}
	if _, raw := c.call(who[0], "GET", "/api/me/export", "", &other); strings.Contains(raw, "EARBUDS-SECRET-42") {
		t.Fatalf("a declined member's export holds the instructions")
	}
}

// The funnel counts members (a member's proofs sent again, rejected and sent anew count
// once), the proofs are counted beside it; a challenge payment taken back as fraud
// shows on the report, whose cost is net of it.
func TestCampaignReportCountsMembersAndTakenBack(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer := c.as("mia", policy.RoleMarketer)
	admin := c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	annID := c.meOf(ann)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Proof flows", 100, 1, 1000, now.Add(-time.Minute), now.Add(time.Hour), nil))
	ch := camp.Challenges[0].ID
	send := func(who *http.Client, url string) rewards.Submission {
		var s rewards.Submission
		if status, raw := c.call(who, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(ch, url), &s); status != 201 {
			t.Fatalf("submit %s: %d %s", url, status, raw)
		}
		return s
	}
	review := func(id, body string) {
		if status, raw := c.call(marketer, "POST", "/api/submissions/"+id+"/review", body, nil); status != 200 {
			t.Fatalf("review: %d %s", status, raw)
		}
	}
	a1 := send(ann, "https://ann.example/1")
	review(a1.ID, `{"decision":"changes","reason":"Add the disclosure."}`)
	if status, raw := c.call(ann, "PUT", "/api/submissions/"+a1.ID, proofJSON(ch, "https://ann.example/1b"), nil); status != 200 {
		t.Fatalf("resubmit: %d %s", status, raw)
	}
	review(a1.ID, `{"decision":"reject","reason":"Not a review."}`)
	a2 := send(ann, "https://ann.example/2")
	review(a2.ID, `{"decision":"approve"}`)
	b1 := send(bob, "https://bob.example/1")
	review(b1.ID, `{"decision":"approve"}`)

	var rep rewards.CampaignReport
	c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/report", "", &rep)
	if rep.Funnel.Joined != 2 || rep.Funnel.Submitted != 2 || rep.Funnel.Approved != 2 || rep.ProofsSent != 3 || rep.ProofsApproved != 2 {
		t.Fatalf("report %+v: want 2 joined, 2 sent, 2 approved members; 3 proofs, 2 approved", rep)
	}
	// Five staff take back ann's payment at once: counted once on the report.
	body := fmt.Sprintf(`{"rule":"challenge","objectType":"challenge","objectId":%q,"reason":"Fraud: the review was fake"}`, camp.ID+"#"+ch+"#1")
	concurrently(t, 5, func(int) { c.call(admin, "POST", "/api/rewards/members/"+annID+"/reversals", body, nil) })
	waitFor(t, "taken back on the report", func() bool {
		c.call(marketer, "GET", "/api/campaigns/"+camp.ID+"/report", "", &rep)
		return rep.TakenBack == 1
	})
	if rep.Cost.PointsPaid != 200 || rep.Cost.PointsTakenBack != 100 || rep.Cost.PointsNet != 100 {
		t.Fatalf("cost %+v: want 200 paid, 100 taken back, 100 net", rep.Cost)
	}
}

// The catalogue's ?campaign= is a campaign's id or a 400 naming the parameter.
func TestCampaignGiftsParameterMalformed(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann := c.as("ann")
	for _, bad := range []string{"zzz", "c_ABCDEFGHIJKLMNOP", "c_abcdefghijklmno1", "x_abcdefghijklmnop", "c_abcdefghijklmnopq"} {
		status, raw := c.call(ann, "GET", "/api/rewards/gifts?campaign="+bad, "", nil)
		if status != 400 || problemCode(raw) != "unknown_campaign" || !strings.Contains(raw, `"field":"campaign"`) {
			t.Errorf("?campaign=%s: %d %s", bad, status, raw)
		}
	}
	if status, raw := c.call(ann, "GET", "/api/rewards/gifts?campaign=c_abcdefghijklmn27", "", nil); status != 200 {
		t.Errorf("a well-formed unknown id: %d %s", status, raw)
	}
}
