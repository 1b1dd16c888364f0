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
		if old.NoSlots {
			// Declined when the last slot went: what the decider needs to hear.
			return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, ErrNoSlots)
		}
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
	err = s.Store.DecideTrial(ctx, old, a, []eventtypes.Envelope{env})
	if (err == nil && req.Approve) || errs.Is(err, ErrNoSlots.Code) {
		// The last slot may have gone: the applicants still waiting are told at once.
		if cerr := s.closeTrial(ctx, id); cerr != nil {
			return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, cerr)
		}
	}
	if errs.Is(err, ErrDecided.Code) {
		// Decided meanwhile: by the sweep of a full trial, it is that every slot went.
		if now, rerr := s.Store.Application(ctx, id, req.MemberID); rerr == nil && now.NoSlots {
			err = ErrNoSlots
		}
	}
	if err != nil {
		return Application{}, fmt.Errorf("rewards.Decide %s: %w", id, err)
	}
	list := []Application{a}
	err = s.names(ctx, nil, list)
	return list[0], err
}

// closeTrial declines, once every slot of a campaign's trial is taken, the applications
// still waiting ("every place is taken": NoSlots, decided by nobody), each with its
// trial.decided event, so that nobody waits for an answer that cannot come. Applying
// is refused in the same transaction as the last approval's slot (ApplyTrial's
// condition), and a member's page derives the same answer meanwhile (Get).
func (s *Campaigns) closeTrial(ctx context.Context, id string) error {
	c, err := s.Store.Campaign(ctx, id)
	if err != nil {
		return err
	}
	if c.Trial == nil || c.Trial.SlotsLeft > 0 {
		return nil
	}
	for cursor := ""; ; {
		list, next, err := s.Store.TrialApplications(ctx, id, cursor, ReviewPage)
		if err != nil {
			return err
		}
		for _, old := range list {
			if old.Status != TrialApplied {
				continue
			}
			now := s.Now().UTC()
			a := old
			a.Status, a.NoSlots, a.DecidedAt = TrialDeclined, true, &now
			env, err := eventtypes.Wrap(eventtypes.TrialDecided{Meta: eventtypes.NewMeta(now), CampaignID: id, CampaignTitle: c.Title,
				MemberID: a.MemberID, NoSlots: true})
			if err != nil {
				return err
			}
			if err := s.Store.DecideTrial(ctx, old, a, []eventtypes.Envelope{env}); err != nil && !errs.Is(err, ErrDecided.Code) {
				return err
			}
		}
		if next == "" {
			return nil
		}
		cursor = next
	}
}
