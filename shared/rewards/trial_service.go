package rewards

import (
	"context"
	"fmt"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/text"
)

// Apply is a member's application for a campaign's trial offer (once per campaign).
func (s *Campaigns) Apply(ctx context.Context, actor auth.Principal, id string, req ApplyRequest) (Application, error) {
	c, err := s.takePart(ctx, actor, id)
	if err != nil {
		return Application{}, fmt.Errorf("rewards.Apply %s: %w", id, err)
	}
	if c.Trial == nil {
		return Application{}, fmt.Errorf("rewards.Apply %s: %w", id, ErrNoTrial)
	}
	motivation, err := text.Body("motivation", req.Motivation)
	if err != nil {
		return Application{}, fmt.Errorf("rewards.Apply %s: %w", id, err)
	}
	if utf8.RuneCountInString(motivation) > MaxMotivation {
		return Application{}, fmt.Errorf("rewards.Apply %s: %w", id, ErrMotivation)
	}
	if c.Trial.SlotsLeft < 1 {
		return Application{}, fmt.Errorf("rewards.Apply %s: %w", id, ErrNoSlots)
	}
	if _, err := s.Store.JoinCampaign(ctx, id, actor.MemberID, s.Now().UTC()); err != nil {
		return Application{}, fmt.Errorf("rewards.Apply %s: %w", id, err)
	}
	a := Application{CampaignID: id, MemberID: actor.MemberID, Motivation: motivation, Status: TrialApplied, AppliedAt: s.Now().UTC()}
	if err := s.Store.ApplyTrial(ctx, a); err != nil {
		return Application{}, fmt.Errorf("rewards.Apply %s: %w", id, err)
	}
	list := []Application{a}
	err = s.names(ctx, nil, list)
	return list[0], err
}

// Applications is a page of a trial's applications to decide.
type Applications struct {
	Applications []Application `json:"applications"`
	Next         string        `json:"next,omitempty"`
}

// TrialQueue lists a campaign's applications still to decide, oldest first.
func (s *Campaigns) TrialQueue(ctx context.Context, id, cursor string) (Applications, error) {
	if _, err := s.managed(ctx, id); err != nil {
		return Applications{}, fmt.Errorf("rewards.TrialQueue %s: %w", id, err)
	}
	list, next, err := s.Store.TrialApplications(ctx, id, cursor, ReviewPage)
	if err == nil {
		err = s.names(ctx, nil, list)
	}
	if err != nil {
		return Applications{}, fmt.Errorf("rewards.TrialQueue %s: %w", id, err)
	}
	return Applications{Applications: list, Next: next}, nil
}

// Decide approves (taking one slot: never more approvals than slots) or declines an
// application. The approved member then reads the trial's instructions on the campaign.
func (s *Campaigns) Decide(ctx context.Context, actor auth.Principal, id string, req DecideRequest) (Application, error) {
	c, err := s.managed(ctx, id)
	if err != nil {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, err)
	}
	if c.Trial == nil {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, ErrNoTrial)
	}
	reason, err := text.Body("reason", req.Reason)
	if err != nil {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, err)
	}
	if utf8.RuneCountInString(reason) > MaxReasonRunes {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, ErrReasonRequired)
	}
	old, err := s.Store.Application(ctx, id, req.MemberID)
	if errs.Is(err, errs.ErrNotFound.Code) {
		err = ErrNoApplication
	}
	if err != nil {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, err)
	}
	if old.MemberID == actor.MemberID {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, ErrOwnSubmission)
	}
	if old.Status != TrialApplied {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, ErrDecided)
	}
	now := s.Now().UTC()
	a := old
	a.Status, a.Reason, a.DecidedAt, a.DecidedBy = TrialDeclined, reason, &now, actor.MemberID
	if req.Approve {
		a.Status = TrialApproved
	}
	env, err := eventtypes.Wrap(eventtypes.TrialDecided{Meta: eventtypes.NewMeta(now), CampaignID: id, CampaignTitle: c.Title,
		MemberID: a.MemberID, Approved: req.Approve, DecidedBy: actor.MemberID})
	if err != nil {
		return Application{}, err
	}
	if err := s.Store.DecideTrial(ctx, old, a, []eventtypes.Envelope{env}); err != nil {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, err)
	}
	list := []Application{a}
	err = s.names(ctx, nil, list)
	return list[0], err
}
