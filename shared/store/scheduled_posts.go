package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/posts"
)

// Scheduled announcements (issue 13, the editorial calendar): SCHEDULEDPOST#<id> /
// SCHEDULEDPOST, GSI1 SCHEDULEDPOSTS / <publish at>#<id>.

const typeScheduledPost = "ScheduledAnnouncement"

// Attribute names the scheduled announcements' expressions name (fields of
// scheduledPostItem).
const (
	spState = "State"
)

// condScheduledWaiting: the scheduled announcement is still waiting.
const condScheduledWaiting = "scheduled announcement waiting"

// scheduledPostItem is a scheduled announcement.
type scheduledPostItem struct {
	PK, SK, Type           string
	GSI1PK, GSI1SK         string
	ID, SpaceID, SpaceName string
	Title, Body            string
	PublishAt, PinnedUntil time.Time
	AuthorID, AuthorName   string
	CreatedAt              time.Time
	State, PostID, Problem string
}

func newScheduledPostItem(a posts.ScheduledAnnouncement) scheduledPostItem {
	return scheduledPostItem{PK: scheduledPostPK(a.ID), SK: skScheduledPost, Type: typeScheduledPost,
		GSI1PK: pkScheduledPosts, GSI1SK: scheduledPostsSK(a.PublishAt, a.ID),
		ID: a.ID, SpaceID: a.SpaceID, SpaceName: a.SpaceName, Title: a.Title, Body: a.Body, PublishAt: a.PublishAt.UTC(),
		PinnedUntil: a.PinnedUntil.UTC(), AuthorID: a.AuthorID, AuthorName: a.AuthorName, CreatedAt: a.CreatedAt.UTC(),
		State: a.State, PostID: a.PostID, Problem: a.Problem}
}

func (it scheduledPostItem) announcement() posts.ScheduledAnnouncement {
	return posts.ScheduledAnnouncement{ID: it.ID, SpaceID: it.SpaceID, SpaceName: it.SpaceName, Title: it.Title, Body: it.Body,
		PublishAt: it.PublishAt, PinnedUntil: it.PinnedUntil, AuthorID: it.AuthorID, AuthorName: it.AuthorName, CreatedAt: it.CreatedAt,
		State: it.State, PostID: it.PostID, Problem: it.Problem}
}

// ScheduledPosts stores scheduled announcements.
type ScheduledPosts struct{ *Store }

// ScheduledPosts is the store of scheduled announcements.
func (s *Store) ScheduledPosts() *ScheduledPosts { return &ScheduledPosts{s} }

var _ posts.ScheduledStore = (*ScheduledPosts)(nil)

// CreateScheduled implements posts.ScheduledStore.
func (s *ScheduledPosts) CreateScheduled(ctx context.Context, a posts.ScheduledAnnouncement) error {
	if err := s.txn().put("", newScheduledPostItem(a), itemAbsent).run(ctx); err != nil {
		return fmt.Errorf("store.CreateScheduled %s: %w", a.ID, err)
	}
	return nil
}

// Scheduled implements posts.ScheduledStore.
func (s *ScheduledPosts) Scheduled(ctx context.Context, id string) (posts.ScheduledAnnouncement, error) {
	var it scheduledPostItem
	if err := s.get(ctx, "store.Scheduled", scheduledPostPK(id), skScheduledPost, time.Now(), &it); err != nil {
		return posts.ScheduledAnnouncement{}, err
	}
	return it.announcement(), nil
}

// ScheduledBetween implements posts.ScheduledStore: one Query of GSI1 between two dates.
func (s *ScheduledPosts) ScheduledBetween(ctx context.Context, from, to time.Time) ([]posts.ScheduledAnnouncement, error) {
	items, err := queryItems[scheduledPostItem](ctx, s.Store, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression: aws.String(gsi1Is + " AND " + AttrGSI1SK + " BETWEEN :from AND :to"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": cS(pkScheduledPosts),
			":from": cS(stamp(from)), ":to": cS(stamp(to))}})
	if err != nil {
		return nil, fmt.Errorf("store.ScheduledBetween: %w", err)
	}
	out := make([]posts.ScheduledAnnouncement, 0, len(items))
	for _, it := range items {
		if it.PublishAt.Before(to) && !it.PublishAt.Before(from) {
			out = append(out, it.announcement())
		}
	}
	return out, nil
}

// SettleScheduled implements posts.ScheduledStore.
func (s *ScheduledPosts) SettleScheduled(ctx context.Context, a posts.ScheduledAnnouncement) (bool, error) {
	put, err := s.put(newScheduledPostItem(a), "#State = :waiting")
	if err != nil {
		return false, fmt.Errorf("store.SettleScheduled %s: %w", a.ID, err)
	}
	put.Put.ExpressionAttributeNames = named(spState)
	put.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":waiting": cS(posts.ScheduledWaiting)}
	err = s.txn().add(condScheduledWaiting, put).run(ctx)
	if failed(err, condScheduledWaiting) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.SettleScheduled %s: %w", a.ID, err)
	}
	return true, nil
}

// DeleteScheduled implements posts.ScheduledStore.
func (s *ScheduledPosts) DeleteScheduled(ctx context.Context, id string) (bool, error) {
	_, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: scheduledPostKey(id),
		ConditionExpression: aws.String("#State = :waiting"), ExpressionAttributeNames: named(spState),
		ExpressionAttributeValues: map[string]types.AttributeValue{":waiting": cS(posts.ScheduledWaiting)}})
	var notWaiting *types.ConditionalCheckFailedException
	if errors.As(err, &notWaiting) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.DeleteScheduled %s: %w", id, err)
	}
	return true, nil
}
