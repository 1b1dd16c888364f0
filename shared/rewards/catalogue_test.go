package rewards

import (
	"strings"
	"testing"
	"time"

	"tribune/shared/errs"
)

func shirt(t *testing.T) Gift {
	t.Helper()
	g, err := NewGift(GiftInput{Name: " Tribune T-shirt ", Description: "Organic cotton.", Cost: 500, PerMemberLimit: 1, NeedsShipping: true, Active: true,
		Variants: []VariantInput{{Label: "S", Stock: 3}, {Label: "M", Stock: 0}}}, time.Now())
	if err != nil {
		t.Fatal(err)
	}
	return g
}

func TestGiftsAreValidatedAndKeepTheirVariants(t *testing.T) {
	g := shirt(t)
	if g.Name != "Tribune T-shirt" || len(g.Variants) != 2 || g.Variants[0].Stock != 3 || g.Variants[0].Added != 3 || !g.InStock() {
		t.Fatalf("gift: %+v", g)
	}
	bad := []struct {
		in   GiftInput
		code string
	}{
		{GiftInput{Name: "", Cost: 1, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x"}}}, "invalid_gift_name"},
		{GiftInput{Name: strings.Repeat("n", 101), Cost: 1, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x"}}}, "invalid_gift_name"},
		{GiftInput{Name: "Mug", Cost: 0, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x"}}}, "invalid_gift_cost"},
		{GiftInput{Name: "Mug", Cost: MaxGiftCost + 1, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x"}}}, "invalid_gift_cost"},
		{GiftInput{Name: "Mug", Cost: 1, PerMemberLimit: 0, Variants: []VariantInput{{Label: "x"}}}, "invalid_member_limit"},
		{GiftInput{Name: "Mug", Cost: 1, PerMemberLimit: 1}, "invalid_variants"},
		{GiftInput{Name: "Mug", Cost: 1, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x"}, {Label: "X"}}}, "invalid_variants"},
		{GiftInput{Name: "Mug", Cost: 1, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x", Stock: -1}}}, "invalid_variants"},
		{GiftInput{Name: "Mug", Cost: 1, PerMemberLimit: 1, Variants: []VariantInput{{ID: "v_nope", Label: "x"}}}, "invalid_variants"},
		{GiftInput{Name: "Mug", Description: strings.Repeat("d", 2001), Cost: 1, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x"}}}, "invalid_gift_description"},
		{GiftInput{Name: "Mu\u202eg", Cost: 1, PerMemberLimit: 1, Variants: []VariantInput{{Label: "x"}}}, "invalid_characters"},
	}
	for _, b := range bad {
		if _, err := NewGift(b.in, time.Now()); !errs.Is(err, b.code) {
			t.Errorf("%+v: %v, want %s", b.in, err, b.code)
		}
	}
	// An edit renames a variant, adds one, and never drops one.
	edited, added, err := g.Edit(GiftInput{Name: "Shirt", Cost: 600, PerMemberLimit: 2, NeedsShipping: true, Active: true,
		Variants: []VariantInput{{ID: g.Variants[1].ID, Label: "Medium"}, {Label: "L", Stock: 5}}}, time.Now())
	if err != nil || len(edited.Variants) != 3 || edited.Variants[1].Label != "Medium" || edited.Variants[0].Stock != 3 || len(added) != 1 || added[0].Stock != 5 {
		t.Fatalf("edit: %+v %+v %v", edited, added, err)
	}
	if !edited.UpdatedAt.After(g.UpdatedAt) {
		t.Fatal("an edit must move the gift's version")
	}
	if _, _, err := g.Edit(GiftInput{Name: "Shirt", Cost: 1, PerMemberLimit: 1, CampaignID: "c_other", Variants: nil}, time.Now()); !errs.Is(err, "campaign_fixed") {
		t.Fatalf("moving a gift to a campaign: %v", err)
	}
	if err := g.CheckStockChange(StockChange{VariantID: g.Variants[0].ID, Add: -4}); err != ErrStockBelowZero {
		t.Fatalf("taking more than is left: %v", err)
	}
	if err := g.CheckStockChange(StockChange{VariantID: g.Variants[0].ID, Add: 0}); err != ErrStockChange {
		t.Fatalf("adding nothing: %v", err)
	}
	if err := g.CheckStockChange(StockChange{VariantID: "v_x", Add: 1}); err != ErrVariantUnknown {
		t.Fatalf("unknown variant: %v", err)
	}
}

func TestRedemptionsAreCheckedBeforeTheStore(t *testing.T) {
	g := shirt(t)
	addr := &Address{Name: "Ann Lee", Line1: "1 rue de la Paix", City: "Paris", PostalCode: "75002", Country: "fr"}
	r, err := NewRedemption(g, "m_ann", "Ann", RedeemRequest{VariantID: g.Variants[0].ID, Key: "click-0001", Address: addr}, time.Now())
	if err != nil || r.Address.Country != "FR" || r.Order.Status != OrderOrdered || r.Order.ID != OrderIDFor("m_ann", "click-0001") || r.Limit != 1 {
		t.Fatalf("redemption: %+v %v", r, err)
	}
	if OrderIDFor("m_ann", "click-0001") == OrderIDFor("m_bob", "click-0001") {
		t.Fatal("two members' keys make one order")
	}
	cases := []struct {
		req  RedeemRequest
		code string
	}{
		{RedeemRequest{VariantID: g.Variants[0].ID, Key: "short", Address: addr}, "invalid_redemption_key"},
		{RedeemRequest{VariantID: g.Variants[0].ID, Key: "has space!", Address: addr}, "invalid_redemption_key"},
		{RedeemRequest{VariantID: "v_none", Key: "click-0001", Address: addr}, "unknown_variant"},
		{RedeemRequest{VariantID: g.Variants[0].ID, Key: "click-0001"}, "address_needed"},
		{RedeemRequest{VariantID: g.Variants[0].ID, Key: "click-0001", Address: &Address{Name: "Ann", Line1: "x", City: "P", PostalCode: "1", Country: "France"}}, "invalid_address"},
		{RedeemRequest{VariantID: g.Variants[0].ID, Key: "click-0001", Address: &Address{Name: "Ann", Line1: "", City: "P", PostalCode: "1", Country: "FR"}}, "invalid_address"},
	}
	for _, c := range cases {
		if _, err := NewRedemption(g, "m_ann", "Ann", c.req, time.Now()); !errs.Is(err, c.code) {
			t.Errorf("%+v: %v, want %s", c.req, err, c.code)
		}
	}
	g.Active = false
	if _, err := NewRedemption(g, "m_ann", "Ann", RedeemRequest{VariantID: g.Variants[0].ID, Key: "click-0001", Address: addr}, time.Now()); err != ErrGiftUnavailable {
		t.Fatalf("a withdrawn gift: %v", err)
	}
	// A retry is told from a reused key by what it asked.
	other := r.Order
	other.Request = g.ID + "/" + g.Variants[1].ID
	if r.Repeat(r.Order) != nil || r.Repeat(other) != ErrKeyReused {
		t.Fatal("repeat or reuse told wrong")
	}
}

func TestOrdersMoveAlongTheWorkflowOnly(t *testing.T) {
	now := time.Now()
	o := Order{ID: "o_1", Status: OrderOrdered, NeedsShipping: true, UpdatedAt: now}
	if _, err := o.Move(OrderStatusRequest{Status: OrderShipped, Carrier: "UPS", Tracking: "1Z"}, now); err != ErrOrderMove {
		t.Fatalf("ship before approval: %v", err)
	}
	a, err := o.Move(OrderStatusRequest{Status: OrderApproved}, now)
	if err != nil || a.ApprovedAt == nil || !a.UpdatedAt.After(o.UpdatedAt) {
		t.Fatalf("approve: %+v %v", a, err)
	}
	if _, err := a.Move(OrderStatusRequest{Status: OrderShipped, Carrier: "UPS"}, now); !errs.Is(err, "invalid_tracking") {
		t.Fatalf("ship without tracking: %v", err)
	}
	s, err := a.Move(OrderStatusRequest{Status: OrderShipped, Carrier: "UPS", Tracking: "1Z999"}, now)
	if err != nil || s.Tracking != "1Z999" || s.Carrier != "UPS" {
		t.Fatalf("ship: %+v %v", s, err)
	}
	if _, err := s.Move(OrderStatusRequest{Status: OrderCancelled}, now); err != ErrOrderMove {
		t.Fatalf("cancel a shipped order: %v", err)
	}
	if _, err := s.Move(OrderStatusRequest{Status: "lost"}, now); err != ErrOrderStatus {
		t.Fatalf("unknown status: %v", err)
	}
	if _, err := a.CancelByMember(CancelRequest{}, now); err != ErrNotCancellable {
		t.Fatalf("member cancels an approved order: %v", err)
	}
	c, err := o.CancelByMember(CancelRequest{Reason: "Wrong size"}, now)
	if err != nil || c.Status != OrderCancelled || c.CancelledBy != "member" || !c.Finished() {
		t.Fatalf("member cancels: %+v %v", c, err)
	}
	digital := Order{Status: OrderApproved, UpdatedAt: now}
	if _, err := digital.Move(OrderStatusRequest{Status: OrderShipped, Carrier: "x", Tracking: "y"}, now); err != ErrShippingOnly {
		t.Fatalf("ship a voucher: %v", err)
	}
}

func TestShippingCSVDefusesFormulas(t *testing.T) {
	out, err := ShippingCSV([]Order{{ID: "o_1", GiftName: "=HYPERLINK(\"x\")", VariantLabel: "M",
		Address: &Address{Name: "+Ann", Line1: "1, rue \"A\"", City: "Paris", PostalCode: "75002", Country: "FR"}}})
	if err != nil {
		t.Fatal(err)
	}
	s := string(out)
	if !strings.HasPrefix(s, "order,ordered_at,gift,variant,name,") || !strings.Contains(s, `"'=HYPERLINK(""x"")"`) || !strings.Contains(s, "'+Ann") ||
		!strings.Contains(s, `"1, rue ""A"""`) {
		t.Fatalf("csv:\n%s", s)
	}
}
