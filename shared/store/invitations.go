package store

import (
	"context"
	"errors"
	"fmt"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/invitations"
	"tribune/shared/members"
	"tribune/shared/ratelimit"
)

const (
	typeInvitation   = "Invitation"
	typeSettings     = "CommunitySettings"
	typeInviteeClaim = "InviteeClaim"
	// invitationKept: invitations stay listed as history for 90 days after they lapse.
	invitationKept = 90 * 24 * time.Hour
)

// invitationItem is one invitation; GSI1 lists them by month of creation (no single
// partition holds them all).
type invitationItem struct {
	PK, SK, Type   string
	GSI1PK, GSI1SK string
	ID             string
	Kind           string
	Email          string `dynamodbav:",omitempty"`
	Roles          []string
	Message        string `dynamodbav:",omitempty"`
	InviterID      string
	InviterName    string
	InviterDeleted bool `dynamodbav:",omitempty"`
	Locale         string
	MaxUses        int
	Uses           int
	CreatedAt      time.Time
	ValidUntil     int64
	RevokedAt      int64 `dynamodbav:",omitempty"`
	CodeHash       string
	ExpiresAt      int64
}

func (i invitationItem) invitation() invitations.Invitation {
	inv := invitations.Invitation{ID: i.ID, Kind: i.Kind, Email: i.Email, Roles: i.Roles, Message: i.Message, InviterID: i.InviterID,
		InviterName: i.InviterName, InviterDeleted: i.InviterDeleted, Locale: i.Locale, MaxUses: i.MaxUses, Uses: i.Uses, CreatedAt: i.CreatedAt,
		ValidUntil: time.Unix(i.ValidUntil, 0).UTC(), CodeHash: i.CodeHash}
	if i.RevokedAt != 0 {
		t := time.Unix(i.RevokedAt, 0).UTC()
		inv.RevokedAt = &t
	}
	return inv
}

func (i invitationItem) grant() *members.InvitationGrant {
	return &members.InvitationGrant{ID: i.ID, Email: i.Email, Roles: i.Roles, InviterID: i.InviterID, CodeHash: i.CodeHash,
		MaxUses: i.MaxUses, Uses: i.Uses, ValidUntil: time.Unix(i.ValidUntil, 0), Revoked: i.RevokedAt != 0}
}

// Named conditions of invitations' transactions.
const (
	// condQuota: the inviter is within their quota.
	condQuota = "invitation quota"
	// condInviteeFree: no other pending invitation holds the address.
	condInviteeFree = "address free"
	// condCodeAsRead: the invitation is still resendable, with the code the service read.
	condCodeAsRead = "invitation code as read"
)

// inviteeClaimItem is an address's claim on its one pending invitation; it lives as
// long as the invitation's item.
type inviteeClaimItem struct {
	PK, SK, Type string
	InvitationID string
	ExpiresAt    int64
}

func newInviteeClaimItem(inv invitations.Invitation, validUntil time.Time) inviteeClaimItem {
	return inviteeClaimItem{PK: inviteePK(inv.Email), SK: skPendingInvitation, Type: typeInviteeClaim, InvitationID: inv.ID,
		ExpiresAt: validUntil.Add(invitationKept).Unix()}
}

// CreateInvitation implements invitations.Store: under the inviter's quota, an email
// invitation claims its address in the same transaction, if nobody holds the claim (or
// an expired one, or stale, which the service found no longer pending).
func (s *Invitations) CreateInvitation(ctx context.Context, inv invitations.Invitation, event eventtypes.Envelope, quota ratelimit.Hit, now time.Time, stale string) error {
	put, err := s.put(invitationItem{PK: invitationPK(inv.ID), SK: skInvitation, Type: typeInvitation,
		GSI1PK: invitationMonth(inv.CreatedAt), GSI1SK: invitationMonthSK(inv),
		ID: inv.ID, Kind: inv.Kind, Email: inv.Email, Roles: inv.Roles, Message: inv.Message, InviterID: inv.InviterID,
		InviterName: inv.InviterName, Locale: inv.Locale, MaxUses: inv.MaxUses, CreatedAt: inv.CreatedAt, ValidUntil: inv.ValidUntil.Unix(),
		CodeHash: inv.CodeHash, ExpiresAt: inv.ValidUntil.Add(invitationKept).Unix()}, itemAbsent)
	if err != nil {
		return fmt.Errorf("store.CreateInvitation: %w", err)
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.CreateInvitation: %w", err)
	}
	credits, err := s.creditPuts(invitationPK(inv.ID), inv.InviterID)
	if err != nil {
		return fmt.Errorf("store.CreateInvitation: %w", err)
	}
	items := append([]types.TransactWriteItem{put, out}, credits...)
	hits := []ratelimit.Hit{quota}
	if inv.Kind != invitations.KindEmail {
		if err := s.writeUnderLimits(ctx, hits, now, invitations.ErrQuota, items...); err != nil {
			return fmt.Errorf("store.CreateInvitation %s: %w", inv.ID, err)
		}
		return nil
	}
	claim, err := s.inviteeClaim(inv, now, stale)
	if err != nil {
		return fmt.Errorf("store.CreateInvitation: %w", err)
	}
	// The claim first: a repeat is a repeat whatever the quota says, and costs none.
	// (So the quota is a named condition here, not underLimits, which tells the quota first.)
	err = s.txn().add(condQuota, s.rateUpdates(hits, now)...).add(condInviteeFree, claim).add("", items...).run(ctx)
	if failed(err, condInviteeFree) {
		var held inviteeClaimItem
		_ = attributevalue.UnmarshalMap(failedItem(err, condInviteeFree), &held)
		return fmt.Errorf("store.CreateInvitation %s: %w", inv.ID, &invitations.PendingError{InvitationID: held.InvitationID})
	}
	if failed(err, condQuota) {
		return fmt.Errorf("store.CreateInvitation %s: %w", inv.ID, invitations.ErrQuota)
	}
	if err != nil {
		return fmt.Errorf("store.CreateInvitation %s: %w", inv.ID, err)
	}
	return nil
}

// inviteeClaim is the Put of an address's claim on its one pending invitation: taken if
// absent, expired, or held by stale (an invitation the service found no longer pending:
// revoked, used, expired). It lives as long as its invitation's item.
func (s *Invitations) inviteeClaim(inv invitations.Invitation, now time.Time, stale string) (types.TransactWriteItem, error) {
	claim, err := s.put(newInviteeClaimItem(inv, inv.ValidUntil), itemAbsent+" OR #e <= :now OR #i = :stale")
	if err != nil {
		return types.TransactWriteItem{}, err
	}
	claim.Put.ExpressionAttributeNames = map[string]string{"#e": AttrExpires, "#i": attrInvitationID}
	claim.Put.ExpressionAttributeValues = map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: epoch(now)},
		":stale": &types.AttributeValueMemberS{Value: stale}}
	return claim, nil
}

// GetInvitation implements invitations.Store.
func (s *Invitations) GetInvitation(ctx context.Context, id string) (invitations.Invitation, error) {
	var it invitationItem
	if err := s.get(ctx, "store.GetInvitation", invitationPK(id), skInvitation, time.Now(), &it); err != nil {
		return invitations.Invitation{}, err
	}
	return it.invitation(), nil
}

// ListInvitations implements invitations.Store: one query per month since since.
func (s *Invitations) ListInvitations(ctx context.Context, since, now time.Time) ([]invitations.Invitation, error) {
	var out []invitations.Invitation
	for month := now.UTC(); ; month = month.AddDate(0, -1, 0) {
		items, err := s.queryAll(ctx, &dynamodb.QueryInput{
			TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
			KeyConditionExpression: aws.String(gsi1Is + " AND " + AttrGSI1SK + " >= :since"),
			ExpressionAttributeValues: map[string]types.AttributeValue{
				":pk":    &types.AttributeValueMemberS{Value: invitationMonth(month)},
				":since": &types.AttributeValueMemberS{Value: since.UTC().Format(time.RFC3339Nano)},
			},
			ScanIndexForward: aws.Bool(false),
		})
		if err != nil {
			return nil, fmt.Errorf("store.ListInvitations: %w", err)
		}
		for _, item := range items {
			var it invitationItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return nil, fmt.Errorf("store.ListInvitations: %w", err)
			}
			if !expired(item, now) {
				out = append(out, it.invitation())
			}
		}
		if invitationMonth(month) == invitationMonth(since) {
			return out, nil
		}
	}
}

func (s *Invitations) updateInvitation(ctx context.Context, op, id, expr, cond string, names map[string]string, values map[string]types.AttributeValue) (invitations.Invitation, error) {
	out, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(invitationPK(id), skInvitation),
		UpdateExpression: aws.String(expr), ConditionExpression: aws.String(cond), ExpressionAttributeNames: names, ExpressionAttributeValues: values,
		ReturnValues: types.ReturnValueAllNew})
	var failed *types.ConditionalCheckFailedException
	if errors.As(err, &failed) {
		return invitations.Invitation{}, fmt.Errorf("%s %s: %w", op, id, errs.ErrNotFound)
	}
	if err != nil {
		return invitations.Invitation{}, fmt.Errorf("%s %s: %w", op, id, err)
	}
	var it invitationItem
	if err := attributevalue.UnmarshalMap(out.Attributes, &it); err != nil {
		return invitations.Invitation{}, fmt.Errorf("%s %s: %w", op, id, err)
	}
	return it.invitation(), nil
}

// RevokeInvitation implements invitations.Store.
func (s *Invitations) RevokeInvitation(ctx context.Context, id string, now time.Time) (invitations.Invitation, error) {
	return s.updateInvitation(ctx, "store.RevokeInvitation", id, "SET #RevokedAt = if_not_exists(#RevokedAt, :now)", itemExists,
		named(attrRevokedAt),
		map[string]types.AttributeValue{":now": &types.AttributeValueMemberN{Value: epoch(now)}})
}

// RotateInvitationCode implements invitations.Store; the address's claim follows the new
// validity (and is taken back by this invitation if an older release left two pending).
// It rotates only the code the service read: of two resends at the same moment one
// sends, the other gets invitations.ErrResentMeanwhile and sends nothing.
func (s *Invitations) RotateInvitationCode(ctx context.Context, inv invitations.Invitation, codeHash string, validUntil time.Time, event eventtypes.Envelope) error {
	id := inv.ID
	out, err := s.outboxPut(event)
	if err != nil {
		return fmt.Errorf("store.RotateInvitationCode: %w", err)
	}
	update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(invitationPK(id), skInvitation),
		UpdateExpression:         aws.String("SET #CodeHash = :h, #ValidUntil = :v, #ExpiresAt = :e"),
		ConditionExpression:      aws.String("attribute_exists(#PK) AND attribute_not_exists(#RevokedAt) AND #Uses < #MaxUses AND #CodeHash = :old"),
		ExpressionAttributeNames: named(attrCodeHash, attrValidUntil, AttrExpires, AttrPK, attrRevokedAt, attrUses, attrMaxUses),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":h": &types.AttributeValueMemberS{Value: codeHash}, ":v": &types.AttributeValueMemberN{Value: epoch(validUntil)},
			":old": &types.AttributeValueMemberS{Value: inv.CodeHash},
			":e":   &types.AttributeValueMemberN{Value: epoch(validUntil.Add(invitationKept))},
		}}}
	items := []types.TransactWriteItem{update, out}
	if inv.Email != "" {
		claim, err := s.put(newInviteeClaimItem(inv, validUntil), "")
		if err != nil {
			return fmt.Errorf("store.RotateInvitationCode: %w", err)
		}
		items = append(items, claim)
	}
	err = s.txn().add(condCodeAsRead, items[0]).add("", items[1:]...).run(ctx)
	if failed(err, condCodeAsRead) {
		now, err := s.GetInvitation(ctx, id)
		if err == nil && now.State(time.Now()) == "pending" && now.CodeHash != inv.CodeHash {
			return fmt.Errorf("store.RotateInvitationCode %s: %w", id, invitations.ErrResentMeanwhile)
		}
		return fmt.Errorf("store.RotateInvitationCode %s: %w", id, invitations.ErrNotResendable)
	}
	if err != nil {
		return fmt.Errorf("store.RotateInvitationCode %s: %w", id, err)
	}
	return nil
}

// acceptanceItems spend an invitation and record invitation.accepted, for Register.
func (s *Invitations) acceptanceItems(a *members.Acceptance, memberID string, now time.Time) ([]types.TransactWriteItem, error) {
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.Wrap(
		eventtypes.InvitationAccepted{Meta: meta, InvitationID: a.InvitationID, MemberID: memberID, InviterID: a.InviterID})
	if err != nil {
		return nil, err
	}
	out, err := s.outboxPut(event)
	if err != nil {
		return nil, err
	}
	use := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(invitationPK(a.InvitationID), skInvitation),
		UpdateExpression:         aws.String("ADD #Uses :one"),
		ConditionExpression:      aws.String("#CodeHash = :h AND #Uses < #MaxUses AND attribute_not_exists(#RevokedAt) AND #ValidUntil > :now"),
		ExpressionAttributeNames: named(attrUses, attrCodeHash, attrMaxUses, attrRevokedAt, attrValidUntil),
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":one": &types.AttributeValueMemberN{Value: "1"}, ":h": &types.AttributeValueMemberS{Value: a.CodeHash},
			":now": &types.AttributeValueMemberN{Value: epoch(now)},
		},
		// Whoever loses the race for the last use is told why, from the item as it was.
		ReturnValuesOnConditionCheckFailure: types.ReturnValuesOnConditionCheckFailureAllOld}}
	return []types.TransactWriteItem{use, out}, nil
}

// refusedInvitation tells why an invitation could not be spent, from the item as the
// failed condition saw it (the same order of checks as members.admit): another code (a
// resend replaced it), withdrawn, used up, expired.
func refusedInvitation(item map[string]types.AttributeValue, codeHash string, now time.Time) error {
	var it invitationItem
	switch {
	case item == nil || attributevalue.UnmarshalMap(item, &it) != nil || it.CodeHash != codeHash:
		return members.ErrInvitationInvalid
	case it.RevokedAt != 0:
		return members.ErrInvitationRevoked
	case it.Uses >= it.MaxUses:
		return members.ErrInvitationUsed
	case it.ValidUntil <= now.Unix():
		return members.ErrInvitationExpired
	}
	return members.ErrInvitationInvalid
}
