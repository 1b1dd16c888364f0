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

// OnOrderStatusChanged tells the member where their order stands, unless they moved it
// themselves (their own cancellation).
func (a *Activity) OnOrderStatusChanged(ctx context.Context, evt eventtypes.OrderStatusChanged) error {
	title := evt.GiftName
	if evt.VariantLabel != "" {
		title += " (" + evt.VariantLabel + ")"
	}
	n := Notification{Kind: KindOrderStatus, PostTitle: title, Detail: evt.To}
	if err := a.notify(ctx, evt.Meta, n, except([]string{evt.MemberID}, evt.ChangedBy)...); err != nil {
		return fmt.Errorf("notifications.OnOrderStatusChanged %s: %w", evt.EventID, err)
	}
	return nil
}
