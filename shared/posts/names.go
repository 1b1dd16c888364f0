package posts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"sync"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/text"
)

// Mentions by name. A text stores a stable reference to each member it mentions,
// "@m_<id>" (content/mentions.go), and every place that shows the text shows the
// member's name as it is now: the page (Post.HTML, Comment.HTML), excerpts in streams and
// lists, titles in notifications and emails, the edit box (Post.Mentions: the client
// shows "@Name" and maps it back to the reference), the history. Each text keeps the
// names it was rendered with (Mentions); every answer reads the names as they are now,
// in one batched read for all the texts it shows, and renders again only a text whose
// names changed (a rename, an account deleted). See docs/decisions.md, "Issue 10:
// mentions by name and excerpts".

// Limits of mentions.
const (
	// MaxNamedMentions bounds the members one text mentions (each is shown by name,
	// read on every answer that shows the text): a text mentioning more is refused.
	MaxNamedMentions = 50
	// MaxMentionChoices bounds the members the composer offers for one query, and
	// mentionCandidates the directory entries it looks at to find them.
	MaxMentionChoices = 8
	mentionCandidates = 20
	maxMentionQuery   = 60
)

// Errors of mentions.
var (
	ErrTooManyMentions = errs.InvalidField("body", "too_many_mentions", "A text mentions at most 50 members.")
	ErrMentionQuery    = errs.InvalidField("q", "invalid_mention_query", "Type 1 to 60 characters of a member's name.")
)

// Names reads members' display names as they are now.
type Names interface {
	// MemberNames returns the display name of each member id, "" for an id of no
	// member or of a deleted member (shown "@Deleted member"); every id is in the map.
	MemberNames(ctx context.Context, ids []string) (map[string]string, error)
	// Authors returns each member id's name and avatar as they are now (the zero Author
	// for an id of no member or of a deleted member); every id is in the map.
	Authors(ctx context.Context, ids []string) (map[string]Author, error)
}

// Author is what a byline shows of a member as they are now.
type Author struct {
	Name      string
	HasAvatar bool
	// Staff: the member holds a staff role now (policy.IsStaff).
	Staff bool
}

// Directory finds members by name (the member directory, through the app).
type Directory interface {
	// FindMembers returns up to limit active members whose name matches q, as the
	// directory's search does.
	FindMembers(ctx context.Context, q string, limit int) ([]MentionChoice, error)
}

// MentionChoice is a member the composer offers to mention. Two members may have the
// same name: their expertise tags (shown with the name) tell them apart, when they have
// some.
type MentionChoice struct {
	ID          string   `json:"id"`
	DisplayName string   `json:"displayName"`
	Expertise   []string `json:"expertise"`
	HasAvatar   bool     `json:"hasAvatar"`
}

// MentionChoices is what the composer's @ list shows.
type MentionChoices struct {
	Members []MentionChoice `json:"members"`
}

// named is a text whose mentions show members by name (content.Named).
type named = content.Named

// showNames brings the names texts show up to date: one read of the names for all of
// them (none when no text mentions anyone), and a new rendering of a page only when a
// name it shows changed.
func (s *Service) showNames(ctx context.Context, texts []named) error {
	return content.ShowNamesNow(ctx, texts, s.Store.MemberNames)
}

// showPostNames shows posts' mentions by the names as they are now.
func (s *Service) showPostNames(ctx context.Context, list ...*Post) error {
	texts := make([]named, len(list))
	for i, p := range list {
		texts[i] = named{Body: p.Body, HTML: &p.HTML, Names: &p.Mentions}
	}
	return s.showNames(ctx, texts)
}

// showCommentNames shows comments' mentions by the names as they are now.
func (s *Service) showCommentNames(ctx context.Context, list []Comment) error {
	texts := make([]named, len(list))
	for i := range list {
		texts[i] = named{Body: list[i].Body, HTML: &list[i].HTML, Names: &list[i].Mentions}
	}
	return s.showNames(ctx, texts)
}

// showPost shows a post as it is now: its mentions' names and its author's name (an
// author renamed since shows the new name, as comments do; one deleted since shows as
// deleted), in one read of the members for both. It returns the author as they are now
// (the zero Author for a deleted one), whose Staff decides what a space moderator may do.
func (s *Service) showPost(ctx context.Context, p *Post) (Author, error) {
	var author Author
	read := false
	lookup := func(ctx context.Context, ids []string) (map[string]string, error) {
		all := ids
		if !p.AuthorDeleted && !slices.Contains(ids, p.AuthorID) {
			all = append(slices.Clone(ids), p.AuthorID)
		}
		got, err := s.Store.Authors(ctx, all)
		if err != nil {
			return nil, err
		}
		read, author = true, got[p.AuthorID]
		names := make(map[string]string, len(ids))
		for _, id := range ids {
			names[id] = got[id].Name
		}
		return names, nil
	}
	if err := content.ShowNamesNow(ctx, []named{{Body: p.Body, HTML: &p.HTML, Names: &p.Mentions}}, lookup); err != nil {
		return Author{}, err
	}
	if p.AuthorDeleted {
		return Author{}, nil
	}
	if !read {
		got, err := s.Store.Authors(ctx, []string{p.AuthorID})
		if err != nil {
			return Author{}, err
		}
		author = got[p.AuthorID]
	}
	if author.Name == "" {
		p.AuthorName, p.AuthorDeleted, p.AuthorStaff = auth.DeletedName, true, false
	} else {
		p.AuthorName = author.Name
	}
	return author, nil
}

// showComments shows comments as they are now to the actor: their mentions' names, and
// their authors' names and avatars (an author renamed since shows the new name; one
// deleted since shows as deleted, as the erasure will store), and what the actor may do
// to each (CanEdit, CanDelete, CanHide: access is the actor's access to the post's space,
// locked whether the thread is locked). One batched read of the authors for the whole
// thread; avatars only for signed-in readers, who may load them.
func (s *Service) showComments(ctx context.Context, actor auth.Principal, list []Comment, access SpaceAccess, locked bool) error {
	if err := s.showCommentNames(ctx, list); err != nil {
		return err
	}
	var ids []string
	for _, c := range list {
		if !c.AuthorDeleted && !c.Withheld && !slices.Contains(ids, c.AuthorID) {
			ids = append(ids, c.AuthorID)
		}
	}
	authors := map[string]Author{}
	if len(ids) > 0 {
		var err error
		if authors, err = s.Store.Authors(ctx, ids); err != nil {
			return err
		}
	}
	for i := range list {
		c := &list[i]
		if c.AuthorDeleted || c.Withheld {
			c.setRights(actor, false, access, locked)
			continue
		}
		a := authors[c.AuthorID]
		if a.Name == "" {
			c.AuthorName, c.AuthorDeleted, c.AuthorStaff = auth.DeletedName, true, false
			c.setRights(actor, false, access, locked)
			continue
		}
		c.AuthorName, c.AuthorAvatar = a.Name, a.HasAvatar && actor.MemberID != ""
		c.setRights(actor, a.Staff, access, locked)
	}
	return nil
}

// setRights says what the actor may do to the comment (the rules of Comments.Edit,
// Delete and Moderation.SetCommentHidden); staffNow: its author is staff now.
func (c *Comment) setRights(actor auth.Principal, staffNow bool, access SpaceAccess, locked bool) {
	if c.Deleted || c.Withheld || actor.MemberID == "" {
		c.CanEdit, c.CanDelete, c.CanHide = false, false, false
		return
	}
	change := mayChange(actor, c.AuthorID, c.AuthorStaff || staffNow, access)
	c.CanEdit, c.CanDelete, c.CanHide = change && (!locked || access.Moderate), change, access.Moderate
}

// showSummaryNames makes a page's excerpts show the names as they are now. A summary
// keeps the names its excerpt was made with; one read of the names tells which are
// out of date (rare: after a rename or an account deletion), and only those are made
// again, from their post (one read each) as it is now.
func (s *Service) showSummaryNames(ctx context.Context, page *Page) error {
	var list []*Summary
	for i := range page.Pinned {
		list = append(list, &page.Pinned[i])
	}
	for i := range page.Posts {
		list = append(list, &page.Posts[i])
	}
	var all []string
	for _, sum := range list {
		for id := range sum.Mentions {
			if !slices.Contains(all, id) {
				all = append(all, id)
			}
		}
	}
	if len(all) == 0 {
		return nil
	}
	current, err := s.Store.MemberNames(ctx, all)
	if err != nil {
		return err
	}
	for _, sum := range list {
		stale := false
		for id, name := range sum.Mentions {
			stale = stale || current[id] != name
		}
		if !stale {
			continue
		}
		p, err := s.Store.GetPost(ctx, sum.ID)
		if errs.Is(err, errs.ErrNotFound.Code) {
			continue
		}
		if err != nil {
			return err
		}
		if err := s.showPostNames(ctx, &p); err != nil {
			return err
		}
		fresh := p.Summary()
		sum.Title, sum.Excerpt, sum.Mentions = fresh.Title, fresh.Excerpt, fresh.Mentions
	}
	return nil
}

// names reads the names of the members a text mentions (none: no read).
func (s *Service) names(ctx context.Context, ids []string) (map[string]string, error) {
	if len(ids) == 0 {
		return nil, nil
	}
	return s.Store.MemberNames(ctx, ids)
}

// MentionChoices offers the members the actor may mention in a space whose name
// matches q (the member directory's search): members who may read the space (a
// mention tells only them), not the actor, not banned, at most MaxMentionChoices of the
// first mentionCandidates the directory finds. The actor must be able to post there.
// Cost: one directory query and, for each candidate, concurrently, what Mentionable
// reads (the member, the space and their membership).
func (s *Service) MentionChoices(ctx context.Context, actor auth.Principal, spaceID, q string) (MentionChoices, error) {
	q, err := text.Line("q", q)
	if err != nil || q == "" || utf8.RuneCountInString(q) > maxMentionQuery {
		return MentionChoices{}, fmt.Errorf("posts.MentionChoices: %w", ErrMentionQuery)
	}
	access, err := s.Spaces.Access(ctx, actor, spaceID)
	if err == nil && !access.Post {
		err = access.Denied
	}
	if err != nil {
		return MentionChoices{}, fmt.Errorf("posts.MentionChoices: %w", err)
	}
	out := MentionChoices{Members: []MentionChoice{}}
	if s.Directory == nil {
		return out, nil
	}
	found, err := s.Directory.FindMembers(ctx, q, mentionCandidates)
	if err != nil {
		return MentionChoices{}, fmt.Errorf("posts.MentionChoices: %w", err)
	}
	found = slices.DeleteFunc(found, func(c MentionChoice) bool { return c.ID == actor.MemberID })
	may := make([]bool, len(found))
	failures := make([]error, len(found))
	var wg sync.WaitGroup
	for i, c := range found {
		wg.Go(func() {
			_, may[i], failures[i] = s.Spaces.Mentionable(ctx, c.ID, spaceID)
		})
	}
	wg.Wait()
	if err := errors.Join(failures...); err != nil {
		return MentionChoices{}, fmt.Errorf("posts.MentionChoices: %w", err)
	}
	for i, c := range found {
		if may[i] && len(out.Members) < MaxMentionChoices {
			out.Members = append(out.Members, c)
		}
	}
	return out, nil
}
