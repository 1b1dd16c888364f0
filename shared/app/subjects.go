package app

import (
	"context"
	"slices"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/notifications"
	"tribune/shared/posts"
	"tribune/shared/spaces"
	"tribune/shared/store"
	"tribune/shared/tickets"
)

// notificationSubjects decides, from current data, what a notification's reader may see
// of what it is about (notifications.Subjects): at delivery, before anything reaches
// the inbox or a mailbox, and each time the inbox is read. The rule of each kind is in
// docs/decisions.md ("Notifications and access").
type notificationSubjects struct {
	store   *store.Store
	spaces  spaceAccess
	tickets ticketSpaces
}

func newNotificationSubjects(st *store.Store) notificationSubjects {
	sp := &spaces.Service{Store: st}
	return notificationSubjects{store: st, spaces: spaceAccess{spaces: sp, store: st}, tickets: ticketSpaces{sp}}
}

// agentKinds are told to support agents only: someone who is no longer an agent hears
// nothing of them, even about a ticket they may read as a customer.
var agentKinds = []string{notifications.KindTicketOpened, notifications.KindTicketReopened, notifications.KindTicketAssigned,
	notifications.KindTicketBreached}

// postKinds are about a post the reader must still be able to read.
var postKinds = []string{notifications.KindComment, notifications.KindReply, notifications.KindAnswerAccepted,
	notifications.KindMention, notifications.KindIdeaStatus, notifications.KindReport}

func addOnce(list []string, id string) []string {
	if id == "" || slices.Contains(list, id) {
		return list
	}
	return append(list, id)
}

// denied reports whether an access error means "may not" rather than a failure.
func denied(err error) bool {
	e, ok := errs.As(err)
	return ok && (e.Kind == errs.NotFound || e.Kind == errs.Forbidden)
}

// Current implements notifications.Subjects. Cost: one BatchGetItem for every post,
// ticket and actor the list names, then one access read per distinct space (a reader's
// inbox names few), and at delivery the comment (two reads).
func (g notificationSubjects) Current(ctx context.Context, reader notifications.Reader, list []notifications.Notification,
	atDelivery bool) ([]notifications.Notification, []bool, error) {
	principal := auth.Principal{MemberID: reader.MemberID, Roles: reader.Roles}
	var postIDs, ticketIDs, actorIDs []string
	for _, n := range list {
		postIDs, ticketIDs, actorIDs = addOnce(postIDs, n.PostID), addOnce(ticketIDs, n.TicketID), addOnce(actorIDs, n.ActorID)
	}
	postsByID, ticketsByID, actors, err := g.store.NotificationSubjects(ctx, postIDs, ticketIDs, actorIDs)
	if err != nil {
		return nil, nil, err
	}
	spaceAccess := map[string]*posts.SpaceAccess{}
	accessTo := func(spaceID string) (*posts.SpaceAccess, error) {
		if a, ok := spaceAccess[spaceID]; ok {
			return a, nil
		}
		a, err := g.spaces.Access(ctx, principal, spaceID)
		if err != nil && !denied(err) {
			return nil, err
		}
		var got *posts.SpaceAccess
		if err == nil {
			got = &a
		}
		spaceAccess[spaceID] = got
		return got, nil
	}
	ticketSpace := map[string]*tickets.Space{}
	ticketSpaceOf := func(spaceID string) (*tickets.Space, error) {
		if sp, ok := ticketSpace[spaceID]; ok {
			return sp, nil
		}
		sp, err := g.tickets.Space(ctx, principal, spaceID)
		if err != nil && !denied(err) {
			return nil, err
		}
		var got *tickets.Space
		if err == nil {
			got = &sp
		}
		ticketSpace[spaceID] = got
		return got, nil
	}
	// readablePost is the post as the reader may read it now, and their access to its space.
	readablePost := func(id string) (*posts.Post, *posts.SpaceAccess, error) {
		p, ok := postsByID[id]
		if !ok {
			return nil, nil, nil
		}
		access, err := accessTo(p.SpaceID)
		if err != nil || access == nil || !posts.Readable(p, reader.MemberID, *access) {
			return nil, nil, err
		}
		return &p, access, nil
	}

	out := make([]notifications.Notification, len(list))
	ok := make([]bool, len(list))
	for i, n := range list {
		if n.ActorID != "" {
			n.ActorName, n.ActorDeleted = auth.DeletedName, true
			if m, found := actors[n.ActorID]; found && m.Status != auth.StatusDeleted {
				n.ActorName, n.ActorDeleted = m.DisplayName, false
			}
		}
		visible := true
		switch {
		case slices.Contains(postKinds, n.Kind):
			p, access, err := readablePost(n.PostID)
			if err != nil {
				return nil, nil, err
			}
			visible = p != nil && (n.Kind != notifications.KindReport || access.Moderate)
			if visible {
				n.PostTitle = posts.TitleOf(*p)
			}
			if visible && atDelivery && n.CommentID != "" {
				if visible, err = g.commentShown(ctx, reader.MemberID, n.PostID, n.CommentID, access.Moderate); err != nil {
					return nil, nil, err
				}
			}
		case n.Kind == notifications.KindWarning:
			// A warning is about the member themselves: it always reaches them, naming
			// the post only while they may read it.
			if n.PostID != "" {
				p, _, err := readablePost(n.PostID)
				if err != nil {
					return nil, nil, err
				}
				if p == nil {
					n.PostID = ""
				}
			}
		case n.Kind == notifications.KindSpaceInvite:
			access, err := accessTo(n.SpaceID)
			if err != nil {
				return nil, nil, err
			}
			visible = access != nil
			if visible {
				n.Detail = access.Name
			}
		case n.TicketID != "":
			t, found := ticketsByID[n.TicketID]
			visible = found
			if found {
				sp, err := ticketSpaceOf(t.SpaceID)
				if err != nil {
					return nil, nil, err
				}
				visible = sp != nil && tickets.Readable(*sp, reader.Roles) &&
					(!slices.Contains(agentKinds, n.Kind) || tickets.IsAgent(reader.Roles))
				n.PostTitle = t.Subject
			}
		}
		out[i], ok[i] = n, visible
	}
	return out, ok, nil
}

// commentShown reports whether the comment a notification points at is still there for
// the reader: not deleted, and not hidden unless they wrote or moderate it.
func (g notificationSubjects) commentShown(ctx context.Context, readerID, postID, commentID string, moderate bool) (bool, error) {
	c, err := g.store.GetComment(ctx, postID, commentID)
	if errs.Is(err, errs.ErrNotFound.Code) {
		return false, nil
	}
	if err != nil {
		return false, err
	}
	return !c.Deleted && (!c.Hidden || moderate || c.AuthorID == readerID), nil
}
