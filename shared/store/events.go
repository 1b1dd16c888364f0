package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/bus"
	"tribune/shared/eventtypes"
	"tribune/shared/metrics"
)

const (
	typeHandled = "HandledEvent"
	typeCounter = "Counter"
	// outboxKept is how long an outbox item stays after its write; the stream keeps
	// records 24 hours, so a week leaves room to replay by hand.
	outboxKept = 7 * 24 * time.Hour
	// handledKept covers EventBridge's 24-hour retry window with room to spare.
	handledKept = 7 * 24 * time.Hour
)

// outboxItem is an event waiting for the stream publisher; attribute names are the
// ones bus.EnvelopeFromImage reads.
type outboxItem struct {
	PK, SK, Type string
	EventId      string
	Source       string
	DetailType   string
	Detail       string
	OccurredAt   string
	ExpiresAt    int64
}

// outboxPut is the Put of an event into the outbox, to join a domain transaction.
func (s *Store) outboxPut(e eventtypes.Envelope) (types.TransactWriteItem, error) {
	return s.put(outboxItem{PK: outboxPK(e.ID), SK: skOutbox, Type: bus.OutboxType, EventId: e.ID, Source: e.Source,
		DetailType: e.DetailType, Detail: string(e.Detail), OccurredAt: e.Time.UTC().Format(time.RFC3339Nano),
		ExpiresAt: e.Time.Add(outboxKept).Unix()}, itemAbsent)
}

// outboxPuts are the Puts of events into the outbox, to join a domain transaction.
func (s *Store) outboxPuts(events []eventtypes.Envelope) ([]types.TransactWriteItem, error) {
	out := make([]types.TransactWriteItem, 0, len(events))
	for _, e := range events {
		put, err := s.outboxPut(e)
		if err != nil {
			return nil, err
		}
		out = append(out, put)
	}
	return out, nil
}

type handledItem struct {
	PK, SK, Type string
	ExpiresAt    int64
}

func (s *Store) handledPut(consumer, eventID string, now time.Time) (types.TransactWriteItem, error) {
	it, err := s.put(handledItem{PK: handledPK(consumer, eventID), SK: skHandled, Type: typeHandled, ExpiresAt: now.Add(handledKept).Unix()},
		itemAbsent+" OR "+expiredBy)
	if err == nil {
		it.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: epoch(now)}}
	}
	return it, err
}

// claimItem is a consumer's claim on one piece of work; DoneAt is set once it is done.
type claimItem struct {
	PK, SK, Type string
	ClaimedAt    string
	DoneAt       string `dynamodbav:",omitempty"`
	ExpiresAt    int64
}

// ClaimEvent implements notifications.Store: it refuses (ErrDuplicate) only a claim
// marked done and not expired, so an attempt that died between claim and done is
// done again by the next delivery.
func (s *Store) ClaimEvent(ctx context.Context, consumer, eventID string, now time.Time) error {
	it, err := s.put(claimItem{PK: handledPK(consumer, eventID), SK: skHandled, Type: typeHandled,
		ClaimedAt: now.UTC().Format(time.RFC3339Nano), ExpiresAt: now.Add(handledKept).Unix()},
		itemAbsent+" OR attribute_not_exists(DoneAt) OR "+expiredBy)
	if err != nil {
		return fmt.Errorf("store.ClaimEvent: %w", err)
	}
	_, err = s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: it.Put.Item, ConditionExpression: it.Put.ConditionExpression,
		ExpressionAttributeValues: map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: epoch(now)}}})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return fmt.Errorf("store.ClaimEvent %s %s: %w", consumer, eventID, eventtypes.ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store.ClaimEvent %s %s: %w", consumer, eventID, err)
	}
	return nil
}

// DoneEvent implements notifications.Store.
func (s *Store) DoneEvent(ctx context.Context, consumer, eventID string, now time.Time) error {
	item, err := attributevalue.MarshalMap(claimItem{PK: handledPK(consumer, eventID), SK: skHandled, Type: typeHandled,
		ClaimedAt: now.UTC().Format(time.RFC3339Nano), DoneAt: now.UTC().Format(time.RFC3339Nano), ExpiresAt: now.Add(handledKept).Unix()})
	if err != nil {
		return fmt.Errorf("store.DoneEvent: %w", err)
	}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("store.DoneEvent %s %s: %w", consumer, eventID, err)
	}
	return nil
}

// condEventNew names the condition of a handled marker: the consumer has not handled
// the event yet (or its marker expired).
const condEventNew = "event not handled yet"

// CountEvent implements metrics.Store: the handled marker, every counter and every
// sketch the event adds to commit together, one transaction (after one read of the
// sketches' shards, when it adds members).
func (s *Store) CountEvent(ctx context.Context, consumer, eventID, day string, counts []metrics.Count, now time.Time) error {
	mark, err := s.handledPut(consumer, eventID, now)
	if err != nil {
		return fmt.Errorf("store.CountEvent: %w", err)
	}
	err = s.countTxn(ctx, &mark, day, eventID, counts, nil, now, nil)
	if failed(err, condEventNew) {
		return fmt.Errorf("store.CountEvent %s %s: %w", consumer, eventID, eventtypes.ErrDuplicate)
	}
	if err != nil {
		return fmt.Errorf("store.CountEvent %s %s: %w", consumer, eventID, err)
	}
	return nil
}

// countUpdate adds Delta to a shard of a daily counter, chosen by by (an event's id).
// Member counts go to sketches (sketches.go); items written before them hold the set
// Members, which Counter still adds up.
func (s *Store) countUpdate(c metrics.Count, day, by string) types.TransactWriteItem {
	return types.TransactWriteItem{Update: &types.Update{
		TableName: aws.String(s.Table), Key: key(counterPK(c.Name), counterShardSK(day, by)), UpdateExpression: aws.String("SET #t = :type ADD #c :d"),
		ExpressionAttributeNames:  map[string]string{"#t": AttrType, "#c": attrCount},
		ExpressionAttributeValues: map[string]types.AttributeValue{":type": &types.AttributeValueMemberS{Value: typeCounter}, ":d": &types.AttributeValueMemberN{Value: fmt.Sprint(c.Delta)}},
	}}
}

// Attributes of a counter item (Members, the day's set of member ids, is attrMembers).
const attrCount = "Count"

// CountOnce adds delta to counter name for day unless consumer already counted eventID
// (then eventtypes.ErrDuplicate): CountEvent with one count.
func (s *Store) CountOnce(ctx context.Context, consumer, eventID, name, day string, delta int64, now time.Time) error {
	return s.CountEvent(ctx, consumer, eventID, day, []metrics.Count{{Name: name, Delta: delta}}, now)
}

// Counter implements metrics.Store: the sum of the day's shards (counts, and members
// in sets), one query.
func (s *Store) Counter(ctx context.Context, name, day string) (int64, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table),
		KeyConditionExpression: aws.String(pkIs + " AND " + skBeginsWith(":day")),
		ProjectionExpression:   aws.String("#c, #m"), ExpressionAttributeNames: map[string]string{"#c": attrCount, "#m": attrMembers},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: counterPK(name)}, ":day": &types.AttributeValueMemberS{Value: counterSK(day)}}})
	if err != nil {
		return 0, fmt.Errorf("store.Counter %s %s: %w", name, day, err)
	}
	var total int64
	for _, item := range items {
		var it struct {
			Count   int64
			Members []string `dynamodbav:",stringset"`
		}
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return 0, fmt.Errorf("store.Counter %s %s: %w", name, day, err)
		}
		total += it.Count + int64(len(it.Members))
	}
	return total, nil
}

// attrValue is a MetricValue's measured value.
const attrValue = "Value"

// SetValue implements metrics.ValueStore.
func (s *Store) SetValue(ctx context.Context, name, day, key string, value float64) error {
	item, err := attributevalue.MarshalMap(map[string]any{AttrPK: valuesPK(name, day), AttrSK: key, AttrType: "MetricValue", attrValue: value})
	if err != nil {
		return fmt.Errorf("store.SetValue: %w", err)
	}
	if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
		return fmt.Errorf("store.SetValue %s %s: %w", name, day, err)
	}
	return nil
}

// Values implements metrics.ValueStore.
func (s *Store) Values(ctx context.Context, name, day string) ([]float64, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String("#Value"),
		KeyConditionExpression: aws.String(pkIs), ExpressionAttributeNames: named(attrValue),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: valuesPK(name, day)}}})
	if err != nil {
		return nil, fmt.Errorf("store.Values %s %s: %w", name, day, err)
	}
	out := make([]float64, 0, len(items))
	for _, it := range items {
		var v struct{ Value float64 }
		if err := attributevalue.UnmarshalMap(it, &v); err != nil {
			return nil, fmt.Errorf("store.Values: %w", err)
		}
		out = append(out, v.Value)
	}
	return out, nil
}
