package store

import (
	"context"
	"errors"
	"fmt"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/audit"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/rewards"
)

// The reward catalogue, redemptions and orders (docs/rewards.md, "Catalogue,
// redemptions and orders"; docs/data-model.md, patterns of the catalogue).

const (
	typeGift              = "Gift"
	typeGiftVariant       = "GiftVariant"
	typeGiftCount         = "GiftCount"
	typeOrder             = "Order"
	typeOrderAddress      = "OrderAddress"
	typeOrderQueueEntry   = "OrderQueueEntry"
	typeCatalogueSettings = "CatalogueSettings"
)

// Attribute names the catalogue's expressions name (fields of the items below).
const (
	attrStock          = "Stock"
	attrAdded          = "Added"
	attrActive         = "Active"
	attrCampaignID     = "CampaignID"
	attrGiftBudgetLeft = "GiftBudgetLeft"
	attrState          = "State"
	attrStartsAt       = "StartsAt"
	attrEndsAt         = "EndsAt"
)

// Named conditions of the catalogue's transactions.
const (
	// condOrderNew: no order under the redemption's id yet (else: a retry).
	condOrderNew = "order new"
	// condGiftOffered: the gift is active and as it was read (price, limit).
	condGiftOffered = "gift offered as read"
	// condStock: the variant has stock left.
	condStock = "variant in stock"
	// condMemberLimit: the member holds fewer of the gift than its limit.
	condMemberLimit = "under the member limit"
	// condGiftBudget: the campaign has gifts left in its budget (or has no gift budget).
	condGiftBudget = "campaign gift budget left"
	// condOrderAsRead: the order is as it was read.
	condOrderAsRead = "order as read"
	// condGiftAsRead: the gift is as it was read (an edit).
	condGiftAsRead = "gift as read"
	// condCampaign: the campaign a new gift names exists.
	condCampaign = "campaign exists"
	// condStockEnough: taking stock away leaves it at 0 or more.
	condStockEnough = "stock enough"
)

// variantRef is a variant as the gift item lists it.
type variantRef struct{ ID, Label string }

// giftItem is a gift: GIFT#<id> / GIFT, in GSI1 GIFTS.
type giftItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	ID             string
	Name           string
	Description    string
	Cost           int64
	Variants       []variantRef
	PerMemberLimit int
	NeedsShipping  bool
	CampaignID     string
	Active         bool
	CreatedAt      time.Time
	UpdatedAt      time.Time
}

func newGiftItem(g rewards.Gift) giftItem {
	refs := make([]variantRef, len(g.Variants))
	for i, v := range g.Variants {
		refs[i] = variantRef{ID: v.ID, Label: v.Label}
	}
	return giftItem{PK: giftPK(g.ID), SK: skGift, Type: typeGift, GSI1PK: pkGifts, GSI1SK: giftsSK(g.CreatedAt, g.ID), ID: g.ID,
		Name: g.Name, Description: g.Description, Cost: g.Cost, Variants: refs, PerMemberLimit: g.PerMemberLimit,
		NeedsShipping: g.NeedsShipping, CampaignID: g.CampaignID, Active: g.Active, CreatedAt: g.CreatedAt, UpdatedAt: g.UpdatedAt}
}

// gift is the gift with its variants' stock (absent variant items: 0 left).
func (it giftItem) gift(stock map[string]variantItem) rewards.Gift {
	g := rewards.Gift{ID: it.ID, Name: it.Name, Description: it.Description, Cost: it.Cost, PerMemberLimit: it.PerMemberLimit,
		NeedsShipping: it.NeedsShipping, CampaignID: it.CampaignID, Active: it.Active, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		Variants: make([]rewards.Variant, len(it.Variants))}
	for i, v := range it.Variants {
		s := stock[v.ID]
		g.Variants[i] = rewards.Variant{ID: v.ID, Label: v.Label, Stock: s.Stock, Added: s.Added}
	}
	return g
}

// variantItem is a variant's stock: GIFT#<id> / VARIANT#<variant>.
type variantItem struct {
	PK, SK, Type string
	GiftID       string
	VariantID    string
	Stock        int64
	Added        int64
}

// orderItem is an order (ORDER#<id> / ORDER, in GSI1 MEMBERORDERS#<member>) and, with
// another key and no GSI1, its entry in the staff's list of its status.
type orderItem struct {
	PK, SK, Type  string
	GSI1PK        string `dynamodbav:",omitempty"`
	GSI1SK        string `dynamodbav:",omitempty"`
	ID            string
	MemberID      string
	GiftID        string
	GiftName      string
	VariantID     string
	VariantLabel  string
	Cost          int64
	CampaignID    string
	BudgetTaken   bool
	NeedsShipping bool
	Status        string
	Carrier       string
	Tracking      string
	CancelReason  string
	CancelledBy   string
	CreatedAt     time.Time
	UpdatedAt     time.Time
	ApprovedAt    *time.Time
	ShippedAt     *time.Time
	DeliveredAt   *time.Time
	CancelledAt   *time.Time
	Request       string
}

func newOrderItem(pk, sk, typ string, o rewards.Order) orderItem {
	it := orderItem{PK: pk, SK: sk, Type: typ, ID: o.ID, MemberID: o.MemberID, GiftID: o.GiftID, GiftName: o.GiftName,
		VariantID: o.VariantID, VariantLabel: o.VariantLabel, Cost: o.Cost, CampaignID: o.CampaignID, BudgetTaken: o.BudgetTaken,
		NeedsShipping: o.NeedsShipping, Status: o.Status, Carrier: o.Carrier, Tracking: o.Tracking, CancelReason: o.CancelReason,
		CancelledBy: o.CancelledBy, CreatedAt: o.CreatedAt, UpdatedAt: o.UpdatedAt, ApprovedAt: o.ApprovedAt, ShippedAt: o.ShippedAt,
		DeliveredAt: o.DeliveredAt, CancelledAt: o.CancelledAt, Request: o.Request}
	if typ == typeOrder {
		it.GSI1PK, it.GSI1SK = memberOrdersPK(o.MemberID), orderSK(o.CreatedAt, o.ID)
	}
	return it
}

func (it orderItem) order() rewards.Order {
	return rewards.Order{ID: it.ID, MemberID: it.MemberID, GiftID: it.GiftID, GiftName: it.GiftName, VariantID: it.VariantID,
		VariantLabel: it.VariantLabel, Cost: it.Cost, CampaignID: it.CampaignID, BudgetTaken: it.BudgetTaken,
		NeedsShipping: it.NeedsShipping, Status: it.Status, Carrier: it.Carrier, Tracking: it.Tracking, CancelReason: it.CancelReason,
		CancelledBy: it.CancelledBy, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, ApprovedAt: it.ApprovedAt, ShippedAt: it.ShippedAt,
		DeliveredAt: it.DeliveredAt, CancelledAt: it.CancelledAt, Request: it.Request}
}

// orderAddressItem is an order's shipping address: ORDER#<id> / ADDRESS, with a TTL
// (ExpiresAt) once the order is finished; every read treats it as absent after.
type orderAddressItem struct {
	PK, SK, Type string
	OrderID      string
	Name         string
	Line1        string
	Line2        string
	City         string
	PostalCode   string
	Region       string
	Country      string
	Phone        string
	ExpiresAt    int64 `dynamodbav:",omitempty"`
}

func newOrderAddressItem(orderID string, a rewards.Address) orderAddressItem {
	return orderAddressItem{PK: orderPK(orderID), SK: skAddress, Type: typeOrderAddress, OrderID: orderID, Name: a.Name, Line1: a.Line1,
		Line2: a.Line2, City: a.City, PostalCode: a.PostalCode, Region: a.Region, Country: a.Country, Phone: a.Phone}
}

func (it orderAddressItem) address() rewards.Address {
	return rewards.Address{Name: it.Name, Line1: it.Line1, Line2: it.Line2, City: it.City, PostalCode: it.PostalCode,
		Region: it.Region, Country: it.Country, Phone: it.Phone}
}

// giftCountItem counts a member's orders of a gift that are not cancelled.
type giftCountItem struct {
	PK, SK, Type string
	GiftID       string
	Count        int64
}

// catalogueSettingsItem is COMMUNITY / REWARDSCATALOGUE.
type catalogueSettingsItem struct {
	PK, SK, Type string
	AddressDays  int
}

// Catalogue's store: the gifts, their stock, redemptions and orders.
var _ rewards.CatalogueStore = (*Rewards)(nil)

// stockAdd adds n to a variant's stock (and to Added when restock), on condition.
func (s *Rewards) stockAdd(giftID, variantID string, n int64, restock bool, condition string) types.TransactWriteItem {
	expr := "SET #Type = :type, #GiftID = :g, #VariantID = :v ADD #Stock :n"
	names := named(AttrType, attrGiftID, attrVariantID, attrStock)
	if restock {
		expr += ", #Added :n"
		names["#Added"] = attrAdded
	}
	values := item{":type": avS(typeGiftVariant), ":g": avS(giftID), ":v": avS(variantID), ":n": avN(n)}
	if condition != "" && n < 0 {
		values[":need"] = avN(-n)
	}
	return s.update(variantKey(giftID, variantID), expr, condition, names, values)
}

const (
	attrGiftID    = "GiftID"
	attrVariantID = "VariantID"
)

// CreateGift implements rewards.CatalogueStore: the gift and its variants, one
// transaction; a gift of a campaign only while the campaign exists.
func (s *Rewards) CreateGift(ctx context.Context, g rewards.Gift) error {
	t := s.txn().put("", newGiftItem(g), itemAbsent)
	for _, v := range g.Variants {
		t.put("", variantItem{PK: giftPK(g.ID), SK: variantSK(v.ID), Type: typeGiftVariant, GiftID: g.ID, VariantID: v.ID,
			Stock: v.Stock, Added: v.Added}, itemAbsent)
	}
	if g.CampaignID != "" {
		// The campaign exists and has not ended (stored ended, or its end passed): a gift
		// of an ended campaign could never be offered (issue 12, round 3).
		t.add(condCampaign, s.check(campaignKey(g.CampaignID),
			itemExists+" AND #State <> :ended AND (#State = :draft OR #EndsAt > :now)", named(attrState, attrEndsAt),
			item{":ended": avS(rewards.StateEnded), ":draft": avS(rewards.StateDraft),
				":now": avS(g.CreatedAt.UTC().Truncate(time.Second).Format(time.RFC3339Nano))}))
	}
	err := t.run(ctx)
	if failed(err, condCampaign) {
		if _, cerr := s.Campaign(ctx, g.CampaignID); cerr == nil {
			return rewards.ErrCampaignEnded
		}
		return rewards.ErrCampaign
	}
	if err != nil {
		return fmt.Errorf("store.CreateGift %s: %w", g.ID, err)
	}
	return nil
}

// Gift implements rewards.CatalogueStore: one consistent query of the gift's
// partition (the gift and its variants).
func (s *Rewards) Gift(ctx context.Context, id string) (rewards.Gift, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String(pkIs), ExpressionAttributeValues: item{":pk": avS(giftPK(id))}})
	if err != nil {
		return rewards.Gift{}, fmt.Errorf("store.Gift %s: %w", id, err)
	}
	var g *giftItem
	stock := map[string]variantItem{}
	for _, av := range items {
		typ, _ := av[AttrType].(*types.AttributeValueMemberS)
		switch {
		case typ == nil:
		case typ.Value == typeGift:
			var it giftItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return rewards.Gift{}, fmt.Errorf("store.Gift %s: %w", id, err)
			}
			g = &it
		case typ.Value == typeGiftVariant:
			var it variantItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return rewards.Gift{}, fmt.Errorf("store.Gift %s: %w", id, err)
			}
			stock[it.VariantID] = it
		}
	}
	if g == nil {
		return rewards.Gift{}, fmt.Errorf("store.Gift %s: %w", id, rewards.ErrNoGift)
	}
	return g.gift(stock), nil
}

// Gifts implements rewards.CatalogueStore: a page of GSI1 GIFTS, newest first (members'
// pages filtered on Active), then one BatchGetItem of their variants' stock.
func (s *Rewards) Gifts(ctx context.Context, activeOnly bool, campaignID, cursor string, limit int) ([]rewards.Gift, string, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), ScanIndexForward: aws.Bool(false),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is), ExpressionAttributeValues: item{":pk": avS(pkGifts)}}
	scope := "gifts"
	var filters, names []string
	if activeOnly {
		scope = "gifts-active"
		filters, names = append(filters, "#Active = :on"), append(names, attrActive)
		in.ExpressionAttributeValues[":on"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	if campaignID != "" {
		// A campaign has a handful of gifts in a catalogue of at most hundreds: a filter
		// over the catalogue's one partition, which the paging helper fills.
		scope += "-campaign-" + campaignID
		filters, names = append(filters, "#CampaignID = :campaign"), append(names, attrCampaignID)
		in.ExpressionAttributeValues[":campaign"] = avS(campaignID)
	}
	if len(filters) > 0 {
		in.FilterExpression = aws.String(strings.Join(filters, " AND "))
		in.ExpressionAttributeNames = named(names...)
	}
	list, next, err := pageOf(ctx, s.Store, scope, cursor, in, func(av item) (giftItem, bool, error) {
		var it giftItem
		err := attributevalue.UnmarshalMap(av, &it)
		return it, true, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("store.Gifts: %w", err)
	}
	var keys []item
	for _, g := range list {
		for _, v := range g.Variants {
			keys = append(keys, variantKey(g.ID, v.ID))
		}
	}
	found, err := s.batchGet(ctx, "store.Gifts", keys)
	if err != nil {
		return nil, "", err
	}
	out := make([]rewards.Gift, 0, len(list))
	for _, g := range list {
		stock := map[string]variantItem{}
		for _, v := range g.Variants {
			if av, ok := found[keyName(variantKey(g.ID, v.ID))]; ok {
				var it variantItem
				if err := attributevalue.UnmarshalMap(av, &it); err != nil {
					return nil, "", fmt.Errorf("store.Gifts: %w", err)
				}
				stock[v.ID] = it
			}
		}
		out = append(out, g.gift(stock))
	}
	return out, next, nil
}

// SaveGift implements rewards.CatalogueStore.
func (s *Rewards) SaveGift(ctx context.Context, old, g rewards.Gift, added []rewards.Variant) error {
	put, err := s.put(newGiftItem(g), "#UpdatedAt = :v")
	if err != nil {
		return fmt.Errorf("store.SaveGift: %w", err)
	}
	put.Put.ExpressionAttributeNames = named(attrUpdatedAt)
	put.Put.ExpressionAttributeValues = item{":v": avS(old.UpdatedAt.Format(time.RFC3339Nano))}
	t := s.txn().add(condGiftAsRead, put)
	for _, v := range added {
		t.put("", variantItem{PK: giftPK(g.ID), SK: variantSK(v.ID), Type: typeGiftVariant, GiftID: g.ID, VariantID: v.ID,
			Stock: v.Stock, Added: v.Added}, itemAbsent)
	}
	err = t.run(ctx)
	if failed(err, condGiftAsRead) || lostToConcurrent(err) {
		return rewards.ErrGiftChanged
	}
	if err != nil {
		return fmt.Errorf("store.SaveGift %s: %w", g.ID, err)
	}
	return nil
}

// ChangeStock implements rewards.CatalogueStore: ADD to the variant's stock and to
// what was added; taking away only down to 0.
func (s *Rewards) ChangeStock(ctx context.Context, giftID, variantID string, add int64, now time.Time) error {
	cond := itemExists
	if add < 0 {
		cond += " AND #Stock >= :need"
	}
	err := s.txn().add(condStockEnough, s.stockAdd(giftID, variantID, add, true, cond)).run(ctx)
	if failed(err, condStockEnough) {
		return rewards.ErrStockBelowZero
	}
	if err != nil {
		return fmt.Errorf("store.ChangeStock %s: %w", giftID, err)
	}
	return nil
}

// campaignLive is the condition that a campaign is live at now, as rewards.StateAt
// derives it: stored scheduled or live, started, not ended. Times are compared as the
// RFC 3339 UTC strings they are stored as; a campaign's times are whole seconds, so
// :now, truncated to its second, compares exactly (start <= now < end).
const campaignLive = "#State IN (:scheduled, :live) AND #StartsAt <= :now AND #EndsAt > :now"

// campaignBudget is what a redemption of a campaign's gift does to the campaign's gift
// budget: take one (it has a budget) or check it still has none; either way on condition
// the campaign is still live when the transaction runs (a pause at that very moment
// stops the redemption).
func (s *Rewards) campaignBudget(ctx context.Context, campaignID string, now time.Time) (types.TransactWriteItem, bool, error) {
	var it map[string]types.AttributeValue
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: campaignKey(campaignID), ConsistentRead: aws.Bool(true),
		ProjectionExpression: aws.String(AttrPK + ", #GiftBudgetLeft"), ExpressionAttributeNames: named(attrGiftBudgetLeft)})
	if err != nil {
		return types.TransactWriteItem{}, false, fmt.Errorf("store.campaignBudget %s: %w", campaignID, err)
	}
	it = res.Item
	if it == nil {
		return types.TransactWriteItem{}, false, rewards.ErrGiftUnavailable
	}
	names := named(attrState, attrStartsAt, attrEndsAt)
	names["#b"] = attrGiftBudgetLeft
	values := item{":scheduled": avS(rewards.StateScheduled), ":live": avS(rewards.StateLive), ":now": avS(now.UTC().Truncate(time.Second).Format(time.RFC3339Nano))}
	if _, has := it[attrGiftBudgetLeft]; has {
		values[":minus"], values[":zero"] = avN(-1), avN(0)
		return s.update(campaignKey(campaignID), "ADD #b :minus", "#b > :zero AND "+campaignLive, names, values), true, nil
	}
	return s.check(campaignKey(campaignID), itemExists+" AND attribute_not_exists(#b) AND "+campaignLive, names, values), false, nil
}

// giftBudgetRefusal tells why a campaign refused a redemption: no longer live
// (rewards.ErrGiftUnavailable) or its gift budget spent (rewards.ErrGiftBudget).
func (s *Rewards) giftBudgetRefusal(ctx context.Context, campaignID string, now time.Time) error {
	c, err := s.Campaign(ctx, campaignID)
	if err != nil {
		return fmt.Errorf("store.Redeem %s: %w", campaignID, err)
	}
	if c.At(now).State != rewards.StateLive {
		return rewards.ErrGiftUnavailable
	}
	return rewards.ErrGiftBudget
}

// Redeem implements rewards.CatalogueStore: one transaction (docs/data-model.md).
func (s *Rewards) Redeem(ctx context.Context, r rewards.Redemption, event eventtypes.Envelope) (rewards.Order, bool, error) {
	o := r.Order
	var budget types.TransactWriteItem
	if o.CampaignID != "" {
		var err error
		// The order says whether it took one of the budget, so a cancel gives it back.
		if budget, o.BudgetTaken, err = s.campaignBudget(ctx, o.CampaignID, o.CreatedAt); err != nil {
			return rewards.Order{}, false, err
		}
	}
	t := s.txn()
	t.put(condOrderNew, newOrderItem(orderPK(o.ID), skOrder, typeOrder, o), itemAbsent)
	t.add(condGiftOffered, s.check(giftKey(o.GiftID), "#Active = :on AND #UpdatedAt = :v", named(attrActive, attrUpdatedAt),
		item{":on": &types.AttributeValueMemberBOOL{Value: true}, ":v": avS(r.GiftUpdatedAt.Format(time.RFC3339Nano))}))
	t.add(condStock, s.stockAdd(o.GiftID, o.VariantID, -1, false, "#Stock >= :need"))
	t.add(condMemberLimit, s.update(giftCountKey(o.MemberID, o.GiftID), "SET #Type = :type, #GiftID = :g ADD #Count :one",
		"attribute_not_exists(#Count) OR #Count < :limit", named(AttrType, attrGiftID, attrCount),
		item{":type": avS(typeGiftCount), ":g": avS(o.GiftID), ":one": avN(1), ":limit": avN(int64(r.Limit))}))
	if o.CampaignID != "" {
		t.add(condGiftBudget, budget)
	}
	if r.Address != nil {
		t.put("", newOrderAddressItem(o.ID, *r.Address), "")
	}
	t.put("", newOrderItem(ordersPK(o.Status), orderSK(o.CreatedAt, o.ID), typeOrderQueueEntry, o), "")
	s.spend(t, o, event.ID)
	out, err := s.outboxPut(event)
	t.also("", []types.TransactWriteItem{out}, err)
	err = t.run(ctx)
	switch {
	case failed(err, condOrderNew):
		found, ferr := s.Order(ctx, o.ID, true, time.Now())
		if ferr != nil {
			return rewards.Order{}, false, ferr
		}
		return found, false, nil
	case failed(err, condGiftOffered):
		return rewards.Order{}, false, rewards.ErrGiftChanged
	case failed(err, condStock):
		return rewards.Order{}, false, rewards.ErrOutOfStock
	case failed(err, condMemberLimit):
		return rewards.Order{}, false, rewards.ErrMemberLimit
	case failed(err, condGiftBudget):
		return rewards.Order{}, false, s.giftBudgetRefusal(ctx, o.CampaignID, o.CreatedAt)
	case spendRefused(err):
		return rewards.Order{}, false, rewards.ErrBalance
	case lostToConcurrent(err):
		return rewards.Order{}, false, rewards.ErrBusy
	case err != nil:
		return rewards.Order{}, false, fmt.Errorf("store.Redeem %s: %w", o.ID, err)
	}
	o.Address = r.Address
	return o, true, nil
}

// Order implements rewards.CatalogueStore: one consistent query of the order's
// partition (the order and its address).
func (s *Rewards) Order(ctx context.Context, id string, withAddress bool, now time.Time) (rewards.Order, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String(pkIs), ExpressionAttributeValues: item{":pk": avS(orderPK(id))}})
	if err != nil {
		return rewards.Order{}, fmt.Errorf("store.Order %s: %w", id, err)
	}
	var o *rewards.Order
	var addr *rewards.Address
	for _, av := range items {
		typ, _ := av[AttrType].(*types.AttributeValueMemberS)
		switch {
		case typ == nil:
		case typ.Value == typeOrder:
			var it orderItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return rewards.Order{}, fmt.Errorf("store.Order %s: %w", id, err)
			}
			ord := it.order()
			o = &ord
		case typ.Value == typeOrderAddress && !expired(av, now):
			var it orderAddressItem
			if err := attributevalue.UnmarshalMap(av, &it); err != nil {
				return rewards.Order{}, fmt.Errorf("store.Order %s: %w", id, err)
			}
			a := it.address()
			addr = &a
		}
	}
	if o == nil {
		return rewards.Order{}, fmt.Errorf("store.Order %s: %w", id, rewards.ErrNoOrder)
	}
	if withAddress {
		o.Address = addr
		o.AddressErased = o.NeedsShipping && addr == nil
	}
	return *o, nil
}

// withAddresses reads the addresses of orders that are shipped (one BatchGetItem;
// expired ones are absent).
func (s *Rewards) withAddresses(ctx context.Context, list []rewards.Order) ([]rewards.Order, error) {
	var keys []item
	for _, o := range list {
		if o.NeedsShipping {
			keys = append(keys, orderAddressKey(o.ID))
		}
	}
	if len(keys) == 0 {
		return list, nil
	}
	found, err := s.batchGet(ctx, "store.withAddresses", keys)
	if err != nil {
		return nil, err
	}
	for i, o := range list {
		if !o.NeedsShipping {
			continue
		}
		av, ok := found[keyName(orderAddressKey(o.ID))]
		if !ok {
			list[i].AddressErased = true
			continue
		}
		var it orderAddressItem
		if err := attributevalue.UnmarshalMap(av, &it); err != nil {
			return nil, err
		}
		a := it.address()
		list[i].Address = &a
	}
	return list, nil
}

func orderOf(av item) (rewards.Order, bool, error) {
	var it orderItem
	err := attributevalue.UnmarshalMap(av, &it)
	return it.order(), true, err
}

// MemberOrders implements rewards.CatalogueStore: GSI1 MEMBERORDERS#<member>, newest
// first, then the addresses.
func (s *Rewards) MemberOrders(ctx context.Context, memberID, cursor string, limit int, now time.Time) ([]rewards.Order, string, error) {
	pk := memberOrdersPK(memberID)
	list, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		ScanIndexForward: aws.Bool(false), Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: item{":pk": avS(pk)}}, orderOf)
	if err == nil {
		list, err = s.withAddresses(ctx, list)
	}
	if err != nil {
		return nil, "", fmt.Errorf("store.MemberOrders: %w", err)
	}
	return list, next, nil
}

// OrdersIn implements rewards.CatalogueStore: ORDERS#<status>, oldest first.
func (s *Rewards) OrdersIn(ctx context.Context, status, cursor string, limit int) ([]rewards.Order, string, error) {
	pk := ordersPK(status)
	list, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(pkIs), ExpressionAttributeValues: item{":pk": avS(pk)}}, orderOf)
	if err != nil {
		return nil, "", fmt.Errorf("store.OrdersIn: %w", err)
	}
	return list, next, nil
}

// OrdersToShip implements rewards.CatalogueStore: ORDERS#approved, oldest first, those
// shipped, up to limit, with their addresses.
func (s *Rewards) OrdersToShip(ctx context.Context, limit int, now time.Time) ([]rewards.Order, error) {
	var out []rewards.Order
	err := s.eachPage(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression: aws.String(pkIs), ExpressionAttributeValues: item{":pk": avS(ordersPK(rewards.OrderApproved))}},
		func(page []item) error {
			for _, av := range page {
				o, _, err := orderOf(av)
				if err != nil {
					return err
				}
				if o.NeedsShipping {
					out = append(out, o)
				}
				if len(out) == limit {
					return errStop
				}
			}
			return nil
		})
	if err == nil {
		out, err = s.withAddresses(ctx, out)
	}
	if err != nil {
		return nil, fmt.Errorf("store.OrdersToShip: %w", err)
	}
	return out, nil
}

// SaveOrder implements rewards.CatalogueStore.
func (s *Rewards) SaveOrder(ctx context.Context, old, o rewards.Order, addressUntil time.Time, events []eventtypes.Envelope, entry *audit.Entry) error {
	o.Address, old.Address = nil, nil
	put, err := s.put(newOrderItem(orderPK(o.ID), skOrder, typeOrder, o), "#UpdatedAt = :v AND #Status = :s")
	if err != nil {
		return fmt.Errorf("store.SaveOrder: %w", err)
	}
	put.Put.ExpressionAttributeNames = named(attrUpdatedAt, attrStatus)
	put.Put.ExpressionAttributeValues = item{":v": avS(old.UpdatedAt.Format(time.RFC3339Nano)), ":s": avS(old.Status)}
	t := s.txn().add(condOrderAsRead, put)
	if old.Status != o.Status {
		t.add("", s.del(key(ordersPK(old.Status), orderSK(old.CreatedAt, old.ID)), ""))
	}
	t.put("", newOrderItem(ordersPK(o.Status), orderSK(o.CreatedAt, o.ID), typeOrderQueueEntry, o), "")
	if entry != nil {
		t.put("", newAuditItem(*entry), "")
	}
	if o.Status == rewards.OrderCancelled && old.Status != rewards.OrderCancelled {
		// Everything the redemption took comes back, in the same transaction.
		t.add("", s.stockAdd(o.GiftID, o.VariantID, 1, false, ""))
		t.add("", s.update(giftCountKey(o.MemberID, o.GiftID), "ADD #Count :minus", "", named(attrCount), item{":minus": avN(-1)}))
		if o.BudgetTaken {
			t.add("", s.update(campaignKey(o.CampaignID), "ADD #b :one", itemExists, map[string]string{"#b": attrGiftBudgetLeft}, item{":one": avN(1)}))
		}
		eventID := ""
		if len(events) > 0 {
			eventID = events[0].ID
		}
		s.refund(t, o, eventID)
	}
	if o.CampaignID != "" && shippedNow(old.Status, o.Status) {
		// The campaign report's "shipped": its gifts that left (shipped, or handed over
		// straight from approved), counted in the move's transaction, once per order.
		t.add("", s.campaignAdd(o.CampaignID, map[string]int64{caGiftsShipped: 1}, "", 0))
	}
	if !addressUntil.IsZero() {
		t.add("", s.update(orderAddressKey(o.ID), "SET #e = :e", itemExists, map[string]string{"#e": AttrExpires},
			item{":e": &types.AttributeValueMemberN{Value: epoch(addressUntil)}}))
	}
	outs, err := s.outboxPuts(events)
	t.also("", outs, err)
	err = t.run(ctx)
	if failed(err, condOrderAsRead) || lostToConcurrent(err) {
		return rewards.ErrOrderChanged
	}
	if err != nil {
		return fmt.Errorf("store.SaveOrder %s: %w", o.ID, err)
	}
	return nil
}

// shippedNow reports whether a move makes an order leave: to shipped, or to delivered
// from ordered or approved (a gift handed over without shipping).
func shippedNow(from, to string) bool {
	notYet := from == rewards.OrderOrdered || from == rewards.OrderApproved
	return notYet && (to == rewards.OrderShipped || to == rewards.OrderDelivered)
}

// CatalogueSettings implements rewards.CatalogueStore.
func (s *Rewards) CatalogueSettings(ctx context.Context) (rewards.CatalogueSettings, error) {
	var it catalogueSettingsItem
	err := s.get(ctx, "store.CatalogueSettings", pkSettings, skCatalogueSettings, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return rewards.DefaultCatalogueSettings, nil
	}
	if err != nil {
		return rewards.CatalogueSettings{}, err
	}
	return rewards.CatalogueSettings{AddressDays: it.AddressDays}, nil
}

// SaveCatalogueSettings implements rewards.CatalogueStore.
func (s *Rewards) SaveCatalogueSettings(ctx context.Context, st rewards.CatalogueSettings) error {
	av, err := attributevalue.MarshalMap(catalogueSettingsItem{PK: pkSettings, SK: skCatalogueSettings, Type: typeCatalogueSettings, AddressDays: st.AddressDays})
	if err == nil {
		_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: av})
	}
	if err != nil {
		return fmt.Errorf("store.SaveCatalogueSettings: %w", err)
	}
	return nil
}

// Ledger rules of the catalogue (rewards.Entry.Rule): a redemption spends the gift's
// cost, a cancellation gives it back; neither moves the lifetime score.
const (
	ruleRedemption = "redemption"
	ruleRefund     = "refund"
	objectOrder    = "order"
)

// spend adds the redemption's ledger entry (txn.ledger): the cost off the balance, on
// condition the balance covers it (condBalance).
func (s *Rewards) spend(t *txn, o rewards.Order, _ string) {
	t.ledger(rewards.Entry{MemberID: o.MemberID, Rule: ruleRedemption, Amount: -o.Cost, ObjectType: objectOrder, ObjectID: o.ID,
		Reason: giftLabel(o), At: o.CreatedAt}, -o.Cost, 0, o.Cost)
}

// spendRefused reports whether a redemption failed on the balance.
func spendRefused(err error) bool { return failed(err, condBalance) }

// refund adds a cancellation's ledger entry: the cost back on the balance.
func (s *Rewards) refund(t *txn, o rewards.Order, _ string) {
	t.ledger(rewards.Entry{MemberID: o.MemberID, Rule: ruleRefund, Amount: o.Cost, ObjectType: objectOrder, ObjectID: o.ID,
		Reason: giftLabel(o), At: o.UpdatedAt}, o.Cost, 0, 0)
}

// giftLabel is what the member's history says of an order: the gift and its variant
// ("Headphones hoodie (L)").
func giftLabel(o rewards.Order) string {
	if o.VariantLabel == "" {
		return o.GiftName
	}
	return o.GiftName + " (" + o.VariantLabel + ")"
}

// EraseAddresses implements rewards.CatalogueStore: Query GSI1 MEMBERORDERS#<member>
// (keys only), then BatchWriteItem Delete each order's ADDRESS (pattern 148).
func (s *Rewards) EraseAddresses(ctx context.Context, memberID string) error {
	var keys []item
	err := s.eachPage(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression: aws.String(gsi1Is), ExpressionAttributeValues: item{":pk": avS(memberOrdersPK(memberID))},
		ProjectionExpression: aws.String(AttrPK)}, func(page []item) error {
		for _, av := range page {
			if pk, ok := av[AttrPK].(*types.AttributeValueMemberS); ok {
				keys = append(keys, key(pk.Value, skAddress))
			}
		}
		return nil
	})
	if err == nil {
		err = s.batchDelete(ctx, keys)
	}
	if err != nil {
		return fmt.Errorf("store.EraseAddresses %s: %w", memberID, err)
	}
	return nil
}
