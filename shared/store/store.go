package store

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strconv"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/idempotency"
	"tribune/shared/posts"
	"tribune/shared/prefetch"
	"tribune/shared/secret"
)

// API is the part of the DynamoDB client the store uses.
type API interface {
	GetItem(context.Context, *dynamodb.GetItemInput, ...func(*dynamodb.Options)) (*dynamodb.GetItemOutput, error)
	PutItem(context.Context, *dynamodb.PutItemInput, ...func(*dynamodb.Options)) (*dynamodb.PutItemOutput, error)
	UpdateItem(context.Context, *dynamodb.UpdateItemInput, ...func(*dynamodb.Options)) (*dynamodb.UpdateItemOutput, error)
	DeleteItem(context.Context, *dynamodb.DeleteItemInput, ...func(*dynamodb.Options)) (*dynamodb.DeleteItemOutput, error)
	Query(context.Context, *dynamodb.QueryInput, ...func(*dynamodb.Options)) (*dynamodb.QueryOutput, error)
	TransactWriteItems(context.Context, *dynamodb.TransactWriteItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactWriteItemsOutput, error)
	BatchGetItem(context.Context, *dynamodb.BatchGetItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchGetItemOutput, error)
	TransactGetItems(context.Context, *dynamodb.TransactGetItemsInput, ...func(*dynamodb.Options)) (*dynamodb.TransactGetItemsOutput, error)
	BatchWriteItem(context.Context, *dynamodb.BatchWriteItemInput, ...func(*dynamodb.Options)) (*dynamodb.BatchWriteItemOutput, error)
}

// Store implements every domain's Store interface on the one table.
type Store struct {
	DB    API
	Table string
	// CursorKey signs pagination cursors. CursorSecret, when set, replaces it on first
	// use with the key every instance of a deployment shares.
	CursorKey    []byte
	CursorSecret *secret.Value
}

// cursorKey is the key that signs cursors.
func (s *Store) cursorKey() ([]byte, error) {
	if s.CursorSecret == nil {
		return s.CursorKey, nil
	}
	k, err := s.CursorSecret.Get()
	if err != nil {
		return nil, fmt.Errorf("store: cursor key: %w", err)
	}
	return []byte(k), nil
}

// New returns a store on a table with a random cursor key; a deployment with more
// than one process sets CursorKey to its shared secret.
func New(db API, table string) *Store {
	k := make([]byte, 32)
	_, _ = rand.Read(k)
	return &Store{DB: db, Table: table, CursorKey: k}
}

// key builds a primary key.
func key(pk, sk string) map[string]types.AttributeValue {
	return map[string]types.AttributeValue{AttrPK: &types.AttributeValueMemberS{Value: pk}, AttrSK: &types.AttributeValueMemberS{Value: sk}}
}

func epoch(t time.Time) string { return strconv.FormatInt(t.Unix(), 10) }

// expired reports whether an item's TTL has passed: DynamoDB deletes expired items
// late (DynamoDB Local never), so every read treats them as absent.
func expired(item map[string]types.AttributeValue, now time.Time) bool {
	n, ok := item[AttrExpires].(*types.AttributeValueMemberN)
	if !ok {
		return false
	}
	at, err := strconv.ParseInt(n.Value, 10, 64)
	return err == nil && at <= now.Unix()
}

// get reads one item into out; a missing or expired item wraps errs.ErrNotFound.
func (s *Store) get(ctx context.Context, op, pk, sk string, now time.Time, out any) error {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(pk, sk), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return fmt.Errorf("%s %s: %w", op, pk, err)
	}
	if res.Item == nil || expired(res.Item, now) {
		return fmt.Errorf("%s %s: %w", op, pk, errs.ErrNotFound)
	}
	if err := attributevalue.UnmarshalMap(res.Item, out); err != nil {
		return fmt.Errorf("%s %s: %w", op, pk, err)
	}
	return nil
}

// put builds a Put of an item for a transaction.
func (s *Store) put(item any, condition string) (types.TransactWriteItem, error) {
	av, err := attributevalue.MarshalMap(item)
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	p := &types.Put{TableName: aws.String(s.Table), Item: av}
	if condition != "" {
		p.ConditionExpression = aws.String(condition)
		p.ReturnValuesOnConditionCheckFailure = types.ReturnValuesOnConditionCheckFailureAllOld
	}
	return types.TransactWriteItem{Put: p}, nil
}

// conflictRetries bounds how often a transaction runs again after losing to another
// one on the same item.
const conflictRetries = 5

// transact runs a transaction; on cancellation it returns the reasons, one per item.
// A transaction cancelled only because another one was writing one of its items
// (TransactionConflict: DynamoDB answers so under contention; DynamoDB Local queues
// instead) wrote nothing, so it runs again, a few times, with its conditions evaluated
// afresh; a failed condition is returned at once.
//
// The first write transaction of a request that names itself (package idempotency)
// also claims its names: if another request holds one, the transaction writes nothing
// and transact returns idempotency.ErrRepeated (and no reasons, so no caller mistakes
// it for its own condition), whatever else failed.
func (s *Store) transact(ctx context.Context, items []types.TransactWriteItem) ([]types.CancellationReason, error) {
	items, claims, err := s.withClaims(ctx, items)
	if err != nil {
		return nil, err
	}
	first := len(items) - len(claims)
	for attempt := 1; ; attempt++ {
		_, err := s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
		if err == nil {
			for _, c := range claims {
				c.SetPlaced()
			}
		}
		var canceled *types.TransactionCanceledException
		if !errors.As(err, &canceled) {
			return nil, err
		}
		if lostClaim(canceled.CancellationReasons, first, claims) {
			return nil, fmt.Errorf("store: %w", idempotency.ErrRepeated)
		}
		if attempt == conflictRetries || !onlyConflicts(canceled.CancellationReasons) {
			return canceled.CancellationReasons, err
		}
		select {
		case <-ctx.Done():
			return canceled.CancellationReasons, err
		case <-time.After(time.Duration(attempt*attempt) * 5 * time.Millisecond):
		}
	}
}

// onlyConflicts reports whether a cancellation is due to concurrent transactions alone.
func onlyConflicts(reasons []types.CancellationReason) bool {
	conflict := false
	for _, r := range reasons {
		switch aws.ToString(r.Code) {
		case "TransactionConflict":
			conflict = true
		case "", "None":
		default:
			return false
		}
	}
	return conflict
}

// conditionFailed reports whether reason i of a cancellation is a failed condition.
func conditionFailed(reasons []types.CancellationReason, i int) bool {
	return i < len(reasons) && aws.ToString(reasons[i].Code) == "ConditionalCheckFailed"
}

// batchDelete deletes keys, 25 per call.
func (s *Store) batchDelete(ctx context.Context, keys []map[string]types.AttributeValue) error {
	reqs := make([]types.WriteRequest, len(keys))
	for i, k := range keys {
		reqs[i] = types.WriteRequest{DeleteRequest: &types.DeleteRequest{Key: k}}
	}
	return s.batchWrite(ctx, reqs)
}

// batchWrite sends write requests 25 at a time, retrying what DynamoDB leaves unprocessed.
func (s *Store) batchWrite(ctx context.Context, reqs []types.WriteRequest) error {
	for start := 0; start < len(reqs); start += 25 {
		pending := map[string][]types.WriteRequest{s.Table: reqs[start:min(start+25, len(reqs))]}
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 5 {
				return errors.New("batch write: items left unprocessed after 5 attempts")
			}
			out, err := s.DB.BatchWriteItem(ctx, &dynamodb.BatchWriteItemInput{RequestItems: pending})
			if err != nil {
				return err
			}
			pending = out.UnprocessedItems
		}
	}
	return nil
}

// queryPrefix queries the items of a partition whose sort key starts with prefix,
// projecting the given attributes (all when none).
func queryPrefix(table, pk, prefix string, attrs ...string) *dynamodb.QueryInput {
	in := &dynamodb.QueryInput{TableName: aws.String(table),
		KeyConditionExpression: aws.String(pkIs + " AND " + skBeginsWith(":p")),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: pk}, ":p": &types.AttributeValueMemberS{Value: prefix}}}
	if len(attrs) > 0 {
		in.ProjectionExpression = aws.String(strings.Join(attrs, ", "))
	}
	return in
}

// keyName is a key as one string, for prefetched items.
func keyName(k map[string]types.AttributeValue) string {
	pk, _ := k[AttrPK].(*types.AttributeValueMemberS)
	sk, _ := k[AttrSK].(*types.AttributeValueMemberS)
	if pk == nil || sk == nil {
		return ""
	}
	return pk.Value + "|" + sk.Value
}

// readKeys reads items by key: from what the request prefetched with its session when
// it has them all (see package prefetch), otherwise in one consistent BatchGetItem.
func (s *Store) readKeys(ctx context.Context, op string, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	if items, ok := prefetched(ctx, keys); ok {
		return items, nil
	}
	out, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: map[string]types.KeysAndAttributes{
		s.Table: {Keys: keys, ConsistentRead: aws.Bool(true)}}})
	if err != nil {
		return nil, fmt.Errorf("%s: %w", op, err)
	}
	if len(out.UnprocessedKeys) > 0 {
		return nil, fmt.Errorf("%s: throttled, keys left unprocessed", op)
	}
	return out.Responses[s.Table], nil
}

// prefetched returns the items of keys the request fetched with its session, if it
// fetched them all (see package prefetch).
func prefetched(ctx context.Context, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, bool) {
	names := make([]string, len(keys))
	for i, k := range keys {
		names[i] = keyName(k)
	}
	got, ok := prefetch.From(ctx).Take(names...)
	if !ok {
		return nil, false
	}
	items := make([]map[string]types.AttributeValue, 0, len(got))
	for _, g := range got {
		if p, ok := g.(preloaded); ok {
			g = p.item
		}
		if item, _ := g.(map[string]types.AttributeValue); item != nil {
			items = append(items, item)
		}
	}
	return items, true
}

// preloaded is an item a request read ahead for several readers (see preload): batchGet
// finds it and leaves it for the next reader; readKeys takes it as a prefetched item.
type preloaded struct {
	item map[string]types.AttributeValue
}

// preload reads, in one consistent BatchGetItem, the items a request is about to read
// (it knows them before its readers do): once are taken by their first reader (readKeys,
// as prefetched items), shared are kept for every batchGet of the request (members'
// names, read by several parts of one answer). Without a prefetch in the request (see
// package prefetch) it reads nothing.
func (s *Store) preload(ctx context.Context, op string, once, shared []map[string]types.AttributeValue) error {
	pr := prefetch.From(ctx)
	if pr == nil || len(once)+len(shared) == 0 {
		return nil
	}
	keys := append(slices.Clone(once), shared...)
	if len(keys) > 100 {
		keys, shared = once, nil
	}
	found, err := s.batchGet(ctx, op, keys)
	if err != nil {
		return err
	}
	for _, k := range once {
		name := keyName(k)
		if it, ok := found[name]; ok {
			pr.Put(name, it)
		} else {
			pr.Put(name, nil)
		}
	}
	for _, k := range shared {
		name := keyName(k)
		pr.Put(name, preloaded{found[name]})
	}
	return nil
}

// takePreloaded moves into found the items of keys the request preloaded for every
// reader (leaving them for the next) and returns the keys it still has to read.
func takePreloaded(ctx context.Context, keys []map[string]types.AttributeValue, found map[string]map[string]types.AttributeValue) []map[string]types.AttributeValue {
	pr := prefetch.From(ctx)
	if pr == nil {
		return keys
	}
	rest := keys[:0:0]
	for _, k := range keys {
		name := keyName(k)
		got, ok := pr.Take(name)
		if !ok {
			rest = append(rest, k)
			continue
		}
		p, isShared := got[0].(preloaded)
		pr.Put(name, got[0])
		switch {
		case !isShared:
			rest = append(rest, k)
		case p.item != nil:
			found[name] = p.item
		}
	}
	return rest
}

// readKeysTogether reads items as readKeys does, but, when they were not prefetched,
// in one TransactGetItems: it never sees half of a concurrent transaction (a
// BatchGetItem may read one item before a transaction and another after it, and miss a
// membership that was an invitation a moment ago and a member the next).
func (s *Store) readKeysTogether(ctx context.Context, op string, keys []map[string]types.AttributeValue) ([]map[string]types.AttributeValue, error) {
	if items, ok := prefetched(ctx, keys); ok {
		return items, nil
	}
	gets := make([]types.TransactGetItem, len(keys))
	for i, k := range keys {
		gets[i] = types.TransactGetItem{Get: &types.Get{TableName: aws.String(s.Table), Key: k}}
	}
	for attempt := 1; ; attempt++ {
		out, err := s.DB.TransactGetItems(ctx, &dynamodb.TransactGetItemsInput{TransactItems: gets})
		var canceled *types.TransactionCanceledException
		if errors.As(err, &canceled) && attempt < conflictRetries && onlyConflicts(canceled.CancellationReasons) {
			time.Sleep(time.Duration(attempt*attempt) * 5 * time.Millisecond)
			continue
		}
		if err != nil {
			return nil, fmt.Errorf("%s: %w", op, err)
		}
		items := make([]map[string]types.AttributeValue, 0, len(out.Responses))
		for _, r := range out.Responses {
			if len(r.Item) > 0 {
				items = append(items, r.Item)
			}
		}
		return items, nil
	}
}

// prefetchKeys are the keys a request announced it reads first (package prefetch).
func prefetchKeys(pr *prefetch.Request, memberID string) []map[string]types.AttributeValue {
	switch {
	case pr == nil:
		return nil
	case pr.ImageFile != "":
		keys := []map[string]types.AttributeValue{imageKey(posts.ImageID{SpaceID: pr.SpaceID, MemberID: pr.ImageMember, File: pr.ImageFile})}
		if pr.SpaceID != "" {
			keys = append(keys, spaceKeys(pr.SpaceID, memberID)...)
		}
		return keys
	case pr.SpaceID != "":
		return spaceKeys(pr.SpaceID, memberID)
	case pr.PostID != "":
		return postPageKeys(pr.PostID, memberID)
	}
	return nil
}

// keepPrefetched hands the prefetched items (and the absence of the others) to the request.
func keepPrefetched(pr *prefetch.Request, keys []map[string]types.AttributeValue, items []map[string]types.AttributeValue) {
	if pr == nil || len(keys) == 0 {
		return
	}
	found := map[string]map[string]types.AttributeValue{}
	for _, item := range items {
		found[keyName(item)] = item
	}
	for _, k := range keys {
		name := keyName(k)
		pr.Put(name, found[name])
	}
}

// batchGet reads keys (duplicates allowed), 100 per call, retrying what DynamoDB leaves
// unprocessed; expired items count as absent. The answer is keyed by keyName.
func (s *Store) batchGet(ctx context.Context, op string, keys []map[string]types.AttributeValue) (map[string]map[string]types.AttributeValue, error) {
	seen := map[string]bool{}
	var unique []map[string]types.AttributeValue
	for _, k := range keys {
		if name := keyName(k); !seen[name] {
			seen[name] = true
			unique = append(unique, k)
		}
	}
	found := make(map[string]map[string]types.AttributeValue, len(unique))
	unique = takePreloaded(ctx, unique, found)
	now := time.Now()
	for start := 0; start < len(unique); start += 100 {
		pending := map[string]types.KeysAndAttributes{s.Table: {Keys: unique[start:min(start+100, len(unique))], ConsistentRead: aws.Bool(true)}}
		for attempt := 0; len(pending) > 0; attempt++ {
			if attempt == 5 {
				return nil, fmt.Errorf("%s: keys left unprocessed after 5 attempts", op)
			}
			out, err := s.DB.BatchGetItem(ctx, &dynamodb.BatchGetItemInput{RequestItems: pending})
			if err != nil {
				return nil, fmt.Errorf("%s: %w", op, err)
			}
			for _, item := range out.Responses[s.Table] {
				if !expired(item, now) {
					found[keyName(item)] = item
				}
			}
			pending = out.UnprocessedKeys
		}
	}
	return found, nil
}
