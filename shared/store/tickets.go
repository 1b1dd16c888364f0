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
	"tribune/shared/metrics"
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
	typeSequence        = "Sequence"
	attrSeq             = "Seq"
)

// attachmentItem is a file attached to a ticket or a reply, as items store it.
type attachmentItem struct {
	Key, Name, ContentType string
	Size                   int64
}

func attachmentItems(in []tickets.Attachment) []attachmentItem {
	if in == nil {
		return nil
	}
	out := make([]attachmentItem, len(in))
	for i, a := range in {
		out[i] = attachmentItem{Key: a.Key, Name: a.Name, ContentType: a.ContentType, Size: a.Size}
	}
	return out
}

func attachments(in []attachmentItem) []tickets.Attachment {
	if in == nil {
		return nil
	}
	out := make([]tickets.Attachment, len(in))
	for i, a := range in {
		out[i] = tickets.Attachment{Key: a.Key, Name: a.Name, ContentType: a.ContentType, Size: a.Size}
	}
	return out
}

// ratingItem is a ticket's rating as its item stores it.
type ratingItem struct {
	Good    bool
	Comment string
	At      time.Time
}

// ticketItem is a ticket: TICKET#<id> / TICKET, and, without its text, the agents'
// queue entry (TICKETQ / <created>#<id>).
type ticketItem struct {
	PK, SK, Type        string
	ID                  string
	Number              int64
	SpaceID, SpaceName  string
	Subject, Product    string
	Severity            string
	Body, HTML          string
	Status              string
	RequesterID         string
	RequesterName       string
	AssigneeID          string
	AssigneeName        string
	Attachments         []attachmentItem
	CreatedAt           time.Time
	UpdatedAt           time.Time
	FirstResponseDue    time.Time
	ResolutionDue       time.Time
	FirstResponseAt     *time.Time
	SolvedAt            *time.Time
	FirstResponseBreach bool
	ResolutionBreach    bool
	AutoCloseAt         *time.Time
	Rating              *ratingItem
	QuestionID          string
	RequesterDeleted    bool
	AssigneeDeleted     bool
	Mentions            map[string]string `dynamodbav:",omitempty"`
}

func newTicketItem(pk, sk, typ string, t tickets.Ticket) ticketItem {
	it := ticketItem{PK: pk, SK: sk, Type: typ, ID: t.ID, Number: t.Number, SpaceID: t.SpaceID, SpaceName: t.SpaceName,
		Subject: t.Subject, Product: t.Product, Severity: t.Severity, Body: t.Body, HTML: t.HTML, Status: t.Status,
		RequesterID: t.RequesterID, RequesterName: t.RequesterName, AssigneeID: t.AssigneeID, AssigneeName: t.AssigneeName,
		Attachments: attachmentItems(t.Attachments), CreatedAt: t.CreatedAt, UpdatedAt: t.UpdatedAt,
		FirstResponseDue: t.FirstResponseDue, ResolutionDue: t.ResolutionDue, FirstResponseAt: t.FirstResponseAt,
		SolvedAt: t.SolvedAt, FirstResponseBreach: t.FirstResponseBreach, ResolutionBreach: t.ResolutionBreach,
		AutoCloseAt: t.AutoCloseAt, QuestionID: t.QuestionID, RequesterDeleted: t.RequesterDeleted,
		AssigneeDeleted: t.AssigneeDeleted, Mentions: t.Mentions}
	if t.Rating != nil {
		it.Rating = &ratingItem{Good: t.Rating.Good, Comment: t.Rating.Comment, At: t.Rating.At}
	}
	return it
}

func (it ticketItem) ticket() tickets.Ticket {
	t := tickets.Ticket{ID: it.ID, Number: it.Number, SpaceID: it.SpaceID, SpaceName: it.SpaceName,
		Subject: it.Subject, Product: it.Product, Severity: it.Severity, Body: it.Body, HTML: it.HTML, Status: it.Status,
		RequesterID: it.RequesterID, RequesterName: it.RequesterName, AssigneeID: it.AssigneeID, AssigneeName: it.AssigneeName,
		Attachments: attachments(it.Attachments), CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt,
		FirstResponseDue: it.FirstResponseDue, ResolutionDue: it.ResolutionDue, FirstResponseAt: it.FirstResponseAt,
		SolvedAt: it.SolvedAt, FirstResponseBreach: it.FirstResponseBreach, ResolutionBreach: it.ResolutionBreach,
		AutoCloseAt: it.AutoCloseAt, QuestionID: it.QuestionID, RequesterDeleted: it.RequesterDeleted,
		AssigneeDeleted: it.AssigneeDeleted, Mentions: it.Mentions}
	if it.Rating != nil {
		t.Rating = &tickets.Rating{Good: it.Rating.Good, Comment: it.Rating.Comment, At: it.Rating.At}
	}
	return t
}

// ticketReplyItem is a reply: TICKET#<id> / REPLY#<created>#<reply id>.
type ticketReplyItem struct {
	PK, SK, Type  string
	ID            string
	TicketID      string
	Body, HTML    string
	AuthorID      string
	AuthorName    string
	Internal      bool
	Automatic     bool
	FromAgent     bool
	Attachments   []attachmentItem
	CreatedAt     time.Time
	AuthorDeleted bool
	Mentions      map[string]string `dynamodbav:",omitempty"`
}

func newTicketReplyItem(r tickets.Reply) ticketReplyItem {
	return ticketReplyItem{PK: ticketPK(r.TicketID), SK: replySK(r), Type: typeTicketReply, ID: r.ID, TicketID: r.TicketID,
		Body: r.Body, HTML: r.HTML, AuthorID: r.AuthorID, AuthorName: r.AuthorName, Internal: r.Internal, Automatic: r.Automatic,
		FromAgent: r.FromAgent, Attachments: attachmentItems(r.Attachments), CreatedAt: r.CreatedAt, AuthorDeleted: r.AuthorDeleted,
		Mentions: r.Mentions}
}

func (it ticketReplyItem) reply() tickets.Reply {
	return tickets.Reply{ID: it.ID, TicketID: it.TicketID, Body: it.Body, HTML: it.HTML, AuthorID: it.AuthorID,
		AuthorName: it.AuthorName, Internal: it.Internal, Automatic: it.Automatic, FromAgent: it.FromAgent,
		Attachments: attachments(it.Attachments), CreatedAt: it.CreatedAt, AuthorDeleted: it.AuthorDeleted, Mentions: it.Mentions}
}

// ticketListItem is a space's list entry of a ticket: SPACETICKETS#<space> /
// <created>#<id>.
type ticketListItem struct {
	PK, SK, Type     string
	ID               string
	Number           int64
	SpaceID          string
	SpaceName        string
	Subject          string
	Severity         string
	Status           string
	RequesterName    string
	AssigneeID       string
	AssigneeName     string
	CreatedAt        time.Time
	UpdatedAt        time.Time
	NextDue          time.Time
	Breached         bool
	Soon             bool
	RequesterDeleted bool
	AssigneeDeleted  bool
}

func newTicketListItem(t tickets.Ticket, now time.Time) ticketListItem {
	sum := t.Summary(now)
	return ticketListItem{PK: spaceTicketsPK(t.SpaceID), SK: ticketSK(t), Type: typeTicketListEntry, ID: sum.ID, Number: sum.Number,
		SpaceID: sum.SpaceID, SpaceName: sum.SpaceName, Subject: sum.Subject, Severity: sum.Severity, Status: sum.Status,
		RequesterName: sum.RequesterName, AssigneeID: sum.AssigneeID, AssigneeName: sum.AssigneeName, CreatedAt: sum.CreatedAt,
		UpdatedAt: sum.UpdatedAt, NextDue: sum.NextDue, Breached: sum.Breached, Soon: sum.Soon,
		RequesterDeleted: sum.RequesterDeleted, AssigneeDeleted: sum.AssigneeDeleted}
}

func (it ticketListItem) summary() tickets.Summary {
	return tickets.Summary{ID: it.ID, Number: it.Number, SpaceID: it.SpaceID, SpaceName: it.SpaceName, Subject: it.Subject,
		Severity: it.Severity, Status: it.Status, RequesterName: it.RequesterName, AssigneeID: it.AssigneeID,
		AssigneeName: it.AssigneeName, CreatedAt: it.CreatedAt, UpdatedAt: it.UpdatedAt, NextDue: it.NextDue,
		Breached: it.Breached, Soon: it.Soon, RequesterDeleted: it.RequesterDeleted, AssigneeDeleted: it.AssigneeDeleted}
}

// sequenceItem is the ticket number counter: COUNTER#tickets / SEQ.
type sequenceItem struct {
	PK, SK, Type string
	Seq          int64
}

// ticketIndexItem is an entry of a sweeper's index (TICKETDUE or TICKETAUTOCLOSE /
// <time>#<id>).
type ticketIndexItem struct {
	PK, SK, Type string
	TicketID     string
}

// supportSettingsItem is the support settings: COMMUNITY / SUPPORT.
type supportSettingsItem struct {
	PK, SK, Type  string
	Products      []string
	Targets       map[string]targetsItem
	AutoCloseDays int
}

type targetsItem struct{ FirstResponseMinutes, ResolutionMinutes int }

func newSupportSettingsItem(st tickets.Settings) supportSettingsItem {
	it := supportSettingsItem{PK: pkSettings, SK: skSupport, Type: typeSupportSettings, Products: st.Products, AutoCloseDays: st.AutoCloseDays}
	if st.Targets != nil {
		it.Targets = make(map[string]targetsItem, len(st.Targets))
		for sev, t := range st.Targets {
			it.Targets[sev] = targetsItem{FirstResponseMinutes: t.FirstResponseMinutes, ResolutionMinutes: t.ResolutionMinutes}
		}
	}
	return it
}

func (it supportSettingsItem) settings() tickets.Settings {
	st := tickets.Settings{Products: it.Products, AutoCloseDays: it.AutoCloseDays}
	if it.Targets != nil {
		st.Targets = make(map[string]tickets.Targets, len(it.Targets))
		for sev, t := range it.Targets {
			st.Targets[sev] = tickets.Targets{FirstResponseMinutes: t.FirstResponseMinutes, ResolutionMinutes: t.ResolutionMinutes}
		}
	}
	return st
}

// bodyless is a ticket without its text, for the queue's entries.
func bodyless(t tickets.Ticket) tickets.Ticket {
	t.Body, t.HTML = "", ""
	return t
}

// Tickets stores support tickets: their replies, the agents' queue, the spaces' lists,
// the sweeper's indexes and the support settings. A member's erasure and export
// (erasure.go, activity.go) read and rewrite tickets through it (s.Tickets().SaveTicket).
type Tickets struct{ *Store }

var _ tickets.Store = (*Tickets)(nil)

// Named conditions of ticket transactions.
const (
	// condTicketNumber: nobody took the next ticket number first.
	condTicketNumber = "ticket number free"
	// condTicketUnchanged: the ticket is as it was read.
	condTicketUnchanged = "ticket unchanged"
	// condTicketImage: every image the text shows may be shown there.
	condTicketImage = "ticket images usable"
)

// ticketNumberRetries bounds how often opening a ticket takes the next number again
// after another ticket took it first.
const ticketNumberRetries = 20

// ticketSeq reads how many ticket numbers are taken (0 before the first ticket).
func (s *Tickets) ticketSeq(ctx context.Context) (int64, error) {
	var it sequenceItem
	err := s.get(ctx, "store.ticketSeq", ticketSeqPK, skTicketSeq, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return 0, nil
	}
	return it.Seq, err
}

// ticketSeqUpdate takes number seen+1 for the ticket of the same transaction, if
// nobody took it first: numbers go up by one with each ticket written, never skipped
// nor shared.
func (s *Tickets) ticketSeqUpdate(seen int64) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: ticketSeqKey(),
		UpdateExpression: aws.String("SET #t = :type, #seq = :next"), ConditionExpression: aws.String("attribute_not_exists(#seq) OR #seq = :seen"),
		ExpressionAttributeNames: map[string]string{"#t": AttrType, "#seq": attrSeq},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": &types.AttributeValueMemberS{Value: typeSequence},
			":next": &types.AttributeValueMemberN{Value: strconv.FormatInt(seen+1, 10)},
			":seen": &types.AttributeValueMemberN{Value: strconv.FormatInt(seen, 10)}}}}
}

// ticketEntries are the writes that keep a ticket's indexes in step with its state:
// the queue entry (gone once closed), the space's list entry, the sweeper's target and
// auto-close entries. old is the state before (nil for a new ticket).
func (s *Tickets) ticketEntries(old *tickets.Ticket, t tickets.Ticket, now time.Time) ([]types.TransactWriteItem, error) {
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
	} else if err := put(newTicketItem(pkTicketQueue, ticketSK(t), typeTicketQueue, bodyless(t))); err != nil {
		return nil, err
	}
	if err := put(newTicketListItem(t, now)); err != nil {
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
			if err := put(ticketIndexItem{PK: ix.pk, SK: after, Type: typeTicketDue, TicketID: t.ID}); err != nil {
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
func (s *Tickets) CreateTicket(ctx context.Context, t *tickets.Ticket, ack *tickets.Reply, events func(number int64) ([]eventtypes.Envelope, error), hits []ratelimit.Hit) error {
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
		err = s.txn().underLimits(hits, t.CreatedAt, tickets.ErrRateLimited).
			add(condTicketNumber, s.ticketSeqUpdate(seen)).
			put("", newTicketItem(ticketPK(t.ID), skTicket, typeTicket, *t), itemAbsent).
			put("", newTicketReplyItem(*ack), "").
			add("", entries...).add("", outs...).add("", credits...).
			add(condTicketImage, s.Images().imageUpdates(shownInTicket(t.ID), "", t.Body, t.CreatedAt)...).
			add(condSuggestion, s.suggestionFollowed(t.SuggestionID, metrics.ForTicket, t.CreatedAt)...).
			run(ctx)
		switch {
		case errors.Is(err, tickets.ErrRateLimited):
			return fmt.Errorf("store.CreateTicket: %w", err)
		case failed(err, condSuggestion):
			return fmt.Errorf("store.CreateTicket %s: %w", t.ID, tickets.ErrSuggestionGone)
		case failed(err, condTicketImage):
			return fmt.Errorf("store.CreateTicket %s: %w", t.ID, posts.ErrImage)
		case failed(err, condTicketNumber) || lostToConcurrent(err):
			continue
		case err != nil:
			return fmt.Errorf("store.CreateTicket %s: %w", t.ID, err)
		}
		return nil
	}
	return fmt.Errorf("store.CreateTicket %s: %w", t.ID, tickets.ErrBusy)
}

// GetTicket implements tickets.Store.
func (s *Tickets) GetTicket(ctx context.Context, id string) (tickets.Ticket, error) {
	var it ticketItem
	if err := s.get(ctx, "store.GetTicket", ticketPK(id), skTicket, time.Now(), &it); err != nil {
		return tickets.Ticket{}, err
	}
	return it.ticket(), nil
}

// Replies implements tickets.Store: oldest first, internal notes included (the service
// filters them for customers).
func (s *Tickets) Replies(ctx context.Context, ticketID string) ([]tickets.Reply, error) {
	in := queryPrefix(s.Table, ticketPK(ticketID), replyPrefix)
	in.ConsistentRead = aws.Bool(true)
	items, err := s.queryAll(ctx, in)
	if err != nil {
		return nil, fmt.Errorf("store.Replies %s: %w", ticketID, err)
	}
	out := make([]tickets.Reply, 0, len(items))
	for _, item := range items {
		var it ticketReplyItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.Replies %s: %w", ticketID, err)
		}
		out = append(out, it.reply())
	}
	return out, nil
}

// TicketAndReplies implements tickets.Store: the ticket's partition holds the ticket
// and its replies (REPLY#... sorts before TICKET), read in one consistent query.
func (s *Tickets) TicketAndReplies(ctx context.Context, id string) (tickets.Ticket, []tickets.Reply, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String("#pk = :pk"),
		ExpressionAttributeNames:  map[string]string{"#pk": AttrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: ticketPK(id)}}})
	if err != nil {
		return tickets.Ticket{}, nil, fmt.Errorf("store.TicketAndReplies %s: %w", id, err)
	}
	var t *tickets.Ticket
	replies := make([]tickets.Reply, 0, len(items))
	for _, item := range items {
		var err error
		switch typ, _ := item[AttrType].(*types.AttributeValueMemberS); {
		case typ == nil:
		case typ.Value == typeTicket:
			var it ticketItem
			err = attributevalue.UnmarshalMap(item, &it)
			tk := it.ticket()
			t = &tk
		case typ.Value == typeTicketReply:
			var it ticketReplyItem
			err = attributevalue.UnmarshalMap(item, &it)
			replies = append(replies, it.reply())
		}
		if err != nil {
			return tickets.Ticket{}, nil, fmt.Errorf("store.TicketAndReplies %s: %w", id, err)
		}
	}
	if t == nil {
		return tickets.Ticket{}, nil, fmt.Errorf("store.TicketAndReplies %s: %w", id, errs.ErrNotFound)
	}
	return *t, replies, nil
}

// SaveTicket implements tickets.Store: the ticket is written only if it is still as old
// was read (its UpdatedAt), with its indexes, the reply and the events.
func (s *Tickets) SaveTicket(ctx context.Context, old, t tickets.Ticket, reply *tickets.Reply, events []eventtypes.Envelope) error {
	canonical, err := s.put(newTicketItem(ticketPK(t.ID), skTicket, typeTicket, t), "#u = :v")
	if err != nil {
		return fmt.Errorf("store.SaveTicket: %w", err)
	}
	canonical.Put.ExpressionAttributeNames = map[string]string{"#u": attrUpdatedAt}
	canonical.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: old.UpdatedAt.Format(time.RFC3339Nano)}}
	tx := s.txn().add(condTicketUnchanged, canonical)
	named := []string{t.AssigneeID}
	if reply != nil {
		tx.put("", newTicketReplyItem(*reply), "")
		named = append(named, textCredits(reply.AuthorID, reply.Body)...)
	}
	if t.AssigneeID != old.AssigneeID || reply != nil {
		credits, err := s.creditPuts(ticketPK(t.ID), named...)
		tx.also("", credits, err)
	}
	entries, err := s.ticketEntries(&old, t, t.UpdatedAt)
	tx.also("", entries, err)
	outs, err := s.outboxPuts(events)
	tx.also("", outs, err)
	if reply != nil {
		tx.add(condTicketImage, s.Images().imageUpdates(shownInReply(*reply), "", reply.Body, reply.CreatedAt)...)
	}
	err = tx.run(ctx)
	if failed(err, condTicketUnchanged) || lostToConcurrent(err) {
		return fmt.Errorf("store.SaveTicket %s: %w", t.ID, tickets.ErrConflict)
	}
	if failed(err, condTicketImage) {
		return fmt.Errorf("store.SaveTicket %s: %w", t.ID, posts.ErrImage)
	}
	if err != nil {
		return fmt.Errorf("store.SaveTicket %s: %w", t.ID, err)
	}
	return nil
}

// SpaceTickets implements tickets.Store: newest first, one query a page.
func (s *Tickets) SpaceTickets(ctx context.Context, spaceID, cursor string, limit int) ([]tickets.Summary, string, error) {
	pk := spaceTicketsPK(spaceID)
	out, next, err := pageOf(ctx, s.Store, pk, cursor, &dynamodb.QueryInput{TableName: aws.String(s.Table), ScanIndexForward: aws.Bool(false),
		Limit: aws.Int32(int32(limit)), KeyConditionExpression: aws.String("#pk = :pk"), ExpressionAttributeNames: map[string]string{"#pk": AttrPK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk}}},
		func(av item) (tickets.Summary, bool, error) {
			var it ticketListItem
			err := attributevalue.UnmarshalMap(av, &it)
			return it.summary(), true, err
		})
	if err != nil {
		return nil, "", fmt.Errorf("store.SpaceTickets: %w", err)
	}
	return out, next, nil
}

// queueReadPages bounds how many reads of `limit` entries one queue answer makes to
// fill its page past the entries its filter drops (the default drops solved tickets,
// which stay queued until they close): at most 6 × 50 = 300 entries read; past that the
// answer holds fewer tickets and `next` goes on.
const queueReadPages = 6

// Queue implements tickets.Store: oldest first; the filter applies to each read, and
// reads go on (up to queueReadPages) until the page holds limit tickets. The cursor
// then points after the last ticket answered, never past one not shown.
func (s *Tickets) Queue(ctx context.Context, f tickets.QueueFilter, cursor string, limit int) ([]tickets.Ticket, string, error) {
	in := &dynamodb.QueryInput{TableName: aws.String(s.Table), KeyConditionExpression: aws.String(pkIs), Limit: aws.Int32(int32(limit)),
		ExpressionAttributeNames:  map[string]string{},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pkTicketQueue}}}
	var conds []string
	for name, v := range map[string]string{attrSeverity: f.Severity, attrAssigneeID: f.AssigneeID, attrSpaceID: f.SpaceID} {
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
		in.ExpressionAttributeNames["#Status"] = attrStatus
	}
	if len(conds) > 0 {
		in.FilterExpression = aws.String(strings.Join(conds, " AND "))
	} else {
		in.ExpressionAttributeNames = nil
	}
	return fillPage(ctx, s.Store, thinList[tickets.Ticket]{op: "store.Queue", scope: pkTicketQueue,
		query: func(string, int) *dynamodb.QueryInput { return in },
		keyOf: keyOf(AttrPK, AttrSK),
		conv: func(av item) (tickets.Ticket, bool, error) {
			var it ticketItem
			err := attributevalue.UnmarshalMap(av, &it)
			return it.ticket(), true, err
		}}, cursor, limit, queueReadPages)
}

// AssignedTo implements tickets.Store: the queue (every unclosed ticket, one partition
// of thousands at most) read to its end, filtered on the assignee. For a consumer, never
// a request path.
func (s *Tickets) AssignedTo(ctx context.Context, memberID string) ([]string, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("#id"),
		KeyConditionExpression: aws.String("#pk = :pk"), FilterExpression: aws.String("#a = :m"),
		ExpressionAttributeNames: map[string]string{"#id": attrID, "#pk": AttrPK, "#a": attrAssigneeID},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pkTicketQueue},
			":m": &types.AttributeValueMemberS{Value: memberID}}})
	if err != nil {
		return nil, fmt.Errorf("store.AssignedTo %s: %w", memberID, err)
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if v, ok := it[attrID].(*types.AttributeValueMemberS); ok {
			ids = append(ids, v.Value)
		}
	}
	return ids, nil
}

// dueIDs lists the tickets of a sweeper index whose time passed.
func (s *Tickets) dueIDs(ctx context.Context, op, pk string, now time.Time) ([]string, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("#t"),
		KeyConditionExpression:   aws.String("#pk = :pk AND #sk <= :now"),
		ExpressionAttributeNames: map[string]string{"#t": attrTicketID, "#pk": AttrPK, "#sk": AttrSK},
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk},
			":now": &types.AttributeValueMemberS{Value: dueBy(now)}}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	ids := make([]string, 0, len(items))
	for _, it := range items {
		if v, ok := it[attrTicketID].(*types.AttributeValueMemberS); ok {
			ids = append(ids, v.Value)
		}
	}
	return ids, nil
}

// DueTickets implements tickets.Store.
func (s *Tickets) DueTickets(ctx context.Context, now time.Time) ([]string, error) {
	return s.dueIDs(ctx, "store.DueTickets", pkTicketDue, now)
}

// AutoCloseDue implements tickets.Store.
func (s *Tickets) AutoCloseDue(ctx context.Context, now time.Time) ([]string, error) {
	return s.dueIDs(ctx, "store.AutoCloseDue", pkTicketAutoClose, now)
}

// SupportSettings implements tickets.Store.
func (s *Tickets) SupportSettings(ctx context.Context) (tickets.Settings, error) {
	var it supportSettingsItem
	err := s.get(ctx, "store.SupportSettings", pkSettings, skSupport, time.Now(), &it)
	if errors.Is(err, errs.ErrNotFound) {
		return tickets.DefaultSettings, nil
	}
	return it.settings(), err
}

// SaveSupportSettings implements tickets.Store.
func (s *Tickets) SaveSupportSettings(ctx context.Context, st tickets.Settings) error {
	item, err := attributevalue.MarshalMap(newSupportSettingsItem(st))
	if err != nil {
		return fmt.Errorf("store.SaveSupportSettings: %w", err)
	}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("store.SaveSupportSettings: %w", err)
	}
	return nil
}
