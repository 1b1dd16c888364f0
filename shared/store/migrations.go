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

	"tribune/shared/audit"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/spaces"
)

// A migration changes stored data once, when a release needs data written by an older
// one to follow a new rule. Each is idempotent (running it again, or twice at once,
// changes nothing more), and Migrate records the ones done so that later starts skip
// them. How they run: docs/operations.md ("Data migrations").
type migration struct {
	name string
	run  func(ctx context.Context, s *Store, now time.Time) (int, error)
}

// migrations are every migration, oldest first. Names never change.
var migrations = []migration{
	{name: "2026-11-customer-spaces-private", run: func(ctx context.Context, s *Store, now time.Time) (int, error) {
		fixed, err := s.MigrateCustomerSpaces(ctx, now)
		return fixed.Spaces, err
	}},
	{name: "2026-11-email-one-spelling", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		done, err := s.MigrateEmailSpelling(ctx)
		return done.Claims, err
	}},
	{name: "2026-12-images-in-their-space", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		done, err := s.MigrateLegacyImages(ctx)
		return done.Images, err
	}},
	{name: "2026-12-memberships-follow-roles", run: func(ctx context.Context, s *Store, now time.Time) (int, error) {
		fixed, err := s.MigrateRoleMemberships(ctx, now)
		return fixed.Ended + fixed.Marked + fixed.Listed, err
	}},
	{name: "2026-12-images-follow-their-texts", run: func(ctx context.Context, s *Store, now time.Time) (int, error) {
		done, err := s.MigrateImageTexts(ctx, now)
		return done.Images, err
	}},
	{name: "2027-01-directory-by-any-word", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		return s.MigrateDirectory(ctx)
	}},
	{name: "2027-01-member-activity-index", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		return s.MigrateActivityIndex(ctx)
	}},
	{name: "2027-01-plain-text-excerpts", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		done, err := s.MigrateExcerpts(ctx)
		return done.Total(), err
	}},
	// The directory's keys fold diacritics (members.DirectoryKey: "lefevre" finds
	// "Lefèvre"): every member's entry and search keys are written again with them.
	{name: "2027-01-directory-folds-accents", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		return s.MigrateDirectory(ctx)
	}},
	// Stored pages showed the content of <script>, <style>...: rendered again without.
	{name: "2027-01-raw-html-content-left-out", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		done, err := s.MigrateRawHTML(ctx)
		return done.Total(), err
	}},
	// A page of comments reads its reader's reactions by key (CommentReactionSet): the
	// sets of reactions made before are written from their items.
	{name: "2027-02-comment-reaction-sets", run: func(ctx context.Context, s *Store, _ time.Time) (int, error) {
		return s.MigrateCommentReactionSets(ctx)
	}},
}

// MigrationNames lists every migration's name, in order (the deploy's custom resource
// carries them, so that a release adding one runs it).
func MigrationNames() []string {
	out := make([]string, len(migrations))
	for i, m := range migrations {
		out[i] = m.name
	}
	return out
}

const (
	typeMigration = "Migration"
)

// MigrationResult is one migration as Migrate found or ran it.
type MigrationResult struct {
	Name string `json:"name"`
	// Ran is false when an earlier run had done it already.
	Ran bool `json:"ran"`
	// Changed counts what it changed (for the customer spaces: spaces fixed).
	Changed int `json:"changed"`
}

// Migrate runs every migration not yet recorded as done, in order, and records each
// (MIGRATION#<name>/DONE). It stops at the first failure, leaving that migration
// unrecorded so that the next run does it again.
func (s *Store) Migrate(ctx context.Context, now time.Time) ([]MigrationResult, error) {
	out := make([]MigrationResult, 0, len(migrations))
	for _, m := range migrations {
		var done struct{ At time.Time }
		err := s.get(ctx, "store.Migrate", migrationPK(m.name), skMigration, now, &done)
		if err == nil {
			out = append(out, MigrationResult{Name: m.name})
			continue
		}
		if !errors.Is(err, errs.ErrNotFound) {
			return out, err
		}
		changed, err := m.run(ctx, s, now)
		if err != nil {
			return out, fmt.Errorf("store.Migrate %s: %w", m.name, err)
		}
		item, err := attributevalue.MarshalMap(map[string]any{AttrPK: migrationPK(m.name), AttrSK: skMigration, AttrType: typeMigration,
			"At": now.UTC(), "Changed": changed})
		if err != nil {
			return out, fmt.Errorf("store.Migrate %s: %w", m.name, err)
		}
		if _, err := s.DB.PutItem(ctx, &dynamodb.PutItemInput{TableName: aws.String(s.Table), Item: item}); err != nil {
			return out, fmt.Errorf("store.Migrate %s: %w", m.name, err)
		}
		out = append(out, MigrationResult{Name: m.name, Ran: true, Changed: changed})
	}
	return out, nil
}

// CustomerSpacesFixed is what MigrateCustomerSpaces changed.
type CustomerSpacesFixed struct {
	// Spaces were fixed: made closed (if public) and taken out of the directory.
	Spaces int
	// MadeClosed were public; Demoted members of theirs had joined without anyone's
	// approval and now wait for it, as a request to join.
	MadeClosed, Demoted int
}

// MigrateCustomerSpaces makes every customer space follow spaces.CheckPrivacy (issue
// 9): a public customer space becomes closed, and no customer space stays in the
// directory. In a space that was public, the members who joined by themselves (no
// invitation, no approval, no space role) may be anyone: their membership becomes a
// request that support approves or not. Each fixed space gets an entry in the
// moderation log ("space.made_private").
//
// Customer spaces written before are all in the directory's partition (only hidden
// spaces never were, and a hidden space is private already), so one paginated query of
// that partition finds them: no Scan. Members are demoted before the space changes, so
// a run cut short finds the space still public and finishes the job.
func (s *Store) MigrateCustomerSpaces(ctx context.Context, now time.Time) (CustomerSpacesFixed, error) {
	var fixed CustomerSpacesFixed
	items, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression: aws.String(gsi1Is), FilterExpression: aws.String("#Kind = :customer"),
		ExpressionAttributeNames: named(attrKind),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: spaceDirectoryPK},
			":customer": &types.AttributeValueMemberS{Value: spaces.KindCustomer}}})
	if err != nil {
		return fixed, fmt.Errorf("store.MigrateCustomerSpaces: %w", err)
	}
	for _, item := range items {
		var it spaceItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fixed, fmt.Errorf("store.MigrateCustomerSpaces: %w", err)
		}
		sp := it.space()
		visibility := sp.Visibility
		if visibility == spaces.Public {
			n, err := s.demoteSelfJoined(ctx, sp.ID)
			if err != nil {
				return fixed, err
			}
			fixed.Demoted += n
			visibility = spaces.Closed
		}
		update := types.TransactWriteItem{Update: &types.Update{TableName: aws.String(s.Table), Key: key(spacePK(sp.ID), skSpace),
			UpdateExpression:         aws.String("SET #Visibility = :v REMOVE " + gsi1Keys),
			ConditionExpression:      aws.String("#Kind = :customer AND #Visibility = :seen"),
			ExpressionAttributeNames: named(attrKind, attrVisibility),
			ExpressionAttributeValues: map[string]types.AttributeValue{":v": &types.AttributeValueMemberS{Value: visibility},
				":customer": &types.AttributeValueMemberS{Value: spaces.KindCustomer}, ":seen": &types.AttributeValueMemberS{Value: sp.Visibility}}}}
		log, err := s.Moderation().auditPut(audit.Entry{At: now.UTC(), Action: "space.made_private", TargetType: "space", TargetID: sp.ID})
		if err != nil {
			return fixed, fmt.Errorf("store.MigrateCustomerSpaces: %w", err)
		}
		const stillAsSeen = "space"
		err = s.txn().add(stillAsSeen, update).add("", log).run(ctx)
		if failed(err, stillAsSeen) {
			// Changed meanwhile (by another run): the next run looks again.
			continue
		}
		if err != nil {
			return fixed, fmt.Errorf("store.MigrateCustomerSpaces %s: %w", sp.ID, err)
		}
		fixed.Spaces++
		if sp.Visibility == spaces.Public {
			fixed.MadeClosed++
		}
	}
	return fixed, nil
}

// demoteSelfJoined turns the memberships nobody approved in a space into requests to
// join. Each leaves through DeleteMembership, as a member who leaves does (the count,
// and whatever else leaving undoes), then files the request; a run cut in between
// leaves that member with neither, free to ask again.
func (s *Store) demoteSelfJoined(ctx context.Context, spaceID string) (int, error) {
	list, err := s.Spaces().memberships(ctx, "store.demoteSelfJoined", queryPrefix(s.Table, spacePK(spaceID), activeMemberPrefix))
	if err != nil {
		return 0, err
	}
	n := 0
	for _, m := range list {
		if m.Role != spaces.RoleMember || m.InvitedBy != "" || m.ApprovedBy != "" {
			continue
		}
		// space.left takes the space's posts out of their home stream, as for any leave.
		meta := eventtypes.NewMeta(time.Now())
		left, err := eventtypes.Wrap(eventtypes.SpaceLeft{Meta: meta,
			SpaceID: spaceID, MemberID: m.MemberID})
		if err != nil {
			return n, fmt.Errorf("store.demoteSelfJoined: %w", err)
		}
		if err := s.Spaces().DeleteMembership(ctx, spaceID, m.MemberID, true, left); err != nil {
			return n, err
		}
		req := m
		req.Status, req.SpaceVisibility = spaces.StatusPending, spaces.Closed
		if err := s.Spaces().RequestToJoin(ctx, req); err != nil && !errors.Is(err, spaces.ErrMembershipChanged) {
			return n, err
		}
		n++
	}
	return n, nil
}
