package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/bookmarks"
	"tribune/shared/eventtypes"
)

// Members' bookmarks (issue 16; docs/knowledge.md, "Bookmarks"; docs/data-model.md,
// patterns 330–334).

// Bookmarks is the bookmarks' store.
type Bookmarks struct{ *Store }

// Bookmarks returns the bookmarks' store.
func (s *Store) Bookmarks() *Bookmarks { return &Bookmarks{s} }

const typeBookmark = "Bookmark"

// ---- Keys (the key catalogue's section for bookmarks; keys.go holds the others) ----
//
// Bookmark: BOOKMARK#<member> / <kind>#<id>; GSI1 BOOKMARKS#<member> / <created>#<kind>#<id>
// (the key finds one bookmark, GSI1 lists a member's newest first).

func bookmarkPK(memberID string) string { return "BOOKMARK#" + memberID }
func bookmarkSK(kind, id string) string { return kind + "#" + id }
func bookmarkKey(memberID, kind, id string) item {
	return key(bookmarkPK(memberID), bookmarkSK(kind, id))
}
func memberBookmarksPK(memberID string) string { return "BOOKMARKS#" + memberID }
func memberBookmarksSK(at time.Time, kind, id string) string {
	return stamp(at) + "#" + kind + "#" + id
}

// attrBookmarkKind is the attribute the list's kind filter names (bookmarkItem.Kind).
const attrBookmarkKind = "Kind"

const condBookmarkNew = "bookmark new"

// bookmarkItem is one bookmark. Only what finds the thing again is kept: its title
// and place are read from the thing itself at every read, as it is then.
type bookmarkItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	MemberID       string
	Kind           string
	ThingID        string
	SpaceID        string
	CreatedAt      time.Time
}

// AddBookmark implements bookmarks.Store (pattern 330).
func (s *Bookmarks) AddBookmark(ctx context.Context, memberID string, b bookmarks.Bookmark, event eventtypes.Envelope) (bool, error) {
	it := bookmarkItem{PK: bookmarkPK(memberID), SK: bookmarkSK(b.Kind, b.ID), Type: typeBookmark, GSI1PK: memberBookmarksPK(memberID),
		GSI1SK: memberBookmarksSK(b.CreatedAt, b.Kind, b.ID), MemberID: memberID, Kind: b.Kind, ThingID: b.ID, SpaceID: b.SpaceID, CreatedAt: b.CreatedAt}
	t := s.txn()
	t.put(condBookmarkNew, it, itemAbsent)
	t.with(s.outboxPuts([]eventtypes.Envelope{event}))
	err := t.run(ctx)
	if failed(err, condBookmarkNew) {
		return false, nil
	}
	if err != nil {
		return false, fmt.Errorf("store.AddBookmark %s %s: %w", b.Kind, b.ID, err)
	}
	return true, nil
}

// RemoveBookmark implements bookmarks.Store (pattern 331): one DeleteItem.
func (s *Bookmarks) RemoveBookmark(ctx context.Context, memberID, kind, id string) error {
	if _, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: bookmarkKey(memberID, kind, id)}); err != nil {
		return fmt.Errorf("store.RemoveBookmark %s %s: %w", kind, id, err)
	}
	return nil
}

// Bookmarked implements bookmarks.Store and knowledge.Bookmarks (pattern 332: one
// GetItem).
func (s *Bookmarks) Bookmarked(ctx context.Context, memberID, kind, id string) (bool, error) {
	out, err := s.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(s.Table), Key: bookmarkKey(memberID, kind, id),
		ProjectionExpression: aws.String(keysOnly)})
	if err != nil {
		return false, fmt.Errorf("store.Bookmarked %s %s: %w", kind, id, err)
	}
	return out.Item != nil, nil
}

// BookmarkedAmong tells which of ids (of one kind) the member bookmarked (pattern 333:
// one BatchGetItem per 100), for lists that show a bookmark mark on each entry.
func (s *Bookmarks) BookmarkedAmong(ctx context.Context, memberID, kind string, ids []string) (map[string]bool, error) {
	out := map[string]bool{}
	if memberID == "" || len(ids) == 0 {
		return out, nil
	}
	keys := make([]map[string]types.AttributeValue, 0, len(ids))
	seen := map[string]bool{}
	for _, id := range ids {
		if !seen[id] {
			seen[id] = true
			keys = append(keys, bookmarkKey(memberID, kind, id))
		}
	}
	for start := 0; start < len(keys); start += 100 {
		found, err := s.batchGet(ctx, "store.BookmarkedAmong", keys[start:min(start+100, len(keys))])
		if err != nil {
			return nil, err
		}
		for _, it := range found {
			var b bookmarkItem
			if err := attributevalue.UnmarshalMap(it, &b); err != nil {
				return nil, fmt.Errorf("store.BookmarkedAmong: %w", err)
			}
			out[b.ThingID] = true
		}
	}
	return out, nil
}

// Bookmarks implements bookmarks.Store (pattern 334): GSI1 newest first, a page filled
// from at most 5 reads when keep (the access re-check) or the kind filter leaves
// bookmarks out.
func (s *Bookmarks) Bookmarks(ctx context.Context, memberID, kind, cursor string, limit int, keep func(bookmarks.Bookmark) (bookmarks.Bookmark, bool, error)) ([]bookmarks.Bookmark, string, error) {
	l := thinList[bookmarks.Bookmark]{op: "store.Bookmarks", scope: "bookmarks#" + memberID + "#" + kind,
		query: func(_ string, n int) *dynamodb.QueryInput {
			in := &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
				KeyConditionExpression:    aws.String(gsi1Is),
				ExpressionAttributeValues: item{":pk": &types.AttributeValueMemberS{Value: memberBookmarksPK(memberID)}},
				ScanIndexForward:          aws.Bool(false), Limit: aws.Int32(int32(n))}
			if kind != "" {
				in.FilterExpression = aws.String("#Kind = :kind")
				in.ExpressionAttributeNames = map[string]string{"#Kind": attrBookmarkKind}
				in.ExpressionAttributeValues[":kind"] = &types.AttributeValueMemberS{Value: kind}
				in.Limit = aws.Int32(100)
			}
			return in
		},
		keyOf: keyOf(AttrPK, AttrSK, AttrGSI1PK, AttrGSI1SK),
		conv: func(raw item) (bookmarks.Bookmark, bool, error) {
			var it bookmarkItem
			if err := attributevalue.UnmarshalMap(raw, &it); err != nil {
				return bookmarks.Bookmark{}, false, err
			}
			return keep(bookmarks.Bookmark{Kind: it.Kind, ID: it.ThingID, SpaceID: it.SpaceID, CreatedAt: it.CreatedAt})
		}}
	return fillPage(ctx, s.Store, l, cursor, limit, 5)
}

// ExportBookmarks lists every bookmark of a member, newest first, as recorded (kind,
// id, space, when: "download my data", GET /api/me/export; pattern 334 without the
// re-check, every page).
func (s *Bookmarks) ExportBookmarks(ctx context.Context, memberID string) ([]bookmarks.Bookmark, error) {
	all := []bookmarks.Bookmark{}
	keep := func(b bookmarks.Bookmark) (bookmarks.Bookmark, bool, error) { return b, true, nil }
	for cursor := ""; ; {
		page, next, err := s.Bookmarks(ctx, memberID, "", cursor, 100, keep)
		if err != nil {
			return nil, fmt.Errorf("store.ExportBookmarks %s: %w", memberID, err)
		}
		all = append(all, page...)
		if next == "" {
			return all, nil
		}
		cursor = next
	}
}

// RemoveAll implements bookmarks.Store (pattern 335): Query `PK = BOOKMARK#<member>`,
// keys only, every page; BatchWriteItem deleting them.
func (s *Bookmarks) RemoveAll(ctx context.Context, memberID string) error {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String(keysOnly),
		KeyConditionExpression:    aws.String(pkIs),
		ExpressionAttributeValues: item{":pk": &types.AttributeValueMemberS{Value: bookmarkPK(memberID)}}})
	if err != nil {
		return fmt.Errorf("store.RemoveAll %s: %w", memberID, err)
	}
	if err := s.batchDelete(ctx, items); err != nil {
		return fmt.Errorf("store.RemoveAll %s: %w", memberID, err)
	}
	return nil
}
