package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
	"tribune/shared/posts"
	"tribune/shared/ratelimit"
)

const (
	typePost        = "Post"
	typeStreamEntry = "StreamEntry"
	typePin         = "Pin"
	// feedKept bounds the home stream's history; older entries expire.
	feedKept = posts.FeedHistory
)

// postItem is a Post: what posts.Post keeps (the reader's vote, reactions and rights
// are read or decided with each answer, never stored). Attributes without omitempty
// are stored even when empty (a poll's ClosesAt is NULL when it never closes: VotePoll's
// condition reads it so).
type postItem struct {
	PK, SK, Type string
	// GSI1 lists a space's unanswered questions (newest first) or its ideas (by votes).
	GSI1PK, GSI1SK string `dynamodbav:",omitempty"`
	ID             string
	SpaceID        string
	SpaceName      string
	Kind           string
	Title          string
	Body           string
	HTML           string
	AuthorID       string
	AuthorName     string
	CreatedAt      time.Time
	AuthorDeleted  bool
	AuthorStaff    bool
	Comments       int
	AcceptedAnswer string
	Votes          int
	IdeaStatus     string
	Options        []posts.PollOption
	Tally          map[string]int
	ClosesAt       *time.Time
	PinnedUntil    *time.Time
	Reactions      map[string]int
	Hidden         bool
	Locked         bool
	Deleted        bool
	EditedAt       *time.Time
	TicketID       string
	TicketNumber   int64
	Mentions       map[string]string `dynamodbav:",omitempty"`
}

func newPostItem(p posts.Post) postItem {
	gsiPK, gsiSK := listing(p)
	return postItem{PK: postPK(p.ID), SK: skPost, Type: typePost, GSI1PK: gsiPK, GSI1SK: gsiSK, ID: p.ID, SpaceID: p.SpaceID,
		SpaceName: p.SpaceName, Kind: p.Kind, Title: p.Title, Body: p.Body, HTML: p.HTML, AuthorID: p.AuthorID, AuthorName: p.AuthorName,
		CreatedAt: p.CreatedAt, AuthorDeleted: p.AuthorDeleted, AuthorStaff: p.AuthorStaff, Comments: p.Comments,
		AcceptedAnswer: p.AcceptedAnswer, Votes: p.Votes, IdeaStatus: p.IdeaStatus, Options: p.Options, Tally: p.Tally,
		ClosesAt: p.ClosesAt, PinnedUntil: p.PinnedUntil, Reactions: p.Reactions, Hidden: p.Hidden, Locked: p.Locked,
		Deleted: p.Deleted, EditedAt: p.EditedAt, TicketID: p.TicketID, TicketNumber: p.TicketNumber, Mentions: p.Mentions}
}

func (it postItem) post() posts.Post {
	return posts.Post{ID: it.ID, SpaceID: it.SpaceID, SpaceName: it.SpaceName, Kind: it.Kind, Title: it.Title, Body: it.Body,
		HTML: it.HTML, AuthorID: it.AuthorID, AuthorName: it.AuthorName, CreatedAt: it.CreatedAt, AuthorDeleted: it.AuthorDeleted,
		AuthorStaff: it.AuthorStaff, Comments: it.Comments, AcceptedAnswer: it.AcceptedAnswer, Votes: it.Votes, IdeaStatus: it.IdeaStatus,
		Options: it.Options, Tally: it.Tally, ClosesAt: it.ClosesAt, PinnedUntil: it.PinnedUntil, Reactions: it.Reactions,
		Hidden: it.Hidden, Locked: it.Locked, Deleted: it.Deleted, EditedAt: it.EditedAt, TicketID: it.TicketID,
		TicketNumber: it.TicketNumber, Mentions: it.Mentions}
}

// listing returns the GSI1 keys of a post: unanswered questions and ideas are listed.
func listing(p posts.Post) (string, string) {
	switch {
	case p.Deleted:
		return "", ""
	case p.Kind == posts.KindQuestion && p.AcceptedAnswer == "":
		return unansweredPK(p.SpaceID), streamSK(p.Summary())
	case p.Kind == posts.KindIdea:
		return ideasPK(p.SpaceID), ideaSK(p.Votes, p)
	}
	return "", ""
}

// streamItem is a summary in a space's stream, an author's stream or a home stream.
// Its Mentions are the names its excerpt was made with.
type streamItem struct {
	PK, SK, Type  string
	ID            string
	SpaceID       string
	SpaceName     string
	Kind          string
	Title         string
	Excerpt       string
	AuthorID      string
	AuthorName    string
	CreatedAt     time.Time
	AuthorDeleted bool
	AuthorStaff   bool
	Mentions      map[string]string `dynamodbav:",omitempty"`
	PinnedUntil   *time.Time
	Votes         int
	IdeaStatus    string
	Answered      bool
	ExpiresAt     int64 `dynamodbav:",omitempty"`
}

func newStreamItem(pk, sk, typ string, s posts.Summary, expires int64) streamItem {
	return streamItem{PK: pk, SK: sk, Type: typ, ID: s.ID, SpaceID: s.SpaceID, SpaceName: s.SpaceName, Kind: s.Kind, Title: s.Title,
		Excerpt: s.Excerpt, AuthorID: s.AuthorID, AuthorName: s.AuthorName, CreatedAt: s.CreatedAt, AuthorDeleted: s.AuthorDeleted,
		AuthorStaff: s.AuthorStaff, Mentions: s.Mentions, PinnedUntil: s.PinnedUntil, Votes: s.Votes, IdeaStatus: s.IdeaStatus,
		Answered: s.Answered, ExpiresAt: expires}
}

func (it streamItem) summary() posts.Summary {
	return posts.Summary{ID: it.ID, SpaceID: it.SpaceID, SpaceName: it.SpaceName, Kind: it.Kind, Title: it.Title, Excerpt: it.Excerpt,
		AuthorID: it.AuthorID, AuthorName: it.AuthorName, CreatedAt: it.CreatedAt, AuthorDeleted: it.AuthorDeleted,
		AuthorStaff: it.AuthorStaff, Mentions: it.Mentions, PinnedUntil: it.PinnedUntil, Votes: it.Votes, IdeaStatus: it.IdeaStatus,
		Answered: it.Answered}
}

// entryPuts writes a post's entries in its space's stream (with its pin) and its
// author's stream.
func (s *Posts) entryPuts(sum posts.Summary) ([]types.TransactWriteItem, error) {
	items := []streamItem{
		newStreamItem(spacePostsPK(sum.SpaceID), streamSK(sum), typeStreamEntry, sum, 0),
		newStreamItem(authorPK(sum.AuthorID), streamSK(sum), typeStreamEntry, sum, 0),
	}
	if sum.PinnedUntil != nil {
		items = append(items, newStreamItem(spacePostsPK(sum.SpaceID), pinSK(sum), typePin, sum, sum.PinnedUntil.Unix()))
	}
	out := make([]types.TransactWriteItem, 0, len(items))
	for _, it := range items {
		put, err := s.put(it, "")
		if err != nil {
			return nil, err
		}
		out = append(out, put)
	}
	return out, nil
}

// entryDeletes takes a post's entries out of its space's and author's streams.
func (s *Posts) entryDeletes(sum posts.Summary) []types.TransactWriteItem {
	keys := []map[string]types.AttributeValue{key(spacePostsPK(sum.SpaceID), streamSK(sum)), key(authorPK(sum.AuthorID), streamSK(sum))}
	if sum.PinnedUntil != nil {
		keys = append(keys, key(spacePostsPK(sum.SpaceID), pinSK(sum)))
	}
	out := make([]types.TransactWriteItem, len(keys))
	for i, k := range keys {
		out[i] = types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: k}}
	}
	return out
}

// CreatePost implements posts.Store.
func (s *Posts) CreatePost(ctx context.Context, p posts.Post, events []eventtypes.Envelope, hits []ratelimit.Hit) error {
	canonical, err := s.put(newPostItem(p), itemAbsent)
	if err != nil {
		return fmt.Errorf("store.CreatePost: %w", err)
	}
	entries, err := s.entryPuts(p.Summary())
	if err != nil {
		return fmt.Errorf("store.CreatePost: %w", err)
	}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("store.CreatePost: %w", err)
	}
	credits, err := s.creditPuts(postPK(p.ID), textCredits(p.AuthorID, p.Body)...)
	if err != nil {
		return fmt.Errorf("store.CreatePost: %w", err)
	}
	err = s.txn().add("", canonical).add("", entries...).add("", outs...).add("", credits...).
		add(condImage, s.Images().imageUpdates(shownInPost(p.ID), "", p.Body, p.CreatedAt)...).
		add(condSuggestion, s.suggestionFollowed(p.SuggestionID, metrics.ForQuestion, p.CreatedAt)...).
		underLimits(hits, p.CreatedAt, posts.ErrRateLimited).run(ctx)
	if failed(err, condImage) {
		err = posts.ErrImage // expired or taken by too many texts since the check
	}
	if failed(err, condSuggestion) {
		err = posts.ErrSuggestionGone // the question is written again without it
	}
	if err != nil {
		return fmt.Errorf("store.CreatePost %s: %w", p.ID, err)
	}
	return nil
}

// GetPost implements posts.Store.
func (s *Posts) GetPost(ctx context.Context, id string) (posts.Post, error) {
	items, err := s.readKeys(ctx, "store.GetPost "+id, []map[string]types.AttributeValue{postKey(id)})
	if err != nil {
		return posts.Post{}, err
	}
	if len(items) == 0 {
		return posts.Post{}, fmt.Errorf("store.GetPost %s: %w", id, errs.ErrNotFound)
	}
	var it postItem
	if err := attributevalue.UnmarshalMap(items[0], &it); err != nil {
		return posts.Post{}, fmt.Errorf("store.GetPost %s: %w", id, err)
	}
	return it.post(), nil
}

// PostFor implements posts.Store: the post, the member's vote and their reactions in
// one BatchGetItem; in a request with a prefetch, what the answer reads next (the
// space's access and the author's name as it is now) is read ahead in one more.
func (s *Posts) PostFor(ctx context.Context, id, memberID string) (posts.Post, error) {
	p, err := s.postFor(ctx, id, memberID)
	if err != nil || p.AuthorDeleted {
		return p, err
	}
	author := []map[string]types.AttributeValue{key(memberPK(p.AuthorID), skProfile)}
	if err := s.preload(ctx, "store.PostFor "+id, spaceKeys(p.SpaceID, memberID), author); err != nil {
		return posts.Post{}, err
	}
	return p, nil
}

// postFor is PostFor without reading ahead (the post page reads ahead more at once).
func (s *Posts) postFor(ctx context.Context, id, memberID string) (posts.Post, error) {
	items, err := s.readKeys(ctx, "store.PostFor "+id, postKeys(id, memberID))
	if err != nil {
		return posts.Post{}, err
	}
	var p *posts.Post
	var vote string
	var reactions []string
	for _, item := range items {
		var it struct {
			SK, Type, Option, Reaction string
		}
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return posts.Post{}, fmt.Errorf("store.PostFor %s: %w", id, err)
		}
		switch it.Type {
		case typePost:
			var pi postItem
			if err := attributevalue.UnmarshalMap(item, &pi); err != nil {
				return posts.Post{}, fmt.Errorf("store.PostFor %s: %w", id, err)
			}
			post := pi.post()
			p = &post
		case typeVote:
			vote = it.Option
		case typeReaction:
			reactions = append(reactions, it.Reaction)
		}
	}
	if p == nil {
		return posts.Post{}, fmt.Errorf("store.PostFor %s: %w", id, errs.ErrNotFound)
	}
	p.MyVote = vote
	// Keep the reactions in their catalogue order, whatever order the batch returned.
	for _, r := range posts.Reactions {
		for _, mine := range reactions {
			if mine == r {
				p.MyReactions = append(p.MyReactions, r)
			}
		}
	}
	return *p, nil
}

// cursorAsOf is the cursor field that carries when a stream's first page was read.
const cursorAsOf = "AsOf"

// stream reads one page of a stream partition, newest first: one Query, whatever the
// number of posts in it. Pins come first in the partition; posts.OncePerStream returns
// them apart and leaves their dated entries out, as of the first page's reading (which
// the cursor carries), so an announcement appears once on every page of the stream.
func (s *Posts) stream(ctx context.Context, op, pk, cursor string, limit int) (posts.Page, error) {
	now := time.Now()
	carry := map[string]string{cursorAsOf: now.UTC().Format(time.RFC3339Nano)}
	items, next, err := s.onePage(ctx, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		Limit: aws.Int32(int32(limit)), ScanIndexForward: aws.Bool(false),
		KeyConditionExpression:    aws.String(pkIs),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}}, carry)
	if err != nil {
		if errors.Is(err, errCursor) {
			return posts.Page{}, err
		}
		return posts.Page{}, fmt.Errorf("%s: %w", op, err)
	}
	asOf := now
	if t, err := time.Parse(time.RFC3339Nano, carry[cursorAsOf]); err == nil {
		asOf = t
	}
	var pins, entries []posts.Summary
	for _, item := range items {
		var it streamItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return posts.Page{}, fmt.Errorf("%s: %w", op, err)
		}
		// A pin's TTL is its end: OncePerStream judges it as of the first page instead.
		if strings.HasPrefix(it.SK, pinPrefix) {
			pins = append(pins, it.summary())
		} else if !expired(item, now) {
			entries = append(entries, it.summary())
		}
	}
	page := posts.Page{Next: next}
	page.Pinned, page.Posts = posts.OncePerStream(pins, entries, asOf)
	return page, nil
}

// SpaceStream implements posts.Store.
func (s *Posts) SpaceStream(ctx context.Context, spaceID, cursor string, limit int) (posts.Page, error) {
	return s.stream(ctx, "store.SpaceStream", spacePostsPK(spaceID), cursor, limit)
}

// HomeStream implements posts.Store: one Query of the member's home stream, without the
// entries of spaces they left and whose entries the feed consumer has not taken out yet
// (LeftSpaces on their member item, which the session check read: no extra round trip
// when the route prefetches it, see package prefetch).
func (s *Posts) HomeStream(ctx context.Context, memberID, cursor string, limit int) (posts.Page, error) {
	page, err := s.stream(ctx, "store.HomeStream", feedPK(memberID), cursor, limit)
	if err != nil {
		return posts.Page{}, err
	}
	items, err := s.readKeys(ctx, "store.HomeStream", []map[string]types.AttributeValue{key(memberPK(memberID), skProfile)})
	if err != nil {
		return posts.Page{}, err
	}
	var left []string
	if len(items) == 1 {
		var m struct{ LeftSpaces []string }
		if err := attributevalue.UnmarshalMap(items[0], &m); err != nil {
			return posts.Page{}, fmt.Errorf("store.HomeStream: %w", err)
		}
		left = m.LeftSpaces
	}
	if len(left) == 0 {
		return page, nil
	}
	keep := func(list []posts.Summary) []posts.Summary {
		out := list[:0]
		for _, p := range list {
			if !slices.Contains(left, p.SpaceID) {
				out = append(out, p)
			}
		}
		return out
	}
	page.Posts, page.Pinned = keep(page.Posts), keep(page.Pinned)
	return page, nil
}

// AuthorStream implements posts.Store.
func (s *Posts) AuthorStream(ctx context.Context, memberID, cursor string, limit int) (posts.Page, error) {
	return s.stream(ctx, "store.AuthorStream", authorPK(memberID), cursor, limit)
}

// listed reads one page of a GSI1 listing of posts (unanswered questions, ideas).
func (s *Posts) listed(ctx context.Context, op, pk, cursor string, limit int) (posts.Page, error) {
	list, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		Limit: aws.Int32(int32(limit)), ScanIndexForward: aws.Bool(false),
		KeyConditionExpression:    aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}},
		func(item item) (posts.Summary, bool, error) {
			var it postItem
			err := attributevalue.UnmarshalMap(item, &it)
			return it.post().Summary(), err == nil && !it.Hidden, err
		})
	if err != nil {
		if errors.Is(err, errCursor) {
			return posts.Page{}, err
		}
		return posts.Page{}, fmt.Errorf("%s: %w", op, err)
	}
	return posts.Page{Next: next, Posts: list}, nil
}

// Unanswered implements posts.Store.
func (s *Posts) Unanswered(ctx context.Context, spaceID, cursor string, limit int) (posts.Page, error) {
	return s.listed(ctx, "store.Unanswered", unansweredPK(spaceID), cursor, limit)
}

// TopIdeas implements posts.Store.
func (s *Posts) TopIdeas(ctx context.Context, spaceID, cursor string, limit int) (posts.Page, error) {
	return s.listed(ctx, "store.TopIdeas", ideasPK(spaceID), cursor, limit)
}

// feedItems are a summary's items in members' home streams: the entry, and the pin
// of an announcement.
func feedItems(sum posts.Summary, memberID string) []streamItem {
	items := []streamItem{newStreamItem(feedPK(memberID), streamSK(sum), typeStreamEntry, sum, sum.CreatedAt.Add(feedKept).Unix())}
	if sum.PinnedUntil != nil {
		items = append(items, newStreamItem(feedPK(memberID), pinSK(sum), typePin, sum, sum.PinnedUntil.Unix()))
	}
	return items
}

// AddToFeeds implements posts.FeedStore.
func (s *Posts) AddToFeeds(ctx context.Context, sum posts.Summary, memberIDs []string) error {
	reqs := make([]types.WriteRequest, 0, len(memberIDs))
	for _, id := range memberIDs {
		for _, it := range feedItems(sum, id) {
			item, err := attributevalue.MarshalMap(it)
			if err != nil {
				return fmt.Errorf("store.AddToFeeds: %w", err)
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("store.AddToFeeds %s: %w", sum.ID, err)
	}
	return nil
}

// ReplaceInFeeds implements posts.FeedStore: one BatchGetItem per 100 copies finds the
// members who hold one, then the copies are rewritten (25 per BatchWriteItem). Members
// who never got the post (they joined after it) do not get it now.
func (s *Posts) ReplaceInFeeds(ctx context.Context, sum posts.Summary, memberIDs []string) error {
	var keys []map[string]types.AttributeValue
	for _, id := range memberIDs {
		for _, it := range feedItems(sum, id) {
			keys = append(keys, key(it.PK, it.SK))
		}
	}
	held, err := s.batchGet(ctx, "store.ReplaceInFeeds", keys)
	if err != nil {
		return err
	}
	var reqs []types.WriteRequest
	for _, id := range memberIDs {
		for _, it := range feedItems(sum, id) {
			if _, ok := held[it.PK+"|"+it.SK]; !ok {
				continue
			}
			item, err := attributevalue.MarshalMap(it)
			if err != nil {
				return fmt.Errorf("store.ReplaceInFeeds: %w", err)
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("store.ReplaceInFeeds %s: %w", sum.ID, err)
	}
	return nil
}

// RemoveSpaceFromFeed implements posts.FeedStore: one Query of the member's home stream
// filtered on the space (every page: off the request path) and deletes, 25 per call.
func (s *Posts) RemoveSpaceFromFeed(ctx context.Context, memberID, spaceID string) error {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String(keysOnly),
		KeyConditionExpression: aws.String(pkIs), FilterExpression: aws.String("SpaceID = :s"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: feedPK(memberID)}, ":s": &types.AttributeValueMemberS{Value: spaceID}}})
	if err != nil {
		return fmt.Errorf("store.RemoveSpaceFromFeed: %w", err)
	}
	keys := make([]map[string]types.AttributeValue, len(items))
	for i, it := range items {
		keys[i] = map[string]types.AttributeValue{AttrPK: it[AttrPK], AttrSK: it[AttrSK]}
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return fmt.Errorf("store.RemoveSpaceFromFeed: %w", err)
	}
	return nil
}

// ForgetLeftSpace implements posts.FeedStore: one transaction, the membership checked
// (present when active, absent otherwise) and the space deleted from the member's
// LeftSpaces. A deleted account has no member item: nothing to forget.
func (s *Posts) ForgetLeftSpace(ctx context.Context, memberID, spaceID string, active bool) (bool, error) {
	still := itemAbsent
	if active {
		still = itemExists
	}
	const membershipAsSaid, memberExists = "membership", "member"
	err := s.txn().add(membershipAsSaid, s.check(key(spacePK(spaceID), activeMemberSK(memberID)), still, nil, nil)).
		add(memberExists, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
			UpdateExpression: aws.String("DELETE LeftSpaces :s"), ConditionExpression: aws.String(itemExists),
			ExpressionAttributeValues: map[string]types.AttributeValue{":s": &types.AttributeValueMemberSS{Value: []string{spaceID}}}}}).
		run(ctx)
	switch {
	case failed(err, membershipAsSaid):
		return false, nil
	case failed(err, memberExists):
		return true, nil
	case err != nil:
		return false, fmt.Errorf("store.ForgetLeftSpace: %w", err)
	}
	return true, nil
}

// RecentInSpace implements posts.FeedStore: two Queries of the space's stream, newest
// first, one for the dated entries (SK before "~"), one for the pins; pins that ended
// by now are left out.
func (s *Posts) RecentInSpace(ctx context.Context, spaceID string, limit int, now time.Time) ([]posts.Summary, error) {
	pk := &types.AttributeValueMemberS{Value: spacePostsPK(spaceID)}
	queries := []*dynamodb.QueryInput{
		{KeyConditionExpression: aws.String(pkIs + " AND " + AttrSK + " < :p"),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": pk, ":p": &types.AttributeValueMemberS{Value: datedBefore}}},
		{KeyConditionExpression: aws.String(pkIs + " AND " + skBeginsWith(":p")),
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": pk, ":p": &types.AttributeValueMemberS{Value: pinPrefix}}},
	}
	var out []posts.Summary
	for _, q := range queries {
		q.TableName, q.Limit, q.ScanIndexForward = aws.String(s.Table), aws.Int32(int32(limit)), aws.Bool(false)
		res, err := s.DB.Query(ctx, q)
		if err != nil {
			return nil, fmt.Errorf("store.RecentInSpace %s: %w", spaceID, err)
		}
		for _, item := range res.Items {
			var it streamItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, fmt.Errorf("store.RecentInSpace %s: %w", spaceID, err)
			}
			if it.Type == typePin && (it.PinnedUntil == nil || !it.PinnedUntil.After(now)) {
				continue
			}
			out = append(out, it.summary())
		}
	}
	return out, nil
}

// WriteFeed implements posts.FeedStore: BatchWriteItem, 25 per call; an entry already
// past the home stream's history (a long-pinned announcement's) is not written.
func (s *Posts) WriteFeed(ctx context.Context, memberID string, put, remove []posts.Summary) error {
	var reqs []types.WriteRequest
	now := time.Now()
	for _, sum := range put {
		for _, it := range feedItems(sum, memberID) {
			if it.ExpiresAt <= now.Unix() {
				continue
			}
			item, err := attributevalue.MarshalMap(it)
			if err != nil {
				return fmt.Errorf("store.WriteFeed: %w", err)
			}
			reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: item}})
		}
	}
	for _, sum := range remove {
		for _, it := range feedItems(sum, memberID) {
			reqs = append(reqs, types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: key(it.PK, it.SK)}})
		}
	}
	if err := s.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("store.WriteFeed %s: %w", memberID, err)
	}
	return nil
}

// RemoveFromFeeds implements posts.FeedStore.
func (s *Posts) RemoveFromFeeds(ctx context.Context, sum posts.Summary, memberIDs []string) error {
	var keys []map[string]types.AttributeValue
	for _, id := range memberIDs {
		for _, it := range feedItems(sum, id) {
			keys = append(keys, key(it.PK, it.SK))
		}
	}
	if err := s.batchDelete(ctx, keys); err != nil {
		return fmt.Errorf("store.RemoveFromFeeds %s: %w", sum.ID, err)
	}
	return nil
}

// LinkTicket records on a question the support ticket made from it.
func (s *Posts) LinkTicket(ctx context.Context, postID, ticketID string, number int64) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String("SET #TicketID = :t, #TicketNumber = :n"), ConditionExpression: aws.String(itemExists),
		ExpressionAttributeNames: namesIn("#TicketID #TicketNumber"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberS{Value: ticketID},
			":n": &types.AttributeValueMemberN{Value: fmt.Sprint(number)}}})
	if err != nil {
		return fmt.Errorf("store.LinkTicket %s: %w", postID, err)
	}
	return nil
}
