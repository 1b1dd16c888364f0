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

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/spaces"
)

// RoleMembershipsFixed is what MigrateRoleMemberships changed.
type RoleMembershipsFixed struct {
	// Ended memberships were the owner's of a customer space, or of a community space
	// created under a staff role its member no longer holds.
	Ended int
	// Marked memberships of customer spaces, held by members who are support agents now,
	// were marked ByRole: they end when the role goes.
	Marked int
}

// MigrateRoleMemberships brings the memberships written before staff reached spaces
// through their role alone (issue 9, round 4) in line with today's rules:
//   - a customer space has no owner: the owner's membership (its creator's, a support
//     agent's when it was made) ends, whatever the creator's roles are now; agents
//     work it through their role;
//   - the owner's membership of a community space created under a staff role
//     (spaces.RoleGiven) ends when its member no longer holds one;
//   - a support agent's membership of a customer space is marked ByRole, so that it
//     ends when they stop being one (spaces.Service.OnMemberRolesChanged).
//
// Memberships have no index of their own across spaces, so this reads the table once
// with a Scan filtered on the type (a migration, run once on deploy); each change is the
// ordinary conditional write, so running it again, or twice at once, changes nothing
// more. A member who lost a support role before this release, and was an ordinary
// member of a customer space (not its owner), cannot be told from a customer: that
// membership stays.
func (s *Store) MigrateRoleMemberships(ctx context.Context, now time.Time) (RoleMembershipsFixed, error) {
	var fixed RoleMembershipsFixed
	db, ok := s.DB.(scanner)
	if !ok {
		return fixed, errors.New("store.MigrateRoleMemberships: the table client cannot Scan")
	}
	in := &dynamodb.ScanInput{TableName: aws.String(s.Table), FilterExpression: aws.String("#t = :m"),
		ExpressionAttributeNames:  map[string]string{"#t": AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: typeSpaceMember}}}
	var list []spaces.Membership
	for {
		out, err := db.Scan(ctx, in)
		if err != nil {
			return fixed, fmt.Errorf("store.MigrateRoleMemberships: %w", err)
		}
		for _, item := range out.Items {
			var it spaceMemberItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fixed, fmt.Errorf("store.MigrateRoleMemberships: %w", err)
			}
			list = append(list, it.Membership)
		}
		if len(out.LastEvaluatedKey) == 0 {
			break
		}
		in.ExclusiveStartKey = out.LastEvaluatedKey
	}
	var keys []map[string]types.AttributeValue
	for _, m := range list {
		keys = append(keys, key(spacePK(m.SpaceID), skSpace), key(memberPK(m.MemberID), skProfile))
	}
	found, err := s.batchGet(ctx, "store.MigrateRoleMemberships", keys)
	if err != nil {
		return fixed, err
	}
	for _, m := range list {
		spItem, memberItemAV := found[spacePK(m.SpaceID)+"|"+skSpace], found[memberPK(m.MemberID)+"|"+skProfile]
		if spItem == nil || memberItemAV == nil {
			continue // a space or account gone: their erasure or deletion handles the rest
		}
		var sp spaceItem
		var mem memberItem
		if err := attributevalue.UnmarshalMap(spItem, &sp); err != nil {
			return fixed, fmt.Errorf("store.MigrateRoleMemberships: %w", err)
		}
		if err := attributevalue.UnmarshalMap(memberItemAV, &mem); err != nil {
			return fixed, fmt.Errorf("store.MigrateRoleMemberships: %w", err)
		}
		member := mem.member()
		if member.Status == auth.StatusDeleted {
			continue
		}
		switch {
		case sp.Customer() && m.Role == spaces.RoleOwner,
			!sp.Customer() && spaces.RoleGiven(sp.Space, m) && !spaces.HoldsRoleFor(sp.Space, member.Roles):
			if err := s.endMembership(ctx, m, now); err != nil {
				return fixed, err
			}
			fixed.Ended++
		case sp.Customer() && !m.ByRole && policy.Allowed(member.Roles, policy.TicketsWork):
			_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(spacePK(m.SpaceID), spaceMemberSK(m)),
				UpdateExpression: aws.String("SET ByRole = :t"), ConditionExpression: aws.String("attribute_exists(PK)"),
				ExpressionAttributeValues: map[string]types.AttributeValue{":t": &types.AttributeValueMemberBOOL{Value: true}}})
			if conditionFailedErr(err) {
				continue // left meanwhile
			}
			if err != nil {
				return fixed, fmt.Errorf("store.MigrateRoleMemberships: %w", err)
			}
			fixed.Marked++
		}
	}
	return fixed, nil
}

// endMembership removes a membership as leaving does (the count, the home stream).
func (s *Store) endMembership(ctx context.Context, m spaces.Membership, now time.Time) error {
	active := m.Status == spaces.StatusActive
	var events []eventtypes.Envelope
	if active {
		meta := eventtypes.NewMeta(now)
		left, err := eventtypes.NewEnvelope(eventtypes.SourceSpaces, eventtypes.SpaceLeftType, meta, eventtypes.SpaceLeft{Meta: meta,
			SpaceID: m.SpaceID, MemberID: m.MemberID})
		if err != nil {
			return fmt.Errorf("store.MigrateRoleMemberships: %w", err)
		}
		events = append(events, left)
	}
	return s.DeleteMembership(ctx, m.SpaceID, m.MemberID, active, events...)
}
