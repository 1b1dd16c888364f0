package store

import (
	"context"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/members"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
)

const (
	typeAuthFlow = "AuthFlow"
	typeIdentity = "Identity"
)

type authFlowItem struct {
	PK, SK, Type string
	Provider     string
	Nonce        string `dynamodbav:",omitempty"`
	Verifier     string
	Return       string
	Invitation   string `dynamodbav:",omitempty"`
	// SwitchAccount: the person chose to replace this browser's session of another account.
	SwitchAccount bool   `dynamodbav:",omitempty"`
	Locale        string `dynamodbav:",omitempty"`
	ExpiresAt     int64
}

type identityItem struct {
	PK, SK, Type string
	// GSI1 lists a member's identities (export, deletion).
	GSI1PK, GSI1SK string
	MemberID       string
	Provider       string
	Email          string
	LinkedAt       time.Time
}

// SaveAuthFlow implements members.SocialStore.
func (s *Members) SaveAuthFlow(ctx context.Context, f social.Flow, expires time.Time, hits []ratelimit.Hit, now time.Time) error {
	put, err := s.put(authFlowItem{PK: authFlowPK(f.State), SK: skAuthFlow, Type: typeAuthFlow, Provider: f.Provider, Nonce: f.Nonce,
		Verifier: f.Verifier, Return: f.Return, Invitation: f.Invitation, SwitchAccount: f.SwitchAccount, Locale: f.Locale,
		ExpiresAt: expires.Unix()}, itemAbsent)
	if err != nil {
		return fmt.Errorf("store.SaveAuthFlow: %w", err)
	}
	if err := s.writeUnderLimits(ctx, hits, now, members.ErrRateLimited, put); err != nil {
		return fmt.Errorf("store.SaveAuthFlow: %w", err)
	}
	return nil
}

// TakeAuthFlow implements members.SocialStore: a delete returning the item, so a
// flow is spent once.
func (s *Members) TakeAuthFlow(ctx context.Context, state string, now time.Time) (social.Flow, error) {
	out, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(authFlowPK(state), skAuthFlow),
		ReturnValues: types.ReturnValueAllOld})
	if err != nil {
		return social.Flow{}, fmt.Errorf("store.TakeAuthFlow: %w", err)
	}
	if out.Attributes == nil || expired(out.Attributes, now) {
		return social.Flow{}, fmt.Errorf("store.TakeAuthFlow: %w", social.ErrBadState)
	}
	var it authFlowItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return social.Flow{}, fmt.Errorf("store.TakeAuthFlow: %w", err)
	}
	return social.Flow{Provider: it.Provider, State: state, Nonce: it.Nonce, Verifier: it.Verifier, Return: it.Return, Invitation: it.Invitation,
		SwitchAccount: it.SwitchAccount, Locale: it.Locale}, nil
}

// MemberIDByIdentity implements members.SocialStore.
func (s *Members) MemberIDByIdentity(ctx context.Context, provider, subject string) (string, error) {
	var it identityItem
	if err := s.get(ctx, "store.MemberIDByIdentity", identityPK(provider, subject), skIdentity, time.Now(), &it); err != nil {
		return "", err
	}
	return it.MemberID, nil
}

func (s *Members) identityPut(memberID string, id social.Identity, now time.Time) (types.TransactWriteItem, error) {
	return s.put(identityItem{PK: identityPK(id.Provider, id.Subject), SK: skIdentity, Type: typeIdentity, MemberID: memberID,
		GSI1PK: memberIdentitiesPK(memberID), GSI1SK: memberIdentitySK(id.Provider, id.Subject),
		Provider: id.Provider, Email: id.Email, LinkedAt: now.UTC()}, itemAbsent)
}

// condAccountLive: the account is not deleted yet (deleting twice at once).
const condAccountLive = "account not deleted"

// LinkIdentity implements members.SocialStore: identity, member check and session in
// one transaction.
func (s *Members) LinkIdentity(ctx context.Context, memberID string, id social.Identity, sess auth.Session, events ...eventtypes.Envelope) error {
	link, err := s.identityPut(memberID, id, sess.CreatedAt)
	if err != nil {
		return fmt.Errorf("store.LinkIdentity: %w", err)
	}
	put, err := s.sessionPut(sess)
	if err != nil {
		return fmt.Errorf("store.LinkIdentity: %w", err)
	}
	err = s.txn().add("", link).add(condMemberActive, s.activeMemberCheck(memberID, sess.CreatedAt)).add("", put).with(s.outboxPuts(events)).run(ctx)
	if failed(err, condMemberActive) {
		return fmt.Errorf("store.LinkIdentity %s: %w", memberID, members.ErrInactive)
	}
	if err != nil {
		return fmt.Errorf("store.LinkIdentity %s: %w", memberID, err)
	}
	return nil
}

// ListIdentities implements members.PrivacyStore.
func (s *Members) ListIdentities(ctx context.Context, memberID string) ([]members.IdentityView, error) {
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression:    aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: memberIdentitiesPK(memberID)}},
	})
	if err != nil {
		return nil, fmt.Errorf("store.ListIdentities %s: %w", memberID, err)
	}
	var out []members.IdentityView
	for _, item := range items {
		var it identityItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return nil, fmt.Errorf("store.ListIdentities %s: %w", memberID, err)
		}
		out = append(out, members.IdentityView{Provider: it.Provider, Email: it.Email, LinkedAt: it.LinkedAt})
	}
	return out, nil
}

// DeleteAccount implements members.PrivacyStore.
func (s *Members) DeleteAccount(ctx context.Context, memberID string, event eventtypes.Envelope) error {
	m, err := s.GetMember(ctx, memberID)
	if err != nil {
		return fmt.Errorf("store.DeleteAccount: %w", err)
	}
	ids, err := s.queryAll(ctx, &dynamodb.QueryInput{
		TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1), ProjectionExpression: aws.String(keysOnly),
		KeyConditionExpression:    aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: memberIdentitiesPK(memberID)}},
	})
	if err != nil {
		return fmt.Errorf("store.DeleteAccount: %w", err)
	}
	del := func(pk, sk string) types.TransactWriteItem {
		return types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table), Key: key(pk, sk)}}
	}
	items := []types.TransactWriteItem{
		{Update: &types.Update{
			TableName: aws.String(s.Table), Key: key(memberPK(memberID), skProfile),
			UpdateExpression: aws.String("SET #DisplayName = :name, #Status = :deleted, #Roles = :roles, #Email = :none " +
				"REMOVE " + gsi1Keys + ", #Bio, #Expertise, #Interests, #Company, #Location, #Links, #AvatarKey, #SuspendedUntil"),
			// Once: a second deletion at the same moment writes nothing and publishes no
			// second member.deleted.
			ConditionExpression: aws.String(itemExists + " AND #Status <> :deleted"),
			ExpressionAttributeNames: named(attrDisplayName, attrStatus, attrRoles, attrEmail, attrBio, attrExpertise, attrInterests,
				attrCompany, attrLocation, attrLinks, attrAvatarKey, attrSuspendedUntil),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":name": &types.AttributeValueMemberS{Value: members.DeletedName}, ":deleted": &types.AttributeValueMemberS{Value: members.StatusDeleted},
				":roles": &types.AttributeValueMemberL{Value: []types.AttributeValue{&types.AttributeValueMemberS{Value: "member"}}},
				":none":  &types.AttributeValueMemberS{Value: ""},
			},
		}},
		del(emailPK(m.Email), skEmail),
		del(memberPK(memberID), skStaff),
	}
	for _, id := range ids {
		items = append(items, types.TransactWriteItem{Delete: &types.Delete{TableName: aws.String(s.Table),
			Key: map[string]types.AttributeValue{AttrPK: id[AttrPK], AttrSK: id[AttrSK]}}})
	}
	for _, t := range m.Expertise {
		items = append(items, del(tagPK(t), memberPK(memberID)))
	}
	for i := range members.MaxNameWords {
		items = append(items, del(memberPK(memberID), wordSK(i))) // the name's search keys
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.DeleteAccount: %w", err)
	}
	err = s.txn().add(condAccountLive, items[0]).add("", items[1:]...).add("", out).run(ctx)
	if failed(err, condAccountLive) {
		return nil
	}
	if err != nil {
		return fmt.Errorf("store.DeleteAccount %s: %w", memberID, err)
	}
	return nil
}
