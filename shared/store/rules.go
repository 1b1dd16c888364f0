package store

import (
	"context"
	"errors"
	"fmt"
	"strconv"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/members"
)

const typeRules = "CommunityRules"

type rulesItem struct {
	PK, SK, Type string
	Text         string
	Version      int
	UpdatedAt    *time.Time
}

// GetRules implements members.RulesStore.
func (s *Members) GetRules(ctx context.Context) (members.Rules, error) {
	var it rulesItem
	if err := s.get(ctx, "store.GetRules", pkSettings, skRules, time.Now(), &it); err != nil {
		return members.Rules{}, err
	}
	return members.Rules{Text: it.Text, Version: it.Version, UpdatedAt: it.UpdatedAt}, nil
}

// SaveRules implements members.RulesStore: the version goes up by one atomically,
// from the default's version when the rules were never saved, only if the text
// differs from the saved one (two admins publishing the same text at once make one
// version; the second is told Unchanged).
func (s *Members) SaveRules(ctx context.Context, text string, now time.Time) (members.Rules, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(pkSettings, skRules),
		UpdateExpression:                    aws.String("SET #Text = :t, #UpdatedAt = :now, #Type = :type, #Version = if_not_exists(#Version, :base) + :one"),
		ConditionExpression:                 aws.String("attribute_not_exists(#Text) OR #Text <> :t"),
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld,
		ExpressionAttributeNames:            named(attrText, attrUpdatedAt, AttrType, attrVersion),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":t": &types.AttributeValueMemberS{Value: text}, ":now": &types.AttributeValueMemberS{Value: now.Format(time.RFC3339Nano)},
			":type": &types.AttributeValueMemberS{Value: typeRules}, ":one": &types.AttributeValueMemberN{Value: "1"},
			":base": &types.AttributeValueMemberN{Value: strconv.Itoa(members.DefaultRules.Version)}},
		ReturnValues: types.ReturnValueAllNew})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		var it rulesItem
		if err := attributevalue.UnmarshalMap(failed.Item, &it); err != nil {
			return members.Rules{}, fmt.Errorf("store.SaveRules: %w", err)
		}
		return members.Rules{Text: it.Text, Version: it.Version, UpdatedAt: it.UpdatedAt, Unchanged: true}, nil
	}
	if err != nil {
		return members.Rules{}, fmt.Errorf("store.SaveRules: %w", err)
	}
	var it rulesItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return members.Rules{}, fmt.Errorf("store.SaveRules: %w", err)
	}
	return members.Rules{Text: it.Text, Version: it.Version, UpdatedAt: it.UpdatedAt}, nil
}

// AcceptRules implements members.RulesStore. The same version again writes nothing.
func (s *Members) AcceptRules(ctx context.Context, memberID string, version int) error {
	_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
		UpdateExpression:          aws.String("SET #RulesAccepted = :v"),
		ConditionExpression:       aws.String("attribute_exists(#PK) AND (attribute_not_exists(#RulesAccepted) OR #RulesAccepted <> :v)"),
		ExpressionAttributeNames:  named(attrRulesAccepted, AttrPK),
		ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberN{Value: strconv.Itoa(version)}}})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		if _, err := s.GetMember(ctx, memberID); err != nil {
			return fmt.Errorf("store.AcceptRules: %w", err)
		}
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.AcceptRules %s: %w", memberID, err)
	}
	return nil
}
