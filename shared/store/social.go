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
	"tribune/shared/members"
	"tribune/shared/ratelimit"
	"tribune/shared/social"
)

const (
	typeAuthFlow = "AuthFlow"
	typeIdentity = "Identity"
)

func authFlowPK(state string) string             { return "AUTHFLOW#" + state }
func identityPK(provider, subject string) string { return "IDENTITY#" + provider + "#" + subject }

type authFlowItem struct {
	PK, SK, Type string
	Provider     string
	Nonce        string `dynamodbav:",omitempty"`
	Verifier     string
	Return       string
	Invitation   string `dynamodbav:",omitempty"`
	ExpiresAt    int64
}

type identityItem struct {
	PK, SK, Type string
	MemberID     string
	Provider     string
	Email        string
	LinkedAt     time.Time
}

// SaveAuthFlow implements members.SocialStore.
func (s *Store) SaveAuthFlow(ctx context.Context, f social.Flow, expires time.Time, hits []ratelimit.Hit, now time.Time) error {
	put, err := s.put(authFlowItem{PK: authFlowPK(f.State), SK: "FLOW", Type: typeAuthFlow, Provider: f.Provider, Nonce: f.Nonce,
		Verifier: f.Verifier, Return: f.Return, Invitation: f.Invitation, ExpiresAt: expires.Unix()}, "attribute_not_exists(PK)")
	if err != nil {
		return fmt.Errorf("store.SaveAuthFlow: %w", err)
	}
	reasons, err := s.transact(ctx, append(s.rateUpdates(hits, now), put))
	for i := range hits {
		if conditionFailed(reasons, i) {
			return fmt.Errorf("store.SaveAuthFlow %s: %w", hits[i].Rule.Name, members.ErrRateLimited)
		}
	}
	if err != nil {
		return fmt.Errorf("store.SaveAuthFlow: %w", err)
	}
	return nil
}

// TakeAuthFlow implements members.SocialStore: a delete returning the item, so a
// flow is spent once.
func (s *Store) TakeAuthFlow(ctx context.Context, state string, now time.Time) (social.Flow, error) {
	out, err := s.DB.DeleteItem(ctx, &dynamodb.DeleteItemInput{TableName: aws.String(s.Table), Key: key(authFlowPK(state), "FLOW"),
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
	return social.Flow{Provider: it.Provider, State: state, Nonce: it.Nonce, Verifier: it.Verifier, Return: it.Return, Invitation: it.Invitation}, nil
}

// MemberIDByIdentity implements members.SocialStore.
func (s *Store) MemberIDByIdentity(ctx context.Context, provider, subject string) (string, error) {
	var it identityItem
	if err := s.get(ctx, "store.MemberIDByIdentity", identityPK(provider, subject), "IDENTITY", time.Now(), &it); err != nil {
		return "", err
	}
	return it.MemberID, nil
}

func (s *Store) identityPut(memberID string, id social.Identity, now time.Time) (types.TransactWriteItem, error) {
	return s.put(identityItem{PK: identityPK(id.Provider, id.Subject), SK: "IDENTITY", Type: typeIdentity, MemberID: memberID,
		Provider: id.Provider, Email: id.Email, LinkedAt: now.UTC()}, "attribute_not_exists(PK)")
}

// LinkIdentity implements members.SocialStore: identity, member check and session in
// one transaction.
func (s *Store) LinkIdentity(ctx context.Context, memberID string, id social.Identity, sess auth.Session) error {
	link, err := s.identityPut(memberID, id, sess.CreatedAt)
	if err != nil {
		return fmt.Errorf("store.LinkIdentity: %w", err)
	}
	put, err := s.sessionPut(sess)
	if err != nil {
		return fmt.Errorf("store.LinkIdentity: %w", err)
	}
	reasons, err := s.transact(ctx, []types.TransactWriteItem{link, s.activeMemberCheck(memberID, sess.CreatedAt), put})
	if conditionFailed(reasons, 1) {
		return fmt.Errorf("store.LinkIdentity %s: %w", memberID, members.ErrInactive)
	}
	if err != nil {
		return fmt.Errorf("store.LinkIdentity %s: %w", memberID, err)
	}
	return nil
}
