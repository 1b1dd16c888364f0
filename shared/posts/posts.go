// Package posts is what members write in spaces (status updates, discussions,
// questions, ideas, polls, announcements), what others do with it (comments, votes,
// reactions, reports), its moderation, and the streams that show it: a space's
// stream, read from the space's partition, and each member's home stream, written
// ahead of time by fan-out (see docs/streams.md).
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

	"tribune/shared/auth"
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/policy"
	"tribune/shared/ratelimit"
	"tribune/shared/text"
)

// Kinds of posts.
const (
	KindStatus       = "status"
	KindDiscussion   = "discussion"
	KindQuestion     = "question"
	KindIdea         = "idea"
	KindPoll         = "poll"
	KindAnnouncement = "announcement"
)

// Reactions a member may add to a post, one of each at most.
var Reactions = []string{"like", "love", "celebrate", "insightful"}

// Limits.
const (
	MaxTitleRunes  = 150
	MaxBodyRunes   = 20000
	MaxStatusRunes = 500
	ExcerptRunes   = 280
	StreamPage     = 20
	MinPollOptions = 2
	MaxPollOptions = 10
	MaxOptionRunes = 100
	// MaxAhead bounds how far ahead a poll may close or an announcement stay pinned.
	MaxAhead = 366 * 24 * time.Hour
	// MaxMentions bounds the members one text notifies.
	MaxMentions = 10
)

// Post is one post with its rendered body.
type Post struct {
	ID         string    `json:"id"`
	SpaceID    string    `json:"spaceId"`
	SpaceName  string    `json:"spaceName"`
	Kind       string    `json:"kind"`
	Title      string    `json:"title"`
	Body       string    `json:"body"`
	HTML       string    `json:"html"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
	// AuthorDeleted: the author deleted their account (AuthorName is then
	// auth.DeletedName, which pages show in the reader's language). Set by the erasure;
	// nothing reads it from the name.
	AuthorDeleted bool `json:"authorDeleted,omitempty"`
	// AuthorStaff: the author was staff (policy.IsStaff) when they wrote it; pages show
	// the staff badge in the byline (docs/decisions.md, "Issue 10: README, directory,
	// export").
	AuthorStaff bool `json:"authorStaff,omitempty"`
	// Comments counts comments and replies (exact: an atomic ADD with each comment).
	Comments int `json:"comments"`
	// AcceptedAnswer is the comment accepted as a question's answer.
	AcceptedAnswer string `json:"acceptedAnswer,omitempty"`
	// Votes counts an idea's up-votes, or a poll's ballots (the sum of its tally, shown
	// to every reader, as Discourse shows a poll's voters); IdeaStatus is set by staff.
	Votes      int    `json:"votes"`
	IdeaStatus string `json:"ideaStatus,omitempty"`
	// Options are a poll's choices; Tally counts the votes of each (by option id) and is
	// shown only to those who voted, and to everyone once the poll is closed.
	Options  []PollOption   `json:"options,omitempty"`
	Tally    map[string]int `json:"tally,omitempty"`
	ClosesAt *time.Time     `json:"closesAt,omitempty"`
	// PinnedUntil keeps an announcement at the top of streams.
	PinnedUntil *time.Time `json:"pinnedUntil,omitempty"`
	// Reactions counts each reaction (exact: an atomic update with each reaction).
	Reactions map[string]int `json:"reactions"`
	Hidden    bool           `json:"hidden,omitempty"`
	Locked    bool           `json:"locked,omitempty"`
	Deleted   bool           `json:"deleted,omitempty"`
	EditedAt  *time.Time     `json:"editedAt,omitempty"`
	// TicketID and TicketNumber link a question to the support ticket made from it
	// (shown to its author and support agents, while they may read the ticket).
	TicketID     string `json:"ticketId,omitempty"`
	TicketNumber int64  `json:"ticketNumber,omitempty"`
	// Mentions are the names the body's mentions show, by member id ("" for a member
	// who no longer exists, shown "Deleted member"): stored as the page was rendered,
	// answered as they are now. The edit box shows "@Name" with them (names.go).
	Mentions map[string]string `json:"mentions,omitempty"`

	// What the viewer did and may do; not stored.
	MyVote      string   `json:"myVote,omitempty"`
	MyReactions []string `json:"myReactions,omitempty"`
	CanModerate bool     `json:"canModerate"`
	// CanEdit, CanDelete, CanHide: the viewer may edit, delete, hide or restore it now
	// (the rules the routes apply: a space moderator who is not staff neither edits nor
	// deletes what staff wrote); the page shows only these controls.
	CanEdit   bool `json:"canEdit"`
	CanDelete bool `json:"canDelete"`
	CanHide   bool `json:"canHide"`
	// SuggestionID is the composer's suggestion session, only while a question is
	// written (the store marks the session followed in the same transaction); never
	// stored with the post nor answered.
	SuggestionID string `json:"-"`
}

// PollOption is one choice of a poll.
type PollOption struct {
	ID    string `json:"id"`
	Label string `json:"label"`
}

// Closed reports whether a poll no longer takes votes.
func (p Post) Closed(now time.Time) bool { return p.ClosesAt != nil && !p.ClosesAt.After(now) }

// Pinned reports whether an announcement is still pinned.
func (p Post) Pinned(now time.Time) bool { return p.PinnedUntil != nil && p.PinnedUntil.After(now) }

// Summary returns the post as streams show it, its excerpt made from its page (p.HTML,
// rendered with the names of p.Mentions).
func (p Post) Summary() Summary {
	return Summary{ID: p.ID, SpaceID: p.SpaceID, SpaceName: p.SpaceName, Kind: p.Kind, Title: p.Title, Excerpt: excerpt(p.HTML),
		AuthorID: p.AuthorID, AuthorName: p.AuthorName, CreatedAt: p.CreatedAt, PinnedUntil: p.PinnedUntil, Votes: p.Votes,
		IdeaStatus: p.IdeaStatus, Answered: p.AcceptedAnswer != "", AuthorDeleted: p.AuthorDeleted, AuthorStaff: p.AuthorStaff, Mentions: p.Mentions}
}

// Summary is a post as a stream shows it.
type Summary struct {
	ID        string `json:"id"`
	SpaceID   string `json:"spaceId"`
	SpaceName string `json:"spaceName"`
	Kind      string `json:"kind"`
	Title     string `json:"title"`
	// Excerpt is the start of the body as plain text, mentions shown by name: made from
	// the post's page (content.PageExcerpt).
	Excerpt    string    `json:"excerpt"`
	AuthorID   string    `json:"authorId"`
	AuthorName string    `json:"authorName"`
	CreatedAt  time.Time `json:"createdAt"`
	// AuthorDeleted, AuthorStaff: as Post's.
	AuthorDeleted bool `json:"authorDeleted,omitempty"`
	AuthorStaff   bool `json:"authorStaff,omitempty"`
	// Mentions are the names the excerpt was made with (the post's, when the entry was
	// written): a page whose names changed since makes its excerpt again.
	Mentions map[string]string `json:"-"`
	// PinnedUntil is set on announcements; Votes and IdeaStatus on ideas (as of the read
	// for top ideas, as of publication in other streams); Answered on questions.
	PinnedUntil *time.Time `json:"pinnedUntil,omitempty"`
	Votes       int        `json:"votes,omitempty"`
	IdeaStatus  string     `json:"ideaStatus,omitempty"`
	Answered    bool       `json:"answered,omitempty"`
}

// Page is a page of a stream and the cursor of the next. Pinned holds the
// announcements pinned to the top (on the first page; a stream with more live pins
// than a page holds continues them on the next pages); Posts never repeats them.
type Page struct {
	Pinned []Summary `json:"pinned,omitempty"`
	Posts  []Summary `json:"posts"`
	Next   string    `json:"next,omitempty"`
}

// OncePerStream arranges what one Query of a stream read (pins, then dated entries) so
// that an announcement appears once in the whole stream, every page of it: while it is
// pinned as of asOf it shows among the pins and its dated entry is left out, on this
// page and on later ones (a stream's pins sort before its dated entries, so its pin was
// on this page or an earlier one); once its pin has ended it shows in its dated place
// only. asOf is the time the stream's first page was read (later pages' cursors carry
// it), so a pin ending between two pages moves nothing from one list to the other. An id
// seen twice in one read shows once.
func OncePerStream(pins, entries []Summary, asOf time.Time) (pinned, dated []Summary) {
	seen := map[string]bool{}
	for _, s := range pins {
		if s.PinnedUntil != nil && s.PinnedUntil.After(asOf) && !seen[s.ID] {
			seen[s.ID] = true
			pinned = append(pinned, s)
		}
	}
	dated = make([]Summary, 0, len(entries))
	for _, s := range entries {
		pinnedNow := s.PinnedUntil != nil && s.PinnedUntil.After(asOf)
		if !pinnedNow && !seen[s.ID] {
			seen[s.ID] = true
			dated = append(dated, s)
		}
	}
	return pinned, dated
}

// Spam brakes: everyone posts at most 20 times a minute; a member in their first week
// at most 3 times, with at most 2 links a post.
var (
	LimitPosts        = ratelimit.Rule{Name: "post-member", Limit: 20, Window: time.Minute}
	LimitNewPosts     = ratelimit.Rule{Name: "post-new-member", Limit: 3, Window: time.Minute}
	NewMemberPeriod   = 7 * 24 * time.Hour
	MaxNewMemberLinks = 2
)

// Errors.
var (
	ErrRateLimited  = errs.New(errs.RateLimited, "posting_too_fast", "You are posting too fast. Wait a minute.")
	ErrTooManyLinks = errs.InvalidField("body", "too_many_links", "New members can put at most 2 links in a post.")
	ErrKind         = errs.InvalidField("kind", "invalid_post_kind", "A post is a status, discussion, question, idea, poll or announcement.")
	ErrTitle        = errs.InvalidField("title", "invalid_title", "A title has 1 to 150 characters.")
	ErrBody         = errs.InvalidField("body", "invalid_body", "Write something: at most 20,000 characters (500 for a status).")
	ErrOptions      = errs.InvalidField("options", "invalid_poll_options", "A poll has 2 to 10 different options of 1 to 100 characters.")
	ErrClosesAt     = errs.InvalidField("closesAt", "invalid_closes_at", "A poll closes in the future, within a year.")
	ErrPinnedUntil  = errs.InvalidField("pinnedUntil", "invalid_pinned_until", "An announcement is pinned until a date in the future, within a year.")
	ErrNotForKind   = errs.InvalidField("kind", "field_not_for_kind", "Options and dates belong to polls and announcements only.")
	// ErrSuggestionNotForKind, ErrSuggestionID: a suggestionId on a post that is no
	// question, or one that cannot be an id (issue 15).
	ErrSuggestionNotForKind = errs.InvalidField("suggestionId", "field_not_for_kind", "A suggestionId belongs to questions only.")
	ErrSuggestionID         = errs.InvalidField("suggestionId", "invalid_suggestion_id", "A suggestionId is the id the suggestions answered.")
	// ErrSuggestionGone: the store could not mark the suggestion session followed
	// (unknown, expired, of another composer, followed already); the question is written
	// again without it. Never answered.
	ErrSuggestionGone = errors.New("posts: suggestion session not followable")
	ErrAnnounce       = errs.New(errs.Forbidden, "announcement_staff_only", "Only staff publish announcements.")
	ErrRules          = errs.New(errs.Forbidden, "rules_not_accepted", "Accept the community rules before you post.")
	ErrNoPost         = errs.New(errs.NotFound, "post_not_found", "There is no such post.")
	ErrLocked         = errs.New(errs.Conflict, "post_locked", "This thread is locked.")
	ErrNotModerator   = errs.New(errs.Forbidden, "not_space_moderator", "Only the space's moderators and staff can do this.")
	ErrNotAuthor      = errs.New(errs.Forbidden, "not_the_author", "Only the author or a moderator can do this.")
	ErrStaleRevision  = errs.New(errs.Conflict, "post_changed", "The post changed meanwhile; reload and try again.")
	// ErrMoveWidens: a move would show a post to people who could not read it, which
	// only staff decide (issue 9).
	ErrMoveWidens = errs.New(errs.Forbidden, "move_widens_readers", "Only staff move a hidden post, or a post out of a closed, hidden or customer space: the move would show it to people who could not read it.")
)

// ErrUnchanged is what a store answers when a change would do nothing: the content is
// already in the state asked for, or was changed meanwhile from the state read (a
// repeated request, or two at once). Nothing was written: no count moved, no audit
// entry, no event. Services answer the content as it is, or retry on a fresh read.
var ErrUnchanged = errors.New("posts: already in that state")

// Spaces answers what a member may do in a space (package spaces, through the app).
type Spaces interface {
	// Access returns the space's name and what the actor may do there, or a coded
	// error: 404 for a space the actor may not know about.
	Access(ctx context.Context, actor auth.Principal, spaceID string) (SpaceAccess, error)
	// Mentionable returns a mentioned member's name ("" if there is no such member) and
	// whether they may read the space: mentions notify only those who may.
	Mentionable(ctx context.Context, memberID, spaceID string) (string, bool, error)
	// ModeratedSpaces lists the spaces the actor moderates by a space role: the owner
	// or a moderator of an active membership (community roles aside).
	ModeratedSpaces(ctx context.Context, actor auth.Principal) ([]string, error)
	// MoveCandidates lists the spaces a post might move to for the actor (ids, once
	// each): the spaces they belong to and, for staff, the spaces they moderate as staff.
	// Moderation.MoveTargets checks each with Access.
	MoveCandidates(ctx context.Context, actor auth.Principal) ([]string, error)
}

// SpaceAccess is what a member may do in a space.
type SpaceAccess struct {
	Name                 string
	Read, Post, Moderate bool
	// Public: everyone reads the space (a public community space).
	Public bool
	// Staff: the member moderates it as staff (community admins and moderators; in a
	// customer space, only those who are also support agents), not by a space role.
	Staff bool
	// Manage: the member runs the space (changes its settings: its owner, staff, and in
	// a customer space the support agents).
	Manage bool
	// Tickets: the member works or opens the space's tickets (a customer space's active
	// members and support agents): they may upload images for its tickets.
	Tickets bool
	// Denied is the error to return when Read or Post is missing.
	Denied error
}

// Writer is the author of a post or comment, as posting needs them.
type Writer struct {
	Name          string
	JoinedAt      time.Time
	RulesAccepted bool
	// Staff: the member holds a staff role now (policy.IsStaff).
	Staff bool
}

// ErrModerateStaff: a space moderator who is not staff edits what a staff member wrote
// (their text would change under the staff name); the code and sentence are
// members.ErrModerateStaff's (suspending or banning staff).
var ErrModerateStaff = errs.New(errs.Forbidden, "moderate_staff",
	"Only staff can edit or delete what a staff member wrote, and only an admin can suspend or ban a staff member.")

// mayEditAs refuses (ErrModerateStaff) someone who is not staff changing the text of
// another member who is staff, or who was when they wrote it (authorStaff: the text
// shows the staff badge): space moderators edit members' texts, not staff's. The
// author themselves and staff may. Costs one read of the author (Store.Writer) only
// when a member who is not staff edits someone else's text that shows no badge.
func (s *Service) mayEditAs(ctx context.Context, actor auth.Principal, authorID string, authorStaff bool) error {
	if authorID == actor.MemberID || policy.IsStaff(actor.Roles) {
		return nil
	}
	if authorStaff {
		return ErrModerateStaff
	}
	w, err := s.Store.Writer(ctx, authorID)
	if errors.Is(err, errs.ErrNotFound) {
		return nil // a deleted account is nobody's staff
	}
	if err != nil {
		return err
	}
	if w.Staff {
		return ErrModerateStaff
	}
	return nil
}

// mayChange reports whether the actor may edit or delete a text authorID wrote
// (authorStaff: its author is staff now, or was when they wrote it): its author may; a
// moderator of the space may, but one who is not staff not what staff wrote. mayEditAs
// decides the same for an action; answers use this to show only the controls that work.
func mayChange(actor auth.Principal, authorID string, authorStaff bool, access SpaceAccess) bool {
	if actor.MemberID == "" {
		return false
	}
	if authorID == actor.MemberID {
		return true
	}
	return access.Moderate && (policy.IsStaff(actor.Roles) || !authorStaff)
}

// Store is what posts need from storage.
type Store interface {
	// CreatePost writes the post, its stream entries and its events in one
	// transaction, under the rate-limit hits (ErrRateLimited; nothing written).
	CreatePost(ctx context.Context, p Post, events []eventtypes.Envelope, hits []ratelimit.Hit) error
	GetPost(ctx context.Context, id string) (Post, error)
	// PostFor reads a post with the member's vote and reactions, in one round trip.
	PostFor(ctx context.Context, id, memberID string) (Post, error)
	SpaceStream(ctx context.Context, spaceID, cursor string, limit int) (Page, error)
	HomeStream(ctx context.Context, memberID, cursor string, limit int) (Page, error)
	AuthorStream(ctx context.Context, memberID, cursor string, limit int) (Page, error)
	// Unanswered lists a space's questions without an accepted answer, newest first.
	Unanswered(ctx context.Context, spaceID, cursor string, limit int) (Page, error)
	// TopIdeas lists a space's ideas, most votes first.
	TopIdeas(ctx context.Context, spaceID, cursor string, limit int) (Page, error)
	// Writer returns what posting needs to know about a member.
	Writer(ctx context.Context, memberID string) (Writer, error)
	Names
}

// Tickets answers whether a member may read a support ticket now (package tickets,
// through the app): a question shows the ticket made from it only to them.
type Tickets interface {
	MayReadTicket(ctx context.Context, actor auth.Principal, ticketID string) (bool, error)
}

// Service is the posting use cases.
type Service struct {
	Store  Store
	Spaces Spaces
	// Tickets decides who sees a question's ticket (nil: nobody does).
	Tickets Tickets
	// Images checks the uploaded images a text shows (nil: texts may not show any).
	Images *Images
	// Directory finds the members the composer offers to mention (nil: none).
	Directory Directory
	Now       func() time.Time
}

// checkImages verifies the uploaded images a text of a space shows (before: the text
// an edit replaces, "" for a new text; see Images.Check).
func (s *Service) checkImages(ctx context.Context, spaceID, text, before string) error {
	if s.Images == nil {
		shown, err := ShownImages(text)
		if err == nil && len(shown) > 0 {
			err = ErrImage
		}
		return err
	}
	return s.Images.Check(ctx, spaceID, text, before)
}

// NewPost is what the composer sends.
type NewPost struct {
	Kind  string `json:"kind"`
	Title string `json:"title,omitempty"`
	Body  string `json:"body"`
	// Options of a poll (2 to 10).
	Options []string `json:"options,omitempty"`
	// ClosesAt closes a poll (optional; without it the poll stays open).
	ClosesAt *time.Time `json:"closesAt,omitempty"`
	// PinnedUntil pins an announcement (required for announcements).
	PinnedUntil *time.Time `json:"pinnedUntil,omitempty"`
	// SuggestionID (questions only, optional) is the suggestionId of the suggestions
	// the composer showed (GET /api/search/suggest?for=question): a live one counts the
	// question as asked after suggestions (docs/kpis.md, "Before you ask"), once per
	// session; an unknown, expired or used one is ignored.
	SuggestionID string `json:"suggestionId,omitempty" format:"id"`
}

// Kinds lists every kind of post.
var Kinds = []string{KindStatus, KindDiscussion, KindQuestion, KindIdea, KindPoll, KindAnnouncement}

func (n *NewPost) validate(now time.Time) error {
	if !slices.Contains(Kinds, n.Kind) {
		return ErrKind
	}
	if err := n.validateText(); err != nil {
		return err
	}
	if n.Kind != KindPoll && (len(n.Options) > 0 || n.ClosesAt != nil) {
		return ErrNotForKind
	}
	if n.Kind != KindAnnouncement && n.PinnedUntil != nil {
		return ErrNotForKind
	}
	if n.SuggestionID != "" && n.Kind != KindQuestion {
		return ErrSuggestionNotForKind
	}
	if n.SuggestionID != "" && !httpx.ValidID(n.SuggestionID) {
		return ErrSuggestionID
	}
	if n.Kind == KindPoll {
		if err := n.validatePoll(now); err != nil {
			return err
		}
	}
	if n.Kind == KindAnnouncement {
		if n.PinnedUntil == nil || !n.PinnedUntil.After(now) || n.PinnedUntil.Sub(now) > MaxAhead {
			return ErrPinnedUntil
		}
		t := n.PinnedUntil.UTC().Truncate(time.Second)
		n.PinnedUntil = &t
	}
	return nil
}

func validTitle(title string) error {
	if t := utf8.RuneCountInString(title); t < 1 || t > MaxTitleRunes {
		return ErrTitle
	}
	return nil
}

func (n *NewPost) validatePoll(now time.Time) error {
	if len(n.Options) < MinPollOptions || len(n.Options) > MaxPollOptions {
		return ErrOptions
	}
	seen := map[string]bool{}
	for i, o := range n.Options {
		o, err := text.Line("options", o)
		if err != nil {
			return err
		}
		// Two options that differ only by case or width are one option.
		key := strings.ToLower(o)
		if l := utf8.RuneCountInString(o); l < 1 || l > MaxOptionRunes || seen[key] {
			return ErrOptions
		}
		seen[key] = true
		n.Options[i] = o
	}
	if n.ClosesAt != nil {
		if !n.ClosesAt.After(now) || n.ClosesAt.Sub(now) > MaxAhead {
			return ErrClosesAt
		}
		// Whole seconds in UTC, so the store can compare it as text with "now".
		t := n.ClosesAt.UTC().Truncate(time.Second)
		n.ClosesAt = &t
	}
	return nil
}

// excerpt is the start of a text as streams and the moderation queue show it: plain
// text made from its page (page: its Markdown rendered, mentions by name), cut on a
// word (content.PageExcerpt).
func excerpt(page string) string {
	return content.PageExcerpt(page, ExcerptRunes)
}

// Create publishes a post in a space the actor may post in.
func (s *Service) Create(ctx context.Context, actor auth.Principal, spaceID string, n NewPost) (Post, error) {
	return s.create(ctx, actor, spaceID, n, "")
}

// create is Create with the post's id given (a scheduled announcement's, fixed when it
// was scheduled; scheduled.go), or "" for a new one.
func (s *Service) create(ctx context.Context, actor auth.Principal, spaceID string, n NewPost, id string) (Post, error) {
	if id == "" {
		id = "p_" + strings.ToLower(rand.Text())
	}
	now := s.Now().UTC()
	// Permission first: a member's announcement is refused whatever its fields say.
	if n.Kind == KindAnnouncement && !policy.Allowed(actor.Roles, policy.PostsAnnounce) {
		return Post{}, fmt.Errorf("posts.Create: %w", ErrAnnounce)
	}
	if err := n.validate(now); err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	access, err := s.Spaces.Access(ctx, actor, spaceID)
	if err == nil && !access.Post {
		err = access.Denied
	}
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	if err := s.checkImages(ctx, spaceID, n.Body, ""); err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	html, names, readers, err := s.render(ctx, actor, spaceID, n.Body)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	author, hits, err := s.brakes(ctx, actor, n.Body)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	p := Post{ID: id, SpaceID: spaceID, SpaceName: access.Name, Kind: n.Kind, Title: n.Title, Body: n.Body,
		HTML: html, AuthorID: actor.MemberID, AuthorName: author, AuthorStaff: policy.IsStaff(actor.Roles), CreatedAt: now, Reactions: zeroCounts(Reactions),
		ClosesAt: n.ClosesAt, PinnedUntil: n.PinnedUntil, Mentions: names}
	if n.Kind == KindIdea {
		p.IdeaStatus = IdeaNew
	}
	if n.Kind == KindPoll {
		ids := make([]string, len(n.Options))
		for i, label := range n.Options {
			ids[i] = fmt.Sprintf("o%d", i+1)
			p.Options = append(p.Options, PollOption{ID: ids[i], Label: label})
		}
		p.Tally = zeroCounts(ids)
	}
	sum := p.Summary()
	meta := eventtypes.NewMeta(now)
	created := eventtypes.PostCreated{Meta: meta,
		PostID: p.ID, SpaceID: spaceID, SpaceName: access.Name, Kind: p.Kind, Title: p.Title, Excerpt: sum.Excerpt,
		AuthorID: p.AuthorID, AuthorName: author, CreatedAt: now, PinnedUntil: p.PinnedUntil, AfterSuggestions: n.SuggestionID != ""}
	mentions, err := s.mentionEvents(readers, eventtypes.MemberMentioned{PostID: p.ID, PostTitle: postTitle(p),
		AuthorID: p.AuthorID, AuthorName: author})
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	write := func() error {
		event, err := eventtypes.Wrap(created)
		if err != nil {
			return err
		}
		return s.Store.CreatePost(ctx, p, append([]eventtypes.Envelope{event}, mentions...), hits)
	}
	p.SuggestionID = n.SuggestionID
	err = write()
	if errors.Is(err, ErrSuggestionGone) {
		// Never blocks a question, never tells whether the id exists: asked without it.
		p.SuggestionID, created.AfterSuggestions = "", false
		err = write()
	}
	if err != nil {
		return Post{}, fmt.Errorf("posts.Create: %w", err)
	}
	p.CanModerate = access.Moderate
	return p, nil
}

func zeroCounts(keys []string) map[string]int {
	m := make(map[string]int, len(keys))
	for _, k := range keys {
		m[k] = 0
	}
	return m
}

// TitleRunes bounds how notifications, emails and the moderation queue name a post
// that has no title (a status): the start of its text.
const TitleRunes = 80

// TitleOf is how notifications and the moderation queue name a post: its title, or a
// status's excerpt of TitleRunes characters, made from its page (p.HTML).
func TitleOf(p Post) string { return postTitle(p) }

// postTitle is how notifications name a post: its title, or a status's excerpt.
func postTitle(p Post) string {
	if p.Title != "" {
		return p.Title
	}
	return content.PageExcerpt(p.HTML, TitleRunes)
}

// render turns a text into sanitized HTML with its mentions shown by name (the names
// it shows are returned: Mentions), and says which mentioned members may read the
// space: the first MaxMentions mentioned are looked up (a mention never shows a post
// to someone who cannot see it). A text mentioning more than MaxNamedMentions members
// is refused.
func (s *Service) render(ctx context.Context, actor auth.Principal, spaceID, text string) (string, map[string]string, []string, error) {
	ids := content.Mentions(text)
	if len(ids) > MaxNamedMentions {
		return "", nil, nil, ErrTooManyMentions
	}
	names, err := s.names(ctx, ids)
	if err != nil {
		return "", nil, nil, err
	}
	var readers []string
	for i, id := range ids {
		if i == MaxMentions {
			break
		}
		if names[id] == "" || id == actor.MemberID {
			continue // no such member now, or oneself: nobody to tell
		}
		_, mayRead, err := s.Spaces.Mentionable(ctx, id, spaceID)
		if err != nil {
			return "", nil, nil, err
		}
		if mayRead {
			readers = append(readers, id)
		}
	}
	html, err := content.RenderMentions(text, names)
	return html, names, readers, err
}

// mentionEvents returns a member.mentioned event for each reader a text mentions.
func (s *Service) mentionEvents(readers []string, base eventtypes.MemberMentioned) ([]eventtypes.Envelope, error) {
	out := make([]eventtypes.Envelope, 0, len(readers))
	for _, id := range readers {
		meta := eventtypes.NewMeta(s.Now())
		evt := base
		evt.Meta, evt.MemberID = meta, id
		env, err := eventtypes.Wrap(evt)
		if err != nil {
			return nil, err
		}
		out = append(out, env)
	}
	return out, nil
}

// newMentionEvents returns member.mentioned events for the readers an edit newly
// mentions (readers of the new text, from render: they may read the space and are not
// the editor) that the old text did not mention, as Discourse does: a mention kept or
// removed by an edit tells nobody. The editor's name is read only when there is
// someone to tell. The notifications consumer tells each member of a mention in a
// post or comment once (Notification.Once), so a mention removed and added again is
// not told twice.
func (s *Service) newMentionEvents(ctx context.Context, actor auth.Principal, oldText string, readers []string, base eventtypes.MemberMentioned) ([]eventtypes.Envelope, error) {
	before := content.Mentions(oldText)
	var added []string
	for _, id := range readers {
		if !slices.Contains(before, id) {
			added = append(added, id)
		}
	}
	if len(added) == 0 {
		return nil, nil
	}
	w, err := s.Store.Writer(ctx, actor.MemberID)
	if err != nil {
		return nil, err
	}
	base.AuthorID, base.AuthorName = actor.MemberID, w.Name
	return s.mentionEvents(added, base)
}

// brakes returns the author's name and the rate limits their next post or comment
// counts against; a new member's text may carry only a few links, and nobody writes
// before accepting the community rules.
func (s *Service) brakes(ctx context.Context, actor auth.Principal, text string) (string, []ratelimit.Hit, error) {
	w, err := s.Store.Writer(ctx, actor.MemberID)
	if err != nil {
		return "", nil, err
	}
	if !w.RulesAccepted {
		return "", nil, ErrRules
	}
	if policy.Allowed(actor.Roles, policy.SpacesModerateAll) {
		return w.Name, nil, nil
	}
	hits := []ratelimit.Hit{{Rule: LimitPosts, Key: actor.MemberID}}
	if s.Now().Sub(w.JoinedAt) < NewMemberPeriod {
		if content.Links(text) > MaxNewMemberLinks {
			return "", nil, ErrTooManyLinks
		}
		hits = append(hits, ratelimit.Hit{Rule: LimitNewPosts, Key: actor.MemberID})
	}
	return w.Name, hits, nil
}

// visible returns a post with the actor's access to its space, or ErrNoPost when the
// actor may not see it: its space is hidden from them, or it is hidden or deleted and
// they neither wrote nor moderate it.
func (s *Service) visible(ctx context.Context, actor auth.Principal, p Post, err error) (Post, SpaceAccess, error) {
	if err != nil {
		if errs.Is(err, errs.ErrNotFound.Code) {
			err = ErrNoPost
		}
		return Post{}, SpaceAccess{}, err
	}
	access, err := s.Spaces.Access(ctx, actor, p.SpaceID)
	if err != nil {
		if e, ok := errs.As(err); ok && e.Kind == errs.NotFound {
			err = ErrNoPost
		}
		return Post{}, SpaceAccess{}, err
	}
	if !access.Read {
		return Post{}, SpaceAccess{}, access.Denied
	}
	if !Readable(p, actor.MemberID, access) {
		return Post{}, SpaceAccess{}, ErrNoPost
	}
	p.CanModerate = access.Moderate
	return p, access, nil
}

// Readable reports whether a member whose access to the post's space is access may read
// the post now: the space is readable to them, and a deleted post only to moderators, a
// hidden one only to moderators and its author. Every answer naming a post (pages,
// streams, notifications at delivery and in the inbox) decides with this.
func Readable(p Post, memberID string, access SpaceAccess) bool {
	if !access.Read {
		return false
	}
	return !(p.Deleted && !access.Moderate) && !(p.Hidden && !access.Moderate && p.AuthorID != memberID)
}

// load reads a post (without the viewer's state) for an action on it.
func (s *Service) load(ctx context.Context, actor auth.Principal, id string) (Post, SpaceAccess, error) {
	p, err := s.Store.GetPost(ctx, id)
	p, access, err := s.visible(ctx, actor, p, err)
	if err != nil {
		return Post{}, SpaceAccess{}, fmt.Errorf("posts %s: %w", id, err)
	}
	return p, access, nil
}

// live reads a post for an action on it: as load, but a deleted post is gone for every
// action (ErrNoPost), moderators' included. Moderators still read it (Get, the history,
// the comments); nothing may be added to it, changed on it or logged about it.
func (s *Service) live(ctx context.Context, actor auth.Principal, id string) (Post, SpaceAccess, error) {
	p, access, err := s.load(ctx, actor, id)
	if err == nil && p.Deleted {
		err = fmt.Errorf("posts %s: %w", id, ErrNoPost)
	}
	return p, access, err
}

// answer is the post as an action answers it (Get): ErrNoPost when another request
// deleted it meanwhile, so no action answers 200 about a deleted post.
func (s *Service) answer(ctx context.Context, actor auth.Principal, id string) (Post, error) {
	p, err := s.Get(ctx, actor, id)
	if err == nil && p.Deleted {
		err = fmt.Errorf("posts %s: %w", id, ErrNoPost)
	}
	return p, err
}

// Get returns a post the actor may read, with their vote and reactions; a poll's
// tally shows only once they voted or the poll closed.
func (s *Service) Get(ctx context.Context, actor auth.Principal, id string) (Post, error) {
	p, err := s.Store.PostFor(ctx, id, actor.MemberID)
	p, _, err = s.shown(ctx, actor, p, err)
	if err != nil {
		return Post{}, fmt.Errorf("posts.Get %s: %w", id, err)
	}
	return p, nil
}

// shown is a post read with the actor's vote and reactions (or the error reading it) as
// the actor may see it (Get), with their access to its space.
func (s *Service) shown(ctx context.Context, actor auth.Principal, p Post, err error) (Post, SpaceAccess, error) {
	p, access, err := s.visible(ctx, actor, p, err)
	var author Author
	if err == nil {
		author, err = s.showPost(ctx, &p)
	}
	if err != nil {
		return Post{}, SpaceAccess{}, err
	}
	if !p.Deleted {
		change := mayChange(actor, p.AuthorID, p.AuthorStaff || author.Staff, access)
		p.CanEdit, p.CanDelete, p.CanHide = change && (!p.Locked || access.Moderate), change, access.Moderate
	}
	if p.Kind == KindPoll {
		p.Votes = 0
		for _, n := range p.Tally {
			p.Votes += n
		}
		if p.MyVote == "" && !p.Closed(s.Now()) {
			p.Tally = nil
		}
	}
	if p.TicketID != "" {
		// The question's author and support agents see the ticket, while they may read it
		// (an author who left the customer space no longer may).
		shown := (p.AuthorID == actor.MemberID || policy.Allowed(actor.Roles, policy.TicketsWork)) && s.Tickets != nil
		if shown {
			if shown, err = s.Tickets.MayReadTicket(ctx, actor, p.TicketID); err != nil {
				return Post{}, SpaceAccess{}, err
			}
		}
		if !shown {
			p.TicketID, p.TicketNumber = "", 0
		}
	}
	return p, access, nil
}

// readable checks that the actor may read a space's content.
func (s *Service) readable(ctx context.Context, actor auth.Principal, spaceID string) error {
	access, err := s.Spaces.Access(ctx, actor, spaceID)
	if err == nil && !access.Read {
		err = access.Denied
	}
	return err
}

// SpaceStream is a space's posts, newest first, announcements pinned on top.
func (s *Service) SpaceStream(ctx context.Context, actor auth.Principal, spaceID, cursor string) (Page, error) {
	if err := s.readable(ctx, actor, spaceID); err != nil {
		return Page{}, fmt.Errorf("posts.SpaceStream: %w", err)
	}
	page, err := s.Store.SpaceStream(ctx, spaceID, cursor, StreamPage)
	if err == nil {
		err = s.showSummaryNames(ctx, &page)
	}
	if err != nil {
		return Page{}, fmt.Errorf("posts.SpaceStream: %w", err)
	}
	return page, nil
}

// Unanswered is a space's questions still waiting for an accepted answer.
func (s *Service) Unanswered(ctx context.Context, actor auth.Principal, spaceID, cursor string) (Page, error) {
	if err := s.readable(ctx, actor, spaceID); err != nil {
		return Page{}, fmt.Errorf("posts.Unanswered: %w", err)
	}
	page, err := s.Store.Unanswered(ctx, spaceID, cursor, StreamPage)
	if err == nil {
		err = s.showSummaryNames(ctx, &page)
	}
	if err != nil {
		return Page{}, fmt.Errorf("posts.Unanswered: %w", err)
	}
	return page, nil
}

// TopIdeas is a space's ideas, most voted first.
func (s *Service) TopIdeas(ctx context.Context, actor auth.Principal, spaceID, cursor string) (Page, error) {
	if err := s.readable(ctx, actor, spaceID); err != nil {
		return Page{}, fmt.Errorf("posts.TopIdeas: %w", err)
	}
	page, err := s.Store.TopIdeas(ctx, spaceID, cursor, StreamPage)
	if err == nil {
		err = s.showSummaryNames(ctx, &page)
	}
	if err != nil {
		return Page{}, fmt.Errorf("posts.TopIdeas: %w", err)
	}
	return page, nil
}

// HomeStream is the posts of the actor's spaces, newest first.
func (s *Service) HomeStream(ctx context.Context, actor auth.Principal, cursor string) (Page, error) {
	page, err := s.Store.HomeStream(ctx, actor.MemberID, cursor, StreamPage)
	if err == nil {
		err = s.showSummaryNames(ctx, &page)
	}
	if err != nil {
		return Page{}, fmt.Errorf("posts.HomeStream: %w", err)
	}
	return page, nil
}

// MemberStream is what a member wrote, newest first. The author stream holds posts of
// every space, so it shows only posts of spaces the viewer may read.
func (s *Service) MemberStream(ctx context.Context, actor auth.Principal, memberID, cursor string) (Page, error) {
	page, err := s.Store.AuthorStream(ctx, memberID, cursor, StreamPage)
	if err != nil {
		return Page{}, fmt.Errorf("posts.MemberStream: %w", err)
	}
	readable := map[string]bool{}
	kept := page.Posts[:0]
	for _, p := range page.Posts {
		ok, seen := readable[p.SpaceID]
		if !seen {
			ok = s.readable(ctx, actor, p.SpaceID) == nil
			readable[p.SpaceID] = ok
		}
		if ok {
			kept = append(kept, p)
		}
	}
	page.Posts = kept
	if err := s.showSummaryNames(ctx, &page); err != nil {
		return Page{}, fmt.Errorf("posts.MemberStream: %w", err)
	}
	return page, nil
}
