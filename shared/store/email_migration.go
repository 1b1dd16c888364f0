package store

import (
	"context"
	"errors"
	"fmt"
	"log/slog"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/text"
)

// scanner is the one call API leaves out on purpose (no Scan on a request path); only
// this migration asks for it.
type scanner interface {
	Scan(context.Context, *dynamodb.ScanInput, ...func(*dynamodb.Options)) (*dynamodb.ScanOutput, error)
}

// EmailsRespelled is what MigrateEmailSpelling did.
type EmailsRespelled struct {
	// Claims moved to the address's spelling of today (text.NormalizeEmail), with their
	// member's Email; Identities had their Email re-spelled.
	Claims, Identities int
	// Taken are claims left as they were because another member already holds the new
	// spelling: two accounts made for one mailbox before the rule, joined by hand
	// (docs/operations.md). Refused are addresses today's rules refuse (an invisible
	// character): the member keeps signing in with their linked providers and sessions.
	Taken, Refused []string
}

// MigrateEmailSpelling moves every address claim (EMAIL#<address>) an older release
// wrote to the spelling text.NormalizeEmail gives today (issue 9, round 2: the domain in
// its IDNA ASCII form, full-width forms folded), so that a member who signed up as
// "carol@exämple.com" is found again when they type it. Per claim, one transaction puts
// the new claim (if nobody holds it), deletes the old one (if still theirs) and
// re-spells the member's Email (if still the old one); a claim already in today's
// spelling is left alone, so running it again changes nothing. Identities' addresses
// are re-spelled too (they are shown in the export only).
//
// Claims have no index (they are looked up by address), so this reads the table with a
// Scan filtered on Type: once, in a migration, never on a request path.
func (s *Store) MigrateEmailSpelling(ctx context.Context) (EmailsRespelled, error) {
	var done EmailsRespelled
	in := &dynamodb.ScanInput{FilterExpression: aws.String("#Type IN (:claim, :identity)"),
		ProjectionExpression:     aws.String("#PK, #SK, #Type, #MemberID, #Email"),
		ExpressionAttributeNames: named(AttrPK, AttrSK, AttrType, attrMemberID, attrEmail),
		ExpressionAttributeValues: map[string]types.AttributeValue{":claim": &types.AttributeValueMemberS{Value: typeMemberEmail},
			":identity": &types.AttributeValueMemberS{Value: typeIdentity}}}
	err := s.scanEach(ctx, "store.MigrateEmailSpelling", in, func(page []item) error {
		for _, item := range page {
			if err := s.respell(ctx, item, &done); err != nil {
				return fmt.Errorf("store.MigrateEmailSpelling: %w", err)
			}
		}
		return nil
	})
	if err != nil {
		return done, err
	}
	if len(done.Taken) > 0 || len(done.Refused) > 0 {
		slog.WarnContext(ctx, "addresses left in an old spelling", "taken_by_another_member", done.Taken, "refused_by_todays_rules", done.Refused)
	}
	return done, nil
}

func (s *Store) respell(ctx context.Context, item map[string]types.AttributeValue, done *EmailsRespelled) error {
	str := func(name string) string {
		if v, ok := item[name].(*types.AttributeValueMemberS); ok {
			return v.Value
		}
		return ""
	}
	memberID := str(attrMemberID)
	if str(AttrType) == typeIdentity {
		old := str(attrEmail)
		email, ok := text.NormalizeEmail(old)
		if old == "" || !ok || email == old {
			return nil
		}
		_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: map[string]types.AttributeValue{AttrPK: item[AttrPK], AttrSK: item[AttrSK]},
			UpdateExpression: aws.String("SET #Email = :new"), ConditionExpression: aws.String("#Email = :old"), ExpressionAttributeNames: named(attrEmail),
			ExpressionAttributeValues: map[string]types.AttributeValue{":new": &types.AttributeValueMemberS{Value: email},
				":old": &types.AttributeValueMemberS{Value: old}}})
		if conditionFailedErr(err) {
			return nil
		}
		if err == nil {
			done.Identities++
		}
		return err
	}
	old := emailOf(str(AttrPK))
	email, ok := text.NormalizeEmail(old)
	switch {
	case !ok:
		done.Refused = append(done.Refused, memberID)
		return nil
	case email == old:
		return nil
	}
	claim, err := s.put(emailItem{PK: emailPK(email), SK: skEmail, Type: typeMemberEmail, MemberID: memberID}, itemAbsent)
	if err != nil {
		return err
	}
	err = s.txn().add(condEmailFree, claim).add(condEmailRespelled,
		types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(emailPK(old), skEmail), ConditionExpression: aws.String("#MemberID = :m"),
			ExpressionAttributeNames:  named(attrMemberID),
			ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: memberID}}}},
		types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
			UpdateExpression: aws.String("SET #Email = :new"), ConditionExpression: aws.String("#Email = :old"), ExpressionAttributeNames: named(attrEmail),
			ExpressionAttributeValues: map[string]types.AttributeValue{":new": &types.AttributeValueMemberS{Value: email},
				":old": &types.AttributeValueMemberS{Value: old}}}}).run(ctx)
	switch {
	case failed(err, condEmailFree):
		done.Taken = append(done.Taken, memberID)
		return nil
	case failed(err, condEmailRespelled):
		return nil // the claim or the member changed meanwhile (another run, a deletion)
	case err != nil:
		return err
	}
	done.Claims++
	return nil
}

// condEmailRespelled: the old claim and the member's address are still as read.
const condEmailRespelled = "address as read"

// conditionFailedErr reports whether a single write failed on its condition.
func conditionFailedErr(err error) bool {
	var failed *types.ConditionalCheckFailedException
	return err != nil && errors.As(err, &failed)
}
