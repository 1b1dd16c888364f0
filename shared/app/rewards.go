package app

import (
	"context"
	"time"

	"tribune/shared/httpx"
	"tribune/shared/members"
	"tribune/shared/newsletters"
	"tribune/shared/rewards"
	"tribune/shared/store"
)

var _ rewards.ExportStore = (*store.Rewards)(nil)

// RewardsRoutes are the routes the rewards function serves: points, ranks, badges and
// the leaderboard (rewards_points.go), campaigns and their review queue
// (rewards_campaigns.go), the catalogue, redemptions and orders (rewards_catalogue.go).
func RewardsRoutes(d Deps) []httpx.Route {
	routes := pointsRoutes(d)
	routes = append(routes, campaignRoutes(d)...)
	return append(routes, catalogueRoutes(d)...)
}

// exportSections are the other domains' parts of "download my data" (GET /api/me/export):
// the reward programme's, the newsletters' consent records with the suppression list's
// entry of the member's address, the member's bookmarks, and the articles and categories
// they follow with the feedback they gave.
func exportSections(st *store.Store) []members.ExportSection {
	return []members.ExportSection{{Name: "rewards", Gather: func(ctx context.Context, memberID string) (any, error) {
		return rewards.ExportMember(ctx, st.Rewards(), memberID, time.Now())
	}}, {Name: "newsletters", Gather: func(ctx context.Context, memberID string) (any, error) {
		m, err := st.Members().GetMember(ctx, memberID)
		if err != nil {
			return nil, err
		}
		return newsletters.ExportConsents(ctx, st.Newsletters(), memberID, m.Email)
	}}, {Name: "bookmarks", Gather: func(ctx context.Context, memberID string) (any, error) {
		return st.Bookmarks().ExportBookmarks(ctx, memberID)
	}}, {Name: "knowledge", Gather: func(ctx context.Context, memberID string) (any, error) {
		return st.Knowledge().ExportKnowledge(ctx, memberID)
	}}}
}

var _ newsletters.ConsentExportStore = (*store.Newsletters)(nil)
