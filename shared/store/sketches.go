package store

import (
	"context"
	"crypto/hmac"
	"crypto/sha256"
	"errors"
	"fmt"
	"hash/fnv"
	"math/rand/v2"
	"sort"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/metrics"
	"tribune/shared/ratelimit"
)

// ---- Sketch: SKETCH#<name> / DAY#<yyyy-mm-dd>#<0-7> ----
//
// A day's distinct count (visitors, active members, contributors) is a HyperLogLog
// sketch spread over sketchShards items by a hash of the member: a member always lands
// in the same shard (so it counts once), concurrent writers of a day mostly touch
// different items, and reading merges the shards (and, over a range, the days).

const (
	typeSketch   = "Sketch"
	sketchShards = 8
	attrSketch   = "Sketch"
	// sketchAttempts bounds the retries of a count that lost a sketch to a concurrent
	// writer (each attempt reads the shards again, after a random pause that doubles,
	// from 2 ms); after them the error goes back to the caller (the bus delivers again).
	sketchAttempts = 10
	// condSketch names the version condition of sketch writes.
	condSketch = "sketch unchanged since read"
)

func sketchPK(name string) string { return "SKETCH#" + name }

func sketchShardSK(day, member string) string {
	h := fnv.New32a()
	h.Write([]byte(member))
	return counterSK(day) + "#" + strconv.Itoa(int(h.Sum32()%sketchShards))
}

type sketchItem struct {
	PK, SK, Type string
	Sketch       []byte
	Version      int64
}

// sketchWrites reads the shards the counts' members fall in (one BatchGetItem, strongly
// consistent) and returns the Puts of the shards that change, each on the condition
// that its version is the one read.
func (s *Store) sketchWrites(ctx context.Context, day string, counts []metrics.Count) ([]types.TransactWriteItem, error) {
	members := map[string][]string{} // keyName -> members
	keys := map[string]map[string]types.AttributeValue{}
	pks := map[string][2]string{}
	for _, c := range counts {
		if c.Member == "" {
			continue
		}
		k := key(sketchPK(c.Name), sketchShardSK(day, c.Member))
		name := keyName(k)
		keys[name], pks[name] = k, [2]string{sketchPK(c.Name), sketchShardSK(day, c.Member)}
		members[name] = append(members[name], c.Member)
	}
	if len(keys) == 0 {
		return nil, nil
	}
	list := make([]map[string]types.AttributeValue, 0, len(keys))
	names := make([]string, 0, len(keys))
	for name, k := range keys {
		list, names = append(list, k), append(names, name)
	}
	found, err := s.batchGet(ctx, "store.sketchWrites", list)
	if err != nil {
		return nil, err
	}
	sort.Strings(names)
	var out []types.TransactWriteItem
	for _, name := range names {
		var it sketchItem
		if raw := found[name]; raw != nil {
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return nil, fmt.Errorf("store.sketchWrites: %w", err)
			}
		}
		data, changed, err := metrics.AddAll(it.Sketch, members[name])
		if err != nil {
			return nil, err
		}
		if !changed {
			continue // adding members already counted writes nothing
		}
		cond := itemAbsent
		values := map[string]types.AttributeValue{}
		if found[name] != nil {
			cond = "#v = :v"
			values[":v"] = &types.AttributeValueMemberN{Value: strconv.FormatInt(it.Version, 10)}
		}
		put, err := s.put(sketchItem{PK: pks[name][0], SK: pks[name][1], Type: typeSketch, Sketch: data, Version: it.Version + 1}, cond)
		if err != nil {
			return nil, err
		}
		if found[name] != nil {
			put.Put.ExpressionAttributeNames = map[string]string{"#v": attrVersion}
			put.Put.ExpressionAttributeValues = values
		}
		out = append(out, put)
	}
	return out, nil
}

// countTxn writes the counts of one event (mark: its handled marker) or one beacon
// (hits: its rate limits) in one transaction: the counters' updates, the sketches that
// change. A sketch written meanwhile by someone else (its version moved) makes it read
// the sketches again and retry.
func (s *Store) countTxn(ctx context.Context, mark *types.TransactWriteItem, day, by string, counts []metrics.Count,
	hits []ratelimit.Hit, now time.Time, limited error) error {
	var err error
	for attempt := range sketchAttempts {
		if attempt > 0 {
			pause := time.Duration(rand.Int64N(int64(2*time.Millisecond) << min(attempt, 6)))
			select {
			case <-ctx.Done():
				return ctx.Err()
			case <-time.After(pause):
			}
		}
		var sketches []types.TransactWriteItem
		if sketches, err = s.sketchWrites(ctx, day, counts); err != nil {
			return err
		}
		t := s.txn().underLimits(hits, now, limited)
		if mark != nil {
			t.add(condEventNew, *mark)
		}
		for _, c := range counts {
			switch {
			case c.Key != "":
				t.add("", s.keyedUpdate(c, day))
			case c.Member == "":
				t.add("", s.countUpdate(c, day, by))
			}
		}
		t.add(condSketch, sketches...)
		if t.len() == 0 {
			return nil
		}
		err = t.run(ctx)
		if !failed(err, condSketch) && !lostToConcurrent(err) {
			return err
		}
		if failed(err, condEventNew) {
			return err
		}
	}
	return err
}

// CountVisit implements metrics.Store: a beacon's counts and its rate-limit hits, one
// transaction (after one read of the sketches it adds to).
func (s *Store) CountVisit(ctx context.Context, day, visitID string, counts []metrics.Count, hits []ratelimit.Hit, now time.Time) error {
	if err := s.countTxn(ctx, nil, day, visitID, counts, hits, now, metrics.ErrTooManyBeacons); err != nil {
		if errors.Is(err, metrics.ErrTooManyBeacons) {
			return err
		}
		return fmt.Errorf("store.CountVisit: %w", err)
	}
	return nil
}

// CounterDays implements metrics.Store: a counter's value on each day from..to (days
// without counts absent), one query (paged) over its shards.
func (s *Store) CounterDays(ctx context.Context, name, from, to string) (map[string]int64, error) {
	out := map[string]int64{}
	err := s.eachPage(ctx, dayRange(s.Table, counterPK(name), from, to, "#c, #m, "+AttrSK, map[string]string{"#c": attrCount, "#m": attrMembers}),
		func(page []item) error {
			for _, raw := range page {
				var it struct {
					SK      string
					Count   int64
					Members []string `dynamodbav:",stringset"`
				}
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return err
				}
				out[dayOf(it.SK)] += it.Count + int64(len(it.Members))
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store.CounterDays %s: %w", name, err)
	}
	return out, nil
}

// SketchDays implements metrics.Store: each day's sketch from..to (its shards merged;
// days without one absent), one query (paged).
func (s *Store) SketchDays(ctx context.Context, name, from, to string) (map[string]*metrics.Sketch, error) {
	out := map[string]*metrics.Sketch{}
	err := s.eachPage(ctx, dayRange(s.Table, sketchPK(name), from, to, AttrSK+", #s", map[string]string{"#s": attrSketch}),
		func(page []item) error {
			for _, raw := range page {
				var it sketchItem
				if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
					return err
				}
				sk, err := metrics.UnmarshalSketch(it.Sketch)
				if err != nil {
					return err
				}
				day := dayOf(it.SK)
				if out[day] == nil {
					out[day] = sk
				} else if err := out[day].Merge(sk); err != nil {
					return err
				}
			}
			return nil
		})
	if err != nil {
		return nil, fmt.Errorf("store.SketchDays %s: %w", name, err)
	}
	return out, nil
}

// dayRange queries the DAY#<day>[#<shard>] items of pk from..to, both included.
func dayRange(table, pk, from, to, projection string, names map[string]string) *dynamodb.QueryInput {
	return &dynamodb.QueryInput{TableName: aws.String(table),
		KeyConditionExpression: aws.String(pkIs + " AND " + AttrSK + " BETWEEN :from AND :to"),
		ProjectionExpression:   aws.String(projection), ExpressionAttributeNames: names,
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: pk},
			":from": &types.AttributeValueMemberS{Value: counterSK(from)}, ":to": &types.AttributeValueMemberS{Value: counterSK(to) + "#~"}}}
}

// dayOf is the day of a DAY#<day>[#<shard>] sort key.
func dayOf(sk string) string {
	const n = len("DAY#2006-01-02")
	if len(sk) < n {
		return ""
	}
	return sk[len("DAY#"):n]
}

// VisitorSalt implements metrics.Salts: the day's salt of visitor hashes, an HMAC of
// the deployment's cursor secret and the day, computed when needed and never stored.
func (s *Store) VisitorSalt(day string) ([]byte, error) {
	secret, err := s.cursorKey()
	if err != nil {
		return nil, err
	}
	mac := hmac.New(sha256.New, secret)
	mac.Write([]byte("visitor-salt\x00" + day))
	return mac.Sum(nil), nil
}
