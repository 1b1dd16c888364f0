package store

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/ratelimit"
)

// txn builds one transaction whose conditions have names: a cancellation then says
// which named condition failed (failed(err, name)) instead of a position in the list of
// reasons, so adding an item to a transaction cannot silently shift what a failure
// means. It runs through transact (conflict retries, the request's idempotency claims).
//
//	t := s.txn()
//	t.put(condPostNew, postItem, itemAbsent)
//	t.add(condImage, imageUpdates...)
//	err := t.run(ctx)
//	if failed(err, condImage) { ... }
//
// Several items may share a name (every image update is condImage); an item whose
// condition no caller tells apart is added with name "".
type txn struct {
	s     *Store
	items []types.TransactWriteItem
	names []string
	// hits are the rate-limit updates first in items; a failed one fails the whole
	// with limited.
	hits    []ratelimit.Hit
	limited error
	err     error
}

// txn starts a transaction.
func (s *Store) txn() *txn { return &txn{s: s} }

// add appends writes whose conditions are named name ("" for none told apart).
func (t *txn) add(name string, items ...types.TransactWriteItem) *txn {
	for _, it := range items {
		t.items = append(t.items, it)
		t.names = append(t.names, name)
	}
	return t
}

// put appends a Put of item (marshalled) on condition ("" for none), named name.
func (t *txn) put(name string, item any, condition string) *txn {
	p, err := t.s.put(item, condition)
	if err != nil {
		t.fail(err)
		return t
	}
	return t.add(name, p)
}

// also appends writes built elsewhere that may have failed to build (err).
func (t *txn) also(name string, items []types.TransactWriteItem, err error) *txn {
	if err != nil {
		t.fail(err)
		return t
	}
	return t.add(name, items...)
}

// fail records the first error building the transaction: run returns it, writing nothing.
func (t *txn) fail(err error) {
	if t.err == nil {
		t.err = err
	}
}

// underLimits puts the rate-limit hits first: one over its limit fails the whole
// transaction with limited (wrapped with the rule's name), and nothing is written.
func (t *txn) underLimits(hits []ratelimit.Hit, now time.Time, limited error) *txn {
	updates := t.s.rateUpdates(hits, now)
	t.items = append(slices.Clone(updates), t.items...)
	t.names = append(make([]string, len(updates)), t.names...)
	t.hits, t.limited = hits, limited
	return t
}

// len is the number of writes so far.
func (t *txn) len() int { return len(t.items) }

// run writes the transaction. A cancellation on conditions returns a *conditionsFailed
// naming them (failed tells them apart); it wraps the DynamoDB error, so errors.As of a
// *types.TransactionCanceledException still works.
func (t *txn) run(ctx context.Context) error {
	if t.err != nil {
		return t.err
	}
	reasons, err := t.s.transact(ctx, t.items)
	if err == nil || len(reasons) == 0 {
		return err
	}
	for i, h := range t.hits {
		if conditionFailed(reasons, i) {
			return fmt.Errorf("%s: %w", h.Rule.Name, t.limited)
		}
	}
	cf := &conditionsFailed{err: err, old: map[string]item{}}
	for i, name := range t.names {
		if name == "" || !conditionFailed(reasons, i) {
			continue
		}
		if !slices.Contains(cf.names, name) {
			cf.names = append(cf.names, name)
			cf.old[name] = reasons[i].Item
		}
	}
	if len(cf.names) == 0 {
		return err
	}
	return cf
}

// conditionsFailed is a transaction cancelled because named conditions failed.
type conditionsFailed struct {
	names []string
	// old is the item as it was for each name (its first item), when the write asked
	// for it (ReturnValuesOnConditionCheckFailure).
	old map[string]item
	err error
}

func (e *conditionsFailed) Error() string {
	return fmt.Sprintf("condition %s failed: %v", strings.Join(e.names, ", "), e.err)
}

func (e *conditionsFailed) Unwrap() error { return e.err }

// failed reports whether err is a transaction cancelled on the condition named name.
func failed(err error, name string) bool {
	var cf *conditionsFailed
	return errors.As(err, &cf) && slices.Contains(cf.names, name)
}

// failedItem is the item as it was when the condition named name failed (nil when the
// write did not ask for it or the condition did not fail).
func failedItem(err error, name string) item {
	var cf *conditionsFailed
	if !errors.As(err, &cf) {
		return nil
	}
	return cf.old[name]
}

// check is a ConditionCheck of an item's key, for a transaction.
func (s *Store) check(k item, condition string, names map[string]string, values item) types.TransactWriteItem {
	c := &types.ConditionCheck{TableName: aws.String(s.Table), Key: k, ConditionExpression: aws.String(condition),
		ExpressionAttributeValues: values}
	if len(names) > 0 {
		c.ExpressionAttributeNames = names
	}
	return types.TransactWriteItem{ConditionCheck: c}
}

// update is an Update of a key for a transaction.
func (s *Store) update(k item, expr, condition string, names map[string]string, values item) types.TransactWriteItem {
	u := &types.Update{TableName: aws.String(s.Table), Key: k, UpdateExpression: aws.String(expr),
		ExpressionAttributeNames: names, ExpressionAttributeValues: values}
	if condition != "" {
		u.ConditionExpression = aws.String(condition)
	}
	return types.TransactWriteItem{Update: u}
}

// del is a Delete of an item's key for a transaction, on condition ("" for none).
func (s *Store) del(k item, condition string) types.TransactWriteItem {
	d := &types.Delete{TableName: aws.String(s.Table), Key: k}
	if condition != "" {
		d.ConditionExpression = aws.String(condition)
	}
	return types.TransactWriteItem{Delete: d}
}

// with appends writes built elsewhere, whose conditions no caller tells apart, unless
// building them failed (err): t.with(s.outboxPuts(events)).
func (t *txn) with(items []types.TransactWriteItem, err error) *txn { return t.also("", items, err) }

// lostToConcurrent reports whether a transaction was cancelled, after its retries, because
// concurrent ones kept writing its items.
func lostToConcurrent(err error) bool {
	var canceled *types.TransactionCanceledException
	if !errors.As(err, &canceled) {
		return false
	}
	for _, r := range canceled.CancellationReasons {
		if aws.ToString(r.Code) == "TransactionConflict" {
			return true
		}
	}
	return false
}

// rateUpdates are the conditional counter increments of rate-limit hits.
func (s *Store) rateUpdates(hits []ratelimit.Hit, now time.Time) []types.TransactWriteItem {
	items := make([]types.TransactWriteItem, len(hits))
	for i, h := range hits {
		start := h.WindowStart(now)
		items[i] = types.TransactWriteItem{Update: &types.Update{
			TableName:                aws.String(s.Table),
			Key:                      key(ratePK(h), rateWindowSK(start)),
			UpdateExpression:         aws.String("SET #Type = :type, #ExpiresAt = :exp ADD #Hits :one"),
			ConditionExpression:      aws.String("attribute_not_exists(#Hits) OR #Hits < :limit"),
			ExpressionAttributeNames: named(AttrType, AttrExpires, attrHits),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":type": &types.AttributeValueMemberS{Value: typeRateWindow}, ":one": &types.AttributeValueMemberN{Value: "1"},
				":limit": &types.AttributeValueMemberN{Value: fmt.Sprint(h.Rule.Limit)},
				":exp":   &types.AttributeValueMemberN{Value: epoch(start.Add(2 * h.Rule.Window))},
			},
		}}
	}
	return items
}

// writeUnderLimits runs items in one transaction with the rate-limit hits; a hit over
// its limit fails the whole with limited, and nothing is written.
func (s *Store) writeUnderLimits(ctx context.Context, hits []ratelimit.Hit, now time.Time, limited error, items ...types.TransactWriteItem) error {
	return s.txn().underLimits(hits, now, limited).add("", items...).run(ctx)
}
