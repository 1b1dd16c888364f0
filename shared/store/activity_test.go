package store_test

import (
	"testing"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
)

// TestOlderActsAreIndexedForTheExport: comments, votes, reactions and reports an older
// release wrote (no GSI1 keys) reach the member's export after the migration, once.
func TestOlderActsAreIndexedForTheExport(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	named(t, st, "Ann")
	put := func(item map[string]any) {
		av, err := attributevalue.MarshalMap(item)
		if err != nil {
			t.Fatal(err)
		}
		if _, err := tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name), Item: av}); err != nil {
			t.Fatal(err)
		}
	}
	at := time.Date(2026, 3, 1, 10, 0, 0, 0, time.UTC)
	put(map[string]any{"PK": "POST#p_1", "SK": "COMMENT#2026-03-01T10:00:00Z#c_1", "Type": "Comment", "ID": "c_1", "PostID": "p_1",
		"Body": "An old comment", "AuthorID": "m_ann", "AuthorName": "Ann", "CreatedAt": at})
	put(map[string]any{"PK": "POST#p_1", "SK": "VOTE#m_ann", "Type": "Vote", "MemberID": "m_ann", "Option": "up", "At": at.Format(time.RFC3339Nano)})
	put(map[string]any{"PK": "POST#p_1", "SK": "REACT#m_ann#like", "Type": "Reaction", "MemberID": "m_ann", "Reaction": "like"})
	put(map[string]any{"PK": "POST#p_1", "SK": "CREACT#m_ann#c_9#love", "Type": "CommentReaction", "MemberID": "m_ann", "CommentID": "c_9", "Reaction": "love"})
	put(map[string]any{"PK": "REPORTS#p_2", "SK": "BY#m_ann", "Type": "Report", "TargetID": "p_2", "PostID": "p_2", "ReporterID": "m_ann",
		"Reason": "spam", "Note": "old", "At": at})
	put(map[string]any{"PK": "POST#p_1", "SK": "VOTE#m_bob", "Type": "Vote", "MemberID": "m_bob", "Option": "up", "At": at.Format(time.RFC3339Nano)})

	before, err := st.Members().MemberActivity(ctx, "m_ann")
	if err != nil || len(before.Comments)+len(before.Votes)+len(before.Reactions)+len(before.Reports) != 0 {
		t.Fatalf("before the migration: %+v %v", before, err)
	}
	n, err := st.MigrateActivityIndex(ctx)
	if err != nil || n != 6 {
		t.Fatalf("MigrateActivityIndex = %d, %v; want 6 items", n, err)
	}
	a, err := st.Members().MemberActivity(ctx, "m_ann")
	if err != nil {
		t.Fatal(err)
	}
	if len(a.Comments) != 1 || a.Comments[0].Body != "An old comment" || len(a.Votes) != 1 || !a.Votes[0].At.Equal(at) ||
		len(a.Reactions) != 2 || len(a.Reports) != 1 || a.Reports[0].Note != "old" {
		t.Fatalf("after the migration: %+v", a)
	}
	if n, err := st.MigrateActivityIndex(ctx); err != nil || n != 0 {
		t.Fatalf("a second run = %d, %v", n, err)
	}
}
