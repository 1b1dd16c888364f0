package app

import "tribune/shared/httpx"

// RewardsRoutes are the routes the rewards function serves: points, ranks, badges and
// the leaderboard (rewards_points.go), campaigns and their review queue
// (rewards_campaigns.go), the catalogue, redemptions and orders (rewards_catalogue.go).
func RewardsRoutes(d Deps) []httpx.Route {
	routes := pointsRoutes(d)
	routes = append(routes, campaignRoutes(d)...)
	return append(routes, catalogueRoutes(d)...)
}
