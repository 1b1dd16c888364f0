// Package eventtypes is the Go side of the event catalogue in events/: the source and
// detail-type of every domain event and its payload. A test keeps it in step with the
// JSON Schemas and samples there. (Not named "events": that clashes with aws-lambda-go.)
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
	EventID    string    `json:"eventId"`
	OccurredAt time.Time `json:"occurredAt"`
}

// NewMeta returns fresh metadata for an event that happens at now.
func NewMeta(now time.Time) Meta {
	return Meta{EventID: rand.Text(), OccurredAt: now.UTC()}
}

// MemberRegistered: a visitor became a member (first verified sign-in).
type MemberRegistered struct {
	Meta
	MemberID    string `json:"memberId"`
	Email       string `json:"email"`
	DisplayName string `json:"displayName"`
	Locale      string `json:"locale"`
}

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
	// New returns a pointer to a zero payload, for decoding.
	New func() any
}

// Catalog lists every domain event.
var Catalog = []Definition{
	{SourceMembers, MemberRegisteredType, "A visitor verified their email for the first time and is now a member.",
		func() any { return &MemberRegistered{} }},
	{SourceInvitations, InvitationCreatedType, "An invitation was created or resent.",
		func() any { return &InvitationCreated{} }},
	{SourceMembers, InvitationAcceptedType, "Someone registered through an invitation.",
		func() any { return &InvitationAccepted{} }},
	{SourceMembers, MemberDeletedType, "A member deleted their account.",
		func() any { return &MemberDeleted{} }},
	{SourceMembers, MemberRolesChangedType, "An admin changed a member's community roles.",
		func() any { return &MemberRolesChanged{} }},
	{SourcePosts, PostCreatedType, "A post was published in a space.",
		func() any { return &PostCreated{} }},
	{SourcePosts, CommentCreatedType, "Someone commented on a post or replied to a comment.",
		func() any { return &CommentCreated{} }},
	{SourcePosts, AnswerAcceptedType, "A comment was accepted as the answer to a question.",
		func() any { return &AnswerAccepted{} }},
	{SourcePosts, IdeaVotedType, "A member voted an idea up.", func() any { return &IdeaVoted{} }},
	{SourcePosts, IdeaStatusChangedType, "Staff moved an idea to another status.", func() any { return &IdeaStatusChanged{} }},
	{SourcePosts, PollVotedType, "A member voted in a poll.", func() any { return &PollVoted{} }},
	{SourcePosts, ContentReportedType, "A member reported a post or a comment.", func() any { return &ContentReported{} }},
	{SourcePosts, MemberMentionedType, "A post or comment mentions a member.", func() any { return &MemberMentioned{} }},
	{SourcePosts, MemberWarnedType, "A moderator warned a member.", func() any { return &MemberWarned{} }},
	{SourcePosts, ContentHiddenType, "A moderator hid a post or a comment, saying why; its author is told.", func() any { return &ContentHidden{} }},
	{SourcePosts, PostModeratedType, "A post was hidden, restored, deleted or moved.", func() any { return &PostModerated{} }},
	{SourcePosts, PostUpdatedType, "What streams show of a post changed: its text was edited or its accepted answer withdrawn.",
		func() any { return &PostUpdated{} }},
	{SourceSpaces, SpaceLeftType, "A member left a space.", func() any { return &SpaceLeft{} }},
	{SourceSpaces, SpaceJoinedType, "A member joined a space.", func() any { return &SpaceJoined{} }},
	{SourceSpaces, SpaceInvitedType, "A member was invited into a space.", func() any { return &SpaceInvited{} }},
	{SourceSpaces, SpaceRequestApprovedType, "A request to join a space was approved.", func() any { return &SpaceRequestAnswered{} }},
	{SourceSpaces, SpaceRequestDeclinedType, "A request to join a space was declined.", func() any { return &SpaceRequestAnswered{} }},
	{SourceTickets, TicketOpenedType, "A ticket was opened in a customer space.", func() any { return &TicketOpened{} }},
	{SourceTickets, TicketRepliedType, "A public reply was added to a ticket.", func() any { return &TicketReplied{} }},
	{SourceTickets, TicketAssignedType, "A ticket was assigned.", func() any { return &TicketAssigned{} }},
	{SourceTickets, TicketStatusChangedType, "A ticket changed status.", func() any { return &TicketStatusChanged{} }},
	{SourceTickets, TicketSLABreachedType, "A ticket missed a target.", func() any { return &TicketSLABreached{} }},
	{SourceTickets, TicketRatedType, "The requester rated a solved ticket.", func() any { return &TicketRated{} }},
}

// NewEnvelope wraps a payload for the outbox.
func NewEnvelope(source, detailType string, meta Meta, payload any) (Envelope, error) {
	detail, err := json.Marshal(payload)
	if err != nil {
		return Envelope{}, fmt.Errorf("eventtypes.NewEnvelope %s: %w", detailType, err)
	}
	return Envelope{ID: meta.EventID, Source: source, DetailType: detailType, Time: meta.OccurredAt, Detail: detail}, nil
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
	Kind         string    `json:"kind"`
	Email        string    `json:"email"`
	Code         string    `json:"code"`
	Message      string    `json:"message"`
	InviterName  string    `json:"inviterName"`
	Locale       string    `json:"locale"`
	ValidUntil   time.Time `json:"validUntil"`
	Resent       bool      `json:"resent"`
}

// InvitationAccepted: someone registered through an invitation.
type InvitationAccepted struct {
	Meta
	InvitationID string `json:"invitationId"`
	MemberID     string `json:"memberId"`
	InviterID    string `json:"inviterId"`
}

// MemberDeletedType: a member deleted their account (personal data erased; what they
// wrote stays, credited to "Deleted member").
const MemberDeletedType = "member.deleted"

// MemberDeleted is the payload of member.deleted.
type MemberDeleted struct {
	Meta
	MemberID string `json:"memberId"`
}

// MemberRolesChangedType: an admin changed a member's community roles (published only
// when they changed).
const MemberRolesChangedType = "member.roles_changed"

// MemberRolesChanged is the payload of member.roles_changed: the roles the member holds
// now, and who changed them.
type MemberRolesChanged struct {
	Meta
	MemberID  string   `json:"memberId"`
	Roles     []string `json:"roles"`
	ChangedBy string   `json:"changedBy"`
}

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
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Excerpt    string    `json:"excerpt"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
	// PinnedUntil is set on announcements: the fan-out pins them too.
	PinnedUntil *time.Time `json:"pinnedUntil,omitempty"`
}

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

// AnswerAccepted: a comment was accepted as the solution of a question.
type AnswerAccepted struct {
	Meta
	PostID       string `json:"postId"`
	PostTitle    string `json:"postTitle"`
	CommentID    string `json:"commentId"`
	AnswerAuthor string `json:"answerAuthorId"`
	AcceptedBy   string `json:"acceptedBy"`
}

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
	Votes   int    `json:"votes"`
}

// IdeaStatusChanged: staff moved an idea to another status; its voters are told.
type IdeaStatusChanged struct {
	Meta
	PostID    string `json:"postId"`
	PostTitle string `json:"postTitle"`
	SpaceID   string `json:"spaceId"`
	From      string `json:"from"`
	To        string `json:"to"`
	ChangedBy string `json:"changedBy"`
}

// PollVoted: a member voted in a poll.
type PollVoted struct {
	Meta
	PostID  string `json:"postId"`
	SpaceID string `json:"spaceId"`
	VoterID string `json:"voterId"`
	Option  string `json:"option"`
}

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
	Reason     string `json:"reason"`
}

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

// ContentHidden: a moderator hid a post or a comment (CommentID set) for Reason; its
// author is told why.
type ContentHidden struct {
	Meta
	PostID    string `json:"postId"`
	CommentID string `json:"commentId,omitempty"`
	PostTitle string `json:"postTitle"`
	SpaceID   string `json:"spaceId"`
	AuthorID  string `json:"authorId"`
	Reason    string `json:"reason"`
	HiddenBy  string `json:"hiddenBy"`
}

// MemberWarned: a moderator warned a member.
type MemberWarned struct {
	Meta
	MemberID string `json:"memberId"`
	PostID   string `json:"postId,omitempty"`
	Message  string `json:"message"`
	WarnedBy string `json:"warnedBy"`
}

// PostModerated: a post was hidden, restored, deleted or moved; the feed consumer
// updates home streams. It carries the stream summary, so no read is needed.
type PostModerated struct {
	Meta
	Action      string     `json:"action"`
	PostID      string     `json:"postId"`
	SpaceID     string     `json:"spaceId"`
	SpaceName   string     `json:"spaceName"`
	ToSpaceID   string     `json:"toSpaceId,omitempty"`
	ToSpaceName string     `json:"toSpaceName,omitempty"`
	Kind        string     `json:"kind"`
	Title       string     `json:"title"`
	Excerpt     string     `json:"excerpt"`
	AuthorID    string     `json:"authorId"`
	AuthorName  string     `json:"authorName"`
	CreatedAt   time.Time  `json:"createdAt"`
	PinnedUntil *time.Time `json:"pinnedUntil,omitempty"`
	By          string     `json:"by"`
}

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
	Change string `json:"change"`
	By     string `json:"by"`
}

// Source and detail types of spaces.
const (
	SourceSpaces     = "tribune.spaces"
	SpaceInvitedType = "space.invited"
	SpaceLeftType    = "space.left"
	// SpaceRequestApprovedType and SpaceRequestDeclinedType: a request to join was
	// answered (payload SpaceRequestAnswered).
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

// SpaceLeft: a member left a space (or withdrew a request); written with the removal of
// the membership. The feed consumer takes the space's posts out of their home stream.
type SpaceLeft struct {
	Meta
	SpaceID  string `json:"spaceId"`
	MemberID string `json:"memberId"`
}

// SpaceInvited: a space moderator invited a member into a space; the member is told.
type SpaceInvited struct {
	Meta
	SpaceID     string `json:"spaceId"`
	SpaceName   string `json:"spaceName"`
	MemberID    string `json:"memberId"`
	InviterID   string `json:"inviterId"`
	InviterName string `json:"inviterName"`
}

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
	Severity            string    `json:"severity"`
	RequesterID         string    `json:"requesterId"`
	RequesterName       string    `json:"requesterName"`
	FirstResponseDue    time.Time `json:"firstResponseDue"`
	FirstResponseTarget int64     `json:"firstResponseTargetSeconds"`
}

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
	Excerpt     string `json:"excerpt"`
	// FirstResponseSeconds is set on the first public agent reply.
	FirstResponseSeconds float64 `json:"firstResponseSeconds"`
}

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

// TicketStatusChanged: a ticket moved (ChangedBy empty: the auto-close job).
type TicketStatusChanged struct {
	Meta
	TicketID    string `json:"ticketId"`
	Number      int64  `json:"number"`
	SpaceID     string `json:"spaceId"`
	Subject     string `json:"subject"`
	From        string `json:"from"`
	To          string `json:"to"`
	ChangedBy   string `json:"changedBy"`
	RequesterID string `json:"requesterId"`
	AssigneeID  string `json:"assigneeId"`
	Reopened    bool   `json:"reopened"`
	// ResolutionSeconds is set when the ticket is solved.
	ResolutionSeconds float64 `json:"resolutionSeconds"`
}

// TicketSLABreached: a ticket missed its first-response or resolution target.
type TicketSLABreached struct {
	Meta
	TicketID   string    `json:"ticketId"`
	Number     int64     `json:"number"`
	SpaceID    string    `json:"spaceId"`
	Subject    string    `json:"subject"`
	Severity   string    `json:"severity"`
	Target     string    `json:"target"`
	Due        time.Time `json:"due"`
	AssigneeID string    `json:"assigneeId"`
}

// TicketRated: the requester rated a solved ticket.
type TicketRated struct {
	Meta
	TicketID   string `json:"ticketId"`
	Number     int64  `json:"number"`
	SpaceID    string `json:"spaceId"`
	Good       bool   `json:"good"`
	AssigneeID string `json:"assigneeId"`
}
