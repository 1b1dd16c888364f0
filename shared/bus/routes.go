// Package bus carries domain events from the outbox to their consumers: the routing
// table (used by the CDK rules and the local in-process bus alike), the stream
// publisher, the EventBridge and local putters, and the consumer dispatch.
package bus

import (
	"slices"

	"tribune/shared/eventtypes"
)

// Consumer names; each is a function with its own rule and dead-letter queue.
const (
	ConsumerNotifications = "notifications"
	ConsumerMetrics       = "metrics"
	ConsumerFeed          = "feed"
)

// Route sends events of one source and some detail types to one consumer.
type Route struct {
	Consumer    string
	Source      string
	DetailTypes []string
}

// Routes is the one routing table.
var Routes = []Route{
	{ConsumerNotifications, eventtypes.SourceMembers, []string{eventtypes.MemberRegisteredType}},
	{ConsumerNotifications, eventtypes.SourceInvitations, []string{eventtypes.InvitationCreatedType}},
	{ConsumerNotifications, eventtypes.SourcePosts, []string{eventtypes.CommentCreatedType, eventtypes.AnswerAcceptedType,
		eventtypes.MemberMentionedType, eventtypes.IdeaStatusChangedType, eventtypes.ContentReportedType, eventtypes.MemberWarnedType,
		eventtypes.ContentHiddenType}},
	{ConsumerNotifications, eventtypes.SourceSpaces, []string{eventtypes.SpaceInvitedType, eventtypes.SpaceRequestApprovedType,
		eventtypes.SpaceRequestDeclinedType}},
	{ConsumerNotifications, eventtypes.SourceTickets, []string{eventtypes.TicketOpenedType, eventtypes.TicketRepliedType,
		eventtypes.TicketStatusChangedType, eventtypes.TicketAssignedType, eventtypes.TicketSLABreachedType}},
	{ConsumerMetrics, eventtypes.SourceTickets, []string{eventtypes.TicketOpenedType, eventtypes.TicketRepliedType,
		eventtypes.TicketStatusChangedType, eventtypes.TicketRatedType}},
	{ConsumerMetrics, eventtypes.SourceMembers, []string{eventtypes.MemberRegisteredType, eventtypes.InvitationAcceptedType, eventtypes.MemberDeletedType}},
	{ConsumerMetrics, eventtypes.SourceInvitations, []string{eventtypes.InvitationCreatedType}},
	{ConsumerMetrics, eventtypes.SourcePosts, []string{eventtypes.PostCreatedType, eventtypes.CommentCreatedType, eventtypes.AnswerAcceptedType,
		eventtypes.IdeaVotedType, eventtypes.PollVotedType, eventtypes.ContentReportedType}},
	// The feed keeps every copy of a post in home streams in step with the post and with
	// who may read it.
	{ConsumerFeed, eventtypes.SourcePosts, []string{eventtypes.PostCreatedType, eventtypes.PostModeratedType, eventtypes.PostUpdatedType,
		eventtypes.AnswerAcceptedType, eventtypes.IdeaStatusChangedType}},
	{ConsumerFeed, eventtypes.SourceSpaces, []string{eventtypes.SpaceLeftType, eventtypes.SpaceJoinedType}},
	// ... the copies of a deleted member's name, and the tickets of someone who is no
	// longer a support agent.
	{ConsumerFeed, eventtypes.SourceMembers, []string{eventtypes.MemberDeletedType, eventtypes.MemberRolesChangedType}},
}

// Matches reports whether an event of this source and detail type takes this route.
func (r Route) Matches(source, detailType string) bool {
	return r.Source == source && slices.Contains(r.DetailTypes, detailType)
}

// RoutesOf returns the routes of one consumer.
func RoutesOf(consumer string) []Route {
	var out []Route
	for _, r := range Routes {
		if r.Consumer == consumer {
			out = append(out, r)
		}
	}
	return out
}
