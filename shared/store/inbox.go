package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/members"
	"tribune/shared/notifications"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/tickets"
)

const (
	typeNotification = "Notification"
	typeInboxSeen    = "InboxSeen"
)

// notificationItem is a Notification in its member's inbox: what notifications.Notification
// keeps (whether it is unread, the actor's name as it is now and what it tells once are
// answered or written apart, never stored with it).
type notificationItem struct {
	PK, SK, Type string
	ID           string
	MemberID     string
	Kind         string
	ActorID      string
	ActorName    string
	PostID       string
	PostTitle    string
	CommentID    string
	SpaceID      string
	TicketID     string
	TicketNumber int64
	Detail       string
	At           time.Time
	DeliveredAt  time.Time
	ExpiresAt    int64
}

func newNotificationItem(n notifications.Notification, expires time.Time) notificationItem {
	return notificationItem{PK: inboxPK(n.MemberID), SK: notificationSK(n.At, n.ID), Type: typeNotification, ID: n.ID, MemberID: n.MemberID,
		Kind: n.Kind, ActorID: n.ActorID, ActorName: n.ActorName, PostID: n.PostID, PostTitle: n.PostTitle, CommentID: n.CommentID,
		SpaceID: n.SpaceID, TicketID: n.TicketID, TicketNumber: n.TicketNumber, Detail: n.Detail, At: n.At, DeliveredAt: n.DeliveredAt,
		ExpiresAt: expires.Unix()}
}

func (it notificationItem) notification() notifications.Notification {
	return notifications.Notification{ID: it.ID, MemberID: it.MemberID, Kind: it.Kind, ActorID: it.ActorID, ActorName: it.ActorName,
		PostID: it.PostID, PostTitle: it.PostTitle, CommentID: it.CommentID, SpaceID: it.SpaceID, TicketID: it.TicketID,
		TicketNumber: it.TicketNumber, Detail: it.Detail, At: it.At, DeliveredAt: it.DeliveredAt}
}

// PutNotification implements notifications.InboxStore: only if absent, so that a
// repeated delivery neither duplicates it nor makes it unread again. With n.Once, the
// claim and the notification are written in one transaction; a claim held by another
// notification answers notifications.ErrAlreadyTold, one held by this same
// notification (a retry after the email failed) answers nil.
func (s *Store) PutNotification(ctx context.Context, n notifications.Notification, expires time.Time) error {
	n.DeliveredAt = time.Now().UTC()
	put, err := s.put(newNotificationItem(n, expires), "attribute_not_exists(PK)")
	if err != nil {
		return fmt.Errorf("store.PutNotification: %w", err)
	}
	if n.Once == "" {
		_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: put.Put.Item,
			ConditionExpression: put.Put.ConditionExpression})
		var exists *types.ConditionalCheckFailedException
		if err != nil && !errors.As(err, &exists) {
			return fmt.Errorf("store.PutNotification %s: %w", n.ID, err)
		}
		return nil
	}
	claim, err := s.put(map[string]any{AttrPK: inboxPK(n.MemberID), AttrSK: noticeOnceSK(n.Once), AttrType: "NoticeOnce",
		"NotificationID": n.ID}, "attribute_not_exists(PK)")
	if err != nil {
		return fmt.Errorf("store.PutNotification: %w", err)
	}
	const notToldYet, notWrittenYet = "claim", "notification"
	err = s.txn().add(notToldYet, claim).add(notWrittenYet, put).run(ctx)
	if failed(err, notToldYet) {
		if held, _ := failedItem(err, notToldYet)["NotificationID"].(*types.AttributeValueMemberS); held == nil || held.Value != n.ID {
			return fmt.Errorf("store.PutNotification %s: %w", n.ID, notifications.ErrAlreadyTold)
		}
		return nil // this very notification, delivered again: written with its claim
	}
	if failed(err, notWrittenYet) {
		return nil // written before claims existed
	}
	if err != nil {
		return fmt.Errorf("store.PutNotification %s: %w", n.ID, err)
	}
	return nil
}

// Inbox implements notifications.InboxStore: the member's "seen" mark and a page of
// the inbox (two reads; the mark sorts before every notification and is left out).
func (s *Notifications) Inbox(ctx context.Context, memberID, cursor string, limit int) ([]notifications.Notification, string, time.Time, error) {
	pk := inboxPK(memberID)
	if _, err := s.decodeCursor(pk, cursor); err != nil {
		return nil, "", time.Time{}, err // a bad cursor reads nothing
	}
	seen := time.Time{}
	var seenItem struct{ SeenAt time.Time }
	if err := s.get(ctx, "store.Inbox", pk, skInboxSeen, time.Now(), &seenItem); err == nil {
		seen = seenItem.SeenAt
	} else if !errors.Is(err, errs.ErrNotFound) {
		return nil, "", time.Time{}, err
	}
	now := time.Now()
	list, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), Limit: aws.Int32(int32(limit)),
		ScanIndexForward: aws.Bool(false), KeyConditionExpression: aws.String("PK = :pk AND SK > :seen"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk},
			":seen": &types.AttributeValueMemberS{Value: skInboxSeen}}},
		func(item item) (notifications.Notification, bool, error) {
			var it notificationItem
			err := attributevalue.UnmarshalMap(item, &it)
			return it.notification(), err == nil && !expired(item, now), err
		})
	if err != nil {
		return nil, "", time.Time{}, fmt.Errorf("store.Inbox: %w", err)
	}
	return list, next, seen, nil
}

// MarkRead implements notifications.InboxStore: the mark only moves forward (SeenNanos,
// a number, orders what SeenAt's text would not), so a slow request never makes read
// notifications unread again.
func (s *Notifications) MarkRead(ctx context.Context, memberID string, at time.Time) error {
	item, err := attributevalue.MarshalMap(map[string]any{AttrPK: inboxPK(memberID), AttrSK: skInboxSeen, AttrType: typeInboxSeen,
		"SeenAt": at.UTC(), "SeenNanos": at.UnixNano()})
	if err != nil {
		return fmt.Errorf("store.MarkRead: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(SeenNanos) OR SeenNanos < :n"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberN{Value: fmt.Sprint(at.UnixNano())}}})
	var later *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &later) {
		return fmt.Errorf("store.MarkRead %s: %w", memberID, err)
	}
	return nil
}

// Recipient implements notifications.InboxStore: an unknown, deleted or banned member
// is not active.
func (s *Store) Recipient(ctx context.Context, memberID string) (notifications.Recipient, error) {
	m, err := s.GetMember(ctx, memberID)
	if errors.Is(err, errs.ErrNotFound) {
		return notifications.Recipient{}, nil
	}
	if err != nil {
		return notifications.Recipient{}, err
	}
	active := m.Status != members.StatusDeleted && m.Status != members.StatusBanned
	return notifications.Recipient{Email: m.Email, Name: m.DisplayName, Locale: m.Locale, Roles: m.Roles, Active: active, Emails: m.ActivityEmails}, nil
}

// SpaceModeratorIDs implements notifications.InboxStore: the owner and moderators.
func (s *Notifications) SpaceModeratorIDs(ctx context.Context, spaceID string) ([]string, error) {
	list, err := s.memberships(ctx, "store.SpaceModeratorIDs", queryPrefix(s.Table, spacePK(spaceID), activeMemberPrefix))
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
		keys = append(keys, key(ticketPK(id), "TICKET"))
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
