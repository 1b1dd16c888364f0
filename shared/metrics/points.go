package metrics

import (
	"context"

	"tribune/shared/eventtypes"
)

// PointsOutstanding is the day's change of the points members may spend (rewards, r1):
// earned, minus taken back, minus spent, plus given back. The points outstanding on a
// day are the sum of the days up to it.
const PointsOutstanding = "points_outstanding"

// OnPointsAwarded counts points earned into the balance.
func (s *Service) OnPointsAwarded(ctx context.Context, evt eventtypes.PointsAwarded) error {
	return s.countAll(ctx, evt.Meta, Count{Name: PointsOutstanding, Delta: evt.Balance})
}

// OnPointsReversed counts points taken back from the balance.
func (s *Service) OnPointsReversed(ctx context.Context, evt eventtypes.PointsReversed) error {
	return s.countAll(ctx, evt.Meta, Count{Name: PointsOutstanding, Delta: -evt.BalanceTaken})
}

// OnPointsSpent counts points spent (or given back) from the balance.
func (s *Service) OnPointsSpent(ctx context.Context, evt eventtypes.PointsSpent) error {
	return s.countAll(ctx, evt.Meta, Count{Name: PointsOutstanding, Delta: evt.Amount})
}
