package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"
)

// MigrateCommentReactionSets writes every member's CommentReactionSet of a post from
// their CommentReaction items (written before the sets were): one Scan filtered on Type,
// once, in a migration, and one UpdateItem per member and post (ADD to a string set:
// running it again, or beside reactions made meanwhile, changes nothing more). It
// returns the sets written.
func (s *Store) MigrateCommentReactionSets(ctx context.Context) (int, error) {
	in := &dynamodb.ScanInput{FilterExpression: aws.String("#t = :cr"),
		ExpressionAttributeNames:  map[string]string{"#t": AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{":cr": &types.AttributeValueMemberS{Value: typeCommentReaction}}}
	written := 0
	err := s.scanEach(ctx, "store.MigrateCommentReactionSets", in, func(page []item) error {
		type set struct{ postPK, memberID string }
		sets := map[set][]string{}
		for _, it := range page {
			var r struct{ PK, MemberID, CommentID, Reaction string }
			if err := attributevalue.UnmarshalMap(it, &r); err != nil {
				return fmt.Errorf("store.MigrateCommentReactionSets: %w", err)
			}
			k := set{r.PK, r.MemberID}
			sets[k] = append(sets[k], reactionSetEntry(r.CommentID, r.Reaction))
		}
		for k, entries := range sets {
			_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(k.postPK, commentReactionSetSK(k.memberID)),
				UpdateExpression:         aws.String("ADD #set :e SET #t = :type, #m = :m"),
				ExpressionAttributeNames: map[string]string{"#set": attrReactionSet, "#t": AttrType, "#m": "MemberID"},
				ExpressionAttributeValues: map[string]types.AttributeValue{":e": &types.AttributeValueMemberSS{Value: entries},
					":type": &types.AttributeValueMemberS{Value: typeCommentReactionSet}, ":m": &types.AttributeValueMemberS{Value: k.memberID}}})
			if err != nil {
				return fmt.Errorf("store.MigrateCommentReactionSets: %w", err)
			}
			written++
		}
		return nil
	})
	return written, err
}
