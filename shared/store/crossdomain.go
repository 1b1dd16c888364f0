package store

// Reads that cross domains: one domain's store interface reading another domain's
// items (a member's name for a ticket, staff for a notification, who is in a space for
// the feed). They live here, and only here, so that what each domain's items owe to
// the others shows in one place. Each reads the items of the domain that owns them
// through that domain's item types and keys. One write is here too, for the same
// reason: the credits every domain's writes put into the members they name.

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/members"
	"tribune/shared/notifications"
	"tribune/shared/policy"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/text"
	"tribune/shared/tickets"
)

// ---- members, read by tickets, invitations, posts and notifications ----

// memberPrefetched is a member as the request's session check read it, when the route
// announced it reads the caller's member item (httpx.PrefetchMember), else as it is now.
func (s *Store) memberPrefetched(ctx context.Context, memberID string) (members.Member, error) {
	if items, ok := prefetched(ctx, []map[string]types.AttributeValue{key(memberPK(memberID), skProfile)}); ok {
		if len(items) == 0 {
			return members.Member{}, fmt.Errorf("store.GetMember %s: %w", memberID, errs.ErrNotFound)
		}
		var it memberItem
		if err := attributevalue.UnmarshalMap(items[0], &it); err != nil {
			return members.Member{}, fmt.Errorf("store.GetMember %s: %w", memberID, err)
		}
		return it.member(), nil
	}
	return s.Members().GetMember(ctx, memberID)
}

// MemberName implements tickets.Store: the name and roles of a member (the caller, on
// a reply: read with the session).
func (s *Store) MemberName(ctx context.Context, memberID string) (string, []string, error) {
	m, err := s.memberPrefetched(ctx, memberID)
	if err != nil {
		return "", nil, err
	}
	return m.DisplayName, m.Roles, nil
}

// Requester implements tickets.Store.
func (s *Store) Requester(ctx context.Context, memberID string) (string, time.Time, error) {
	m, err := s.Members().GetMember(ctx, memberID)
	if err != nil {
		return "", time.Time{}, err
	}
	return m.DisplayName, m.CreatedAt, nil
}

// MemberNames implements posts.Names and tickets.Names: the display name of each
// member id as it is now, "" for an id of no member or of a deleted member (texts show
// their mentions "@Deleted member"). One BatchGetItem of the member items per 100
// distinct ids (texts mention at most posts.MaxNamedMentions members each).
func (s *Store) MemberNames(ctx context.Context, ids []string) (map[string]string, error) {
	authors, err := s.Authors(ctx, ids)
	if err != nil {
		return nil, err
	}
	out := make(map[string]string, len(authors))
	for id, a := range authors {
		out[id] = a.Name
	}
	return out, nil
}

// Authors implements posts.Names: each member id's display name and whether they have
// an avatar, as they are now (the zero Author for an id of no member or of a deleted
// member). Same reads as MemberNames: one BatchGetItem of the member items per 100
// distinct ids.
func (s *Store) Authors(ctx context.Context, ids []string) (map[string]posts.Author, error) {
	out := make(map[string]posts.Author, len(ids))
	if len(ids) == 0 {
		return out, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	for _, id := range ids {
		out[id] = posts.Author{}
		keys = append(keys, key(memberPK(id), skProfile))
	}
	found, err := s.batchGet(ctx, "store.MemberNames", keys)
	if err != nil {
		return nil, err
	}
	for _, item := range found {
		var it memberItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.MemberNames: %w", err)
		}
		if _, asked := out[it.ID]; asked && it.Status != members.StatusDeleted {
			out[it.ID] = posts.Author{Name: it.DisplayName, HasAvatar: it.AvatarKey != "", Staff: policy.IsStaff(it.Roles)}
		}
	}
	return out, nil
}

// DisplayName implements invitations.Names.
func (s *Store) DisplayName(ctx context.Context, memberID string) (string, error) {
	m, err := s.Members().GetMember(ctx, memberID)
	if err != nil {
		return "", err
	}
	return m.DisplayName, nil
}

// RoleHolderIDs lists the members holding any of the staff roles, once each.
func (s *Store) RoleHolderIDs(ctx context.Context, roles ...string) ([]string, error) {
	var ids []string
	for _, role := range roles {
		items, err := s.queryAll(ctx, queryPrefix(s.Table, rolePK(role), roleHolderPrefix, attrMemberID))
		if err != nil {
			return nil, fmt.Errorf("store.RoleHolderIDs %s: %w", role, err)
		}
		for _, it := range items {
			if v, ok := it[attrMemberID].(*types.AttributeValueMemberS); ok && !slices.Contains(ids, v.Value) {
				ids = append(ids, v.Value)
			}
		}
	}
	return ids, nil
}

// Writer implements posts.Store: the member and the rules in force, in one BatchGetItem.
func (s *Store) Writer(ctx context.Context, memberID string) (posts.Writer, error) {
	out, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.Table: {Keys: []map[string]types.AttributeValue{key(memberPK(memberID), skProfile), key(pkSettings, skRules)}, ConsistentRead: aws.Bool(true)}}})
	if err != nil {
		return posts.Writer{}, fmt.Errorf("store.Writer %s: %w", memberID, err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return posts.Writer{}, errors.New("store.Writer: throttled, keys left unprocessed")
	}
	var m *memberItem
	version := members.DefaultRules.Version
	for _, item := range out.Responses[s.Table] {
		switch item[AttrType].(*types.AttributeValueMemberS).Value {
		case typeRules:
			var r rulesItem
			if err := attributevalue.UnmarshalMap(item, &r); err != nil {
				return posts.Writer{}, fmt.Errorf("store.Writer: %w", err)
			}
			version = r.Version
		case typeMember:
			m = &memberItem{}
			if err := attributevalue.UnmarshalMap(item, m); err != nil {
				return posts.Writer{}, fmt.Errorf("store.Writer: %w", err)
			}
		}
	}
	if m == nil || m.Status == members.StatusDeleted {
		return posts.Writer{}, fmt.Errorf("store.Writer %s: %w", memberID, errs.ErrNotFound)
	}
	return posts.Writer{Name: m.DisplayName, JoinedAt: m.CreatedAt, RulesAccepted: m.RulesAccepted >= version, Staff: policy.IsStaff(m.Roles)}, nil
}

// ---- members, read by spaces (a member's community roles) ----

// MemberRoles implements spaces.Store.
func (s *Spaces) MemberRoles(ctx context.Context, memberID string) ([]string, error) {
	m, err := s.Members().GetMember(ctx, memberID)
	if err != nil {
		return nil, err
	}
	return m.Roles, nil
}

// ---- members, read by the erasure and the excerpt migration (names for mentions) ----

// mentionNames are the names to show for the members a text mentions, as they are now
// ("" for a deleted member: shown "@Deleted member").
func (s *Store) mentionNames(ctx context.Context, text string) (map[string]string, error) {
	return s.MemberNames(ctx, content.Mentions(text))
}

// ---- invitations and the community settings, read by members (admission) ----

// Admission implements members.Store: the address's owner, the settings and the
// invitation in one BatchGetItem.
func (s *Members) Admission(ctx context.Context, email, invitationID string) (string, members.Settings, *members.InvitationGrant, error) {
	if normal, ok := text.NormalizeEmail(email); ok {
		email = normal // the claim's spelling (see Register)
	}
	keys := []map[string]types.AttributeValue{key(emailPK(email), skEmail), key(pkSettings, skSettings)}
	if invitationID != "" {
		keys = append(keys, key(invitationPK(invitationID), skInvitation))
	}
	out, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.Table: {Keys: keys, ConsistentRead: aws.Bool(true)},
	}})
	if err != nil {
		return "", members.Settings{}, nil, fmt.Errorf("store.Admission: %w", err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return "", members.Settings{}, nil, errors.New("store.Admission: throttled, keys left unprocessed")
	}
	memberID, settings, now := "", members.DefaultSettings, time.Now()
	var grant *members.InvitationGrant
	for _, item := range out.Responses[s.Table] {
		if expired(item, now) {
			continue
		}
		var err error
		switch item[AttrType].(*types.AttributeValueMemberS).Value {
		case typeMemberEmail:
			var it emailItem
			err = attributevalue.UnmarshalMap(item, &it)
			memberID = it.MemberID
		case typeSettings:
			var it settingsItem
			err = attributevalue.UnmarshalMap(item, &it)
			settings = members.Settings{AccessMode: it.AccessMode, HybridRegistration: it.HybridRegistration}
		case typeInvitation:
			var it invitationItem
			err = attributevalue.UnmarshalMap(item, &it)
			grant = it.grant()
		}
		if err != nil {
			return "", members.Settings{}, nil, fmt.Errorf("store.Admission: %w", err)
		}
	}
	return memberID, settings, grant, nil
}

// ---- credits: the writes of posts, comments, tickets and invitations point into the
// CREDITS# partition of the members they name (erasure.go follows them) ----

// creditPuts point each member's credits at a target item's partition (POST#<id>,
// TICKET#<id>, INVITE#<id>). Putting one twice is harmless.
func (s *Store) creditPuts(target string, memberIDs ...string) ([]types.TransactWriteItem, error) {
	var out []types.TransactWriteItem
	var done []string
	for _, id := range memberIDs {
		if id == "" || slices.Contains(done, id) {
			continue
		}
		done = append(done, id)
		put, err := s.put(map[string]any{AttrPK: creditsPK(id), AttrSK: target, AttrType: typeCredit}, "")
		if err != nil {
			return nil, err
		}
		out = append(out, put)
	}
	return out, nil
}

// ---- spaces, read by posts (the feed) ----

// ActiveMemberIDs implements posts.FeedStore.
func (s *Store) ActiveMemberIDs(ctx context.Context, spaceID string) ([]string, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("#MemberID"),
		KeyConditionExpression:   aws.String("#PK = :pk AND begins_with(#SK, :m)"),
		ExpressionAttributeNames: named(attrMemberID, AttrPK, AttrSK),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: spacePK(spaceID)}, ":m": &types.AttributeValueMemberS{Value: activeMemberPrefix}}})
	if err != nil {
		return nil, fmt.Errorf("store.ActiveMemberIDs %s: %w", spaceID, err)
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if v, ok := it[attrMemberID].(*types.AttributeValueMemberS); ok {
			ids = append(ids, v.Value)
		}
	}
	return ids, nil
}

// ---- invitations, read by notifications ----

// Invitation implements notifications.People: an invitation as it is now, its inviter
// named as they are now (an email written later must not revive a deleted member's
// name), usable only while pending and its inviter's account not deleted (the erasure
// revokes it a moment later; the email must not go out meanwhile).
func (s *Store) Invitation(ctx context.Context, invitationID string) (notifications.SentInvitation, error) {
	inv, err := s.Invitations().GetInvitation(ctx, invitationID)
	if err != nil {
		return notifications.SentInvitation{}, err
	}
	out := notifications.SentInvitation{InviterName: auth.DeletedName, CodeHash: inv.CodeHash}
	m, err := s.Members().GetMember(ctx, inv.InviterID)
	switch {
	case errors.Is(err, errs.ErrNotFound) || (err == nil && m.Status == auth.StatusDeleted):
		out.InviterDeleted = true
		return out, nil
	case err != nil:
		return notifications.SentInvitation{}, err
	}
	out.InviterName, out.Usable = m.DisplayName, inv.State(time.Now()) == "pending"
	return out, nil
}

// ---- posts, read by notifications (idea status) ----

// Voters lists the members who voted on a post (for idea status notifications).
func (s *Store) Voters(ctx context.Context, postID string) ([]string, error) {
	items, err := s.queryAll(ctx, queryPrefix(s.Table, postPK(postID), votePrefix, "MemberID"))
	if err != nil {
		return nil, fmt.Errorf("store.Voters %s: %w", postID, err)
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if v, ok := it["MemberID"].(*types.AttributeValueMemberS); ok {
			ids = append(ids, v.Value)
		}
	}
	return ids, nil
}

// ---- spaces, read by the feed and by notifications ----

// ActiveIn implements posts.FeedStore: one consistent GetItem of the membership.
func (s *Posts) ActiveIn(ctx context.Context, spaceID, memberID string) (bool, error) {
	var m spaceMemberItem
	err := s.get(ctx, "store.ActiveIn", spacePK(spaceID), activeMemberSK(memberID), time.Now(), &m)
	if errors.Is(err, errs.ErrNotFound) {
		return false, nil
	}
	return err == nil, err
}

// SpaceModeratorIDs implements notifications.InboxStore: the owner and moderators.
func (s *Notifications) SpaceModeratorIDs(ctx context.Context, spaceID string) ([]string, error) {
	list, err := s.Spaces().memberships(ctx, "store.SpaceModeratorIDs", queryPrefix(s.Table, spacePK(spaceID), activeMemberPrefix))
	if err != nil {
		return nil, err
	}
	var ids []string
	for _, m := range list {
		if m.Role == spaces.RoleOwner || m.Role == spaces.RoleModerator {
			ids = append(ids, m.MemberID)
		}
	}
	return ids, nil
}

// ---- posts and comments, read by the feed (Posts) and by moderation (Moderation):
// both interfaces ask for them ----

// Content implements posts.ModerationStore and posts.FeedStore: one BatchGetItem for the posts and the
// comments' pointers, one for the comments.
func (s *Store) Content(ctx context.Context, postIDs []string, comments []posts.CommentRef) (map[string]posts.Post, map[posts.CommentRef]posts.Comment, error) {
	var keys []map[string]types.AttributeValue
	for _, id := range postIDs {
		keys = append(keys, postKey(id))
	}
	for _, c := range comments {
		keys = append(keys, key(postPK(c.PostID), commentPointerSK(c.CommentID)))
	}
	found, err := s.batchGet(ctx, "store.Content", keys)
	if err != nil {
		return nil, nil, err
	}
	out := map[string]posts.Post{}
	for _, id := range postIDs {
		if item, ok := found[postPK(id)+"|POST"]; ok {
			var it postItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, nil, fmt.Errorf("store.Content: %w", err)
			}
			out[id] = it.post()
		}
	}
	var commentKeys []map[string]types.AttributeValue
	for _, c := range comments {
		if item, ok := found[postPK(c.PostID)+"|CID#"+c.CommentID]; ok {
			if sk, ok := item["CommentSK"].(*types.AttributeValueMemberS); ok {
				commentKeys = append(commentKeys, key(postPK(c.PostID), sk.Value))
			}
		}
	}
	byRef := map[posts.CommentRef]posts.Comment{}
	if len(commentKeys) == 0 {
		return out, byRef, nil
	}
	got, err := s.batchGet(ctx, "store.Content", commentKeys)
	if err != nil {
		return nil, nil, err
	}
	for _, item := range got {
		var it commentItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, nil, fmt.Errorf("store.Content: %w", err)
		}
		byRef[posts.CommentRef{PostID: it.PostID, CommentID: it.ID}] = it.comment()
	}
	return out, byRef, nil
}

// ---- members, posts, comments, tickets and the moderation queue, read by notifications ----

// Recipient implements notifications.InboxStore: an unknown, deleted or banned member
// is not active.
func (s *Store) Recipient(ctx context.Context, memberID string) (notifications.Recipient, error) {
	m, err := s.Members().GetMember(ctx, memberID)
	if errors.Is(err, errs.ErrNotFound) {
		return notifications.Recipient{}, nil
	}
	if err != nil {
		return notifications.Recipient{}, err
	}
	active := m.Status != members.StatusDeleted && m.Status != members.StatusBanned
	return notifications.Recipient{Email: m.Email, Name: m.DisplayName, Locale: m.Locale, Roles: m.Roles, Active: active, Emails: m.ActivityEmails,
		KnowledgeEmails: m.KnowledgeEmails}, nil
}

// Subjects are what a list of notifications names, as it is now (absent ones are left
// out of the maps). Comments are keyed by posts.CommentRef; Reported holds, for each
// reported post or comment still in the moderation queue, when its reports began.
type Subjects struct {
	Posts    map[string]posts.Post
	Tickets  map[string]tickets.Ticket
	Members  map[string]members.Member
	Comments map[posts.CommentRef]posts.Comment
	Reported map[string]time.Time
}

// NotificationSubjects reads the posts, tickets, members, moderation-queue items and
// comments notifications name: one BatchGetItem (100 keys a call: an inbox page names
// at most 30 of each), then one more for the comments (their pointers come with the
// first).
func (s *Store) NotificationSubjects(ctx context.Context, postIDs, ticketIDs, memberIDs, reportedIDs []string, comments []posts.CommentRef) (Subjects, error) {
	var keys []map[string]types.AttributeValue
	for _, id := range postIDs {
		keys = append(keys, postKey(id))
	}
	for _, id := range ticketIDs {
		keys = append(keys, key(ticketPK(id), skTicket))
	}
	for _, id := range memberIDs {
		keys = append(keys, key(memberPK(id), skProfile))
	}
	for _, id := range reportedIDs {
		keys = append(keys, queueKey(id))
	}
	for _, c := range comments {
		keys = append(keys, key(postPK(c.PostID), commentPointerSK(c.CommentID)))
	}
	out := Subjects{Posts: map[string]posts.Post{}, Tickets: map[string]tickets.Ticket{}, Members: map[string]members.Member{},
		Comments: map[posts.CommentRef]posts.Comment{}, Reported: map[string]time.Time{}}
	if len(keys) == 0 {
		return out, nil
	}
	found, err := s.batchGet(ctx, "store.NotificationSubjects", keys)
	if err != nil {
		return Subjects{}, err
	}
	var commentKeys []map[string]types.AttributeValue
	for _, item := range found {
		var err error
		switch item[AttrType].(*types.AttributeValueMemberS).Value {
		case typePost:
			var it postItem
			if err = attributevalue.UnmarshalMap(item, &it); err == nil {
				out.Posts[it.ID] = it.post()
			}
		case typeTicket:
			var it ticketItem
			if err = attributevalue.UnmarshalMap(item, &it); err == nil {
				out.Tickets[it.ID] = it.ticket()
			}
		case typeMember:
			var it memberItem
			if err = attributevalue.UnmarshalMap(item, &it); err == nil {
				out.Members[it.ID] = it.member()
			}
		case typeQueueItem:
			var it posts.QueueItem
			if err = attributevalue.UnmarshalMap(item, &it); err == nil {
				out.Reported[it.TargetID] = it.FirstAt
			}
		case "CommentPointer":
			if sk, ok := item["CommentSK"].(*types.AttributeValueMemberS); ok {
				commentKeys = append(commentKeys, map[string]types.AttributeValue{AttrPK: item[AttrPK], AttrSK: &types.AttributeValueMemberS{Value: sk.Value}})
			}
		}
		if err != nil {
			return Subjects{}, fmt.Errorf("store.NotificationSubjects: %w", err)
		}
	}
	if len(commentKeys) == 0 {
		return out, nil
	}
	got, err := s.batchGet(ctx, "store.NotificationSubjects", commentKeys)
	if err != nil {
		return Subjects{}, err
	}
	for _, item := range got {
		var it commentItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return Subjects{}, fmt.Errorf("store.NotificationSubjects: %w", err)
		}
		out.Comments[posts.CommentRef{PostID: it.PostID, CommentID: it.ID}] = it.comment()
	}
	return out, nil
}
