package notifications

import (
	"context"
	"fmt"

	"tribune/shared/eventtypes"
)

// KindOrderStatus tells a member their reward order moved (approved, shipped,
// delivered, cancelled): PostTitle is the gift and its variant, Detail the new status.
// It is about the member's own order, which they may always see.
const KindOrderStatus = "order_status"

// WordOrder is the word group of order statuses.
const WordOrder = "order"

// OrderCorrected is the Detail of an order_status notification telling the member
// their shipped order's carrier or tracking number was corrected.
const OrderCorrected = "shipping_corrected"

// OnOrderStatusChanged tells the member where their order stands, unless they moved it
// themselves (their own cancellation).
func (a *Activity) OnOrderStatusChanged(ctx context.Context, evt eventtypes.OrderStatusChanged) error {
	title := evt.GiftName
	if evt.VariantLabel != "" {
		title += " (" + evt.VariantLabel + ")"
	}
	n := Notification{Kind: KindOrderStatus, PostTitle: title, Detail: evt.To}
	if evt.From == evt.To && evt.To == "shipped" {
		// Staff corrected the carrier or the tracking number (issue 12, round 3).
		n.Detail = OrderCorrected
	}
	if err := a.notify(ctx, evt.Meta, n, except([]string{evt.MemberID}, evt.ChangedBy)...); err != nil {
		return fmt.Errorf("notifications.OnOrderStatusChanged %s: %w", evt.EventID, err)
	}
	return nil
}
