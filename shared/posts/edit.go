package posts

import (
	"context"
	"errors"
	"fmt"
	"time"
	"unicode/utf8"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/text"
)

// Revision is a text as it was before an edit: moderators read the history.
type Revision struct {
	PostID    string    `json:"postId"`
	CommentID string    `json:"commentId,omitempty"`
	Title     string    `json:"title,omitempty"`
	Body      string    `json:"body"`
	EditedBy  string    `json:"editedBy"`
	EditedAt  time.Time `json:"editedAt"`
	// Mentions are the names the body's mentions show, as they are now (answered, not
	// stored): the history shows "@Name" with them.
	Mentions map[string]string `json:"mentions,omitempty"`
}

// History is a post's revisions (its comments' too), oldest first.
type History struct {
	Revisions []Revision `json:"revisions"`
}

// Edit is what the editor sends: a new body and, optionally, a new title (never for a
// status). A title not sent, or sent as null, keeps the post's title.
type Edit struct {
	Title *string `json:"title,omitempty"`
	Body  string  `json:"body"`
}

// EditStore is what editing and deleting posts need from storage.
type EditStore interface {
	// EditPost writes the new text, keeps the previous one, refreshes the post's space
	// and author stream entries and records the event (post.updated: the feed consumer
	// rewrites the home-stream copies), in one transaction.
	// events are post.updated and the member.mentioned events of the members the edit
	// newly mentions, recorded in the same transaction.
	EditPost(ctx context.Context, p Post, previous Revision, events []eventtypes.Envelope) error
	History(ctx context.Context, postID string) ([]Revision, error)
	// DeletePost empties the post, takes it out of its streams and records the event
	// (the feed consumer takes it out of home streams) and the audit entry
	// (ErrUnchanged, writing nothing, when it is deleted already).
	DeletePost(ctx context.Context, p Post, entry audit.Entry, event eventtypes.Envelope) error
}

// Editing is editing and deleting posts.
type Editing struct {
	Posts *Service
	Store EditStore
}

// Edit changes a post's title and body (its author, or a moderator).
func (e *Editing) Edit(ctx context.Context, actor auth.Principal, postID string, ed Edit) (Post, error) {
	p, access, err := e.Posts.live(ctx, actor, postID)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	if p.AuthorID != actor.MemberID && !access.Moderate {
		return Post{}, fmt.Errorf("posts.Edit: %w", ErrNotAuthor)
	}
	if err := e.Posts.mayEditAs(ctx, actor, p.AuthorID, p.AuthorStaff); err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	if p.Locked && !access.Moderate {
		return Post{}, fmt.Errorf("posts.Edit: %w", ErrLocked)
	}
	title := p.Title
	if ed.Title != nil {
		title = *ed.Title
	}
	n := NewPost{Kind: p.Kind, Title: title, Body: ed.Body}
	if err := n.validateText(); err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	if n.Title == p.Title && n.Body == p.Body {
		// The same text again (a repeated request): no revision, no event.
		return e.Posts.answer(ctx, actor, postID)
	}
	if err := e.Posts.checkImages(ctx, p.SpaceID, n.Body, p.Body); err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	html, names, readers, err := e.Posts.render(ctx, actor, p.SpaceID, n.Body)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	now := e.Posts.Now().UTC()
	previous := Revision{PostID: p.ID, Title: p.Title, Body: p.Body, EditedBy: actor.MemberID, EditedAt: now}
	p.Title, p.Body, p.HTML, p.EditedAt, p.Mentions = n.Title, n.Body, html, &now, names
	event, err := updatedEvent(p, eventtypes.PostEdited, actor.MemberID, now)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	// Members the edit newly mentions are told, as by a new post.
	mentions, err := e.Posts.newMentionEvents(ctx, actor, previous.Body, readers, eventtypes.MemberMentioned{PostID: p.ID, PostTitle: postTitle(p)})
	if err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	err = e.Store.EditPost(ctx, p, previous, append([]eventtypes.Envelope{event}, mentions...))
	if errors.Is(err, ErrUnchanged) {
		// The same edit at the same moment made it: one revision, one event.
		err = nil
	}
	if err != nil {
		return Post{}, fmt.Errorf("posts.Edit: %w", err)
	}
	return e.Posts.answer(ctx, actor, postID)
}

// updatedEvent tells the feed consumer that what streams show of a post changed.
func updatedEvent(p Post, change, by string, now time.Time) (eventtypes.Envelope, error) {
	meta := eventtypes.NewMeta(now)
	return eventtypes.Wrap(eventtypes.PostUpdated{Meta: meta,
		PostID: p.ID, SpaceID: p.SpaceID, Change: change, By: by})
}

// validateText checks a title and body for the post's kind.
func (n *NewPost) validateText() error {
	var err error
	if n.Title, err = text.Line("title", n.Title); err != nil {
		return err
	}
	if n.Body, err = text.Body("body", n.Body); err != nil {
		return err
	}
	bodyRunes := utf8.RuneCountInString(n.Body)
	if n.Kind == KindStatus {
		if n.Title != "" {
			return ErrTitle
		}
		if bodyRunes < 1 || bodyRunes > MaxStatusRunes {
			return ErrBody
		}
		return nil
	}
	if err := validTitle(n.Title); err != nil {
		return err
	}
	if (bodyRunes < 1 && n.Kind != KindPoll) || bodyRunes > MaxBodyRunes {
		return ErrBody
	}
	return nil
}

// History returns a post's edit history (space moderators and staff).
func (e *Editing) History(ctx context.Context, actor auth.Principal, postID string) (History, error) {
	_, access, err := e.Posts.load(ctx, actor, postID)
	if err != nil {
		return History{}, fmt.Errorf("posts.History: %w", err)
	}
	if !access.Moderate {
		return History{}, fmt.Errorf("posts.History: %w", ErrNotModerator)
	}
	list, err := e.Store.History(ctx, postID)
	if err != nil {
		return History{}, fmt.Errorf("posts.History: %w", err)
	}
	if list == nil {
		list = []Revision{}
	}
	texts := make([]named, len(list))
	for i := range list {
		texts[i] = named{Body: list[i].Body, Names: &list[i].Mentions}
	}
	if err := e.Posts.showNames(ctx, texts); err != nil {
		return History{}, fmt.Errorf("posts.History: %w", err)
	}
	return History{Revisions: list}, nil
}

// Delete removes a post (its author, or a moderator): its text is emptied and it
// leaves every stream; moderators still see that it existed.
func (e *Editing) Delete(ctx context.Context, actor auth.Principal, postID string) error {
	p, access, err := e.Posts.load(ctx, actor, postID)
	if err != nil {
		return fmt.Errorf("posts.Delete: %w", err)
	}
	if p.AuthorID != actor.MemberID && !access.Moderate {
		return fmt.Errorf("posts.Delete: %w", ErrNotAuthor)
	}
	if err := e.Posts.mayEditAs(ctx, actor, p.AuthorID, p.AuthorStaff); err != nil {
		return fmt.Errorf("posts.Delete: %w", err)
	}
	if p.Deleted {
		return nil
	}
	now := e.Posts.Now().UTC()
	entry := audit.Entry{At: now, ActorID: actor.MemberID, Action: "post.delete", TargetType: "post", TargetID: p.ID, PostID: p.ID, SubjectID: p.AuthorID}
	event, err := moderatedEvent(p, ModerationDeleted, "", "", actor.MemberID, now)
	if err != nil {
		return fmt.Errorf("posts.Delete: %w", err)
	}
	// Deleted by another request meanwhile (ErrUnchanged): logged and told once, there.
	if err := e.Store.DeletePost(ctx, p, entry, event); err != nil && !errors.Is(err, ErrUnchanged) {
		return fmt.Errorf("posts.Delete: %w", err)
	}
	return nil
}
