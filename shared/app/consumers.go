package app

import (
	"time"
	"tribune/shared/bookmarks"
	"tribune/shared/bus"
	"tribune/shared/config"
	"tribune/shared/invitations"
	"tribune/shared/mail"
	"tribune/shared/members"
	"tribune/shared/newsletters"
	"tribune/shared/notifications"
	"tribune/shared/posts"
	"tribune/shared/rewards"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/tickets"
)

// The routing table (bus.Routes: the CDK's EventBridge rules, the local bus) is derived
// from the one list of registrations below, when this package is loaded.
func init() { bus.Register(Subscriptions(config.Config{}, nil, nil, nil)) }

// Subscriptions is the one list of what each consumer function handles: a typed
// handler per event (bus.On reads the source and detail type from the payload type).
// Adding an event to a consumer is one line here. files is the bucket of avatars and
// images: the feed consumer deletes a deleted member's avatar files (nil in a function
// that needs none).
//
// Within a consumer, the order of first registration of each source fixes the order of
// its routes, hence the CDK's rule ids (Route-<consumer>-<i>): append, do not reorder.
func Subscriptions(cfg config.Config, st *store.Store, sender mail.Sender, files members.Files) []bus.Subscription {
	notes := notifications.NewService(st, sender, cfg.PublicURL)
	notes.People = st
	activity := &notifications.Activity{Service: notes, Store: st.Notifications(), Subjects: newNotificationSubjects(st)}
	counts := newKpiService(st)
	feed := &posts.Feed{Store: st.Posts(), Now: time.Now}
	support := &tickets.Service{Store: st.Tickets(), Now: time.Now}
	rooms := &spaces.Service{Store: st.Spaces(), Now: time.Now}
	erasure := members.Erasure{Store: st.Members(), Files: files}
	campaignActs := campaignActivity{campaigns: newCampaigns(Deps{Store: st}), store: st} // campaigns (issue 12, r2)
	catalogue := &rewards.Catalogue{Store: st.Rewards(), Now: time.Now}
	const notify, count, fan = bus.ConsumerNotifications, bus.ConsumerMetrics, bus.ConsumerFeed
	points, awards := newAwards(st), bus.ConsumerAwards
	audienceActs, audience := newAudienceConsumer(st), bus.ConsumerAudience // newsletters (issue 13, n2)
	results := &newsletters.Results{Store: st.Newsletters(), Now: time.Now} // newsletters (issue 13, n4)
	index := searchIndexer{st: st}                                          // search (issue 15)
	kbNotices := knowledgeNotices{st: st, activity: activity}               // knowledge base (issue 16)
	return []bus.Subscription{
		bus.On(notify, notes.OnMemberRegistered),
		bus.On(notify, notes.OnInvitationCreated),
		bus.On(notify, activity.OnCommentCreated),
		bus.On(notify, activity.OnAnswerAccepted),
		bus.On(notify, activity.OnMemberMentioned),
		bus.On(notify, activity.OnIdeaStatusChanged),
		bus.On(notify, activity.OnContentReported),
		bus.On(notify, activity.OnMemberWarned),
		bus.On(notify, activity.OnContentHidden),
		bus.On(notify, activity.OnSpaceInvited),
		bus.On(notify, activity.OnSpaceRequestApproved),
		bus.On(notify, activity.OnSpaceRequestDeclined),
		bus.On(notify, activity.OnTicketOpened),
		bus.On(notify, activity.OnTicketReplied),
		bus.On(notify, activity.OnTicketStatusChanged),
		bus.On(notify, activity.OnTicketAssigned),
		bus.On(notify, activity.OnTicketSLABreached),
		// Rewards: catalogue, redemptions, orders (issue 12, r3).
		bus.On(notify, activity.OnOrderStatusChanged),

		// rewards: points (r1)
		bus.On(notify, activity.OnBadgeAwarded),
		bus.On(notify, activity.OnRankReached),
		bus.On(notify, activity.OnPointsReversed), // issue 12, round 3 (g4): a fraud reversal told

		bus.On(count, counts.OnTicketOpened),
		bus.On(count, counts.OnTicketReplied),
		bus.On(count, counts.OnTicketStatusChanged),
		bus.On(count, counts.OnTicketRated),
		bus.On(count, counts.OnMemberRegistered),
		bus.On(count, counts.OnInvitationAccepted),
		bus.On(count, counts.OnMemberDeleted),
		bus.On(count, counts.OnInvitationCreated),
		bus.On(count, counts.OnPostCreated),
		bus.On(count, counts.OnCommentCreated),
		bus.On(count, counts.OnAnswerAccepted),
		bus.On(count, counts.OnIdeaVoted),
		bus.On(count, counts.OnPollVoted),
		bus.On(count, counts.OnContentReported),
		// Rewards: catalogue, redemptions, orders (issue 12, r3).
		bus.On(count, counts.OnRewardRedeemed),
		bus.On(count, counts.OnOrderStatusChanged),

		// The feed fans posts out to home streams and keeps every copy in step with the
		// post and with who may read it (and what derives from a member's roles).
		bus.On(fan, feed.OnPostCreated),
		bus.On(fan, feed.OnPostModerated),
		bus.On(fan, feed.OnPostUpdated),
		bus.On(fan, feed.OnAnswerAccepted),
		bus.On(fan, feed.OnIdeaStatusChanged),
		bus.On(fan, feed.OnSpaceLeft),
		bus.On(fan, feed.OnSpaceJoined),
		// ... the copies of a deleted member's name.
		bus.On(fan, erasure.OnMemberDeleted),
		// What a member held by a role they lost goes: tickets assigned to someone who
		// is no longer a support agent go back to the queue; memberships a role gave
		// end (issue 9, round 4). Both read the member as they are now, both run.
		bus.On(fan, support.OnMemberRolesChanged),
		bus.On(fan, rooms.OnMemberRolesChanged),

		// Campaigns (issue 12, r2): automatic challenges count posts, comments and
		// accepted answers of the members who joined a live campaign; members hear of
		// their reviewed proofs and trial applications; metrics count reviews and
		// completions.
		bus.On(bus.ConsumerAwards, campaignActs.OnPostCreated),
		bus.On(bus.ConsumerAwards, campaignActs.OnCommentCreated),
		bus.On(bus.ConsumerAwards, campaignActs.OnAnswerAccepted),
		bus.On(bus.ConsumerAwards, campaignActs.OnPointsReversed), // a challenge payment taken back: the campaign's report (round 3)
		bus.On(notify, activity.OnSubmissionReviewed),
		bus.On(notify, activity.OnTrialDecided),
		bus.On(count, counts.OnSubmissionReviewed),
		bus.On(count, counts.OnChallengeCompleted),
		bus.On(count, counts.OnMemberSignedIn), // KPIs (issue 14, k1): sign-ins and active members

		// Rewards: catalogue, redemptions, orders (issue 12, r3): a deleted member's
		// shipping addresses go with the account.
		bus.On(fan, catalogue.OnMemberDeleted),

		// ---- rewards: points, ranks, badges, leaderboard (r1) ----
		// The awards consumer pays the points rules from community events and takes them
		// back when the content goes; after every entry it moves ranks, badges and
		// leaderboard positions (idempotent: claims in the store).
		bus.On(awards, points.OnPostCreated),
		bus.On(awards, points.OnCommentCreated),
		bus.On(awards, points.OnAnswerAccepted),
		bus.On(awards, points.OnIdeaStatusChanged),
		bus.On(awards, points.OnPollVoted),
		bus.On(awards, points.OnReactionAdded),
		bus.On(awards, points.OnContentHidden),
		bus.On(awards, points.OnPostModerated),
		bus.On(awards, points.OnCommentDeleted),
		bus.On(awards, points.OnInvitationAccepted),
		bus.On(awards, points.OnProfilePhotoAdded),
		bus.On(awards, points.OnMemberRolesChanged),
		bus.On(awards, points.OnPointsAwarded),
		bus.On(awards, points.OnChallengeCompleted),
		bus.On(awards, points.OnPointsReversed),
		bus.On(awards, points.OnMemberDeleted),
		bus.On(count, counts.OnPointsAwarded),
		bus.On(count, counts.OnPointsReversed),
		bus.On(count, counts.OnPointsSpent),

		// An address invited by email that registers without the code spends its invitation.
		bus.On(fan, invitations.Registered{Store: &store.Invitations{Store: st}}.OnMemberRegistered),

		// newsletters: audience and consent (issue 13, n2): SES's mail events (on the
		// default bus, where SES puts them), list defaults, members' last activity.
		bus.On(audience, audienceActs.OnSESBounced),
		bus.On(audience, audienceActs.OnSESComplained),
		bus.On(audience, audienceActs.OnSESDelivered),
		bus.On(audience, audienceActs.OnMemberRegistered),
		bus.On(audience, audienceActs.OnPostCreated),
		bus.On(audience, audienceActs.OnCommentCreated),
		bus.On(audience, audienceActs.OnReactionAdded),
		bus.On(audience, audienceActs.OnMemberDeleted),

		// newsletters: results (issue 13, n4): each newsletter's deliveries, bounces,
		// complaints and unsubscribes, once per event.
		bus.On(count, results.OnMailDelivered),
		bus.On(count, results.OnMailBounced),
		bus.On(count, results.OnMailComplained),
		bus.On(count, results.OnConsentChanged),

		// Search (issue 15): every event that changes something searchable re-reads that
		// entity from the table and puts or deletes its document (search_index.go). In
		// AWS these reach the indexer through its queue (catalogue: Buffer).
		bus.On(ConsumerSearch, index.OnPostCreated),
		bus.On(ConsumerSearch, index.OnPostUpdated),
		bus.On(ConsumerSearch, index.OnPostModerated),
		bus.On(ConsumerSearch, index.OnCommentCreated),
		bus.On(ConsumerSearch, index.OnCommentDeleted),
		bus.On(ConsumerSearch, index.OnCommentUpdated),
		bus.On(ConsumerSearch, index.OnAnswerAccepted),
		bus.On(ConsumerSearch, index.OnContentHidden),
		bus.On(ConsumerSearch, index.OnIdeaStatusChanged),
		bus.On(ConsumerSearch, index.OnMemberRegistered),
		bus.On(ConsumerSearch, index.OnMemberDeleted),
		bus.On(ConsumerSearch, index.OnMemberRolesChanged),
		bus.On(ConsumerSearch, index.OnTicketOpened),
		bus.On(ConsumerSearch, index.OnTicketReplied),
		bus.On(ConsumerSearch, index.OnTicketStatusChanged),
		bus.On(ConsumerSearch, index.OnMemberProfileUpdated),
		bus.On(ConsumerSearch, index.OnSpaceCreated),

		// KPIs IX, XIII, XIV (issue 16): documents produced (articles published the first
		// time, documents uploaded), per staff member, and bookmarks of them.
		bus.On(count, counts.OnArticlePublished),
		bus.On(count, counts.OnDocumentUploaded),
		bus.On(count, counts.OnBookmarkAdded),
		// A deleted member's bookmarks and follows go with the account (issue 16).
		bus.On(fan, (&bookmarks.Service{Store: st.Bookmarks()}).OnMemberDeleted),
		bus.On(fan, knowledgeOver(st).OnMemberDeleted),

		// The knowledge base (issue 16): followers of an article and of its category hear
		// of its publication and changes.
		bus.On(notify, kbNotices.OnArticlePublished),
		bus.On(notify, kbNotices.OnArticleUpdated),
		bus.On(ConsumerSearch, index.OnArticlePublished),
		bus.On(ConsumerSearch, index.OnArticleUpdated),
		bus.On(ConsumerSearch, index.OnDocumentUploaded),
		bus.On(ConsumerSearch, index.OnDocumentDeleted),
	}
}

// Handlers maps each consumer to its handler of each event type, from Subscriptions.
func Handlers(cfg config.Config, st *store.Store, sender mail.Sender, files members.Files) map[string]map[string]bus.Handler {
	return bus.HandlersFrom(Subscriptions(cfg, st, sender, files))
}

// Consumer is one consumer function's handler.
func Consumer(name string, cfg config.Config, st *store.Store, sender mail.Sender, files members.Files) bus.ConsumerFunc {
	return bus.Dispatch(name, Handlers(cfg, st, sender, files)[name])
}

// Consumers maps each consumer of the routing table to its handler.
func Consumers(cfg config.Config, st *store.Store, sender mail.Sender, files members.Files) map[string]bus.ConsumerFunc {
	out := map[string]bus.ConsumerFunc{}
	for name, handlers := range Handlers(cfg, st, sender, files) {
		out[name] = bus.Dispatch(name, handlers)
	}
	return out
}
