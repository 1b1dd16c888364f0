package app

import (
	"context"
	"maps"
	"slices"
	"time"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/knowledge"
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
	// articles: who may read a knowledge-base article now (issue 16).
	articles *knowledge.Service
}

func newNotificationSubjects(st *store.Store) notificationSubjects {
	sp := &spaces.Service{Store: st.Spaces()}
	return notificationSubjects{store: st, spaces: spaceAccess{spaces: sp, store: st}, tickets: ticketSpaces{sp}, articles: knowledgeOver(st)}
}

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

// reportTarget is what a report notification is about: the comment, or the post.
func reportTarget(n notifications.Notification) string {
	if n.CommentID != "" {
		return n.CommentID
	}
	return n.PostID
}

// Current implements notifications.Subjects. Cost: one BatchGetItem for every post,
// ticket, actor, reported content and comment pointer the list names, one more for the
// comments, then one access read per distinct space (a reader's inbox names few), and
// at delivery of a space invitation or of the answer to a request the membership.
func (g notificationSubjects) Current(ctx context.Context, reader notifications.Reader, list []notifications.Notification,
	atDelivery bool) ([]notifications.Notification, []bool, error) {
	principal := auth.Principal{MemberID: reader.MemberID, Roles: reader.Roles}
	var postIDs, ticketIDs, actorIDs, reportedIDs []string
	var comments []posts.CommentRef
	for _, n := range list {
		postIDs, ticketIDs, actorIDs = addOnce(postIDs, n.PostID), addOnce(ticketIDs, n.TicketID), addOnce(actorIDs, n.ActorID)
		if n.Kind == notifications.KindReport {
			reportedIDs = addOnce(reportedIDs, reportTarget(n))
		}
		if ref := (posts.CommentRef{PostID: n.PostID, CommentID: n.CommentID}); n.CommentID != "" &&
			(notifications.AboutReadablePost(n.Kind) || n.Kind == notifications.KindContentHidden) &&
			!slices.Contains(comments, ref) {
			comments = append(comments, ref)
		}
	}
	found, err := g.store.NotificationSubjects(ctx, postIDs, ticketIDs, actorIDs, reportedIDs, comments)
	if err != nil {
		return nil, nil, err
	}
	if err := g.currentNames(ctx, found.Posts); err != nil {
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
		p, ok := found.Posts[id]
		if !ok {
			return nil, nil, nil
		}
		access, err := accessTo(p.SpaceID)
		if err != nil || access == nil || !posts.Readable(p, reader.MemberID, *access) {
			return nil, nil, err
		}
		return &p, access, nil
	}
	// commentShown: the comment a notification points at is still there for the reader:
	// not deleted, and not hidden unless they wrote or moderate it.
	commentShown := func(n notifications.Notification, moderate bool) bool {
		c, ok := found.Comments[posts.CommentRef{PostID: n.PostID, CommentID: n.CommentID}]
		return ok && !c.Deleted && (!c.Hidden || moderate || c.AuthorID == reader.MemberID)
	}

	type readableArticle struct {
		may   bool
		title string
	}
	articles := map[string]readableArticle{}
	out := make([]notifications.Notification, len(list))
	ok := make([]bool, len(list))
	for i, n := range list {
		if n.ActorID != "" {
			n.ActorName, n.ActorDeleted = auth.DeletedName, true
			if m, known := found.Members[n.ActorID]; known && m.Status != auth.StatusDeleted {
				n.ActorName, n.ActorDeleted = m.DisplayName, false
			}
		}
		visible, outdated := true, false
		switch {
		case notifications.AboutReadablePost(n.Kind):
			p, access, err := readablePost(n.PostID)
			if err != nil {
				return nil, nil, err
			}
			visible = p != nil && (n.Kind != notifications.KindReport || access.Moderate) && (n.CommentID == "" || commentShown(n, access.Moderate))
			if !visible {
				break
			}
			n.PostTitle = posts.TitleOf(*p)
			// What the notification says must still hold: the answer is still the
			// accepted one, the idea still has that status, the content is still waiting
			// for a moderator.
			switch n.Kind {
			case notifications.KindAnswerAccepted:
				outdated = p.AcceptedAnswer != n.CommentID
			case notifications.KindIdeaStatus:
				outdated = p.IdeaStatus != n.Detail
			case notifications.KindReport:
				since, reported := found.Reported[reportTarget(n)]
				outdated = !reported
				if reported && atDelivery {
					// Moderators hear of a content's reports once until they deal with them:
					// a report after a dismissal starts a new round.
					n.Once = notifications.KindReport + "#" + reportTarget(n) + "#" + since.UTC().Format(time.RFC3339Nano)
				}
			}
		case n.Kind == notifications.KindContentHidden:
			// About the reader's own post or comment, which they still read while it is
			// hidden; it holds while the content stays hidden (restored: outdated).
			p, _, err := readablePost(n.PostID)
			if err != nil {
				return nil, nil, err
			}
			visible = p != nil
			if !visible {
				break
			}
			n.PostTitle = posts.TitleOf(*p)
			if n.CommentID == "" {
				outdated = !p.Hidden
			} else {
				c, found := found.Comments[posts.CommentRef{PostID: n.PostID, CommentID: n.CommentID}]
				visible = found && !c.Deleted && c.AuthorID == reader.MemberID
				outdated = !c.Hidden
			}
		case n.Kind == notifications.KindWarning:
			// A warning is about the member themselves: it always reaches them, naming
			// the post only while they may read it.
			if n.PostID != "" {
				p, _, err := readablePost(n.PostID)
				if err != nil {
					return nil, nil, err
				}
				// Named by its title as it is now (the event carries none), like the
				// other kinds about a post.
				n.PostID, n.PostTitle = "", ""
				if p != nil {
					n.PostID, n.PostTitle = p.ID, posts.TitleOf(*p)
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
			if visible && atDelivery {
				// An invitation declined (or withdrawn) before its notification went out
				// is not announced; one accepted already still is (they joined through it).
				acc, err := g.spaces.spaces.AccessOf(ctx, principal, n.SpaceID)
				if err != nil && !denied(err) {
					return nil, nil, err
				}
				visible = err == nil && acc.Membership != nil &&
					(acc.Membership.Status == spaces.StatusInvited || acc.Membership.Status == spaces.StatusActive)
			}
		case n.Kind == notifications.KindSpaceApproved || n.Kind == notifications.KindSpaceDeclined:
			// The answer to the reader's own request: it names the space as it is now
			// while they may see it (a declined request to a customer space keeps the
			// name its author knew). At delivery it is told only while it still holds:
			// still a member after an approval; after a decline, not asked again,
			// invited or admitted meanwhile (the later news is told instead).
			access, err := accessTo(n.SpaceID)
			if err != nil {
				return nil, nil, err
			}
			if access != nil {
				n.Detail = access.Name
			}
			visible = access != nil || n.Kind == notifications.KindSpaceDeclined
			if visible && atDelivery {
				acc, err := g.spaces.spaces.AccessOf(ctx, principal, n.SpaceID)
				if err != nil && !denied(err) {
					return nil, nil, err
				}
				var m *spaces.Membership
				if err == nil {
					m = acc.Membership
				}
				if n.Kind == notifications.KindSpaceApproved {
					visible = m != nil && m.Status == spaces.StatusActive
				} else {
					visible = m == nil
				}
			}
		case notifications.IsKnowledge(n.Kind):
			// A knowledge-base article: while the reader may read it (published in a
			// place they read, or one they edit), named by its title as it is now; each
			// article read once per list (2 calls: the article, the access to its place).
			got, known := articles[n.ArticleID]
			if !known {
				may, a, err := g.articles.MayRead(ctx, principal, n.ArticleID)
				if err != nil {
					return nil, nil, err
				}
				got = readableArticle{may: may, title: a.Title}
				articles[n.ArticleID] = got
			}
			visible = got.may
			n.PostTitle = got.title
		case n.TicketID != "":
			t, known := found.Tickets[n.TicketID]
			visible = known
			if known {
				sp, err := ticketSpaceOf(t.SpaceID)
				if err != nil {
					return nil, nil, err
				}
				visible = sp != nil && tickets.Readable(*sp, reader.Roles) &&
					(!notifications.ForAgentsOnly(n.Kind) || tickets.IsAgent(reader.Roles))
				n.PostTitle = t.Subject
				// A status the ticket has left again before the notification went out is
				// not announced (the later change is); the inbox keeps each step it told.
				if atDelivery && n.Kind == notifications.KindTicketStatus && t.Status != n.Detail {
					visible = false
				}
			}
		}
		if visible && outdated {
			if atDelivery {
				visible = false
			} else {
				n.Kind = notifications.KindOutdated
			}
		}
		out[i], ok[i] = n, visible
	}
	return out, ok, nil
}

// currentNames makes the posts a list names by their text (those without a title: a
// status is named by the excerpt of its page) show their mentions by the names as they
// are now: one more read of the names, only when such a post mentions someone, and a
// new rendering only of a page whose names changed.
func (g notificationSubjects) currentNames(ctx context.Context, found map[string]posts.Post) error {
	var ids []string
	for _, p := range found {
		if p.Title != "" {
			continue
		}
		for id := range p.Mentions {
			ids = addOnce(ids, id)
		}
	}
	if len(ids) == 0 {
		return nil
	}
	names, err := g.store.MemberNames(ctx, ids)
	if err != nil {
		return err
	}
	for id, p := range found {
		if p.Title != "" || len(p.Mentions) == 0 {
			continue
		}
		current := make(map[string]string, len(p.Mentions))
		for mentioned := range p.Mentions {
			current[mentioned] = names[mentioned]
		}
		if maps.Equal(current, p.Mentions) {
			continue
		}
		page, err := content.RenderMentions(p.Body, current)
		if err != nil {
			return err
		}
		p.Mentions, p.HTML = current, page
		found[id] = p
	}
	return nil
}
