// Package eventtypes holds every domain event's payload type, which declares its own
// source and detail type (Payload), the one envelope constructor (Wrap) and the
// catalogue from which the JSON Schemas and samples in events/ are generated (go
// generate; a test fails when they are stale). (Not named "events": that clashes with
// aws-lambda-go.)
package eventtypes

import (
	"crypto/rand"
	"encoding/json"
	"fmt"
	"time"

	"tribune/shared/errs"
)

// Sources of events, one per domain.
const (
	SourceMembers = "tribune.members"
)

// Detail types.
const (
	MemberRegisteredType = "member.registered"
)

// Meta is carried by every event payload; EventID is what consumers deduplicate on,
// because EventBridge delivers at least once.
type Meta struct {
	EventID    string    `json:"eventId" doc:"Unique id of this event; consumers deduplicate on it."`
	OccurredAt time.Time `json:"occurredAt"`
}

// EventMeta returns the metadata; every payload has it by embedding Meta.
func (m Meta) EventMeta() Meta { return m }

// Type names an event: the source (its domain) and the detail type. EventBridge rules
// match on both.
type Type struct {
	Source     string
	DetailType string
}

// Payload is an event's detail: a struct that embeds Meta and declares its own Type.
// The envelope (Wrap), the catalogue (Define) and the routing table (bus.On) all read
// the source and detail type from the payload's Go type, never from a separate list.
type Payload interface {
	EventType() Type
	EventMeta() Meta
}

// TypeOf is the Type that payload type P declares.
func TypeOf[P Payload]() Type {
	var p P
	return p.EventType()
}

// NewMeta returns fresh metadata for an event that happens at now.
func NewMeta(now time.Time) Meta {
	return Meta{EventID: rand.Text(), OccurredAt: now.UTC()}
}

// MemberRegistered: a visitor became a member (first verified sign-in).
type MemberRegistered struct {
	Meta
	MemberID    string `json:"memberId"`
	Email       string `json:"email" schema:"format=email"`
	DisplayName string `json:"displayName"`
	Locale      string `json:"locale" schema:"enum=en|fr"`
}

// EventType implements Payload.
func (MemberRegistered) EventType() Type { return Type{SourceMembers, MemberRegisteredType} }

// Envelope is an event as the outbox stores it and the bus carries it.
type Envelope struct {
	ID         string
	Source     string
	DetailType string
	Time       time.Time
	Detail     json.RawMessage
}

// Definition describes one catalogued event.
type Definition struct {
	Source      string
	DetailType  string
	Description string
	// Sample is a payload with every field set, for events/<detail-type>.sample.json.
	Sample Payload
	// New returns a pointer to a zero payload, for decoding.
	New func() any
}

// Define catalogues payload type P, with a description and a sample: its source and
// detail type are the ones P declares.
func Define[P Payload](description string, sample P) Definition {
	t := TypeOf[P]()
	return Definition{Source: t.Source, DetailType: t.DetailType, Description: description, Sample: sample,
		New: func() any { return new(P) }}
}

// Wrap is the one envelope constructor: it wraps a payload for the outbox, with the
// source and detail type the payload declares and the id and time of its Meta.
func Wrap(p Payload) (Envelope, error) {
	t, meta := p.EventType(), p.EventMeta()
	detail, err := json.Marshal(p)
	if err != nil {
		return Envelope{}, fmt.Errorf("eventtypes.Wrap %s: %w", t.DetailType, err)
	}
	return Envelope{ID: meta.EventID, Source: t.Source, DetailType: t.DetailType, Time: meta.OccurredAt, Detail: detail}, nil
}

// ErrDuplicate is returned by an idempotency check when a consumer has already
// handled an event; the consumer then succeeds without doing it again.
var ErrDuplicate = errs.New(errs.Conflict, "duplicate_event", "This event was already handled.")

// Decode reads an envelope's payload into v (a pointer to the catalogued type).
func Decode(env Envelope, v any) error {
	if err := json.Unmarshal(env.Detail, v); err != nil {
		return fmt.Errorf("eventtypes.Decode %s %s: %w", env.DetailType, env.ID, err)
	}
	return nil
}

// Sources and detail types of invitations.
const (
	SourceInvitations      = "tribune.invitations"
	InvitationCreatedType  = "invitation.created"
	InvitationAcceptedType = "invitation.accepted"
)

// InvitationCreated: an invitation was created or resent. Email is empty for a
// shareable link. Code is the secret the invitee's link carries (the notification
// function needs it to write the email).
type InvitationCreated struct {
	Meta
	InvitationID string    `json:"invitationId"`
	Kind         string    `json:"kind" schema:"enum=email|link"`
	Email        string    `json:"email" doc:"Empty for a shareable link."`
	Code         string    `json:"code"`
	Message      string    `json:"message" schema:"maxLength=1000"`
	InviterName  string    `json:"inviterName"`
	Locale       string    `json:"locale" schema:"enum=en|fr"`
	ValidUntil   time.Time `json:"validUntil"`
	Resent       bool      `json:"resent"`
}

// EventType implements Payload.
func (InvitationCreated) EventType() Type { return Type{SourceInvitations, InvitationCreatedType} }

// InvitationAccepted: someone registered through an invitation.
type InvitationAccepted struct {
	Meta
	InvitationID string `json:"invitationId"`
	MemberID     string `json:"memberId"`
	InviterID    string `json:"inviterId"`
}

// EventType implements Payload.
func (InvitationAccepted) EventType() Type { return Type{SourceMembers, InvitationAcceptedType} }

// MemberDeletedType: a member deleted their account (personal data erased; what they
// wrote stays, credited to "Deleted member").
const MemberDeletedType = "member.deleted"

// MemberDeleted is the payload of member.deleted.
type MemberDeleted struct {
	Meta
	MemberID string `json:"memberId"`
}

// EventType implements Payload.
func (MemberDeleted) EventType() Type { return Type{SourceMembers, MemberDeletedType} }

// MemberSignedInType: a member signed in (a session started by a sign-in link or a
// social sign-in; not the registration, which is member.registered).
const MemberSignedInType = "member.signed_in"

// MemberSignedIn is the payload of member.signed_in.
type MemberSignedIn struct {
	Meta
	MemberID string `json:"memberId"`
	// Method is how they signed in: link (an emailed sign-in link) or social (a sign-in provider).
	Method string `json:"method" schema:"enum=link|social"`
}

// EventType implements Payload.
func (MemberSignedIn) EventType() Type { return Type{SourceMembers, MemberSignedInType} }

// MemberRolesChangedType: an admin changed a member's community roles (published only
// when they changed).
const MemberRolesChangedType = "member.roles_changed"

// MemberRolesChanged is the payload of member.roles_changed: the roles the member holds
// now, and who changed them.
type MemberRolesChanged struct {
	Meta
	MemberID  string   `json:"memberId"`
	Roles     []string `json:"roles" schema:"enum=admin|moderator|support|marketer|member"`
	ChangedBy string   `json:"changedBy"`
}

// EventType implements Payload.
func (MemberRolesChanged) EventType() Type { return Type{SourceMembers, MemberRolesChangedType} }

// Sources and detail types of posting.
const (
	SourcePosts     = "tribune.posts"
	PostCreatedType = "post.created"
)

// PostCreated: a post was published in a space. It carries the stream summary, so the
// feed consumer fans it out without a read.
type PostCreated struct {
	Meta
	PostID     string    `json:"postId"`
	SpaceID    string    `json:"spaceId"`
	SpaceName  string    `json:"spaceName"`
	Kind       string    `json:"kind" schema:"enum=status|discussion|question|idea|poll|announcement"`
	Title      string    `json:"title" schema:"maxLength=150"`
	Excerpt    string    `json:"excerpt" schema:"maxLength=300"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
	// PinnedUntil is set on announcements: the fan-out pins them too.
	PinnedUntil *time.Time `json:"pinnedUntil,omitempty"`
	// AfterSuggestions: a question asked from a composer session that showed
	// suggestions ("before you ask", issue 15; a session is followed once).
	AfterSuggestions bool `json:"afterSuggestions,omitempty"`
}

// EventType implements Payload.
func (PostCreated) EventType() Type { return Type{SourcePosts, PostCreatedType} }

// Detail types of comments and answers.
const (
	CommentCreatedType = "comment.created"
	AnswerAcceptedType = "answer.accepted"
)

// CommentCreated: someone commented on a post (or replied to a comment).
type CommentCreated struct {
	Meta
	CommentID    string `json:"commentId"`
	PostID       string `json:"postId"`
	PostTitle    string `json:"postTitle"`
	PostAuthorID string `json:"postAuthorId"`
	ParentID     string `json:"parentId"`
	// ParentAuthorID is the author of the comment a reply answers.
	ParentAuthorID string `json:"parentAuthorId,omitempty"`
	AuthorID       string `json:"authorId"`
	AuthorName     string `json:"authorName"`
}

// EventType implements Payload.
func (CommentCreated) EventType() Type { return Type{SourcePosts, CommentCreatedType} }

// AnswerAccepted: a comment was accepted as the solution of a question.
type AnswerAccepted struct {
	Meta
	PostID       string `json:"postId"`
	PostTitle    string `json:"postTitle"`
	CommentID    string `json:"commentId"`
	AnswerAuthor string `json:"answerAuthorId"`
	AcceptedBy   string `json:"acceptedBy"`
	// PreviousAnswer is the answer accepted until now ("" for none): it is no longer.
	PreviousAnswer string `json:"previousAnswerId,omitempty"`
}

// EventType implements Payload.
func (AnswerAccepted) EventType() Type { return Type{SourcePosts, AnswerAcceptedType} }

// Detail types of votes, moderation and mentions (source tribune.posts).
const (
	IdeaVotedType         = "idea.voted"
	IdeaStatusChangedType = "idea.status_changed"
	PollVotedType         = "poll.voted"
	ContentReportedType   = "content.reported"
	MemberMentionedType   = "member.mentioned"
	MemberWarnedType      = "member.warned"
	ContentHiddenType     = "content.hidden"
	PostModeratedType     = "post.moderated"
	PostUpdatedType       = "post.updated"
)

// IdeaVoted: a member voted an idea up; Votes is the count with this vote.
type IdeaVoted struct {
	Meta
	PostID  string `json:"postId"`
	SpaceID string `json:"spaceId"`
	VoterID string `json:"voterId"`
	Votes   int    `json:"votes" schema:"minimum=1"`
}

// EventType implements Payload.
func (IdeaVoted) EventType() Type { return Type{SourcePosts, IdeaVotedType} }

// IdeaStatusChanged: staff moved an idea to another status; its voters are told.
type IdeaStatusChanged struct {
	Meta
	PostID    string `json:"postId"`
	PostTitle string `json:"postTitle"`
	SpaceID   string `json:"spaceId"`
	From      string `json:"from" schema:"enum=new|under_review|planned|done|declined"`
	To        string `json:"to" schema:"enum=new|under_review|planned|done|declined"`
	ChangedBy string `json:"changedBy"`
}

// EventType implements Payload.
func (IdeaStatusChanged) EventType() Type { return Type{SourcePosts, IdeaStatusChangedType} }

// PollVoted: a member voted in a poll.
type PollVoted struct {
	Meta
	PostID  string `json:"postId"`
	SpaceID string `json:"spaceId"`
	VoterID string `json:"voterId"`
	Option  string `json:"option"`
}

// EventType implements Payload.
func (PollVoted) EventType() Type { return Type{SourcePosts, PollVotedType} }

// ContentReported: a member reported a post or a comment; the space's moderators are told.
type ContentReported struct {
	Meta
	TargetID   string `json:"targetId"`
	PostID     string `json:"postId"`
	CommentID  string `json:"commentId,omitempty"`
	PostTitle  string `json:"postTitle"`
	SpaceID    string `json:"spaceId"`
	SpaceName  string `json:"spaceName"`
	ReporterID string `json:"reporterId"`
	Reason     string `json:"reason" schema:"enum=spam|harassment|off_topic|inappropriate|other"`
}

// EventType implements Payload.
func (ContentReported) EventType() Type { return Type{SourcePosts, ContentReportedType} }

// MemberMentioned: a post or comment mentions a member who may read it.
type MemberMentioned struct {
	Meta
	MemberID   string `json:"memberId"`
	PostID     string `json:"postId"`
	PostTitle  string `json:"postTitle"`
	CommentID  string `json:"commentId,omitempty"`
	AuthorID   string `json:"authorId"`
	AuthorName string `json:"authorName"`
}

// EventType implements Payload.
func (MemberMentioned) EventType() Type { return Type{SourcePosts, MemberMentionedType} }

// ContentHidden: a moderator hid a post or a comment (CommentID set) for Reason; its
// author is told why.
type ContentHidden struct {
	Meta
	PostID    string `json:"postId"`
	CommentID string `json:"commentId,omitempty"`
	PostTitle string `json:"postTitle"`
	SpaceID   string `json:"spaceId"`
	AuthorID  string `json:"authorId"`
	Reason    string `json:"reason" schema:"minLength=1;maxLength=500"`
	HiddenBy  string `json:"hiddenBy"`
}

// EventType implements Payload.
func (ContentHidden) EventType() Type { return Type{SourcePosts, ContentHiddenType} }

// MemberWarned: a moderator warned a member.
type MemberWarned struct {
	Meta
	MemberID string `json:"memberId"`
	PostID   string `json:"postId,omitempty"`
	Message  string `json:"message" schema:"maxLength=1000"`
	WarnedBy string `json:"warnedBy"`
}

// EventType implements Payload.
func (MemberWarned) EventType() Type { return Type{SourcePosts, MemberWarnedType} }

// PostModerated: a post was hidden, restored, deleted or moved; the feed consumer
// updates home streams. It carries the stream summary, so no read is needed.
type PostModerated struct {
	Meta
	Action      string     `json:"action" schema:"enum=hidden|restored|deleted|moved"`
	PostID      string     `json:"postId"`
	SpaceID     string     `json:"spaceId"`
	SpaceName   string     `json:"spaceName"`
	ToSpaceID   string     `json:"toSpaceId,omitempty"`
	ToSpaceName string     `json:"toSpaceName,omitempty"`
	Kind        string     `json:"kind" schema:"enum=status|discussion|question|idea|poll|announcement"`
	Title       string     `json:"title"`
	Excerpt     string     `json:"excerpt"`
	AuthorID    string     `json:"authorId"`
	AuthorName  string     `json:"authorName"`
	CreatedAt   time.Time  `json:"createdAt"`
	PinnedUntil *time.Time `json:"pinnedUntil,omitempty"`
	By          string     `json:"by"`
}

// EventType implements Payload.
func (PostModerated) EventType() Type { return Type{SourcePosts, PostModeratedType} }

// What a post.updated event reports.
const (
	PostEdited          = "edited"
	PostAnswerWithdrawn = "answer_withdrawn"
)

// PostUpdated: what streams show of a post changed without it leaving them (its title
// or text was edited; its accepted answer was hidden or deleted, so it is unanswered
// again). The feed consumer rewrites the copies in home streams from the post as it is
// when the event is handled, so the payload names the post only.
type PostUpdated struct {
	Meta
	PostID  string `json:"postId"`
	SpaceID string `json:"spaceId"`
	// Change is PostEdited or PostAnswerWithdrawn.
	Change string `json:"change" schema:"enum=edited|answer_withdrawn"`
	By     string `json:"by" doc:"The member who made the change."`
}

// EventType implements Payload.
func (PostUpdated) EventType() Type { return Type{SourcePosts, PostUpdatedType} }

// Source and detail types of spaces.
const (
	SourceSpaces     = "tribune.spaces"
	SpaceInvitedType = "space.invited"
	SpaceLeftType    = "space.left"
	// SpaceRequestApprovedType and SpaceRequestDeclinedType: a request to join was
	// answered (payloads SpaceRequestApproved, SpaceRequestDeclined).
	SpaceRequestApprovedType = "space.request_approved"
	SpaceRequestDeclinedType = "space.request_declined"
	SpaceJoinedType          = "space.joined"
)

// SpaceJoined: a member became an active member of a space (joined a public space, had
// a request approved, accepted an invitation); written with the membership. The feed
// consumer brings the space's recent posts into their home stream.
type SpaceJoined struct {
	Meta
	SpaceID  string `json:"spaceId"`
	MemberID string `json:"memberId"`
}

// EventType implements Payload.
func (SpaceJoined) EventType() Type { return Type{SourceSpaces, SpaceJoinedType} }

// SpaceLeft: a member left a space (or withdrew a request); written with the removal of
// the membership. The feed consumer takes the space's posts out of their home stream.
type SpaceLeft struct {
	Meta
	SpaceID  string `json:"spaceId"`
	MemberID string `json:"memberId"`
}

// EventType implements Payload.
func (SpaceLeft) EventType() Type { return Type{SourceSpaces, SpaceLeftType} }

// SpaceInvited: a space moderator invited a member into a space; the member is told.
type SpaceInvited struct {
	Meta
	SpaceID     string `json:"spaceId"`
	SpaceName   string `json:"spaceName"`
	MemberID    string `json:"memberId"`
	InviterID   string `json:"inviterId"`
	InviterName string `json:"inviterName"`
}

// EventType implements Payload.
func (SpaceInvited) EventType() Type { return Type{SourceSpaces, SpaceInvitedType} }

// SpaceRequestAnswered: a space's owner, moderator, staff (in a customer space, a
// support agent) approved or declined a member's request to join; written with the
// answer. The member is told.
type SpaceRequestAnswered struct {
	Meta
	SpaceID   string `json:"spaceId"`
	SpaceName string `json:"spaceName"`
	MemberID  string `json:"memberId"`
	// By is who answered (never shown to the member).
	By string `json:"by"`
}

// SpaceRequestApproved is the payload of space.request_approved.
type SpaceRequestApproved SpaceRequestAnswered

// EventType implements Payload.
func (SpaceRequestApproved) EventType() Type { return Type{SourceSpaces, SpaceRequestApprovedType} }

// SpaceRequestDeclined is the payload of space.request_declined.
type SpaceRequestDeclined SpaceRequestAnswered

// EventType implements Payload.
func (SpaceRequestDeclined) EventType() Type { return Type{SourceSpaces, SpaceRequestDeclinedType} }

// Source and detail types of tickets. No ticket event ever carries an internal note:
// internal notes publish none.
const (
	SourceTickets           = "tribune.tickets"
	TicketOpenedType        = "ticket.opened"
	TicketRepliedType       = "ticket.replied"
	TicketAssignedType      = "ticket.assigned"
	TicketStatusChangedType = "ticket.status_changed"
	TicketSLABreachedType   = "ticket.sla_breached"
	TicketRatedType         = "ticket.rated"
)

// TicketOpened: a customer (or an agent for them) opened a ticket.
type TicketOpened struct {
	Meta
	TicketID            string    `json:"ticketId"`
	Number              int64     `json:"number"`
	SpaceID             string    `json:"spaceId"`
	SpaceName           string    `json:"spaceName"`
	Subject             string    `json:"subject"`
	Severity            string    `json:"severity" schema:"enum=low|normal|high|urgent"`
	RequesterID         string    `json:"requesterId"`
	RequesterName       string    `json:"requesterName"`
	FirstResponseDue    time.Time `json:"firstResponseDue"`
	FirstResponseTarget int64     `json:"firstResponseTargetSeconds"`
	// AfterSuggestions: opened from a ticket composer session that showed suggestions
	// ("before you ask", issue 15; a session is followed once).
	AfterSuggestions bool `json:"afterSuggestions,omitempty"`
}

// EventType implements Payload.
func (TicketOpened) EventType() Type { return Type{SourceTickets, TicketOpenedType} }

// TicketReplied: a public reply was added (never an internal note).
type TicketReplied struct {
	Meta
	TicketID    string `json:"ticketId"`
	Number      int64  `json:"number"`
	SpaceID     string `json:"spaceId"`
	Subject     string `json:"subject"`
	ReplyID     string `json:"replyId"`
	AuthorID    string `json:"authorId"`
	AuthorName  string `json:"authorName"`
	FromAgent   bool   `json:"fromAgent"`
	RequesterID string `json:"requesterId"`
	AssigneeID  string `json:"assigneeId"`
	Excerpt     string `json:"excerpt" schema:"maxLength=300"`
	// FirstResponseSeconds is set on the first public agent reply.
	FirstResponseSeconds float64 `json:"firstResponseSeconds" schema:"minimum=0"`
}

// EventType implements Payload.
func (TicketReplied) EventType() Type { return Type{SourceTickets, TicketRepliedType} }

// TicketAssigned: an agent assigned a ticket (AssigneeID empty: unassigned).
type TicketAssigned struct {
	Meta
	TicketID     string `json:"ticketId"`
	Number       int64  `json:"number"`
	SpaceID      string `json:"spaceId"`
	Subject      string `json:"subject"`
	AssigneeID   string `json:"assigneeId"`
	AssigneeName string `json:"assigneeName"`
	AssignedBy   string `json:"assignedBy"`
}

// EventType implements Payload.
func (TicketAssigned) EventType() Type { return Type{SourceTickets, TicketAssignedType} }

// TicketStatusChanged: a ticket moved (ChangedBy empty: the auto-close job).
type TicketStatusChanged struct {
	Meta
	TicketID    string `json:"ticketId"`
	Number      int64  `json:"number"`
	SpaceID     string `json:"spaceId"`
	Subject     string `json:"subject"`
	From        string `json:"from" schema:"enum=new|open|pending_customer|on_hold|solved|closed"`
	To          string `json:"to" schema:"enum=new|open|pending_customer|on_hold|solved|closed"`
	ChangedBy   string `json:"changedBy"`
	RequesterID string `json:"requesterId"`
	AssigneeID  string `json:"assigneeId"`
	Reopened    bool   `json:"reopened"`
	// ResolutionSeconds is set when the ticket is solved.
	ResolutionSeconds float64 `json:"resolutionSeconds" schema:"minimum=0"`
}

// EventType implements Payload.
func (TicketStatusChanged) EventType() Type { return Type{SourceTickets, TicketStatusChangedType} }

// TicketSLABreached: a ticket missed its first-response or resolution target.
type TicketSLABreached struct {
	Meta
	TicketID   string    `json:"ticketId"`
	Number     int64     `json:"number"`
	SpaceID    string    `json:"spaceId"`
	Subject    string    `json:"subject"`
	Severity   string    `json:"severity" schema:"enum=low|normal|high|urgent"`
	Target     string    `json:"target" schema:"enum=first_response|resolution"`
	Due        time.Time `json:"due"`
	AssigneeID string    `json:"assigneeId"`
}

// EventType implements Payload.
func (TicketSLABreached) EventType() Type { return Type{SourceTickets, TicketSLABreachedType} }

// TicketRated: the requester rated a solved ticket.
type TicketRated struct {
	Meta
	TicketID   string `json:"ticketId"`
	Number     int64  `json:"number"`
	SpaceID    string `json:"spaceId"`
	Good       bool   `json:"good"`
	AssigneeID string `json:"assigneeId"`
}

// EventType implements Payload.
func (TicketRated) EventType() Type { return Type{SourceTickets, TicketRatedType} }

// ---- rewards: points, ranks, badges, leaderboard (r1) ----

// Source of the reward programme's events (points, campaigns, catalogue).
const SourceRewards = "tribune.rewards"

// Detail types of points, ranks and badges.
const (
	PointsAwardedType  = "points.awarded"
	PointsReversedType = "points.reversed"
	BadgeAwardedType   = "badge.awarded"
	RankReachedType    = "rank.reached"
	PointsSpentType    = "points.spent"
)

// PointsAwarded: a ledger entry raised a member's score (same transaction as the entry).
type PointsAwarded struct {
	Meta
	MemberID   string `json:"memberId"`
	EntryID    string `json:"entryId"`
	Rule       string `json:"rule"`
	Amount     int64  `json:"amount" schema:"minimum=1"`
	ObjectType string `json:"objectType"`
	ObjectID   string `json:"objectId"`
	SpaceID    string `json:"spaceId,omitempty"`
	// Balance is what the entry added to the spendable balance.
	Balance int64 `json:"balance"`
}

// EventType implements Payload.
func (PointsAwarded) EventType() Type { return Type{SourceRewards, PointsAwardedType} }

// PointsReversed: a ledger entry took back points earned (content deleted or hidden,
// answer unaccepted, fraud); Amount is the points taken off the score (positive).
type PointsReversed struct {
	Meta
	MemberID   string `json:"memberId"`
	EntryID    string `json:"entryId"`
	Rule       string `json:"rule"`
	Amount     int64  `json:"amount" schema:"minimum=1"`
	ObjectType string `json:"objectType"`
	ObjectID   string `json:"objectId"`
	SpaceID    string `json:"spaceId,omitempty"`
	Reason     string `json:"reason"`
	// EarnedAt is when the reversed points were earned: the leaderboards of that
	// period lose them.
	EarnedAt time.Time `json:"earnedAt"`
	// BalanceTaken is what the balance lost (at most what it held: never below zero).
	BalanceTaken int64 `json:"balanceTaken" schema:"minimum=0"`
	// ReversedBy is the staff member who took the points back as fraudulent ("" for a
	// reversal that followed the content: deleted, hidden, unaccepted); the member is
	// told of a staff reversal with its reason (issue 12, round 3).
	ReversedBy string `json:"reversedBy,omitempty"`
}

// PointsSpent: a ledger entry moved the spendable balance without changing the score:
// points spent (a gift ordered: Amount < 0) or given back (an order cancelled: Amount
// > 0). Same transaction as the entry.
type PointsSpent struct {
	Meta
	MemberID   string `json:"memberId"`
	EntryID    string `json:"entryId"`
	Rule       string `json:"rule"`
	Amount     int64  `json:"amount"`
	ObjectType string `json:"objectType"`
	ObjectID   string `json:"objectId"`
}

// EventType implements Payload.
func (PointsSpent) EventType() Type { return Type{SourceRewards, PointsSpentType} }

// EventType implements Payload.
func (PointsReversed) EventType() Type { return Type{SourceRewards, PointsReversedType} }

// BadgeAwarded: a member earned a badge (a rule met, or granted by staff: GrantedBy).
type BadgeAwarded struct {
	Meta
	MemberID  string `json:"memberId"`
	Badge     string `json:"badge"`
	GrantedBy string `json:"grantedBy,omitempty"`
}

// EventType implements Payload.
func (BadgeAwarded) EventType() Type { return Type{SourceRewards, BadgeAwardedType} }

// RankReached: a member's lifetime score reached a rank's threshold for the first time.
type RankReached struct {
	Meta
	MemberID string `json:"memberId"`
	Rank     string `json:"rank"`
	Lifetime int64  `json:"lifetime" schema:"minimum=0"`
	// NameEn and NameFr are the rank's name when it was reached (ranks are editable):
	// the notification names it in the reader's language (issue 12, round 3).
	NameEn string `json:"nameEn,omitempty"`
	NameFr string `json:"nameFr,omitempty"`
}

// EventType implements Payload.
func (RankReached) EventType() Type { return Type{SourceRewards, RankReachedType} }

// ---- Rewards: campaigns, challenges, submissions, trials (issue 12, r2) ----

// Detail types of campaigns.
const (
	CampaignStartedType    = "campaign.started"
	CampaignEndedType      = "campaign.ended"
	SubmissionReviewedType = "submission.reviewed"
	ChallengeCompletedType = "challenge.completed"
	TrialDecidedType       = "trial.decided"
)

// CampaignStarted: a campaign went live (its start schedule ran, or it was published
// once its start had come).
type CampaignStarted struct {
	Meta
	CampaignID string    `json:"campaignId"`
	Title      string    `json:"title"`
	StartsAt   time.Time `json:"startsAt"`
	EndsAt     time.Time `json:"endsAt"`
	Audience   string    `json:"audience" schema:"enum=everyone|spaces|roles"`
}

// EventType implements Payload.
func (CampaignStarted) EventType() Type { return Type{SourceRewards, CampaignStartedType} }

// CampaignEnded: a campaign ended (its end schedule ran, or a marketer ended it early).
type CampaignEnded struct {
	Meta
	CampaignID string    `json:"campaignId"`
	Title      string    `json:"title"`
	EndsAt     time.Time `json:"endsAt"`
	Early      bool      `json:"early" doc:"A marketer ended it before its end date."`
	Joined     int64     `json:"joined" schema:"minimum=0"`
	Approved   int64     `json:"approved" schema:"minimum=0"`
	PointsPaid int64     `json:"pointsPaid" schema:"minimum=0"`
}

// EventType implements Payload.
func (CampaignEnded) EventType() Type { return Type{SourceRewards, CampaignEndedType} }

// SubmissionReviewed: a reviewer approved a proof (and its completion was paid in the
// same transaction), rejected it, or asked for changes.
type SubmissionReviewed struct {
	Meta
	SubmissionID   string `json:"submissionId"`
	CampaignID     string `json:"campaignId"`
	CampaignTitle  string `json:"campaignTitle"`
	ChallengeID    string `json:"challengeId"`
	ChallengeTitle string `json:"challengeTitle"`
	MemberID       string `json:"memberId"`
	ReviewerID     string `json:"reviewerId"`
	Status         string `json:"status" schema:"enum=approved|rejected|changes_requested"`
	Reason         string `json:"reason" schema:"maxLength=500"`
	Points         int64  `json:"points" schema:"minimum=0"`
	Completion     int    `json:"completion" schema:"minimum=0" doc:"The completion's number an approval paid (0 otherwise)."`
}

// EventType implements Payload.
func (SubmissionReviewed) EventType() Type { return Type{SourceRewards, SubmissionReviewedType} }

// ChallengeCompleted: a member completed a challenge (a proof approved, or an automatic
// challenge's count reached) and was paid its points in the same transaction.
// CampaignCompleted: they have now completed every challenge of the campaign at least
// once (the "campaign completed" badge counts it).
type ChallengeCompleted struct {
	Meta
	CampaignID        string `json:"campaignId"`
	CampaignTitle     string `json:"campaignTitle"`
	ChallengeID       string `json:"challengeId"`
	ChallengeTitle    string `json:"challengeTitle"`
	MemberID          string `json:"memberId"`
	Completion        int    `json:"completion" schema:"minimum=1"`
	Points            int64  `json:"points" schema:"minimum=0"`
	Automatic         bool   `json:"automatic"`
	CampaignCompleted bool   `json:"campaignCompleted"`
}

// EventType implements Payload.
func (ChallengeCompleted) EventType() Type { return Type{SourceRewards, ChallengeCompletedType} }

// TrialDecided: a marketer approved (a slot taken) or declined a trial application.
type TrialDecided struct {
	Meta
	CampaignID    string `json:"campaignId"`
	CampaignTitle string `json:"campaignTitle"`
	MemberID      string `json:"memberId"`
	Approved      bool   `json:"approved"`
	DecidedBy     string `json:"decidedBy"`
	// NoSlots: declined because the last slot went to someone else (DecidedBy empty).
	NoSlots bool `json:"noSlots,omitempty"`
}

// EventType implements Payload.
func (TrialDecided) EventType() Type { return Type{SourceRewards, TrialDecidedType} }

// ---- rewards: catalogue, redemptions, orders (issue 12, r3) ----

// Detail types of the catalogue.
const (
	RewardRedeemedType     = "reward.redeemed"
	OrderStatusChangedType = "order.status_changed"
)

// RewardRedeemed: a member redeemed a gift (the order, the points spent, the stock and
// the campaign's gift budget taken, in the same transaction).
type RewardRedeemed struct {
	Meta
	OrderID      string `json:"orderId"`
	MemberID     string `json:"memberId"`
	GiftID       string `json:"giftId"`
	GiftName     string `json:"giftName"`
	VariantID    string `json:"variantId"`
	VariantLabel string `json:"variantLabel"`
	Cost         int64  `json:"cost" schema:"minimum=1" doc:"Points spent."`
	CampaignID   string `json:"campaignId,omitempty" doc:"The campaign the gift belongs to, if any."`
}

// EventType implements Payload.
func (RewardRedeemed) EventType() Type { return Type{SourceRewards, RewardRedeemedType} }

// OrderStatusChanged: an order moved (never carries the shipping address).
type OrderStatusChanged struct {
	Meta
	OrderID      string `json:"orderId"`
	MemberID     string `json:"memberId"`
	GiftID       string `json:"giftId"`
	GiftName     string `json:"giftName"`
	VariantLabel string `json:"variantLabel"`
	CampaignID   string `json:"campaignId,omitempty"`
	From         string `json:"from" schema:"enum=ordered|approved|shipped|delivered|cancelled"`
	To           string `json:"to" schema:"enum=ordered|approved|shipped|delivered|cancelled"`
	ChangedBy    string `json:"changedBy" doc:"Who moved it (the member, for their own cancellation)."`
	Carrier      string `json:"carrier,omitempty"`
	Tracking     string `json:"tracking,omitempty"`
	// Refunded is the points given back by a cancellation (0 otherwise).
	Refunded int64 `json:"refunded" schema:"minimum=0" doc:"Points given back by a cancellation (0 otherwise)."`
}

// EventType implements Payload.
func (OrderStatusChanged) EventType() Type {
	return Type{SourceRewards, OrderStatusChangedType}
}

// Events of other domains the reward programme pays or reverses from (r1).
const (
	ReactionAddedType     = "reaction.added"
	CommentDeletedType    = "comment.deleted"
	ProfilePhotoAddedType = "profile.photo_added"
)

// ReactionAdded: a member reacted to a post or a comment (CommentID set) of AuthorID
// (same transaction as the reaction). Taking a reaction back tells nothing.
type ReactionAdded struct {
	Meta
	PostID    string `json:"postId"`
	CommentID string `json:"commentId,omitempty"`
	SpaceID   string `json:"spaceId"`
	AuthorID  string `json:"authorId" doc:"The author of the post or comment reacted to."`
	ReactorID string `json:"reactorId"`
	Reaction  string `json:"reaction"`
}

// EventType implements Payload.
func (ReactionAdded) EventType() Type { return Type{SourcePosts, ReactionAddedType} }

// CommentDeleted: a comment was deleted by its author or a moderator (same transaction).
type CommentDeleted struct {
	Meta
	PostID    string `json:"postId"`
	CommentID string `json:"commentId"`
	SpaceID   string `json:"spaceId"`
	AuthorID  string `json:"authorId"`
	DeletedBy string `json:"deletedBy"`
}

// EventType implements Payload.
func (CommentDeleted) EventType() Type { return Type{SourcePosts, CommentDeletedType} }

// ProfilePhotoAdded: a member set a profile photo (same transaction as the photo).
type ProfilePhotoAdded struct {
	Meta
	MemberID string `json:"memberId"`
}

// EventType implements Payload.
func (ProfilePhotoAdded) EventType() Type { return Type{SourceMembers, ProfilePhotoAddedType} }

// ---- newsletters: audience and consent (issue 13, n2) ----

// Sources and detail types of the audience and of mail events.
const (
	SourceNewsletterAudience     = "tribune.newsletters"
	SourceMail                   = "tribune.mail"
	NewsletterConsentChangedType = "newsletter.consent_changed"
	MailBouncedType              = "mail.bounced"
	MailComplainedType           = "mail.complained"
	MailDeliveredType            = "mail.delivered"
)

// NewsletterConsentChanged: a member subscribed to a list or unsubscribed from it (in
// the same transaction as the consent record). NewsletterID names the newsletter whose
// unsubscribe link was used, if any (its results count it).
type NewsletterConsentChanged struct {
	Meta
	MemberID     string `json:"memberId"`
	List         string `json:"list" schema:"enum=digest|product|events"`
	Subscribed   bool   `json:"subscribed"`
	Source       string `json:"source" schema:"enum=sign-up|preferences|one-click|unsubscribe-page"`
	NewsletterID string `json:"newsletterId,omitempty"`
}

// EventType implements Payload.
func (NewsletterConsentChanged) EventType() Type {
	return Type{SourceNewsletterAudience, NewsletterConsentChangedType}
}

// MailBounced: a mail bounced (SES). Permanent (a hard bounce): the address was put on
// the suppression list in the same transaction.
type MailBounced struct {
	Meta
	Email         string `json:"email" schema:"format=email"`
	MemberID      string `json:"memberId,omitempty"`
	NewsletterID  string `json:"newsletterId,omitempty"`
	MessageID     string `json:"messageId"`
	Permanent     bool   `json:"permanent"`
	BounceType    string `json:"bounceType"`
	BounceSubType string `json:"bounceSubType"`
}

// EventType implements Payload.
func (MailBounced) EventType() Type { return Type{SourceMail, MailBouncedType} }

// MailComplained: a recipient marked a mail as spam (SES); the address was put on the
// suppression list in the same transaction.
type MailComplained struct {
	Meta
	Email        string `json:"email" schema:"format=email"`
	MemberID     string `json:"memberId,omitempty"`
	NewsletterID string `json:"newsletterId,omitempty"`
	MessageID    string `json:"messageId"`
	FeedbackType string `json:"feedbackType"`
}

// EventType implements Payload.
func (MailComplained) EventType() Type { return Type{SourceMail, MailComplainedType} }

// MailDelivered: the receiving server accepted a mail (SES).
type MailDelivered struct {
	Meta
	NewsletterID string `json:"newsletterId,omitempty"`
	MessageID    string `json:"messageId"`
	Recipients   int    `json:"recipients" schema:"minimum=1"`
}

// EventType implements Payload.
func (MailDelivered) EventType() Type { return Type{SourceMail, MailDeliveredType} }

// SESMailEvent is an SES v2 configuration set event as EventBridge carries it (source
// aws.ses): not written by Tribune, so not in the catalogue; its detail has no eventId
// (bus.Dispatch then deduplicates on EventBridge's id). The fields are read by package
// newsletters (SESEvent); Raw keeps the detail whole.
type SESMailEvent struct {
	Meta
	DetailType string          `json:"-"`
	Raw        json.RawMessage `json:"-"`
}

// SESBounced, SESComplained and SESDelivered are the SES events the mail events
// consumer takes.
type (
	SESBounced    struct{ SESMailEvent }
	SESComplained struct{ SESMailEvent }
	SESDelivered  struct{ SESMailEvent }
)

// SES's source and detail types on EventBridge.
const (
	SourceSES        = "aws.ses"
	SESBouncedType   = "Email Bounced"
	SESComplaintType = "Email Complaint Received"
	SESDeliveredType = "Email Delivered"
)

// EventType implements Payload.
func (SESBounced) EventType() Type { return Type{SourceSES, SESBouncedType} }

// EventType implements Payload.
func (SESComplained) EventType() Type { return Type{SourceSES, SESComplaintType} }

// EventType implements Payload.
func (SESDelivered) EventType() Type { return Type{SourceSES, SESDeliveredType} }

// UnmarshalJSON keeps the whole detail (the consumer reads it as package newsletters
// SESEvent), and its eventId when the bus added one (bus.Dispatch: EventBridge's id).
func (e *SESMailEvent) UnmarshalJSON(b []byte) error {
	var m struct {
		EventID string `json:"eventId"`
	}
	if err := json.Unmarshal(b, &m); err != nil {
		return err
	}
	e.Meta.EventID, e.Raw = m.EventID, append(json.RawMessage(nil), b...)
	return nil
}
