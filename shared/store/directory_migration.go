package store

import (
	"context"
	"fmt"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/members"
)

// MigrateDirectory puts every member an older release wrote into today's directory:
// its entry in its name's bucket (MEMBERS#<bucket> in GSI1, where the whole list is
// read in order; older releases kept one partition per first letter, DIR#<letter>) and
// its name's search keys (MEMBER#<id>/WORD#<i>, which find "Jane Smith" by "smi").
// Deleted accounts have no entry and get none. Per member, one transaction updates the
// member's keys only if its name is still the one read (a member renaming themselves
// meanwhile wrote today's entries already) and writes the search keys; running it
// again writes the same items, so it changes nothing more. It returns the members it
// wrote.
//
// Members have no index holding them all (that is the point of the buckets), so this
// reads the table with a Scan filtered on Type: once, in a migration, never on a
// request path.
func (s *Store) MigrateDirectory(ctx context.Context) (int, error) {
	in := &dynamodb.ScanInput{
		FilterExpression:         aws.String("#Type = :member AND #Status <> :deleted"),
		ProjectionExpression:     aws.String("#ID, #DisplayName, #Status"),
		ExpressionAttributeNames: named(AttrType, attrStatus, attrID, attrDisplayName),
		ExpressionAttributeValues: map[string]types.AttributeValue{":member": &types.AttributeValueMemberS{Value: typeMember},
			":deleted": &types.AttributeValueMemberS{Value: members.StatusDeleted}}}
	written := 0
	err := s.scanEach(ctx, "store.MigrateDirectory", in, func(page []item) error {
		for _, item := range page {
			var m struct{ ID, DisplayName string }
			if err := attributevalue.UnmarshalMap(item, &m); err != nil {
				return fmt.Errorf("store.MigrateDirectory: %w", err)
			}
			done, err := s.redirectMember(ctx, m.ID, m.DisplayName)
			if err != nil {
				return fmt.Errorf("store.MigrateDirectory %s: %w", m.ID, err)
			}
			if done {
				written++
			}
		}
		return nil
	})
	return written, err
}

// condNameUnchanged: the member's name is still the one read, and they are not deleted.
const condNameUnchanged = "name unchanged"

// redirectMember writes one member's directory entry and search keys, if their name is
// still name and the account is not deleted; false when it changed meanwhile.
func (s *Store) redirectMember(ctx context.Context, memberID, name string) (bool, error) {
	dirPK, dirSK := directoryKeys(memberID, name)
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
		UpdateExpression:         aws.String("SET #GSI1PK = :pk, #GSI1SK = :sk"),
		ConditionExpression:      aws.String("#DisplayName = :name AND #Status <> :deleted"),
		ExpressionAttributeNames: named(AttrGSI1PK, AttrGSI1SK, attrDisplayName, attrStatus),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":pk": &types.AttributeValueMemberS{Value: dirPK}, ":sk": &types.AttributeValueMemberS{Value: dirSK},
			":name": &types.AttributeValueMemberS{Value: name}, ":deleted": &types.AttributeValueMemberS{Value: members.StatusDeleted}}}}
	words, err := s.Members().nameWordWrites(memberID, name)
	if err != nil {
		return false, err
	}
	err = s.txn().add(condNameUnchanged, update).add("", words...).run(ctx)
	if failed(err, condNameUnchanged) {
		return false, nil
	}
	return err == nil, err
}
