// Package rewards is the community's reward programme: the points ledger and its rules,
// ranks, badges and the leaderboard (points), reward campaigns with their challenges,
// proofs and trial offers (campaigns), and the reward catalogue with its redemptions and
// orders (catalogue). The model, rules, states and guarantees are in docs/rewards.md.
//
// Like every domain package it imports no AWS SDK and no sibling domain: its stores are
// interfaces that shared/store implements, and shared/app wires it.
package rewards
