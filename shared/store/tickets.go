package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/posts"
	"tribune/shared/ratelimit"
	"tribune/shared/tickets"
)

const (
	typeTicket          = "Ticket"
	typeTicketReply     = "TicketReply"
	typeTicketQueue     = "TicketQueueEntry"
	typeTicketListEntry = "TicketListEntry"
	typeTicketDue       = "TicketDue"
	typeSupportSettings = "SupportSettings"
	// pkTicketQueue holds every unclosed ticket oldest first, the agents' queue. One
	// partition: unclosed tickets number in the thousands, not millions.
	pkTicketQueue = "TICKETQ"
	// pkTicketDue and pkTicketAutoClose are the sweeper's indexes, by time.
	pkTicketDue       = "TICKETDUE"
	pkTicketAutoClose = "TICKETAUTOCLOSE"
	skSupport         = "SUPPORT"
)

func ticketPK(id string) string            { return "TICKET#" + id }
func spaceTicketsPK(spaceID string) string { return "SPACETICKETS#" + spaceID }
func ticketSK(t tickets.Ticket) string {
	return t.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + t.ID
}
func timeSK(at time.Time, id string) string {
	return at.UTC().Format(time.RFC3339) + "#" + id
}

type ticketItem struct {
	PK, SK, Type string
	tickets.Ticket
}

type ticketReplyItem struct {
	PK, SK, Type string
	tickets.Reply
}

type ticketListItem struct {
	PK, SK, Type string
	tickets.Summary
}

// bodyless is a ticket without its text, for the queue's entries.
func bodyless(t tickets.Ticket) tickets.Ticket {
	t.Body, t.HTML = "", ""
	return t
}

// ticketNumberRetries bounds how often opening a ticket takes the next number again
// after another ticket took it first.
const ticketNumberRetries = 20

// ticketSeq reads how many ticket numbers are taken (0 before the first ticket).
func (s *Store) ticketSeq(ctx context.Context) (int64, error) {
	var it struct{ Seq int64 }
	err := s.get(ctx, "store.ticketSeq", counterPK("tickets"), "SEQ", time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return 0, nil
	}
	return it.Seq, err
}

// ticketSeqUpdate takes number seen+1 for the ticket of the same transaction, if
// nobody took it first: numbers go up by one with each ticket written, never skipped
// nor shared.
func (s *Store) ticketSeqUpdate(seen int64) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(counterPK("tickets"), "SEQ"),
		UpdateExpression: aws.String("SET #t = :type, Seq = :next"), ConditionExpression: aws.String("attribute_not_exists(Seq) OR Seq = :seen"),
		ExpressionAttributeNames: map[string]string{"#t": AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": &types.AttributeValueMemberS{Value: "Sequence"},
			":next": &types.AttributeValueMemberN{Value: strconv.FormatInt(seen+1, 10)},
			":seen": &types.AttributeValueMemberN{Value: strconv.FormatInt(seen, 10)}}}}
}

// ticketEntries are the writes that keep a ticket's indexes in step with its state:
// the queue entry (gone once closed), the space's list entry, the sweeper's target and
// auto-close entries. old is the state before (nil for a new ticket).
func (s *Store) ticketEntries(old *tickets.Ticket, t tickets.Ticket, now time.Time) ([]types.TransactWriteItem, error) {
	var items []types.TransactWriteItem
	del := func(pk, sk string) {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(pk, sk)}})
	}
	put := func(item any) error {
		p, err := s.put(item, "")
		items = append(items, p)
		return err
	}
	if t.Status == tickets.StatusClosed {
		del(pkTicketQueue, ticketSK(t))
	} else if err := put(ticketItem{PK: pkTicketQueue, SK: ticketSK(t), Type: typeTicketQueue, Ticket: bodyless(t)}); err != nil {
		return nil, err
	}
	if err := put(ticketListItem{PK: spaceTicketsPK(t.SpaceID), SK: ticketSK(t), Type: typeTicketListEntry, Summary: t.Summary(now)}); err != nil {
		return nil, err
	}
	// The sweeper's entries move with the ticket's times.
	indexes := []struct {
		pk       string
		old, now func(tickets.Ticket) (time.Time, bool)
	}{
		{pkTicketDue, tickets.Ticket.NextTarget, tickets.Ticket.NextTarget},
		{pkTicketAutoClose, autoClose, autoClose},
	}
	for _, ix := range indexes {
		var before string
		if old != nil {
			if at, ok := ix.old(*old); ok {
				before = timeSK(at, t.ID)
			}
		}
		after := ""
		if at, ok := ix.now(t); ok {
			after = timeSK(at, t.ID)
		}
		if before != "" && before != after {
			del(ix.pk, before)
		}
		if after != "" && after != before {
			if err := put(map[string]any{AttrPK: ix.pk, AttrSK: after, AttrType: typeTicketDue, "TicketID": t.ID}); err != nil {
				return nil, err
			}
		}
	}
	return items, nil
}

func autoClose(t tickets.Ticket) (time.Time, bool) {
	if t.Status != tickets.StatusSolved || t.AutoCloseAt == nil {
		return time.Time{}, false
	}
	return *t.AutoCloseAt, true
}

// CreateTicket implements tickets.Store: the ticket takes the next number in the
// transaction that writes it, so a refused or failed write takes none; when another
// ticket took that number first, it tries the next one.
func (s *Store) CreateTicket(ctx context.Context, t *tickets.Ticket, ack *tickets.Reply, events func(number int64) ([]eventtypes.Envelope, error), hits []ratelimit.Hit) error {
	for range ticketNumberRetries {
		seen, err := s.ticketSeq(ctx)
		if err != nil {
			return err
		}
		// Numbers start at 1001, so the first ticket does not look like the only one.
		evs, err := events(1000 + seen + 1)
		if err != nil {
			return fmt.Errorf("store.CreateTicket: %w", err)
		}
		canonical, err := s.put(ticketItem{PK: ticketPK(t.ID), SK: "TICKET", Type: typeTicket, Ticket: *t}, "attribute_not_exists(PK)")
		if err != nil {
			return fmt.Errorf("store.CreateTicket: %w", err)
		}
		reply, err := s.put(ticketReplyItem{PK: ticketPK(t.ID), SK: replySK(*ack), Type: typeTicketReply, Reply: *ack}, "")
		if err != nil {
			return fmt.Errorf("store.CreateTicket: %w", err)
		}
		entries, err := s.ticketEntries(nil, *t, t.CreatedAt)
		if err != nil {
			return fmt.Errorf("store.CreateTicket: %w", err)
		}
		outs, err := s.outboxPuts(evs)
		if err != nil {
			return fmt.Errorf("store.CreateTicket: %w", err)
		}
		credits, err := s.creditPuts(ticketPK(t.ID), textCredits(t.RequesterID, t.Body)...)
		if err != nil {
			return fmt.Errorf("store.CreateTicket: %w", err)
		}
		items := append(append(append([]types.TransactWriteItem{s.ticketSeqUpdate(seen), canonical, reply}, entries...), outs...), credits...)
		images := s.imageUpdates(shownInTicket(t.ID), "", t.Body, t.CreatedAt)
		reasons, err := s.transact(ctx, append(append(s.rateUpdates(hits, t.CreatedAt), items...), images...))
		for i := range hits {
			if conditionFailed(reasons, i) {
				return fmt.Errorf("store.CreateTicket %s: %w", hits[i].Rule.Name, tickets.ErrRateLimited)
			}
		}
		if imageFailed(err, len(hits)+len(items), len(images)) {
			return fmt.Errorf("store.CreateTicket %s: %w", t.ID, posts.ErrImage)
		}
		if conditionFailed(reasons, len(hits)) || isConflict(reasons) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store.CreateTicket %s: %w", t.ID, err)
		}
		return nil
	}
	return fmt.Errorf("store.CreateTicket %s: %w", t.ID, tickets.ErrBusy)
}

func replySK(r tickets.Reply) string {
	return "REPLY#" + r.CreatedAt.UTC().Format(time.RFC3339Nano) + "#" + r.ID
}

// GetTicket implements tickets.Store.
func (s *Store) GetTicket(ctx context.Context, id string) (tickets.Ticket, error) {
	var it ticketItem
	if err := s.get(ctx, "store.GetTicket", ticketPK(id), "TICKET", time.Now(), &it); err != nil {
		return tickets.Ticket{}, err
	}
	return it.Ticket, nil
}

// Replies implements tickets.Store: oldest first, internal notes included (the service
// filters them for customers).
func (s *Store) Replies(ctx context.Context, ticketID string) ([]tickets.Reply, error) {
	items, err := s.queryAll(ctx, queryPrefix(s.Table, ticketPK(ticketID), "REPLY#"))
	if err != nil {
		return nil, fmt.Errorf("store.Replies %s: %w", ticketID, err)
	}
	out := make([]tickets.Reply, 0, len(items))
	for _, item := range items {
		var it ticketReplyItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Replies %s: %w", ticketID, err)
		}
		out = append(out, it.Reply)
	}
	return out, nil
}

// SaveTicket implements tickets.Store: the ticket is written only if it is still as old
// was read (its UpdatedAt), with its indexes, the reply and the events.
func (s *Store) SaveTicket(ctx context.Context, old, t tickets.Ticket, reply *tickets.Reply, events []eventtypes.Envelope) error {
	canonical, err := s.put(ticketItem{PK: ticketPK(t.ID), SK: "TICKET", Type: typeTicket, Ticket: t}, "UpdatedAt = :v")
	if err != nil {
		return fmt.Errorf("store.SaveTicket: %w", err)
	}
	canonical.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: old.UpdatedAt.Format(time.RFC3339Nano)}}
	items := []types.TransactWriteItem{canonical}
	named := []string{t.AssigneeID}
	if reply != nil {
		r, err := s.put(ticketReplyItem{PK: ticketPK(t.ID), SK: replySK(*reply), Type: typeTicketReply, Reply: *reply}, "")
		if err != nil {
			return fmt.Errorf("store.SaveTicket: %w", err)
		}
		items = append(items, r)
		named = append(named, textCredits(reply.AuthorID, reply.Body)...)
	}
	if t.AssigneeID != old.AssigneeID || reply != nil {
		credits, err := s.creditPuts(ticketPK(t.ID), named...)
		if err != nil {
			return fmt.Errorf("store.SaveTicket: %w", err)
		}
		items = append(items, credits...)
	}
	entries, err := s.ticketEntries(&old, t, t.UpdatedAt)
	if err != nil {
		return fmt.Errorf("store.SaveTicket: %w", err)
	}
	outs, err := s.outboxPuts(events)
	if err != nil {
		return fmt.Errorf("store.SaveTicket: %w", err)
	}
	items = append(append(items, entries...), outs...)
	var images []types.TransactWriteItem
	if reply != nil {
		images = s.imageUpdates(shownInReply(*reply), "", reply.Body, reply.CreatedAt)
	}
	reasons, err := s.transact(ctx, append(items, images...))
	if conditionFailed(reasons, 0) || isConflict(reasons) {
		return fmt.Errorf("store.SaveTicket %s: %w", t.ID, tickets.ErrConflict)
	}
	if imageFailed(err, len(items), len(images)) {
		return fmt.Errorf("store.SaveTicket %s: %w", t.ID, posts.ErrImage)
	}
	if err != nil {
		return fmt.Errorf("store.SaveTicket %s: %w", t.ID, err)
	}
	return nil
}

// SpaceTickets implements tickets.Store: newest first, one query a page.
func (s *Store) SpaceTickets(ctx context.Context, spaceID, cursor string, limit int) ([]tickets.Summary, string, error) {
	pk := spaceTicketsPK(spaceID)
	items, next, err := s.page(ctx, "store.SpaceTickets", &dynamodb.QueryInput{ScanIndexForward: aws.Bool(false)}, pk, cursor, limit)
	if err != nil {
		return nil, "", err
	}
	out := make([]tickets.Summary, 0, len(items))
	for _, item := range items {
		var it ticketListItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, "", fmt.Errorf("store.SpaceTickets: %w", err)
		}
		out = append(out, it.Summary)
	}
	return out, next, nil
}

// page runs one page of a query on a partition (in carries the order and filter).
func (s *Store) page(ctx context.Context, op string, in *dynamodb.QueryInput, pk, cursor string, limit int) ([]map[string]types.AttributeValue, string, error) {
	start, err := s.decodeCursor(pk, cursor)
	if err != nil {
		return nil, "", err
	}
	in.TableName, in.ExclusiveStartKey, in.Limit = aws.String(s.Table), start, aws.Int32(int32(limit))
	in.KeyConditionExpression = aws.String("PK = :pk")
	if in.ExpressionAttributeValues == nil {
		in.ExpressionAttributeValues = map[string]types.AttributeValue{}
	}
	in.ExpressionAttributeValues[":pk"] = &types.AttributeValueMemberS{Value: pk}
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", op, err)
	}
	next, err := s.encodeCursor(pk, out.LastEvaluatedKey)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", op, err)
	}
	return out.Items, next, nil
}

// queueReadPages bounds how many reads of `limit` entries one queue answer makes to
// fill its page past the entries its filter drops (the default drops solved tickets,
// which stay queued until they close): at most 6 × 50 = 300 entries read; past that the
// answer holds fewer tickets and `next` goes on.
const queueReadPages = 6

// Queue implements tickets.Store: oldest first; the filter applies to each read, and
// reads go on (up to queueReadPages) until the page holds limit tickets. The cursor
// then points after the last ticket answered, never past one not shown.
func (s *Store) Queue(ctx context.Context, f tickets.QueueFilter, cursor string, limit int) ([]tickets.Ticket, string, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), KeyConditionExpression: aws.String("PK = :pk"), Limit: aws.Int32(int32(limit)),
		ExpressionAttributeNames:  map[string]string{},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pkTicketQueue}}}
	var conds []string
	for name, v := range map[string]string{"Severity": f.Severity, "AssigneeID": f.AssigneeID, "SpaceID": f.SpaceID} {
		if v == "" {
			continue
		}
		conds = append(conds, fmt.Sprintf("#%s = :%s", name, name))
		in.ExpressionAttributeNames["#"+name] = name
		in.ExpressionAttributeValues[":"+name] = &types.AttributeValueMemberS{Value: v}
	}
	if len(f.Statuses) > 0 {
		names := make([]string, len(f.Statuses))
		for i, st := range f.Statuses {
			names[i] = fmt.Sprintf(":Status%d", i)
			in.ExpressionAttributeValues[names[i]] = &types.AttributeValueMemberS{Value: st}
		}
		conds = append(conds, "#Status IN ("+strings.Join(names, ", ")+")")
		in.ExpressionAttributeNames["#Status"] = "Status"
	}
	if len(conds) > 0 {
		in.FilterExpression = aws.String(strings.Join(conds, " AND "))
	} else {
		in.ExpressionAttributeNames = nil
	}
	start, err := s.decodeCursor(pkTicketQueue, cursor)
	if err != nil {
		return nil, "", err
	}
	out := make([]tickets.Ticket, 0, limit)
	for range queueReadPages {
		in.ExclusiveStartKey = start
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, "", fmt.Errorf("store.Queue: %w", err)
		}
		for i, item := range page.Items {
			var it ticketItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, "", fmt.Errorf("store.Queue: %w", err)
			}
			out = append(out, it.Ticket)
			if len(out) == limit {
				if i == len(page.Items)-1 && len(page.LastEvaluatedKey) == 0 {
					return out, "", nil
				}
				next, err := s.encodeCursor(pkTicketQueue, map[string]types.AttributeValue{AttrPK: item[AttrPK], AttrSK: item[AttrSK]})
				if err != nil {
					return nil, "", fmt.Errorf("store.Queue: %w", err)
				}
				return out, next, nil
			}
		}
		if start = page.LastEvaluatedKey; len(start) == 0 {
			return out, "", nil
		}
	}
	next, err := s.encodeCursor(pkTicketQueue, start)
	if err != nil {
		return nil, "", fmt.Errorf("store.Queue: %w", err)
	}
	return out, next, nil
}

// AssignedTo implements tickets.Store: the queue (every unclosed ticket, one partition
// of thousands at most) read to its end, filtered on the assignee. For a consumer, never
// a request path.
func (s *Store) AssignedTo(ctx context.Context, memberID string) ([]string, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("ID"),
		KeyConditionExpression: aws.String("PK = :pk"), FilterExpression: aws.String("AssigneeID = :m"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pkTicketQueue},
			":m": &types.AttributeValueMemberS{Value: memberID}}})
	if err != nil {
		return nil, fmt.Errorf("store.AssignedTo %s: %w", memberID, err)
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if v, ok := it["ID"].(*types.AttributeValueMemberS); ok {
			ids = append(ids, v.Value)
		}
	}
	return ids, nil
}

// dueIDs lists the tickets of a sweeper index whose time passed.
func (s *Store) dueIDs(ctx context.Context, op, pk string, now time.Time) ([]string, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("TicketID"),
		KeyConditionExpression: aws.String("PK = :pk AND SK <= :now"),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk},
			":now": &types.AttributeValueMemberS{Value: now.UTC().Format(time.RFC3339) + "#~"}}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if v, ok := it["TicketID"].(*types.AttributeValueMemberS); ok {
			ids = append(ids, v.Value)
		}
	}
	return ids, nil
}

// DueTickets implements tickets.Store.
func (s *Store) DueTickets(ctx context.Context, now time.Time) ([]string, error) {
	return s.dueIDs(ctx, "store.DueTickets", pkTicketDue, now)
}

// AutoCloseDue implements tickets.Store.
func (s *Store) AutoCloseDue(ctx context.Context, now time.Time) ([]string, error) {
	return s.dueIDs(ctx, "store.AutoCloseDue", pkTicketAutoClose, now)
}

// SupportSettings implements tickets.Store.
func (s *Store) SupportSettings(ctx context.Context) (tickets.Settings, error) {
	var it struct{ tickets.Settings }
	err := s.get(ctx, "store.SupportSettings", pkSettings, skSupport, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return tickets.DefaultSettings, nil
	}
	return it.Settings, err
}

// SaveSupportSettings implements tickets.Store.
func (s *Store) SaveSupportSettings(ctx context.Context, st tickets.Settings) error {
	item, err := attributevalue.MarshalMap(struct {
		PK, SK, Type string
		tickets.Settings
	}{PK: pkSettings, SK: skSupport, Type: typeSupportSettings, Settings: st})
	if err != nil {
		return fmt.Errorf("store.SaveSupportSettings: %w", err)
	}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("store.SaveSupportSettings: %w", err)
	}
	return nil
}

// Requester implements tickets.Store.
func (s *Store) Requester(ctx context.Context, memberID string) (string, time.Time, error) {
	m, err := s.GetMember(ctx, memberID)
	if err != nil {
		return "", time.Time{}, err
	}
	return m.DisplayName, m.CreatedAt, nil
}

// MemberName implements tickets.Store.
func (s *Store) MemberName(ctx context.Context, memberID string) (string, []string, error) {
	m, err := s.GetMember(ctx, memberID)
	if err != nil {
		return "", nil, err
	}
	return m.DisplayName, m.Roles, nil
}
