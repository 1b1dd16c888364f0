package store

import (
	"fmt"
	"hash/fnv"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/invitations"
	"tribune/shared/posts"
	"tribune/shared/ratelimit"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

// The key catalogue: every partition key, sort key and GSI1 key of the table is built
// here, by a function (or, for fixed keys, a constant) named after the item type of
// docs/data-model.md it belongs to. No other file writes a key prefix ("POST#" + id):
// renaming or re-partitioning an item type is one edit here. A section per item type;
// prefixes a query reads by (begins_with) sit with the keys they prefix.

// stamp is the sortable text of a time in sort keys (RFC 3339, nanoseconds, UTC).
func stamp(t time.Time) string { return t.UTC().Format(time.RFC3339Nano) }

// ---- Post: POST#<id> / POST; GSI1 UNANSWERED#<space> or IDEAS#<space> ----

const skPost = "POST"

func postPK(id string) string                           { return "POST#" + id }
func postKey(id string) map[string]types.AttributeValue { return key(postPK(id), skPost) }

// postIDOf is the post id of a POST#<id> partition key ("" for any other).
func postIDOf(pk string) string {
	if len(pk) > len("POST#") && pk[:len("POST#")] == "POST#" {
		return pk[len("POST#"):]
	}
	return ""
}

// unansweredPK lists a space's questions without an accepted answer in GSI1, newest
// first (GSI1SK: streamSK); ideasPK its ideas by votes (GSI1SK: ideaSK).
func unansweredPK(spaceID string) string { return "UNANSWERED#" + spaceID }
func ideasPK(spaceID string) string      { return "IDEAS#" + spaceID }

// ideaSK sorts a space's ideas by votes (zero-padded, so text order is number order).
func ideaSK(votes int, p posts.Post) string {
	return fmt.Sprintf("%010d#%s#%s", votes, stamp(p.CreatedAt), p.ID)
}

// ---- StreamEntry and Pin: SPACEPOSTS#<space>, AUTHOR#<member>, FEED#<member> ----

func spacePostsPK(spaceID string) string { return "SPACEPOSTS#" + spaceID }
func authorPK(memberID string) string    { return "AUTHOR#" + memberID }
func feedPK(memberID string) string      { return "FEED#" + memberID }

// streamSK sorts a stream newest first when read backwards.
func streamSK(s posts.Summary) string { return stamp(s.CreatedAt) + "#" + s.ID }

// pinPrefix sorts pins after every dated entry, so a stream read newest first meets the
// pins before anything else; datedBefore bounds the dated entries (every one sorts before it).
const (
	pinPrefix   = "~PIN#"
	datedBefore = "~"
)

// pinSK sorts pins by the end of their pinning, latest first when read backwards.
func pinSK(s posts.Summary) string {
	return pinPrefix + s.PinnedUntil.UTC().Format(time.RFC3339) + "#" + s.ID
}

// ---- Vote and Reaction: POST#<post> / VOTE#<member>, REACT#<member>#<reaction> ----

const votePrefix = "VOTE#"

func voteSK(memberID string) string               { return votePrefix + memberID }
func reactionSK(memberID, reaction string) string { return "REACT#" + memberID + "#" + reaction }

// postKeys are a post, a member's vote on it and their reactions (pattern 44).
func postKeys(id, memberID string) []map[string]types.AttributeValue {
	keys := []map[string]types.AttributeValue{postKey(id), key(postPK(id), voteSK(memberID))}
	for _, r := range posts.Reactions {
		keys = append(keys, key(postPK(id), reactionSK(memberID, r)))
	}
	return keys
}

// postPageKeys are what the post page reads by key first: postKeys and, for a member,
// their reactions to its comments (CommentReactionSet).
func postPageKeys(id, memberID string) []map[string]types.AttributeValue {
	keys := postKeys(id, memberID)
	if memberID != "" {
		keys = append(keys, key(postPK(id), commentReactionSetSK(memberID)))
	}
	return keys
}

// ---- Comment, CommentPointer, CommentReaction, Revision: in POST#<post> ----

const (
	commentPrefix  = "COMMENT#"
	revisionPrefix = "REV#"
)

func commentSK(c posts.Comment) string { return commentPrefix + stamp(c.CreatedAt) + "#" + c.ID }

// commentPointerSK finds a comment's sort key by its id.
func commentPointerSK(commentID string) string { return "CID#" + commentID }

// commentReactionPrefix is all of a member's reactions to a post's comments (they sort
// together); commentReactionSK one of them.
func commentReactionPrefix(memberID string) string { return "CREACT#" + memberID + "#" }
func commentReactionSK(memberID, commentID, reaction string) string {
	return commentReactionPrefix(memberID) + commentID + "#" + reaction
}

// commentReactionSetSK is the one item that lists a member's reactions to a post's
// comments (CommentReactionSet), so the post page reads them by key, with the post.
func commentReactionSetSK(memberID string) string { return "CREACTSET#" + memberID }

// revisionSK keeps a text as it was before an edit (commentID "" for the post's own).
func revisionSK(r posts.Revision) string {
	return revisionPrefix + stamp(r.EditedAt) + "#" + r.CommentID
}

// ---- acts (GSI1 of Comment, Vote, Reaction, CommentReaction, Report) ----

// actsPK is a member's acts in GSI1; actsSK an act's key there: the item's own sort key
// and partition, so that each kind sorts together (COMMENT#, VOTE#, REACT#, CREACT#, BY#).
func actsPK(memberID string) string { return "ACTS#" + memberID }
func actsSK(pk, sk string) string   { return sk + "@" + pk }

// ---- Report and QueueItem: REPORTS#<target> / BY#<member>, QUEUE; GSI1 MODQUEUE ----

const (
	reportPrefix = "BY#"
	skQueue      = "QUEUE"
	// queueIndexPK lists reported content in GSI1, oldest first.
	queueIndexPK = "MODQUEUE"
)

func reportsPK(targetID string) string  { return "REPORTS#" + targetID }
func reportSK(reporterID string) string { return reportPrefix + reporterID }

// queueSK orders the moderation queue by first report.
func queueSK(first, targetID string) string { return first + "#" + targetID }

func queueKey(targetID string) map[string]types.AttributeValue {
	return key(reportsPK(targetID), skQueue)
}

// ---- AuditEntry: AUDIT / <at>#<random> ----

// pkAudit is the moderation log's partition: moderator actions are few (a handful a
// minute at most), far below a partition's write limit.
const pkAudit = "AUDIT"

func auditSK(at time.Time, random string) string { return stamp(at) + "#" + random }

// ---- Notification, InboxSeen, NoticeOnce: INBOX#<member> ----

const (
	// skInboxSeen sorts before every notification (digits), so it never shows in a page
	// read newest first until the very end; pages skip it by type.
	skInboxSeen = "#SEEN"
	// skNoticeOnce is the prefix of a member's claims on what they were told once
	// (Notification.Once). "!" sorts before skInboxSeen, so no page of the inbox (SK >
	// "#SEEN") ever reads one; they go with the inbox when the account is erased.
	skNoticeOnce = "!ONCE#"
)

func inboxPK(memberID string) string { return "INBOX#" + memberID }

// notificationSK sorts an inbox newest first when read backwards.
func notificationSK(at time.Time, id string) string { return stamp(at) + "#" + id }

func noticeOnceSK(what string) string { return skNoticeOnce + what }

// ---- Image and LegacyImage: IMAGE#<space>#<member>#<file> / IMAGE; GSI1 UNUSEDIMAGES ----

const (
	skImage        = "IMAGE"
	skLegacyImage  = "LEGACY"
	unusedImagesPK = "UNUSEDIMAGES"
)

func legacyImagePK(memberID, file string) string { return "IMAGE#" + memberID + "#" + file }

func imagePK(id posts.ImageID) string {
	if id.SpaceID == "" {
		return legacyImagePK(id.MemberID, id.File)
	}
	return "IMAGE#" + id.SpaceID + "#" + id.MemberID + "#" + id.File
}

func imageKey(id posts.ImageID) map[string]types.AttributeValue { return key(imagePK(id), skImage) }

// unusedImageSK orders the sweeper's index by UnusedUntil (12 digits).
func unusedImageSK(unusedUntil int64, pk string) string {
	return fmt.Sprintf("%012d#%s", unusedUntil, pk)
}

// ---- Image ShownIn refs: the texts that show an image, by the keys to read them ----

// What a record's ShownIn holds for each kind of text: P#<post>, C#<post>#<comment's
// sort key>, T#<ticket>, R#<ticket>#<reply's sort key>.
const (
	shownPost    = "P"
	shownComment = "C"
	shownTicket  = "T"
	shownReply   = "R"
)

func shownInPost(postID string) string { return shownPost + "#" + postID }
func shownInComment(c posts.Comment) string {
	return shownInChild(shownComment, c.PostID, commentSK(c))
}
func shownInTicket(ticketID string) string { return shownTicket + "#" + ticketID }
func shownInReply(r tickets.Reply) string  { return shownInChild(shownReply, r.TicketID, replySK(r)) }

// shownInChild is the ref of a comment or reply by its parent's id and its own sort key.
func shownInChild(kind, parentID, sk string) string { return kind + "#" + parentID + "#" + sk }

// ---- RepeatClaim: REPEAT#<scope> / <name from package idempotency> ----

func repeatPK(scope string) string { return "REPEAT#" + scope }

// ---- Migration: MIGRATION#<name> / DONE ----

const skMigration = "DONE"

func migrationPK(name string) string { return "MIGRATION#" + name }

// ---- SpaceMembership, as content reads it (the feed's checks) ----

// activeMemberSK is an active member's membership in SPACE#<space> (spaceMemberSK of an
// active membership); activeMemberPrefix lists them.
const activeMemberPrefix = "MEMBER#"

func activeMemberSK(memberID string) string { return activeMemberPrefix + memberID }

// ---- Outbox: OUTBOX#<eventId> / EVENT ----

const skOutbox = "EVENT"

func outboxPK(eventID string) string { return "OUTBOX#" + eventID }

// ---- HandledEvent: HANDLED#<consumer>#<eventId> / HANDLED ----

const skHandled = "HANDLED"

func handledPK(consumer, eventID string) string { return "HANDLED#" + consumer + "#" + eventID }

// ---- Counter: COUNTER#<name> / DAY#<yyyy-mm-dd>#<shard> (before shards: DAY#<yyyy-mm-dd>) ----

// counterShards is how many items hold one daily counter. Every post, comment or vote
// of a day adds to its counters: on one item, concurrent events would queue on it
// (DynamoDB's write rate per item, and transactions that conflict), so each event
// adds to one of several items, chosen by its id, and reading sums them. A set of
// members (active contributors) is spread by member, so a member always lands in the
// same item and counts once.
const counterShards = 8

func counterPK(name string) string { return "COUNTER#" + name }

// counterSK is a day's counter as written before shards, and the prefix of its shards.
func counterSK(day string) string { return "DAY#" + day }

// counterShardSK is the sort key of one shard of a daily counter. Counters written
// before shards (DAY#<day>) are read with them: both begin with counterSK(day).
func counterShardSK(day, by string) string {
	h := fnv.New32a()
	h.Write([]byte(by))
	return counterSK(day) + "#" + strconv.Itoa(int(h.Sum32()%counterShards))
}

// ---- MetricValue: VALUES#<metric>#<day> / <key> (one day's measured values, one item per key) ----

func valuesPK(name, day string) string { return "VALUES#" + name + "#" + day }

// ---- LatestValue: LATEST#<metric> / <key> (the day and time of a key's latest value, metrics_latest.go) ----

func latestPK(name string) string { return "LATEST#" + name }

// ---- people, spaces and support (s2) ----

// Member: MEMBER#<id> / PROFILE; GSI1 MEMBERS#<bucket> / <name key>#<id> (the
// directory, profiles.go). StaffFields: MEMBER#<id> / STAFF. NameWord: MEMBER#<id> /
// WORD#<i>; GSI1 WORDS#<bucket> / <name key from that word>#<id>.

const (
	skProfile = "PROFILE"
	skStaff   = "STAFF"
)

func memberPK(id string) string                           { return "MEMBER#" + id }
func memberKey(id string) map[string]types.AttributeValue { return key(memberPK(id), skProfile) }
func membersPK(bucket string) string                      { return "MEMBERS#" + bucket }
func wordsPK(bucket string) string                        { return "WORDS#" + bucket }
func wordSK(i int) string                                 { return fmt.Sprintf("WORD#%d", i) }

// directorySortKey sorts a member (their name key) or a word of their name in GSI1.
func directorySortKey(nameKey, memberID string) string { return nameKey + "#" + memberID }

// ---- MemberTag: TAG#<tag> / MEMBER#<id> ----

func tagPK(tag string) string { return "TAG#" + tag }

// ---- MemberEmail: EMAIL#<normalized address> / EMAIL ----

const (
	skEmail     = "EMAIL"
	emailPrefix = "EMAIL#"
)

func emailPK(email string) string { return emailPrefix + email }

// emailOf is the address of an EMAIL#<address> partition key.
func emailOf(pk string) string { return strings.TrimPrefix(pk, emailPrefix) }

// ---- SignInToken: SIGNIN#<hash> / TOKEN ----

const skToken = "TOKEN"

func signInPK(hash string) string { return "SIGNIN#" + hash }

// ---- Session: SESSION#<hash> / SESSION; GSI1 SESSIONS#<member> / <created>#<hash> ----

const (
	skSession     = "SESSION"
	sessionPrefix = "SESSION#"
)

func sessionPK(hash string) string            { return sessionPrefix + hash }
func sessionHashOf(pk string) string          { return strings.TrimPrefix(pk, sessionPrefix) }
func memberSessionsPK(memberID string) string { return "SESSIONS#" + memberID }
func memberSessionSK(sess auth.Session) string {
	return sess.CreatedAt.UTC().Format(time.RFC3339) + "#" + sess.Hash[:16]
}

// ---- RateWindow: RATE#<rule>#<hash of the key> / W#<window start> ----

func ratePK(h ratelimit.Hit) string       { return "RATE#" + h.Rule.Name + "#" + h.KeyHash() }
func rateWindowSK(start time.Time) string { return "W#" + strconv.FormatInt(start.Unix(), 10) }

// ---- RoleHolder: ROLE#<staff role> / MEMBER#<id> (support agents are told of new tickets) ----

const roleHolderPrefix = "MEMBER#"

func rolePK(role string) string           { return "ROLE#" + role }
func roleHolderSK(memberID string) string { return roleHolderPrefix + memberID }

// ---- Identity: IDENTITY#<provider>#<subject> / IDENTITY; GSI1 IDENTITIES#<member> ----

const skIdentity = "IDENTITY"

func identityPK(provider, subject string) string       { return "IDENTITY#" + provider + "#" + subject }
func memberIdentitiesPK(memberID string) string        { return "IDENTITIES#" + memberID }
func memberIdentitySK(provider, subject string) string { return provider + "#" + subject }

// ---- AuthFlow: AUTHFLOW#<state> / FLOW ----

const skAuthFlow = "FLOW"

func authFlowPK(state string) string { return "AUTHFLOW#" + state }

// ---- CommunitySettings, SpaceSettings, SupportSettings, CommunityRules: COMMUNITY / SETTINGS, SPACES, SUPPORT, RULES ----

const (
	pkSettings      = "COMMUNITY"
	skSettings      = "SETTINGS"
	skSpaceSettings = "SPACES"
	skSupport       = "SUPPORT"
	skRules         = "RULES"
)

// ---- Invitation: INVITE#<id> / INVITE; GSI1 INVITES#<yyyy-mm> / <created>#<id> ----

const (
	skInvitation     = "INVITE"
	invitationPrefix = "INVITE#"
)

func invitationPK(id string) string      { return invitationPrefix + id }
func invitationMonth(t time.Time) string { return "INVITES#" + t.UTC().Format("2006-01") }
func invitationMonthSK(inv invitations.Invitation) string {
	return stamp(inv.CreatedAt) + "#" + inv.ID
}

// invitationIDOf is the invitation id of an INVITE#<id> partition key ("" for any other).
func invitationIDOf(pk string) string { return idAfter(pk, invitationPrefix) }

// ---- InviteeClaim: INVITEE#<address> / PENDING (the address's one pending invitation) ----

const skPendingInvitation = "PENDING"

func inviteePK(email string) string { return "INVITEE#" + email }

// ---- Credit: CREDITS#<member> / the partition key of an item that copies their name ----

func creditsPK(memberID string) string { return "CREDITS#" + memberID }

// ---- Space: SPACE#<id> / META; GSI1 SPACES or CUSTOMERSPACES / <lower-case name>#<id> ----

const skSpace = "META"

// spaceDirectoryPK lists listed spaces in GSI1 by name. One partition: a community has
// hundreds of spaces, not millions, and the directory is read a page at a time.
// customerSpacesPK lists the customer spaces (never in the directory) by name, for the
// support agents who run them without belonging to any.
const (
	spaceDirectoryPK = "SPACES"
	customerSpacesPK = "CUSTOMERSPACES"
)

func spacePK(id string) string           { return "SPACE#" + id }
func directorySK(sp spaces.Space) string { return strings.ToLower(sp.Name) + "#" + sp.ID }

// ---- SpaceMembership: SPACE#<id> / MEMBER#, REQUEST# or INVITED#<member>; GSI1
// MYSPACES#<member> / <lower-case space name>#<space>. SpaceRequestDeclined: SPACE#<id> /
// DECLINED#<member>. (activeMemberSK and activeMemberPrefix: above, with content's reads.) ----

const (
	requestPrefix = "REQUEST#"
	invitedPrefix = "INVITED#"
)

func requestSK(memberID string) string  { return requestPrefix + memberID }
func invitedSK(memberID string) string  { return invitedPrefix + memberID }
func declinedSK(memberID string) string { return "DECLINED#" + memberID }

// spaceMemberSK keeps requests and invitations apart from members, so listing either
// reads only them.
func spaceMemberSK(m spaces.Membership) string {
	switch m.Status {
	case spaces.StatusPending:
		return requestSK(m.MemberID)
	case spaces.StatusInvited:
		return invitedSK(m.MemberID)
	}
	return activeMemberSK(m.MemberID)
}

func mySpacesPK(memberID string) string     { return "MYSPACES#" + memberID }
func mySpacesSK(m spaces.Membership) string { return strings.ToLower(m.SpaceName) + "#" + m.SpaceID }

// ---- Ticket: TICKET#<id> / TICKET. TicketReply: TICKET#<id> / REPLY#<at>#<reply> ----

const (
	skTicket     = "TICKET"
	ticketPrefix = "TICKET#"
	replyPrefix  = "REPLY#"
)

func ticketPK(id string) string { return ticketPrefix + id }

// ticketIDOf is the ticket id of a TICKET#<id> partition key ("" for any other).
func ticketIDOf(pk string) string { return idAfter(pk, ticketPrefix) }

func replySK(r tickets.Reply) string { return replyPrefix + stamp(r.CreatedAt) + "#" + r.ID }

// ---- TicketQueueEntry: TICKETQ / <created>#<id>. TicketListEntry: SPACETICKETS#<space> /
// <created>#<id>. TicketDue: TICKETDUE or TICKETAUTOCLOSE / <time>#<id> ----

const (
	// pkTicketQueue holds every unclosed ticket oldest first, the agents' queue. One
	// partition: unclosed tickets number in the thousands, not millions.
	pkTicketQueue = "TICKETQ"
	// pkTicketDue and pkTicketAutoClose are the sweeper's indexes, by time.
	pkTicketDue       = "TICKETDUE"
	pkTicketAutoClose = "TICKETAUTOCLOSE"
)

func spaceTicketsPK(spaceID string) string { return "SPACETICKETS#" + spaceID }
func ticketSK(t tickets.Ticket) string     { return stamp(t.CreatedAt) + "#" + t.ID }

// timeSK sorts a sweeper's entries by time (seconds: the sweeper reads up to "now#~").
func timeSK(at time.Time, id string) string { return at.UTC().Format(time.RFC3339) + "#" + id }

// dueBy bounds the entries of a sweeper's index whose time is not after now.
func dueBy(now time.Time) string { return now.UTC().Format(time.RFC3339) + "#~" }

// ---- Sequence: COUNTER#tickets / SEQ ----

const (
	ticketSeqPK = "COUNTER#tickets"
	skTicketSeq = "SEQ"
)

func ticketSeqKey() map[string]types.AttributeValue { return key(ticketSeqPK, skTicketSeq) }

// idAfter is what follows prefix in pk ("" unless pk starts with prefix and more).
func idAfter(pk, prefix string) string {
	if len(pk) > len(prefix) && strings.HasPrefix(pk, prefix) {
		return pk[len(prefix):]
	}
	return ""
}

// ---- rewards: points, ranks, badges, leaderboard (r1) ----

// RewardsAccount: MEMBER#<m> / REWARDS (balance, lifetime score, leaderboard opt-out).
// LedgerEntry: MEMBER#<m> / LEDGER#<at>#<entry> (the history, newest first read
// backwards). PointsClaim: MEMBER#<m> / PAID#<rule>#<object type>#<object> (an entry
// written at most once per rule, object and member). BoardScore: MEMBER#<m> /
// BOARD#<scope>#<period>; GSI1 BOARD#<scope>#<period> / <score, 12 digits>#<m> while
// the member shows on that board (sparse: staff and members who opted out carry no GSI1
// keys), so the top of a board is one GSI1 query of fixed size.

const (
	skRewardsAccount = "REWARDS"
	ledgerPrefix     = "LEDGER#"
	boardPrefix      = "BOARD#"
)

func rewardsAccountKey(memberID string) map[string]types.AttributeValue {
	return key(memberPK(memberID), skRewardsAccount)
}

func ledgerSK(at time.Time, entryID string) string { return ledgerPrefix + stamp(at) + "#" + entryID }

func pointsClaimSK(rule, objectType, objectID string) string {
	return "PAID#" + rule + "#" + objectType + "#" + objectID
}

// boardScope is "ALL" for the community's boards, "SPACE#<id>" for a space's.
func boardScope(spaceID string) string {
	if spaceID == "" {
		return "ALL"
	}
	return "SPACE#" + spaceID
}

func boardSK(spaceID, period string) string { return boardPrefix + boardScope(spaceID) + "#" + period }
func boardPK(spaceID, period string) string { return boardPrefix + boardScope(spaceID) + "#" + period }

// RewardSettings: COMMUNITY / REWARDS (the rules, ranks and whether staff earn).
// DailyCap: MEMBER#<m> / CAP#<rule>#<yyyy-mm-dd> (points of a rule that day; TTL).
// Stat: MEMBER#<m> / STAT#<stat> (a count badges read); StatClaim: MEMBER#<m> /
// COUNTED#<stat>#<object> (each object counted once). BadgeAward: MEMBER#<m> /
// BADGE#<badge>. RankClaim: MEMBER#<m> / RANK#<rank> (rank.reached told once).

const (
	skRewardSettings = "REWARDS"
	badgePrefix      = "BADGE#"
)

func dailyCapSK(rule, day string) string       { return "CAP#" + rule + "#" + day }
func statSK(stat string) string                { return "STAT#" + stat }
func statClaimSK(stat, objectID string) string { return "COUNTED#" + stat + "#" + objectID }
func badgeSK(badge string) string              { return badgePrefix + badge }
func rankClaimSK(rank string) string           { return "RANK#" + rank }

// boardRankSK sorts a board's members by score (zero-padded: text order is number order).
func boardRankSK(score int64, memberID string) string {
	return fmt.Sprintf("%012d#%s", max(score, 0), memberID)
}

// ---- rewards: campaigns, challenges, submissions, trials (r2) ----

// Campaign: CAMPAIGN#<c> / CAMPAIGN; GSI1 CAMPAIGNS / <start>#<c> (every campaign, for
// its marketers: one partition, a community runs tens of campaigns a year, read a page
// at a time). OpenCampaign: OPENCAMPAIGNS / <c> while a campaign is published and not
// ended as stored (what may be live: the members' list, the automatic challenges).
// A member's place in a campaign, in the campaign's partition, so one query reads it:
// CAMPAIGN#<c> / M#<m>#SAW, #JOINED, #DONE#<challenge> (completions), #PROG#<challenge>
// (objects an automatic challenge counted), #PENDING#<challenge> (the one open proof
// of a challenge), #SUB#<submission> (the member's copy of a proof), #TRIAL (the trial
// application; GSI1 TRIALQ#<c> / <applied>#<m> while undecided).
// Submission: SUBMISSION#<s> / SUBMISSION; GSI1 REVIEWQ#<c> / <created>#<s> while
// pending. ProofClaim: PROOF#<hash of the canonical address> / PROOF.

const (
	skCampaign       = "CAMPAIGN"
	campaignsPK      = "CAMPAIGNS"
	openCampaignsPK  = "OPENCAMPAIGNS"
	skSubmission     = "SUBMISSION"
	skProof          = "PROOF"
	campaignMemberIn = "M#"
)

func campaignPK(id string) string                           { return "CAMPAIGN#" + id }
func campaignKey(id string) map[string]types.AttributeValue { return key(campaignPK(id), skCampaign) }
func campaignsSK(startsAt time.Time, id string) string      { return stamp(startsAt) + "#" + id }

// campaignMemberPrefix prefixes every item of a member in a campaign's partition.
func campaignMemberPrefix(memberID string) string { return campaignMemberIn + memberID + "#" }
func campaignSawSK(memberID string) string        { return campaignMemberPrefix(memberID) + "SAW" }
func campaignJoinedSK(memberID string) string     { return campaignMemberPrefix(memberID) + "JOINED" }
func campaignDoneSK(memberID, challengeID string) string {
	return campaignMemberPrefix(memberID) + "DONE#" + challengeID
}
func campaignProgressSK(memberID, challengeID string) string {
	return campaignMemberPrefix(memberID) + "PROG#" + challengeID
}
func campaignPendingSK(memberID, challengeID string) string {
	return campaignMemberPrefix(memberID) + "PENDING#" + challengeID
}
func campaignSubSK(memberID, submissionID string) string {
	return campaignMemberPrefix(memberID) + "SUB#" + submissionID
}
func campaignTrialSK(memberID string) string { return campaignMemberPrefix(memberID) + "TRIAL" }
func campaignSubmitterSK(memberID string) string {
	return campaignMemberPrefix(memberID) + "SUBMITTER"
}
func campaignApprovedSK(memberID string) string { return campaignMemberPrefix(memberID) + "APPROVED" }

// campaignTakenBackSK marks a challenge payment taken back (its ledger object).
func campaignTakenBackSK(objectID string) string { return "TAKEN#" + objectID }

func trialQueuePK(campaignID string) string             { return "TRIALQ#" + campaignID }
func trialQueueSK(at time.Time, memberID string) string { return stamp(at) + "#" + memberID }

func submissionPK(id string) string                             { return "SUBMISSION#" + id }
func reviewQueuePK(campaignID string) string                    { return "REVIEWQ#" + campaignID }
func reviewQueueSK(at time.Time, id string) string              { return stamp(at) + "#" + id }
func proofClaimKey(hash string) map[string]types.AttributeValue { return key("PROOF#"+hash, skProof) }

// LocalSchedule (the local scheduler under make run; in AWS, EventBridge Scheduler):
// SCHEDULES / <name>. One partition: schedules wait by tens, not millions.

const localSchedulesPK = "SCHEDULES"

// ---- rewards: catalogue, redemptions, orders (r3) ----

// Gift: GIFT#<id> / GIFT; GSI1 GIFTS / <created>#<id> (the catalogue, newest first: one
// small partition, gifts number in the tens and change a few times a day). GiftVariant:
// GIFT#<id> / VARIANT#<variant> (its stock: a redemption takes from it, ADD).
const (
	skGift        = "GIFT"
	variantPrefix = "VARIANT#"
	pkGifts       = "GIFTS"
)

func giftPK(id string) string                           { return "GIFT#" + id }
func giftKey(id string) map[string]types.AttributeValue { return key(giftPK(id), skGift) }
func variantSK(variantID string) string                 { return variantPrefix + variantID }
func variantKey(giftID, variantID string) map[string]types.AttributeValue {
	return key(giftPK(giftID), variantSK(variantID))
}
func giftsSK(createdAt time.Time, id string) string { return stamp(createdAt) + "#" + id }

// GiftCount: MEMBER#<member> / REDEEMED#<gift> (how many of a gift a member holds, in
// orders not cancelled: the per-member limit's counter, ADD).
func giftCountKey(memberID, giftID string) map[string]types.AttributeValue {
	return key(memberPK(memberID), "REDEEMED#"+giftID)
}

// Order: ORDER#<id> / ORDER; GSI1 MEMBERORDERS#<member> / <created>#<id> (a member's
// orders). OrderAddress: ORDER#<id> / ADDRESS (TTL once the order is finished).
// OrderQueueEntry: ORDERS#<status> / <created>#<id> (the staff's lists by status; a
// small partition per status, an order moves between them in its transaction).
const (
	skOrder   = "ORDER"
	skAddress = "ADDRESS"
)

func orderPK(id string) string                                  { return "ORDER#" + id }
func orderKey(id string) map[string]types.AttributeValue        { return key(orderPK(id), skOrder) }
func orderAddressKey(id string) map[string]types.AttributeValue { return key(orderPK(id), skAddress) }
func memberOrdersPK(memberID string) string                     { return "MEMBERORDERS#" + memberID }
func ordersPK(status string) string                             { return "ORDERS#" + status }
func orderSK(createdAt time.Time, id string) string             { return stamp(createdAt) + "#" + id }

// CatalogueSettings: COMMUNITY / REWARDSCATALOGUE.
const skCatalogueSettings = "REWARDSCATALOGUE"

// ---- newsletters: writing (issue 13) ----

// Newsletter: NEWSLETTER#<n> / NEWSLETTER; GSI1 NEWSLETTERS / <created>#<n> (every
// newsletter, newest first, for its staff and, filtered to the sent ones marked for it,
// the members' archive: one partition, a community sends tens of newsletters a year, a
// weekly digest 52, read a page at a time). The writing part writes the item and its
// writing fields; sending and results update their own attributes on it (never a Put
// over it once written). NewsletterBranding: COMMUNITY / NEWSLETTERBRANDING.
// NewsletterDigest: COMMUNITY / NEWSLETTERDIGEST#<weekly|monthly>.
const (
	skNewsletter         = "NEWSLETTER"
	newslettersPK        = "NEWSLETTERS"
	skNewsletterBranding = "NEWSLETTERBRANDING"
	newsletterDigestIn   = "NEWSLETTERDIGEST#"
)

func newsletterPK(id string) string { return "NEWSLETTER#" + id }
func newsletterKey(id string) map[string]types.AttributeValue {
	return key(newsletterPK(id), skNewsletter)
}
func newslettersSK(createdAt time.Time, id string) string { return stamp(createdAt) + "#" + id }
func newsletterDigestSK(id string) string                 { return newsletterDigestIn + id }

// ---- newsletters: audience and consent (issue 13) ----

// Consent: MEMBER#<m> / NLCONSENT#<list> (a member's choice about a list, with time and
// source); GSI1 SUBSCRIBERS#<list>#<shard> / <m> while subscribed (sparse: the list's
// subscribers, spread over subscriberShards partitions by member, so a large list is
// no hot partition and is read a page at a time). Activity: MEMBER#<m> / NLACTIVE (the
// day a member last acted, for "active in the last N days"). ListSettings: COMMUNITY /
// NEWSLETTERLISTS. Suppression: SUPPRESSED#<address> / SUPPRESSION; GSI1 SUPPRESSIONS /
// <at>#<address> (the suppression list, newest first: one partition, bounces and
// complaints come by tens a day). UnsubscribeSpent: UNSUBSCRIBE#<nonce> / SPENT (TTL:
// the token's validity).

const (
	consentPrefix     = "NLCONSENT#"
	skAudienceActive  = "NLACTIVE"
	skListSettings    = "NEWSLETTERLISTS"
	skSuppression     = "SUPPRESSION"
	suppressionsPK    = "SUPPRESSIONS"
	skUnsubscribeUsed = "SPENT"
	subscriberShards  = 8
)

func consentKey(memberID, list string) map[string]types.AttributeValue {
	return key(memberPK(memberID), consentPrefix+list)
}
func audienceActiveKey(memberID string) map[string]types.AttributeValue {
	return key(memberPK(memberID), skAudienceActive)
}
func subscribersPK(list string, shard int) string {
	return "SUBSCRIBERS#" + list + "#" + strconv.Itoa(shard)
}

// subscriberShard is the shard of a list's subscribers a member sits in.
func subscriberShard(memberID string) int {
	h := fnv.New32a()
	h.Write([]byte(memberID))
	return int(h.Sum32() % subscriberShards)
}
func suppressionKey(email string) map[string]types.AttributeValue {
	return key("SUPPRESSED#"+email, skSuppression)
}
func suppressionsSK(at time.Time, email string) string { return stamp(at) + "#" + email }
func unsubscribeUsedKey(nonce string) map[string]types.AttributeValue {
	return key("UNSUBSCRIBE#"+nonce, skUnsubscribeUsed)
}
func spaceMemberKey(spaceID, memberID string) map[string]types.AttributeValue {
	return key(spacePK(spaceID), activeMemberSK(memberID))
}

// ---- newsletters: scheduling, sending and results (issue 13) ----

// NewsletterSending: NLSEND#<id> / SENDING (the schedule and the frozen audience's
// size). NewsletterDelivery: NLSEND#<id> / D#<member> (one delivery record per
// recipient: a partition per newsletter, written at the configured rate).
// NewsletterCount: NLSEND#<id> / COUNT#<shard> (the counters, ADD, sharded over
// sendCountShards items so concurrent senders' transactions seldom meet).
// NewsletterSendSettings: COMMUNITY / NEWSLETTERSENDING.
const (
	skNewsletterSending    = "SENDING"
	deliveryPrefix         = "D#"
	sendCountPrefix        = "COUNT#"
	skNewsletterSendConfig = "NEWSLETTERSENDING"
	sendCountShards        = 8
)

func sendPK(id string) string { return "NLSEND#" + id }
func sendingKey(id string) map[string]types.AttributeValue {
	return key(sendPK(id), skNewsletterSending)
}
func deliveryKey(id, member string) map[string]types.AttributeValue {
	return key(sendPK(id), deliveryPrefix+member)
}

// sendCountKey is the counter shard of a recipient (a hash of their id).
func sendCountKey(id, member string) map[string]types.AttributeValue {
	h := fnv.New32a()
	_, _ = h.Write([]byte(member))
	return key(sendPK(id), sendCountPrefix+strconv.Itoa(int(h.Sum32()%sendCountShards)))
}

// LocalQueueMessage (the local durable queue under make run; in AWS, SQS):
// LOCALQUEUE#<queue> / <id>. One partition per queue: local messages wait by hundreds.
func localQueuePK(queue string) string { return "LOCALQUEUE#" + queue }

// ---- newsletters: results and the calendar (issue 13, n4) ----

// NewsletterResults: NEWSLETTER#<id> / RESULTS (the aggregate counters, ADD only).
// NewsletterLink: NEWSLETTER#<id> / LINK#<hash of the URL> (one link's clicks, ADD). The
// newsletter's partition holds both: the report is one GetItem and one Query.
const (
	skNewsletterResults  = "RESULTS"
	newsletterLinkPrefix = "LINK#"
)

func newsletterResultsKey(id string) map[string]types.AttributeValue {
	return key(newsletterPK(id), skNewsletterResults)
}
func newsletterLinkKey(id, urlHash string) map[string]types.AttributeValue {
	return key(newsletterPK(id), newsletterLinkPrefix+urlHash)
}

// NewsletterTracking: COMMUNITY / NEWSLETTERTRACKING (the open-tracking switch).
const skNewsletterTracking = "NEWSLETTERTRACKING"

// ScheduledAnnouncement: SCHEDULEDPOST#<id> / SCHEDULEDPOST; GSI1 SCHEDULEDPOSTS /
// <publish at>#<id> (the calendar reads a range of dates: one small partition, scheduled
// announcements number in the tens).
const (
	skScheduledPost  = "SCHEDULEDPOST"
	pkScheduledPosts = "SCHEDULEDPOSTS"
)

func scheduledPostPK(id string) string { return "SCHEDULEDPOST#" + id }
func scheduledPostKey(id string) map[string]types.AttributeValue {
	return key(scheduledPostPK(id), skScheduledPost)
}
func scheduledPostsSK(at time.Time, id string) string { return stamp(at) + "#" + id }
