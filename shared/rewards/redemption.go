package rewards

import (
	"crypto/sha256"
	"encoding/base32"
	"strings"
	"time"

	"tribune/shared/errs"
)

// Redemption: a member spends points on a gift. It is ONE store transaction over the
// variant's stock, the member's balance, their count of this gift, the campaign's
// gift budget and the order (docs/rewards.md): a refusal writes nothing.

// RedeemRequest is a member's redemption of a gift.
type RedeemRequest struct {
	VariantID string `json:"variantId"`
	// Key is made by the client for one intent to redeem (one click, its retries):
	// the same key never orders twice.
	Key string `json:"key"`
	// Address is required for gifts that are shipped (and refused for others).
	Address *Address `json:"address,omitempty"`
}

// Redemption is what the store writes in one transaction.
type Redemption struct {
	Order   Order
	Address *Address
	// Limit is the gift's per-member limit; the store counts the member's orders of it.
	Limit int
	// GiftUpdatedAt is the gift's version as read: a gift changed meanwhile (its price,
	// withdrawn) refuses the redemption.
	GiftUpdatedAt time.Time
}

// Limits of a redemption key.
const (
	MinKeyLength = 8
	MaxKeyLength = 100
)

// Errors of a redemption, each refused with nothing written.
var (
	ErrKey             = errs.InvalidField("key", "invalid_redemption_key", "Send a key of 8 to 100 letters, digits, - or _ made for this redemption.")
	ErrKeyReused       = errs.New(errs.Unprocessable, "redemption_key_reused", "This key was used for another redemption: make a new key for a new redemption.")
	ErrAddressNeeded   = errs.InvalidField("address", "address_needed", "This gift is shipped: give the address to ship it to.")
	ErrAddressUnneeded = errs.InvalidField("address", "address_not_needed", "This gift is not shipped: send no address.")
	ErrOutOfStock      = errs.New(errs.Conflict, "out_of_stock", "This gift (in this variant) is out of stock.")
	ErrMemberLimit     = errs.New(errs.Conflict, "gift_limit_reached", "You already have as many of this gift as a member may redeem.")
	ErrGiftBudget      = errs.New(errs.Conflict, "campaign_gifts_spent", "The campaign this gift belongs to has given all its gifts.")
	ErrGiftUnavailable = errs.New(errs.Conflict, "gift_unavailable", "This gift is no longer offered.")
	ErrBusy            = errs.New(errs.Conflict, "redemptions_busy", "Many members are redeeming this gift at this moment: try again.")
)

// validKey checks a client's redemption key.
func validKey(k string) bool {
	if len(k) < MinKeyLength || len(k) > MaxKeyLength {
		return false
	}
	for _, r := range k {
		if !(r == '_' || r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// OrderIDFor is the id of the order a member's key makes: the same member and key
// always give the same order, so a retried click finds the first one.
func OrderIDFor(memberID, key string) string {
	sum := sha256.Sum256([]byte(memberID + "\x00" + key))
	return "o_" + strings.ToLower(base32.StdEncoding.WithPadding(base32.NoPadding).EncodeToString(sum[:])[:26])
}

// NewRedemption validates a member's redemption of gift as the member sees it now.
func NewRedemption(g Gift, memberID, memberName string, req RedeemRequest, now time.Time) (Redemption, error) {
	if !validKey(req.Key) {
		return Redemption{}, ErrKey
	}
	if !g.Active {
		return Redemption{}, ErrGiftUnavailable
	}
	v, ok := g.Variant(req.VariantID)
	if !ok {
		return Redemption{}, ErrVariantUnknown
	}
	var addr *Address
	switch {
	case g.NeedsShipping && req.Address == nil:
		return Redemption{}, ErrAddressNeeded
	case !g.NeedsShipping && req.Address != nil:
		return Redemption{}, ErrAddressUnneeded
	case req.Address != nil:
		a, err := validAddress(*req.Address)
		if err != nil {
			return Redemption{}, err
		}
		addr = &a
	}
	at := now.UTC()
	o := Order{ID: OrderIDFor(memberID, req.Key), MemberID: memberID, MemberName: memberName, GiftID: g.ID, GiftName: g.Name,
		VariantID: v.ID, VariantLabel: v.Label, Cost: g.Cost, CampaignID: g.CampaignID, NeedsShipping: g.NeedsShipping,
		Status: OrderOrdered, CreatedAt: at, UpdatedAt: at, Request: g.ID + "/" + v.ID}
	return Redemption{Order: o, Address: addr, Limit: g.PerMemberLimit, GiftUpdatedAt: g.UpdatedAt}, nil
}

// Repeat tells what an order found under a redemption's id means: the same request
// again (the order is the answer) or a key reused for another one.
func (r Redemption) Repeat(found Order) error {
	if found.MemberID != r.Order.MemberID || found.Request != r.Order.Request {
		return ErrKeyReused
	}
	return nil
}
