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
	"tribune/shared/ratelimit"
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
func (s *Store) CreatePost(ctx context.Context, p posts.Post, excerpt string, event eventtypes.Envelope, hits []ratelimit.Hit) error {
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
	if err := s.writeUnderLimits(ctx, hits, p.CreatedAt, posts.ErrRateLimited, canonical, entry, out); err != nil {
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

const typeComment = "Comment"

type commentItem struct {
	PK, SK, Type string
	posts.Comment
}

func commentSK(c posts.Comment) string {
	return "COMMENT#" + c.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + c.ID
}

// AddComment implements posts.CommentStore: the comment, an atomic ADD on the post's
// count (exact under concurrent comments) and comment.created, in one transaction.
func (s *Store) AddComment(ctx context.Context, c posts.Comment, event eventtypes.Envelope, hits []ratelimit.Hit) error {
	put, err := s.put(commentItem{PK: postPK(c.PostID), SK: commentSK(c), Type: typeComment, Comment: c}, "attribute_not_exists(PK)")
	if err != nil {
		return fmt.Errorf("store.AddComment: %w", err)
	}
	// The comment id also points at its sort key, so a reply can find its parent.
	pointer, err := s.put(map[string]any{AttrPK: postPK(c.PostID), AttrSK: "CID#" + c.ID, AttrType: "CommentPointer", "CommentSK": commentSK(c)}, "")
	if err != nil {
		return fmt.Errorf("store.AddComment: %w", err)
	}
	count := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), "POST"),
		UpdateExpression: aws.String("ADD Comments :one"), ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":one": &types.AttributeValueMemberN{Value: "1"}}}}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.AddComment: %w", err)
	}
	if err := s.writeUnderLimits(ctx, hits, c.CreatedAt, posts.ErrRateLimited, put, pointer, count, out); err != nil {
		return fmt.Errorf("store.AddComment %s: %w", c.ID, err)
	}
	return nil
}

// GetComment implements posts.CommentStore (two reads: the pointer, then the comment).
func (s *Store) GetComment(ctx context.Context, postID, commentID string) (posts.Comment, error) {
	var ptr struct{ CommentSK string }
	if err := s.get(ctx, "store.GetComment", postPK(postID), "CID#"+commentID, time.Now(), &ptr); err != nil {
		return posts.Comment{}, err
	}
	var it commentItem
	if err := s.get(ctx, "store.GetComment", postPK(postID), ptr.CommentSK, time.Now(), &it); err != nil {
		return posts.Comment{}, err
	}
	return it.Comment, nil
}

// Comments implements posts.CommentStore: oldest first.
func (s *Store) Comments(ctx context.Context, postID string) ([]posts.Comment, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression: aws.String("PK = :pk AND begins_with(SK, :c)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: postPK(postID)}, ":c": &types.AttributeValueMemberS{Value: "COMMENT#"}}})
	if err != nil {
		return nil, fmt.Errorf("store.Comments %s: %w", postID, err)
	}
	out := make([]posts.Comment, 0, len(items))
	for _, item := range items {
		var it commentItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Comments %s: %w", postID, err)
		}
		out = append(out, it.Comment)
	}
	return out, nil
}

// AcceptAnswer implements posts.CommentStore.
func (s *Store) AcceptAnswer(ctx context.Context, postID, commentID string, event eventtypes.Envelope) error {
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.AcceptAnswer: %w", err)
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(postID), "POST"),
		UpdateExpression: aws.String("SET AcceptedAnswer = :c"), ConditionExpression: aws.String("attribute_exists(PK) AND #k = :q"),
		ExpressionAttributeNames: map[string]string{"#k": "Kind"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":c": &types.AttributeValueMemberS{Value: commentID}, ":q": &types.AttributeValueMemberS{Value: posts.KindQuestion}}}}
	if _, err := s.transact(ctx, []types.TransactWriteItem{update, out}); err != nil {
		return fmt.Errorf("store.AcceptAnswer %s: %w", postID, err)
	}
	return nil
}

// Author implements posts.Store.
func (s *Store) Author(ctx context.Context, memberID string) (string, time.Time, error) {
	m, err := s.GetMember(ctx, memberID)
	if err != nil {
		return "", time.Time{}, err
	}
	return m.DisplayName, m.CreatedAt, nil
}
