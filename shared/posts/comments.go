package posts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"slices"
	"strings"
	"time"
	"unicode/utf8"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/text"
)

// MaxCommentRunes bounds a comment.
const MaxCommentRunes = 10000

// Comment is a comment on a post, or (ParentID set) a reply to a top-level comment.
type Comment struct {
	ID         string     `json:"id"`
	PostID     string     `json:"postId"`
	ParentID   string     `json:"parentId,omitempty"`
	Body       string     `json:"body"`
	HTML       string     `json:"html"`
	AuthorID   string     `json:"authorId"`
	AuthorName string     `json:"authorName"`
	CreatedAt  time.Time  `json:"createdAt"`
	EditedAt   *time.Time `json:"editedAt,omitempty"`
	// AuthorDeleted, AuthorStaff: as Post's.
	AuthorDeleted bool `json:"authorDeleted,omitempty"`
	AuthorStaff   bool `json:"authorStaff,omitempty"`
	// AuthorAvatar: the author has an avatar the reader may load
	// (/api/members/{authorId}/avatar, for signed-in readers); answered, not stored.
	AuthorAvatar bool `json:"authorAvatar,omitempty"`
	// Mentions: as Post's.
	Mentions map[string]string `json:"mentions,omitempty"`
	// Deleted comments keep their place in the thread, without their text; hidden ones
	// show only to their author and moderators.
	Deleted bool `json:"deleted,omitempty"`
	Hidden  bool `json:"hidden,omitempty"`
	// ArticleID: this accepted answer was turned into a knowledge-base article (issue
	// 16; the post page says "This answer is now an article"). The article stays if the
	// answer is later unaccepted or hidden.
	ArticleID string `json:"articleId,omitempty"`
	// Reactions counts each reaction (the store keeps one counter per reaction); the
	// viewer's own are in MyReactions. Lists answer them; an edit's answer does not
	// (it reads the comment alone).
	Reactions   map[string]int `json:"reactions,omitempty"`
	MyReactions []string       `json:"myReactions,omitempty"`
	// Withheld: a hidden comment the reader may not see that has replies they may: it
	// keeps its place (id, time) without its author or text, so its replies show under
	// "This comment was hidden by a moderator." Answered, not stored.
	Withheld bool `json:"withheld,omitempty"`
	// CanEdit, CanDelete, CanHide: what the reader may do to it now (as Post's);
	// answered, not stored.
	CanEdit   bool `json:"canEdit,omitempty"`
	CanDelete bool `json:"canDelete,omitempty"`
	CanHide   bool `json:"canHide,omitempty"`
}

// NewComment is what the comment box sends.
type NewComment struct {
	Body string `json:"body"`
	// ParentID replies to a top-level comment (one level of replies).
	ParentID string `json:"parentId,omitempty" format:"id"`
}

// Thread is a post's comments, oldest first.
type Thread struct {
	Comments []Comment `json:"comments"`
	// Next is the cursor of the next page of comments, when a page was asked for
	// (?cursor=, the post page) and more follow.
	Next string `json:"next,omitempty"`
}

// CommentPage is the number of comments the post page shows first.
const CommentPage = 100

// PostPage is the post page in one answer: the post with the caller's vote and
// reactions, and the first page of its comments with the caller's own reactions.
type PostPage struct {
	Post     Post      `json:"post"`
	Comments []Comment `json:"comments"`
	// Next is the cursor of the comments' next page (GET /api/posts/{id}/comments?cursor=),
	// "" when they all came.
	Next string `json:"next,omitempty"`
}

// Errors of comments and answers.
var (
	ErrComment     = errs.InvalidField("body", "invalid_comment", "Write something: at most 10,000 characters.")
	ErrParent      = errs.InvalidField("parentId", "invalid_parent", "Reply to a comment of this post (replies have one level).")
	ErrNotQuestion = errs.New(errs.Conflict, "not_a_question", "Only a question has an accepted answer.")
	ErrNotAsker    = errs.New(errs.Forbidden, "not_the_asker", "Only the person who asked, or a moderator, can accept an answer.")
	ErrNoComment   = errs.New(errs.NotFound, "comment_not_found", "There is no such comment on this post.")
	// ErrHiddenAnswer: a hidden comment cannot be the accepted answer (told to those who
	// see it: moderators and its author).
	ErrHiddenAnswer = errs.New(errs.Conflict, "hidden_answer", "A hidden comment cannot be the accepted answer: restore it first.")
)

// CommentStore is what comments need from storage.
type CommentStore interface {
	// AddComment writes the comment, adds one to the post's count and records
	// comment.created, in one transaction, under the rate-limit hits.
	AddComment(ctx context.Context, c Comment, events []eventtypes.Envelope, hits []ratelimit.Hit) error
	GetComment(ctx context.Context, postID, commentID string) (Comment, error)
	// Comments lists a post's comments with their reaction counts and the member's own.
	Comments(ctx context.Context, postID, memberID string) ([]Comment, error)
	// CommentPage lists at most limit comments from a cursor ("" the first), as Comments
	// does, and the cursor of the next page ("" after the last).
	CommentPage(ctx context.Context, postID, memberID, cursor string, limit int) ([]Comment, string, error)
	// PostPage reads a post as PostFor does and the first page of its comments as
	// CommentPage does (errs.ErrNotFound when there is no post); the store may read
	// ahead, in the same round trip, what the page reads next (the space's access, the
	// names the page shows).
	PostPage(ctx context.Context, postID, memberID string, limit int) (Post, []Comment, string, error)
	// ReactToComment adds (or takes back) a member's reaction and its count, together.
	ReactToComment(ctx context.Context, c Comment, memberID, reaction string, add bool, events ...eventtypes.Envelope) error
	// AcceptAnswer marks a comment as a question's answer (p is the question with it),
	// takes the question out of the unanswered list, rewrites its stream entries and
	// records answer.accepted (ErrUnchanged, writing nothing, when it is the accepted
	// answer already).
	AcceptAnswer(ctx context.Context, p Post, commentID string, event eventtypes.Envelope) error
	// EditComment replaces a comment's text (and the names its mentions were rendered
	// with), keeps the previous one in the history and records events (the
	// member.mentioned events of the members the edit newly mentions), in one transaction.
	EditComment(ctx context.Context, c Comment, previous Revision, events []eventtypes.Envelope) error
	// CommentHistory lists the revisions of one comment of a post, oldest first.
	CommentHistory(ctx context.Context, postID, commentID string) ([]Revision, error)
	// DeleteComment empties a comment and takes one from the post's count (a hidden
	// comment was taken already); an accepted answer is withdrawn with it (ErrUnchanged,
	// writing nothing, when it is deleted already).
	DeleteComment(ctx context.Context, c Comment, entry audit.Entry, withdrawn *Withdrawal, events ...eventtypes.Envelope) error
}

// Withdrawal is a question losing its accepted answer because the answer was hidden or
// deleted: the question as it is after (unanswered again: back in the unanswered list,
// its stream entries rewritten) and post.updated for the home-stream copies.
type Withdrawal struct {
	Post   Post
	Answer string
	Event  eventtypes.Envelope
}

// withdrawal returns the withdrawal of p's accepted answer if it is commentID, or nil.
func withdrawal(p Post, commentID, by string, now time.Time) (*Withdrawal, error) {
	if p.AcceptedAnswer == "" || p.AcceptedAnswer != commentID {
		return nil, nil
	}
	p.AcceptedAnswer = ""
	event, err := updatedEvent(p, eventtypes.PostAnswerWithdrawn, by, now)
	if err != nil {
		return nil, err
	}
	return &Withdrawal{Post: p, Answer: commentID, Event: event}, nil
}

// Comments is commenting and accepting answers.
type Comments struct {
	Posts *Service
	Store CommentStore
}

// Add comments on a post the actor may post in (the post's space).
func (c *Comments) Add(ctx context.Context, actor auth.Principal, postID string, n NewComment) (Comment, error) {
	body, err := text.Body("body", n.Body)
	if err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	n.Body = body
	if l := utf8.RuneCountInString(n.Body); l < 1 || l > MaxCommentRunes {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", ErrComment)
	}
	p, access, err := c.Posts.live(ctx, actor, postID)
	if err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	if !access.Post {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", access.Denied)
	}
	if p.Locked && !access.Moderate {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", ErrLocked)
	}
	var parentAuthor string
	if n.ParentID != "" {
		parent, err := c.Store.GetComment(ctx, postID, n.ParentID)
		if err != nil || parent.ParentID != "" || parent.Deleted || !commentShown(parent, actor.MemberID, access) {
			return Comment{}, fmt.Errorf("posts.AddComment: %w", ErrParent)
		}
		parentAuthor = parent.AuthorID
	}
	if err := c.Posts.checkImages(ctx, p.SpaceID, n.Body, ""); err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	html, names, readers, err := c.Posts.render(ctx, actor, p.SpaceID, n.Body)
	if err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	author, hits, err := c.Posts.brakes(ctx, actor, n.Body)
	if err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	now := c.Posts.Now().UTC()
	cm := Comment{ID: "c_" + strings.ToLower(rand.Text()), PostID: postID, ParentID: n.ParentID, Body: n.Body, HTML: html,
		AuthorID: actor.MemberID, AuthorName: author, AuthorStaff: policy.IsStaff(actor.Roles), CreatedAt: now, Mentions: names}
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.Wrap(eventtypes.CommentCreated{Meta: meta,
		CommentID: cm.ID, PostID: postID, PostTitle: postTitle(p), PostAuthorID: p.AuthorID, ParentID: n.ParentID,
		ParentAuthorID: parentAuthor, AuthorID: cm.AuthorID, AuthorName: author})
	if err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	mentions, err := c.Posts.mentionEvents(readers, eventtypes.MemberMentioned{PostID: p.ID, PostTitle: postTitle(p),
		CommentID: cm.ID, AuthorID: cm.AuthorID, AuthorName: author})
	if err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	if err := c.Store.AddComment(ctx, cm, append([]eventtypes.Envelope{event}, mentions...), hits); err != nil {
		return Comment{}, fmt.Errorf("posts.AddComment: %w", err)
	}
	return cm, nil
}

// List returns a post's comments, if the actor may read the post.
func (c *Comments) List(ctx context.Context, actor auth.Principal, postID string) (Thread, error) {
	return c.ListFrom(ctx, actor, postID, "")
}

// ListFrom returns a post's comments, if the actor may read the post: all of them
// without a cursor, otherwise the page after the cursor (and the next one's cursor).
func (c *Comments) ListFrom(ctx context.Context, actor auth.Principal, postID, cursor string) (Thread, error) {
	p, access, err := c.Posts.load(ctx, actor, postID)
	if err != nil {
		return Thread{}, fmt.Errorf("posts.Comments: %w", err)
	}
	var list []Comment
	var next string
	if cursor == "" {
		list, err = c.Store.Comments(ctx, postID, actor.MemberID)
	} else {
		list, next, err = c.Store.CommentPage(ctx, postID, actor.MemberID, cursor, CommentPage)
	}
	if err != nil {
		return Thread{}, fmt.Errorf("posts.Comments: %w", err)
	}
	shown, err := c.visibleComments(ctx, actor, access, p.Locked, list)
	if err != nil {
		return Thread{}, fmt.Errorf("posts.Comments: %w", err)
	}
	return Thread{Comments: shown, Next: next}, nil
}

// visibleComments is what the actor sees of comments: hidden ones only if they moderate the
// space or wrote them, deleted ones without their text, names as they are now, with what
// the actor may do to each (locked: the thread is). A hidden comment the actor may not
// see but whose replies they may (in the same list) stays as a placeholder (Withheld: no
// author, no text), so no reply shows without its place in the thread.
func (c *Comments) visibleComments(ctx context.Context, actor auth.Principal, access SpaceAccess, locked bool, list []Comment) ([]Comment, error) {
	if list == nil {
		list = []Comment{}
	}
	withheld := func(cm Comment) bool { return !commentShown(cm, actor.MemberID, access) }
	parents := map[string]bool{} // parents of replies the actor sees
	for _, cm := range list {
		if cm.ParentID != "" && !withheld(cm) {
			parents[cm.ParentID] = true
		}
	}
	shown := list[:0]
	for _, cm := range list {
		if withheld(cm) {
			if !parents[cm.ID] {
				continue
			}
			cm = Comment{ID: cm.ID, PostID: cm.PostID, CreatedAt: cm.CreatedAt, Hidden: true, Withheld: true, Deleted: cm.Deleted}
		}
		if cm.Deleted {
			cm.Body, cm.HTML, cm.Mentions = "", "", nil
		}
		shown = append(shown, cm)
	}
	if err := c.Posts.showComments(ctx, actor, shown, access, locked); err != nil {
		return nil, err
	}
	return shown, nil
}

// Page is the post page: the post as Get answers it and the first page of its comments
// as List answers them, in three DynamoDB calls for a signed-in reader (the session
// check, with the post; the comments; the space and the names, read ahead together).
func (c *Comments) Page(ctx context.Context, actor auth.Principal, postID string) (PostPage, error) {
	p, list, next, err := c.Store.PostPage(ctx, postID, actor.MemberID, CommentPage)
	p, access, err := c.Posts.shown(ctx, actor, p, err)
	if err != nil {
		return PostPage{}, fmt.Errorf("posts.Page %s: %w", postID, err)
	}
	comments, err := c.visibleComments(ctx, actor, access, p.Locked, list)
	if err != nil {
		return PostPage{}, fmt.Errorf("posts.Page %s: %w", postID, err)
	}
	return PostPage{Post: p, Comments: comments, Next: next}, nil
}

// Accept marks a top-level comment as the answer to a question: the asker or a
// moderator of the space may.
func (c *Comments) Accept(ctx context.Context, actor auth.Principal, postID, commentID string) (Post, error) {
	p, access, err := c.Posts.live(ctx, actor, postID)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Accept: %w", err)
	}
	if p.Kind != KindQuestion {
		return Post{}, fmt.Errorf("posts.Accept: %w", ErrNotQuestion)
	}
	if p.AuthorID != actor.MemberID && !access.Moderate {
		return Post{}, fmt.Errorf("posts.Accept: %w", ErrNotAsker)
	}
	cm, err := c.Store.GetComment(ctx, postID, commentID)
	if err != nil || cm.ParentID != "" || cm.Deleted || !commentShown(cm, actor.MemberID, access) {
		return Post{}, fmt.Errorf("posts.Accept: %w", ErrNoComment)
	}
	if cm.Hidden {
		// Hidden content is no answer (hiding an accepted answer withdraws it): those who
		// see the comment are told so; to anyone else it does not exist (above).
		return Post{}, fmt.Errorf("posts.Accept: %w", ErrHiddenAnswer)
	}
	if p.AcceptedAnswer == commentID {
		return c.Posts.answer(ctx, actor, postID)
	}
	meta := eventtypes.NewMeta(c.Posts.Now())
	event, err := eventtypes.Wrap(eventtypes.AnswerAccepted{Meta: meta,
		PostID: postID, PostTitle: postTitle(p), CommentID: commentID, AnswerAuthor: cm.AuthorID, AcceptedBy: actor.MemberID,
		PreviousAnswer: p.AcceptedAnswer})
	if err != nil {
		return Post{}, fmt.Errorf("posts.Accept: %w", err)
	}
	p.AcceptedAnswer = commentID
	// Accepted by another request meanwhile (ErrUnchanged): its author is told once.
	if err := c.Store.AcceptAnswer(ctx, p, commentID, event); err != nil && !errors.Is(err, ErrUnchanged) {
		return Post{}, fmt.Errorf("posts.Accept: %w", err)
	}
	return c.Posts.answer(ctx, actor, postID)
}

// comment reads a comment of a post the actor may see, with the actor's rights on it.
func (c *Comments) comment(ctx context.Context, actor auth.Principal, postID, commentID string) (Post, Comment, SpaceAccess, error) {
	p, access, err := c.Posts.live(ctx, actor, postID)
	if err != nil {
		return Post{}, Comment{}, SpaceAccess{}, err
	}
	cm, err := c.Store.GetComment(ctx, postID, commentID)
	if err != nil || cm.Deleted || !commentShown(cm, actor.MemberID, access) {
		return Post{}, Comment{}, SpaceAccess{}, ErrNoComment
	}
	return p, cm, access, nil
}

// commentShown reports whether a member may see a comment: a hidden one only its author
// and moderators (to everyone else it does not exist, whatever route names it).
func commentShown(c Comment, memberID string, access SpaceAccess) bool {
	return !c.Hidden || access.Moderate || c.AuthorID == memberID
}

// Edit changes a comment's text (its author, or a moderator); the previous text goes
// to the history moderators read.
func (c *Comments) Edit(ctx context.Context, actor auth.Principal, postID, commentID string, n NewComment) (Comment, error) {
	body, err := text.Body("body", n.Body)
	if err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	n.Body = body
	if l := utf8.RuneCountInString(n.Body); l < 1 || l > MaxCommentRunes {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", ErrComment)
	}
	p, cm, access, err := c.comment(ctx, actor, postID, commentID)
	if err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	if cm.AuthorID != actor.MemberID && !access.Moderate {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", ErrNotAuthor)
	}
	if err := c.Posts.mayEditAs(ctx, actor, cm.AuthorID, cm.AuthorStaff); err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	if p.Locked && !access.Moderate {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", ErrLocked)
	}
	if n.Body == cm.Body {
		// The same text again (a repeated request): no revision.
		return c.shown(ctx, actor, cm, access, p.Locked)
	}
	if err := c.Posts.checkImages(ctx, p.SpaceID, n.Body, cm.Body); err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	html, names, readers, err := c.Posts.render(ctx, actor, p.SpaceID, n.Body)
	if err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	now := c.Posts.Now().UTC()
	previous := Revision{PostID: postID, CommentID: commentID, Body: cm.Body, EditedBy: actor.MemberID, EditedAt: now}
	cm.Body, cm.HTML, cm.EditedAt, cm.Mentions = n.Body, html, &now, names
	// Members the edit newly mentions are told, as by a new comment.
	mentions, err := c.Posts.newMentionEvents(ctx, actor, previous.Body, readers,
		eventtypes.MemberMentioned{PostID: p.ID, PostTitle: postTitle(p), CommentID: cm.ID})
	if err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	// Search re-reads the comment's text (comment.updated).
	updated, err := eventtypes.Wrap(eventtypes.CommentUpdated{Meta: eventtypes.NewMeta(now), PostID: p.ID, CommentID: cm.ID,
		SpaceID: p.SpaceID, Change: eventtypes.CommentEdited, By: actor.MemberID})
	if err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	err = c.Store.EditComment(ctx, cm, previous, append([]eventtypes.Envelope{updated}, mentions...))
	if errors.Is(err, ErrUnchanged) {
		// The same edit at the same moment made it: one revision, one set of notices.
		err = nil
	}
	if err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	return c.shown(ctx, actor, cm, access, p.Locked)
}

// shown is a comment as an answer shows it to the actor (names and author as they are
// now, what they may do to it).
func (c *Comments) shown(ctx context.Context, actor auth.Principal, cm Comment, access SpaceAccess, locked bool) (Comment, error) {
	list := []Comment{cm}
	if err := c.Posts.showComments(ctx, actor, list, access, locked); err != nil {
		return Comment{}, fmt.Errorf("posts.EditComment: %w", err)
	}
	return list[0], nil
}

// History returns the edit history of one comment, oldest first: readable by whoever
// may read the post's history (space moderators and staff: Editing.History), for a
// comment they may see, deleted or not (as a post's history outlives its deletion).
func (c *Comments) History(ctx context.Context, actor auth.Principal, postID, commentID string) (History, error) {
	_, access, err := c.Posts.load(ctx, actor, postID)
	if err != nil {
		return History{}, fmt.Errorf("posts.CommentHistory: %w", err)
	}
	if !access.Moderate {
		return History{}, fmt.Errorf("posts.CommentHistory: %w", ErrNotModerator)
	}
	if _, err := c.Store.GetComment(ctx, postID, commentID); err != nil {
		return History{}, fmt.Errorf("posts.CommentHistory: %w", ErrNoComment)
	}
	list, err := c.Store.CommentHistory(ctx, postID, commentID)
	if err != nil {
		return History{}, fmt.Errorf("posts.CommentHistory: %w", err)
	}
	if list == nil {
		list = []Revision{}
	}
	texts := make([]named, len(list))
	for i := range list {
		texts[i] = named{Body: list[i].Body, Names: &list[i].Mentions}
	}
	if err := c.Posts.showNames(ctx, texts); err != nil {
		return History{}, fmt.Errorf("posts.CommentHistory: %w", err)
	}
	return History{Revisions: list}, nil
}

// Delete removes a comment's text (its author, or a moderator, which is audited).
func (c *Comments) Delete(ctx context.Context, actor auth.Principal, postID, commentID string) error {
	p, cm, access, err := c.comment(ctx, actor, postID, commentID)
	if err != nil {
		return fmt.Errorf("posts.DeleteComment: %w", err)
	}
	if cm.AuthorID != actor.MemberID && !access.Moderate {
		return fmt.Errorf("posts.DeleteComment: %w", ErrNotAuthor)
	}
	if err := c.Posts.mayEditAs(ctx, actor, cm.AuthorID, cm.AuthorStaff); err != nil {
		return fmt.Errorf("posts.DeleteComment: %w", err)
	}
	now := c.Posts.Now().UTC()
	entry := audit.Entry{At: now, ActorID: actor.MemberID, Action: "comment.delete", TargetType: "comment",
		TargetID: commentID, PostID: postID, SubjectID: cm.AuthorID}
	withdrawn, err := withdrawal(p, commentID, actor.MemberID, now)
	if err != nil {
		return fmt.Errorf("posts.DeleteComment: %w", err)
	}
	deleted, err := eventtypes.Wrap(eventtypes.CommentDeleted{Meta: eventtypes.NewMeta(now), PostID: postID, CommentID: commentID,
		SpaceID: p.SpaceID, AuthorID: cm.AuthorID, DeletedBy: actor.MemberID})
	if err != nil {
		return fmt.Errorf("posts.DeleteComment: %w", err)
	}
	err = c.Store.DeleteComment(ctx, cm, entry, withdrawn, deleted)
	if errors.Is(err, ErrUnchanged) {
		// Deleted by another request meanwhile: as for a second delete, it is gone.
		err = ErrNoComment
	}
	if err != nil {
		return fmt.Errorf("posts.DeleteComment: %w", err)
	}
	return nil
}

// React adds (add true) or takes back one of the actor's reactions to a comment; asking
// for the reaction as it already is writes nothing and answers the thread.
func (c *Comments) React(ctx context.Context, actor auth.Principal, postID, commentID, reaction string, add bool) (Thread, error) {
	if !slices.Contains(Reactions, reaction) {
		return Thread{}, fmt.Errorf("posts.ReactToComment: %w", ErrReaction)
	}
	p, cm, access, err := c.comment(ctx, actor, postID, commentID)
	if err == nil && !access.Post {
		err = access.Denied
	}
	if err != nil {
		return Thread{}, fmt.Errorf("posts.ReactToComment: %w", err)
	}
	var events []eventtypes.Envelope
	if add {
		event, err := eventtypes.Wrap(eventtypes.ReactionAdded{Meta: eventtypes.NewMeta(c.Posts.Now()), PostID: postID, CommentID: commentID,
			SpaceID: p.SpaceID, AuthorID: cm.AuthorID, ReactorID: actor.MemberID, Reaction: reaction})
		if err != nil {
			return Thread{}, fmt.Errorf("posts.ReactToComment: %w", err)
		}
		events = append(events, event)
	}
	if err := reactionSettled(c.Store.ReactToComment(ctx, cm, actor.MemberID, reaction, add, events...), add); err != nil {
		return Thread{}, fmt.Errorf("posts.ReactToComment %s: %w", commentID, err)
	}
	return c.List(ctx, actor, postID)
}
