package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/queue"
)

// The local durable queue: what SQS keeps in AWS, kept in the table under make run and
// in tests, so a message put before a crash is still there after it (the newsletter
// sender's batches). Messages wait by hundreds: one partition per queue, read whole.

const typeLocalQueueMessage = "LocalQueueMessage"

// Attribute names of the local queue's expressions (fields of localQueueItem).
const (
	lqVisibleAt = "VisibleAt"
	lqReceives  = "Receives"
)

// localQueueItem is one message: LOCALQUEUE#<queue> / <sent>#<random>. VisibleAt is
// Unix milliseconds.
type localQueueItem struct {
	PK, SK, Type string
	Body         string
	SentAt       time.Time
	VisibleAt    int64
	Receives     int
}

// LocalQueue is the local durable queue.
type LocalQueue struct{ *Store }

var _ queue.LocalStore = LocalQueue{}

// LocalQueue is the local queue over the table.
func (s *Store) LocalQueue() LocalQueue { return LocalQueue{s} }

// Put implements queue.LocalStore: 25 messages a batch write.
func (q LocalQueue) Put(ctx context.Context, name string, bodies [][]byte, now time.Time) error {
	reqs := make([]types.WriteRequest, 0, len(bodies))
	for i, b := range bodies {
		// First in, first out: the time, then the position among those put together.
		sk := fmt.Sprintf("%s#%05d#%s", stamp(now), i, rand.Text()[:8])
		av, err := attributevalue.MarshalMap(localQueueItem{PK: localQueuePK(name), SK: sk, Type: typeLocalQueueMessage,
			Body: string(b), SentAt: now.UTC(), VisibleAt: ms(now)})
		if err != nil {
			return err
		}
		reqs = append(reqs, types.WriteRequest{PutRequest: &types.PutRequest{Item: av}})
	}
	if err := q.batchWrite(ctx, reqs); err != nil {
		return fmt.Errorf("store.LocalQueue.Put %s: %w", name, err)
	}
	return nil
}

// Receive implements queue.LocalStore: the oldest visible messages, each taken with a
// conditional update of its visibility (a message another poller took meanwhile is
// left to it).
func (q LocalQueue) Receive(ctx context.Context, name string, max int, now, until time.Time) ([]queue.Message, error) {
	// Pages of a few messages, stopping once max are taken: a queue of hundreds of
	// batches is not read whole (with every body) at each receive.
	in := &dynamodb.QueryInput{TableName: aws.String(q.Table), ConsistentRead: aws.Bool(true),
		KeyConditionExpression:    aws.String(pkIs),
		FilterExpression:          aws.String("#VisibleAt <= :now"),
		ExpressionAttributeNames:  named(lqVisibleAt),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": nS(localQueuePK(name)), ":now": nN(ms(now))},
		Limit:                     aws.Int32(int32(4 * max))}
	var out []queue.Message
	err := q.eachPage(ctx, in, func(page []item) error {
		for _, raw := range page {
			if len(out) == max {
				return errStop
			}
			var it localQueueItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return err
			}
			_, err := q.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(q.Table), Key: key(it.PK, it.SK),
				UpdateExpression:          aws.String("SET #VisibleAt = :until ADD #Receives :one"),
				ConditionExpression:       aws.String("#VisibleAt = :was"),
				ExpressionAttributeNames:  named(lqVisibleAt, lqReceives),
				ExpressionAttributeValues: map[string]types.AttributeValue{":until": nN(ms(until)), ":one": nN(1), ":was": nN(it.VisibleAt)}})
			var taken *types.ConditionalCheckFailedException
			if errors.As(err, &taken) {
				continue
			}
			if err != nil {
				return err
			}
			out = append(out, queue.Message{ID: it.SK, Body: it.Body, Receives: it.Receives + 1, SentAt: it.SentAt})
		}
		if len(out) == max {
			return errStop
		}
		return nil
	})
	if err != nil {
		return out, fmt.Errorf("store.LocalQueue.Receive %s: %w", name, err)
	}
	return out, nil
}

// Delete implements queue.LocalStore.
func (q LocalQueue) Delete(ctx context.Context, name, id string) error {
	if _, err := q.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(q.Table), Key: key(localQueuePK(name), id)}); err != nil {
		return fmt.Errorf("store.LocalQueue.Delete %s: %w", name, err)
	}
	return nil
}

// DeadLetter implements queue.LocalStore: the message moves to the dead-letter queue
// in one transaction.
func (q LocalQueue) DeadLetter(ctx context.Context, name string, m queue.Message, now time.Time) error {
	dead := localQueueItem{PK: localQueuePK(queue.DeadLetterOf(name)), SK: m.ID, Type: typeLocalQueueMessage, Body: m.Body, SentAt: m.SentAt,
		VisibleAt: ms(now), Receives: m.Receives}
	if err := q.txn().put("", dead, "").add("", q.del(key(localQueuePK(name), m.ID), "")).run(ctx); err != nil {
		return fmt.Errorf("store.LocalQueue.DeadLetter %s: %w", name, err)
	}
	return nil
}

// Depth is how many messages wait in a local queue, visible or not (tests, the
// development pages).
func (q LocalQueue) Depth(ctx context.Context, name string) (int, error) {
	n := 0
	in := &dynamodb.QueryInput{TableName: aws.String(q.Table), ConsistentRead: aws.Bool(true), KeyConditionExpression: aws.String(pkIs),
		ProjectionExpression: aws.String(AttrSK), ExpressionAttributeValues: map[string]types.AttributeValue{":pk": nS(localQueuePK(name))}}
	err := q.eachPage(ctx, in, func(page []item) error { n += len(page); return nil })
	return n, err
}
