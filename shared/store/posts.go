package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/eventtypes"
	"tribune/shared/posts"
)

const (
	typePost        = "Post"
	typeStreamEntry = "StreamEntry"
	// feedKept bounds the home stream's history; older entries expire.
	feedKept = 180 * 24 * time.Hour
)

func postPK(id string) string            { return "POST#" + id }
func spacePostsPK(spaceID string) string { return "SPACEPOSTS#" + spaceID }
func feedPK(memberID string) string      { return "FEED#" + memberID }

// streamSK sorts a stream newest first when read backwards.
func streamSK(s posts.Summary) string { return s.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + s.ID }

type postItem struct {
	PK, SK, Type string
	posts.Post
}

// streamItem is a summary in a space's stream or a member's home stream.
type streamItem struct {
	PK, SK, Type string
	posts.Summary
	ExpiresAt int64 `dynamodbav:",omitempty"`
}

// CreatePost implements posts.Store.
func (s *Store) CreatePost(ctx context.Context, p posts.Post, excerpt string, event eventtypes.Envelope) error {
	sum := posts.Summary{ID: p.ID, SpaceID: p.SpaceID, SpaceName: p.SpaceName, Kind: p.Kind, Title: p.Title, Excerpt: excerpt,
		AuthorID: p.AuthorID, AuthorName: p.AuthorName, CreatedAt: p.CreatedAt}
	canonical, err := s.put(postItem{PK: postPK(p.ID), SK: "POST", Type: typePost, Post: p}, "attribute_not_exists(PK)")
	if err != nil {
		return fmt.Errorf("store.CreatePost: %w", err)
	}
	entry, err := s.put(streamItem{PK: spacePostsPK(p.SpaceID), SK: streamSK(sum), Type: typeStreamEntry, Summary: sum}, "")
	if err != nil {
		return fmt.Errorf("store.CreatePost: %w", err)
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.CreatePost: %w", err)
	}
	if _, err := s.transact(ctx, []types.TransactWriteItem{canonical, entry, out}); err != nil {
		return fmt.Errorf("store.CreatePost %s: %w", p.ID, err)
	}
	return nil
}

// GetPost implements posts.Store.
func (s *Store) GetPost(ctx context.Context, id string) (posts.Post, error) {
	var it postItem
	if err := s.get(ctx, "store.GetPost", postPK(id), "POST", time.Now(), &it); err != nil {
		return posts.Post{}, err
	}
	return it.Post, nil
}

// stream reads one page of a stream partition, newest first: one Query, whatever the
// number of posts in it.
func (s *Store) stream(ctx context.Context, op, pk, cursor string, limit int) (posts.Page, error) {
	start, err := s.decodeCursor(pk, cursor)
	if err != nil {
		return posts.Page{}, err
	}
	out, err := s.DB.Query(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ExclusiveStartKey: start,
		Limit: aws.Int32(int32(limit)), ScanIndexForward: aws.Bool(false),
		KeyConditionExpression:    aws.String("PK = :pk"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}})
	if err != nil {
		return posts.Page{}, fmt.Errorf("%s: %w", op, err)
	}
	next, err := s.encodeCursor(pk, out.LastEvaluatedKey)
	if err != nil {
		return posts.Page{}, fmt.Errorf("%s: %w", op, err)
	}
	page := posts.Page{Next: next, Posts: make([]posts.Summary, 0, len(out.Items))}
	now := time.Now()
	for _, item := range out.Items {
		if expired(item, now) {
			continue
		}
		var it streamItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return posts.Page{}, fmt.Errorf("%s: %w", op, err)
		}
		page.Posts = append(page.Posts, it.Summary)
	}
	return page, nil
}

// SpaceStream implements posts.Store.
func (s *Store) SpaceStream(ctx context.Context, spaceID, cursor string, limit int) (posts.Page, error) {
	return s.stream(ctx, "store.SpaceStream", spacePostsPK(spaceID), cursor, limit)
}

// HomeStream implements posts.Store.
func (s *Store) HomeStream(ctx context.Context, memberID, cursor string, limit int) (posts.Page, error) {
	return s.stream(ctx, "store.HomeStream", feedPK(memberID), cursor, limit)
}

// AddToFeeds implements posts.FeedStore.
func (s *Store) AddToFeeds(ctx context.Context, sum posts.Summary, memberIDs []string) error {
	reqs := make([]types.WriteRequest, 0, len(memberIDs))
	for _, id := range memberIDs {
		item, err := attributevalue.MarshalMap(streamItem{PK: feedPK(id), SK: streamSK(sum), Type: typeStreamEntry, Summary: sum,
			ExpiresAt: sum.CreatedAt.Add(feedKept).Unix()})
		if err != nil {
			return fmt.Errorf("store.AddToFeeds: %w", err)
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("store.AddToFeeds %s: %w", sum.ID, err)
	}
	return nil
}
