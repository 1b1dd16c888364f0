package store

import (
	"bytes"
	"compress/gzip"
	"context"
	"errors"
	"fmt"
	"io"
	"log/slog"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/idempotency"
)

// Claims of repeated requests (package idempotency): one item per name, in the
// partition of whose names they are, living as long as the name holds.
const typeRepeat = "RepeatClaim"

// maxTransactItems is DynamoDB's bound on the items of one transaction.
const maxTransactItems = 100

type repeatItem struct {
	PK, SK, Type string
	Fingerprint  string
	Owner        string
	Status       int    `dynamodbav:",omitempty"`
	ContentType  string `dynamodbav:",omitempty"`
	Location     string `dynamodbav:",omitempty"`
	Body         []byte `dynamodbav:",omitempty"`
	// Gzip: Body is gzip-compressed (answers over gzipFrom bytes; an item holds 400 KB).
	Gzip bool `dynamodbav:",omitempty"`
	// ClaimedAt (epoch seconds) is when the claim was written: a claim with no Status
	// idempotency.Lease after it is abandoned and counts as absent (live).
	ClaimedAt int64
	ExpiresAt int64
}

// claimFree is the condition on which a claim is put: no claim of that name, or one
// that no longer holds (expired, or abandoned without an answer).
const claimFree = itemAbsent + " OR #ExpiresAt <= :now OR (attribute_not_exists(#Status) AND #ClaimedAt <= :stale)"

// Attributes of a repeatItem that expressions name (Status and Location: attrStatus,
// attrLocation; ExpiresAt: AttrExpires).
const (
	attrOwner       = "Owner"
	attrContentType = "ContentType"
	attrRepeatBody  = "Body"
	attrGzip        = "Gzip"
	attrClaimedAt   = "ClaimedAt"
)

// claimFreeValues are claimFree's names and values at now.
func claimFreeValues(now time.Time) (map[string]string, map[string]types.AttributeValue) {
	return named(AttrExpires, attrStatus, attrClaimedAt), map[string]types.AttributeValue{
		":now":   &types.AttributeValueMemberN{Value: epoch(now)},
		":stale": &types.AttributeValueMemberN{Value: epoch(now.Add(-idempotency.Lease))}}
}

// live reports whether a stored claim holds its name at now: not expired (DynamoDB
// deletes late, DynamoDB Local never), and answered or within its lease.
func live(item map[string]types.AttributeValue, now time.Time) bool {
	if expired(item, now) {
		return false
	}
	if _, answered := item["Status"]; answered {
		return true
	}
	at, ok := item["ClaimedAt"].(*types.AttributeValueMemberN)
	if !ok {
		return true
	}
	claimed, err := strconv.ParseInt(at.Value, 10, 64)
	return err != nil || claimed > now.Add(-idempotency.Lease).Unix()
}

// gzipFrom is the size from which a recorded answer is compressed.
const gzipFrom = 8 << 10

func (it repeatItem) record() (idempotency.Record, error) {
	body := it.Body
	if it.Gzip {
		r, err := gzip.NewReader(bytes.NewReader(body))
		if err != nil {
			return idempotency.Record{}, err
		}
		if body, err = io.ReadAll(r); err != nil {
			return idempotency.Record{}, err
		}
	}
	return idempotency.Record{Fingerprint: it.Fingerprint, Owner: it.Owner, Status: it.Status, ContentType: it.ContentType,
		Location: it.Location, Body: body, ExpiresAt: time.Unix(it.ExpiresAt, 0)}, nil
}

// packBody is a body as recorded: compressed when large, and then whether it is.
func packBody(body []byte) ([]byte, bool) {
	if len(body) < gzipFrom {
		return body, false
	}
	var buf bytes.Buffer
	w := gzip.NewWriter(&buf)
	_, _ = w.Write(body) // a bytes.Buffer does not fail
	_ = w.Close()
	return buf.Bytes(), true
}

func repeatRecord(item map[string]types.AttributeValue) (idempotency.Record, error) {
	var it repeatItem
	if err := attributevalue.UnmarshalMap(item, &it); err != nil {
		return idempotency.Record{}, err
	}
	return it.record()
}

// claimPuts are the Puts of claims into a write transaction: each only if no live
// claim of its name exists (claimFree: an expired one counts as absent, since DynamoDB
// deletes expired items late and DynamoDB Local never; so does an abandoned one),
// returning the one that holds the name otherwise.
func (s *Store) claimPuts(claims []*idempotency.Claim, now time.Time) ([]types.TransactWriteItem, error) {
	out := make([]types.TransactWriteItem, 0, len(claims))
	for _, c := range claims {
		it, err := s.put(repeatItem{PK: repeatPK(c.Scope), SK: c.Name, Type: typeRepeat, Fingerprint: c.Fingerprint, Owner: c.Owner,
			ClaimedAt: now.Unix(), ExpiresAt: c.ExpiresAt.Unix()}, claimFree)
		if err != nil {
			return nil, err
		}
		it.Put.ExpressionAttributeNames, it.Put.ExpressionAttributeValues = claimFreeValues(now)
		out = append(out, it)
	}
	return out, nil
}

// withClaims adds the request's pending claims to a write transaction (none when it has
// none, or when they would not fit: the answer is then recorded after, see
// SaveRepeatAnswer). first is the index of the first claim.
func (s *Store) withClaims(ctx context.Context, items []types.TransactWriteItem) ([]types.TransactWriteItem, []*idempotency.Claim, error) {
	claims := idempotency.Pending(ctx)
	if len(claims) == 0 || len(items)+len(claims) > maxTransactItems {
		return items, nil, nil
	}
	puts, err := s.claimPuts(claims, time.Now())
	if err != nil {
		return nil, nil, err
	}
	// A copy: the caller's slice is not ours to grow.
	all := make([]types.TransactWriteItem, 0, len(items)+len(puts))
	return append(append(all, items...), puts...), claims, nil
}

// lostClaim reports whether a cancelled transaction failed on one of the request's
// claims (reasons from index first on), and records the claim it lost to.
func lostClaim(reasons []types.CancellationReason, first int, claims []*idempotency.Claim) bool {
	for i, c := range claims {
		if !conditionFailed(reasons, first+i) {
			continue
		}
		rec, err := repeatRecord(reasons[first+i].Item)
		if err != nil || rec.Owner == "" {
			// The old item did not come back: the name is held, its answer unknown yet.
			rec = idempotency.Record{Fingerprint: c.Fingerprint}
		}
		c.SetLost(rec)
		return true
	}
	return false
}

// RepeatAnswer reads a claim's name as it is now (consistent): ok is false when no
// live claim holds it (none, expired, or abandoned: see live).
func (s *Store) RepeatAnswer(ctx context.Context, c *idempotency.Claim) (idempotency.Record, bool, error) {
	res, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: key(repeatPK(c.Scope), c.Name), ConsistentRead: aws.Bool(true)})
	if err != nil {
		return idempotency.Record{}, false, fmt.Errorf("store.RepeatAnswer: %w", err)
	}
	if res.Item == nil || !live(res.Item, time.Now()) {
		return idempotency.Record{}, false, nil
	}
	rec, err := repeatRecord(res.Item)
	if err != nil {
		return idempotency.Record{}, false, fmt.Errorf("store.RepeatAnswer: %w", err)
	}
	return rec, true, nil
}

// SaveRepeatAnswer records the first request's answer under its names, in one round
// trip: a claim its transaction placed is completed if it is still this attempt's; a
// name no transaction carried (an Idempotency-Key on a route whose write is a single
// item) is claimed now, only if no live claim holds it.
func (s *Store) SaveRepeatAnswer(ctx context.Context, claims []*idempotency.Claim, rec idempotency.Record) error {
	now := time.Now()
	body, packed := packBody(rec.Body)
	items := make([]types.TransactWriteItem, 0, len(claims))
	for _, c := range claims {
		if !c.Placed() {
			it, err := s.put(repeatItem{PK: repeatPK(c.Scope), SK: c.Name, Type: typeRepeat, Fingerprint: c.Fingerprint, Owner: c.Owner,
				Status: rec.Status, ContentType: rec.ContentType, Location: rec.Location, Body: body, Gzip: packed,
				ClaimedAt: now.Unix(), ExpiresAt: c.ExpiresAt.Unix()}, claimFree)
			if err != nil {
				return fmt.Errorf("store.SaveRepeatAnswer: %w", err)
			}
			it.Put.ExpressionAttributeNames, it.Put.ExpressionAttributeValues = claimFreeValues(now)
			items = append(items, it)
			continue
		}
		values := map[string]types.AttributeValue{
			":owner": &types.AttributeValueMemberS{Value: c.Owner}, ":status": &types.AttributeValueMemberN{Value: strconv.Itoa(rec.Status)},
			":ct": &types.AttributeValueMemberS{Value: rec.ContentType}, ":loc": &types.AttributeValueMemberS{Value: rec.Location},
			":body": &types.AttributeValueMemberB{Value: append([]byte{}, body...)}, ":gz": &types.AttributeValueMemberBOOL{Value: packed}}
		if len(body) == 0 {
			values[":body"] = &types.AttributeValueMemberNULL{Value: true}
		}
		items = append(items, types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(repeatPK(c.Scope), c.Name),
			UpdateExpression:          aws.String("SET #Status = :status, #ContentType = :ct, #Location = :loc, #Body = :body, #Gzip = :gz"),
			ConditionExpression:       aws.String("#Owner = :owner"),
			ExpressionAttributeNames:  named(attrStatus, attrContentType, attrLocation, attrRepeatBody, attrGzip, attrOwner),
			ExpressionAttributeValues: values}})
	}
	if len(items) == 0 {
		return nil
	}
	var err error
	if len(items) == 1 {
		err = s.writeOne(ctx, items[0])
	} else {
		// Not s.transact: that would add the request's pending claims again.
		_, err = s.DB.TransactWriteItems(ctx, &dynamodb.TransactWriteItemsInput{TransactItems: items})
	}
	var failed *types.ConditionalCheckFailedException
	var canceled *types.TransactionCanceledException
	if errors.As(err, &failed) || errors.As(err, &canceled) {
		// Another request holds the name (a twin at the same moment): its answer stands.
		slog.InfoContext(ctx, "repeat answer not recorded: the name is held by another request")
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.SaveRepeatAnswer: %w", err)
	}
	return nil
}

// writeOne runs one Put or Update of a transaction item as a single call.
func (s *Store) writeOne(ctx context.Context, it types.TransactWriteItem) error {
	if p := it.Put; p != nil {
		_, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: p.TableName, Item: p.Item, ConditionExpression: p.ConditionExpression,
			ExpressionAttributeNames: p.ExpressionAttributeNames, ExpressionAttributeValues: p.ExpressionAttributeValues})
		return err
	}
	u := it.Update
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: u.TableName, Key: u.Key, UpdateExpression: u.UpdateExpression,
		ConditionExpression: u.ConditionExpression, ExpressionAttributeNames: u.ExpressionAttributeNames, ExpressionAttributeValues: u.ExpressionAttributeValues})
	return err
}

// repeatKeys are the keys of the claims a session check reads with the session.
func repeatKeys(claims []*idempotency.Claim) []map[string]types.AttributeValue {
	keys := make([]map[string]types.AttributeValue, len(claims))
	for i, c := range claims {
		keys[i] = key(repeatPK(c.Scope), c.Name)
	}
	return keys
}

// keepRepeats hands each claim what the session check read under its name.
func keepRepeats(claims []*idempotency.Claim, items []map[string]types.AttributeValue, now time.Time) {
	for _, c := range claims {
		var found *idempotency.Record
		for _, item := range items {
			if keyName(item) != repeatPK(c.Scope)+"|"+c.Name || !live(item, now) {
				continue
			}
			if rec, err := repeatRecord(item); err == nil {
				found = &rec
			}
		}
		c.SetFound(found)
	}
}
