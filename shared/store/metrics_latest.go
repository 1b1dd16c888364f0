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
)

// latestValueItem is where a key's latest measured value of a metric counts (LatestValue
// in docs/data-model.md): the day whose MetricValue holds it and the time it was
// measured, which orders the writes.
type latestValueItem struct {
	PK, SK string
	Type   string
	Day    string
	At     time.Time
	Value  float64
}

const (
	typeLatestValue = "LatestValue"
	attrAt          = "At"
	// condLatestAsRead: the latest value is still the one read (or still none).
	condLatestAsRead = "latest value as read"
	// latestRetries bounds the reads again when concurrent writes of the same key race.
	latestRetries = 10
)

// SetLatestValue implements metrics.ValueStore: id's value measured at counts on day,
// unless a value measured later (or at the same time: a repeat) is there already, and
// the day of the value it replaces no longer holds one. Whatever order and however many
// times the writes come, the latest stays, once. One read and one transaction (read
// again when a concurrent write of the same id got there first).
func (s *Store) SetLatestValue(ctx context.Context, name, id, day string, at time.Time, value float64) error {
	for range latestRetries {
		out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(latestPK(name), id), ConsistentRead: aws.Bool(true)})
		if err != nil {
			return fmt.Errorf("store.SetLatestValue %s %s: %w", name, id, err)
		}
		var cur latestValueItem
		if len(out.Item) > 0 {
			if err := attributevalue.UnmarshalMap(out.Item, &cur); err != nil {
				return fmt.Errorf("store.SetLatestValue %s %s: %w", name, id, err)
			}
			if !at.After(cur.At) {
				return nil
			}
		}
		latest, err := attributevalue.MarshalMap(latestValueItem{PK: latestPK(name), SK: id, Type: typeLatestValue, Day: day, At: at.UTC(), Value: value})
		if err != nil {
			return fmt.Errorf("store.SetLatestValue: %w", err)
		}
		put := &types.Put{TableName: aws.String(s.Table), Item: latest, ConditionExpression: aws.String(itemAbsent)}
		if len(out.Item) > 0 {
			put.ConditionExpression = aws.String("#At = :at")
			put.ExpressionAttributeNames = named(attrAt)
			put.ExpressionAttributeValues = item{":at": out.Item[attrAt]}
		}
		t := s.txn().add(condLatestAsRead, types.TransactWriteItem{Put: put})
		t.put("", map[string]any{AttrPK: valuesPK(name, day), AttrSK: id, AttrType: "MetricValue", attrValue: value}, "")
		if len(out.Item) > 0 && cur.Day != day {
			t.add("", s.del(key(valuesPK(name, cur.Day), id), ""))
		}
		err = t.run(ctx)
		if failed(err, condLatestAsRead) {
			continue
		}
		if err != nil {
			return fmt.Errorf("store.SetLatestValue %s %s: %w", name, id, err)
		}
		return nil
	}
	return fmt.Errorf("store.SetLatestValue %s %s: %w", name, id, errors.New("concurrent writes kept winning"))
}
