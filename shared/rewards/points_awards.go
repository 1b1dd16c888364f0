package rewards

import (
	"context"
	"errors"
	"fmt"
	"time"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
)

// Awards is the awards consumer's points part: it pays the rules from community events,
// reverses them when the content goes, counts what badges count, and moves ranks and
// leaderboard positions after every entry. Every handler is idempotent: an entry, a
// count, a badge and a rank are each written once (claims in the store), so an event
// delivered again pays nothing more.
type Awards struct {
	Store Store
}

// Object types of entries.
const (
	ObjectPost       = "post"
	ObjectComment    = "comment"
	ObjectMember     = "member"
	ObjectInvitation = "invitation"
	ObjectReaction   = "reaction"
)

// Reasons of automatic reversals: codes the web says in the reader's language (a
// staff reversal's reason is the text staff wrote).
const (
	ReasonHidden     = "hidden"
	ReasonDeleted    = "deleted"
	ReasonUnaccepted = "unaccepted"
)

// pay writes the entry of rule for memberID, if the rule is on, pays something, and the
// member may earn (active, not staff unless staff earn): a replay or a reached daily
// cap writes nothing and is no error.
func (a *Awards) pay(ctx context.Context, rule, memberID, objectType, objectID, spaceID string, meta eventtypes.Meta) error {
	return a.payOn(ctx, rule, memberID, objectType, objectID, spaceID, "", meta)
}

// payOn is pay of an object that belongs to a post (postID), which the history links to.
func (a *Awards) payOn(ctx context.Context, rule, memberID, objectType, objectID, spaceID, postID string, meta eventtypes.Meta) error {
	if memberID == "" {
		return nil
	}
	s, err := a.settings(ctx)
	if err != nil {
		return err
	}
	r := s.Rule(rule)
	if !r.On || r.Points <= 0 {
		return nil
	}
	people, err := a.Store.People(ctx, []string{memberID})
	if err != nil {
		return err
	}
	who, ok := people[memberID]
	if !ok || who.Deleted || !who.Active || (who.Staff() && !s.StaffEarn) {
		return nil
	}
	e := Entry{ID: NewEntryID(), MemberID: memberID, Rule: rule, Amount: r.Points, ObjectType: objectType, ObjectID: objectID,
		SpaceID: spaceID, PostID: postID, EventID: meta.EventID, At: meta.OccurredAt.UTC()}
	err = a.Store.Earn(ctx, e, r.DailyCap)
	if errors.Is(err, ErrAlreadyPaid) || errors.Is(err, ErrDailyCap) {
		return nil
	}
	return err
}

func (a *Awards) settings(ctx context.Context) (Settings, error) {
	s, err := a.Store.RewardSettings(ctx)
	if errors.Is(err, errs.ErrNotFound) {
		return DefaultSettings(), nil
	}
	return s, err
}

// count counts an object in a stat and gives the badges the new count earns.
func (a *Awards) count(ctx context.Context, memberID, stat, objectID string, at time.Time) error {
	if memberID == "" {
		return nil
	}
	s, err := a.settings(ctx)
	if err != nil {
		return err
	}
	people, err := a.Store.People(ctx, []string{memberID})
	if err != nil {
		return err
	}
	if who, ok := people[memberID]; !ok || who.Deleted || EarnsNothing(who, s) {
		return nil // staff earn no automatic badge when they earn no points
	}
	n, err := a.Store.Count(ctx, memberID, stat, objectID, at)
	if err != nil {
		return err
	}
	for _, b := range BadgesFor(stat, n) {
		if _, err := a.Store.AwardBadge(ctx, memberID, b.ID, "", at); err != nil {
			return err
		}
	}
	return nil
}

// reverse takes back the entries of rules for the object, if any.
func (a *Awards) reverse(ctx context.Context, memberID, objectType, objectID, reason string, meta eventtypes.Meta, rules ...string) error {
	if memberID == "" {
		return nil
	}
	for _, rule := range rules {
		if _, err := a.Store.Reverse(ctx, Reversal{MemberID: memberID, Rule: rule, ObjectType: objectType, ObjectID: objectID,
			Reason: reason, EventID: meta.EventID, At: meta.OccurredAt.UTC()}); err != nil {
			return fmt.Errorf("rewards.reverse %s %s: %w", rule, objectID, err)
		}
	}
	return nil
}

// OnPostCreated pays a post (an idea: idea_submitted) and a member's first post, and
// counts the post for the first-post badge.
func (a *Awards) OnPostCreated(ctx context.Context, e eventtypes.PostCreated) error {
	rule := RulePostCreated
	if e.Kind == "idea" {
		rule = RuleIdeaSubmitted
	}
	if err := a.payOn(ctx, rule, e.AuthorID, ObjectPost, e.PostID, e.SpaceID, e.PostID, e.Meta); err != nil {
		return err
	}
	if err := a.pay(ctx, RuleFirstPost, e.AuthorID, ObjectMember, e.AuthorID, e.SpaceID, e.Meta); err != nil {
		return err
	}
	return a.count(ctx, e.AuthorID, StatPosts, e.PostID, e.OccurredAt)
}

// OnCommentCreated pays a comment on someone else's post.
func (a *Awards) OnCommentCreated(ctx context.Context, e eventtypes.CommentCreated) error {
	if e.AuthorID == e.PostAuthorID {
		return nil
	}
	post, err := a.Store.Post(ctx, e.PostID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.payOn(ctx, RuleComment, e.AuthorID, ObjectComment, e.CommentID, post.SpaceID, e.PostID, e.Meta)
}

// OnAnswerAccepted pays the answerer (not when they accepted their own answer) and
// takes back the points of the answer accepted before, if another one was.
func (a *Awards) OnAnswerAccepted(ctx context.Context, e eventtypes.AnswerAccepted) error {
	post, err := a.Store.Post(ctx, e.PostID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if e.PreviousAnswer != "" && e.PreviousAnswer != e.CommentID {
		prev, err := a.Store.Comment(ctx, e.PostID, e.PreviousAnswer)
		if err == nil {
			if err := a.reverse(ctx, prev.AuthorID, ObjectComment, e.PreviousAnswer, ReasonUnaccepted, e.Meta, RuleAnswerAccepted); err != nil {
				return err
			}
		} else if !errors.Is(err, errs.ErrNotFound) {
			return err
		}
	}
	if e.AnswerAuthor == e.AcceptedBy || e.AnswerAuthor == post.AuthorID {
		return nil
	}
	if err := a.payOn(ctx, RuleAnswerAccepted, e.AnswerAuthor, ObjectComment, e.CommentID, post.SpaceID, e.PostID, e.Meta); err != nil {
		return err
	}
	return a.count(ctx, e.AnswerAuthor, StatAcceptedAnswers, e.CommentID, e.OccurredAt)
}

// OnIdeaStatusChanged pays an idea's author when it moves to planned or done (once each).
func (a *Awards) OnIdeaStatusChanged(ctx context.Context, e eventtypes.IdeaStatusChanged) error {
	if e.To != "planned" && e.To != "done" {
		return nil
	}
	post, err := a.Store.Post(ctx, e.PostID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	return a.payOn(ctx, RuleIdeaProgressed, post.AuthorID, "idea_"+e.To, e.PostID, e.SpaceID, e.PostID, e.Meta)
}

// OnPollVoted pays a vote in someone else's poll.
func (a *Awards) OnPollVoted(ctx context.Context, e eventtypes.PollVoted) error {
	post, err := a.Store.Post(ctx, e.PostID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil
	}
	if err != nil {
		return err
	}
	if post.AuthorID == e.VoterID {
		return nil
	}
	return a.payOn(ctx, RulePollVoted, e.VoterID, ObjectPost, e.PostID, e.SpaceID, e.PostID, e.Meta)
}

// OnInvitationAccepted pays the inviter when someone joins through their invitation,
// and counts the friend for the ambassador badge.
func (a *Awards) OnInvitationAccepted(ctx context.Context, e eventtypes.InvitationAccepted) error {
	if e.InviterID == "" || e.InviterID == e.MemberID {
		return nil
	}
	if err := a.pay(ctx, RuleInvitationAccepted, e.InviterID, ObjectInvitation, e.InvitationID, "", e.Meta); err != nil {
		return err
	}
	return a.count(ctx, e.InviterID, StatFriendsInvited, e.MemberID, e.OccurredAt)
}

// OnReactionAdded pays the author of the post or comment someone else reacted to, once
// per reactor, object and reaction.
func (a *Awards) OnReactionAdded(ctx context.Context, e eventtypes.ReactionAdded) error {
	if e.AuthorID == "" || e.AuthorID == e.ReactorID {
		return nil
	}
	object := e.PostID
	if e.CommentID != "" {
		object = e.CommentID
	}
	return a.payOn(ctx, RuleReactionReceived, e.AuthorID, ObjectReaction, object+"#"+e.ReactorID+"#"+e.Reaction, e.SpaceID, e.PostID, e.Meta)
}

// OnProfilePhotoAdded pays a member's first profile photo and gives its badge.
func (a *Awards) OnProfilePhotoAdded(ctx context.Context, e eventtypes.ProfilePhotoAdded) error {
	if err := a.pay(ctx, RuleProfilePhoto, e.MemberID, ObjectMember, e.MemberID, "", e.Meta); err != nil {
		return err
	}
	return a.count(ctx, e.MemberID, StatProfilePhoto, e.MemberID, e.OccurredAt)
}

// postRules are the rules a post's author earns from the post itself.
var postRules = []string{RulePostCreated, RuleIdeaSubmitted}

// commentRules are the rules a comment's author earns from the comment itself.
var commentRules = []string{RuleComment, RuleAnswerAccepted}

// OnContentHidden takes back what a hidden post or comment paid its author.
func (a *Awards) OnContentHidden(ctx context.Context, e eventtypes.ContentHidden) error {
	if e.CommentID != "" {
		return a.reverse(ctx, e.AuthorID, ObjectComment, e.CommentID, ReasonHidden, e.Meta, commentRules...)
	}
	return a.reversePost(ctx, e.AuthorID, e.PostID, ReasonHidden, e.Meta)
}

// reversePost takes back what a post paid its author: the post (or idea) and the
// idea's progress.
func (a *Awards) reversePost(ctx context.Context, authorID, postID, reason string, meta eventtypes.Meta) error {
	if err := a.reverse(ctx, authorID, ObjectPost, postID, reason, meta, postRules...); err != nil {
		return err
	}
	for _, to := range []string{"idea_planned", "idea_done"} {
		if err := a.reverse(ctx, authorID, to, postID, reason, meta, RuleIdeaProgressed); err != nil {
			return err
		}
	}
	return nil
}

// OnPostModerated takes back what a post hidden or deleted paid its author.
func (a *Awards) OnPostModerated(ctx context.Context, e eventtypes.PostModerated) error {
	reason := ReasonHidden
	switch e.Action {
	case "hidden":
	case "deleted":
		reason = ReasonDeleted
	default:
		return nil
	}
	return a.reversePost(ctx, e.AuthorID, e.PostID, reason, e.Meta)
}

// OnChallengeCompleted counts a campaign toward the "campaign completed" badge once the
// member has completed every one of its challenges (CampaignCompleted; each campaign
// counts once however many completions and deliveries follow).
func (a *Awards) OnChallengeCompleted(ctx context.Context, e eventtypes.ChallengeCompleted) error {
	if !e.CampaignCompleted {
		return nil
	}
	return a.count(ctx, e.MemberID, StatCampaignsCompleted, e.CampaignID, e.OccurredAt)
}

// OnCommentDeleted takes back what a deleted comment paid its author.
func (a *Awards) OnCommentDeleted(ctx context.Context, e eventtypes.CommentDeleted) error {
	return a.reverse(ctx, e.AuthorID, ObjectComment, e.CommentID, ReasonDeleted, e.Meta, commentRules...)
}

// OnPointsAwarded moves the member's leaderboard positions and gives the ranks their
// new score reaches (each once).
func (a *Awards) OnPointsAwarded(ctx context.Context, e eventtypes.PointsAwarded) error {
	if err := a.showOnBoards(ctx, e.MemberID, BoardsOf(e.SpaceID, e.OccurredAt)); err != nil {
		return err
	}
	s, err := a.settings(ctx)
	if err != nil {
		return err
	}
	acc, err := a.Store.Account(ctx, e.MemberID)
	if err != nil {
		return err
	}
	for _, r := range s.Ranks {
		if r.Threshold > 0 && acc.Lifetime >= r.Threshold {
			if _, err := a.Store.ReachRank(ctx, e.MemberID, r.ID, r.Name, acc.Lifetime, e.OccurredAt); err != nil {
				return err
			}
		}
	}
	return nil
}

// OnPointsReversed moves the member's positions on the boards the points were earned on.
func (a *Awards) OnPointsReversed(ctx context.Context, e eventtypes.PointsReversed) error {
	at := e.EarnedAt
	if at.IsZero() {
		at = e.OccurredAt
	}
	return a.showOnBoards(ctx, e.MemberID, BoardsOf(e.SpaceID, at))
}

// OnMemberRolesChanged takes a member who became staff off the leaderboards, and puts
// back one who is no longer staff (unless they opted out).
func (a *Awards) OnMemberRolesChanged(ctx context.Context, e eventtypes.MemberRolesChanged) error {
	return a.showOnBoards(ctx, e.MemberID, nil)
}

// OnMemberDeleted takes a deleted member off every leaderboard.
func (a *Awards) OnMemberDeleted(ctx context.Context, e eventtypes.MemberDeleted) error {
	return a.showOnBoards(ctx, e.MemberID, nil)
}

// showOnBoards puts a member's scores on boards in the leaderboards' index, unless they
// are staff, opted out or gone.
func (a *Awards) showOnBoards(ctx context.Context, memberID string, boards []Board) error {
	people, err := a.Store.People(ctx, []string{memberID})
	if err != nil {
		return err
	}
	acc, err := a.Store.Account(ctx, memberID)
	if err != nil {
		return err
	}
	who, ok := people[memberID]
	show := ok && !who.Deleted && !who.Staff() && !acc.OptedOut
	return a.Store.ShowOnBoards(ctx, memberID, boards, show)
}
