package app_test

import (
	"context"
	"fmt"
	"net/http"
	"strings"
	"sync"
	"testing"
	"time"

	"tribune/shared/audit"
	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/rewards"
)

// rewardsOf is a member's own points page.
func (c *community) rewardsOf(who *http.Client) rewards.MyRewards {
	c.t.Helper()
	var s rewards.MyRewards
	if status, raw := c.call(who, "GET", "/api/rewards/me", "", &s); status != 200 {
		c.t.Fatalf("GET /api/rewards/me: %d %s", status, raw)
	}
	return s
}

func (c *community) board(who *http.Client, query string) rewards.Leaderboard {
	c.t.Helper()
	var b rewards.Leaderboard
	if status, raw := c.call(who, "GET", "/api/rewards/leaderboard?"+query, "", &b); status != 200 {
		c.t.Fatalf("leaderboard %s: %d %s", query, status, raw)
	}
	return b
}

func standings(b rewards.Leaderboard) string {
	var out []string
	for _, s := range b.Standing {
		out = append(out, fmt.Sprintf("%d.%s=%d", s.Place, s.Name, s.Score))
	}
	return strings.Join(out, " ")
}

func hasBadge(s rewards.MyRewards, badge string) bool {
	for _, a := range s.Badges {
		if a.Badge == badge {
			return true
		}
	}
	return false
}

// Points come from what members do, through the awards consumer: a question and a
// first post, a comment on someone else's post, an accepted answer, a reaction
// received; never for one's own content, never to staff. The same event delivered
// five times pays once. Ranks and badges follow; the leaderboards (community and
// space) leave staff out; hiding content takes its points back; a member may opt out.
func TestRewardsPointsFromCommunityActivity(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin := c.as("Ada", policy.RoleAdmin)
	ann, bob := c.as("Ann"), c.as("Bob")
	settings := `{"rules":[],"staffEarn":false,"ranks":[{"id":"newcomer","name":{"en":"Newcomer","fr":"Nouveau venu"},"threshold":0},` +
		`{"id":"helper","name":{"en":"Helper","fr":"Aide"},"threshold":25}]}`
	if status, raw := c.call(admin, "PUT", "/api/rewards/settings", settings, nil); status != 200 {
		t.Fatalf("settings: %d %s", status, raw)
	}
	sp := c.space(admin, "Pipelines", "public", ann, bob)
	q := c.post(ann, sp.ID, `{"kind":"question","title":"How do I page a query?","body":"Tell me."}`)
	var cm posts.Comment
	if status, raw := c.call(bob, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Use a cursor."}`, &cm); status != 201 {
		t.Fatalf("comment: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "POST", "/api/posts/"+q.ID+"/comments/"+cm.ID+"/accept", "", nil); status != 200 {
		t.Fatalf("accept: %d %s", status, raw)
	}
	if status, raw := c.call(bob, "PUT", "/api/posts/"+q.ID+"/reactions/like", "", nil); status != 200 {
		t.Fatalf("react: %d %s", status, raw)
	}
	// Nothing for one's own content, nothing for staff.
	c.call(ann, "POST", "/api/posts/"+q.ID+"/comments", `{"body":"Thanks!"}`, nil)
	c.call(ann, "PUT", "/api/posts/"+q.ID+"/reactions/love", "", nil)
	c.post(admin, sp.ID, `{"kind":"discussion","title":"Welcome","body":"Hello all."}`)
	c.settledItems()

	annS, bobS, adaS := c.rewardsOf(ann), c.rewardsOf(bob), c.rewardsOf(admin)
	// Ann: post 10 + first post 20 + a reaction received 1. Bob: comment 5 + accepted answer 25.
	if annS.Account.Balance != 31 || annS.Account.Lifetime != 31 || bobS.Account.Balance != 30 || adaS.Account.Lifetime != 0 {
		t.Fatalf("ann %+v, bob %+v, ada %+v", annS.Account, bobS.Account, adaS.Account)
	}
	if annS.Rank.ID != "helper" || bobS.Rank.ID != "helper" || adaS.Rank.ID != "newcomer" {
		t.Fatalf("ranks: ann %s, bob %s, ada %s", annS.Rank.ID, bobS.Rank.ID, adaS.Rank.ID)
	}
	if !hasBadge(annS, "first_post") || !hasBadge(bobS, "first_accepted_answer") || hasBadge(bobS, "first_post") {
		t.Fatalf("badges: ann %+v, bob %+v", annS.Badges, bobS.Badges)
	}
	if n := c.inbox(bob, "badge_awarded"); n.Kind == "" {
		t.Fatal("bob was not told of his badge")
	}
	c.inbox(ann, "rank_reached")

	// Replays pay nothing more.
	for range 5 {
		c.deliver("awards", eventtypes.PostCreatedType, &eventtypes.PostCreated{PostID: q.ID, SpaceID: sp.ID, Kind: "question", AuthorID: annS.Account.MemberID})
		c.deliver("awards", eventtypes.CommentCreatedType, &eventtypes.CommentCreated{PostID: q.ID, CommentID: cm.ID, PostAuthorID: annS.Account.MemberID,
			AuthorID: bobS.Account.MemberID})
	}
	c.settledItems()
	if a, b := c.rewardsOf(ann).Account, c.rewardsOf(bob).Account; a.Balance != 31 || b.Balance != 30 {
		t.Fatalf("after replays: ann %+v, bob %+v", a, b)
	}

	for _, query := range []string{"period=week", "period=month", "period=quarter", "period=all", "period=week&space=" + sp.ID} {
		if got := standings(c.board(bob, query)); got != "1.Ann=31 2.Bob=30" {
			t.Fatalf("board %s: %s", query, got)
		}
	}
	var hist rewards.HistoryPage
	c.call(bob, "GET", "/api/rewards/me/history", "", &hist)
	if len(hist.Entries) != 2 || hist.Entries[0].Rule != rewards.RuleAnswerAccepted {
		t.Fatalf("bob's history: %+v", hist.Entries)
	}

	// A moderator hides Bob's answer: its points go, from the balance, the score and the boards.
	if status, raw := c.call(admin, "POST", "/api/posts/"+q.ID+"/comments/"+cm.ID+"/hide", `{"reason":"Copied from elsewhere."}`, nil); status != 200 && status != 204 {
		t.Fatalf("hide: %d %s", status, raw)
	}
	c.settledItems()
	if b := c.rewardsOf(bob).Account; b.Balance != 0 || b.Lifetime != 0 {
		t.Fatalf("bob after the hide: %+v", b)
	}
	c.call(bob, "GET", "/api/rewards/me/history", "", &hist)
	if len(hist.Entries) != 4 || hist.Entries[0].Amount >= 0 || hist.Entries[0].Reason == "" {
		t.Fatalf("bob's history after the hide: %+v", hist.Entries)
	}
	if got := standings(c.board(ann, "period=week")); got != "1.Ann=31" {
		t.Fatalf("board after the hide: %s", got)
	}
	// The metric: points members may spend, earned minus taken back (31 + 30 - 30).
	if n, err := c.st.Counter(context.Background(), metrics.PointsOutstanding, metrics.Day(time.Now())); err != nil || n != 31 {
		t.Fatalf("points outstanding: %d %v", n, err)
	}

	// Ann opts out, then back in.
	if status, raw := c.call(ann, "PUT", "/api/rewards/me/leaderboard", `{"optOut":true}`, nil); status != 200 {
		t.Fatalf("opt out: %d %s", status, raw)
	}
	if got := standings(c.board(ann, "period=all")); got != "" {
		t.Fatalf("board after opting out: %s", got)
	}
	c.call(ann, "PUT", "/api/rewards/me/leaderboard", `{"optOut":false}`, nil)
	if got := standings(c.board(ann, "period=all")); got != "1.Ann=31" {
		t.Fatalf("board after opting back in: %s", got)
	}

	// Ranks next to names; a member's public rewards never show the balance.
	var ranks rewards.RankList
	c.call(bob, "GET", "/api/rewards/ranks?ids="+annS.Account.MemberID+","+bobS.Account.MemberID+",m_nobody", "", &ranks)
	if len(ranks.Ranks) != 2 || ranks.Ranks[annS.Account.MemberID].ID != "helper" || ranks.Ranks[bobS.Account.MemberID].ID != "newcomer" {
		t.Fatalf("ranks: %+v", ranks)
	}
	if status, raw := c.call(bob, "GET", "/api/rewards/members/"+annS.Account.MemberID, "", nil); status != 200 || strings.Contains(raw, "balance") {
		t.Fatalf("ann's public rewards: %d %s", status, raw)
	}
	var earn rewards.HowToEarn
	if status, _ := c.call(c.visitor(), "GET", "/api/rewards/earn", "", &earn); status != 200 || len(earn.Rules) != len(rewards.DefaultRules()) {
		t.Fatalf("how to earn: %d %+v", status, earn)
	}
}

// Bad input is refused with a problem and writes nothing: settings (unknown rule,
// negative points, ranks out of order or unnamed), a leaderboard period, a space the
// reader may not see (404, as for no space), too many ids, an automatic badge granted
// by hand, a reversal without a reason or of nothing.
func TestRewardsPointsRefusals(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, marketer := c.as("Ada", policy.RoleAdmin), c.as("Mia", policy.RoleMarketer)
	ann := c.as("Ann")
	annID := c.rewardsOf(ann).Account.MemberID
	hidden := c.hiddenSpace(admin, "Secret")
	before := c.settledItems()
	rank0 := `{"id":"newcomer","name":{"en":"Newcomer","fr":"Nouveau venu"},"threshold":0}`
	for _, bad := range []struct {
		who                *http.Client
		method, path, body string
		status             int
		field              string
	}{
		{marketer, "PUT", "/api/rewards/settings", `{"staffEarn":false,"rules":[{"name":"bribe","points":5,"dailyCap":0,"on":true}],"ranks":[` + rank0 + `]}`, 400, "rules.0.name"},
		{marketer, "PUT", "/api/rewards/settings", `{"staffEarn":false,"rules":[{"name":"comment","points":-5,"dailyCap":0,"on":true}],"ranks":[` + rank0 + `]}`, 400, "rules.0.points"},
		{marketer, "PUT", "/api/rewards/settings", `{"staffEarn":false,"rules":[{"name":"comment","points":5,"dailyCap":-1,"on":true}],"ranks":[` + rank0 + `]}`, 400, "rules.0.dailyCap"},
		{admin, "PUT", "/api/rewards/settings", `{"staffEarn":false,"rules":[],"ranks":[]}`, 400, "ranks"},
		{admin, "PUT", "/api/rewards/settings", `{"staffEarn":false,"rules":[],"ranks":[` + rank0 + `,{"id":"pro","name":{"en":"Pro","fr":"Pro"},"threshold":0}]}`, 400, "ranks.1.threshold"},
		{admin, "PUT", "/api/rewards/settings", `{"staffEarn":false,"rules":[],"ranks":[{"id":"newcomer","name":{"en":"","fr":"Nouveau"},"threshold":0}]}`, 400, "ranks.0.name.en"},
		{admin, "PUT", "/api/rewards/settings", `{"staffEarn":false,"rules":[],"ranks":[{"id":"New Comer","name":{"en":"New","fr":"Nouveau"},"threshold":0}]}`, 400, "ranks.0.id"},
		{admin, "PUT", "/api/rewards/settings", `{"rules":"all"}`, 400, ""},
		{ann, "GET", "/api/rewards/leaderboard?period=decade", "", 400, "period"},
		{ann, "GET", "/api/rewards/leaderboard?period=week&space=" + hidden.ID, "", 404, ""},
		{ann, "GET", "/api/rewards/leaderboard?period=week&space=nope", "", 404, ""},
		{ann, "GET", "/api/rewards/ranks?ids=" + strings.Repeat("m_x,", 101), "", 400, "ids"},
		{ann, "GET", "/api/rewards/members/m_nobody", "", 404, ""},
		{admin, "POST", "/api/rewards/members/" + annID + "/badges", `{"badge":"first_post"}`, 400, "badge"},
		{admin, "POST", "/api/rewards/members/" + annID + "/badges", `{"badge":"king"}`, 400, "badge"},
		{admin, "POST", "/api/rewards/members/m_nobody/badges", `{"badge":"expert"}`, 404, ""},
		{admin, "POST", "/api/rewards/members/" + annID + "/reversals", `{"rule":"comment","objectType":"comment","objectId":"c_1","reason":""}`, 400, "reason"},
		{admin, "POST", "/api/rewards/members/" + annID + "/reversals", `{"rule":"comment","objectType":"comment","objectId":"c_1","reason":"Fraud."}`, 404, ""},
		{admin, "POST", "/api/rewards/members/" + annID + "/reversals", `{"rule":"redemption","objectType":"order","objectId":"o_1","reason":"Fraud."}`, 400, "rule"},
		{admin, "POST", "/api/rewards/members/" + annID + "/reversals", `{"rule":"comment","objectType":"comment","objectId":"c_1","reason":"` + strings.Repeat("x", 501) + `"}`, 400, "reason"},
	} {
		req, _ := http.NewRequest(bad.method, c.srv.URL+bad.path, strings.NewReader(bad.body))
		if bad.body != "" {
			req.Header.Set("Content-Type", "application/json")
		}
		resp, err := bad.who.Do(req)
		if err != nil {
			t.Fatal(err)
		}
		var p struct {
			Field string `json:"field"`
		}
		var raw strings.Builder
		buf := make([]byte, 4096)
		n, _ := resp.Body.Read(buf)
		raw.Write(buf[:n])
		resp.Body.Close()
		_ = jsonDecode(raw.String(), &p)
		if resp.StatusCode != bad.status || resp.Header.Get("Content-Type") != "application/problem+json" || (bad.field != "" && p.Field != bad.field) {
			t.Errorf("%s %s %s: %d %s %s", bad.method, bad.path, bad.body, resp.StatusCode, resp.Header.Get("Content-Type"), raw.String())
		}
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refusals wrote %d items", after-before)
	}
	// The defaults stand.
	var s rewards.Settings
	c.call(admin, "GET", "/api/rewards/settings", "", &s)
	if len(s.Rules) != len(rewards.DefaultRules()) || len(s.Ranks) != len(rewards.DefaultRanks()) {
		t.Fatalf("settings after refusals: %+v", s)
	}
}

// Staff take back points found fraudulent, with a reason in the audit log; the balance
// never goes below zero (points already spent stay spent); five concurrent requests
// take them back once. A badge granted by hand is told to the member.
func TestRewardsFraudReversalByStaff(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod, ann := c.as("Moe", policy.RoleModerator), c.as("Ann")
	annID := c.rewardsOf(ann).Account.MemberID
	rw := c.st.Rewards()
	at := time.Now().UTC()
	if err := rw.Pay(context.Background(), rewards.Entry{MemberID: annID, Rule: rewards.RuleComment, Amount: 30, ObjectType: "comment", ObjectID: "c_f", At: at}, 30, 30, 0); err != nil {
		t.Fatal(err)
	}
	if err := rw.Pay(context.Background(), rewards.Entry{MemberID: annID, Rule: rewards.RuleRedemption, Amount: -25, ObjectType: "order", ObjectID: "o_1", At: at}, -25, 0, 25); err != nil {
		t.Fatal(err)
	}
	var wg sync.WaitGroup
	codes := make(chan int, 5)
	for range 5 {
		wg.Add(1)
		go func() {
			defer wg.Done()
			status, _ := c.call(mod, "POST", "/api/rewards/members/"+annID+"/reversals",
				`{"rule":"comment","objectType":"comment","objectId":"c_f","reason":"Comments bought from a farm."}`, nil)
			codes <- status
		}()
	}
	wg.Wait()
	close(codes)
	ok := 0
	for code := range codes {
		if code == 200 {
			ok++
		} else if code != 404 {
			t.Fatalf("reversal answered %d", code)
		}
	}
	if ok != 1 {
		t.Fatalf("%d reversals succeeded, want 1", ok)
	}
	c.settledItems()
	if a := c.rewardsOf(ann).Account; a.Balance != 0 || a.Lifetime != 0 {
		t.Fatalf("after the reversal: %+v", a)
	}
	var log audit.Page
	c.call(mod, "GET", "/api/moderation/audit", "", &log)
	found := false
	for _, e := range log.Entries {
		found = found || (e.Action == "points.reverse" && strings.HasPrefix(e.Reason, "Comments bought from a farm."))
	}
	if !found {
		t.Fatalf("no audit entry: %+v", log.Entries)
	}
	if status, raw := c.call(mod, "POST", "/api/rewards/members/"+annID+"/badges", `{"badge":"super_user"}`, nil); status != 200 {
		t.Fatalf("grant: %d %s", status, raw)
	}
	c.call(mod, "POST", "/api/rewards/members/"+annID+"/badges", `{"badge":"super_user"}`, nil)
	// The member reads that it was granted, not by whom (round 3, finding 10).
	if s := c.rewardsOf(ann); len(s.Badges) != 1 || s.Badges[0].GrantedBy != "" || !s.Badges[0].Granted {
		t.Fatalf("badges: %+v", s.Badges)
	}
	// Another member's view of her profile says the badge was granted, not by whom.
	var prof rewards.MemberRewards
	if status, raw := c.call(c.as("Cy"), "GET", "/api/rewards/members/"+annID, "", &prof); status != 200 || strings.Contains(raw, "grantedBy") ||
		len(prof.Badges) != 1 || !prof.Badges[0].Granted {
		t.Fatalf("the profile's badges: %d %s", status, raw)
	}
	c.inbox(ann, "badge_awarded")
}

// Concurrent deliveries of many events, each repeated, pay each once: the balance is
// exact; the daily cap holds under concurrency.
func TestRewardsConcurrentDeliveriesAreExact(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, ann, bob := c.as("Ada", policy.RoleAdmin), c.as("Ann"), c.as("Bob")
	sp := c.space(admin, "Pipelines", "public", ann, bob)
	p := c.post(ann, sp.ID, `{"kind":"discussion","title":"Hello","body":"Hi."}`)
	annID, bobID := c.rewardsOf(ann).Account.MemberID, c.rewardsOf(bob).Account.MemberID
	var wg sync.WaitGroup
	for i := range 15 {
		for range 3 {
			wg.Add(1)
			go func() {
				defer wg.Done()
				c.deliver("awards", eventtypes.CommentCreatedType, &eventtypes.CommentCreated{PostID: p.ID, CommentID: fmt.Sprint("c_", i),
					PostAuthorID: annID, AuthorID: bobID})
			}()
		}
	}
	wg.Wait()
	c.settledItems()
	// 15 comments of 5 points, capped at 50 a day.
	if b := c.rewardsOf(bob).Account; b.Balance != 50 || b.Lifetime != 50 {
		t.Fatalf("bob: %+v, want 50 (the daily cap)", b)
	}
	var hist rewards.HistoryPage
	c.call(bob, "GET", "/api/rewards/me/history", "", &hist)
	if len(hist.Entries) != 10 {
		t.Fatalf("%d entries, want 10", len(hist.Entries))
	}
}

// withoutRewardNotices leaves out the notices of badges and ranks (issue 12): tests of
// other notifications count theirs alone.
func withoutRewardNotices(list []notifications.Notification) []notifications.Notification {
	var out []notifications.Notification
	for _, n := range list {
		if n.Kind != notifications.KindBadgeAwarded && n.Kind != notifications.KindRankReached {
			out = append(out, n)
		}
	}
	return out
}
