package store_test

import (
	"slices"
	"testing"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// TestCommentReactionSetsAreBuiltFromTheReactionsOfBefore: the migration
// 2027-02-comment-reaction-sets (docs/data-model.md, pattern 124) gives each member, per
// post, the set of their reactions to its comments, from the CommentReaction items
// written before the sets existed; a second run changes nothing.
func TestCommentReactionSetsAreBuiltFromTheReactionsOfBefore(t *testing.T) {
	t.Parallel()
	st, tbl := newStore(t)
	reaction := func(post, member, comment, r string) {
		_, err := tbl.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(tbl.Name), Item: map[string]types.AttributeValue{
			"PK":        &types.AttributeValueMemberS{Value: "POST#" + post},
			"SK":        &types.AttributeValueMemberS{Value: "CREACT#" + member + "#" + comment + "#" + r},
			"Type":      &types.AttributeValueMemberS{Value: "CommentReaction"},
			"MemberID":  &types.AttributeValueMemberS{Value: member},
			"CommentID": &types.AttributeValueMemberS{Value: comment},
			"Reaction":  &types.AttributeValueMemberS{Value: r},
		}})
		if err != nil {
			t.Fatal(err)
		}
	}
	reaction("p1", "m1", "c1", "like")
	reaction("p1", "m1", "c2", "love")
	reaction("p1", "m2", "c1", "like")
	reaction("p2", "m1", "c9", "insightful")

	set := func(post, member string) []string {
		t.Helper()
		out, err := tbl.DB.GetItem(ctx, &dynamodb.GetItemInput{TableName: aws.String(tbl.Name), ConsistentRead: aws.Bool(true), Key: map[string]types.AttributeValue{
			"PK": &types.AttributeValueMemberS{Value: "POST#" + post}, "SK": &types.AttributeValueMemberS{Value: "CREACTSET#" + member}}})
		if err != nil {
			t.Fatal(err)
		}
		ss, _ := out.Item["Reactions"].(*types.AttributeValueMemberSS)
		if ss == nil {
			return nil
		}
		v := slices.Clone(ss.Value)
		slices.Sort(v)
		return v
	}
	want := map[[2]string][]string{
		{"p1", "m1"}: {"c1#like", "c2#love"},
		{"p1", "m2"}: {"c1#like"},
		{"p2", "m1"}: {"c9#insightful"},
	}
	for run := 1; run <= 2; run++ {
		n, err := st.MigrateCommentReactionSets(ctx)
		if err != nil {
			t.Fatal(err)
		}
		if n != len(want) {
			t.Errorf("run %d wrote %d sets, want %d", run, n, len(want))
		}
		for k, w := range want {
			if got := set(k[0], k[1]); !slices.Equal(got, w) {
				t.Errorf("run %d: the set of %s on %s is %v, want %v", run, k[1], k[0], got, w)
			}
		}
		if got := set("p2", "m2"); got != nil {
			t.Errorf("run %d: a member without reactions got a set: %v", run, got)
		}
	}
}
