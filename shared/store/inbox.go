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
	"tribune/shared/notifications"
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
	// ArticleID, ArticleVersion: a knowledge-base article's notice (issue 16).
	ArticleID      string `dynamodbav:",omitempty"`
	ArticleVersion int    `dynamodbav:",omitempty"`
	At             time.Time
	DeliveredAt    time.Time
	ExpiresAt      int64
}

func newNotificationItem(n notifications.Notification, expires time.Time) notificationItem {
	return notificationItem{PK: inboxPK(n.MemberID), SK: notificationSK(n.At, n.ID), Type: typeNotification, ID: n.ID, MemberID: n.MemberID,
		Kind: n.Kind, ActorID: n.ActorID, ActorName: n.ActorName, PostID: n.PostID, PostTitle: n.PostTitle, CommentID: n.CommentID,
		SpaceID: n.SpaceID, TicketID: n.TicketID, TicketNumber: n.TicketNumber, Detail: n.Detail, At: n.At, DeliveredAt: n.DeliveredAt,
		ExpiresAt: expires.Unix(), ArticleID: n.ArticleID, ArticleVersion: n.ArticleVersion}
}

func (it notificationItem) notification() notifications.Notification {
	return notifications.Notification{ID: it.ID, MemberID: it.MemberID, Kind: it.Kind, ActorID: it.ActorID, ActorName: it.ActorName,
		PostID: it.PostID, PostTitle: it.PostTitle, CommentID: it.CommentID, SpaceID: it.SpaceID, TicketID: it.TicketID,
		TicketNumber: it.TicketNumber, Detail: it.Detail, At: it.At, DeliveredAt: it.DeliveredAt,
		ArticleID: it.ArticleID, ArticleVersion: it.ArticleVersion}
}

// PutNotification implements notifications.InboxStore: only if absent, so that a
// repeated delivery neither duplicates it nor makes it unread again. With n.Once, the
// claim and the notification are written in one transaction; a claim held by another
// notification answers notifications.ErrAlreadyTold, one held by this same
// notification (a retry after the email failed) answers nil.
func (s *Notifications) PutNotification(ctx context.Context, n notifications.Notification, expires time.Time) error {
	n.DeliveredAt = time.Now().UTC()
	put, err := s.put(newNotificationItem(n, expires), itemAbsent)
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
		"NotificationID": n.ID}, itemAbsent)
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
		ScanIndexForward: aws.Bool(false), KeyConditionExpression: aws.String(pkIs + " AND " + AttrSK + " > :seen"),
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

// attrSeenNanos is the InboxSeen attribute MarkRead's condition reads.
const attrSeenNanos = "SeenNanos"

// MarkRead implements notifications.InboxStore: the mark only moves forward (SeenNanos,
// a number, orders what SeenAt's text would not), so a slow request never makes read
// notifications unread again.
func (s *Notifications) MarkRead(ctx context.Context, memberID string, at time.Time) error {
	item, err := attributevalue.MarshalMap(map[string]any{AttrPK: inboxPK(memberID), AttrSK: skInboxSeen, AttrType: typeInboxSeen,
		"SeenAt": at.UTC(), attrSeenNanos: at.UnixNano()})
	if err != nil {
		return fmt.Errorf("store.MarkRead: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item,
		ConditionExpression:       aws.String("attribute_not_exists(#SeenNanos) OR #SeenNanos < :n"),
		ExpressionAttributeNames:  named(attrSeenNanos),
		ExpressionAttributeValues: map[string]types.AttributeValue{":n": &types.AttributeValueMemberN{Value: fmt.Sprint(at.UnixNano())}}})
	var later *types.ConditionalCheckFailedException
	if err != nil && !errors.As(err, &later) {
		return fmt.Errorf("store.MarkRead %s: %w", memberID, err)
	}
	return nil
}
