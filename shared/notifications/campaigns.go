package notifications

import (
	"context"
	"fmt"
	"strconv"

	"tribune/shared/eventtypes"
)

// Kinds of campaign notifications (issue 12, r2): a member hears of the review of
// their proof and of the decision on their trial application. They are about the
// member's own submission or application, so they reach them whatever they may read
// (like a warning); the campaign is named by its title ({post}).
const (
	KindProofApproved = "proof_approved"
	KindProofRejected = "proof_rejected"
	KindProofChanges  = "proof_changes"
	KindTrialApproved = "trial_approved"
	KindTrialDeclined = "trial_declined"
	// KindTrialFull: the application was declined because the last slot went.
	KindTrialFull = "trial_full"
)

// OnSubmissionReviewed tells the member how their proof was reviewed.
func (a *Activity) OnSubmissionReviewed(ctx context.Context, evt eventtypes.SubmissionReviewed) error {
	kind := map[string]string{"approved": KindProofApproved, "rejected": KindProofRejected, "changes_requested": KindProofChanges}[evt.Status]
	if kind == "" {
		return nil
	}
	n := Notification{Kind: kind, PostTitle: evt.CampaignTitle, Detail: strconv.FormatInt(evt.Points, 10)}
	if err := a.notify(ctx, evt.Meta, n, except([]string{evt.MemberID}, evt.ReviewerID)...); err != nil {
		return fmt.Errorf("notifications.OnSubmissionReviewed %s: %w", evt.EventID, err)
	}
	return nil
}

// OnTrialDecided tells the member the decision on their trial application (the
// instructions are read on the campaign's page, never in a message).
func (a *Activity) OnTrialDecided(ctx context.Context, evt eventtypes.TrialDecided) error {
	kind := KindTrialDeclined
	if evt.Approved {
		kind = KindTrialApproved
	} else if evt.NoSlots {
		kind = KindTrialFull
	}
	n := Notification{Kind: kind, PostTitle: evt.CampaignTitle}
	if err := a.notify(ctx, evt.Meta, n, except([]string{evt.MemberID}, evt.DecidedBy)...); err != nil {
		return fmt.Errorf("notifications.OnTrialDecided %s: %w", evt.EventID, err)
	}
	return nil
}
