package app_test

import (
	"slices"
	"testing"

	"tribune/shared/policy"
	"tribune/shared/rewards"
)

// Next to names and on profiles a member shows their rank and their badges (granted
// ones first); staff, who earn no points, show no rank and earn no automatic badge,
// but keep a badge staff granted them (docs/rewards.md, "Ranks and badges of staff").
func TestRewardsNamesShowBadgesAndStaffShowNoRank(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", policy.RoleAdmin)
	ann, bob, mk := c.as("Ann"), c.as("Bob"), c.as("Mark", policy.RoleMarketer)
	annID, bobID, mkID := c.meOf(ann), c.meOf(bob), c.meOf(mk)
	sp := c.space(admin, "Widgets", "public", ann, bob, mk)
	c.post(ann, sp.ID, `{"kind":"discussion","title":"Hello","body":"My first post."}`)
	c.post(mk, sp.ID, `{"kind":"discussion","title":"Launch","body":"A post by staff."}`)
	for _, g := range []struct{ who, badge string }{{bobID, "super_user"}, {mkID, "expert"}} {
		if status, raw := c.call(admin, "POST", "/api/rewards/members/"+g.who+"/badges", `{"badge":"`+g.badge+`"}`, nil); status != 200 {
			t.Fatalf("grant %s: %d %s", g.badge, status, raw)
		}
	}
	c.settledItems()

	var names rewards.RankList
	if status, raw := c.call(bob, "GET", "/api/rewards/ranks?ids="+annID+","+bobID+","+mkID, "", &names); status != 200 {
		t.Fatalf("ranks: %d %s", status, raw)
	}
	if names.Ranks[annID].ID != "newcomer" || names.Ranks[bobID].ID != "newcomer" {
		t.Fatalf("member ranks: %+v", names.Ranks)
	}
	if _, ok := names.Ranks[mkID]; ok {
		t.Fatalf("staff show a rank: %+v", names.Ranks[mkID])
	}
	if !slices.Equal(names.Badges[annID], []string{"first_post"}) || !slices.Equal(names.Badges[bobID], []string{"super_user"}) ||
		!slices.Equal(names.Badges[mkID], []string{"expert"}) {
		t.Fatalf("badges next to names: %+v", names.Badges)
	}

	var prof rewards.MemberRewards
	if status, raw := c.call(ann, "GET", "/api/rewards/members/"+mkID, "", &prof); status != 200 {
		t.Fatalf("staff profile: %d %s", status, raw)
	}
	if prof.Rank != nil || len(prof.Badges) != 1 || prof.Badges[0].Badge != "expert" {
		t.Fatalf("staff profile: rank %+v, badges %+v", prof.Rank, prof.Badges)
	}
	// The automatic badge was never written for staff: it does not come back if the role goes.
	if mine := c.rewardsOf(mk); hasBadge(mine, "first_post") || !mine.EarnsNothing || c.rewardsOf(ann).EarnsNothing {
		t.Fatalf("staff earned an automatic badge: %+v", mine.Badges)
	}
	if status, raw := c.call(bob, "GET", "/api/rewards/members/"+annID, "", &prof); status != 200 || prof.Rank == nil || prof.Rank.ID != "newcomer" {
		t.Fatalf("member profile: %d %s", status, raw)
	}
}

// Each history entry of a post or a comment names its post, so the page links to it.
func TestRewardsHistoryNamesThePost(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", policy.RoleAdmin)
	ann, bob := c.as("Ann"), c.as("Bob")
	sp := c.space(admin, "Widgets", "public", ann, bob)
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Hello","body":"My first post."}`)
	var cm struct{ ID string }
	if status, raw := c.call(bob, "POST", "/api/posts/"+p.ID+"/comments", `{"body":"Welcome!"}`, &cm); status != 201 {
		t.Fatalf("comment: %d %s", status, raw)
	}
	c.settledItems()
	var page rewards.HistoryPage
	if status, raw := c.call(ann, "GET", "/api/rewards/me/history", "", &page); status != 200 {
		t.Fatalf("history: %d %s", status, raw)
	}
	found := false
	for _, e := range page.Entries {
		if e.Rule == rewards.RulePostCreated {
			found = e.PostID == p.ID && e.ObjectID == p.ID
		}
	}
	if !found {
		t.Fatalf("ann's post entry names no post: %+v", page.Entries)
	}
	if status, _ := c.call(bob, "GET", "/api/rewards/me/history", "", &page); status != 200 || len(page.Entries) != 1 ||
		page.Entries[0].Rule != rewards.RuleComment || page.Entries[0].ObjectID != cm.ID || page.Entries[0].PostID != p.ID {
		t.Fatalf("bob's comment entry: %d %+v", status, page.Entries)
	}
}
