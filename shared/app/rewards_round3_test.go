package app_test

import (
	"context"
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
