// Package metrics keeps community counters (registrations per day, ...) from domain
// events. Counting is exactly once per event: the idempotency record and every
// increment the event makes are one transaction, one write per event.
package metrics

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tribune/shared/eventtypes"
	"tribune/shared/ratelimit"
)

// Consumer is this package's name in idempotency records and the routing table.
const Consumer = "metrics"

// Counter names.
const (
	Registrations       = "registrations"
	InvitationsSent     = "invitations_sent"
	InvitationLinks     = "invitation_links_created"
	InvitationsAccepted = "invitations_accepted"
	AccountsDeleted     = "accounts_deleted"
	Posts               = "posts"
	Comments            = "comments"
	AcceptedSolutions   = "accepted_solutions"
	IdeasSubmitted      = "ideas_submitted"
	IdeaVotes           = "idea_votes"
	PollVotes           = "poll_votes"
	Reports             = "reports"
	// ActiveContributors counts the members who posted or commented on a day, once each
	// (a sketch: distinct over a range of days too).
	ActiveContributors = "active_contributors"
	// Traffic (the beacon, docs/kpis.md): page views, sessions started, page views from
	// a referrer tag (Referred) are counters; visitors (the day's visitor hashes) and
	// active members (member ids, the DAU) are sketches.
	PageViews     = "page_views"
	Sessions      = "sessions"
	Visitors      = "visitors"
	ActiveMembers = "active_members"
	SignIns       = "sign_ins"
)

// InSpace is the name of counter name restricted to one space.
func InSpace(name, spaceID string) string { return name + "@" + spaceID }

// Referred is the counter of page views arriving with referrer tag ref.
func Referred(ref string) string { return InSpace(PageViews+"_from", ref) }

// Count is one thing an event counts: Delta added to counter Name or, with Member set,
// the member added to the day's sketch Name (Sketch), which counts each member once
// however many events name them, over a day and, merged, over a range of days.
//
// With Key set (and Delta), Delta goes to the day's count of that key in the keyed
// counter Name (a member's contributions, a customer's activities: KeyedDays), which
// lists its keys, unlike a sketch.
type Count struct {
	Name   string
	Delta  int64
	Member string
	Key    string
}

// Store counts.
type Store interface {
	// CountEvent makes every count of one event for day in one write, unless consumer
	// already counted eventID (then eventtypes.ErrDuplicate).
	CountEvent(ctx context.Context, consumer, eventID, day string, counts []Count, now time.Time) error
	// Counter returns a counter's value for a day (0 when nothing was counted).
	Counter(ctx context.Context, name, day string) (int64, error)
	// CountVisit makes a beacon's counts for day in one write, with its rate-limit hits
	// (one over its limit: ErrTooManyBeacons, nothing written). visitID spreads its
	// counters over their shards.
	CountVisit(ctx context.Context, day, visitID string, counts []Count, hits []ratelimit.Hit, now time.Time) error
	// CounterDays returns a counter's value on each day from..to (days counting nothing
	// absent); SketchDays each day's sketch.
	CounterDays(ctx context.Context, name, from, to string) (map[string]int64, error)
	SketchDays(ctx context.Context, name, from, to string) (map[string]*Sketch, error)
}

// Service counts.
type Service struct {
	Store  Store
	Values ValueStore
	Now    func() time.Time
	// KpiData keeps what the KPIs need beyond counters and sketches (questions, first
	// contributions, histograms, settings: kpis.go). Nil: events count as before round 2.
	KpiData KpiStore
	// Customer finds the customer a member acts for (kpis.go); nil: no customer
	// activity is counted.
	Customer CustomerOf
	// Names finds members' names (participation); Baselines and Sales are the launch
	// baseline's and the sales upload's (nil: none).
	Names     func(ctx context.Context, ids []string) (map[string]string, error)
	Baselines BaselineStore
	Sales     SalesFigures
	// Staff tells whether a member holds a staff role now (KPI XIII: articles' authors;
	// nil: nobody is).
	Staff StaffOf
}

// now is the service's clock (time.Now when none is set).
func (s *Service) now() time.Time {
	if s.Now == nil {
		return time.Now()
	}
	return s.Now()
}

// Day is the key of a daily counter.
func Day(t time.Time) string { return t.UTC().Format("2006-01-02") }

// OnMemberRegistered counts a registration on the day it happened.
func (s *Service) OnMemberRegistered(ctx context.Context, evt eventtypes.MemberRegistered) error {
	// A registration is a first sign-in: the member is active that day (tester 14, 1).
	return s.countAll(ctx, evt.Meta, Count{Name: Registrations, Delta: 1}, active(evt.MemberID))
}

// OnInvitationCreated counts an invitation emailed (resends too) or a link created.
func (s *Service) OnInvitationCreated(ctx context.Context, evt eventtypes.InvitationCreated) error {
	name := InvitationsSent
	if evt.Email == "" {
		name = InvitationLinks
	}
	return s.count(ctx, evt.Meta, name)
}

// OnInvitationAccepted counts a registration through an invitation.
func (s *Service) OnInvitationAccepted(ctx context.Context, evt eventtypes.InvitationAccepted) error {
	return s.count(ctx, evt.Meta, InvitationsAccepted)
}

func (s *Service) count(ctx context.Context, meta eventtypes.Meta, name string) error {
	return s.countAll(ctx, meta, Count{Name: name, Delta: 1})
}

// OnMemberSignedIn counts a sign-in, and the member in the day's active members.
func (s *Service) OnMemberSignedIn(ctx context.Context, evt eventtypes.MemberSignedIn) error {
	return s.countAll(ctx, evt.Meta, Count{Name: SignIns, Delta: 1}, Count{Name: ActiveMembers, Member: evt.MemberID})
}

// OnMemberDeleted counts an account deletion.
func (s *Service) OnMemberDeleted(ctx context.Context, evt eventtypes.MemberDeleted) error {
	return s.count(ctx, evt.Meta, AccountsDeleted)
}

// OnPostCreated counts a post.
// A question also counts as asked (and is remembered for its first answer and its
// solution), an idea or a question by a customer as a customer activity (docs/kpis.md).
func (s *Service) OnPostCreated(ctx context.Context, evt eventtypes.PostCreated) error {
	counts := []Count{{Name: Posts, Delta: 1}, contributor(evt.AuthorID), contribution(evt.AuthorID), active(evt.AuthorID)}
	if evt.Kind == "idea" {
		counts = append(counts, Count{Name: IdeasSubmitted, Delta: 1})
	}
	if evt.Kind == "question" {
		counts = append(counts, Count{Name: QuestionsAsked, Delta: 1})
		counts = append(counts, questionAfterSuggestions(evt)...)
	}
	if evt.Kind == "question" || evt.Kind == "idea" {
		more, err := s.customerActivity(ctx, evt.AuthorID, evt.SpaceID, evt.Kind == "idea")
		if err != nil {
			return err
		}
		counts = append(counts, more...)
	}
	if err := s.countAll(ctx, evt.Meta, counts...); err != nil {
		return err
	}
	if s.KpiData == nil {
		return nil
	}
	if evt.Kind == "question" {
		if err := s.KpiData.AskQuestion(ctx, evt.PostID, evt.AuthorID, Day(evt.OccurredAt), evt.OccurredAt); err != nil {
			return fmt.Errorf("metrics.OnPostCreated %s: %w", evt.PostID, err)
		}
	}
	return s.firstContribution(ctx, evt.AuthorID, evt.OccurredAt)
}

// contributor counts a member once a day, however much they write.
func contributor(memberID string) Count { return Count{Name: ActiveContributors, Member: memberID} }

// active puts a member in the day's active members (DAU): whoever signs in, registers,
// posts or comments is active that day, whether or not a page's beacon counted them.
func active(memberID string) Count { return Count{Name: ActiveMembers, Member: memberID} }

// countAll makes an event's counts, once.
func (s *Service) countAll(ctx context.Context, meta eventtypes.Meta, counts ...Count) error {
	err := s.Store.CountEvent(ctx, Consumer, meta.EventID, Day(meta.OccurredAt), counts, s.Now())
	if err != nil && !errors.Is(err, eventtypes.ErrDuplicate) {
		return fmt.Errorf("metrics.count %s: %w", meta.EventID, err)
	}
	return nil
}

// OnIdeaVoted counts a vote on an idea.
func (s *Service) OnIdeaVoted(ctx context.Context, evt eventtypes.IdeaVoted) error {
	return s.count(ctx, evt.Meta, IdeaVotes)
}

// OnPollVoted counts a vote in a poll.
func (s *Service) OnPollVoted(ctx context.Context, evt eventtypes.PollVoted) error {
	return s.count(ctx, evt.Meta, PollVotes)
}

// OnContentReported counts a report.
func (s *Service) OnContentReported(ctx context.Context, evt eventtypes.ContentReported) error {
	return s.count(ctx, evt.Meta, Reports)
}

// OnCommentCreated counts a comment.
// A comment on a question by someone else than its author may be its first answer.
func (s *Service) OnCommentCreated(ctx context.Context, evt eventtypes.CommentCreated) error {
	if err := s.countAll(ctx, evt.Meta, Count{Name: Comments, Delta: 1}, contributor(evt.AuthorID), contribution(evt.AuthorID), active(evt.AuthorID)); err != nil {
		return err
	}
	if s.KpiData == nil {
		return nil
	}
	// The post's author answers nothing; another's comment may answer a question (the
	// store keeps it until the question is known: the events may come in any order).
	if evt.AuthorID != evt.PostAuthorID {
		if err := s.KpiData.AnswerQuestion(ctx, evt.PostID, evt.AuthorID, evt.OccurredAt); err != nil {
			return fmt.Errorf("metrics.OnCommentCreated %s: %w", evt.CommentID, err)
		}
	}
	return s.firstContribution(ctx, evt.AuthorID, evt.OccurredAt)
}

// OnAnswerAccepted counts an accepted solution.
// The first acceptance on a question solves it (solution rate, deflection).
func (s *Service) OnAnswerAccepted(ctx context.Context, evt eventtypes.AnswerAccepted) error {
	if err := s.count(ctx, evt.Meta, AcceptedSolutions); err != nil || s.KpiData == nil {
		return err
	}
	if err := s.KpiData.SolveQuestion(ctx, evt.PostID, evt.OccurredAt); err != nil {
		return fmt.Errorf("metrics.OnAnswerAccepted %s: %w", evt.PostID, err)
	}
	return nil
}
