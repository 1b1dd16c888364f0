package notifications

import (
	"context"
	"errors"
	"fmt"
	"log/slog"
	"net/http"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/locale"
	"tribune/shared/logx"
	"tribune/shared/mail"
	"tribune/shared/policy"
)

// Kinds of activity notifications.
const (
	KindComment        = "comment"
	KindReply          = "reply"
	KindAnswerAccepted = "answer_accepted"
	KindMention        = "mention"
	KindIdeaStatus     = "idea_status"
	KindReport         = "report"
	KindWarning        = "warning"
	KindSpaceInvite    = "space_invite"
	// KindSpaceApproved and KindSpaceDeclined answer the reader's request to join a
	// space (who answered is not named).
	KindSpaceApproved = "space_request_approved"
	KindSpaceDeclined = "space_request_declined"
	// KindContentHidden tells an author a moderator hid their post or comment; Detail is
	// the moderator's reason, quoted after the sentence.
	KindContentHidden = "content_hidden"
	// KindUnavailable stands, in the inbox, for a notification about something its
	// reader can no longer see: it keeps its place and time, and says nothing else.
	KindUnavailable = "unavailable"
	// KindOutdated stands, in the inbox, for a notification whose news no longer holds
	// (an answer no longer accepted, an idea since moved to another status, reported
	// content moderators have dealt with): it keeps its place, time and post, and says
	// only that it changed since.
	KindOutdated = "outdated"
)

// ErrAlreadyTold is what PutNotification answers when the member was already told of
// the same thing by another event (Notification.Once): nothing is written, no email.
var ErrAlreadyTold = errors.New("notifications: the member was already told of this")

// Limits of the inbox.
const (
	InboxPage = 30
	// InboxKept is how long a notification stays in the inbox.
	InboxKept = 90 * 24 * time.Hour
)

// Notification is one message in a member's inbox.
type Notification struct {
	ID       string `json:"id"`
	MemberID string `json:"-"`
	Kind     string `json:"kind"`
	// ActorID is who did it; ActorName their name as it is when the notification is
	// read (never stored: a deleted member's name must not outlive them; see Subjects).
	ActorID   string `json:"actorId,omitempty"`
	ActorName string `json:"actorName,omitempty"`
	PostID    string `json:"postId,omitempty"`
	PostTitle string `json:"postTitle,omitempty"`
	CommentID string `json:"commentId,omitempty"`
	SpaceID   string `json:"spaceId,omitempty"`
	TicketID  string `json:"ticketId,omitempty"`
	// TicketNumber is the ticket's number, as customers know it.
	TicketNumber int64 `json:"ticketNumber,omitempty"`
	// Detail is the new status of an idea, a report's reason or a warning's text (a
	// knowledge-base article's title, read when the notice is).
	Detail string `json:"detail,omitempty"`
	// ArticleID and ArticleVersion: the knowledge-base article and the version a
	// notice of KindArticlePublished or KindArticleUpdated tells of (issue 16).
	ArticleID      string    `json:"articleId,omitempty"`
	ArticleVersion int       `json:"articleVersion,omitempty"`
	At             time.Time `json:"at"`
	// DeliveredAt is when it reached the inbox (set by the store on the first delivery):
	// what is unread is what arrived after the member last marked the inbox read, even
	// when it is about something that happened before.
	DeliveredAt time.Time `json:"-"`
	Unread      bool      `json:"unread"`
	// ActorDeleted: the actor deleted their account (ActorName is then
	// auth.DeletedName, shown in the reader's language); read with the name, never
	// stored.
	ActorDeleted bool `json:"actorDeleted,omitempty"`
	// Once, when set, names what the notification tells: a member is told of it at most
	// once, whatever the number of events (an answer accepted again, the same idea
	// status again, a tenth report of the same content).
	Once string `json:"-"`
}

// arrived is when the notification reached the inbox (its event's time for items
// written before DeliveredAt was kept).
func (n Notification) arrived() time.Time {
	if n.DeliveredAt.IsZero() {
		return n.At
	}
	return n.DeliveredAt
}

// Inbox is a page of a member's notifications, newest first.
type Inbox struct {
	Items []Notification `json:"items"`
	// Unread counts the notifications newer than the member last looked (on this page).
	Unread int    `json:"unread"`
	Next   string `json:"next,omitempty"`
}

// Recipient is who a notification goes to.
type Recipient struct {
	Email, Name, Locale string
	// Roles are the recipient's community roles, for the access check at delivery.
	Roles []string
	// Active is false for deleted, banned or unknown members: they get nothing.
	Active bool
	// Emails: the member wants activity by email too (their preference; the inbox always).
	Emails bool
	// KnowledgeEmails: the member wants the knowledge base's news (articles they follow
	// published or changed) by email too (their preference, on by default).
	KnowledgeEmails bool
}

// WantsEmail reports whether the recipient wants a notification of kind by email:
// the knowledge base's by their knowledge preference, the rest by their activity one.
func (r Recipient) WantsEmail(kind string) bool {
	if IsKnowledge(kind) {
		return r.KnowledgeEmails
	}
	return r.Emails
}

// InboxStore keeps notifications.
type InboxStore interface {
	// PutNotification writes a notification once: its id is fixed by the event and the
	// member, and a repeated delivery changes nothing (nor what is unread). With
	// n.Once set, it is written only if no other notification of the member claimed the
	// same Once (ErrAlreadyTold otherwise, nothing written); the claim never lapses.
	PutNotification(ctx context.Context, n Notification, expires time.Time) error
	// Inbox reads a page of notifications and when the member last marked them read.
	Inbox(ctx context.Context, memberID, cursor string, limit int) ([]Notification, string, time.Time, error)
	// MarkRead marks the inbox read up to at; an earlier mark never replaces a later one.
	MarkRead(ctx context.Context, memberID string, at time.Time) error
	Recipient(ctx context.Context, memberID string) (Recipient, error)
	// Voters lists who voted on a post; SpaceModeratorIDs who moderates a space;
	// RoleHolderIDs who holds staff roles.
	Voters(ctx context.Context, postID string) ([]string, error)
	SpaceModeratorIDs(ctx context.Context, spaceID string) ([]string, error)
	RoleHolderIDs(ctx context.Context, roles ...string) ([]string, error)
}

// Reader is who reads (or is about to receive) notifications, as access checks need them.
type Reader struct {
	MemberID string
	Roles    []string
}

// Subjects reads, from current data, what notifications are about, as their reader may
// see it now (implemented in shared/app, which may ask posts, tickets and spaces). The
// rule of each kind is in docs/decisions.md ("Notifications and access").
type Subjects interface {
	// Current returns each notification with what it names (post title, ticket subject,
	// space name, actor's name) as it is now, and whether the reader may still see what
	// it is about (the comment it points at included: hidden or deleted since is not).
	// A notification whose news no longer holds (see KindOutdated) is not delivered
	// (false at delivery) and reads as KindOutdated in the inbox. At delivery it also
	// sets Once where a kind is told once per subject. The lists are parallel.
	Current(ctx context.Context, reader Reader, list []Notification, atDelivery bool) ([]Notification, []bool, error)
}

// Activity tells members what happened around them: in their inbox and by email. Every
// notification is checked against its recipient's access when it is delivered, from
// current data (Subjects): what they can no longer see never reaches them.
type Activity struct {
	Service  *Service
	Store    InboxStore
	Subjects Subjects
}

// notify puts a notification in each member's inbox and emails them, once per event
// and member (a retry skips those already sent).
func (a *Activity) notify(ctx context.Context, meta eventtypes.Meta, n Notification, memberIDs ...string) error {
	return a.tell(ctx, meta, n, true, memberIDs...)
}

// tell is notify, by email too only when email is set (and the member wants them).
func (a *Activity) tell(ctx context.Context, meta eventtypes.Meta, n Notification, email bool, memberIDs ...string) error {
	var failed []error
	for _, id := range memberIDs {
		if err := a.notifyOne(ctx, meta, n, id, email); err != nil {
			failed = append(failed, err)
		}
	}
	return errors.Join(failed...)
}

func (a *Activity) notifyOne(ctx context.Context, meta eventtypes.Meta, n Notification, memberID string, email bool) error {
	to, err := a.Store.Recipient(ctx, memberID)
	if err != nil || !to.Active {
		return err
	}
	n.ID, n.MemberID, n.At = meta.EventID+"-"+memberID, memberID, meta.OccurredAt
	current, ok, err := a.Subjects.Current(ctx, Reader{MemberID: memberID, Roles: to.Roles}, []Notification{n}, true)
	if err != nil {
		return err
	}
	if !ok[0] {
		slog.InfoContext(ctx, "notification withheld: the recipient may no longer see its subject", "event_id", meta.EventID, "kind", n.Kind, "member_id", memberID)
		return nil
	}
	stored := current[0]
	if stored.ActorID != "" {
		// The name is read again whenever the inbox is: a deleted member's stays nowhere.
		stored.ActorName = ""
	}
	err = a.Store.PutNotification(ctx, stored, meta.OccurredAt.Add(InboxKept))
	if errors.Is(err, ErrAlreadyTold) {
		slog.InfoContext(ctx, "notification not repeated: the member was told already", "event_id", meta.EventID, "kind", n.Kind, "member_id", memberID)
		return nil
	}
	if err != nil || !to.WantsEmail(n.Kind) || !email {
		return err
	}
	return a.Service.send(ctx, n.ID, func(ctx context.Context) (mail.Message, bool, error) {
		return a.email(ctx, meta, n, memberID)
	})
}

// email writes the email of a notification from what is true at the moment it is
// handed to the sender: the recipient read again (deleted, banned or no longer wanting
// emails: none), their access checked again, the actor's name read again (deleted
// meanwhile: "Deleted member" in the reader's language). What the inbox entry said a
// few milliseconds earlier does not count.
func (a *Activity) email(ctx context.Context, meta eventtypes.Meta, n Notification, memberID string) (mail.Message, bool, error) {
	to, err := a.Store.Recipient(ctx, memberID)
	if err != nil || !to.Active || !to.WantsEmail(n.Kind) {
		return mail.Message{}, false, err
	}
	current, ok, err := a.Subjects.Current(ctx, Reader{MemberID: memberID, Roles: to.Roles}, []Notification{n}, true)
	if err != nil {
		return mail.Message{}, false, err
	}
	if !ok[0] {
		slog.InfoContext(ctx, "email withheld: the recipient may no longer see its subject", "event_id", meta.EventID, "kind", n.Kind, "member_id", memberID)
		return mail.Message{}, false, nil
	}
	msg, err := a.Service.activityMessage(to, current[0])
	if err != nil {
		return mail.Message{}, false, err
	}
	slog.InfoContext(ctx, "activity email written", "event_id", meta.EventID, "kind", n.Kind, "member_id", memberID, "to", logx.Email(to.Email))
	return msg, true, nil
}

// activityMessage writes the email of n to to, in their saved language: its sentence
// (Sentence) as subject and first line, the words it quotes (a warning's text, a
// ticket reply's excerpt), and a button to the web page of what it is about.
func (s *Service) activityMessage(to Recipient, n Notification) (mail.Message, error) {
	lang := to.Locale
	if !locale.Valid(lang) {
		lang = locale.Default
	}
	link, label := s.PublicURL+"/", linkHome
	switch {
	case n.TicketID != "":
		link, label = s.PublicURL+"/tickets/"+n.TicketID, linkTicket
	case n.PostID != "":
		link, label = s.PublicURL+"/posts/"+n.PostID, linkPost
	case n.SpaceID != "":
		link, label = s.PublicURL+"/spaces/"+n.SpaceID, linkSpace
	}
	if n.Kind == KindReport {
		// Reports are dealt with in the queue (space moderators included), not on the post.
		link, label = s.PublicURL+"/moderation", linkQueue
	}
	if n.Kind == KindOrderStatus {
		// A reward order: the member's orders page (issue 12, r3).
		link, label = s.PublicURL+"/rewards/orders", linkOrders
	}
	if n.Kind == KindBadgeAwarded || n.Kind == KindRankReached || n.Kind == KindPointsReversed {
		link, label = s.PublicURL+"/rewards", linkRewards
	}
	if IsKnowledge(n.Kind) {
		link, label = articleLink(s.PublicURL, n), linkArticle
	}
	quote := ""
	if n.Kind == KindWarning || n.Kind == KindTicketReply || n.Kind == KindContentHidden {
		quote = n.Detail
	}
	sentence := Sentence(lang, n)
	button, _ := text(lang, "link."+label)
	return s.Templates.Render("activity", lang, to.Email, map[string]any{
		"Name": to.Name, "Sentence": sentence, "Subject": strings.TrimSuffix(sentence, "."), "Quote": quote,
		"Link": link, "LinkLabel": button})
}

func except(ids []string, skip string) []string {
	out := ids[:0]
	for _, id := range ids {
		if id != skip && id != "" {
			out = append(out, id)
		}
	}
	return out
}

// OnCommentCreated tells the post's author of a comment and a comment's author of a
// reply (never oneself).
func (a *Activity) OnCommentCreated(ctx context.Context, evt eventtypes.CommentCreated) error {
	n := Notification{Kind: KindComment, ActorID: evt.AuthorID, ActorName: evt.AuthorName, PostID: evt.PostID, PostTitle: evt.PostTitle, CommentID: evt.CommentID}
	err := a.notify(ctx, evt.Meta, n, except([]string{evt.PostAuthorID}, evt.AuthorID)...)
	if evt.ParentAuthorID != "" && evt.ParentAuthorID != evt.PostAuthorID {
		n.Kind = KindReply
		err = errors.Join(err, a.notify(ctx, evt.Meta, n, except([]string{evt.ParentAuthorID}, evt.AuthorID)...))
	}
	if err != nil {
		return fmt.Errorf("notifications.OnCommentCreated %s: %w", evt.EventID, err)
	}
	return nil
}

// OnAnswerAccepted tells the answer's author.
func (a *Activity) OnAnswerAccepted(ctx context.Context, evt eventtypes.AnswerAccepted) error {
	// An answer's author hears of its acceptance once, however often it is accepted
	// again; and only while it is the accepted answer when the notification is delivered.
	n := Notification{Kind: KindAnswerAccepted, ActorID: evt.AcceptedBy, PostID: evt.PostID, PostTitle: evt.PostTitle, CommentID: evt.CommentID,
		Once: KindAnswerAccepted + "#" + evt.PostID + "#" + evt.CommentID}
	if err := a.notify(ctx, evt.Meta, n, except([]string{evt.AnswerAuthor}, evt.AcceptedBy)...); err != nil {
		return fmt.Errorf("notifications.OnAnswerAccepted %s: %w", evt.EventID, err)
	}
	return nil
}

// OnMemberMentioned tells the mentioned member.
func (a *Activity) OnMemberMentioned(ctx context.Context, evt eventtypes.MemberMentioned) error {
	// A member hears of being mentioned in a post or comment once: a mention an edit
	// removes and a later edit adds again, or two edits racing to add it, tell nothing
	// new.
	n := Notification{Kind: KindMention, ActorID: evt.AuthorID, ActorName: evt.AuthorName, PostID: evt.PostID, PostTitle: evt.PostTitle, CommentID: evt.CommentID,
		Once: KindMention + "#" + evt.PostID + "#" + evt.CommentID}
	if err := a.notify(ctx, evt.Meta, n, evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnMemberMentioned %s: %w", evt.EventID, err)
	}
	return nil
}

// OnIdeaStatusChanged tells every voter of the idea.
func (a *Activity) OnIdeaStatusChanged(ctx context.Context, evt eventtypes.IdeaStatusChanged) error {
	voters, err := a.Store.Voters(ctx, evt.PostID)
	if err == nil {
		// Each status once per voter (planned, under review, planned again tells
		// "planned" once), and only while it is the idea's status at delivery.
		err = a.notify(ctx, evt.Meta, Notification{Kind: KindIdeaStatus, PostID: evt.PostID, PostTitle: evt.PostTitle, Detail: evt.To,
			Once: KindIdeaStatus + "#" + evt.PostID + "#" + evt.To}, except(voters, evt.ChangedBy)...)
	}
	if err != nil {
		return fmt.Errorf("notifications.OnIdeaStatusChanged %s: %w", evt.EventID, err)
	}
	return nil
}

// OnContentReported tells the space's moderators.
func (a *Activity) OnContentReported(ctx context.Context, evt eventtypes.ContentReported) error {
	mods, err := a.Store.SpaceModeratorIDs(ctx, evt.SpaceID)
	if err == nil {
		err = a.notify(ctx, evt.Meta, Notification{Kind: KindReport, PostID: evt.PostID, PostTitle: evt.PostTitle, CommentID: evt.CommentID,
			Detail: evt.Reason}, except(mods, evt.ReporterID)...)
	}
	if err != nil {
		return fmt.Errorf("notifications.OnContentReported %s: %w", evt.EventID, err)
	}
	return nil
}

// OnMemberWarned tells the warned member what the moderator wrote.
func (a *Activity) OnMemberWarned(ctx context.Context, evt eventtypes.MemberWarned) error {
	if err := a.notify(ctx, evt.Meta, Notification{Kind: KindWarning, PostID: evt.PostID, Detail: evt.Message}, evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnMemberWarned %s: %w", evt.EventID, err)
	}
	return nil
}

// OnContentHidden tells the author of a hidden post or comment why it was hidden (the
// moderator's reason), in the app and by email. The moderator is not named: moderators
// act for the community. Delivered only while the content is still hidden (a restore
// before delivery tells nothing).
func (a *Activity) OnContentHidden(ctx context.Context, evt eventtypes.ContentHidden) error {
	n := Notification{Kind: KindContentHidden, PostID: evt.PostID, PostTitle: evt.PostTitle, CommentID: evt.CommentID, Detail: evt.Reason}
	if err := a.notify(ctx, evt.Meta, n, except([]string{evt.AuthorID}, evt.HiddenBy)...); err != nil {
		return fmt.Errorf("notifications.OnContentHidden %s: %w", evt.EventID, err)
	}
	return nil
}

// OnSpaceInvited tells a member they are invited into a space.
func (a *Activity) OnSpaceInvited(ctx context.Context, evt eventtypes.SpaceInvited) error {
	n := Notification{Kind: KindSpaceInvite, ActorID: evt.InviterID, ActorName: evt.InviterName, SpaceID: evt.SpaceID, Detail: evt.SpaceName}
	if err := a.notify(ctx, evt.Meta, n, evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnSpaceInvited %s: %w", evt.EventID, err)
	}
	return nil
}

// OnSpaceRequestApproved tells a member that their request to join a space was
// approved (space.request_approved): once per answer, and not when it no longer holds
// at delivery (see Subjects).
func (a *Activity) OnSpaceRequestApproved(ctx context.Context, evt eventtypes.SpaceRequestApproved) error {
	return a.onSpaceRequestAnswered(ctx, eventtypes.SpaceRequestAnswered(evt), KindSpaceApproved)
}

// OnSpaceRequestDeclined tells a member that their request to join a space was
// declined (space.request_declined), likewise.
func (a *Activity) OnSpaceRequestDeclined(ctx context.Context, evt eventtypes.SpaceRequestDeclined) error {
	return a.onSpaceRequestAnswered(ctx, eventtypes.SpaceRequestAnswered(evt), KindSpaceDeclined)
}

func (a *Activity) onSpaceRequestAnswered(ctx context.Context, evt eventtypes.SpaceRequestAnswered, kind string) error {
	n := Notification{Kind: kind, SpaceID: evt.SpaceID, Detail: evt.SpaceName}
	if err := a.notify(ctx, evt.Meta, n, evt.MemberID); err != nil {
		return fmt.Errorf("notifications.OnSpaceRequestAnswered %s: %w", evt.EventID, err)
	}
	return nil
}

// InboxHTTP exposes a member's notifications.
type InboxHTTP struct {
	Store    InboxStore
	Subjects Subjects
	Now      func() time.Time
}

// Routes returns the inbox operations.
func (h InboxHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/notifications", Tag: "me", Action: policy.SignedIn, Handler: h.list,
			Query:     []httpx.Param{{Name: "cursor", Description: "The next page's cursor"}},
			Summary:   "The caller's notifications, newest first, with how many are unread; one about something the caller can no longer see is kind \"unavailable\" and names nothing; one whose news no longer holds is kind \"outdated\" and names only its post.",
			Responses: httpx.Answers(200, "A page", Inbox{}, map[int]string{400: "Bad cursor"})},
		{Method: "POST", Pattern: "/api/notifications/read", Tag: "me", Action: policy.SignedIn, Handler: h.read,
			Summary: "Mark every notification read.", Responses: httpx.Answers(204, "Read", nil, nil)},
	}
}

func (h InboxHTTP) list(w http.ResponseWriter, r *http.Request) {
	p := auth.Caller(r)
	items, next, seen, err := h.Store.Inbox(r.Context(), p.MemberID, r.URL.Query().Get("cursor"), InboxPage)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	items, err = h.current(r.Context(), Reader{MemberID: p.MemberID, Roles: p.Roles}, items)
	inbox := Inbox{Items: make([]Notification, 0, len(items)), Next: next}
	for _, n := range items {
		// An unavailable or outdated entry has nothing to read: it never counts as new.
		n.Unread = n.arrived().After(seen) && n.Kind != KindUnavailable && n.Kind != KindOutdated
		if n.Unread {
			inbox.Unread++
		}
		inbox.Items = append(inbox.Items, n)
	}
	httpx.Reply(w, r, http.StatusOK, inbox, err)
}

// current shows each notification as its reader may see it now: about something they
// can no longer see, it becomes a neutral "unavailable" entry (its place and time kept,
// no title, name or link), so a page keeps its length and its cursor.
func (h InboxHTTP) current(ctx context.Context, reader Reader, items []Notification) ([]Notification, error) {
	if len(items) == 0 {
		return items, nil
	}
	list, ok, err := h.Subjects.Current(ctx, reader, items, false)
	if err != nil {
		return nil, err
	}
	for i, n := range list {
		switch {
		case !ok[i]:
			list[i] = Notification{ID: n.ID, MemberID: n.MemberID, Kind: KindUnavailable, At: n.At}
		case n.Kind == KindOutdated:
			list[i] = Notification{ID: n.ID, MemberID: n.MemberID, Kind: KindOutdated, At: n.At, PostID: n.PostID, PostTitle: n.PostTitle}
		}
	}
	return list, nil
}

func (h InboxHTTP) read(w http.ResponseWriter, r *http.Request) {
	p := auth.Caller(r)
	if err := h.Store.MarkRead(r.Context(), p.MemberID, h.Now()); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}
