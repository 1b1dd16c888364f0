package app_test

import (
	"context"
	"encoding/json"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"testing"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/newsletters"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/rewards"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// "Download my data" holds everything the member wrote or did, field by field: account,
// preferences, sessions, spaces, posts and comments (with their earlier versions), votes,
// reactions, reports, tickets with their public replies (never an internal note),
// invitations; and nothing another member wrote.
func TestDownloadMyDataHoldsEverythingTheMemberWroteOrDid(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ada, sia, ann, bob := c.as("ada", policy.RoleAdmin), c.as("sia", policy.RoleSupport), c.as("ann"), c.as("bob")
	must := func(who *http.Client, method, path, body string, out any) {
		t.Helper()
		if status, raw := c.call(who, method, path, body, out); status >= 300 {
			t.Fatalf("%s %s: %d %s", method, path, status, raw)
		}
	}
	must(ann, "PUT", "/api/me/profile", `{"displayName":"Ann Lee","bio":"Data engineer.","expertise":["go"],"interests":["hiking"],`+
		`"company":"Acme","location":"Lyon","links":["https://ann.example"],"locale":"fr"}`, nil)
	must(ann, "PUT", "/api/me/preferences", `{"activityEmails":false}`, nil)

	general := c.space(ada, "General", spaces.Public)
	c.join(ann, general.ID)
	c.join(bob, general.ID)
	// Ann writes a post and edits it, and an idea; Ada an idea and a poll; Bob a post.
	mine := c.post(ann, general.ID, `{"kind":"discussion","title":"Pipelines","body":"First version"}`)
	// A member with an id of the generated shape, so that a text can mention them.
	c.as("CYEXPORTCYEXPORTCYEXPORTCY")
	must(ann, "PATCH", "/api/posts/"+mine.ID, `{"title":"Pipelines","body":"Second version, ask @m_CYEXPORTCYEXPORTCYEXPORTCY"}`, nil)
	annIdea := c.post(ann, general.ID, `{"kind":"idea","title":"Dark mode","body":"Please."}`)
	adaIdea := c.post(ada, general.ID, `{"kind":"idea","title":"Offline mode","body":"Maybe."}`)
	poll := c.post(ada, general.ID, `{"kind":"poll","title":"Meetup day?","body":"","options":["Monday","Friday"]}`)
	bobs := c.post(bob, general.ID, `{"kind":"discussion","title":"Cheap watches","body":"BOB-SECRET buy now"}`)
	// Ann comments (and edits her comment), votes, reacts, reports.
	var cm posts.Comment
	must(ann, "POST", "/api/posts/"+adaIdea.ID+"/comments", `{"body":"Comment v1"}`, &cm)
	must(ann, "PATCH", "/api/posts/"+adaIdea.ID+"/comments/"+cm.ID, `{"body":"Comment v2"}`, nil)
	var adaComment posts.Comment
	must(ada, "POST", "/api/posts/"+adaIdea.ID+"/comments", `{"body":"ADA-COMMENT thanks"}`, &adaComment)
	must(bob, "POST", "/api/posts/"+mine.ID+"/comments", `{"body":"BOB-COMMENT on Ann's post"}`, nil)
	must(ann, "POST", "/api/posts/"+adaIdea.ID+"/vote", `{}`, nil)
	must(ann, "POST", "/api/posts/"+poll.ID+"/vote", `{"option":"o2"}`, nil)
	must(ann, "PUT", "/api/posts/"+adaIdea.ID+"/reactions/insightful", "", nil)
	must(ann, "PUT", "/api/posts/"+adaIdea.ID+"/comments/"+adaComment.ID+"/reactions/love", "", nil)
	must(ann, "POST", "/api/posts/"+bobs.ID+"/report", `{"reason":"spam","note":"Looks like spam to me."}`, nil)
	must(bob, "PUT", "/api/posts/"+mine.ID+"/reactions/like", "", nil) // Bob's, not Ann's

	// A ticket: Ann opens it in her customer space; the agent writes an internal note and
	// a public reply; Ann answers, the agent solves it, Ann rates it.
	acme := c.customerSpace(ada, "Acme", "m_ann")
	c.join(ann, acme.ID)
	tk := c.ticket(ann, acme.ID, `{"subject":"Sync is down","product":"General","severity":"high","body":"Since 9:00."}`)
	must(sia, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"INTERNAL-NOTE legacy plan","internal":true}`, nil)
	must(sia, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Restart the agent, please."}`, nil)
	must(ann, "POST", "/api/tickets/"+tk.ID+"/replies", `{"body":"Done, it works."}`, nil)
	must(sia, "POST", "/api/tickets/"+tk.ID+"/status", `{"status":"solved"}`, nil)
	must(ann, "POST", "/api/tickets/"+tk.ID+"/rating", `{"good":true,"comment":"Fast!"}`, nil)
	// An invitation of a friend.
	must(ann, "POST", "/api/invitations/friend", `{"email":"friend@example.com","message":"Join us!"}`, nil)

	var ex members.Export
	status, raw := c.call(ann, "GET", "/api/me/export", "", &ex)
	if status != 200 {
		t.Fatalf("export: %d %s", status, raw)
	}
	for _, leak := range []string{"BOB-SECRET", "BOB-COMMENT", "ADA-COMMENT", "INTERNAL-NOTE", "Offline mode\",\"body\":\"Maybe."} {
		if strings.Contains(raw, leak) {
			t.Errorf("the export holds what others wrote: %q", leak)
		}
	}

	// Account, profile and preferences.
	m := ex.Member
	if m.Email != "ann@example.com" || m.DisplayName != "Ann Lee" || m.Bio != "Data engineer." || strings.Join(m.Interests, ",") != "hiking" ||
		m.Company != "Acme" || m.Location != "Lyon" || len(m.Links) != 1 {
		t.Errorf("member: %+v", m)
	}
	if p := ex.Preferences; p.Language != "fr" || p.ActivityEmails || p.RulesAccepted != members.DefaultRules.Version {
		t.Errorf("preferences: %+v", p)
	}
	current := 0
	for _, sess := range ex.Sessions {
		if sess.Current {
			current++
		}
	}
	// Two sessions: the registration's and this browser's.
	if len(ex.Sessions) != 2 || current != 1 || ex.Identities == nil {
		t.Errorf("sessions and identities: %+v %+v", ex.Sessions, ex.Identities)
	}
	// Spaces.
	if len(ex.Spaces) != 2 || ex.Spaces[0].SpaceName != "General" || ex.Spaces[1].SpaceName != "Acme" || ex.Spaces[0].Status != spaces.StatusActive {
		t.Errorf("spaces: %+v", ex.Spaces)
	}
	// Posts, with the text an edit replaced.
	if len(ex.Posts) != 2 {
		t.Fatalf("posts: %+v", ex.Posts)
	}
	// A mention keeps its reference in the Markdown, and the export names it.
	if p := ex.Posts[0]; p.Mentions["m_CYEXPORTCYEXPORTCYEXPORTCY"] != "CYEXPORTCYEXPORTCYEXPORTCY" {
		t.Errorf("the post's mentions are not named: %v", p.Mentions)
	}
	if p := ex.Posts[0]; p.ID != mine.ID || p.Body != "Second version, ask @m_CYEXPORTCYEXPORTCYEXPORTCY" || p.SpaceName != "General" || p.Kind != posts.KindDiscussion ||
		p.EditedAt == nil || len(p.Revisions) != 1 || p.Revisions[0].Body != "First version" {
		t.Errorf("post: %+v", p)
	}
	if p := ex.Posts[1]; p.ID != annIdea.ID || p.Title != "Dark mode" || p.IdeaStatus == "" || len(p.Revisions) != 0 {
		t.Errorf("idea: %+v", p)
	}
	// Comments.
	if len(ex.Comments) != 1 {
		t.Fatalf("comments: %+v", ex.Comments)
	}
	if cx := ex.Comments[0]; cx.ID != cm.ID || cx.PostID != adaIdea.ID || cx.PostTitle != "Offline mode" || cx.Body != "Comment v2" ||
		len(cx.Revisions) != 1 || cx.Revisions[0].Body != "Comment v1" {
		t.Errorf("comment: %+v", cx)
	}
	// Votes: the idea's "up", the poll's option by its label.
	votes := map[string]string{}
	for _, v := range ex.Votes {
		votes[v.PostTitle] = v.Option
		if v.At.IsZero() {
			t.Errorf("a vote without its time: %+v", v)
		}
	}
	if len(ex.Votes) != 2 || votes["Offline mode"] != posts.IdeaVote || votes["Meetup day?"] != "Friday" {
		t.Errorf("votes: %+v", ex.Votes)
	}
	// Reactions: to a post and to a comment.
	if len(ex.Reactions) != 2 {
		t.Fatalf("reactions: %+v", ex.Reactions)
	}
	for _, r := range ex.Reactions {
		ok := (r.CommentID == "" && r.PostID == adaIdea.ID && r.Reaction == "insightful") || (r.CommentID == adaComment.ID && r.Reaction == "love")
		if !ok || r.At == nil {
			t.Errorf("reaction: %+v", r)
		}
	}
	// Reports.
	if len(ex.Reports) != 1 || ex.Reports[0].PostID != bobs.ID || ex.Reports[0].Reason != "spam" || ex.Reports[0].Note != "Looks like spam to me." {
		t.Errorf("reports: %+v", ex.Reports)
	}
	// The ticket with its public replies, never the internal note.
	if len(ex.Tickets) != 1 {
		t.Fatalf("tickets: %+v", ex.Tickets)
	}
	tx := ex.Tickets[0]
	if tx.ID != tk.ID || tx.Number != tk.Number || tx.Subject != "Sync is down" || tx.Body != "Since 9:00." || tx.Severity != "high" ||
		tx.Status != tickets.StatusSolved || tx.SpaceName != "Acme" || tx.Rating == nil || !tx.Rating.Good || tx.Rating.Comment != "Fast!" {
		t.Errorf("ticket: %+v", tx)
	}
	var bodies []string
	for _, r := range tx.Replies {
		bodies = append(bodies, r.Body)
	}
	if len(tx.Replies) != 3 || !tx.Replies[0].Automatic || bodies[1] != "Restart the agent, please." || !tx.Replies[1].FromAgent ||
		bodies[2] != "Done, it works." {
		t.Errorf("ticket replies: %q", bodies)
	}
	if len(ex.TicketReplies) != 0 {
		t.Errorf("a customer's replies to others' tickets: %+v", ex.TicketReplies)
	}
	// The invitation, without its code.
	if len(ex.Invitations) != 1 || ex.Invitations[0].Email != "friend@example.com" || ex.Invitations[0].Message != "Join us!" ||
		ex.Invitations[0].State != "pending" || ex.Invitations[0].Kind == "" {
		t.Errorf("invitations: %+v", ex.Invitations)
	}

	// Every list is a list, even empty; the agent's export holds the public reply they
	// wrote on Ann's ticket, never their internal note.
	var agent map[string]json.RawMessage
	_, raw = c.call(sia, "GET", "/api/me/export", "", &agent)
	for _, list := range []string{"spaces", "posts", "comments", "votes", "reactions", "reports", "tickets", "ticketReplies", "invitations"} {
		if v := string(agent[list]); !strings.HasPrefix(v, "[") {
			t.Errorf("the agent's export: %s is %s", list, v)
		}
	}
	if strings.Contains(raw, "INTERNAL-NOTE") || !strings.Contains(string(agent["ticketReplies"]), "Restart the agent, please.") ||
		string(agent["tickets"]) != "[]" {
		t.Errorf("the agent's export: %s", raw)
	}
	if !strings.Contains(raw, fmt.Sprintf(`"ticketNumber":%d`, tk.Number)) {
		t.Errorf("the agent's reply names no ticket: %s", raw)
	}
}

// "Download my data" holds the member's part of the reward programme: account, badges
// (a staff grant without the granter's id), the whole ledger oldest first, orders with
// their address, and each campaign's proofs (without the reviewer's id); another
// member's export holds none of it.
func TestDownloadMyDataHoldsTheMembersRewards(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	marketer, admin := c.as("mia", policy.RoleMarketer), c.as("ada", policy.RoleAdmin)
	ann, bob := c.as("ann"), c.as("bob")
	annID, marketerID, adminID := c.meOf(ann), c.meOf(marketer), c.meOf(admin)
	pay(t, c.st, annID, "seed", 250)
	now := time.Now()
	camp := c.liveCampaign(marketer, campaignJSON("Review our app", 100, 1, 1000, now.Add(-time.Minute), now.Add(time.Hour), map[string]any{"giftBudget": 5}))
	var sub rewards.Submission
	if status, raw := c.call(ann, "POST", "/api/campaigns/"+camp.ID+"/submissions", proofJSON(camp.Challenges[0].ID, "https://example.com/reviews/ann"), &sub); status != 201 {
		t.Fatalf("submit: %d %s", status, raw)
	}
	if status, raw := c.call(marketer, "POST", "/api/submissions/"+sub.ID+"/review", `{"decision":"approve"}`, nil); status != 200 {
		t.Fatalf("approve: %d %s", status, raw)
	}
	var g rewards.Gift
	if status, raw := c.call(marketer, "POST", "/api/rewards/gifts", giftJSON("Shirt", 300, 2, true, "M=3"), &g); status != 201 {
		t.Fatalf("gift: %d %s", status, raw)
	}
	if status, raw := c.call(ann, "POST", "/api/rewards/gifts/"+g.ID+"/redeem", `{"variantId":"`+g.Variants[0].ID+`","key":"click-export-1","address":`+annAddress+`}`, nil); status != 201 {
		t.Fatalf("redeem: %d %s", status, raw)
	}
	if status, raw := c.call(admin, "POST", "/api/rewards/members/"+annID+"/badges", `{"badge":"expert"}`, nil); status != 200 {
		t.Fatalf("grant: %d %s", status, raw)
	}
	export := func(who *http.Client) (rewards.MemberData, string) {
		t.Helper()
		var out struct {
			Sections struct {
				Rewards rewards.MemberData `json:"rewards"`
			} `json:"sections"`
		}
		status, raw := c.call(who, "GET", "/api/me/export", "", &out)
		if status != 200 {
			t.Fatalf("export: %d %s", status, raw)
		}
		return out.Sections.Rewards, raw
	}
	d, raw := export(ann)
	if d.Account.Balance != 50 || d.Account.Lifetime != 350 {
		t.Errorf("account: %+v, want balance 50 and lifetime 350", d.Account)
	}
	var rules []string
	for _, e := range d.Ledger {
		rules = append(rules, fmt.Sprintf("%s%+d", e.Rule, e.Amount))
	}
	if got := strings.Join(rules, " "); got != "grant+250 challenge+100 redemption-300" {
		t.Errorf("ledger, oldest first: %s", got)
	}
	if len(d.Orders) != 1 || d.Orders[0].Address == nil || d.Orders[0].Address.Line1 != "1 rue de la Paix" {
		t.Errorf("orders: %+v, want the shirt with its address", d.Orders)
	}
	if len(d.Campaigns) != 1 || d.Campaigns[0].Title != "Review our app" || len(d.Campaigns[0].Submissions) != 1 ||
		d.Campaigns[0].Submissions[0].URL != "https://example.com/reviews/ann" || d.Campaigns[0].Submissions[0].Status != rewards.SubmissionApproved {
		t.Errorf("campaigns: %+v", d.Campaigns)
	}
	// The staff's grant (the awards consumer may add "campaign completed" meanwhile).
	if i := slices.IndexFunc(d.Badges, func(a rewards.Award) bool { return a.Badge == "expert" }); i < 0 || !d.Badges[i].Granted {
		t.Errorf("badges: %+v, want expert, granted", d.Badges)
	}
	if strings.Contains(raw, marketerID) || strings.Contains(raw, adminID) {
		t.Errorf("the export names the staff who reviewed or granted: %s", raw)
	}
	other, _ := export(bob)
	if other.Account.Balance != 0 || len(other.Ledger)+len(other.Orders)+len(other.Campaigns)+len(other.Badges) != 0 {
		t.Errorf("bob's export holds ann's rewards: %+v", other)
	}
}

// "Download my data" holds the member's consent records to the newsletters' lists (the
// choice, when and how it was made), in the order of the lists, and their address's entry
// on the suppression list; another member's export holds neither.
func TestDownloadMyDataHoldsTheMembersConsentRecords(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	ann, bob := c.as("ann"), c.as("bob")
	var me struct {
		Email string `json:"email"`
	}
	if status, raw := c.call(ann, "GET", "/api/me", "", &me); status != 200 || me.Email == "" {
		t.Fatalf("me: %d %s", status, raw)
	}
	before := time.Now().Add(-time.Second)
	c.subscribe(ann, map[string]bool{newsletters.ListProduct: true, newsletters.ListEvents: false})
	// Ann's address bounced hard: on the suppression list.
	ctx := context.Background()
	env, _ := eventtypes.Wrap(eventtypes.MailBounced{Meta: eventtypes.NewMeta(time.Now()), Email: me.Email, Permanent: true})
	if err := c.st.Newsletters().Suppress(ctx, newsletters.Suppression{Email: me.Email, Reason: newsletters.ReasonBounce, At: time.Now(), Detail: "550 5.1.1 no such mailbox"}, env); err != nil {
		t.Fatal(err)
	}
	export := func(who *http.Client) (newsletters.ConsentExport, string) {
		t.Helper()
		var out struct {
			Sections struct {
				Newsletters *newsletters.ConsentExport `json:"newsletters"`
			} `json:"sections"`
		}
		status, raw := c.call(who, "GET", "/api/me/export", "", &out)
		if status != 200 {
			t.Fatalf("export: %d %s", status, raw)
		}
		if out.Sections.Newsletters == nil {
			t.Fatalf("the export has no newsletters section: %s", raw)
		}
		return *out.Sections.Newsletters, raw
	}
	d, _ := export(ann)
	byList := map[string]newsletters.Consent{}
	order := []int{}
	for _, r := range d.Lists {
		byList[r.List] = r
		order = append(order, slices.Index(newsletters.Lists, r.List))
	}
	if !slices.IsSorted(order) || len(byList) != len(d.Lists) {
		t.Errorf("records not one per list in the lists' order: %+v", d.Lists)
	}
	if p := byList[newsletters.ListProduct]; !p.Subscribed || p.Source != newsletters.SourcePreferences || p.At.Before(before) {
		t.Errorf("product news record: %+v, want subscribed from the preferences page, now", p)
	}
	if e, ok := byList[newsletters.ListEvents]; !ok || e.Subscribed || e.Source != newsletters.SourcePreferences || e.At.Before(before) {
		t.Errorf("events record: %+v, want not subscribed from the preferences page, now", e)
	}
	if s := d.Suppression; s == nil || s.Email != me.Email || s.Reason != newsletters.ReasonBounce || s.Detail != "550 5.1.1 no such mailbox" {
		t.Errorf("suppression: %+v, want ann's address, bounced", s)
	}
	other, raw := export(bob)
	for _, r := range other.Lists {
		if r.Source == newsletters.SourcePreferences {
			t.Errorf("bob's export holds a choice he never made: %+v", r)
		}
	}
	if other.Suppression != nil || strings.Contains(raw, me.Email) {
		t.Errorf("bob's export holds ann's suppression: %s", raw)
	}
}
