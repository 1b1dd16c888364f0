package store

import (
	"context"
	"fmt"
	"maps"
	"slices"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Paging. Three ways to read a query's items, and no hand-written LastEvaluatedKey loop
// anywhere else (TestOnlyThePagingHelpersTouchDynamoDBPageKeys):
//
//   - onePage (and pageOf) reads one page for a list a person pages through: it starts
//     where an opaque, signed cursor of the same list says (cursor.go) and answers the
//     cursor of the next page ("" after the last);
//   - fillPage reads one such page of a list whose reads come back thinned out (a filter
//     drops items) or split over partitions read one after the other: it reads on, a
//     bounded number of times, until the page is full;
//   - eachPage (and queryAll, scanEach) read every page, for partitions that stay small
//     (a member's sessions, a post's comments) and for work off the request path
//     (migrations, sweeps).

// item is one item as DynamoDB returns it.
type item = map[string]types.AttributeValue

// onePage reads one page of a query from a signed cursor of scope ("" is the first
// page; a cursor made for another scope is refused) and returns its items and the
// cursor of the next page ("" after the last). The caller sets Limit. carry are fields
// the cursor takes along from page to page besides the key (a stream's AsOf): given
// with their first page's values, they come back from a later page's cursor.
func (s *Store) onePage(ctx context.Context, scope, cursor string, in *dynamodb.QueryInput, carry map[string]string) ([]item, string, error) {
	start, err := s.decodeCursor(scope, cursor)
	if err != nil {
		return nil, "", err
	}
	for name := range carry {
		if v, ok := start[name].(*types.AttributeValueMemberS); ok {
			carry[name] = v.Value
		}
		delete(start, name)
	}
	in.ExclusiveStartKey = start
	out, err := s.DB.Query(ctx, in)
	if err != nil {
		return nil, "", err
	}
	last := out.LastEvaluatedKey
	if len(last) > 0 {
		for name, v := range carry {
			last[name] = &types.AttributeValueMemberS{Value: v}
		}
	}
	next, err := s.encodeCursor(scope, last)
	if err != nil {
		return nil, "", err
	}
	return out.Items, next, nil
}

// pageOf reads one page as onePage does and converts its items with conv (keep false
// leaves an item out of the page).
func pageOf[T any](ctx context.Context, s *Store, scope, cursor string, in *dynamodb.QueryInput, conv func(item) (T, bool, error)) ([]T, string, error) {
	items, next, err := s.onePage(ctx, scope, cursor, in, nil)
	if err != nil {
		return nil, "", err
	}
	out := make([]T, 0, len(items))
	for _, it := range items {
		v, keep, err := conv(it)
		if err != nil {
			return nil, "", err
		}
		if keep {
			out = append(out, v)
		}
	}
	return out, next, nil
}

// thinList is a list fillPage reads: its reads come back thinned out, by a
// FilterExpression (the agents' queue leaves solved tickets out) or by conv (the
// directory leaves banned members out), and may run over several partitions, one after
// the other (the directory's name buckets).
type thinList[T any] struct {
	// op names the list in errors; scope signs its cursors (cursor.go).
	op, scope string
	// parts are the partitions read one after the other, each to its end; the cursor
	// names the one a page stopped in (partField). nil: the list is one query.
	parts []string
	// query is the read of part for a page that still lacks n items (the caller sets
	// Limit: n, or more when a filter drops items DynamoDB counts).
	query func(part string, n int) *dynamodb.QueryInput
	// keyOf is an item's key as a query starts after it: the table's key, and the
	// index's too for a query of an index.
	keyOf func(item) item
	// conv converts an item; keep false leaves it out of the page.
	conv func(item) (T, bool, error)
}

// partField is the cursor's field naming the partition a page of a thinList stopped in.
const partField = "B"

// fillPage reads one page of l, limit items, from a signed cursor ("" is the first
// page): it reads on, at most reads queries, until the page is full, and answers the
// cursor of the next page. A page that fills in the middle of a read ends at the last
// item it shows (the next page starts right after it: no item is skipped); a page the
// reads left short goes on where they stopped; "" after the last item.
func fillPage[T any](ctx context.Context, s *Store, l thinList[T], cursor string, limit, reads int) ([]T, string, error) {
	start, err := s.decodeCursor(l.scope, cursor)
	if err != nil {
		return nil, "", err
	}
	parts, part := l.parts, 0
	if parts == nil {
		parts = []string{""}
	} else if start != nil {
		b, _ := start[partField].(*types.AttributeValueMemberS)
		if b == nil || !slices.Contains(parts, b.Value) {
			return nil, "", errCursor
		}
		part = slices.Index(parts, b.Value)
		if delete(start, partField); len(start) == 0 {
			start = nil
		}
	}
	out := make([]T, 0, limit)
	for range reads {
		if part == len(parts) || len(out) >= limit {
			break
		}
		in := l.query(parts[part], limit-len(out))
		in.ExclusiveStartKey = start
		page, err := s.DB.Query(ctx, in)
		if err != nil {
			return nil, "", fmt.Errorf("%s: %w", l.op, err)
		}
		start = page.LastEvaluatedKey
		for i, it := range page.Items {
			v, keep, err := l.conv(it)
			if err != nil {
				return nil, "", fmt.Errorf("%s: %w", l.op, err)
			}
			if !keep {
				continue
			}
			if out = append(out, v); len(out) == limit {
				// Full: the next page starts after this item, unless it ended the partition.
				if i < len(page.Items)-1 || len(start) > 0 {
					start = l.keyOf(it)
				}
				break
			}
		}
		if len(start) == 0 {
			part, start = part+1, nil
		}
	}
	if part == len(parts) {
		return out, "", nil
	}
	next := map[string]types.AttributeValue{}
	if l.parts != nil {
		next[partField] = &types.AttributeValueMemberS{Value: parts[part]}
	}
	maps.Copy(next, start)
	c, err := s.encodeCursor(l.scope, next)
	if err != nil {
		return nil, "", fmt.Errorf("%s: %w", l.op, err)
	}
	return out, c, nil
}

// keyOf takes an item's key attributes (for thinList.keyOf).
func keyOf(names ...string) func(item) item {
	return func(it item) item {
		k := make(item, len(names))
		for _, n := range names {
			k[n] = it[n]
		}
		return k
	}
}

// eachPage runs a query to its last page, handing each page's items to fn (which may
// stop early by returning errStop).
func (s *Store) eachPage(ctx context.Context, in *dynamodb.QueryInput, fn func([]item) error) error {
	if in.TableName == nil {
		in.TableName = aws.String(s.Table)
	}
	pages := dynamodb.NewQueryPaginator(s.DB, in)
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return err
		}
		if err := fn(out.Items); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
	return nil
}

// errStop ends eachPage or scanEach early without an error.
var errStop = fmt.Errorf("store: stop paging")

// queryAll runs a query to its last page. Only for partitions that stay small (a
// member's sessions); lists that grow use onePage with cursors.
func (s *Store) queryAll(ctx context.Context, in *dynamodb.QueryInput) ([]item, error) {
	var items []item
	err := s.eachPage(ctx, in, func(page []item) error {
		items = append(items, page...)
		return nil
	})
	return items, err
}

// queryItems runs a query to its last page and unmarshals every item into T.
func queryItems[T any](ctx context.Context, s *Store, in *dynamodb.QueryInput) ([]T, error) {
	var out []T
	err := s.eachPage(ctx, in, func(page []item) error {
		for _, it := range page {
			var v T
			if err := attributevalue.UnmarshalMap(it, &v); err != nil {
				return err
			}
			out = append(out, v)
		}
		return nil
	})
	return out, err
}

// scanEach scans the table page by page, handing each page's items to fn. The table
// client must be able to Scan (API leaves Scan out on purpose: never on a request path);
// only migrations call it.
func (s *Store) scanEach(ctx context.Context, op string, in *dynamodb.ScanInput, fn func([]item) error) error {
	db, ok := s.DB.(dynamodb.ScanAPIClient)
	if !ok {
		return fmt.Errorf("%s: the table client cannot Scan", op)
	}
	if in.TableName == nil {
		in.TableName = aws.String(s.Table)
	}
	pages := dynamodb.NewScanPaginator(db, in)
	for pages.HasMorePages() {
		out, err := pages.NextPage(ctx)
		if err != nil {
			return fmt.Errorf("%s: %w", op, err)
		}
		if err := fn(out.Items); err != nil {
			if err == errStop {
				return nil
			}
			return err
		}
	}
	return nil
}
