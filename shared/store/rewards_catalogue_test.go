package store_test

import (
	"errors"
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/rewards"
)

// A redemption is one transaction: the order, its address, the ledger entry, the stock,
// the member's count, the campaign's gift budget and the event; every refusal writes
// nothing; a retry with the same key finds the first order; a cancellation gives
// everything back in one transaction; an address is absent once its time is up.
func TestRewardsRedemptionIsOneTransactionAndACancelGivesAllBack(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	rw := st.Rewards()
	cat := &rewards.Catalogue{Store: rw}
	ann := named(t, st, "Ann")
	bob := named(t, st, "Bob")
	marketer := auth.Principal{MemberID: "m_mark", Roles: []string{policy.RoleMember, policy.RoleMarketer}}
	now := time.Now().UTC()
	for _, m := range []string{ann, bob} {
		if err := rw.Pay(ctx, rewards.Entry{MemberID: m, Rule: "grant", Amount: 250, ObjectType: "test", ObjectID: "seed", At: now}, 250, 250, 0); err != nil {
			t.Fatal(err)
		}
	}
	// Two live campaigns (campaigns' items): c_1 with one gift left in its budget, c_2
	// with plenty.
	for id, left := range map[string]string{"c_1": "1", "c_2": "10"} {
		if _, err := tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name), Item: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "CAMPAIGN#" + id}, "SK": &types.AttributeValueMemberS{Value: "CAMPAIGN"},
			"Type": &types.AttributeValueMemberS{Value: "Campaign"}, "GiftBudgetLeft": &types.AttributeValueMemberN{Value: left},
			"State":    &types.AttributeValueMemberS{Value: rewards.StateLive},
			"StartsAt": &types.AttributeValueMemberS{Value: now.Add(-time.Hour).Truncate(time.Second).Format(time.RFC3339Nano)},
			"EndsAt":   &types.AttributeValueMemberS{Value: now.Add(time.Hour).Truncate(time.Second).Format(time.RFC3339Nano)}}}); err != nil {
			t.Fatal(err)
		}
	}
	if _, err := cat.CreateGift(ctx, rewards.GiftInput{Name: "Mug", Cost: 10, PerMemberLimit: 5, Active: true, CampaignID: "c_nope",
		Variants: []rewards.VariantInput{{Label: "Blue", Stock: 1}}}); !errors.Is(err, rewards.ErrCampaign) {
		t.Fatalf("a gift of a campaign that does not exist: %v", err)
	}
	shirt, err := cat.CreateGift(ctx, rewards.GiftInput{Name: "T-shirt", Cost: 100, PerMemberLimit: 1, NeedsShipping: true, Active: true,
		Variants: []rewards.VariantInput{{Label: "S", Stock: 2}, {Label: "M", Stock: 0}}})
	if err != nil {
		t.Fatal(err)
	}
	mug, err := cat.CreateGift(ctx, rewards.GiftInput{Name: "Mug", Cost: 10, PerMemberLimit: 5, Active: true, CampaignID: "c_1",
		Variants: []rewards.VariantInput{{Label: "Blue", Stock: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	small, medium := shirt.Variants[0].ID, shirt.Variants[1].ID
	addr := &rewards.Address{Name: "Ann Lee", Line1: "1 rue de la Paix", City: "Paris", PostalCode: "75002", Country: "FR"}
	annP := auth.Principal{MemberID: ann, Roles: []string{policy.RoleMember}}
	bobP := auth.Principal{MemberID: bob, Roles: []string{policy.RoleMember}}

	o, created, err := cat.Redeem(ctx, annP, shirt.ID, rewards.RedeemRequest{VariantID: small, Key: "ann-click-1", Address: addr})
	if err != nil || !created || o.Status != rewards.OrderOrdered || o.Address == nil || o.MemberName != "Ann" {
		t.Fatalf("redeem: %+v %v %v", o, created, err)
	}
	if a, _ := rw.Account(ctx, ann); a.Balance != 150 || a.Lifetime != 250 {
		t.Fatalf("after redeeming: %+v", a)
	}
	if n := outboxCount(t, tbl.DB, tbl.Name, eventtypes.RewardRedeemedType); n != 1 {
		t.Fatalf("%d reward.redeemed", n)
	}
	items := itemCount(t, tbl)
	// The same click again: the same order, nothing written.
	again, created, err := cat.Redeem(ctx, annP, shirt.ID, rewards.RedeemRequest{VariantID: small, Key: "ann-click-1", Address: addr})
	if err != nil || created || again.ID != o.ID {
		t.Fatalf("retry: %+v %v %v", again, created, err)
	}
	// The same key for something else: refused.
	if _, _, err := cat.Redeem(ctx, annP, mug.ID, rewards.RedeemRequest{VariantID: mug.Variants[0].ID, Key: "ann-click-1"}); !errors.Is(err, rewards.ErrKeyReused) {
		t.Fatalf("a key reused: %v", err)
	}
	refusals := []struct {
		who  auth.Principal
		gift string
		req  rewards.RedeemRequest
		want error
	}{
		{annP, shirt.ID, rewards.RedeemRequest{VariantID: small, Key: "ann-click-2", Address: addr}, rewards.ErrMemberLimit},
		{bobP, shirt.ID, rewards.RedeemRequest{VariantID: medium, Key: "bob-click-1", Address: addr}, rewards.ErrOutOfStock},
	}
	for _, r := range refusals {
		if _, _, err := cat.Redeem(ctx, r.who, r.gift, r.req); !errors.Is(err, r.want) {
			t.Fatalf("%+v: %v, want %v", r.req, err, r.want)
		}
	}
	if got := itemCount(t, tbl); got != items {
		t.Fatalf("refusals wrote %d items", got-items)
	}
	// The campaign's budget: one mug, then none.
	if _, _, err := cat.Redeem(ctx, bobP, mug.ID, rewards.RedeemRequest{VariantID: mug.Variants[0].ID, Key: "bob-mug-1"}); err != nil {
		t.Fatal(err)
	}
	items = itemCount(t, tbl)
	if _, _, err := cat.Redeem(ctx, annP, mug.ID, rewards.RedeemRequest{VariantID: mug.Variants[0].ID, Key: "ann-mug-1"}); !errors.Is(err, rewards.ErrGiftBudget) {
		t.Fatalf("a spent budget: %v", err)
	}
	// Too few points: Bob has 240 left; a 1,000-point gift is refused.
	gold, err := cat.CreateGift(ctx, rewards.GiftInput{Name: "Gold pen", Cost: 1000, PerMemberLimit: 1, Active: true,
		Variants: []rewards.VariantInput{{Label: "One", Stock: 3}}})
	if err != nil {
		t.Fatal(err)
	}
	items = itemCount(t, tbl)
	if _, _, err := cat.Redeem(ctx, bobP, gold.ID, rewards.RedeemRequest{VariantID: gold.Variants[0].ID, Key: "bob-gold-1"}); !errors.Is(err, rewards.ErrBalance) {
		t.Fatalf("too few points: %v", err)
	}
	// A gift edited meanwhile (its price) refuses a redemption made on the old one.
	r, _ := rewards.NewRedemption(gold, bob, "Bob", rewards.RedeemRequest{VariantID: gold.Variants[0].ID, Key: "bob-gold-2"}, time.Now())
	if _, err := cat.EditGift(ctx, gold.ID, rewards.GiftInput{Name: "Gold pen", Cost: 10, PerMemberLimit: 1, Active: true}); err != nil {
		t.Fatal(err)
	}
	items = itemCount(t, tbl)
	env, _ := eventtypes.Wrap(eventtypes.RewardRedeemed{Meta: eventtypes.NewMeta(time.Now())})
	if _, _, err := rw.Redeem(ctx, r, env); !errors.Is(err, rewards.ErrGiftChanged) {
		t.Fatalf("a stale price: %v", err)
	}
	// A campaign paused between the read of its gift and the transaction: refused, as
	// a gift no longer offered.
	cup, err := cat.CreateGift(ctx, rewards.GiftInput{Name: "Cup", Cost: 10, PerMemberLimit: 5, Active: true, CampaignID: "c_2",
		Variants: []rewards.VariantInput{{Label: "One", Stock: 5}}})
	if err != nil {
		t.Fatal(err)
	}
	r, _ = rewards.NewRedemption(cup, bob, "Bob", rewards.RedeemRequest{VariantID: cup.Variants[0].ID, Key: "bob-cup-1"}, time.Now())
	if _, err := tbl.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(tbl.Name), Key: map[string]types.AttributeValue{
		"PK": &types.AttributeValueMemberS{Value: "CAMPAIGN#c_2"}, "SK": &types.AttributeValueMemberS{Value: "CAMPAIGN"}},
		UpdateExpression: aws.String("SET #s = :p"), ExpressionAttributeNames: map[string]string{"#s": "State"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":p": &types.AttributeValueMemberS{Value: rewards.StatePaused}}}); err != nil {
		t.Fatal(err)
	}
	items = itemCount(t, tbl)
	if _, _, err := rw.Redeem(ctx, r, env); !errors.Is(err, rewards.ErrGiftUnavailable) {
		t.Fatalf("a campaign paused meanwhile: %v", err)
	}
	if got := itemCount(t, tbl); got != items {
		t.Fatalf("refusals wrote %d items", got-items)
	}

	// Staff move Ann's order; Ann may no longer cancel it once approved; staff cancel it:
	// points, stock and her count come back.
	if _, err := cat.Move(ctx, marketer, o.ID, rewards.OrderStatusRequest{Status: rewards.OrderApproved}); err != nil {
		t.Fatal(err)
	}
	if _, err := cat.Cancel(ctx, annP, o.ID, rewards.CancelRequest{}); !errors.Is(err, rewards.ErrNotCancellable) {
		t.Fatalf("cancel an approved order: %v", err)
	}
	if _, err := cat.Cancel(ctx, bobP, o.ID, rewards.CancelRequest{}); !errors.Is(err, rewards.ErrNoOrder) {
		t.Fatalf("Bob cancels Ann's order: %v", err)
	}
	c, err := cat.Move(ctx, marketer, o.ID, rewards.OrderStatusRequest{Status: rewards.OrderCancelled, Reason: "Out of print"})
	if err != nil || c.Status != rewards.OrderCancelled {
		t.Fatalf("cancel: %+v %v", c, err)
	}
	if a, _ := rw.Account(ctx, ann); a.Balance != 250 || a.Lifetime != 250 {
		t.Fatalf("after the cancel: %+v", a)
	}
	g, _ := cat.Gift(ctx, annP, shirt.ID)
	if v, _ := g.Variant(small); v.Stock != 2 || v.Added != 2 {
		t.Fatalf("stock after the cancel: %+v", v)
	}
	if _, err := cat.Move(ctx, marketer, o.ID, rewards.OrderStatusRequest{Status: rewards.OrderCancelled}); !errors.Is(err, rewards.ErrOrderMove) {
		t.Fatalf("cancel twice: %v", err)
	}
	// Her count came back: she may redeem the shirt again.
	o2, _, err := cat.Redeem(ctx, annP, shirt.ID, rewards.RedeemRequest{VariantID: small, Key: "ann-click-3", Address: addr})
	if err != nil {
		t.Fatal(err)
	}
	// Bob's mug cancelled: the campaign's budget comes back and Ann gets one.
	bobOrders, err := cat.MyOrders(ctx, bobP, "")
	if err != nil || len(bobOrders.Orders) != 1 {
		t.Fatalf("Bob's orders: %+v %v", bobOrders, err)
	}
	if _, err := cat.Cancel(ctx, bobP, bobOrders.Orders[0].ID, rewards.CancelRequest{Reason: "Changed my mind"}); err != nil {
		t.Fatal(err)
	}
	if _, _, err := cat.Redeem(ctx, annP, mug.ID, rewards.RedeemRequest{VariantID: mug.Variants[0].ID, Key: "ann-mug-2"}); err != nil {
		t.Fatalf("the budget given back: %v", err)
	}

	// Delivered: the address is erased after the settings' days, and reads as absent
	// from then on (the TTL deletes it later).
	if _, err := cat.SaveSettings(ctx, rewards.CatalogueSettings{AddressDays: 1}); err != nil {
		t.Fatal(err)
	}
	for _, step := range []rewards.OrderStatusRequest{{Status: rewards.OrderApproved}, {Status: rewards.OrderShipped, Carrier: "La Poste", Tracking: "6A123"},
		{Status: rewards.OrderDelivered}} {
		if _, err := cat.Move(ctx, marketer, o2.ID, step); err != nil {
			t.Fatal(err)
		}
	}
	now2 := time.Now()
	if got, _ := rw.Order(ctx, o2.ID, true, now2); got.Address == nil || got.Tracking != "6A123" {
		t.Fatalf("delivered today: %+v", got)
	}
	if got, _ := rw.Order(ctx, o2.ID, true, now2.Add(25*time.Hour)); got.Address != nil || !got.AddressErased {
		t.Fatalf("a day after delivery: %+v", got)
	}
	// The staff's lists by status.
	page, err := cat.Orders(ctx, rewards.OrderDelivered, "")
	if err != nil || len(page.Orders) != 1 || page.Orders[0].ID != o2.ID || page.Orders[0].Address != nil || page.Orders[0].MemberName != "Ann" {
		t.Fatalf("delivered list: %+v %v", page, err)
	}
	if page, _ := cat.Orders(ctx, rewards.OrderOrdered, ""); len(page.Orders) != 1 {
		t.Fatalf("ordered list: %+v", page)
	}
	// Ann deletes her account: every address of hers goes at once (twice: nothing more).
	capGift, err := cat.CreateGift(ctx, rewards.GiftInput{Name: "Cap", Cost: 10, PerMemberLimit: 1, NeedsShipping: true, Active: true,
		Variants: []rewards.VariantInput{{Label: "One", Stock: 1}}})
	if err != nil {
		t.Fatal(err)
	}
	open, _, err := cat.Redeem(ctx, annP, capGift.ID, rewards.RedeemRequest{VariantID: capGift.Variants[0].ID, Key: "ann-click-4", Address: addr})
	if err != nil {
		t.Fatal(err)
	}
	for range 2 {
		if err := cat.OnMemberDeleted(ctx, eventtypes.MemberDeleted{Meta: eventtypes.NewMeta(time.Now()), MemberID: ann}); err != nil {
			t.Fatal(err)
		}
	}
	if got, _ := rw.Order(ctx, open.ID, true, time.Now()); got.Address != nil || !got.AddressErased {
		t.Fatalf("an address after the account's deletion: %+v", got)
	}
}
