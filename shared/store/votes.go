package store

import (
	"context"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/eventtypes"
	"tribune/shared/posts"
)

const (
	typeVote     = "Vote"
	typeReaction = "Reaction"
)

// votePut records a member's vote on a post, once (the condition refuses a second).
func (s *Posts) votePut(postID, memberID, option string, now time.Time) (types.TransactWriteItem, error) {
	return s.put(map[string]any{AttrPK: postPK(postID), AttrSK: voteSK(memberID), AttrType: typeVote, "MemberID": memberID,
		"Option": option, "At": now.UTC().Format(time.RFC3339Nano),
		AttrGSI1PK: actsPK(memberID), AttrGSI1SK: actsSK(postPK(postID), voteSK(memberID))}, itemAbsent)
}

// VoteIdea implements posts.VoteStore. The count and the idea's place in the
// by-votes listing change together, conditioned on the count read before: a lost race
// gives ErrVoteCountMoved and the service retries on the fresh count.
func (s *Posts) VoteIdea(ctx context.Context, p posts.Post, memberID string, event eventtypes.Envelope) error {
	postID, seen := p.ID, p.Votes
	vote, err := s.votePut(postID, memberID, posts.IdeaVote, event.Time)
	if err != nil {
		return fmt.Errorf("store.VoteIdea: %w", err)
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.VoteIdea: %w", err)
	}
	// A hidden idea keeps its count but stays out of the listing; a deleted one takes no
	// vote (a deleted post is gone for every action).
	listed := "SET #Votes = :n, " + AttrGSI1SK + " = :sk"
	count := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String(listed), ConditionExpression: aws.String("#Votes = :seen AND #Kind = :idea AND " + notDeleted),
		ExpressionAttributeNames: namesIn(listed + " #Kind " + notDeleted),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":n": &types.AttributeValueMemberN{Value: strconv.Itoa(seen + 1)}, ":seen": &types.AttributeValueMemberN{Value: strconv.Itoa(seen)},
			":sk": &types.AttributeValueMemberS{Value: ideaSK(seen+1, p)}, ":idea": &types.AttributeValueMemberS{Value: posts.KindIdea},
			":deleted": &types.AttributeValueMemberBOOL{Value: true}}}}
	err = s.txn().add(condFirstVote, vote).add(condCountAsRead, count).add("", out).run(ctx)
	switch {
	case failed(err, condFirstVote):
		return fmt.Errorf("store.VoteIdea %s: %w", postID, posts.ErrAlreadyVoted)
	case failed(err, condCountAsRead), lostToConcurrent(err):
		return fmt.Errorf("store.VoteIdea %s: %w", postID, posts.ErrVoteCountMoved)
	case err != nil:
		return fmt.Errorf("store.VoteIdea %s: %w", postID, err)
	}
	return nil
}

// Names of the conditions of votes and reactions.
const (
	// condFirstVote: the member's vote (reaction) is not there yet (is there, to take it back).
	condFirstVote = "vote"
	condReaction  = "reaction"
	// condCountAsRead: the idea's count is the one read; condPollOpen: the poll takes the
	// option still; condStatusAsRead: the idea's status is the one read.
	condCountAsRead  = "count"
	condPollOpen     = "poll"
	condStatusAsRead = "status"
)

// VotePoll implements posts.VoteStore: one atomic increment of the option's tally,
// refused once the poll has closed.
func (s *Posts) VotePoll(ctx context.Context, postID, memberID, option string, event eventtypes.Envelope) error {
	vote, err := s.votePut(postID, memberID, option, event.Time)
	if err != nil {
		return fmt.Errorf("store.VotePoll: %w", err)
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.VotePoll: %w", err)
	}
	tally := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String("SET #Tally.#o = #Tally.#o + :one"),
		// ClosesAt is stored as RFC 3339 text in UTC whole seconds, so text order is time order.
		ConditionExpression:      aws.String("#Kind = :poll AND attribute_exists(#Tally.#o) AND (attribute_type(#ClosesAt, :null) OR #ClosesAt > :now)"),
		ExpressionAttributeNames: withNames(map[string]string{"#o": option}, "#Kind #Tally #ClosesAt"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"}, ":poll": &types.AttributeValueMemberS{Value: posts.KindPoll},
			":null": &types.AttributeValueMemberS{Value: "NULL"},
			":now":  &types.AttributeValueMemberS{Value: event.Time.UTC().Truncate(time.Second).Format(time.RFC3339)}}}}
	err = s.txn().add(condFirstVote, vote).add(condPollOpen, tally).add("", out).run(ctx)
	switch {
	case failed(err, condFirstVote):
		return fmt.Errorf("store.VotePoll %s: %w", postID, posts.ErrAlreadyVoted)
	case failed(err, condPollOpen):
		return fmt.Errorf("store.VotePoll %s: %w", postID, posts.ErrPollClosed)
	case err != nil:
		return fmt.Errorf("store.VotePoll %s: %w", postID, err)
	}
	return nil
}

// SetIdeaStatus implements posts.VoteStore: only from the status read, so that two
// changes at once tell the voters once each, never the same change twice.
func (s *Posts) SetIdeaStatus(ctx context.Context, p posts.Post, from string, event eventtypes.Envelope) error {
	postID, status := p.ID, p.IdeaStatus
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.SetIdeaStatus: %w", err)
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String("SET #IdeaStatus = :s"), ConditionExpression: aws.String("#Kind = :idea AND #IdeaStatus = :from AND " + notDeleted),
		ExpressionAttributeNames: namesIn("#IdeaStatus #Kind " + notDeleted),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":s": &types.AttributeValueMemberS{Value: status}, ":idea": &types.AttributeValueMemberS{Value: posts.KindIdea},
			":from": &types.AttributeValueMemberS{Value: from}, ":deleted": &types.AttributeValueMemberBOOL{Value: true}}}}
	t := s.txn().add(condStatusAsRead, update).add("", out)
	if !p.Hidden && !p.Deleted {
		// The space's and author's stream entries show the status too.
		t.with(s.entryPuts(p.Summary()))
	}
	err = t.run(ctx)
	if failed(err, condStatusAsRead) {
		return fmt.Errorf("store.SetIdeaStatus %s: %w", postID, posts.ErrUnchanged)
	}
	if err != nil {
		return fmt.Errorf("store.SetIdeaStatus %s: %w", postID, err)
	}
	return nil
}

// reactionCount changes one reaction's count on a post.
func (s *Posts) reactionCount(postID, reaction string, delta int) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String("SET #Reactions.#r = #Reactions.#r + :d"), ConditionExpression: aws.String("attribute_exists(#Reactions.#r)"),
		ExpressionAttributeNames:  withNames(map[string]string{"#r": reaction}, "#Reactions"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberN{Value: strconv.Itoa(delta)}}}}
}

// AddReaction implements posts.VoteStore: the member's reaction and the count, together.
func (s *Posts) AddReaction(ctx context.Context, postID, memberID, reaction string, events ...eventtypes.Envelope) error {
	put, err := s.put(map[string]any{AttrPK: postPK(postID), AttrSK: reactionSK(memberID, reaction), AttrType: typeReaction,
		"MemberID": memberID, "Reaction": reaction, "At": time.Now().UTC().Format(time.RFC3339Nano),
		AttrGSI1PK: actsPK(memberID), AttrGSI1SK: actsSK(postPK(postID), reactionSK(memberID, reaction))}, itemAbsent)
	if err != nil {
		return fmt.Errorf("store.AddReaction: %w", err)
	}
	err = s.txn().add(condReaction, put).add("", s.reactionCount(postID, reaction, 1)).with(s.outboxPuts(events)).run(ctx)
	if failed(err, condReaction) {
		return fmt.Errorf("store.AddReaction %s: %w", postID, posts.ErrAlreadyReacted)
	}
	if err != nil {
		return fmt.Errorf("store.AddReaction %s: %w", postID, err)
	}
	return nil
}

// RemoveReaction implements posts.VoteStore.
func (s *Posts) RemoveReaction(ctx context.Context, postID, memberID, reaction string) error {
	del := s.del(key(postPK(postID), reactionSK(memberID, reaction)), itemExists)
	err := s.txn().add(condReaction, del).add("", s.reactionCount(postID, reaction, -1)).run(ctx)
	if failed(err, condReaction) {
		return fmt.Errorf("store.RemoveReaction %s: %w", postID, posts.ErrNoReaction)
	}
	if err != nil {
		return fmt.Errorf("store.RemoveReaction %s: %w", postID, err)
	}
	return nil
}
