package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/audit"
	"tribune/shared/eventtypes"
	"tribune/shared/posts"
	"tribune/shared/ratelimit"
)

const (
	typeComment  = "Comment"
	typeRevision = "Revision"
)

type commentItem struct {
	PK, SK, Type string
	// GSI1 lists the comment among its author's acts (actsPK), for their export.
	GSI1PK, GSI1SK string `dynamodbav:",omitempty"`
	posts.Comment
}

// postCount adds delta to a post's comment count (an atomic ADD: exact under
// concurrent comments).
func (s *Store) postCount(postID string, delta int) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String("ADD Comments :d"), ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberN{Value: fmt.Sprint(delta)}}}}
}

// AddComment implements posts.CommentStore: the comment, an atomic ADD on the post's
// count and the events, in one transaction.
func (s *Store) AddComment(ctx context.Context, c posts.Comment, events []eventtypes.Envelope, hits []ratelimit.Hit) error {
	put, err := s.put(commentItem{PK: postPK(c.PostID), SK: commentSK(c), Type: typeComment, Comment: c,
		GSI1PK: actsPK(c.AuthorID), GSI1SK: actsSK(postPK(c.PostID), commentSK(c))}, "attribute_not_exists(PK)")
	if err != nil {
		return fmt.Errorf("store.AddComment: %w", err)
	}
	// The comment id also points at its sort key, so a reply can find its parent.
	pointer, err := s.put(map[string]any{AttrPK: postPK(c.PostID), AttrSK: commentPointerSK(c.ID), AttrType: "CommentPointer", "CommentSK": commentSK(c)}, "")
	if err != nil {
		return fmt.Errorf("store.AddComment: %w", err)
	}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("store.AddComment: %w", err)
	}
	credits, err := s.creditPuts(postPK(c.PostID), textCredits(c.AuthorID, c.Body)...)
	if err != nil {
		return fmt.Errorf("store.AddComment: %w", err)
	}
	// The post takes the comment only while it is not deleted.
	count := s.postCount(c.PostID, 1)
	count.Update.ConditionExpression = aws.String("attribute_exists(PK) AND " + notDeleted)
	count.Update.ExpressionAttributeNames = map[string]string{"#Deleted": "Deleted"}
	count.Update.ExpressionAttributeValues[":deleted"] = &types.AttributeValueMemberBOOL{Value: true}
	items := append(append([]types.TransactWriteItem{put, pointer, count}, outs...), credits...)
	images := s.imageUpdates(shownInComment(c), "", c.Body, c.CreatedAt)
	err = s.writeUnderLimits(ctx, hits, c.CreatedAt, posts.ErrRateLimited, append(items, images...)...)
	var canceled *types.TransactionCanceledException
	if errors.As(err, &canceled) && conditionFailed(canceled.CancellationReasons, len(hits)+2) {
		return fmt.Errorf("store.AddComment %s: %w", c.ID, posts.ErrNoPost)
	}
	if imageFailed(err, len(hits)+len(items), len(images)) {
		return fmt.Errorf("store.AddComment %s: %w", c.ID, posts.ErrImage)
	}
	if err != nil {
		return fmt.Errorf("store.AddComment %s: %w", c.ID, err)
	}
	return nil
}

// GetComment implements posts.CommentStore (two reads: the pointer, then the comment).
func (s *Store) GetComment(ctx context.Context, postID, commentID string) (posts.Comment, error) {
	var ptr struct{ CommentSK string }
	if err := s.get(ctx, "store.GetComment", postPK(postID), commentPointerSK(commentID), time.Now(), &ptr); err != nil {
		return posts.Comment{}, err
	}
	var it commentItem
	if err := s.get(ctx, "store.GetComment", postPK(postID), ptr.CommentSK, time.Now(), &it); err != nil {
		return posts.Comment{}, err
	}
	return it.Comment, nil
}

// reactionAttr is a comment's counter of one reaction: a top-level number, so ADD
// creates it on first use.
func reactionAttr(reaction string) string { return "R_" + reaction }

// Comments implements posts.CommentStore: oldest first, with counts, and the member's
// own reactions (a second query, for signed-in readers only).
func (s *Store) Comments(ctx context.Context, postID, memberID string) ([]posts.Comment, error) {
	items, err := s.queryAll(ctx, queryPrefix(s.Table, postPK(postID), commentPrefix))
	if err != nil {
		return nil, fmt.Errorf("store.Comments %s: %w", postID, err)
	}
	mine := map[string][]string{}
	if memberID != "" {
		reacted, err := s.queryAll(ctx, queryPrefix(s.Table, postPK(postID), commentReactionPrefix(memberID), "CommentID", "Reaction"))
		if err != nil {
			return nil, fmt.Errorf("store.Comments %s: %w", postID, err)
		}
		for _, r := range reacted {
			var it struct{ CommentID, Reaction string }
			if err := attributevalue.UnmarshalMap(r, &it); err != nil {
				return nil, fmt.Errorf("store.Comments %s: %w", postID, err)
			}
			mine[it.CommentID] = append(mine[it.CommentID], it.Reaction)
		}
	}
	out := make([]posts.Comment, 0, len(items))
	for _, item := range items {
		var it commentItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Comments %s: %w", postID, err)
		}
		it.Reactions = make(map[string]int, len(posts.Reactions))
		for _, r := range posts.Reactions {
			var n int
			if v, ok := item[reactionAttr(r)]; ok {
				_ = attributevalue.Unmarshal(v, &n)
			}
			it.Reactions[r] = n
			if slices.Contains(mine[it.ID], r) {
				it.MyReactions = append(it.MyReactions, r)
			}
		}
		out = append(out, it.Comment)
	}
	return out, nil
}

// ReactToComment implements posts.CommentStore.
func (s *Store) ReactToComment(ctx context.Context, c posts.Comment, memberID, reaction string, add bool) error {
	sk := commentReactionSK(memberID, c.ID, reaction)
	var mark types.TransactWriteItem
	delta := "1"
	if add {
		put, err := s.put(map[string]any{AttrPK: postPK(c.PostID), AttrSK: sk, AttrType: typeCommentReaction, "MemberID": memberID,
			"CommentID": c.ID, "Reaction": reaction, "At": time.Now().UTC().Format(time.RFC3339Nano),
			AttrGSI1PK: actsPK(memberID), AttrGSI1SK: actsSK(postPK(c.PostID), sk)}, "attribute_not_exists(PK)")
		if err != nil {
			return fmt.Errorf("store.ReactToComment: %w", err)
		}
		mark = put
	} else {
		delta = "-1"
		mark = types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), sk),
			ConditionExpression: aws.String("attribute_exists(PK)")}}
	}
	count := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentSK(c)),
		UpdateExpression: aws.String("ADD #r :d"), ConditionExpression: aws.String("attribute_exists(PK)"),
		ExpressionAttributeNames:  map[string]string{"#r": reactionAttr(reaction)},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberN{Value: delta}}}}
	reasons, err := s.transact(ctx, []types.TransactWriteItem{mark, count})
	switch {
	case conditionFailed(reasons, 0) && add:
		return fmt.Errorf("store.ReactToComment %s: %w", c.ID, posts.ErrAlreadyReacted)
	case conditionFailed(reasons, 0):
		return fmt.Errorf("store.ReactToComment %s: %w", c.ID, posts.ErrNoReaction)
	case err != nil:
		return fmt.Errorf("store.ReactToComment %s: %w", c.ID, err)
	}
	return nil
}

// AcceptAnswer implements posts.CommentStore: the question leaves the unanswered list and
// its stream entries say it is answered. Accepting the answer already accepted writes
// nothing (posts.ErrUnchanged): its author is told once.
func (s *Store) AcceptAnswer(ctx context.Context, p posts.Post, commentID string, event eventtypes.Envelope) error {
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.AcceptAnswer: %w", err)
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(p.ID),
		UpdateExpression:         aws.String("SET AcceptedAnswer = :c REMOVE GSI1PK, GSI1SK"),
		ConditionExpression:      aws.String("attribute_exists(PK) AND #k = :q AND NOT AcceptedAnswer = :c AND " + notDeleted),
		ExpressionAttributeNames: map[string]string{"#k": "Kind", "#Deleted": "Deleted"},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":c": &types.AttributeValueMemberS{Value: commentID}, ":q": &types.AttributeValueMemberS{Value: posts.KindQuestion},
			":deleted": &types.AttributeValueMemberBOOL{Value: true}}}}
	items := []types.TransactWriteItem{update, out}
	if !p.Hidden && !p.Deleted {
		puts, err := s.entryPuts(p.Summary())
		if err != nil {
			return fmt.Errorf("store.AcceptAnswer: %w", err)
		}
		items = append(items, puts...)
	}
	reasons, err := s.transact(ctx, items)
	if conditionFailed(reasons, 0) {
		return fmt.Errorf("store.AcceptAnswer %s: %w", p.ID, posts.ErrUnchanged)
	}
	if err != nil {
		return fmt.Errorf("store.AcceptAnswer %s: %w", p.ID, err)
	}
	return nil
}

// postChange is the update of a post's item that goes with a change of one of its
// comments: the count moves by delta and, when the comment was the accepted answer, the
// answer is withdrawn (only if it is still that answer: back in the unanswered list,
// stream entries rewritten, post.updated). One transaction touches the item once.
func (s *Store) postChange(postID string, delta int, w *posts.Withdrawal) ([]types.TransactWriteItem, error) {
	if w == nil {
		if delta == 0 {
			return nil, nil
		}
		return []types.TransactWriteItem{s.postCount(postID, delta)}, nil
	}
	gsiPK, gsiSK := listing(w.Post)
	values := map[string]types.AttributeValue{":c": &types.AttributeValueMemberS{Value: w.Answer},
		":d": &types.AttributeValueMemberN{Value: fmt.Sprint(delta)}}
	expr := "REMOVE AcceptedAnswer ADD Comments :d"
	if gsiPK != "" {
		expr = "SET GSI1PK = :g, GSI1SK = :k " + expr
		values[":g"], values[":k"] = &types.AttributeValueMemberS{Value: gsiPK}, &types.AttributeValueMemberS{Value: gsiSK}
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String("AcceptedAnswer = :c"), ExpressionAttributeValues: values}}
	out, err := s.outboxPut(w.Event)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{update, out}
	if !w.Post.Hidden && !w.Post.Deleted {
		puts, err := s.entryPuts(w.Post.Summary())
		if err != nil {
			return nil, err
		}
		items = append(items, puts...)
	}
	return items, nil
}

// revisionPut keeps a text as it was before an edit, in its post's partition.
func (s *Store) revisionPut(r posts.Revision) (types.TransactWriteItem, error) {
	return s.put(struct {
		PK, SK, Type string
		posts.Revision
	}{PK: postPK(r.PostID), SK: revisionSK(r), Type: typeRevision, Revision: r}, "")
}

// mentionsSet adds to an edit's update expression the names the new text's mentions
// were rendered with (Mentions), or removes the old ones when it mentions nobody: the
// names shown, and the edit box's "@Name", follow the text, not the first version.
func mentionsSet(set string, names map[string]string) (string, map[string]types.AttributeValue, error) {
	values := map[string]types.AttributeValue{}
	if len(names) == 0 {
		return set + " REMOVE Mentions", values, nil
	}
	m, err := attributevalue.Marshal(names)
	if err != nil {
		return "", nil, err
	}
	values[":mentions"] = m
	return set + ", Mentions = :mentions", values, nil
}

// CommentHistory implements posts.CommentStore: the post's revisions (one query of its
// partition's REV# items), filtered to the comment's, oldest first. A post's revisions
// and its comments' share the partition, so the read costs the post's edits too: edits
// are few per post.
func (s *Store) CommentHistory(ctx context.Context, postID, commentID string) ([]posts.Revision, error) {
	in := queryPrefix(s.Table, postPK(postID), revisionPrefix)
	in.FilterExpression = aws.String("CommentID = :c")
	in.ExpressionAttributeValues[":c"] = &types.AttributeValueMemberS{Value: commentID}
	items, err := s.queryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("store.CommentHistory %s: %w", commentID, err)
	}
	out := make([]posts.Revision, 0, len(items))
	for _, item := range items {
		var r posts.Revision
		if err := attributevalue.UnmarshalMap(item, &r); err != nil {
			return nil, fmt.Errorf("store.CommentHistory %s: %w", commentID, err)
		}
		out = append(out, r)
	}
	return out, nil
}

// EditComment implements posts.CommentStore: only if the comment still has the text
// the service read (previous); otherwise posts.ErrUnchanged when it now has the text
// asked for (the same edit at the same moment), posts.ErrStaleRevision when not.
// events (the members the edit newly mentions) are recorded in the same transaction.
func (s *Store) EditComment(ctx context.Context, c posts.Comment, previous posts.Revision, events []eventtypes.Envelope) error {
	rev, err := s.revisionPut(previous)
	if err != nil {
		return fmt.Errorf("store.EditComment: %w", err)
	}
	set, values, err := mentionsSet("SET #Body = :b, HTML = :h, EditedAt = :at", c.Mentions)
	if err != nil {
		return fmt.Errorf("store.EditComment: %w", err)
	}
	values[":b"], values[":h"] = &types.AttributeValueMemberS{Value: c.Body}, &types.AttributeValueMemberS{Value: c.HTML}
	values[":at"] = &types.AttributeValueMemberS{Value: c.EditedAt.UTC().Format(time.RFC3339Nano)}
	values[":pb"] = &types.AttributeValueMemberS{Value: previous.Body}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentSK(c)),
		UpdateExpression: aws.String(set), ConditionExpression: aws.String("attribute_exists(PK) AND #Body = :pb"),
		ExpressionAttributeNames: namesIn("#Body"), ExpressionAttributeValues: values}}
	credits, err := s.creditPuts(postPK(c.PostID), textCredits("", c.Body)...)
	if err != nil {
		return fmt.Errorf("store.EditComment: %w", err)
	}
	items := append([]types.TransactWriteItem{update, rev}, credits...)
	for _, event := range events {
		out, err := s.outboxPut(event)
		if err != nil {
			return fmt.Errorf("store.EditComment: %w", err)
		}
		items = append(items, out)
	}
	images := s.imageUpdates(shownInComment(c), previous.Body, c.Body, *c.EditedAt)
	reasons, err := s.transact(ctx, append(items, images...))
	if conditionFailed(reasons, 0) {
		if now, err := s.GetComment(ctx, c.PostID, c.ID); err == nil && now.Body == c.Body {
			return fmt.Errorf("store.EditComment %s: %w", c.ID, posts.ErrUnchanged)
		}
		return fmt.Errorf("store.EditComment %s: %w", c.ID, posts.ErrStaleRevision)
	}
	if err != nil {
		if imageFailed(err, len(items), len(images)) {
			err = posts.ErrImage
		}
		return fmt.Errorf("store.EditComment %s: %w", c.ID, err)
	}
	return nil
}

// DeleteComment implements posts.CommentStore. The count counts the comments members
// read: a hidden comment left it when it was hidden, so deleting it leaves it as is (the
// condition on Hidden keeps that exact if a moderator hides it meanwhile).
func (s *Store) DeleteComment(ctx context.Context, c posts.Comment, entry audit.Entry, withdrawn *posts.Withdrawal) error {
	log, err := s.auditPut(entry)
	if err != nil {
		return fmt.Errorf("store.DeleteComment: %w", err)
	}
	cond := "attribute_exists(PK) AND NOT #Deleted = :t AND NOT #Hidden = :t"
	if c.Hidden {
		cond = "attribute_exists(PK) AND NOT #Deleted = :t AND #Hidden = :t"
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentSK(c)),
		UpdateExpression: aws.String("SET #Deleted = :t, #Body = :e, HTML = :e"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: namesIn("#Deleted #Body #Hidden"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":t": &types.AttributeValueMemberBOOL{Value: true}, ":e": &types.AttributeValueMemberS{Value: ""}}}}
	// A deleted comment shows no image any more.
	items := append([]types.TransactWriteItem{update, log, s.queueDelete(c.ID)}, s.imageUpdates(shownInComment(c), c.Body, "", entry.At)...)
	delta := -1
	if c.Hidden {
		delta = 0
	}
	withdraw, err := s.postChange(c.PostID, delta, withdrawn)
	if err != nil {
		return fmt.Errorf("store.DeleteComment: %w", err)
	}
	reasons, err := s.transact(ctx, append(items, withdraw...))
	if conditionFailed(reasons, 0) {
		// Deleted (or hidden) by another request meanwhile: counted and logged once, there.
		return fmt.Errorf("store.DeleteComment %s: %w", c.ID, posts.ErrUnchanged)
	}
	if withdrawn != nil && conditionFailed(reasons, len(items)) {
		return fmt.Errorf("store.DeleteComment %s: %w", c.ID, posts.ErrStaleRevision)
	}
	if err != nil {
		return fmt.Errorf("store.DeleteComment %s: %w", c.ID, err)
	}
	return nil
}

// SetCommentHidden implements posts.ModerationStore: the change happens only if the
// comment is not already so and not deleted, so the post's count (which leaves hidden
// comments out) moves once per change, however many moderators click at once.
func (s *Store) SetCommentHidden(ctx context.Context, c posts.Comment, hidden bool, entry audit.Entry, withdrawn *posts.Withdrawal, events ...eventtypes.Envelope) error {
	log, err := s.auditPut(entry)
	if err != nil {
		return fmt.Errorf("store.SetCommentHidden: %w", err)
	}
	cond, delta := "attribute_exists(PK) AND NOT #Deleted = :t AND NOT #Hidden = :t", -1
	if !hidden {
		cond, delta = "attribute_exists(PK) AND NOT #Deleted = :t AND #Hidden = :t", 1
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentSK(c)),
		UpdateExpression: aws.String("SET #Hidden = :h"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: namesIn("#Hidden #Deleted"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":h": &types.AttributeValueMemberBOOL{Value: hidden},
			":t": &types.AttributeValueMemberBOOL{Value: true}}}}
	items := []types.TransactWriteItem{update, log}
	if hidden {
		items = append(items, s.queueDelete(c.ID))
	}
	withdraw, err := s.postChange(c.PostID, delta, withdrawn)
	if err != nil {
		return fmt.Errorf("store.SetCommentHidden: %w", err)
	}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("store.SetCommentHidden: %w", err)
	}
	reasons, err := s.transact(ctx, append(append(items, withdraw...), outs...))
	switch {
	case conditionFailed(reasons, 0):
		// Already so, or deleted meanwhile: logged once, by the request that did it.
		return fmt.Errorf("store.SetCommentHidden %s: %w", c.ID, posts.ErrUnchanged)
	case withdrawn != nil && conditionFailed(reasons, len(items)):
		return fmt.Errorf("store.SetCommentHidden %s: %w", c.ID, posts.ErrStaleRevision)
	case err != nil:
		return fmt.Errorf("store.SetCommentHidden %s: %w", c.ID, err)
	}
	return nil
}
