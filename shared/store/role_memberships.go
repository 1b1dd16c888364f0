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
	// Listed customer spaces joined the agents' list (GSI1 CUSTOMERSPACES).
	Listed int
}

// MigrateRoleMemberships brings the memberships written before staff reached spaces
// through their role alone (issue 9, round 4) in line with today's rules:
//   - a customer space has no owner: the owner's membership (its creator's, a support
//     agent's when it was made) ends, whatever the creator's roles are now; agents
//     work it through their role;
//   - the owner's membership of a community space created under a staff role
//     (spaces.RoleGiven) ends when its member no longer holds one;
//   - a support agent's membership of a customer space is marked ByRole, so that it
//     ends when they stop being one (spaces.Service.OnMemberRolesChanged);
//   - every customer space joins the agents' list of customer spaces, which is how
//     agents find the spaces they run now that they belong to none.
//
// Memberships and spaces have no index of their own across spaces (hidden customer
// spaces are in none), so this reads the table once with a Scan filtered on the two
// types (a migration, run once on deploy); each change is the
// ordinary conditional write, so running it again, or twice at once, changes nothing
// more. A member who lost a support role before this release, and was an ordinary
// member of a customer space (not its owner), cannot be told from a customer: that
// membership stays.
func (s *Store) MigrateRoleMemberships(ctx context.Context, now time.Time) (RoleMembershipsFixed, error) {
	var fixed RoleMembershipsFixed
	in := &dynamodb.ScanInput{FilterExpression: aws.String("#t IN (:m, :s)"),
		ExpressionAttributeNames: map[string]string{"#t": AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{":m": &types.AttributeValueMemberS{Value: typeSpaceMember},
			":s": &types.AttributeValueMemberS{Value: typeSpace}}}
	var list []spaces.Membership
	var customers []spaceItem
	err := s.scanEach(ctx, "store.MigrateRoleMemberships", in, func(page []item) error {
		for _, item := range page {
			if item[AttrType].(*types.AttributeValueMemberS).Value == typeSpace {
				var sp spaceItem
				if err := attributevalue.UnmarshalMap(item, &sp); err != nil {
					return fmt.Errorf("store.MigrateRoleMemberships: %w", err)
				}
				if sp.Kind == spaces.KindCustomer && sp.GSI1PK != customerSpacesPK {
					customers = append(customers, sp)
				}
				continue
			}
			var it spaceMemberItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fmt.Errorf("store.MigrateRoleMemberships: %w", err)
			}
			list = append(list, it.membership())
		}
		return nil
	})
	if err != nil {
		return fixed, err
	}
	for _, sp := range customers {
		_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(spacePK(sp.ID), skSpace),
			UpdateExpression: aws.String("SET " + setGSI1(":pk", ":sk")), ConditionExpression: aws.String("#k = :customer"),
			ExpressionAttributeNames: map[string]string{"#k": attrKind},
			ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: customerSpacesPK},
				":sk": &types.AttributeValueMemberS{Value: directorySK(sp.space())}, ":customer": &types.AttributeValueMemberS{Value: spaces.KindCustomer}}})
		if err != nil && !conditionFailedErr(err) {
			return fixed, fmt.Errorf("store.MigrateRoleMemberships %s: %w", sp.ID, err)
		}
		fixed.Listed++
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
		case sp.space().Customer() && m.Role == spaces.RoleOwner,
			!sp.space().Customer() && spaces.RoleGiven(sp.space(), m) && !spaces.HoldsRoleFor(sp.space(), member.Roles):
			if err := s.endMembership(ctx, m, now); err != nil {
				return fixed, err
			}
			fixed.Ended++
		case sp.space().Customer() && !m.ByRole && policy.Allowed(member.Roles, policy.TicketsWork):
			_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(spacePK(m.SpaceID), spaceMemberSK(m)),
				UpdateExpression: aws.String("SET #ByRole = :t"), ConditionExpression: aws.String("attribute_exists(#PK)"),
				ExpressionAttributeNames:  named(attrByRole, AttrPK),
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
		left, err := eventtypes.Wrap(eventtypes.SpaceLeft{Meta: meta,
			SpaceID: m.SpaceID, MemberID: m.MemberID})
		if err != nil {
			return fmt.Errorf("store.MigrateRoleMemberships: %w", err)
		}
		events = append(events, left)
	}
	return s.Spaces().DeleteMembership(ctx, m.SpaceID, m.MemberID, active, events...)
}
