package posts

import (
	"context"
	"errors"
	"fmt"
	"slices"
	"strings"
	"sync"
	"time"
	"unicode/utf8"

	"tribune/shared/audit"
	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/policy"
	"tribune/shared/text"
)

// Reasons a member may give for a report.
var ReportReasons = []string{"spam", "harassment", "off_topic", "inappropriate", "other"}

// Limits of moderation texts.
const (
	MaxNoteRunes    = 500
	MaxWarningRunes = 1000
	QueuePage       = 30
	AuditPage       = 50
	// MaxQueueNotes bounds the notes shown per queue item (the first ones written).
	MaxQueueNotes = 20
	// QueueScan bounds the store pages of the queue one answer reads to fill a page for
	// a reader who sees only part of it (a space moderator): at most QueueScan*QueuePage
	// items are looked at, and Next lets the reader go on.
	QueueScan = 10
)

// What a post.moderated event reports (the feed consumer acts on each).
const (
	ModerationHidden   = "hidden"
	ModerationRestored = "restored"
	ModerationDeleted  = "deleted"
	ModerationMoved    = "moved"
)

// Errors of moderation.
var (
	ErrReason = errs.InvalidField("reason", "invalid_report_reason", "A reason is spam, harassment, off_topic, inappropriate or other.")
	ErrNote   = errs.InvalidField("note", "invalid_note", "A note has at most 500 characters.")
	// ErrReasonLong: a moderator's reason (hide, restore, lock, unlock, move, dismiss)
	// is the request's reason field, not a report's note.
	ErrReasonLong      = errs.InvalidField("reason", "invalid_reason", "Give a reason of at most 500 characters.")
	ErrWarning         = errs.InvalidField("message", "invalid_warning", "A warning says something, in at most 1,000 characters.")
	ErrAlreadyReported = errs.New(errs.Conflict, "already_reported", "You already reported this.")
	ErrOwnContent      = errs.New(errs.Conflict, "own_content", "You cannot report what you wrote.")
	ErrNoReports       = errs.New(errs.NotFound, "reports_not_found", "Nothing reported about this.")
	// ErrHideReason: hiding needs a reason, which its author is told.
	ErrHideReason = errs.InvalidField("reason", "hide_reason_required", "Say why you hide this: its author is told.")
	// ErrNoModeratedSpace: the queue is for community moderators and the moderators of a space.
	ErrNoModeratedSpace = errs.New(errs.Forbidden, "moderates_no_space", "Only community moderators and the moderators of a space read the moderation queue.")
)

// Report is one member's report of a post or a comment.
type Report struct {
	TargetID   string    `json:"targetId"`
	PostID     string    `json:"postId"`
	CommentID  string    `json:"commentId,omitempty"`
	SpaceID    string    `json:"spaceId"`
	ReporterID string    `json:"reporterId"`
	Reason     string    `json:"reason"`
	Note       string    `json:"note,omitempty"`
	At         time.Time `json:"at"`
}

// QueueItem is reported content waiting for a moderator, with its reports added up.
type QueueItem struct {
	TargetID   string    `json:"targetId"`
	PostID     string    `json:"postId"`
	CommentID  string    `json:"commentId,omitempty"`
	SpaceID    string    `json:"spaceId"`
	SpaceName  string    `json:"spaceName"`
	Title      string    `json:"title"`
	Excerpt    string    `json:"excerpt"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	Reports    int       `json:"reports"`
	Reasons    []string  `json:"reasons"`
	FirstAt    time.Time `json:"firstReportedAt"`
	// AuthorDeleted: as Post's.
	AuthorDeleted bool `json:"authorDeleted,omitempty"`
	// Notes are the reports that say more than a reason (their note), oldest first, at
	// most MaxQueueNotes; read with the queue, never stored on the item.
	Notes []ReportNote `json:"notes,omitempty"`
}

// ReportNote is one member's report as moderators read it in the queue: who, why, and
// what they wrote. ReporterName is the name as it is now ("" with ReporterDeleted once
// their account is deleted).
type ReportNote struct {
	ReporterID      string    `json:"reporterId,omitempty"`
	ReporterName    string    `json:"reporterName"`
	ReporterDeleted bool      `json:"reporterDeleted,omitempty"`
	Reason          string    `json:"reason"`
	Note            string    `json:"note"`
	At              time.Time `json:"at"`
}

// Queue is a page of the moderation queue, oldest report first.
type Queue struct {
	Items []QueueItem `json:"items"`
	Next  string      `json:"next,omitempty"`
}

// ModerationStore is what moderation needs from storage. Every action writes its audit
// entry in the same transaction, and only if it changes something: hiding what is
// hidden, restoring what is shown, locking what is locked, moving a post that is no
// longer where it was read, writes nothing and answers ErrUnchanged.
type ModerationStore interface {
	// FileReport records a report (ErrAlreadyReported for a second one by the same
	// member) and puts the content in the queue, with content.reported.
	FileReport(ctx context.Context, r Report, item QueueItem, event eventtypes.Envelope) error
	ModerationQueue(ctx context.Context, cursor string, limit int) (Queue, error)
	// ReportNotes returns, for each target, up to limit of its reports that carry a
	// note, oldest first (one query a target, run a few at a time).
	ReportNotes(ctx context.Context, targetIDs []string, limit int) (map[string][]Report, error)
	// QueueEntry reads reported content's place in the queue (ErrNoReports when it is not there).
	QueueEntry(ctx context.Context, targetID string) (QueueItem, error)
	// Dismiss takes content out of the queue (ErrNoReports when it is not there).
	Dismiss(ctx context.Context, targetID string, entry audit.Entry) error
	// SetPostHidden hides or restores a post: its stream entries go or come back, and
	// hiding takes it out of the queue; events go in the same transaction.
	SetPostHidden(ctx context.Context, p Post, hidden bool, entry audit.Entry, events ...eventtypes.Envelope) error
	// SetCommentHidden hides or restores a comment: the post's count leaves out hidden
	// comments, an accepted answer hidden is withdrawn, and hiding takes it out of the
	// queue. Nothing changes when the comment is already so. events go in the same
	// transaction.
	SetCommentHidden(ctx context.Context, c Comment, hidden bool, entry audit.Entry, withdrawn *Withdrawal, events ...eventtypes.Envelope) error
	SetLocked(ctx context.Context, postID string, locked bool, entry audit.Entry) error
	// MovePost moves a post and its stream entries to another space.
	MovePost(ctx context.Context, p Post, toID, toName string, entry audit.Entry, event eventtypes.Envelope) error
	// RecordAction writes an audit entry with events (a warning).
	RecordAction(ctx context.Context, entry audit.Entry, events ...eventtypes.Envelope) error
	AuditLog(ctx context.Context, cursor string, limit int) (audit.Page, error)
	// Content reads posts and comments (a comment is keyed by its post and its id) as they
	// are now, in a few batched reads; absent ones are left out.
	Content(ctx context.Context, postIDs []string, comments []CommentRef) (map[string]Post, map[CommentRef]Comment, error)
}

// CommentRef names a comment.
type CommentRef struct{ PostID, CommentID string }

// Moderation is reports, the queue and what moderators do about content.
type Moderation struct {
	Posts    *Service
	Comments *Comments
	Store    ModerationStore
}

// ReportRequest is what the report form sends.
type ReportRequest struct {
	// CommentID reports a comment of the post instead of the post.
	CommentID string `json:"commentId,omitempty" format:"id"`
	Reason    string `json:"reason"`
	Note      string `json:"note,omitempty"`
}

// Report files the actor's report of a post or one of its comments.
func (m *Moderation) Report(ctx context.Context, actor auth.Principal, postID string, req ReportRequest) (Report, error) {
	var err error
	if req.Note, err = text.Body("note", req.Note); err != nil {
		return Report{}, fmt.Errorf("posts.Report: %w", err)
	}
	if !slices.Contains(ReportReasons, req.Reason) {
		return Report{}, fmt.Errorf("posts.Report: %w", ErrReason)
	}
	if utf8.RuneCountInString(req.Note) > MaxNoteRunes {
		return Report{}, fmt.Errorf("posts.Report: %w", ErrNote)
	}
	p, access, err := m.Posts.live(ctx, actor, postID)
	if err != nil {
		return Report{}, fmt.Errorf("posts.Report: %w", err)
	}
	now := m.Posts.Now().UTC()
	item := QueueItem{TargetID: p.ID, PostID: p.ID, SpaceID: p.SpaceID, SpaceName: p.SpaceName, Title: postTitle(p),
		Excerpt: excerpt(p.HTML), AuthorID: p.AuthorID, AuthorName: p.AuthorName, AuthorDeleted: p.AuthorDeleted, FirstAt: now}
	if req.CommentID != "" {
		c, err := m.Comments.Store.GetComment(ctx, postID, req.CommentID)
		if err != nil || c.Deleted || !commentShown(c, actor.MemberID, access) {
			return Report{}, fmt.Errorf("posts.Report: %w", ErrNoComment)
		}
		item.TargetID, item.CommentID, item.Excerpt, item.AuthorID, item.AuthorName = c.ID, c.ID, excerpt(c.HTML), c.AuthorID, c.AuthorName
		item.AuthorDeleted = c.AuthorDeleted
	}
	if item.AuthorID == actor.MemberID {
		return Report{}, fmt.Errorf("posts.Report: %w", ErrOwnContent)
	}
	r := Report{TargetID: item.TargetID, PostID: p.ID, CommentID: item.CommentID, SpaceID: p.SpaceID, ReporterID: actor.MemberID,
		Reason: req.Reason, Note: req.Note, At: now}
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.Wrap(eventtypes.ContentReported{Meta: meta,
		TargetID: r.TargetID, PostID: p.ID, CommentID: r.CommentID, PostTitle: item.Title, SpaceID: p.SpaceID, SpaceName: p.SpaceName,
		ReporterID: actor.MemberID, Reason: r.Reason})
	if err != nil {
		return Report{}, fmt.Errorf("posts.Report: %w", err)
	}
	if err := m.Store.FileReport(ctx, r, item, event); err != nil {
		return Report{}, fmt.Errorf("posts.Report: %w", err)
	}
	return r, nil
}

// Queue is the moderation queue (community moderators; the route's policy decides),
// without what the caller may not read: a community moderator is not staff in a
// customer space, so its reported posts show only to support agents (the space's own
// moderators hear of them by notification). Each item shows the reported content as it
// is now, not as it was reported: an edit that took a password out, a move or an
// author's account deletion shows here too (moderators read the earlier versions in the
// history). Content deleted or gone meanwhile is left out.
//
// Community moderators (policy.ContentModerate) read the queue of every space they
// moderate; a member who moderates spaces by a space role (owner, moderator) reads the
// queue of those spaces only, and anyone else gets ErrNoModeratedSpace (403). As such a
// reader sees only part of the queue, one answer reads up to QueueScan store pages to
// fill its page. Each item carries the reports' notes (Notes), with their authors' names
// as they are now.
func (m *Moderation) Queue(ctx context.Context, actor auth.Principal, cursor string) (Queue, error) {
	if !policy.Allowed(actor.Roles, policy.ContentModerate) {
		ids, err := m.Posts.Spaces.ModeratedSpaces(ctx, actor)
		if err != nil {
			return Queue{}, fmt.Errorf("posts.Queue: %w", err)
		}
		if len(ids) == 0 {
			return Queue{}, fmt.Errorf("posts.Queue: %w", ErrNoModeratedSpace)
		}
	}
	out := Queue{Items: []QueueItem{}}
	for range QueueScan {
		q, err := m.queuePage(ctx, actor, cursor)
		if err != nil {
			return Queue{}, err
		}
		out.Items, out.Next, cursor = append(out.Items, q.Items...), q.Next, q.Next
		if len(out.Items) >= QueuePage || q.Next == "" {
			break
		}
	}
	if err := m.addNotes(ctx, out.Items); err != nil {
		return Queue{}, fmt.Errorf("posts.Queue: %w", err)
	}
	return out, nil
}

// addNotes adds each item's report notes, with their reporters' names as they are now.
func (m *Moderation) addNotes(ctx context.Context, items []QueueItem) error {
	if len(items) == 0 {
		return nil
	}
	targets := make([]string, 0, len(items))
	for _, it := range items {
		targets = append(targets, it.TargetID)
	}
	reports, err := m.Store.ReportNotes(ctx, targets, MaxQueueNotes)
	if err != nil {
		return err
	}
	var reporters []string
	for _, list := range reports {
		for _, r := range list {
			if !slices.Contains(reporters, r.ReporterID) {
				reporters = append(reporters, r.ReporterID)
			}
		}
	}
	if len(reporters) == 0 {
		return nil
	}
	names, err := m.Posts.Store.MemberNames(ctx, reporters)
	if err != nil {
		return err
	}
	for i, it := range items {
		for _, r := range reports[it.TargetID] {
			n := ReportNote{ReporterID: r.ReporterID, ReporterName: names[r.ReporterID], Reason: r.Reason, Note: r.Note, At: r.At}
			if n.ReporterName == "" {
				// A deleted member keeps no name, nor an id to find them by.
				n.ReporterID, n.ReporterDeleted = "", true
			}
			items[i].Notes = append(items[i].Notes, n)
		}
	}
	return nil
}

// queuePage is one store page of the queue, as the reader may see it.
func (m *Moderation) queuePage(ctx context.Context, actor auth.Principal, cursor string) (Queue, error) {
	q, err := m.Store.ModerationQueue(ctx, cursor, QueuePage)
	if err != nil {
		return Queue{}, fmt.Errorf("posts.Queue: %w", err)
	}
	var postIDs []string
	var refs []CommentRef
	for _, it := range q.Items {
		postIDs = append(postIDs, it.PostID)
		if it.CommentID != "" {
			refs = append(refs, CommentRef{PostID: it.PostID, CommentID: it.CommentID})
		}
	}
	postsByID, commentsByRef, err := m.Store.Content(ctx, postIDs, refs)
	if err != nil {
		return Queue{}, fmt.Errorf("posts.Queue: %w", err)
	}
	// Titles and excerpts show mentions by the names as they are now.
	var list []*Post
	for _, p := range postsByID {
		list = append(list, &p)
	}
	var comments []Comment
	var shownRefs []CommentRef
	for ref, c := range commentsByRef {
		comments, shownRefs = append(comments, c), append(shownRefs, ref)
	}
	if err := m.Posts.showPostNames(ctx, list...); err != nil {
		return Queue{}, fmt.Errorf("posts.Queue: %w", err)
	}
	if err := m.Posts.showCommentNames(ctx, comments); err != nil {
		return Queue{}, fmt.Errorf("posts.Queue: %w", err)
	}
	for _, p := range list {
		postsByID[p.ID] = *p
	}
	for i, ref := range shownRefs {
		commentsByRef[ref] = comments[i]
	}
	readable := map[string]bool{}
	items := make([]QueueItem, 0, len(q.Items))
	for _, it := range q.Items {
		p, ok := postsByID[it.PostID]
		if !ok || p.Deleted {
			continue
		}
		it.SpaceID, it.SpaceName, it.Title = p.SpaceID, p.SpaceName, postTitle(p)
		if it.CommentID == "" {
			it.Excerpt, it.AuthorID, it.AuthorName, it.AuthorDeleted = excerpt(p.HTML), p.AuthorID, p.AuthorName, p.AuthorDeleted
		} else {
			c, ok := commentsByRef[CommentRef{PostID: it.PostID, CommentID: it.CommentID}]
			if !ok || c.Deleted {
				continue
			}
			it.Excerpt, it.AuthorID, it.AuthorName, it.AuthorDeleted = excerpt(c.HTML), c.AuthorID, c.AuthorName, c.AuthorDeleted
		}
		// The space the content is in now decides who may read it.
		ok, seen := readable[it.SpaceID]
		if !seen {
			access, err := m.Posts.Spaces.Access(ctx, actor, it.SpaceID)
			if e, coded := errs.As(err); err != nil && (!coded || e.Kind != errs.NotFound) {
				return Queue{}, fmt.Errorf("posts.Queue: %w", err)
			}
			ok = err == nil && access.Read && access.Moderate
			readable[it.SpaceID] = ok
		}
		if ok {
			items = append(items, it)
		}
	}
	q.Items = items
	return q, nil
}

// Reason is a moderator's optional explanation, kept in the audit log.
type Reason struct {
	Reason string `json:"reason,omitempty"`
}

func (r *Reason) validate() error {
	var err error
	if r.Reason, err = text.Body("reason", r.Reason); err != nil {
		return err
	}
	if utf8.RuneCountInString(r.Reason) > MaxNoteRunes {
		return ErrReasonLong
	}
	return nil
}

// required is validate for an action whose reason is told to the content's author
// (hiding): one made of spaces only is none.
func (r *Reason) required() error {
	if err := r.validate(); err != nil {
		return err
	}
	if strings.TrimSpace(r.Reason) == "" {
		return ErrHideReason
	}
	return nil
}

// hiddenEvent tells the author of hidden content why (content.hidden).
func hiddenEvent(p Post, commentID, authorID, reason, by string, now time.Time) (eventtypes.Envelope, error) {
	meta := eventtypes.NewMeta(now)
	return eventtypes.Wrap(eventtypes.ContentHidden{Meta: meta,
		PostID: p.ID, CommentID: commentID, PostTitle: postTitle(p), SpaceID: p.SpaceID, AuthorID: authorID, Reason: reason, HiddenBy: by})
}

// moderate loads a post the actor moderates (a deleted one is gone: ErrNoPost).
func (m *Moderation) moderate(ctx context.Context, actor auth.Principal, postID string) (Post, error) {
	p, access, err := m.Posts.live(ctx, actor, postID)
	if err != nil {
		return Post{}, err
	}
	if !access.Moderate {
		return Post{}, ErrNotModerator
	}
	return p, nil
}

func (m *Moderation) entry(actor auth.Principal, action, targetType, targetID string, p Post, subject, reason string) audit.Entry {
	return audit.Entry{At: m.Posts.Now().UTC(), ActorID: actor.MemberID, Action: action, TargetType: targetType, TargetID: targetID,
		PostID: p.ID, SubjectID: subject, Reason: reason}
}

// Dismiss takes reported content out of the queue, leaving it as it is. Only those who
// see it in their queue (who may read and moderate its post now) may: to anyone else
// it is not there (ErrNoReports).
func (m *Moderation) Dismiss(ctx context.Context, actor auth.Principal, targetID string, r Reason) error {
	if err := r.validate(); err != nil {
		return fmt.Errorf("posts.Dismiss: %w", err)
	}
	it, err := m.Store.QueueEntry(ctx, targetID)
	if err != nil {
		return fmt.Errorf("posts.Dismiss %s: %w", targetID, err)
	}
	if _, access, err := m.Posts.load(ctx, actor, it.PostID); err != nil || !access.Moderate {
		if err != nil && !denied(err) {
			return fmt.Errorf("posts.Dismiss %s: %w", targetID, err)
		}
		return fmt.Errorf("posts.Dismiss %s: %w", targetID, ErrNoReports)
	}
	entry := audit.Entry{At: m.Posts.Now().UTC(), ActorID: actor.MemberID, Action: "report.dismiss", TargetType: "report", TargetID: targetID,
		PostID: it.PostID, SubjectID: it.AuthorID, Reason: r.Reason}
	if err := m.Store.Dismiss(ctx, targetID, entry); err != nil {
		return fmt.Errorf("posts.Dismiss %s: %w", targetID, err)
	}
	return nil
}

// SetHidden hides a post from everyone but its author and moderators, or restores it.
// Hiding needs a reason (ErrHideReason), which its author is told (content.hidden).
func (m *Moderation) SetHidden(ctx context.Context, actor auth.Principal, postID string, hidden bool, r Reason) (Post, error) {
	check := r.validate
	if hidden {
		check = r.required
	}
	if err := check(); err != nil {
		return Post{}, fmt.Errorf("posts.SetHidden: %w", err)
	}
	p, err := m.moderate(ctx, actor, postID)
	if err != nil {
		return Post{}, fmt.Errorf("posts.SetHidden: %w", err)
	}
	if p.Hidden == hidden {
		return m.Posts.answer(ctx, actor, postID)
	}
	action, what := "post.hide", ModerationHidden
	if !hidden {
		action, what = "post.restore", ModerationRestored
	}
	event, err := moderatedEvent(p, what, "", "", actor.MemberID, m.Posts.Now())
	if err != nil {
		return Post{}, fmt.Errorf("posts.SetHidden: %w", err)
	}
	events := []eventtypes.Envelope{event}
	if hidden {
		told, err := hiddenEvent(p, "", p.AuthorID, r.Reason, actor.MemberID, m.Posts.Now())
		if err != nil {
			return Post{}, fmt.Errorf("posts.SetHidden: %w", err)
		}
		events = append(events, told)
	}
	err = m.Store.SetPostHidden(ctx, p, hidden, m.entry(actor, action, "post", p.ID, p, p.AuthorID, r.Reason), events...)
	if err != nil && !errors.Is(err, ErrUnchanged) {
		return Post{}, fmt.Errorf("posts.SetHidden: %w", err)
	}
	return m.Posts.answer(ctx, actor, postID)
}

// SetCommentHidden hides a comment from everyone but its author and moderators, or
// restores it. Hiding needs a reason (ErrHideReason), which its author is told
// (content.hidden).
func (m *Moderation) SetCommentHidden(ctx context.Context, actor auth.Principal, postID, commentID string, hidden bool, r Reason) error {
	check := r.validate
	if hidden {
		check = r.required
	}
	if err := check(); err != nil {
		return fmt.Errorf("posts.SetCommentHidden: %w", err)
	}
	p, err := m.moderate(ctx, actor, postID)
	if err != nil {
		return fmt.Errorf("posts.SetCommentHidden: %w", err)
	}
	c, err := m.Comments.Store.GetComment(ctx, postID, commentID)
	if err != nil || c.Deleted {
		return fmt.Errorf("posts.SetCommentHidden: %w", ErrNoComment)
	}
	if c.Hidden == hidden {
		return nil
	}
	action := "comment.hide"
	var withdrawn *Withdrawal
	var events []eventtypes.Envelope
	if hidden {
		told, err := hiddenEvent(p, c.ID, c.AuthorID, r.Reason, actor.MemberID, m.Posts.Now())
		if err != nil {
			return fmt.Errorf("posts.SetCommentHidden: %w", err)
		}
		events = append(events, told)
		// A hidden answer no longer answers: the question is unanswered again. Restoring
		// the comment does not accept it again; the asker may.
		if withdrawn, err = withdrawal(p, c.ID, actor.MemberID, m.Posts.Now().UTC()); err != nil {
			return fmt.Errorf("posts.SetCommentHidden: %w", err)
		}
	} else {
		action = "comment.restore"
		// Search finds the comment again (comment.updated).
		shown, err := eventtypes.Wrap(eventtypes.CommentUpdated{Meta: eventtypes.NewMeta(m.Posts.Now()), PostID: p.ID, CommentID: c.ID,
			SpaceID: p.SpaceID, Change: eventtypes.CommentRestored, By: actor.MemberID})
		if err != nil {
			return fmt.Errorf("posts.SetCommentHidden: %w", err)
		}
		events = append(events, shown)
	}
	err = m.Store.SetCommentHidden(ctx, c, hidden, m.entry(actor, action, "comment", c.ID, p, c.AuthorID, r.Reason), withdrawn, events...)
	if err != nil && !errors.Is(err, ErrUnchanged) {
		return fmt.Errorf("posts.SetCommentHidden: %w", err)
	}
	return nil
}

// SetLocked locks a thread (no more comments but from moderators) or opens it again.
func (m *Moderation) SetLocked(ctx context.Context, actor auth.Principal, postID string, locked bool, r Reason) (Post, error) {
	if err := r.validate(); err != nil {
		return Post{}, fmt.Errorf("posts.SetLocked: %w", err)
	}
	p, err := m.moderate(ctx, actor, postID)
	if err != nil {
		return Post{}, fmt.Errorf("posts.SetLocked: %w", err)
	}
	if p.Locked == locked {
		return m.Posts.answer(ctx, actor, postID)
	}
	action := "post.lock"
	if !locked {
		action = "post.unlock"
	}
	err = m.Store.SetLocked(ctx, postID, locked, m.entry(actor, action, "post", p.ID, p, p.AuthorID, r.Reason))
	if err != nil && !errors.Is(err, ErrUnchanged) {
		return Post{}, fmt.Errorf("posts.SetLocked: %w", err)
	}
	return m.Posts.answer(ctx, actor, postID)
}

// MoveRequest names the space a post goes to.
type MoveRequest struct {
	SpaceID string `json:"spaceId" format:"id"`
	Reason  string `json:"reason,omitempty"`
}

// Move moves a post to another space; the actor moderates both. A move must never
// show a post to people who could not read it unless staff decide it: a post everyone
// reads (shown in a public space) any moderator of both spaces moves; a hidden post, or
// one of a closed, hidden or customer space, only staff in its space (in a customer
// space, staff who are also support agents: content leaves a customer space only by
// them), else ErrMoveWidens.
func (m *Moderation) Move(ctx context.Context, actor auth.Principal, postID string, req MoveRequest) (Post, error) {
	r := Reason{Reason: req.Reason}
	if err := r.validate(); err != nil {
		return Post{}, fmt.Errorf("posts.Move: %w", err)
	}
	p, from, err := m.Posts.live(ctx, actor, postID)
	if err == nil && !from.Moderate {
		err = ErrNotModerator
	}
	if err != nil {
		return Post{}, fmt.Errorf("posts.Move: %w", err)
	}
	if req.SpaceID == p.SpaceID {
		// Already there (a repeated move): nothing to do, nothing to log.
		return m.Posts.answer(ctx, actor, postID)
	}
	to, err := m.Posts.Spaces.Access(ctx, actor, req.SpaceID)
	switch {
	case err != nil:
	case !to.Moderate:
		err = ErrNotModerator
	case !(from.Public && !p.Hidden) && !from.Staff:
		err = ErrMoveWidens
	}
	if err != nil {
		return Post{}, fmt.Errorf("posts.Move: %w", err)
	}
	event, err := moderatedEvent(p, ModerationMoved, req.SpaceID, to.Name, actor.MemberID, m.Posts.Now())
	if err != nil {
		return Post{}, fmt.Errorf("posts.Move: %w", err)
	}
	entry := m.entry(actor, "post.move", "post", p.ID, p, p.AuthorID, r.Reason)
	entry.Reason = strings.TrimSpace(fmt.Sprintf("%s → %s. %s", p.SpaceName, to.Name, r.Reason))
	entry.FromSpaceID, entry.ToSpaceID = p.SpaceID, req.SpaceID
	err = m.Store.MovePost(ctx, p, req.SpaceID, to.Name, entry, event)
	if errors.Is(err, ErrUnchanged) {
		// Moved by another request meanwhile: done if it went where this one asked.
		now, gerr := m.Posts.Store.GetPost(ctx, postID)
		switch err = gerr; {
		case err == nil && now.Deleted:
			err = ErrNoPost
		case err == nil && now.SpaceID != req.SpaceID:
			err = ErrStaleRevision
		}
	}
	if err != nil {
		return Post{}, fmt.Errorf("posts.Move: %w", err)
	}
	return m.Posts.answer(ctx, actor, postID)
}

// MoveTarget is a space a post may move to.
type MoveTarget struct {
	ID   string `json:"id"`
	Name string `json:"name"`
}

// MoveTargets are the spaces the reader may move a post to now, by name.
type MoveTargets struct {
	Spaces []MoveTarget `json:"spaces"`
}

// moveChecks bounds the spaces' accesses MoveTargets reads at once.
const moveChecks = 8

// MoveTargets lists the spaces the actor may move a post to now: each one Move would
// accept (the actor moderates the post's space and the target, and the move widens
// its readers only if the actor is staff there), the post's own space left out. The
// candidates come from Spaces.MoveCandidates (the actor's spaces; for staff, the
// spaces they moderate as staff); a moderator of the post's space only (ErrNotModerator
// otherwise).
func (m *Moderation) MoveTargets(ctx context.Context, actor auth.Principal, postID string) (MoveTargets, error) {
	p, from, err := m.Posts.live(ctx, actor, postID)
	if err == nil && !from.Moderate {
		err = ErrNotModerator
	}
	if err != nil {
		return MoveTargets{}, fmt.Errorf("posts.MoveTargets: %w", err)
	}
	out := MoveTargets{Spaces: []MoveTarget{}}
	if !(from.Public && !p.Hidden) && !from.Staff {
		return out, nil // every move would widen its readers: staff's decision
	}
	ids, err := m.Posts.Spaces.MoveCandidates(ctx, actor)
	if err != nil {
		return MoveTargets{}, fmt.Errorf("posts.MoveTargets: %w", err)
	}
	ids = slices.DeleteFunc(slices.Clone(ids), func(id string) bool { return id == p.SpaceID })
	names := make([]string, len(ids))
	failures := make([]error, len(ids))
	var wg sync.WaitGroup
	slots := make(chan struct{}, moveChecks)
	for i, id := range ids {
		wg.Go(func() {
			slots <- struct{}{}
			defer func() { <-slots }()
			to, err := m.Posts.Spaces.Access(ctx, actor, id)
			switch {
			case err != nil && !denied(err):
				failures[i] = err
			case err == nil && to.Moderate:
				names[i] = to.Name
			}
		})
	}
	wg.Wait()
	if err := errors.Join(failures...); err != nil {
		return MoveTargets{}, fmt.Errorf("posts.MoveTargets: %w", err)
	}
	for i, id := range ids {
		if names[i] != "" {
			out.Spaces = append(out.Spaces, MoveTarget{ID: id, Name: names[i]})
		}
	}
	slices.SortFunc(out.Spaces, func(a, b MoveTarget) int { return strings.Compare(strings.ToLower(a.Name), strings.ToLower(b.Name)) })
	return out, nil
}

// Warning is what a moderator tells a member.
type Warning struct {
	MemberID string `json:"memberId" format:"id"`
	PostID   string `json:"postId,omitempty" format:"id"`
	Message  string `json:"message"`
}

// Warn sends a member a warning (by notification and email) and logs it.
func (m *Moderation) Warn(ctx context.Context, actor auth.Principal, w Warning) error {
	var err error
	if w.Message, err = text.Body("message", w.Message); err != nil {
		return fmt.Errorf("posts.Warn: %w", err)
	}
	if l := utf8.RuneCountInString(w.Message); l < 1 || l > MaxWarningRunes {
		return fmt.Errorf("posts.Warn: %w", ErrWarning)
	}
	if w.PostID != "" {
		// A warning names a post only one may read and moderate.
		_, access, err := m.Posts.load(ctx, actor, w.PostID)
		if err == nil && !access.Moderate {
			err = ErrNotModerator
		}
		if err != nil {
			return fmt.Errorf("posts.Warn: %w", err)
		}
	}
	if _, err := m.Posts.Store.Writer(ctx, w.MemberID); err != nil {
		if errs.Is(err, errs.ErrNotFound.Code) {
			err = errs.New(errs.NotFound, "member_not_found", "There is no such member.")
		}
		return fmt.Errorf("posts.Warn: %w", err)
	}
	now := m.Posts.Now().UTC()
	meta := eventtypes.NewMeta(now)
	event, err := eventtypes.Wrap(eventtypes.MemberWarned{Meta: meta,
		MemberID: w.MemberID, PostID: w.PostID, Message: w.Message, WarnedBy: actor.MemberID})
	if err != nil {
		return fmt.Errorf("posts.Warn: %w", err)
	}
	entry := audit.Entry{At: now, ActorID: actor.MemberID, Action: "member.warn", TargetType: "member", TargetID: w.MemberID,
		PostID: w.PostID, SubjectID: w.MemberID, Reason: w.Message}
	if err := m.Store.RecordAction(ctx, entry, event); err != nil {
		return fmt.Errorf("posts.Warn: %w", err)
	}
	return nil
}

// AuditLog is the moderation log, newest first (every staff role; the route's policy
// decides). An entry is shown in full only to a reader who may, now, read and moderate
// everything it names; to anyone else it keeps its time, actor, action and target type
// and loses its ids and reason (Redacted), so the log never tells what a space holds,
// who wrote there or which space it is to someone who could not see it:
//   - about a post or one of its comments (hide, restore, lock, delete, a dismissed
//     report, a warning naming a post): the post is Readable to them and they moderate
//     its space;
//   - a move: that, and they read and moderate both spaces it names;
//   - about a space (its settings, the kind-1 migration): the space exists for them and
//     they run it (Manage);
//   - about a member (warnings, suspensions, bans): they may warn, or suspend and ban.
//
// Entries written before an entry kept what decides this (a dismissed report's post, a
// move's two spaces) are redacted for all but those who moderate everything.
func (m *Moderation) AuditLog(ctx context.Context, actor auth.Principal, cursor string) (audit.Page, error) {
	page, err := m.Store.AuditLog(ctx, cursor, AuditPage)
	if err != nil {
		return audit.Page{}, fmt.Errorf("posts.AuditLog: %w", err)
	}
	if page.Entries == nil {
		page.Entries = []audit.Entry{}
	}
	// Staff in every space (community moderation and support at once: admins) read and
	// moderate all of it.
	all := policy.Allowed(actor.Roles, policy.SpacesModerateAll) && policy.Allowed(actor.Roles, policy.TicketsWork) &&
		policy.Allowed(actor.Roles, policy.MembersModerate) && policy.Allowed(actor.Roles, policy.ContentModerate)
	var postIDs []string
	for _, e := range page.Entries {
		if e.PostID != "" && !slices.Contains(postIDs, e.PostID) {
			postIDs = append(postIDs, e.PostID)
		}
	}
	postsByID, _, err := m.Store.Content(ctx, postIDs, nil)
	if err != nil {
		return audit.Page{}, fmt.Errorf("posts.AuditLog: %w", err)
	}
	spaces := map[string]*SpaceAccess{}
	accessTo := func(spaceID string) (*SpaceAccess, error) {
		if a, seen := spaces[spaceID]; seen || spaceID == "" {
			return a, nil
		}
		a, err := m.Posts.Spaces.Access(ctx, actor, spaceID)
		if err != nil && !denied(err) {
			return nil, err
		}
		var got *SpaceAccess
		if err == nil {
			got = &a
		}
		spaces[spaceID] = got
		return got, nil
	}
	moderates := func(spaceID string) (bool, error) {
		a, err := accessTo(spaceID)
		return a != nil && a.Read && a.Moderate, err
	}
	for i, e := range page.Entries {
		shown := all
		switch {
		case all:
		case e.PostID != "":
			p, found := postsByID[e.PostID]
			if found {
				a, err := accessTo(p.SpaceID)
				if err != nil {
					return audit.Page{}, fmt.Errorf("posts.AuditLog: %w", err)
				}
				shown = a != nil && a.Moderate && Readable(p, actor.MemberID, *a)
			}
			if shown && e.Action == "post.move" {
				for _, id := range []string{e.FromSpaceID, e.ToSpaceID} {
					ok, err := moderates(id)
					if err != nil {
						return audit.Page{}, fmt.Errorf("posts.AuditLog: %w", err)
					}
					shown = shown && ok
				}
			}
			if shown && e.Action == "member.warn" {
				shown = policy.Allowed(actor.Roles, policy.ContentModerate)
			}
		case e.TargetType == "space":
			a, err := accessTo(e.TargetID)
			if err != nil {
				return audit.Page{}, fmt.Errorf("posts.AuditLog: %w", err)
			}
			shown = a != nil && a.Manage
		case e.Action == "member.warn":
			shown = policy.Allowed(actor.Roles, policy.ContentModerate)
		case e.TargetType == "member":
			shown = policy.Allowed(actor.Roles, policy.MembersModerate)
		}
		if !shown {
			page.Entries[i] = audit.Entry{At: e.At, ActorID: e.ActorID, Action: e.Action, TargetType: e.TargetType, Redacted: true}
		}
	}
	if err := m.auditNames(ctx, page.Entries, postsByID, accessTo); err != nil {
		return audit.Page{}, fmt.Errorf("posts.AuditLog: %w", err)
	}
	return page, nil
}

// auditNames adds to the log's entries what its sentences name, as it is now: who did
// it, to whom, the post's title, the space's name (only what the entry still shows: a
// redacted entry gets its actor's name only). One read of the names for the page.
func (m *Moderation) auditNames(ctx context.Context, entries []audit.Entry, postsByID map[string]Post,
	accessTo func(string) (*SpaceAccess, error)) error {
	var ids []string
	for _, e := range entries {
		for _, id := range []string{e.ActorID, e.SubjectID} {
			if id != "" && !slices.Contains(ids, id) {
				ids = append(ids, id)
			}
		}
	}
	names := map[string]string{}
	if len(ids) > 0 {
		var err error
		if names, err = m.Posts.Store.MemberNames(ctx, ids); err != nil {
			return err
		}
	}
	// Titles show mentions by the names as they are now.
	var list []*Post
	for _, p := range postsByID {
		list = append(list, &p)
	}
	if err := m.Posts.showPostNames(ctx, list...); err != nil {
		return err
	}
	for _, p := range list {
		postsByID[p.ID] = *p
	}
	for i := range entries {
		e := &entries[i]
		e.ActorName = names[e.ActorID]
		e.ActorDeleted = e.ActorID != "" && e.ActorName == ""
		if e.Redacted {
			continue
		}
		if e.SubjectID != "" {
			e.SubjectName = names[e.SubjectID]
			e.SubjectDeleted = e.SubjectName == ""
		}
		if p, ok := postsByID[e.PostID]; ok && e.PostID != "" {
			e.PostTitle, e.PostDeleted = postTitle(p), p.Deleted
		}
		if e.TargetType == "space" {
			a, err := accessTo(e.TargetID)
			if err != nil {
				return err
			}
			if a != nil {
				e.SpaceName = a.Name
			}
		}
	}
	return nil
}

// moderatedEvent tells the feed consumer a post left (or came back to) streams.
func moderatedEvent(p Post, action, toSpaceID, toSpaceName, by string, now time.Time) (eventtypes.Envelope, error) {
	meta := eventtypes.NewMeta(now)
	sum := p.Summary()
	return eventtypes.Wrap(eventtypes.PostModerated{Meta: meta,
		Action: action, PostID: p.ID, SpaceID: p.SpaceID, ToSpaceID: toSpaceID, Kind: p.Kind, Title: p.Title, Excerpt: sum.Excerpt,
		AuthorID: p.AuthorID, AuthorName: p.AuthorName, CreatedAt: p.CreatedAt, SpaceName: p.SpaceName, ToSpaceName: toSpaceName,
		PinnedUntil: p.PinnedUntil, By: by})
}

// denied reports whether an error says the caller may not see something (404, 403)
// rather than that something failed.
func denied(err error) bool {
	e, ok := errs.As(err)
	return ok && (e.Kind == errs.NotFound || e.Kind == errs.Forbidden)
}
