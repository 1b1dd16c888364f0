package metrics

import (
	"context"

	"tribune/shared/eventtypes"
)

// Counters of the reward catalogue (issue 12, r3): gifts redeemed, shipped, and
// redemptions cancelled, per day.
const (
	Redemptions          = "redemptions"
	GiftsShipped         = "gifts_shipped"
	RedemptionsCancelled = "redemptions_cancelled"
)

// OnRewardRedeemed counts a redemption.
func (s *Service) OnRewardRedeemed(ctx context.Context, evt eventtypes.RewardRedeemed) error {
	return s.count(ctx, evt.Meta, Redemptions)
}

// OnOrderStatusChanged counts a gift shipped and a redemption cancelled (the other
// moves count nothing).
func (s *Service) OnOrderStatusChanged(ctx context.Context, evt eventtypes.OrderStatusChanged) error {
	if evt.From == evt.To {
		return nil // a shipment's carrier or tracking number corrected: shipped once
	}
	switch evt.To {
	case "shipped":
		return s.count(ctx, evt.Meta, GiftsShipped)
	case "cancelled":
		return s.count(ctx, evt.Meta, RedemptionsCancelled)
	}
	return nil
}
