package rewards

import (
	"context"
	"fmt"
	"strings"
	"time"

	"tribune/shared/auth"
)

// CampaignReport is a campaign's funnel and cost, for its marketers: how many members saw it
// (opened its page), joined, sent a proof, had one approved, redeemed one of its
// gifts, had that gift shipped; and what it gave, net of what was taken back.
type CampaignReport struct {
	CampaignID string `json:"campaignId"`
	Title      string `json:"title"`
	State      string `json:"state"`
	Funnel     Funnel `json:"funnel"`
	Cost       Cost   `json:"cost"`
	// Trial: applications and approvals of its trial offer.
	TrialApplied  int64 `json:"trialApplied"`
	TrialApproved int64 `json:"trialApproved"`
	// ProofsSent and ProofsApproved count proofs (a member may send several: a proof
	// sent again after changes counts once, a new one after a rejection again);
	// Rejected the proofs rejected.
	ProofsSent     int64 `json:"proofsSent"`
	ProofsApproved int64 `json:"proofsApproved"`
	Rejected       int64 `json:"rejected"`
	Completions    int64 `json:"completions"`
	// TakenBack counts the challenge payments staff took back as fraudulent.
	TakenBack int64 `json:"takenBack"`
}

// Funnel counts members at each step, each once: Saw, Joined, Submitted (sent at
// least one proof), Approved (had at least one approved); Redeemed and Shipped count
// the campaign's gifts.
type Funnel struct {
	Saw       int64 `json:"saw"`
	Joined    int64 `json:"joined"`
	Submitted int64 `json:"submitted"`
	Approved  int64 `json:"approved"`
	Redeemed  int64 `json:"redeemed"`
	Shipped   int64 `json:"shipped"`
}

// Cost is what the campaign gave against its budget. PointsPaid is every point its
// challenges paid; PointsTakenBack what staff took back of them as fraudulent, and
// PointsNet the difference (the budget is not given back: what was paid was spent).
type Cost struct {
	PointsPaid       int64 `json:"pointsPaid"`
	PointsTakenBack  int64 `json:"pointsTakenBack"`
	PointsNet        int64 `json:"pointsNet"`
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
		Funnel: Funnel{Saw: n.Saw, Joined: n.Joined, Submitted: n.Submitters, Approved: n.ApprovedMembers, Redeemed: redeemed, Shipped: n.GiftsShipped},
		Cost: Cost{PointsPaid: n.PointsPaid, PointsTakenBack: n.PointsTakenBack, PointsNet: n.PointsPaid - n.PointsTakenBack,
			PointsBudget: c.PointsBudget, PointsBudgetLeft: c.PointsBudgetLeft, GiftsRedeemed: redeemed,
			GiftBudget: c.GiftBudget, GiftBudgetLeft: c.GiftBudgetLeft, TrialSlotsGiven: n.TrialApproved},
		TrialApplied: n.TrialApplied, TrialApproved: n.TrialApproved, ProofsSent: n.Submitted, ProofsApproved: n.Approved,
		Rejected: n.Rejected, Completions: n.Completions, TakenBack: n.TakenBack}
}

// Report returns a campaign's report.
func (s *Campaigns) Report(ctx context.Context, actor auth.Principal, id string) (CampaignReport, error) {
	c, err := s.managed(ctx, id)
	if err != nil {
		return CampaignReport{}, fmt.Errorf("rewards.Report %s: %w", id, err)
	}
	return ReportOf(c), nil
}

// TakeBackStore counts a challenge payment taken back on its campaign (store.Rewards).
type TakeBackStore interface {
	TakeBack(ctx context.Context, campaignID, objectID string, points int64, at time.Time) (bool, error)
}

// TakenBack counts on its campaign a challenge payment staff took back as fraudulent,
// from points.reversed (rule "challenge:reversed", object <campaign>#<challenge>#<n>):
// the report's "taken back" and its net cost. Other reversals, and objects that are not a
// campaign's, are not the campaign's; a repeat counts nothing twice.
func TakenBack(ctx context.Context, st TakeBackStore, rule, objectID string, points int64, at time.Time) error {
	if base, ok := IsReversal(rule); !ok || base != RuleChallenge || points <= 0 {
		return nil
	}
	campaignID, _, ok := strings.Cut(objectID, "#")
	if !ok || !ValidCampaignID(campaignID) {
		return nil
	}
	if _, err := st.TakeBack(ctx, campaignID, objectID, points, at); err != nil {
		return fmt.Errorf("rewards.TakenBack: %w", err)
	}
	return nil
}
