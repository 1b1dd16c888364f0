package app

import (
	"context"
	"time"

	"tribune/shared/auth"
	"tribune/shared/httpx"
	"tribune/shared/rewards"
	"tribune/shared/spaces"
	"tribune/shared/store"
)

var _ rewards.Store = (*store.Rewards)(nil)

// pointsRoutes are the routes of points, ranks, badges and the leaderboards.
func pointsRoutes(d Deps) []httpx.Route {
	sp := &spaces.Service{Store: &store.Spaces{Store: d.Store}, Now: time.Now}
	return rewards.PointsHTTP{Points: newPoints(d.Store), Spaces: rewardSpaces{sp}}.Routes()
}

func newPoints(st *store.Store) *rewards.Points {
	return &rewards.Points{Store: st.Rewards(), Now: time.Now}
}

// newAwards is the awards consumer's points part.
func newAwards(st *store.Store) *rewards.Awards { return &rewards.Awards{Store: st.Rewards()} }

// rewardSpaces lets the leaderboards ask whether the caller may read a space now.
type rewardSpaces struct{ spaces *spaces.Service }

// MayRead implements rewards.SpaceReaders: a space the caller may not read is no space.
func (s rewardSpaces) MayRead(ctx context.Context, actor auth.Principal, spaceID string) error {
	acc, err := s.spaces.AccessOf(ctx, actor, spaceID)
	if err != nil {
		return err
	}
	if !acc.Read {
		return spaces.ErrNoSpace
	}
	return nil
}
