package app_test

import (
	"context"
	"net/http"
	"strings"
	"testing"
	"time"

	"tribune/shared/audit"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/rewards"
)

// Issue 12, round 3 (g4): the rank notification names the rank in the member's
// language; a fraud reversal by staff is told to the member with its reason, never
// naming who took the points back.
func TestRewardsRankNamedAndFraudReversalTold(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mod, ann := c.as("Moe", policy.RoleModerator), c.as("Ann")
	c.readsFrench(ann, "Ann")
	annID := c.meOf(ann)
	rw := c.st.Rewards()
	if err := rw.Pay(context.Background(), rewards.Entry{MemberID: annID, Rule: rewards.RuleComment, Amount: 150, ObjectType: "comment",
		ObjectID: "c_r3", At: time.Now().UTC()}, 150, 150, 0); err != nil {
		t.Fatal(err)
	}
	rank := c.inbox(ann, "rank_reached")
	if rank.PostTitle != "Contributeur" {
		t.Fatalf("the rank notification: %+v", rank)
	}
	if s := notifications.Sentence("fr", rank); !strings.Contains(s, "« Contributeur »") {
		t.Fatalf("the rank's sentence: %q", s)
	}
	if st, body := c.call(mod, "POST", "/api/rewards/members/"+annID+"/reversals",
		`{"rule":"comment","objectType":"comment","objectId":"c_r3","reason":"Comments bought from a farm."}`, nil); st != 200 {
		t.Fatalf("reversal: %d %s", st, body)
	}
	told := c.inbox(ann, "points_reversed")
	s := notifications.Sentence("fr", told)
	if told.PostTitle != "Comments bought from a farm." || told.Detail != "150" || told.ActorID != "" ||
		!strings.Contains(s, "150 points") || !strings.Contains(s, "Comments bought from a farm.") {
		t.Fatalf("the reversal's notification: %+v %q", told, s)
	}
}

// Issue 12, round 3 (g4): a tracking number is letters, digits, spaces and dashes;
// staff correct a shipped order's carrier and tracking number (audited, the member told,
// the order listed once); a gift cannot be tied to an ended campaign.
func TestRewardsShipmentCorrectedAndEndedCampaignRefused(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	mara, admin, ann := c.as("Mara", policy.RoleMarketer), c.as("Ada", policy.RoleAdmin), c.as("Ann")
	annID := c.meOf(ann)
	pay(t, c.st, annID, "seed", 500)
	var gift rewards.Gift
	if st, body := c.call(mara, "POST", "/api/rewards/gifts", giftJSON("Mug", 100, 1, true, "Blue=2"), &gift); st != 201 {
		t.Fatalf("create: %d %s", st, body)
	}
	var order rewards.Order
	if st, body := c.call(ann, "POST", "/api/rewards/gifts/"+gift.ID+"/redeem", `{"variantId":"`+gift.Variants[0].ID+`","key":"ann-click-0001","address":`+annAddress+`}`, &order); st != 201 {
		t.Fatalf("redeem: %d %s", st, body)
	}
	status := func(body string) (int, string) {
		return c.call(mara, "POST", "/api/rewards/orders/"+order.ID+"/status", body, nil)
	}
	if st, body := status(`{"status":"approved"}`); st != 200 {
		t.Fatalf("approve: %d %s", st, body)
	}
	for _, bad := range []string{"<b>6A1</b>", "6A1;DROP", strings.Repeat("1", 41), "   "} {
		if st, body := status(`{"status":"shipped","carrier":"DHL","tracking":"` + bad + `"}`); st != 400 || problemCode(body) != "invalid_tracking" {
			t.Errorf("tracking %q: %d %s", bad, st, body)
		}
	}
	if st, body := status(`{"status":"shipped","carrier":"DHL","tracking":"WRONG-1"}`); st != 200 {
		t.Fatalf("ship: %d %s", st, body)
	}
	c.inbox(ann, "order_status")
	if st, body := status(`{"status":"shipped","carrier":"DHL","tracking":"WRONG-1"}`); st != 409 || problemCode(body) != "shipping_unchanged" {
		t.Fatalf("the same shipment again: %d %s", st, body)
	}
	if st, body := status(`{"status":"shipped","carrier":"DHL Express","tracking":"JJD 0001 2345"}`); st != 200 {
		t.Fatalf("correct: %d %s", st, body)
	}
	var mine rewards.OrderPage
	c.call(ann, "GET", "/api/rewards/orders/mine", "", &mine)
	if len(mine.Orders) != 1 || mine.Orders[0].Tracking != "JJD 0001 2345" || mine.Orders[0].Carrier != "DHL Express" || mine.Orders[0].Status != "shipped" {
		t.Fatalf("Ann's order: %+v", mine.Orders)
	}
	var shipped rewards.OrderPage
	if c.call(mara, "GET", "/api/rewards/orders?status=shipped", "", &shipped); len(shipped.Orders) != 1 {
		t.Fatalf("the shipped list: %+v", shipped.Orders)
	}
	waitFor(t, "the correction told to Ann", func() bool {
		for _, n := range c.notes(ann) {
			if n.Kind == "order_status" && n.Detail == notifications.OrderCorrected {
				return strings.Contains(notifications.Sentence("en", n), "corrected")
			}
		}
		return false
	})
	var log audit.Page
	c.call(admin, "GET", "/api/moderation/audit", "", &log)
	found := false
	for _, e := range log.Entries {
		found = found || (e.Action == "order.correct_shipping" && strings.Contains(e.Reason, "WRONG-1") && strings.Contains(e.Reason, "JJD 0001 2345"))
	}
	if !found {
		t.Fatalf("no audit entry of the correction: %+v", log.Entries)
	}

	// A gift of an ended campaign: refused, nothing written; a live campaign's: made.
	now := time.Now()
	camp := c.liveCampaign(mara, campaignJSON("Ends", 10, 1, 100, now.Add(-time.Minute), now.Add(time.Hour), nil))
	withCampaign := func(id string) string {
		return strings.Replace(giftJSON("Cap", 10, 1, false, "One=1"), `"active":true`, `"active":true,"campaignId":"`+id+`"`, 1)
	}
	if st, body := c.call(mara, "POST", "/api/rewards/gifts", withCampaign(camp.ID), nil); st != 201 {
		t.Fatalf("a live campaign's gift: %d %s", st, body)
	}
	if st, body := c.call(mara, "POST", "/api/campaigns/"+camp.ID+"/state", `{"action":"end"}`, nil); st != 200 {
		t.Fatalf("end: %d %s", st, body)
	}
	before := c.settledItems()
	if st, body := c.call(mara, "POST", "/api/rewards/gifts", withCampaign(camp.ID), nil); st != 409 || problemCode(body) != "campaign_ended" {
		t.Fatalf("an ended campaign's gift: %d %s", st, body)
	}
	if st, body := c.call(mara, "POST", "/api/rewards/gifts", withCampaign("c_nosuchcampaign"), nil); st != 400 || problemCode(body) != "unknown_campaign" {
		t.Fatalf("an unknown campaign's gift: %d %s", st, body)
	}
	if after := c.settledItems(); after != before {
		t.Fatalf("refused gifts wrote %d items", after-before)
	}
}

// Issue 12, round 3 (g4): a reaction's ledger entry names the post, never the member
// who reacted (history, staff's history, export); staff take a line back by its id
// and time alone, with a reason; the history says which gift an order or refund was.
func TestRewardsLedgerShowsNoReactorAndStaffTakeBackALine(t *testing.T) {
	t.Parallel()
	c := newCommunity(t)
	admin, mod := c.as("Ada", policy.RoleAdmin), c.as("Moe", policy.RoleModerator)
	ann, bob := c.as("Ann"), c.as("Bob")
	annID, bobID := c.meOf(ann), c.meOf(bob)
	sp := c.space(admin, "Widgets", "public", ann, bob)
	p := c.post(bob, sp.ID, `{"kind":"discussion","title":"Hello","body":"My first post."}`)
	if st, body := c.call(ann, "PUT", "/api/posts/"+p.ID+"/reactions/like", "", nil); st != 200 {
		t.Fatalf("react: %d %s", st, body)
	}
	var reaction rewards.Entry
	waitFor(t, "the reaction's points", func() bool {
		var page rewards.HistoryPage
		c.call(bob, "GET", "/api/rewards/me/history", "", &page)
		for _, e := range page.Entries {
			if e.Rule == rewards.RuleReactionReceived {
				reaction = e
				return true
			}
		}
		return false
	})
	if reaction.ObjectID != p.ID {
		t.Fatalf("the reaction's entry: %+v", reaction)
	}
	for who, path := range map[*http.Client]string{bob: "/api/rewards/me/history", mod: "/api/rewards/members/" + bobID + "/history", bob: "/api/me/export"} {
		if st, body := c.call(who, "GET", path, "", nil); st != 200 || strings.Contains(body, annID) {
			t.Fatalf("%s names the reactor: %d %s", path, st, body)
		}
	}
	if st, body := c.call(bob, "GET", "/api/me/export", "", nil); st != 200 || strings.Contains(body, annID) || !strings.Contains(body, p.ID) {
		t.Fatalf("the export: %d %s", st, body)
	}
	// Staff take the line back by its id and time, giving only a reason.
	at := reaction.At.Format(time.RFC3339Nano)
	if st, body := c.call(mod, "POST", "/api/rewards/members/"+bobID+"/reversals", `{"entryId":"`+reaction.ID+`","at":"`+at+`"}`, nil); st != 400 || problemCode(body) != "invalid_reason" && !strings.Contains(body, "reason") {
		t.Fatalf("no reason: %d %s", st, body)
	}
	if st, body := c.call(mod, "POST", "/api/rewards/members/"+bobID+"/reversals", `{"entryId":"e_nosuchentry","at":"`+at+`","reason":"Fake."}`, nil); st != 404 {
		t.Fatalf("an unknown line: %d %s", st, body)
	}
	var res rewards.ReverseResult
	if st, body := c.call(mod, "POST", "/api/rewards/members/"+bobID+"/reversals", `{"entryId":"`+reaction.ID+`","at":"`+at+`","reason":"A reaction ring."}`, &res); st != 200 || res.Reversed != reaction.Amount {
		t.Fatalf("take back: %d %s", st, body)
	}
	if st, _ := c.call(mod, "POST", "/api/rewards/members/"+bobID+"/reversals", `{"entryId":"`+reaction.ID+`","at":"`+at+`","reason":"A reaction ring."}`, nil); st != 404 {
		t.Fatalf("taken back twice: %d", st)
	}
	if st, body := c.call(bob, "GET", "/api/rewards/me/history", "", nil); st != 200 || strings.Contains(body, annID) || !strings.Contains(body, "reaction_received:reversed") {
		t.Fatalf("the history after: %d %s", st, body)
	}

	// An order and its refund name the gift and its variant.
	mara := c.as("Mara", policy.RoleMarketer)
	pay(t, c.st, bobID, "seed", 300)
	var gift rewards.Gift
	if st, body := c.call(mara, "POST", "/api/rewards/gifts", giftJSON("Sticker pack", 100, 1, false, "Round=3"), &gift); st != 201 {
		t.Fatalf("create: %d %s", st, body)
	}
	var order rewards.Order
	if st, body := c.call(bob, "POST", "/api/rewards/gifts/"+gift.ID+"/redeem", `{"variantId":"`+gift.Variants[0].ID+`","key":"bob-click-0001"}`, &order); st != 201 {
		t.Fatalf("redeem: %d %s", st, body)
	}
	if st, body := c.call(bob, "POST", "/api/rewards/orders/"+order.ID+"/cancel", `{}`, nil); st != 200 {
		t.Fatalf("cancel: %d %s", st, body)
	}
	var page rewards.HistoryPage
	c.call(bob, "GET", "/api/rewards/me/history", "", &page)
	named := map[string]string{}
	for _, e := range page.Entries {
		named[e.Rule] = e.Reason
	}
	if named["redemption"] != "Sticker pack (Round)" || named["refund"] != "Sticker pack (Round)" {
		t.Fatalf("the order's lines: %+v", page.Entries)
	}
}
