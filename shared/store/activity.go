package store

import (
	"cmp"
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"

	"github.com/aws/aws-sdk-go-v2/aws"
	"github.com/aws/aws-sdk-go-v2/feature/dynamodb/attributevalue"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb"
	"github.com/aws/aws-sdk-go-v2/service/dynamodb/types"

	"tribune/shared/members"
	"tribune/shared/posts"
	"tribune/shared/tickets"
)

// A member's acts: the items a member made that no other item points at (their
// comments, votes, reactions to posts and comments, reports) carry GSI1 keys in the
// member's ACTS#<member> partition, so that "Download my data" finds them without a
// Scan (pattern 105). Posts, tickets and invitations are found through the member's
// credits (CREDITS#<member>, written for every item that copies their name).
const typeCommentReaction = "CommentReaction"

// MemberActivity implements members.PrivacyStore: everything a member wrote or did.
// It reads the member's credits (posts, tickets, invitations), their acts (comments,
// votes, reactions, reports), their spaces, the posts and tickets those name (batched),
// and each of their posts' and commented posts' edit history and each of their tickets'
// replies (one query each). It is not a request of the hot path: it reads as much as the
// member did. A ticket's internal notes never reach it.
func (s *Members) MemberActivity(ctx context.Context, memberID string) (members.Activity, error) {
	out := members.Activity{Spaces: []members.ExportedMembership{}, Posts: []members.ExportedPost{}, Comments: []members.ExportedComment{},
		Votes: []members.ExportedVote{}, Reactions: []members.ExportedReaction{}, Reports: []members.ExportedReport{},
		Tickets: []members.ExportedTicket{}, TicketReplies: []members.ExportedReply{}, Invitations: []members.ExportedInvitation{}}
	fail := func(err error) (members.Activity, error) {
		return members.Activity{}, fmt.Errorf("store.MemberActivity %s: %w", memberID, err)
	}
	credits, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), ProjectionExpression: aws.String(AttrSK),
		KeyConditionExpression:    aws.String(pkIs),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: creditsPK(memberID)}}})
	if err != nil {
		return fail(err)
	}
	acts, err := s.queryAll(ctx, &dynamodb.QueryInput{TableName: aws.String(s.Table), IndexName: aws.String(IndexGSI1),
		KeyConditionExpression:    aws.String(gsi1Is),
		ExpressionAttributeValues: map[string]types.AttributeValue{":pk": &types.AttributeValueMemberS{Value: actsPK(memberID)}}})
	if err != nil {
		return fail(err)
	}

	// Every post a credit or an act names, read together.
	var postKeys, ticketKeys, inviteKeys []map[string]types.AttributeValue
	for _, c := range credits {
		sk := c[AttrSK].(*types.AttributeValueMemberS).Value
		kind, id, _ := strings.Cut(sk, "#")
		switch {
		case postIDOf(sk) != "":
			postKeys = append(postKeys, postKey(postIDOf(sk)))
		case kind == "TICKET":
			ticketKeys = append(ticketKeys, key(ticketPK(id), skTicket))
		case kind == "INVITE":
			inviteKeys = append(inviteKeys, key(invitationPK(id), skInvitation))
		}
	}
	type act struct {
		Type, PK, SK                    string
		CommentID, Option, Reaction, At string
		Comment                         posts.Comment `dynamodbav:"-"`
		Report                          posts.Report  `dynamodbav:"-"`
	}
	var mine []act
	for _, item := range acts {
		var a act
		if err := attributevalue.UnmarshalMap(item, &a); err != nil {
			return fail(err)
		}
		switch a.Type {
		case typeComment:
			var c commentItem
			if err := attributevalue.UnmarshalMap(item, &c); err != nil {
				return fail(err)
			}
			a.Comment = c.comment()
		case typeReport:
			if err := attributevalue.UnmarshalMap(item, &a.Report); err != nil {
				return fail(err)
			}
		}
		if postIDOf(a.PK) != "" {
			postKeys = append(postKeys, key(a.PK, skPost))
		}
		mine = append(mine, a)
	}
	found, err := s.batchGet(ctx, "store.MemberActivity", slices.Concat(postKeys, ticketKeys, inviteKeys))
	if err != nil {
		return fail(err)
	}
	postsByID := map[string]posts.Post{}
	for _, k := range postKeys {
		if item, ok := found[keyName(k)]; ok {
			var it postItem
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fail(err)
			}
			postsByID[it.ID] = it.post()
		}
	}
	title := func(postID string) string { return postsByID[postID].Title }

	// Their posts and comments, with the texts they replaced.
	histories := map[string][]posts.Revision{}
	history := func(postID string) ([]posts.Revision, error) {
		if h, ok := histories[postID]; ok {
			return h, nil
		}
		h, err := s.Posts().History(ctx, postID)
		histories[postID] = h
		return h, err
	}
	revisions := func(postID, commentID string) ([]members.ExportedRevision, error) {
		h, err := history(postID)
		out := []members.ExportedRevision{}
		for _, r := range h {
			if r.CommentID == commentID {
				out = append(out, members.ExportedRevision{Title: r.Title, Body: r.Body, EditedAt: r.EditedAt})
			}
		}
		return out, err
	}
	for _, p := range postsByID {
		if p.AuthorID != memberID {
			continue
		}
		revs, err := revisions(p.ID, "")
		if err != nil {
			return fail(err)
		}
		e := members.ExportedPost{ID: p.ID, SpaceID: p.SpaceID, SpaceName: p.SpaceName, Kind: p.Kind, Title: p.Title, Body: p.Body,
			IdeaStatus: p.IdeaStatus, CreatedAt: p.CreatedAt, EditedAt: p.EditedAt, ClosesAt: p.ClosesAt, PinnedUntil: p.PinnedUntil,
			Hidden: p.Hidden, Locked: p.Locked, Deleted: p.Deleted, Revisions: revs, Mentions: p.Mentions}
		for _, o := range p.Options {
			e.Options = append(e.Options, o.Label)
		}
		out.Posts = append(out.Posts, e)
	}
	for _, a := range mine {
		postID := postIDOf(a.PK)
		switch a.Type {
		case typeComment:
			c := a.Comment
			revs, err := revisions(c.PostID, c.ID)
			if err != nil {
				return fail(err)
			}
			out.Comments = append(out.Comments, members.ExportedComment{ID: c.ID, PostID: c.PostID, PostTitle: title(c.PostID), ParentID: c.ParentID,
				Body: c.Body, CreatedAt: c.CreatedAt, EditedAt: c.EditedAt, Hidden: c.Hidden, Deleted: c.Deleted, Revisions: revs, Mentions: c.Mentions})
		case typeVote:
			option := a.Option
			for _, o := range postsByID[postID].Options {
				if o.ID == a.Option {
					option = o.Label
				}
			}
			out.Votes = append(out.Votes, members.ExportedVote{PostID: postID, PostTitle: title(postID), Option: option, At: parseTime(a.At)})
		case typeReaction, typeCommentReaction:
			r := members.ExportedReaction{PostID: postID, PostTitle: title(postID), CommentID: a.CommentID, Reaction: a.Reaction}
			if a.At != "" {
				at := parseTime(a.At)
				r.At = &at
			}
			out.Reactions = append(out.Reactions, r)
		case typeReport:
			out.Reports = append(out.Reports, members.ExportedReport{PostID: a.Report.PostID, CommentID: a.Report.CommentID,
				Reason: a.Report.Reason, Note: a.Report.Note, At: a.Report.At})
		}
	}

	// Tickets they opened (with the public replies), public replies they wrote on others'.
	for _, k := range ticketKeys {
		item, ok := found[keyName(k)]
		if !ok {
			continue
		}
		var it ticketItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fail(err)
		}
		t := it.ticket()
		replies, err := s.Tickets().Replies(ctx, t.ID)
		if err != nil {
			return fail(err)
		}
		var public []members.ExportedReply
		for _, r := range replies {
			if r.Internal {
				continue // internal notes are the agents', never the customer's
			}
			if t.RequesterID == memberID || r.AuthorID == memberID {
				public = append(public, exportedReply(t, r))
			}
		}
		if t.RequesterID != memberID {
			out.TicketReplies = append(out.TicketReplies, public...)
			continue
		}
		e := members.ExportedTicket{ID: t.ID, Number: t.Number, SpaceID: t.SpaceID, SpaceName: t.SpaceName, Subject: t.Subject, Product: t.Product,
			Severity: t.Severity, Body: t.Body, Status: t.Status, Attachments: attachmentNames(t.Attachments), CreatedAt: t.CreatedAt,
			SolvedAt: t.SolvedAt, Replies: append([]members.ExportedReply{}, public...)}
		if t.Rating != nil {
			e.Rating = &members.ExportedRating{Good: t.Rating.Good, Comment: t.Rating.Comment, At: t.Rating.At}
		}
		out.Tickets = append(out.Tickets, e)
	}

	// Invitations they sent (an expired one past its keeping time is gone).
	now := time.Now()
	for _, k := range inviteKeys {
		item, ok := found[keyName(k)]
		if !ok {
			continue
		}
		var it invitationItem
		if err := attributevalue.UnmarshalMap(item, &it); err != nil {
			return fail(err)
		}
		inv := it.invitation()
		if inv.InviterID != memberID {
			continue
		}
		out.Invitations = append(out.Invitations, members.ExportedInvitation{ID: inv.ID, Kind: inv.Kind, Email: inv.Email, Roles: nonNil(inv.Roles),
			Message: inv.Message, State: inv.State(now), Uses: inv.Uses, MaxUses: inv.MaxUses, CreatedAt: inv.CreatedAt, ValidUntil: inv.ValidUntil,
			RevokedAt: inv.RevokedAt})
	}

	spacesOf, err := s.Spaces().MySpaces(ctx, memberID)
	if err != nil {
		return fail(err)
	}
	for _, m := range spacesOf {
		out.Spaces = append(out.Spaces, members.ExportedMembership{SpaceID: m.SpaceID, SpaceName: m.SpaceName, Status: m.Status, Role: m.Role, Since: m.JoinedAt})
	}

	slices.SortFunc(out.Posts, func(a, b members.ExportedPost) int { return a.CreatedAt.Compare(b.CreatedAt) })
	slices.SortFunc(out.Comments, func(a, b members.ExportedComment) int { return a.CreatedAt.Compare(b.CreatedAt) })
	slices.SortFunc(out.Votes, func(a, b members.ExportedVote) int { return a.At.Compare(b.At) })
	slices.SortFunc(out.Reactions, func(a, b members.ExportedReaction) int {
		return cmp.Or(cmp.Compare(timeOf(a.At), timeOf(b.At)), cmp.Compare(a.PostID+a.CommentID+a.Reaction, b.PostID+b.CommentID+b.Reaction))
	})
	slices.SortFunc(out.Reports, func(a, b members.ExportedReport) int { return a.At.Compare(b.At) })
	slices.SortFunc(out.Tickets, func(a, b members.ExportedTicket) int { return a.CreatedAt.Compare(b.CreatedAt) })
	slices.SortFunc(out.TicketReplies, func(a, b members.ExportedReply) int { return a.CreatedAt.Compare(b.CreatedAt) })
	slices.SortFunc(out.Invitations, func(a, b members.ExportedInvitation) int { return a.CreatedAt.Compare(b.CreatedAt) })
	slices.SortFunc(out.Spaces, func(a, b members.ExportedMembership) int { return a.Since.Compare(b.Since) })
	return out, nil
}

func exportedReply(t tickets.Ticket, r tickets.Reply) members.ExportedReply {
	return members.ExportedReply{TicketID: t.ID, TicketNumber: t.Number, ID: r.ID, AuthorName: r.AuthorName, FromAgent: r.FromAgent,
		Automatic: r.Automatic, Body: r.Body, Attachments: attachmentNames(r.Attachments), CreatedAt: r.CreatedAt}
}

func attachmentNames(list []tickets.Attachment) []string {
	out := make([]string, 0, len(list))
	for _, a := range list {
		out = append(out, a.Name)
	}
	return out
}

// parseTime reads an RFC 3339 time written by this package (zero if absent).
func parseTime(s string) time.Time {
	t, _ := time.Parse(time.RFC3339Nano, s)
	return t
}

func timeOf(t *time.Time) int64 {
	if t == nil {
		return 0
	}
	return t.UnixNano()
}

// MigrateActivityIndex gives the comments, votes, reactions and reports an older
// release wrote their place among their member's acts (GSI1 ACTS#<member>), so that the
// export finds them. Each item is updated only if it has no GSI1 key yet, so running it
// again changes nothing. It returns the items it indexed.
//
// These items are found by their post (or reported content) only, so this reads the
// table with a Scan filtered on Type: once, in a migration, never on a request path.
func (s *Store) MigrateActivityIndex(ctx context.Context) (int, error) {
	in := &dynamodb.ScanInput{
		FilterExpression:         aws.String("#t IN (:c, :v, :r, :cr, :rep) AND attribute_not_exists(" + AttrGSI1PK + ")"),
		ProjectionExpression:     aws.String(keysOnly + ", #t, AuthorID, MemberID, ReporterID"),
		ExpressionAttributeNames: map[string]string{"#t": AttrType},
		ExpressionAttributeValues: map[string]types.AttributeValue{
			":c": &types.AttributeValueMemberS{Value: typeComment}, ":v": &types.AttributeValueMemberS{Value: typeVote},
			":r": &types.AttributeValueMemberS{Value: typeReaction}, ":cr": &types.AttributeValueMemberS{Value: typeCommentReaction},
			":rep": &types.AttributeValueMemberS{Value: typeReport}}}
	indexed := 0
	err := s.scanEach(ctx, "store.MigrateActivityIndex", in, func(page []item) error {
		for _, item := range page {
			var it struct{ PK, SK, Type, AuthorID, MemberID, ReporterID string }
			if err := attributevalue.UnmarshalMap(item, &it); err != nil {
				return fmt.Errorf("store.MigrateActivityIndex: %w", err)
			}
			who := cmp.Or(it.AuthorID, it.MemberID, it.ReporterID)
			if who == "" {
				continue
			}
			_, err := s.DB.UpdateItem(ctx, &dynamodb.UpdateItemInput{TableName: aws.String(s.Table), Key: key(it.PK, it.SK),
				UpdateExpression:    aws.String("SET " + setGSI1(":pk", ":sk")),
				ConditionExpression: aws.String(itemExists + " AND attribute_not_exists(" + AttrGSI1PK + ")"),
				ExpressionAttributeValues: map[string]types.AttributeValue{
					":pk": &types.AttributeValueMemberS{Value: actsPK(who)}, ":sk": &types.AttributeValueMemberS{Value: actsSK(it.PK, it.SK)}}})
			var failed *types.ConditionalCheckFailedException
			switch {
			case errors.As(err, &failed):
				continue // deleted, or indexed, meanwhile
			case err != nil:
				return fmt.Errorf("store.MigrateActivityIndex: %w", err)
			}
			indexed++
		}
		return nil
	})
	return indexed, err
}
