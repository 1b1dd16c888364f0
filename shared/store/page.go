package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// Paging. Two ways to read a query's items, and no hand-written LastEvaluatedKey loop
// anywhere else:
//
//   - onePage reads one page for a list a person pages through: it starts where an
//     opaque, signed cursor of the same list says (cursor.go) and answers the cursor of
//     the next page ("" after the last);
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
