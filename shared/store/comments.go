package store

import (
	"context"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"tribune/shared/audit"
	"tribune/shared/content"
	"tribune/shared/eventtypes"
	"tribune/shared/posts"
	"tribune/shared/ratelimit"
)

const (
	typeComment  = "Comment"
	typeRevision = "Revision"
)

// commentItem is a Comment: what posts.Comment keeps (its reaction counts are top-level
// counters, R_<reaction>, read apart; the reader's own reactions and the author's avatar
// are answered, never stored).
type commentItem struct {
	PK, SK, Type string
	// GSI1 lists the comment among its author's acts (actsPK), for their export.
	GSI1PK, GSI1SK string `dynamodbav:",omitempty"`
	ID             string
	PostID         string
	ParentID       string
	Body           string
	HTML           string
	AuthorID       string
	AuthorName     string
	CreatedAt      time.Time
	EditedAt       *time.Time
	AuthorDeleted  bool
	AuthorStaff    bool
	Mentions       map[string]string `dynamodbav:",omitempty"`
	Deleted        bool
	Hidden         bool
	// ArticleID: the knowledge-base article made of this answer (knowledge.go).
	ArticleID string `dynamodbav:",omitempty"`
}

func newCommentItem(c posts.Comment) commentItem {
	return commentItem{PK: postPK(c.PostID), SK: commentSK(c), Type: typeComment,
		GSI1PK: actsPK(c.AuthorID), GSI1SK: actsSK(postPK(c.PostID), commentSK(c)), ID: c.ID, PostID: c.PostID, ParentID: c.ParentID,
		Body: c.Body, HTML: c.HTML, AuthorID: c.AuthorID, AuthorName: c.AuthorName, CreatedAt: c.CreatedAt, EditedAt: c.EditedAt,
		AuthorDeleted: c.AuthorDeleted, AuthorStaff: c.AuthorStaff, Mentions: c.Mentions, Deleted: c.Deleted, Hidden: c.Hidden,
		ArticleID: c.ArticleID}
}

func (it commentItem) comment() posts.Comment {
	return posts.Comment{ID: it.ID, PostID: it.PostID, ParentID: it.ParentID, Body: it.Body, HTML: it.HTML, AuthorID: it.AuthorID,
		AuthorName: it.AuthorName, CreatedAt: it.CreatedAt, EditedAt: it.EditedAt, AuthorDeleted: it.AuthorDeleted,
		AuthorStaff: it.AuthorStaff, Mentions: it.Mentions, Deleted: it.Deleted, Hidden: it.Hidden, ArticleID: it.ArticleID}
}

// revisionItem is a Revision: a text as it was before an edit (the names its mentions
// show are read with the history, never stored).
type revisionItem struct {
	PK, SK, Type string
	PostID       string
	CommentID    string
	Title        string
	Body         string
	EditedBy     string
	EditedAt     time.Time
}

func (it revisionItem) revision() posts.Revision {
	return posts.Revision{PostID: it.PostID, CommentID: it.CommentID, Title: it.Title, Body: it.Body, EditedBy: it.EditedBy, EditedAt: it.EditedAt}
}

// postCount adds delta to a post's comment count (an atomic ADD: exact under
// concurrent comments).
func (s *Comments) postCount(postID string, delta int) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String("ADD #Comments :d"), ConditionExpression: aws.String(itemExists),
		ExpressionAttributeNames:  namesIn("#Comments"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberN{Value: fmt.Sprint(delta)}}}}
}

// AddComment implements posts.CommentStore: the comment, an atomic ADD on the post's
// count and the events, in one transaction.
func (s *Comments) AddComment(ctx context.Context, c posts.Comment, events []eventtypes.Envelope, hits []ratelimit.Hit) error {
	put, err := s.put(newCommentItem(c), itemAbsent)
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
	count.Update.ConditionExpression = aws.String(itemExists + " AND " + notDeleted)
	count.Update.ExpressionAttributeNames = withNames(count.Update.ExpressionAttributeNames, notDeleted)
	count.Update.ExpressionAttributeValues[":deleted"] = &types.AttributeValueMemberBOOL{Value: true}
	const postLive = "post"
	err = s.txn().add("", put, pointer).add(postLive, count).add("", outs...).add("", credits...).
		add(condImage, s.Images().imageUpdates(shownInComment(c), "", c.Body, c.CreatedAt)...).
		underLimits(hits, c.CreatedAt, posts.ErrRateLimited).run(ctx)
	if failed(err, postLive) {
		return fmt.Errorf("store.AddComment %s: %w", c.ID, posts.ErrNoPost)
	}
	if failed(err, condImage) {
		return fmt.Errorf("store.AddComment %s: %w", c.ID, posts.ErrImage)
	}
	if err != nil {
		return fmt.Errorf("store.AddComment %s: %w", c.ID, err)
	}
	return nil
}

// GetComment implements posts.CommentStore (two reads: the pointer, then the comment).
func (s *Comments) GetComment(ctx context.Context, postID, commentID string) (posts.Comment, error) {
	var ptr struct{ CommentSK string }
	if err := s.get(ctx, "store.GetComment", postPK(postID), commentPointerSK(commentID), time.Now(), &ptr); err != nil {
		return posts.Comment{}, err
	}
	var it commentItem
	if err := s.get(ctx, "store.GetComment", postPK(postID), ptr.CommentSK, time.Now(), &it); err != nil {
		return posts.Comment{}, err
	}
	return it.comment(), nil
}

// reactionAttr is a comment's counter of one reaction: a top-level number, so ADD
// creates it on first use.
func reactionAttr(reaction string) string { return "R_" + reaction }

// A member's reactions to a post's comments are each an item (CommentReaction, for the
// count's condition and their export) and, together, one more: CommentReactionSet lists
// them ("<commentId>#<reaction>"), so a page of comments learns the reader's own by key,
// in the round trip of the session check (package prefetch), instead of a Query.
const (
	typeCommentReactionSet = "CommentReactionSet"
	attrReactionSet        = "Reactions"
	// attrCommentID: a Revision's comment (CommentHistory's filter).
	attrCommentID = "CommentID"
)

type commentReactionSetItem struct {
	PK, SK, Type string
	MemberID     string
	Reactions    []string `dynamodbav:",stringset,omitempty"`
}

// reactionSetEntry is one reaction in a CommentReactionSet.
func reactionSetEntry(commentID, reaction string) string { return commentID + "#" + reaction }

// myCommentReactions are a member's reactions to a post's comments, by comment: one
// read by key (prefetched with the session on the post's routes).
func (s *Comments) myCommentReactions(ctx context.Context, postID, memberID string) (map[string][]string, error) {
	if memberID == "" {
		return nil, nil
	}
	items, err := s.readKeys(ctx, "store.Comments", []map[string]types.AttributeValue{key(postPK(postID), commentReactionSetSK(memberID))})
	if err != nil || len(items) == 0 {
		return nil, err
	}
	var set commentReactionSetItem
	if err := attributevalue.UnmarshalMap(items[0], &set); err != nil {
		return nil, err
	}
	mine := map[string][]string{}
	for _, e := range set.Reactions {
		if i := strings.LastIndex(e, "#"); i > 0 {
			mine[e[:i]] = append(mine[e[:i]], e[i+1:])
		}
	}
	return mine, nil
}

// commentsOf converts comment items, with their counts and the reader's own reactions.
func commentsOf(items []map[string]types.AttributeValue, mine map[string][]string) ([]posts.Comment, error) {
	out := make([]posts.Comment, 0, len(items))
	for _, item := range items {
		var ci commentItem
		if err := attributevalue.UnmarshalMap(item, &ci); err != nil {
			return nil, err
		}
		it := ci.comment()
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
		out = append(out, it)
	}
	return out, nil
}

// withMyReactions reads comment items (read) and, at the same time, the member's own
// reactions to them.
func (s *Comments) withMyReactions(ctx context.Context, postID, memberID string, read func(context.Context) ([]map[string]types.AttributeValue, error)) ([]posts.Comment, error) {
	var items []map[string]types.AttributeValue
	var mine map[string][]string
	g, gctx := errgroup.WithContext(ctx)
	g.Go(func() (err error) {
		items, err = read(gctx)
		return err
	})
	g.Go(func() (err error) {
		mine, err = s.myCommentReactions(gctx, postID, memberID)
		return err
	})
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return commentsOf(items, mine)
}

// Comments implements posts.CommentStore: oldest first, with counts, and the member's
// own reactions (their CommentReactionSet, read with the session or beside the query).
func (s *Comments) Comments(ctx context.Context, postID, memberID string) ([]posts.Comment, error) {
	list, err := s.withMyReactions(ctx, postID, memberID, func(ctx context.Context) ([]map[string]types.AttributeValue, error) {
		return s.queryAll(ctx, queryPrefix(s.Table, postPK(postID), commentPrefix))
	})
	if err != nil {
		return nil, fmt.Errorf("store.Comments %s: %w", postID, err)
	}
	return list, nil
}

// CommentPage implements posts.CommentStore: one Query of at most limit comments, oldest
// first, from a signed cursor, with the member's own reactions read beside it.
func (s *Comments) CommentPage(ctx context.Context, postID, memberID, cursor string, limit int) ([]posts.Comment, string, error) {
	var next string
	list, err := s.withMyReactions(ctx, postID, memberID, func(ctx context.Context) (items []map[string]types.AttributeValue, err error) {
		in := queryPrefix(s.Table, postPK(postID), commentPrefix)
		in.Limit = aws.Int32(int32(limit))
		items, next, err = s.onePage(ctx, postPK(postID)+"/comments", cursor, in, nil)
		return items, err
	})
	if err != nil {
		return nil, "", fmt.Errorf("store.CommentPage %s: %w", postID, err)
	}
	return list, next, nil
}

// Names of the conditions of a reaction to a comment.
const (
	condReactionMark = "reaction"
	condCommentLive  = "comment"
)

// ReactToComment implements posts.CommentStore: the reaction's item, the comment's
// count and the member's CommentReactionSet, in one transaction.
func (s *Comments) ReactToComment(ctx context.Context, c posts.Comment, memberID, reaction string, add bool, events ...eventtypes.Envelope) error {
	sk := commentReactionSK(memberID, c.ID, reaction)
	t := s.txn()
	delta, setOp := "1", "ADD"
	if add {
		t.put(condReactionMark, map[string]any{AttrPK: postPK(c.PostID), AttrSK: sk, AttrType: typeCommentReaction, "MemberID": memberID,
			"CommentID": c.ID, "Reaction": reaction, "At": time.Now().UTC().Format(time.RFC3339Nano),
			AttrGSI1PK: actsPK(memberID), AttrGSI1SK: actsSK(postPK(c.PostID), sk)}, itemAbsent)
	} else {
		delta, setOp = "-1", "DELETE"
		t.add(condReactionMark, s.del(key(postPK(c.PostID), sk), itemExists))
	}
	t.add(condCommentLive, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentSK(c)),
		UpdateExpression: aws.String("ADD #r :d"), ConditionExpression: aws.String(itemExists),
		ExpressionAttributeNames:  map[string]string{"#r": reactionAttr(reaction)},
		ExpressionAttributeValues: map[string]types.AttributeValue{":d": &types.AttributeValueMemberN{Value: delta}}}})
	t.add("", types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentReactionSetSK(memberID)),
		UpdateExpression:         aws.String(setOp + " #set :e SET #t = :type, #m = :m"),
		ExpressionAttributeNames: map[string]string{"#set": attrReactionSet, "#t": AttrType, "#m": "MemberID"},
		ExpressionAttributeValues: map[string]types.AttributeValue{":e": &types.AttributeValueMemberSS{Value: []string{reactionSetEntry(c.ID, reaction)}},
			":type": &types.AttributeValueMemberS{Value: typeCommentReactionSet}, ":m": &types.AttributeValueMemberS{Value: memberID}}}})
	err := t.with(s.outboxPuts(events)).run(ctx)
	switch {
	case failed(err, condReactionMark) && add:
		return fmt.Errorf("store.ReactToComment %s: %w", c.ID, posts.ErrAlreadyReacted)
	case failed(err, condReactionMark):
		return fmt.Errorf("store.ReactToComment %s: %w", c.ID, posts.ErrNoReaction)
	case err != nil:
		return fmt.Errorf("store.ReactToComment %s: %w", c.ID, err)
	}
	return nil
}

// AcceptAnswer implements posts.CommentStore: the question leaves the unanswered list and
// its stream entries say it is answered. Accepting the answer already accepted writes
// nothing (posts.ErrUnchanged): its author is told once.
func (s *Comments) AcceptAnswer(ctx context.Context, p posts.Post, commentID string, event eventtypes.Envelope) error {
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.AcceptAnswer: %w", err)
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(p.ID),
		UpdateExpression:         aws.String("SET #AcceptedAnswer = :c REMOVE " + gsi1Keys),
		ConditionExpression:      aws.String(itemExists + " AND #Kind = :q AND NOT #AcceptedAnswer = :c AND " + notDeleted),
		ExpressionAttributeNames: namesIn("#AcceptedAnswer #Kind " + notDeleted),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":c": &types.AttributeValueMemberS{Value: commentID}, ":q": &types.AttributeValueMemberS{Value: posts.KindQuestion},
			":deleted": &types.AttributeValueMemberBOOL{Value: true}}}}
	const notYetAccepted = "question"
	t := s.txn().add(notYetAccepted, update).add("", out)
	if !p.Hidden && !p.Deleted {
		t.with(s.Posts().entryPuts(p.Summary()))
	}
	err = t.run(ctx)
	if failed(err, notYetAccepted) {
		return fmt.Errorf("store.AcceptAnswer %s: %w", p.ID, posts.ErrUnchanged)
	}
	if err != nil {
		return fmt.Errorf("store.AcceptAnswer %s: %w", p.ID, err)
	}
	return nil
}

// Names of the conditions of a change of a text: the text is still as the service read
// it (its body, for an edit; not deleted, hidden or not, for a deletion or a hide); the
// accepted answer a change withdraws is still the post's.
const (
	condTextAsRead    = "text"
	condCommentAsRead = "comment"
	condAnswerAsRead  = "answer"
)

// withdrawalName is the name of postChange's conditions: condAnswerAsRead when it
// withdraws an answer (its other writes have none), none for a count alone.
func withdrawalName(w *posts.Withdrawal) string {
	if w == nil {
		return ""
	}
	return condAnswerAsRead
}

// postChange is the update of a post's item that goes with a change of one of its
// comments: the count moves by delta and, when the comment was the accepted answer, the
// answer is withdrawn (only if it is still that answer: back in the unanswered list,
// stream entries rewritten, post.updated). One transaction touches the item once.
func (s *Comments) postChange(postID string, delta int, w *posts.Withdrawal) ([]types.TransactWriteItem, error) {
	if w == nil {
		if delta == 0 {
			return nil, nil
		}
		return []types.TransactWriteItem{s.postCount(postID, delta)}, nil
	}
	gsiPK, gsiSK := listing(w.Post)
	values := map[string]types.AttributeValue{":c": &types.AttributeValueMemberS{Value: w.Answer},
		":d": &types.AttributeValueMemberN{Value: fmt.Sprint(delta)}}
	expr := "REMOVE #AcceptedAnswer ADD #Comments :d"
	if gsiPK != "" {
		expr = "SET " + setGSI1(":g", ":k") + " " + expr
		values[":g"], values[":k"] = &types.AttributeValueMemberS{Value: gsiPK}, &types.AttributeValueMemberS{Value: gsiSK}
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String("#AcceptedAnswer = :c"),
		ExpressionAttributeNames: namesIn(expr), ExpressionAttributeValues: values}}
	out, err := s.outboxPut(w.Event)
	if err != nil {
		return nil, err
	}
	items := []types.TransactWriteItem{update, out}
	if !w.Post.Hidden && !w.Post.Deleted {
		puts, err := s.Posts().entryPuts(w.Post.Summary())
		if err != nil {
			return nil, err
		}
		items = append(items, puts...)
	}
	return items, nil
}

// revisionPut keeps a text as it was before an edit, in its post's partition.
func (s *Posts) revisionPut(r posts.Revision) (types.TransactWriteItem, error) {
	return s.put(revisionItem{PK: postPK(r.PostID), SK: revisionSK(r), Type: typeRevision, PostID: r.PostID, CommentID: r.CommentID,
		Title: r.Title, Body: r.Body, EditedBy: r.EditedBy, EditedAt: r.EditedAt}, "")
}

// mentionsSet adds to an edit's update expression the names the new text's mentions
// were rendered with (Mentions), or removes the old ones when it mentions nobody: the
// names shown, and the edit box's "@Name", follow the text, not the first version.
func mentionsSet(set string, names map[string]string) (string, map[string]types.AttributeValue, error) {
	values := map[string]types.AttributeValue{}
	if len(names) == 0 {
		return set + " REMOVE #Mentions", values, nil
	}
	m, err := attributevalue.Marshal(names)
	if err != nil {
		return "", nil, err
	}
	values[":mentions"] = m
	return set + ", #Mentions = :mentions", values, nil
}

// CommentHistory implements posts.CommentStore: the post's revisions (one query of its
// partition's REV# items), filtered to the comment's, oldest first. A post's revisions
// and its comments' share the partition, so the read costs the post's edits too: edits
// are few per post.
func (s *Comments) CommentHistory(ctx context.Context, postID, commentID string) ([]posts.Revision, error) {
	in := queryPrefix(s.Table, postPK(postID), revisionPrefix)
	in.FilterExpression = aws.String("#CommentID = :c")
	in.ExpressionAttributeNames = named(attrCommentID)
	in.ExpressionAttributeValues[":c"] = &types.AttributeValueMemberS{Value: commentID}
	items, err := s.queryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("store.CommentHistory %s: %w", commentID, err)
	}
	out := make([]posts.Revision, 0, len(items))
	for _, item := range items {
		var ri revisionItem
		if err := attributevalue.UnmarshalMap(item, &ri); err != nil {
			return nil, fmt.Errorf("store.CommentHistory %s: %w", commentID, err)
		}
		out = append(out, ri.revision())
	}
	return out, nil
}

// EditComment implements posts.CommentStore: only if the comment still has the text
// the service read (previous); otherwise posts.ErrUnchanged when it now has the text
// asked for (the same edit at the same moment), posts.ErrStaleRevision when not.
// events (the members the edit newly mentions) are recorded in the same transaction.
func (s *Comments) EditComment(ctx context.Context, c posts.Comment, previous posts.Revision, events []eventtypes.Envelope) error {
	rev, err := s.Posts().revisionPut(previous)
	if err != nil {
		return fmt.Errorf("store.EditComment: %w", err)
	}
	set, values, err := mentionsSet("SET #Body = :b, #HTML = :h, #EditedAt = :at", c.Mentions)
	if err != nil {
		return fmt.Errorf("store.EditComment: %w", err)
	}
	values[":b"], values[":h"] = &types.AttributeValueMemberS{Value: c.Body}, &types.AttributeValueMemberS{Value: c.HTML}
	values[":at"] = &types.AttributeValueMemberS{Value: c.EditedAt.UTC().Format(time.RFC3339Nano)}
	values[":pb"] = &types.AttributeValueMemberS{Value: previous.Body}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentSK(c)),
		UpdateExpression: aws.String(set), ConditionExpression: aws.String(itemExists + " AND #Body = :pb"),
		ExpressionAttributeNames: namesIn(set + " #Body"), ExpressionAttributeValues: values}}
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
	err = s.txn().add(condTextAsRead, items[0]).add("", items[1:]...).
		add(condImage, s.Images().imageUpdates(shownInComment(c), previous.Body, c.Body, *c.EditedAt)...).run(ctx)
	if failed(err, condTextAsRead) {
		if now, err := s.GetComment(ctx, c.PostID, c.ID); err == nil && now.Body == c.Body {
			return fmt.Errorf("store.EditComment %s: %w", c.ID, posts.ErrUnchanged)
		}
		return fmt.Errorf("store.EditComment %s: %w", c.ID, posts.ErrStaleRevision)
	}
	if err != nil {
		if failed(err, condImage) {
			err = posts.ErrImage
		}
		return fmt.Errorf("store.EditComment %s: %w", c.ID, err)
	}
	return nil
}

// DeleteComment implements posts.CommentStore. The count counts the comments members
// read: a hidden comment left it when it was hidden, so deleting it leaves it as is (the
// condition on Hidden keeps that exact if a moderator hides it meanwhile).
func (s *Comments) DeleteComment(ctx context.Context, c posts.Comment, entry audit.Entry, withdrawn *posts.Withdrawal, events ...eventtypes.Envelope) error {
	log, err := s.Moderation().auditPut(entry)
	if err != nil {
		return fmt.Errorf("store.DeleteComment: %w", err)
	}
	cond := itemExists + " AND NOT #Deleted = :t AND NOT #Hidden = :t"
	if c.Hidden {
		cond = itemExists + " AND NOT #Deleted = :t AND #Hidden = :t"
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(postPK(c.PostID), commentSK(c)),
		UpdateExpression: aws.String("SET #Deleted = :t, #Body = :e, #HTML = :e"), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: namesIn("#Deleted #Body #HTML #Hidden"),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":t": &types.AttributeValueMemberBOOL{Value: true}, ":e": &types.AttributeValueMemberS{Value: ""}}}}
	// A deleted comment shows no image any more.
	items := append([]types.TransactWriteItem{update, log, s.Moderation().queueDelete(c.ID)}, s.Images().imageUpdates(shownInComment(c), c.Body, "", entry.At)...)
	delta := -1
	if c.Hidden {
		delta = 0
	}
	withdraw, err := s.postChange(c.PostID, delta, withdrawn)
	if err != nil {
		return fmt.Errorf("store.DeleteComment: %w", err)
	}
	err = s.txn().add(condCommentAsRead, items[0]).add("", items[1:]...).add(withdrawalName(withdrawn), withdraw...).with(s.outboxPuts(events)).run(ctx)
	if failed(err, condCommentAsRead) {
		// Deleted (or hidden) by another request meanwhile: counted and logged once, there.
		return fmt.Errorf("store.DeleteComment %s: %w", c.ID, posts.ErrUnchanged)
	}
	if failed(err, condAnswerAsRead) {
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
func (s *Moderation) SetCommentHidden(ctx context.Context, c posts.Comment, hidden bool, entry audit.Entry, withdrawn *posts.Withdrawal, events ...eventtypes.Envelope) error {
	log, err := s.auditPut(entry)
	if err != nil {
		return fmt.Errorf("store.SetCommentHidden: %w", err)
	}
	cond, delta := itemExists+" AND NOT #Deleted = :t AND NOT #Hidden = :t", -1
	if !hidden {
		cond, delta = itemExists+" AND NOT #Deleted = :t AND #Hidden = :t", 1
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
	withdraw, err := s.Comments().postChange(c.PostID, delta, withdrawn)
	if err != nil {
		return fmt.Errorf("store.SetCommentHidden: %w", err)
	}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("store.SetCommentHidden: %w", err)
	}
	err = s.txn().add(condCommentAsRead, items[0]).add("", items[1:]...).add(withdrawalName(withdrawn), withdraw...).add("", outs...).run(ctx)
	switch {
	case failed(err, condCommentAsRead):
		// Already so, or deleted meanwhile: logged once, by the request that did it.
		return fmt.Errorf("store.SetCommentHidden %s: %w", c.ID, posts.ErrUnchanged)
	case failed(err, condAnswerAsRead):
		return fmt.Errorf("store.SetCommentHidden %s: %w", c.ID, posts.ErrStaleRevision)
	case err != nil:
		return fmt.Errorf("store.SetCommentHidden %s: %w", c.ID, err)
	}
	return nil
}

// PostPage implements posts.CommentStore: the post with the member's vote and reactions
// (prefetched with the session), the first page of its comments with the member's own
// reactions (one Query), and then, in one BatchGetItem, what the page reads next: its
// space and the member's place in it (the access check takes them) and the members it
// names (authors of the comments, members the texts mention: their names as they are now).
func (s *Comments) PostPage(ctx context.Context, postID, memberID string, limit int) (posts.Post, []posts.Comment, string, error) {
	p, err := s.Posts().postFor(ctx, postID, memberID)
	if err != nil {
		return posts.Post{}, nil, "", err
	}
	list, next, err := s.CommentPage(ctx, postID, memberID, "", limit)
	if err != nil {
		return posts.Post{}, nil, "", err
	}
	var ids []string
	add := func(id string) {
		if id != "" && !slices.Contains(ids, id) {
			ids = append(ids, id)
		}
	}
	addMentions := func(body string, names map[string]string) {
		if len(names) > 0 {
			for id := range names {
				add(id)
			}
		} else if strings.Contains(body, "@m_") {
			for _, id := range content.Mentions(body) {
				add(id)
			}
		}
	}
	addMentions(p.Body, p.Mentions)
	if !p.AuthorDeleted {
		add(p.AuthorID) // the byline's name as it is now
	}
	for _, c := range list {
		if !c.AuthorDeleted {
			add(c.AuthorID)
		}
		addMentions(c.Body, c.Mentions)
	}
	members := make([]map[string]types.AttributeValue, len(ids))
	for i, id := range ids {
		members[i] = key(memberPK(id), skProfile)
	}
	if err := s.preload(ctx, "store.PostPage "+postID, spaceKeys(p.SpaceID, memberID), members); err != nil {
		return posts.Post{}, nil, "", err
	}
	return p, list, next, nil
}
