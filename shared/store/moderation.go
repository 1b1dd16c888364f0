package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
	"golang.org/x/sync/errgroup"

	"tribune/shared/audit"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/posts"
)

const (
	typeAudit     = "AuditEntry"
	typeReport    = "Report"
	typeQueueItem = "QueueItem"
)

// Attributes of a QueueItem (and a Report's Note) that expressions name (AuthorDeleted:
// attrAuthorDeleted).
const (
	attrFirstAt = "FirstAt"
	attrReports = "Reports"
	attrReasons = "Reasons"
	attrNote    = "Note"
)

// auditItem is an AuditEntry: what audit.Entry keeps of a moderator action (the names,
// titles and redaction a reader sees are read with the log, never stored).
type auditItem struct {
	PK, SK, Type string
	At           time.Time
	ActorID      string
	Action       string
	TargetType   string
	TargetID     string
	PostID       string
	SubjectID    string
	Reason       string
	FromSpaceID  string
	ToSpaceID    string
}

func newAuditItem(e audit.Entry) auditItem {
	return auditItem{PK: pkAudit, SK: auditSK(e.At, rand.Text()[:8]), Type: typeAudit, At: e.At, ActorID: e.ActorID, Action: e.Action,
		TargetType: e.TargetType, TargetID: e.TargetID, PostID: e.PostID, SubjectID: e.SubjectID, Reason: e.Reason,
		FromSpaceID: e.FromSpaceID, ToSpaceID: e.ToSpaceID}
}

func (it auditItem) entry() audit.Entry {
	return audit.Entry{At: it.At, ActorID: it.ActorID, Action: it.Action, TargetType: it.TargetType, TargetID: it.TargetID,
		PostID: it.PostID, SubjectID: it.SubjectID, Reason: it.Reason, FromSpaceID: it.FromSpaceID, ToSpaceID: it.ToSpaceID}
}

// auditPut writes a moderation log entry, for the transaction of the action it logs.
func (s *Moderation) auditPut(e audit.Entry) (types.TransactWriteItem, error) {
	return s.put(newAuditItem(e), "")
}

// queueDelete takes content out of the moderation queue (nothing happens if absent).
func (s *Moderation) queueDelete(targetID string) types.TransactWriteItem {
	return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: queueKey(targetID)}}
}

// FileReport implements posts.ModerationStore: the report (once per member), the queue
// item (created by the first report, counted by every one) and content.reported.
func (s *Moderation) FileReport(ctx context.Context, r posts.Report, q posts.QueueItem, event eventtypes.Envelope) error {
	report, err := s.put(struct {
		PK, SK, Type   string
		GSI1PK, GSI1SK string // the reporter's acts (actsPK), for their export
		posts.Report
	}{PK: reportsPK(r.TargetID), SK: reportSK(r.ReporterID), Type: typeReport, Report: r,
		GSI1PK: actsPK(r.ReporterID), GSI1SK: actsSK(reportsPK(r.TargetID), reportSK(r.ReporterID))}, itemAbsent)
	if err != nil {
		return fmt.Errorf("store.FileReport: %w", err)
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.FileReport: %w", err)
	}
	first := q.FirstAt.UTC().Format(time.RFC3339Nano)
	values := map[string]types.AttributeValue{
		":q": &types.AttributeValueMemberS{Value: queueIndexPK}, ":k": &types.AttributeValueMemberS{Value: queueSK(first, q.TargetID)},
		":type": &types.AttributeValueMemberS{Value: typeQueueItem}, ":one": &types.AttributeValueMemberN{Value: "1"},
		":reason": &types.AttributeValueMemberSS{Value: []string{r.Reason}}, ":first": &types.AttributeValueMemberS{Value: first},
	}
	set := "SET #GSI1PK = :q, #GSI1SK = if_not_exists(#GSI1SK, :k), #Type = :type, #FirstAt = if_not_exists(#FirstAt, :first), #AuthorDeleted = :deleted"
	names := named(AttrGSI1PK, AttrGSI1SK, AttrType, attrFirstAt, attrAuthorDeleted, attrReports, attrReasons)
	values[":deleted"] = &types.AttributeValueMemberBOOL{Value: q.AuthorDeleted}
	fields := map[string]string{"TargetID": q.TargetID, "PostID": q.PostID, "CommentID": q.CommentID, "SpaceID": q.SpaceID,
		"SpaceName": q.SpaceName, "Title": q.Title, "Excerpt": q.Excerpt, "AuthorID": q.AuthorID, "AuthorName": q.AuthorName}
	for name, v := range fields {
		set += fmt.Sprintf(", #%s = :%s", name, name)
		names["#"+name] = name
		values[":"+name] = &types.AttributeValueMemberS{Value: v}
	}
	queue := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: queueKey(q.TargetID),
		UpdateExpression: aws.String(set + " ADD #Reports :one, #Reasons :reason"), ExpressionAttributeNames: names,
		ExpressionAttributeValues: values}}
	const firstReport = "report"
	err = s.txn().add(firstReport, report).add("", queue, out).run(ctx)
	if failed(err, firstReport) {
		return fmt.Errorf("store.FileReport %s: %w", r.TargetID, posts.ErrAlreadyReported)
	}
	if err != nil {
		return fmt.Errorf("store.FileReport %s: %w", r.TargetID, err)
	}
	return nil
}

// ModerationQueue implements posts.ModerationStore: one GSI1 query, oldest first.
func (s *Moderation) ModerationQueue(ctx context.Context, cursor string, limit int) (posts.Queue, error) {
	list, next, err := pageOf(ctx, s.Store, queueIndexPK, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: queueIndexPK}}},
		func(item item) (posts.QueueItem, bool, error) {
			var it posts.QueueItem
			err := attributevalue.UnmarshalMap(item, &it)
			return it, true, err
		})
	if err != nil {
		if errors.Is(err, errCursor) {
			return posts.Queue{}, err
		}
		return posts.Queue{}, fmt.Errorf("store.ModerationQueue: %w", err)
	}
	q := posts.Queue{Next: next, Items: list}
	return q, nil
}

// ReportNotes implements posts.ModerationStore: for each target one query of its
// reports (REPORTS#<target>, SK BY#...) keeping those with a note, up to 8 queries at
// once. A target's reports are one per member; a page of the queue reads at most
// posts.QueuePage*posts.QueueScan targets' reports this way.
func (s *Moderation) ReportNotes(ctx context.Context, targetIDs []string, limit int) (map[string][]posts.Report, error) {
	out := make(map[string][]posts.Report, len(targetIDs))
	var mu sync.Mutex
	g, ctx := errgroup.WithContext(ctx)
	g.SetLimit(8)
	for _, id := range targetIDs {
		g.Go(func() error {
			in := queryPrefix(s.Table, reportsPK(id), reportPrefix)
			in.FilterExpression = aws.String("attribute_exists(#Note) AND #Note <> :empty")
			in.ExpressionAttributeNames = named(attrNote)
			in.ExpressionAttributeValues[":empty"] = &types.AttributeValueMemberS{Value: ""}
			items, err := s.queryAll(ctx, in)
			if err != nil {
				return fmt.Errorf("store.ReportNotes %s: %w", id, err)
			}
			var list []posts.Report
			for _, item := range items {
				var r posts.Report
				if err := attributevalue.UnmarshalMap(item, &r); err != nil {
					return fmt.Errorf("store.ReportNotes %s: %w", id, err)
				}
				list = append(list, r)
			}
			// Oldest first: the SK orders by reporter, not by time.
			slices.SortFunc(list, func(a, b posts.Report) int { return a.At.Compare(b.At) })
			if len(list) > limit {
				list = list[:limit]
			}
			mu.Lock()
			out[id] = list
			mu.Unlock()
			return nil
		})
	}
	if err := g.Wait(); err != nil {
		return nil, err
	}
	return out, nil
}

// QueueEntry implements posts.ModerationStore: one read.
func (s *Moderation) QueueEntry(ctx context.Context, targetID string) (posts.QueueItem, error) {
	var it posts.QueueItem
	err := s.get(ctx, "store.QueueEntry", reportsPK(targetID), skQueue, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		err = fmt.Errorf("store.QueueEntry %s: %w", targetID, posts.ErrNoReports)
	}
	return it, err
}

// Dismiss implements posts.ModerationStore.
func (s *Moderation) Dismiss(ctx context.Context, targetID string, entry audit.Entry) error {
	log, err := s.auditPut(entry)
	if err != nil {
		return fmt.Errorf("store.Dismiss: %w", err)
	}
	del := s.queueDelete(targetID)
	del.Delete.ConditionExpression = aws.String(itemExists)
	const queued = "queued"
	err = s.txn().add(queued, del).add("", log).run(ctx)
	if failed(err, queued) {
		return fmt.Errorf("store.Dismiss %s: %w", targetID, posts.ErrNoReports)
	}
	if err != nil {
		return fmt.Errorf("store.Dismiss %s: %w", targetID, err)
	}
	return nil
}

// notDeleted is the condition of every change to a post but its deletion: a deleted
// post is gone for every action, so a change that raced with the deletion writes
// nothing (no audit entry, no event) and the service answers 404.
const notDeleted = "NOT #Deleted = :deleted"

// postUpdateIf builds an update of a post item that happens only if the post exists
// and meets condition (none when empty).
func (s *Posts) postUpdateIf(postID, expr, condition string, values map[string]types.AttributeValue) types.TransactWriteItem {
	cond := itemExists
	if condition != "" {
		cond += " AND " + condition
	}
	if strings.Contains(condition, notDeleted) {
		values[":deleted"] = &types.AttributeValueMemberBOOL{Value: true}
	}
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: postKey(postID),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond),
		ExpressionAttributeNames: namesIn(expr + " " + condition), ExpressionAttributeValues: values}}
}

// condNotSoYet names the condition of a moderator's change: the content is not in the
// asked state already.
const condNotSoYet = "change"

// moderate runs a moderator's change with its audit entry and events. The change is
// items[0], conditioned on the content not being in the asked state already: when that
// condition fails (a repeat, or the same action at the same moment), nothing is
// written, no entry, no event, and moderate answers posts.ErrUnchanged.
func (s *Moderation) moderate(ctx context.Context, op string, entry audit.Entry, events []eventtypes.Envelope, items ...types.TransactWriteItem) error {
	log, err := s.auditPut(entry)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("%s: %w", op, err)
	}
	t := s.txn()
	if len(items) > 0 {
		t.add(condNotSoYet, items[0]).add("", items[1:]...)
	}
	err = t.add("", log).add("", outs...).run(ctx)
	if failed(err, condNotSoYet) {
		return fmt.Errorf("%s %s: %w", op, entry.TargetID, posts.ErrUnchanged)
	}
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, entry.TargetID, err)
	}
	return nil
}

// SetPostHidden implements posts.ModerationStore.
func (s *Moderation) SetPostHidden(ctx context.Context, p posts.Post, hidden bool, entry audit.Entry, events ...eventtypes.Envelope) error {
	sum := p.Summary()
	update := s.Posts().postUpdateIf(p.ID, "SET #Hidden = :h", "NOT #Hidden = :h AND "+notDeleted, map[string]types.AttributeValue{":h": &types.AttributeValueMemberBOOL{Value: hidden}})
	items := []types.TransactWriteItem{update}
	if hidden {
		items = append(append(items, s.Posts().entryDeletes(sum)...), s.queueDelete(p.ID))
	} else {
		puts, err := s.Posts().entryPuts(sum)
		if err != nil {
			return fmt.Errorf("store.SetPostHidden: %w", err)
		}
		items = append(items, puts...)
	}
	return s.moderate(ctx, "store.SetPostHidden", entry, events, items...)
}

// SetLocked implements posts.ModerationStore.
func (s *Moderation) SetLocked(ctx context.Context, postID string, locked bool, entry audit.Entry) error {
	return s.moderate(ctx, "store.SetLocked", entry, nil,
		s.Posts().postUpdateIf(postID, "SET #Locked = :l", "NOT #Locked = :l AND "+notDeleted, map[string]types.AttributeValue{":l": &types.AttributeValueMemberBOOL{Value: locked}}))
}

// MovePost implements posts.ModerationStore: the post changes space, its entries move
// from one space stream to the other, and its listing follows.
func (s *Moderation) MovePost(ctx context.Context, p posts.Post, toID, toName string, entry audit.Entry, event eventtypes.Envelope) error {
	before := p.Summary()
	p.SpaceID, p.SpaceName = toID, toName
	gsiPK, _ := listing(p)
	expr := "SET SpaceID = :s, SpaceName = :n"
	values := map[string]types.AttributeValue{":s": &types.AttributeValueMemberS{Value: toID}, ":n": &types.AttributeValueMemberS{Value: toName},
		":from": &types.AttributeValueMemberS{Value: before.SpaceID}}
	if gsiPK != "" {
		expr += ", " + AttrGSI1PK + " = :g"
		values[":g"] = &types.AttributeValueMemberS{Value: gsiPK}
	}
	// Only from the space it was read in: a second move of the same post waits for none.
	items := []types.TransactWriteItem{s.Posts().postUpdateIf(p.ID, expr, "SpaceID = :from AND "+notDeleted, values)}
	if !p.Hidden && !p.Deleted {
		puts, err := s.Posts().entryPuts(p.Summary())
		if err != nil {
			return fmt.Errorf("store.MovePost: %w", err)
		}
		// The author's entry is put again, and a transaction may not touch an item
		// twice: only the old space's entries are deleted.
		items = append(items, withoutKey(s.Posts().entryDeletes(before), key(authorPK(before.AuthorID), streamSK(before)))...)
		items = append(items, puts...)
	}
	return s.moderate(ctx, "store.MovePost", entry, []eventtypes.Envelope{event}, items...)
}

// withoutKey drops the deletion of one key from transaction items.
func withoutKey(items []types.TransactWriteItem, k map[string]types.AttributeValue) []types.TransactWriteItem {
	out := items[:0]
	for _, it := range items {
		if it.Delete != nil && sameKey(it.Delete.Key, k) {
			continue
		}
		out = append(out, it)
	}
	return out
}

func sameKey(a, b map[string]types.AttributeValue) bool {
	str := func(m map[string]types.AttributeValue, n string) string {
		v, _ := m[n].(*types.AttributeValueMemberS)
		if v == nil {
			return ""
		}
		return v.Value
	}
	return str(a, AttrPK) == str(b, AttrPK) && str(a, AttrSK) == str(b, AttrSK)
}

// RecordAction implements posts.ModerationStore.
func (s *Moderation) RecordAction(ctx context.Context, entry audit.Entry, events ...eventtypes.Envelope) error {
	return s.moderate(ctx, "store.RecordAction", entry, events)
}

// AuditLog implements posts.ModerationStore: newest first, one query a page.
func (s *Moderation) AuditLog(ctx context.Context, cursor string, limit int) (audit.Page, error) {
	entries, next, err := pageOf(ctx, s.Store, pkAudit, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		Limit: aws.Int32(int32(limit)), ScanIndexForward: aws.Bool(false), KeyConditionExpression: aws.String(pkIs),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pkAudit}}},
		func(item item) (audit.Entry, bool, error) {
			var it auditItem
			err := attributevalue.UnmarshalMap(item, &it)
			return it.entry(), true, err
		})
	if err != nil {
		if errors.Is(err, errCursor) {
			return audit.Page{}, err
		}
		return audit.Page{}, fmt.Errorf("store.AuditLog: %w", err)
	}
	return audit.Page{Next: next, Entries: entries}, nil
}

// EditPost implements posts.EditStore: only if the post still has the text the
// service read (previous), so of two edits at the same moment one writes. The other
// gets posts.ErrUnchanged when it asked for the same text (nothing to do),
// posts.ErrStaleRevision when another text won, posts.ErrNoPost when the post is gone.
// events are post.updated and the mentions the edit adds, in the same transaction.
func (s *Posts) EditPost(ctx context.Context, p posts.Post, previous posts.Revision, events []eventtypes.Envelope) error {
	rev, err := s.revisionPut(previous)
	if err != nil {
		return fmt.Errorf("store.EditPost: %w", err)
	}
	set, values, err := mentionsSet("SET #Title = :t, #Body = :b, #HTML = :h, #EditedAt = :at", p.Mentions)
	if err != nil {
		return fmt.Errorf("store.EditPost: %w", err)
	}
	values[":t"], values[":b"] = &types.AttributeValueMemberS{Value: p.Title}, &types.AttributeValueMemberS{Value: p.Body}
	values[":h"], values[":at"] = &types.AttributeValueMemberS{Value: p.HTML}, &types.AttributeValueMemberS{Value: p.EditedAt.UTC().Format(time.RFC3339Nano)}
	values[":pb"], values[":pt"] = &types.AttributeValueMemberS{Value: previous.Body}, &types.AttributeValueMemberS{Value: previous.Title}
	update := s.postUpdateIf(p.ID, set, notDeleted+" AND #Body = :pb AND (#Title = :pt OR attribute_not_exists(#Title))", values)
	items := []types.TransactWriteItem{update, rev}
	for _, event := range events {
		out, err := s.outboxPut(event)
		if err != nil {
			return fmt.Errorf("store.EditPost: %w", err)
		}
		items = append(items, out)
	}
	credits, err := s.creditPuts(postPK(p.ID), textCredits("", p.Body)...)
	if err != nil {
		return fmt.Errorf("store.EditPost: %w", err)
	}
	items = append(items, credits...)
	if !p.Hidden && !p.Deleted {
		puts, err := s.entryPuts(p.Summary())
		if err != nil {
			return fmt.Errorf("store.EditPost: %w", err)
		}
		items = append(items, puts...)
	}
	err = s.txn().add(condTextAsRead, items[0]).add("", items[1:]...).
		add(condImage, s.Images().imageUpdates(shownInPost(p.ID), previous.Body, p.Body, *p.EditedAt)...).run(ctx)
	if failed(err, condTextAsRead) {
		now, err := s.GetPost(ctx, p.ID)
		switch {
		case err != nil || now.Deleted:
			// Deleted meanwhile: a deleted post takes no edit.
			return fmt.Errorf("store.EditPost %s: %w", p.ID, posts.ErrNoPost)
		case now.Title == p.Title && now.Body == p.Body:
			return fmt.Errorf("store.EditPost %s: %w", p.ID, posts.ErrUnchanged)
		}
		return fmt.Errorf("store.EditPost %s: %w", p.ID, posts.ErrStaleRevision)
	}
	if failed(err, condImage) {
		return fmt.Errorf("store.EditPost %s: %w", p.ID, posts.ErrImage)
	}
	if err != nil {
		return fmt.Errorf("store.EditPost %s: %w", p.ID, err)
	}
	return nil
}

// History implements posts.EditStore: oldest first.
func (s *Posts) History(ctx context.Context, postID string) ([]posts.Revision, error) {
	items, err := s.queryAll(ctx, queryPrefix(s.Table, postPK(postID), revisionPrefix))
	if err != nil {
		return nil, fmt.Errorf("store.History %s: %w", postID, err)
	}
	out := make([]posts.Revision, 0, len(items))
	for _, item := range items {
		var ri revisionItem
		if err := attributevalue.UnmarshalMap(item, &ri); err != nil {
			return nil, fmt.Errorf("store.History %s: %w", postID, err)
		}
		out = append(out, ri.revision())
	}
	return out, nil
}

// DeletePost implements posts.EditStore.
func (s *Posts) DeletePost(ctx context.Context, p posts.Post, entry audit.Entry, event eventtypes.Envelope) error {
	update := s.postUpdateIf(p.ID, "SET #Deleted = :t, #Body = :e, #HTML = :e REMOVE "+gsi1Keys, "NOT #Deleted = :t", map[string]types.AttributeValue{
		":t": &types.AttributeValueMemberBOOL{Value: true}, ":e": &types.AttributeValueMemberS{Value: ""}})
	// A deleted post shows no image any more.
	items := append([]types.TransactWriteItem{update, s.Moderation().queueDelete(p.ID)}, s.Images().imageUpdates(shownInPost(p.ID), p.Body, "", entry.At)...)
	if !p.Hidden {
		items = append(items, s.entryDeletes(p.Summary())...)
	}
	return s.Moderation().moderate(ctx, "store.DeletePost", entry, []eventtypes.Envelope{event}, items...)
}
