package rewards

import (
	"context"
	"fmt"

	"tribune/shared/auth"
)

// CampaignReport is a campaign's funnel and cost, for its marketers: how many members saw it
// (opened its page), joined, submitted a proof, had one approved, redeemed one of its
// gifts, had that gift shipped; and what it gave.
type CampaignReport struct {
	CampaignID string `json:"campaignId"`
	Title      string `json:"title"`
	State      string `json:"state"`
	Funnel     Funnel `json:"funnel"`
	Cost       Cost   `json:"cost"`
	// Trial: applications and approvals of its trial offer.
	TrialApplied  int64 `json:"trialApplied"`
	TrialApproved int64 `json:"trialApproved"`
	Rejected      int64 `json:"rejected"`
	Completions   int64 `json:"completions"`
}

// Funnel counts the steps. Saw and Joined count members once each; Submitted, Approved
// count proofs; Redeemed and Shipped the campaign's gifts.
type Funnel struct {
	Saw       int64 `json:"saw"`
	Joined    int64 `json:"joined"`
	Submitted int64 `json:"submitted"`
	Approved  int64 `json:"approved"`
	Redeemed  int64 `json:"redeemed"`
	Shipped   int64 `json:"shipped"`
}

// Cost is what the campaign gave against its budget.
type Cost struct {
	PointsPaid       int64 `json:"pointsPaid"`
	PointsBudget     int64 `json:"pointsBudget"`
	PointsBudgetLeft int64 `json:"pointsBudgetLeft"`
	GiftsRedeemed    int64 `json:"giftsRedeemed"`
	GiftBudget       int64 `json:"giftBudget"`
	GiftBudgetLeft   int64 `json:"giftBudgetLeft"`
	TrialSlotsGiven  int64 `json:"trialSlotsGiven"`
}

// ReportOf builds a campaign's report from its exact counters.
func ReportOf(c Campaign) CampaignReport {
	n := c.Counts
	redeemed := c.GiftBudget - c.GiftBudgetLeft
	return CampaignReport{CampaignID: c.ID, Title: c.Title, State: c.State,
		Funnel: Funnel{Saw: n.Saw, Joined: n.Joined, Submitted: n.Submitted, Approved: n.Approved, Redeemed: redeemed, Shipped: n.GiftsShipped},
		Cost: Cost{PointsPaid: n.PointsPaid, PointsBudget: c.PointsBudget, PointsBudgetLeft: c.PointsBudgetLeft, GiftsRedeemed: redeemed,
			GiftBudget: c.GiftBudget, GiftBudgetLeft: c.GiftBudgetLeft, TrialSlotsGiven: n.TrialApproved},
		TrialApplied: n.TrialApplied, TrialApproved: n.TrialApproved, Rejected: n.Rejected, Completions: n.Completions}
}

// Report returns a campaign's report.
func (s *Campaigns) Report(ctx context.Context, actor auth.Principal, id string) (CampaignReport, error) {
	c, err := s.managed(ctx, id)
	if err != nil {
		return CampaignReport{}, fmt.Errorf("rewards.Report %s: %w", id, err)
	}
	return ReportOf(c), nil
}
