package metrics

import (
	"context"

	"tribune/shared/eventtypes"
)

// Counters of campaigns (issue 12, r2), per day. Per campaign, the exact counts
// (members who saw and joined it, proofs, approvals, points paid) live on the campaign
// itself, written in the transactions that change them: its report reads them.
const (
	CampaignReviews      = "campaign_reviews"
	CampaignApprovals    = "campaign_approvals"
	ChallengeCompletions = "challenge_completions"
	// CampaignParticipants counts the members who completed a challenge on a day, once each.
	CampaignParticipants = "campaign_participants"
)

// OnSubmissionReviewed counts a review, and an approval.
func (s *Service) OnSubmissionReviewed(ctx context.Context, evt eventtypes.SubmissionReviewed) error {
	counts := []Count{{Name: CampaignReviews, Delta: 1}}
	if evt.Status == "approved" {
		counts = append(counts, Count{Name: CampaignApprovals, Delta: 1})
	}
	return s.countAll(ctx, evt.Meta, counts...)
}

// OnChallengeCompleted counts a completion, and its member once a day.
// A completion by a customer's member is a customer activity (a campaign submission).
func (s *Service) OnChallengeCompleted(ctx context.Context, evt eventtypes.ChallengeCompleted) error {
	more, err := s.customerActivity(ctx, evt.MemberID, "", false)
	if err != nil {
		return err
	}
	return s.countAll(ctx, evt.Meta, append([]Count{{Name: ChallengeCompletions, Delta: 1}, {Name: CampaignParticipants, Member: evt.MemberID}}, more...)...)
}
