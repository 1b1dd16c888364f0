package rewards

import (
	"context"
	"crypto/rand"
	"fmt"
	"slices"
	"strings"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// checkProof validates a proof against its challenge.
func (s *Campaigns) checkProof(ctx context.Context, actor auth.Principal, c Campaign, req ProofRequest) (Challenge, ProofRequest, string, error) {
	ch, ok := c.Challenge(req.ChallengeID)
	if !ok {
		return Challenge{}, req, "", ErrNoChallenge
	}
	if ch.Kind != ChallengeProof {
		return Challenge{}, req, "", ErrNotProof
	}
	clean, canonical, err := NormalProofURL(req.URL)
	if err != nil {
		return Challenge{}, req, "", err
	}
	req.URL = clean
	if req.Text, err = text.Body("text", req.Text); err != nil {
		return Challenge{}, req, "", err
	}
	if utf8.RuneCountInString(req.Text) > MaxProofTextRunes {
		return Challenge{}, req, "", ErrProofText
	}
	req.ScreenshotKey = strings.TrimSpace(req.ScreenshotKey)
	if err := s.checkScreenshot(ctx, actor.MemberID, req.ScreenshotKey, ch.NeedsScreenshot); err != nil {
		return Challenge{}, req, "", err
	}
	return ch, req, ProofKey(canonical), nil
}

// Submit sends a proof for a challenge of a live campaign the member joined (joining
// it on the way when they had not).
func (s *Campaigns) Submit(ctx context.Context, actor auth.Principal, id string, req ProofRequest) (Submission, error) {
	c, err := s.takePart(ctx, actor, id)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Submit %s: %w", id, err)
	}
	ch, req, key, err := s.checkProof(ctx, actor, c, req)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Submit %s: %w", id, err)
	}
	p, err := s.Store.Participation(ctx, id, actor.MemberID)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Submit %s: %w", id, err)
	}
	if p.Completions[ch.ID] >= ch.MaxCompletions {
		return Submission{}, fmt.Errorf("rewards.Submit %s: %w", id, ErrMaxReached)
	}
	if !p.Joined {
		if _, err := s.Store.JoinCampaign(ctx, id, actor.MemberID, s.Now().UTC()); err != nil {
			return Submission{}, fmt.Errorf("rewards.Submit %s: %w", id, err)
		}
	}
	now := s.Now().UTC()
	sub := Submission{ID: "sub_" + strings.ToLower(rand.Text())[:16], CampaignID: c.ID, CampaignTitle: c.Title, ChallengeID: ch.ID,
		ChallengeTitle: ch.Title, MemberID: actor.MemberID, URL: req.URL, ScreenshotKey: req.ScreenshotKey,
		Text: req.Text, Disclosure: c.Disclosure, Status: SubmissionPending, Points: ch.Points, CreatedAt: now, UpdatedAt: now}
	if err := s.Store.CreateSubmission(ctx, sub, key); err != nil {
		return Submission{}, fmt.Errorf("rewards.Submit %s: %w", id, err)
	}
	return s.named(ctx, sub)
}

// named is a submission with its member's name as it is now.
func (s *Campaigns) named(ctx context.Context, sub Submission) (Submission, error) {
	list := []Submission{sub}
	err := s.names(ctx, list, nil)
	return list[0], err
}

// readable reads a submission its member or a reviewer may read (404 for anyone else).
func (s *Campaigns) readable(ctx context.Context, actor auth.Principal, id string) (Submission, error) {
	sub, err := s.Store.Submission(ctx, id)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return Submission{}, ErrNoSubmission
	}
	if err != nil {
		return Submission{}, err
	}
	if sub.MemberID != actor.MemberID && !MayManage(actor.Roles) {
		return Submission{}, ErrNoSubmission
	}
	return sub, nil
}

// GetSubmission returns a submission to its member or a reviewer.
func (s *Campaigns) GetSubmission(ctx context.Context, actor auth.Principal, id string) (Submission, error) {
	sub, err := s.readable(ctx, actor, id)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.GetSubmission %s: %w", id, err)
	}
	if !MayManage(actor.Roles) {
		sub.ReviewerID = "" // the member reads who reviewed as "the community team"
	}
	return s.named(ctx, sub)
}

// Resubmit sends a proof again after the reviewer asked for changes (the campaign
// still live).
func (s *Campaigns) Resubmit(ctx context.Context, actor auth.Principal, id string, req ProofRequest) (Submission, error) {
	old, err := s.readable(ctx, actor, id)
	if err == nil && old.MemberID != actor.MemberID {
		err = ErrNoSubmission
	}
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Resubmit %s: %w", id, err)
	}
	if old.Status != SubmissionChanges {
		return Submission{}, fmt.Errorf("rewards.Resubmit %s: %w", id, ErrNotChangeable)
	}
	c, err := s.takePart(ctx, actor, old.CampaignID)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Resubmit %s: %w", id, err)
	}
	req.ChallengeID = old.ChallengeID
	_, req, key, err := s.checkProof(ctx, actor, c, req)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Resubmit %s: %w", id, err)
	}
	_, oldCanonical, _ := NormalProofURL(old.URL)
	sub := old
	sub.URL, sub.ScreenshotKey, sub.Text, sub.Status, sub.UpdatedAt = req.URL, req.ScreenshotKey, req.Text, SubmissionPending, s.Now().UTC()
	sub.Disclosure = c.Disclosure
	if err := s.Store.ResubmitSubmission(ctx, old, sub, ProofKey(oldCanonical), key); err != nil {
		return Submission{}, fmt.Errorf("rewards.Resubmit %s: %w", id, err)
	}
	sub.ReviewerID = "" // the member's answer names no staff member
	return s.named(ctx, sub)
}

// ReviewQueuePage is a page of a campaign's proofs waiting for review.
type ReviewQueuePage struct {
	Submissions []Submission `json:"submissions"`
	Next        string       `json:"next,omitempty"`
}

// ReviewQueue lists a campaign's pending proofs, oldest first.
func (s *Campaigns) ReviewQueue(ctx context.Context, id, cursor string) (ReviewQueuePage, error) {
	if _, err := s.managed(ctx, id); err != nil {
		return ReviewQueuePage{}, fmt.Errorf("rewards.ReviewQueue %s: %w", id, err)
	}
	list, next, err := s.Store.ReviewQueue(ctx, id, cursor, ReviewPage)
	if err == nil {
		err = s.names(ctx, list, nil)
	}
	if err != nil {
		return ReviewQueuePage{}, fmt.Errorf("rewards.ReviewQueue %s: %w", id, err)
	}
	return ReviewQueuePage{Submissions: list, Next: next}, nil
}

// completedEvent is challenge.completed: the n-th completion of a challenge by a
// member, and whether they have now completed every challenge of the campaign.
func completedEvent(c Campaign, ch Challenge, memberID string, n int, done map[string]int, automatic bool, now eventtypes.Meta) (eventtypes.Envelope, error) {
	all := len(c.Challenges) > 0
	for _, other := range c.Challenges {
		if other.ID != ch.ID && done[other.ID] < 1 {
			all = false
		}
	}
	return eventtypes.Wrap(eventtypes.ChallengeCompleted{Meta: now, CampaignID: c.ID, CampaignTitle: c.Title, ChallengeID: ch.ID,
		ChallengeTitle: ch.Title, MemberID: memberID, Completion: n, Points: ch.Points, Automatic: automatic, CampaignCompleted: all})
}

// Review decides a pending proof: approve (the challenge's completion is paid in the
// same transaction: ledger entry, the campaign's points budget, the member's count),
// reject with a reason (its address may be sent again), or ask for changes with a
// reason. Nobody reviews their own submission.
func (s *Campaigns) Review(ctx context.Context, actor auth.Principal, id string, req ReviewRequest) (Submission, error) {
	if !slices.Contains(Decisions, req.Decision) {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, ErrDecision)
	}
	reason, err := text.Body("reason", req.Reason)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, err)
	}
	if n := utf8.RuneCountInString(reason); n > MaxReasonRunes || (n == 0 && req.Decision != DecisionApprove) {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, ErrReasonRequired)
	}
	old, err := s.readable(ctx, actor, id)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, err)
	}
	if old.MemberID == actor.MemberID {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, ErrOwnSubmission)
	}
	if old.Status != SubmissionPending {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, ErrReviewed)
	}
	c, err := s.managed(ctx, old.CampaignID)
	if err != nil {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, err)
	}
	ch, ok := c.Challenge(old.ChallengeID)
	if !ok {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, ErrNoChallenge)
	}
	now := s.Now().UTC()
	sub := old
	sub.Reason, sub.ReviewerID, sub.ReviewedAt, sub.UpdatedAt = reason, actor.MemberID, &now, now
	meta := eventtypes.NewMeta(now)
	var pay *Completion
	var events []eventtypes.Envelope
	switch req.Decision {
	case DecisionApprove:
		p, err := s.Store.Participation(ctx, c.ID, old.MemberID)
		if err != nil {
			return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, err)
		}
		n := p.Completions[ch.ID] + 1
		if n > ch.MaxCompletions {
			return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, ErrMaxReached)
		}
		sub.Status, sub.Completion, sub.Points = SubmissionApproved, n, ch.Points
		pay = &Completion{CampaignID: c.ID, ChallengeID: ch.ID, MemberID: old.MemberID, N: n, Points: ch.Points, Max: ch.MaxCompletions,
			EventID: meta.EventID, At: now, Reason: c.Title + ": " + ch.Title}
		env, err := completedEvent(c, ch, old.MemberID, n, p.Completions, false, eventtypes.NewMeta(now))
		if err != nil {
			return Submission{}, err
		}
		events = append(events, env)
	case DecisionReject:
		sub.Status, sub.Points = SubmissionRejected, 0
	case DecisionChanges:
		sub.Status, sub.Points = SubmissionChanges, 0
	}
	env, err := eventtypes.Wrap(eventtypes.SubmissionReviewed{Meta: meta, SubmissionID: sub.ID, CampaignID: c.ID, CampaignTitle: c.Title,
		ChallengeID: ch.ID, ChallengeTitle: ch.Title, MemberID: sub.MemberID, ReviewerID: actor.MemberID, Status: sub.Status,
		Reason: reason, Points: sub.Points, Completion: sub.Completion})
	if err != nil {
		return Submission{}, err
	}
	events = append([]eventtypes.Envelope{env}, events...)
	_, canonical, _ := NormalProofURL(old.URL)
	if err := s.Store.ReviewSubmission(ctx, old, sub, pay, ProofKey(canonical), events); err != nil {
		return Submission{}, fmt.Errorf("rewards.Review %s: %w", id, err)
	}
	return s.named(ctx, sub)
}

// Record counts a community action towards the automatic challenges of the live
// campaigns the member joined, and pays each completion it makes (the awards
// consumer, from post, comment and answer events). Replays count nothing twice: an
// object counts once per challenge, and each completion pays once (its ledger claim).
func (s *Campaigns) Record(ctx context.Context, a Activity) error {
	open, err := s.Store.OpenCampaigns(ctx)
	if err != nil {
		return fmt.Errorf("rewards.Record: %w", err)
	}
	now := s.Now().UTC()
	var actor *auth.Principal
	for _, c := range open {
		c = c.At(now)
		if c.State != StateLive {
			continue
		}
		var counting []Challenge
		for _, ch := range c.Challenges {
			if ch.Counts(a) {
				counting = append(counting, ch)
			}
		}
		if len(counting) == 0 {
			continue
		}
		p, err := s.Store.Participation(ctx, c.ID, a.MemberID)
		if err != nil {
			return fmt.Errorf("rewards.Record: %w", err)
		}
		if !p.Joined {
			continue
		}
		if actor == nil {
			_, roles, err := s.Store.MemberName(ctx, a.MemberID)
			if errs.Is(err, errs.ErrNotFound.Code) {
				return nil
			}
			if err != nil {
				return fmt.Errorf("rewards.Record: %w", err)
			}
			actor = &auth.Principal{MemberID: a.MemberID, Roles: roles}
		}
		if policy.IsStaff(actor.Roles) {
			return nil
		}
		if in, err := s.inAudience(ctx, *actor, c); err != nil || !in {
			if err != nil {
				return fmt.Errorf("rewards.Record: %w", err)
			}
			continue
		}
		for _, ch := range counting {
			counted, err := s.Store.RecordProgress(ctx, c.ID, ch.ID, a.MemberID, a.ObjectID)
			if err != nil {
				return fmt.Errorf("rewards.Record: %w", err)
			}
			due := min(counted/ch.Count, ch.MaxCompletions)
			for n := p.Completions[ch.ID] + 1; n <= due; n++ {
				meta := eventtypes.NewMeta(now)
				env, err := completedEvent(c, ch, a.MemberID, n, p.Completions, true, meta)
				if err != nil {
					return err
				}
				pay := Completion{CampaignID: c.ID, ChallengeID: ch.ID, MemberID: a.MemberID, N: n, Points: ch.Points, Max: ch.MaxCompletions,
					EventID: a.EventID, At: now, Reason: c.Title + ": " + ch.Title}
				err = s.Store.Complete(ctx, pay, []eventtypes.Envelope{env})
				switch {
				case errs.Is(err, ErrMaxReached.Code) || errs.Is(err, ErrAlreadyPaid.Code):
					// Paid by an earlier delivery of the same event, or the count moved.
				case errs.Is(err, ErrBudgetSpent.Code):
					return nil // nothing more to pay from this campaign
				case err != nil:
					return fmt.Errorf("rewards.Record: %w", err)
				}
				p.Completions[ch.ID] = n
			}
		}
	}
	return nil
}
