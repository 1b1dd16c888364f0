package rewards

import (
	"bytes"
	"encoding/csv"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/errs"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// Order statuses: ordered (the redemption), approved (staff checked it), shipped
// (carrier and tracking number), delivered; cancelled returns the points and the stock.
const (
	OrderOrdered   = "ordered"
	OrderApproved  = "approved"
	OrderShipped   = "shipped"
	OrderDelivered = "delivered"
	OrderCancelled = "cancelled"
)

// OrderStatuses lists them in workflow order.
var OrderStatuses = []string{OrderOrdered, OrderApproved, OrderShipped, OrderDelivered, OrderCancelled}

// orderMoves is the workflow for the catalogue's staff. A gift that needs no shipping
// goes from approved to delivered (a code, a voucher handed over).
var orderMoves = map[string][]string{
	OrderOrdered:  {OrderApproved, OrderCancelled},
	OrderApproved: {OrderShipped, OrderDelivered, OrderCancelled},
	OrderShipped:  {OrderDelivered},
}

// Address is where a gift is shipped: staff-only data, answered only to the catalogue's
// staff and to the member whose order it is; erased some days after delivery.
type Address struct {
	Name       string `json:"name"`
	Line1      string `json:"line1"`
	Line2      string `json:"line2,omitempty"`
	City       string `json:"city"`
	PostalCode string `json:"postalCode"`
	Region     string `json:"region,omitempty"`
	// Country is an ISO 3166-1 alpha-2 code ("FR").
	Country string `json:"country"`
	Phone   string `json:"phone,omitempty"`
}

// Order is a redemption and its way to the member.
type Order struct {
	ID       string `json:"id"`
	MemberID string `json:"memberId"`
	// MemberName is the member's name as it is now (read with the order, never stored
	// with it; "" with MemberDeleted once they deleted their account).
	MemberName    string `json:"memberName"`
	MemberDeleted bool   `json:"memberDeleted,omitempty"`
	GiftID        string `json:"giftId"`
	GiftName      string `json:"giftName"`
	VariantID     string `json:"variantId"`
	VariantLabel  string `json:"variantLabel"`
	Cost          int64  `json:"cost"`
	CampaignID    string `json:"campaignId,omitempty"`
	// BudgetTaken: the redemption spent one of the campaign's gift budget (a cancel
	// gives it back).
	BudgetTaken   bool   `json:"-"`
	NeedsShipping bool   `json:"needsShipping"`
	Status        string `json:"status"`
	Carrier       string `json:"carrier,omitempty"`
	Tracking      string `json:"tracking,omitempty"`
	CancelReason  string `json:"cancelReason,omitempty"`
	// CancelledBy: "member" (the member cancelled it) or "staff".
	CancelledBy string     `json:"cancelledBy,omitempty"`
	CreatedAt   time.Time  `json:"createdAt"`
	UpdatedAt   time.Time  `json:"updatedAt"`
	ApprovedAt  *time.Time `json:"approvedAt,omitempty"`
	ShippedAt   *time.Time `json:"shippedAt,omitempty"`
	DeliveredAt *time.Time `json:"deliveredAt,omitempty"`
	CancelledAt *time.Time `json:"cancelledAt,omitempty"`
	// Address is answered only to the member whose order it is and to the catalogue's
	// staff; absent once erased (AddressErased).
	Address       *Address `json:"address,omitempty"`
	AddressErased bool     `json:"addressErased,omitempty"`
	// Request is what was asked (variant), to tell a retry from a reused key.
	Request string `json:"-"`
}

// OrderPage is a page of orders.
type OrderPage struct {
	Orders []Order `json:"orders"`
	Next   string  `json:"next,omitempty"`
}

// OrderStatusRequest moves an order (staff): the carrier and tracking number with shipped,
// a reason with cancelled.
type OrderStatusRequest struct {
	Status   string `json:"status"`
	Carrier  string `json:"carrier,omitempty"`
	Tracking string `json:"tracking,omitempty"`
	Reason   string `json:"reason,omitempty"`
}

// CancelRequest is a member's cancellation of their own order, with an optional reason.
type CancelRequest struct {
	Reason string `json:"reason,omitempty"`
}

// Errors of orders.
var (
	ErrNoOrder        = errs.New(errs.NotFound, "order_not_found", "There is no such order, or it is not yours to see.")
	ErrOrderStatus    = errs.InvalidField("status", "invalid_order_status", "An order moves to approved, shipped, delivered or cancelled.")
	ErrOrderMove      = errs.New(errs.Conflict, "order_move_not_allowed", "The order cannot move to that status from where it is.")
	ErrOrderChanged   = errs.New(errs.Conflict, "order_changed", "Someone changed this order meanwhile: reload it and try again.")
	ErrCarrier        = errs.InvalidField("carrier", "invalid_carrier", "Name the carrier: 1 to 60 characters.")
	ErrTracking       = errs.InvalidField("tracking", "invalid_tracking", "Give the tracking number: 1 to 40 letters, digits, spaces or dashes.")
	ErrSameShipping   = errs.New(errs.Conflict, "shipping_unchanged", "The carrier and tracking number are already these: change one of them to correct it.")
	ErrCancelReason   = errs.InvalidField("reason", "invalid_cancel_reason", "A reason has at most 300 characters.")
	ErrNotCancellable = errs.New(errs.Conflict, "order_not_cancellable", "This order can no longer be cancelled by you: it was approved. Ask the team.")
	ErrShippingOnly   = errs.New(errs.Conflict, "gift_needs_no_shipping", "This gift is not shipped: mark it delivered.")
)

// ValidOrderStatus reports whether s is an order status.
func ValidOrderStatus(s string) bool { return slices.Contains(OrderStatuses, s) }

// CatalogueStaff reports whether someone holding roles runs the catalogue and its
// orders (marketers and admins): they see addresses and inactive gifts.
func CatalogueStaff(roles []string) bool { return policy.Allowed(roles, policy.RewardsCatalogue) }

// Move applies a staff move to an order: the new state, or ErrOrderMove.
func (o Order) Move(req OrderStatusRequest, now time.Time) (Order, error) {
	if !ValidOrderStatus(req.Status) || req.Status == OrderOrdered {
		return Order{}, ErrOrderStatus
	}
	if o.Status == OrderShipped && req.Status == OrderShipped {
		return o.correctShipping(req, now)
	}
	if !slices.Contains(orderMoves[o.Status], req.Status) {
		return Order{}, ErrOrderMove
	}
	out := o
	at := now.UTC()
	if !at.After(o.UpdatedAt) {
		at = o.UpdatedAt.Add(time.Microsecond)
	}
	out.Status, out.UpdatedAt = req.Status, at
	var err error
	switch req.Status {
	case OrderApproved:
		out.ApprovedAt = &at
	case OrderShipped:
		if !o.NeedsShipping {
			return Order{}, ErrShippingOnly
		}
		if out.Carrier, out.Tracking, err = shippingOf(req); err != nil {
			return Order{}, err
		}
		out.ShippedAt = &at
	case OrderDelivered:
		out.DeliveredAt = &at
	case OrderCancelled:
		if out.CancelReason, err = lineOf("reason", req.Reason, MaxCancelReasonRune, true, ErrCancelReason); err != nil {
			return Order{}, err
		}
		out.CancelledAt, out.CancelledBy = &at, "staff"
	}
	return out, nil
}

// shippingOf checks and cleans the carrier and tracking number of a shipment.
func shippingOf(req OrderStatusRequest) (carrier, tracking string, err error) {
	if carrier, err = lineOf("carrier", req.Carrier, MaxCarrierRunes, false, ErrCarrier); err != nil {
		return "", "", err
	}
	tracking = strings.Join(strings.Fields(req.Tracking), " ")
	if !validTracking(tracking) {
		return "", "", ErrTracking
	}
	return carrier, tracking, nil
}

// validTracking: a tracking number is 1 to 40 ASCII letters, digits, spaces and dashes
// (what carriers print: "6A12345678901", "JJD 0001 2345", "1Z-999-AA1").
func validTracking(s string) bool {
	if s == "" || len(s) > MaxTrackingRunes {
		return false
	}
	for _, r := range s {
		if !(r == ' ' || r == '-' || '0' <= r && r <= '9' || 'a' <= r && r <= 'z' || 'A' <= r && r <= 'Z') {
			return false
		}
	}
	return true
}

// Corrected reports whether a move of old to o corrects a shipment's carrier or
// tracking number (the order stays shipped).
func Corrected(old, o Order) bool { return old.Status == OrderShipped && o.Status == OrderShipped }

// correctShipping is staff's correction of a shipped order's carrier and tracking
// number (a typo): the order stays shipped, shipped at the same time; the member is
// told and the correction audited (Catalogue.Move).
func (o Order) correctShipping(req OrderStatusRequest, now time.Time) (Order, error) {
	carrier, tracking, err := shippingOf(req)
	if err != nil {
		return Order{}, err
	}
	if carrier == o.Carrier && tracking == o.Tracking {
		return Order{}, ErrSameShipping
	}
	out := o
	out.Carrier, out.Tracking, out.UpdatedAt = carrier, tracking, now.UTC()
	if !out.UpdatedAt.After(o.UpdatedAt) {
		out.UpdatedAt = o.UpdatedAt.Add(time.Microsecond)
	}
	return out, nil
}

// CancelByMember is the member's own cancellation: only while the order is not
// approved yet (after that, goods may be on their way).
func (o Order) CancelByMember(req CancelRequest, now time.Time) (Order, error) {
	if o.Status != OrderOrdered {
		return Order{}, ErrNotCancellable
	}
	out, err := o.Move(OrderStatusRequest{Status: OrderCancelled, Reason: req.Reason}, now)
	out.CancelledBy = "member"
	return out, err
}

// Finished: delivered or cancelled, the address's erasure clock runs.
func (o Order) Finished() bool { return o.Status == OrderDelivered || o.Status == OrderCancelled }

// Errors of an address.
func addressErr(field string) error {
	return errs.InvalidField("address."+field, "invalid_address", "Complete the shipping address: name, street, city, postal code and country (two letters, such as FR), each within its length.")
}

// validAddress checks and cleans a shipping address.
func validAddress(a Address) (Address, error) {
	fields := []struct {
		name     string
		v        *string
		max      int
		optional bool
	}{
		{"name", &a.Name, 100, false}, {"line1", &a.Line1, 200, false}, {"line2", &a.Line2, 200, true},
		{"city", &a.City, 100, false}, {"postalCode", &a.PostalCode, 20, false}, {"region", &a.Region, 100, true},
		{"phone", &a.Phone, 30, true},
	}
	for _, f := range fields {
		trimmed := strings.TrimSpace(*f.v)
		if trimmed == "" && f.optional {
			*f.v = ""
			continue
		}
		out, err := text.Line("address."+f.name, trimmed)
		if err != nil {
			return a, err
		}
		if n := utf8.RuneCountInString(out); n == 0 || n > f.max {
			return a, addressErr(f.name)
		}
		*f.v = out
	}
	c := strings.ToUpper(strings.TrimSpace(a.Country))
	if !IsCountry(c) {
		return a, addressErr("country")
	}
	a.Country = c
	return a, nil
}

// csvSafe keeps a spreadsheet from reading a cell as a formula (OWASP CSV injection).
func csvSafe(s string) string {
	if s != "" && strings.ContainsRune("=+-@\t\r", rune(s[0])) {
		return "'" + s
	}
	return s
}

// ShippingCSV writes orders with their addresses as CSV for a fulfilment vendor: a
// header line, then one line per order.
func ShippingCSV(orders []Order) ([]byte, error) {
	var buf bytes.Buffer
	w := csv.NewWriter(&buf)
	rows := [][]string{{"order", "ordered_at", "gift", "variant", "name", "line1", "line2", "postal_code", "city", "region", "country", "phone"}}
	for _, o := range orders {
		a := Address{}
		if o.Address != nil {
			a = *o.Address
		}
		rows = append(rows, []string{o.ID, o.CreatedAt.UTC().Format(time.RFC3339), csvSafe(o.GiftName), csvSafe(o.VariantLabel),
			csvSafe(a.Name), csvSafe(a.Line1), csvSafe(a.Line2), csvSafe(a.PostalCode), csvSafe(a.City), csvSafe(a.Region), a.Country, csvSafe(a.Phone)})
	}
	if err := w.WriteAll(rows); err != nil {
		return nil, err
	}
	return buf.Bytes(), nil
}
