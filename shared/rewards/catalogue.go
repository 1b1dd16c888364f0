package rewards

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"time"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// CatalogueSettings are what the catalogue's staff keep.
type CatalogueSettings struct {
	// AddressDays: a shipping address is erased this many days after its order was
	// delivered or cancelled (1 to 365).
	AddressDays int `json:"addressDays"`
}

// DefaultCatalogueSettings hold until staff save others: 30 days leaves time for a
// lost parcel's claim (carriers take claims for 21 to 30 days) and no more.
var DefaultCatalogueSettings = CatalogueSettings{AddressDays: 30}

// ErrCatalogueSettings refuses settings out of range.
var ErrCatalogueSettings = errs.InvalidField("addressDays", "invalid_address_days", "Keep addresses 1 to 365 days after delivery.")

// GiftPage is a page of the catalogue, with the caller's balance (the points they may
// spend now), so a page says at once which gifts they can afford.
type GiftPage struct {
	Gifts   []Gift `json:"gifts"`
	Next    string `json:"next,omitempty"`
	Balance int64  `json:"balance"`
}

// CatalogueStore is what the catalogue needs from storage.
type CatalogueStore interface {
	// CreateGift writes a gift and its variants (ErrCampaign when it names a campaign
	// that does not exist).
	CreateGift(ctx context.Context, g Gift) error
	// Gift reads a gift with its variants' stock (ErrNoGift).
	Gift(ctx context.Context, id string) (Gift, error)
	// Gifts lists gifts, newest first (activeOnly: those offered to members; with a
	// campaignID, only that campaign's).
	Gifts(ctx context.Context, activeOnly bool, campaignID, cursor string, limit int) ([]Gift, string, error)
	// SaveGift writes a gift's new fields and its new variants if it is still as old
	// was read (ErrGiftChanged).
	SaveGift(ctx context.Context, old, g Gift, added []Variant) error
	// ChangeStock adds to a variant's stock (a negative add only down to 0:
	// ErrStockBelowZero).
	ChangeStock(ctx context.Context, giftID, variantID string, add int64, now time.Time) error
	// Redeem writes a redemption in one transaction (the order, its address, the
	// ledger entry and balance, the stock, the member's count, the campaign's gift
	// budget, the event). An order already under its id is returned with created false
	// (a retry: nothing written). Refusals: ErrOutOfStock, ErrBalance, ErrMemberLimit,
	// ErrGiftBudget, ErrGiftChanged, ErrBusy.
	Redeem(ctx context.Context, r Redemption, event eventtypes.Envelope) (o Order, created bool, err error)
	// Order reads an order, with its address when withAddress (absent once erased).
	Order(ctx context.Context, id string, withAddress bool, now time.Time) (Order, error)
	// MemberOrders lists a member's orders, newest first, with their addresses.
	MemberOrders(ctx context.Context, memberID, cursor string, limit int, now time.Time) ([]Order, string, error)
	// OrdersIn lists the orders of a status, oldest first (without addresses).
	OrdersIn(ctx context.Context, status, cursor string, limit int) ([]Order, string, error)
	// OrdersToShip lists up to limit approved orders that are shipped, oldest first,
	// with their addresses.
	OrdersToShip(ctx context.Context, limit int, now time.Time) ([]Order, error)
	// SaveOrder writes an order's move if it is still as old was read
	// (ErrOrderChanged), with its events; a cancellation gives back, in the same
	// transaction, the points, the stock, the member's count and the campaign's budget;
	// addressUntil (non-zero) starts the address's erasure clock.
	// A staff correction of a shipment comes with its audit entry (nil otherwise), in
	// the same transaction.
	SaveOrder(ctx context.Context, old, o Order, addressUntil time.Time, events []eventtypes.Envelope, audit *audit.Entry) error
	CatalogueSettings(ctx context.Context) (CatalogueSettings, error)
	SaveCatalogueSettings(ctx context.Context, s CatalogueSettings) error
	// MemberName returns a member's name and roles.
	MemberName(ctx context.Context, memberID string) (string, []string, error)
	// MemberNames returns members' names as they are now ("" for a deleted member).
	MemberNames(ctx context.Context, ids []string) (map[string]string, error)
	// EraseAddresses deletes the shipping addresses of every order of a member.
	EraseAddresses(ctx context.Context, memberID string) error
	// Account is a member's points (the points' store).
	Account(ctx context.Context, memberID string) (Account, error)
}

// Catalogue is the reward catalogue's use cases.
type Catalogue struct {
	Store CatalogueStore
	// Campaigns says whether a campaign's gift is offered to a member now (nil: every
	// gift is, as in the consumers, which redeem nothing).
	Campaigns interface {
		GiftOffered(ctx context.Context, actor auth.Principal, campaignID string) (bool, error)
	}
	Now func() time.Time
}

// offered reports whether the gift is offered to the actor now: a gift of a campaign
// only while the campaign is live and to its audience. seen caches the answers of a page.
func (c *Catalogue) offered(ctx context.Context, actor auth.Principal, g Gift, seen map[string]bool) (bool, error) {
	if g.CampaignID == "" || c.Campaigns == nil {
		return true, nil
	}
	if ok, known := seen[g.CampaignID]; known {
		return ok, nil
	}
	ok, err := c.Campaigns.GiftOffered(ctx, actor, g.CampaignID)
	if err != nil {
		return false, err
	}
	if seen != nil {
		seen[g.CampaignID] = ok
	}
	return ok, nil
}

func (c *Catalogue) now() time.Time {
	if c.Now == nil {
		return time.Now().UTC()
	}
	return c.Now().UTC()
}

// Gifts is a page of the catalogue: active gifts for members; every gift for its
// staff when all; only the gifts of campaignID when it is not empty (ErrCampaignParam
// when it has not the shape of a campaign's id: ValidCampaignID).
func (c *Catalogue) Gifts(ctx context.Context, actor auth.Principal, all bool, campaignID, cursor string) (GiftPage, error) {
	if campaignID != "" && !ValidCampaignID(campaignID) {
		return GiftPage{}, ErrCampaignParam
	}
	gifts, next, err := c.Store.Gifts(ctx, !(all && CatalogueStaff(actor.Roles)), campaignID, cursor, GiftsPage)
	if err != nil {
		return GiftPage{}, fmt.Errorf("rewards.Gifts: %w", err)
	}
	if !(all && CatalogueStaff(actor.Roles)) {
		// A campaign's gift is offered while its campaign is live, to its audience (one
		// read per campaign of the page).
		seen := map[string]bool{}
		kept := gifts[:0]
		for _, g := range gifts {
			ok, err := c.offered(ctx, actor, g, seen)
			if err != nil {
				return GiftPage{}, fmt.Errorf("rewards.Gifts: %w", err)
			}
			if ok {
				kept = append(kept, g)
			}
		}
		gifts = kept
	}
	if gifts == nil {
		gifts = []Gift{}
	}
	acct, err := c.Store.Account(ctx, actor.MemberID)
	if err != nil {
		return GiftPage{}, fmt.Errorf("rewards.Gifts: %w", err)
	}
	return GiftPage{Gifts: gifts, Next: next, Balance: acct.Balance}, nil
}

// Gift is one gift as the caller may see it: an inactive gift is for the staff only.
func (c *Catalogue) Gift(ctx context.Context, actor auth.Principal, id string) (Gift, error) {
	g, err := c.Store.Gift(ctx, id)
	if err != nil {
		return Gift{}, err
	}
	if CatalogueStaff(actor.Roles) {
		return g, nil
	}
	if !g.Active {
		return Gift{}, ErrNoGift
	}
	if ok, err := c.offered(ctx, actor, g, nil); err != nil || !ok {
		return Gift{}, cmp.Or(err, error(ErrNoGift))
	}
	return g, nil
}

// CreateGift adds a gift to the catalogue.
func (c *Catalogue) CreateGift(ctx context.Context, in GiftInput) (Gift, error) {
	g, err := NewGift(in, c.now())
	if err != nil {
		return Gift{}, err
	}
	if err := c.Store.CreateGift(ctx, g); err != nil {
		return Gift{}, err
	}
	return g, nil
}

// EditGift changes a gift.
func (c *Catalogue) EditGift(ctx context.Context, id string, in GiftInput) (Gift, error) {
	old, err := c.Store.Gift(ctx, id)
	if err != nil {
		return Gift{}, err
	}
	g, added, err := old.Edit(in, c.now())
	if err != nil {
		return Gift{}, err
	}
	if err := c.Store.SaveGift(ctx, old, g, added); err != nil {
		return Gift{}, err
	}
	return c.Store.Gift(ctx, id)
}

// ChangeStock adds stock to a variant (or takes some away) and answers the gift.
func (c *Catalogue) ChangeStock(ctx context.Context, id string, ch StockChange) (Gift, error) {
	g, err := c.Store.Gift(ctx, id)
	if err != nil {
		return Gift{}, err
	}
	if err := g.CheckStockChange(ch); err != nil {
		return Gift{}, err
	}
	if err := c.Store.ChangeStock(ctx, id, ch.VariantID, ch.Add, c.now()); err != nil {
		return Gift{}, err
	}
	return c.Store.Gift(ctx, id)
}

// Redeem spends the member's points on a gift: one transaction, once per key. created
// is false when the key's order existed already (the answer of the first click).
func (c *Catalogue) Redeem(ctx context.Context, actor auth.Principal, giftID string, req RedeemRequest) (Order, bool, error) {
	g, err := c.Gift(ctx, actor, giftID)
	if errors.Is(err, ErrNoGift) && validKey(req.Key) {
		// A retry after the gift was withdrawn still finds its order.
		if o, oerr := c.Store.Order(ctx, OrderIDFor(actor.MemberID, req.Key), true, c.now()); oerr == nil && o.MemberID == actor.MemberID && o.GiftID == giftID {
			list, err := c.named(ctx, []Order{o})
			if err != nil {
				return Order{}, false, err
			}
			return list[0], false, nil
		}
	}
	if err != nil {
		return Order{}, false, err
	}
	if ok, err := c.offered(ctx, actor, g, nil); err != nil || !ok {
		// Staff read every gift, but redeem a campaign's only while it runs, as members.
		return Order{}, false, cmp.Or(err, error(ErrGiftUnavailable))
	}
	name, _, err := c.Store.MemberName(ctx, actor.MemberID)
	if err != nil {
		return Order{}, false, fmt.Errorf("rewards.Redeem: %w", err)
	}
	r, err := NewRedemption(g, actor.MemberID, name, req, c.now())
	if err != nil {
		return Order{}, false, err
	}
	// Sold out, or too few points, as read: refused with no transaction (the rush on a
	// sold-out gift writes nothing; the transaction checks both again), unless the key
	// made its order already (a retried click still finds it).
	refuse := func(refusal error) (Order, bool, error) {
		o, err := c.Store.Order(ctx, r.Order.ID, true, c.now())
		if errors.Is(err, ErrNoOrder) {
			return Order{}, false, refusal
		}
		if err != nil {
			return Order{}, false, fmt.Errorf("rewards.Redeem: %w", err)
		}
		if err := r.Repeat(o); err != nil {
			return Order{}, false, err
		}
		o.MemberName = name
		return o, false, nil
	}
	if v, _ := g.Variant(req.VariantID); v.Stock <= 0 {
		return refuse(ErrOutOfStock)
	}
	acct, err := c.Store.Account(ctx, actor.MemberID)
	if err != nil {
		return Order{}, false, fmt.Errorf("rewards.Redeem: %w", err)
	}
	if acct.Balance < g.Cost {
		return refuse(ErrBalance)
	}
	o := r.Order
	evt, err := eventtypes.Wrap(eventtypes.RewardRedeemed{Meta: eventtypes.NewMeta(o.CreatedAt), OrderID: o.ID, MemberID: o.MemberID,
		GiftID: o.GiftID, GiftName: o.GiftName, VariantID: o.VariantID, VariantLabel: o.VariantLabel, Cost: o.Cost, CampaignID: o.CampaignID})
	if err != nil {
		return Order{}, false, err
	}
	got, created, err := c.Store.Redeem(ctx, r, evt)
	if err != nil {
		return Order{}, false, err
	}
	if !created {
		if err := r.Repeat(got); err != nil {
			return Order{}, false, err
		}
	}
	got.MemberName = name
	return got, created, nil
}

// readable reads an order the caller may see: their own, or any for the catalogue's
// staff; anyone else hears it does not exist.
func (c *Catalogue) readable(ctx context.Context, actor auth.Principal, id string) (Order, error) {
	o, err := c.Store.Order(ctx, id, true, c.now())
	if err != nil {
		return Order{}, err
	}
	if o.MemberID != actor.MemberID && !CatalogueStaff(actor.Roles) {
		return Order{}, ErrNoOrder
	}
	return o, nil
}

// Order is one order, with its address, for its member or the catalogue's staff.
func (c *Catalogue) Order(ctx context.Context, actor auth.Principal, id string) (Order, error) {
	o, err := c.readable(ctx, actor, id)
	if err != nil {
		return Order{}, err
	}
	list, err := c.named(ctx, []Order{o})
	if err != nil {
		return Order{}, err
	}
	return list[0], nil
}

// named fills in the members' names as they are now (one read for the page).
func (c *Catalogue) named(ctx context.Context, list []Order) ([]Order, error) {
	var ids []string
	seen := map[string]bool{}
	for _, o := range list {
		if !seen[o.MemberID] {
			seen[o.MemberID] = true
			ids = append(ids, o.MemberID)
		}
	}
	if len(ids) == 0 {
		return list, nil
	}
	names, err := c.Store.MemberNames(ctx, ids)
	if err != nil {
		return nil, fmt.Errorf("rewards.named: %w", err)
	}
	for i := range list {
		list[i].MemberName = names[list[i].MemberID]
		list[i].MemberDeleted = list[i].MemberName == ""
	}
	return list, nil
}

// MyOrders is a page of the caller's own orders, with their addresses.
func (c *Catalogue) MyOrders(ctx context.Context, actor auth.Principal, cursor string) (OrderPage, error) {
	list, next, err := c.Store.MemberOrders(ctx, actor.MemberID, cursor, OrdersPage, c.now())
	if err == nil {
		list, err = c.named(ctx, list)
	}
	if err != nil {
		return OrderPage{}, fmt.Errorf("rewards.MyOrders: %w", err)
	}
	if list == nil {
		list = []Order{}
	}
	return OrderPage{Orders: list, Next: next}, nil
}

// Orders is a page of the orders of a status, oldest first (staff).
func (c *Catalogue) Orders(ctx context.Context, status, cursor string) (OrderPage, error) {
	if status == "" {
		status = OrderOrdered
	}
	if !ValidOrderStatus(status) {
		return OrderPage{}, errs.InvalidField("status", "invalid_order_status", "An order is ordered, approved, shipped, delivered or cancelled.")
	}
	list, next, err := c.Store.OrdersIn(ctx, status, cursor, OrdersPage)
	if err == nil {
		list, err = c.named(ctx, list)
	}
	if err != nil {
		return OrderPage{}, fmt.Errorf("rewards.Orders: %w", err)
	}
	if list == nil {
		list = []Order{}
	}
	return OrderPage{Orders: list, Next: next}, nil
}

// Move moves an order along the workflow (staff).
func (c *Catalogue) Move(ctx context.Context, actor auth.Principal, id string, req OrderStatusRequest) (Order, error) {
	old, err := c.Store.Order(ctx, id, false, c.now())
	if err != nil {
		return Order{}, err
	}
	o, err := old.Move(req, c.now())
	if err != nil {
		return Order{}, err
	}
	return c.save(ctx, actor, old, o)
}

// Cancel is a member's cancellation of their own order, before it is approved.
func (c *Catalogue) Cancel(ctx context.Context, actor auth.Principal, id string, req CancelRequest) (Order, error) {
	old, err := c.readable(ctx, actor, id)
	if err != nil {
		return Order{}, err
	}
	if old.MemberID != actor.MemberID {
		return Order{}, ErrNoOrder
	}
	old.Address = nil
	o, err := old.CancelByMember(req, c.now())
	if err != nil {
		return Order{}, err
	}
	return c.save(ctx, actor, old, o)
}

// save writes a move with its event (and the address's erasure clock once the order
// is finished), then answers the order as saved, address included.
func (c *Catalogue) save(ctx context.Context, actor auth.Principal, old, o Order) (Order, error) {
	var until time.Time
	if o.Finished() && o.NeedsShipping {
		st, err := c.Store.CatalogueSettings(ctx)
		if err != nil {
			return Order{}, err
		}
		until = o.UpdatedAt.Add(time.Duration(st.AddressDays) * 24 * time.Hour)
	}
	refunded := int64(0)
	if o.Status == OrderCancelled {
		refunded = o.Cost
	}
	evt, err := eventtypes.Wrap(eventtypes.OrderStatusChanged{Meta: eventtypes.NewMeta(o.UpdatedAt), OrderID: o.ID, MemberID: o.MemberID,
		GiftID: o.GiftID, GiftName: o.GiftName, VariantLabel: o.VariantLabel, CampaignID: o.CampaignID, From: old.Status, To: o.Status,
		ChangedBy: actor.MemberID, Carrier: o.Carrier, Tracking: o.Tracking, Refunded: refunded})
	if err != nil {
		return Order{}, err
	}
	var entry *audit.Entry
	if Corrected(old, o) {
		// A correction of what the member was told is kept in the audit log: who, when,
		// from what to what.
		entry = &audit.Entry{At: o.UpdatedAt, ActorID: actor.MemberID, Action: "order.correct_shipping", TargetType: "order",
			TargetID: o.ID, SubjectID: o.MemberID, Reason: fmt.Sprintf("%s %s → %s %s", old.Carrier, old.Tracking, o.Carrier, o.Tracking)}
	}
	if err := c.Store.SaveOrder(ctx, old, o, until, []eventtypes.Envelope{evt}, entry); err != nil {
		return Order{}, err
	}
	saved, err := c.Store.Order(ctx, o.ID, true, c.now())
	if err != nil {
		return Order{}, err
	}
	list, err := c.named(ctx, []Order{saved})
	if err != nil {
		return Order{}, err
	}
	return list[0], nil
}

// ShippingCSV is the CSV of the approved orders to ship, with their addresses (staff).
func (c *Catalogue) ShippingCSV(ctx context.Context) ([]byte, error) {
	list, err := c.Store.OrdersToShip(ctx, MaxExportRows, c.now())
	if err != nil {
		return nil, fmt.Errorf("rewards.ShippingCSV: %w", err)
	}
	return ShippingCSV(list)
}

// Settings are the catalogue's settings (defaults until saved).
func (c *Catalogue) Settings(ctx context.Context) (CatalogueSettings, error) {
	return c.Store.CatalogueSettings(ctx)
}

// SaveSettings changes the catalogue's settings (staff). A new delay applies to orders
// finished from then on.
func (c *Catalogue) SaveSettings(ctx context.Context, s CatalogueSettings) (CatalogueSettings, error) {
	if s.AddressDays < 1 || s.AddressDays > 365 {
		return CatalogueSettings{}, ErrCatalogueSettings
	}
	if err := c.Store.SaveCatalogueSettings(ctx, s); err != nil {
		return CatalogueSettings{}, err
	}
	return s, nil
}

// OnMemberDeleted erases the shipping addresses of a deleted member's orders at once
// (personal data goes with the account; their orders stay, for the stock and the
// campaigns' counts, and read as addressErased). Deleting again deletes nothing more.
func (c *Catalogue) OnMemberDeleted(ctx context.Context, evt eventtypes.MemberDeleted) error {
	if err := c.Store.EraseAddresses(ctx, evt.MemberID); err != nil {
		return fmt.Errorf("rewards.OnMemberDeleted %s: %w", evt.EventID, err)
	}
	return nil
}
