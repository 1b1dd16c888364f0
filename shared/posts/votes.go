package posts

import (
	"context"
	"errors"
	"fmt"
	"slices"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
)

// Statuses staff give an idea.
const (
	IdeaNew         = "new"
	IdeaUnderReview = "under_review"
	IdeaPlanned     = "planned"
	IdeaDone        = "done"
	IdeaDeclined    = "declined"
)

// IdeaStatuses lists them in workflow order.
var IdeaStatuses = []string{IdeaNew, IdeaUnderReview, IdeaPlanned, IdeaDone, IdeaDeclined}

// IdeaVote is what an idea's voter's MyVote says.
const IdeaVote = "up"

// voteRetries bounds the retries of an idea vote that lost a race for the count.
const voteRetries = 20

// Errors of votes and reactions.
var (
	ErrNotVotable   = errs.New(errs.Conflict, "not_votable", "Only ideas and polls take votes.")
	ErrAlreadyVoted = errs.New(errs.Conflict, "already_voted", "You already voted.")
	ErrPollClosed   = errs.New(errs.Conflict, "poll_closed", "This poll is closed.")
	ErrOption       = errs.InvalidField("option", "invalid_option", "Choose one of the poll's options.")
	// ErrIdeaOption: an idea's vote is up, with no option (options are a poll's).
	ErrIdeaOption     = errs.InvalidField("option", "idea_vote_has_no_option", "An idea takes an up-vote without an option: send no option.")
	ErrIdeaStatus     = errs.InvalidField("status", "invalid_idea_status", "An idea's status is new, under_review, planned, done or declined.")
	ErrNotIdea        = errs.New(errs.Conflict, "not_an_idea", "Only ideas have a status.")
	ErrStatusStaff    = errs.New(errs.Forbidden, "idea_status_staff_only", "Only staff set an idea's status.")
	ErrReaction       = errs.InvalidField("reaction", "invalid_reaction", "A reaction is like, love, celebrate or insightful.")
	ErrAlreadyReacted = errs.New(errs.Conflict, "already_reacted", "You already reacted this way.")
	ErrNoReaction     = errs.New(errs.NotFound, "reaction_not_found", "You have not reacted this way.")
	// ErrVoteCountMoved is what a store returns when an idea's count changed since it
	// was read; the vote is retried on the fresh count.
	ErrVoteCountMoved = errs.New(errs.Conflict, "vote_count_moved", "Someone else voted at the same time.")
)

// VoteStore is what votes and reactions need from storage.
type VoteStore interface {
	// VoteIdea records the member's vote and sets the idea's count to its votes as read
	// plus one, only if it is still that (ErrVoteCountMoved otherwise), with idea.voted,
	// in one transaction.
	VoteIdea(ctx context.Context, idea Post, memberID string, event eventtypes.Envelope) error
	// VotePoll records the vote and adds one to the option's tally, unless the poll closed.
	VotePoll(ctx context.Context, postID, memberID, option string, event eventtypes.Envelope) error
	// SetIdeaStatus gives an idea (p, with its new status) its status if it is still
	// from, rewrites its stream entries and records idea.status_changed, in one
	// transaction (ErrUnchanged, writing nothing, when its status is no longer from).
	SetIdeaStatus(ctx context.Context, p Post, from string, event eventtypes.Envelope) error
	AddReaction(ctx context.Context, postID, memberID, reaction string, events ...eventtypes.Envelope) error
	RemoveReaction(ctx context.Context, postID, memberID, reaction string) error
}

// Votes is voting on ideas and polls, idea statuses and reactions.
type Votes struct {
	Posts *Service
	Store VoteStore
}

// Ballot is what a voter sends: an option for a poll, nothing for an idea.
type Ballot struct {
	Option string `json:"option,omitempty"`
}

// Vote records the actor's one vote on an idea or a poll.
func (v *Votes) Vote(ctx context.Context, actor auth.Principal, postID string, b Ballot) (Post, error) {
	for range voteRetries {
		p, err := v.Posts.answer(ctx, actor, postID)
		if err != nil {
			return Post{}, fmt.Errorf("posts.Vote: %w", err)
		}
		if err := v.vote(ctx, actor, p, b); err != nil {
			if errs.Is(err, ErrVoteCountMoved.Code) {
				continue
			}
			return Post{}, fmt.Errorf("posts.Vote %s: %w", postID, err)
		}
		return v.Posts.answer(ctx, actor, postID)
	}
	return Post{}, fmt.Errorf("posts.Vote %s: %w", postID, ErrVoteCountMoved)
}

func (v *Votes) vote(ctx context.Context, actor auth.Principal, p Post, b Ballot) error {
	if p.MyVote != "" {
		return ErrAlreadyVoted
	}
	access, err := v.Posts.Spaces.Access(ctx, actor, p.SpaceID)
	if err == nil && !access.Post {
		err = access.Denied
	}
	if err != nil {
		return err
	}
	meta := eventtypes.NewMeta(v.Posts.Now())
	switch p.Kind {
	case KindIdea:
		if b.Option != "" {
			return ErrIdeaOption
		}
		event, err := eventtypes.Wrap(eventtypes.IdeaVoted{Meta: meta,
			PostID: p.ID, SpaceID: p.SpaceID, VoterID: actor.MemberID, Votes: p.Votes + 1})
		if err != nil {
			return err
		}
		return v.Store.VoteIdea(ctx, p, actor.MemberID, event)
	case KindPoll:
		if p.Closed(v.Posts.Now()) {
			return ErrPollClosed
		}
		if !slices.ContainsFunc(p.Options, func(o PollOption) bool { return o.ID == b.Option }) {
			return ErrOption
		}
		event, err := eventtypes.Wrap(eventtypes.PollVoted{Meta: meta,
			PostID: p.ID, SpaceID: p.SpaceID, VoterID: actor.MemberID, Option: b.Option})
		if err != nil {
			return err
		}
		return v.Store.VotePoll(ctx, p.ID, actor.MemberID, b.Option, event)
	}
	return ErrNotVotable
}

// StatusChange is what staff send to move an idea along.
type StatusChange struct {
	Status string `json:"status"`
}

// SetStatus moves an idea to a status (staff); its voters hear of it.
func (v *Votes) SetStatus(ctx context.Context, actor auth.Principal, postID string, c StatusChange) (Post, error) {
	if !slices.Contains(IdeaStatuses, c.Status) {
		return Post{}, fmt.Errorf("posts.SetStatus: %w", ErrIdeaStatus)
	}
	if !policy.Allowed(actor.Roles, policy.IdeasStatus) {
		return Post{}, fmt.Errorf("posts.SetStatus: %w", ErrStatusStaff)
	}
	// A status already set changes nothing and tells nobody again; a change that lost a
	// race is tried again from the status the other one set.
	for range voteRetries {
		p, _, err := v.Posts.live(ctx, actor, postID)
		if err != nil {
			return Post{}, fmt.Errorf("posts.SetStatus: %w", err)
		}
		if p.Kind != KindIdea {
			return Post{}, fmt.Errorf("posts.SetStatus: %w", ErrNotIdea)
		}
		if p.IdeaStatus == c.Status {
			return v.Posts.answer(ctx, actor, postID)
		}
		meta := eventtypes.NewMeta(v.Posts.Now())
		event, err := eventtypes.Wrap(eventtypes.IdeaStatusChanged{Meta: meta,
			PostID: p.ID, PostTitle: p.Title, SpaceID: p.SpaceID, From: p.IdeaStatus, To: c.Status, ChangedBy: actor.MemberID})
		if err != nil {
			return Post{}, fmt.Errorf("posts.SetStatus: %w", err)
		}
		from := p.IdeaStatus
		p.IdeaStatus = c.Status
		err = v.Store.SetIdeaStatus(ctx, p, from, event)
		if errors.Is(err, ErrUnchanged) {
			continue
		}
		if err != nil {
			return Post{}, fmt.Errorf("posts.SetStatus: %w", err)
		}
		return v.Posts.answer(ctx, actor, postID)
	}
	return Post{}, fmt.Errorf("posts.SetStatus %s: %w", postID, ErrStaleRevision)
}

// reactionSettled is nil when a reaction is already as asked: PUT and DELETE are
// idempotent (RFC 9110 section 9.2.2), so a repeat, or its twin at the same moment,
// answers as the first did; the store wrote nothing the second time.
func reactionSettled(err error, add bool) error {
	if add && errors.Is(err, ErrAlreadyReacted) || !add && errors.Is(err, ErrNoReaction) {
		return nil
	}
	return err
}

// React adds (add true) or takes back one of the actor's reactions to a post; asking
// for the reaction as it already is writes nothing and answers the post.
func (v *Votes) React(ctx context.Context, actor auth.Principal, postID, reaction string, add bool) (Post, error) {
	if !slices.Contains(Reactions, reaction) {
		return Post{}, fmt.Errorf("posts.React: %w", ErrReaction)
	}
	p, access, err := v.Posts.live(ctx, actor, postID)
	if err == nil && !access.Post {
		err = access.Denied
	}
	if err != nil {
		return Post{}, fmt.Errorf("posts.React: %w", err)
	}
	if add {
		var event eventtypes.Envelope
		event, err = eventtypes.Wrap(eventtypes.ReactionAdded{Meta: eventtypes.NewMeta(v.Posts.Now()), PostID: postID, SpaceID: p.SpaceID,
			AuthorID: p.AuthorID, ReactorID: actor.MemberID, Reaction: reaction})
		if err != nil {
			return Post{}, fmt.Errorf("posts.React: %w", err)
		}
		err = v.Store.AddReaction(ctx, postID, actor.MemberID, reaction, event)
	} else {
		err = v.Store.RemoveReaction(ctx, postID, actor.MemberID, reaction)
	}
	if err = reactionSettled(err, add); err != nil {
		return Post{}, fmt.Errorf("posts.React %s: %w", postID, err)
	}
	return v.Posts.answer(ctx, actor, postID)
}
