package store

// Rewards stores the reward programme: the points ledger and balances, rules, ranks,
// badges, leaderboards, campaigns, submissions, the catalogue and orders (docs/rewards.md,
// docs/data-model.md). Its methods are in rewards_points.go, rewards_campaigns.go and
// rewards_catalogue.go.
type Rewards struct{ *Store }

// Rewards is the store of the reward programme over the core.
func (s *Store) Rewards() *Rewards { return &Rewards{s} }
