package members

import (
	"context"
	"fmt"
	"log/slog"
	"net/http"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// IdentityView is a sign-in provider account linked to a member.
type IdentityView struct {
	Provider string    `json:"provider"`
	Email    string    `json:"email"`
	LinkedAt time.Time `json:"linkedAt"`
}

// Export is everything Tribune keeps about a member that the member may see: their
// account and profile, preferences, sign-in identities and sessions, and everything
// they wrote or did (Activity). Left out, on purpose: the staff-only section, other
// members' internal notes on their tickets, and what others did to them (their inbox):
// docs/decisions.md ("Issue 10: README, directory, export") and docs/identity.md.
type Export struct {
	ExportedAt  time.Time           `json:"exportedAt"`
	Member      Member              `json:"member"`
	Preferences ExportedPreferences `json:"preferences"`
	Identities  []IdentityView      `json:"identities"`
	Sessions    []SessionView       `json:"sessions"`
	Activity
	// Sections hold what the product's other parts keep about the member, each under
	// its part's name ("rewards": the account, badges, points ledger, orders with their
	// address, campaigns; see ExportSection).
	Sections map[string]any `json:"sections"`
}

// ExportSection adds what another part of the product keeps about a member to the
// export, under Name: members imports no other domain, so the app wires each part's
// own gatherer here.
type ExportSection struct {
	Name   string
	Gather func(ctx context.Context, memberID string) (any, error)
}

// ExportedPreferences are a member's settings as the export lists them: the language of pages
// and emails, whether activity notifications also come by email, and the version of
// the community rules they accepted.
type ExportedPreferences struct {
	Language       string `json:"language"`
	ActivityEmails bool   `json:"activityEmails"`
	// KnowledgeEmails: news of followed knowledge-base articles by email (issue 16).
	KnowledgeEmails bool `json:"knowledgeEmails"`
	RulesAccepted   int  `json:"rulesAccepted"`
}

// Activity is everything a member wrote or did, each list oldest first (empty lists
// are [], never null).
type Activity struct {
	// Spaces the member belongs to, asked to join or was invited into.
	Spaces []ExportedMembership `json:"spaces"`
	// Posts they wrote (hidden and deleted ones too: a deleted one keeps no text), each
	// with its earlier versions.
	Posts []ExportedPost `json:"posts"`
	// Comments they wrote, each with its earlier versions.
	Comments []ExportedComment `json:"comments"`
	// Votes on ideas ("up") and polls (the option's label).
	Votes []ExportedVote `json:"votes"`
	// Reactions to posts and comments.
	Reactions []ExportedReaction `json:"reactions"`
	// Reports they filed about posts and comments.
	Reports []ExportedReport `json:"reports"`
	// Tickets they opened, each with its public replies (never the agents' internal
	// notes).
	Tickets []ExportedTicket `json:"tickets"`
	// TicketReplies are the public replies they wrote on others' tickets (as an agent);
	// never internal notes.
	TicketReplies []ExportedReply `json:"ticketReplies"`
	// Invitations they sent (email invitations and shareable links).
	Invitations []ExportedInvitation `json:"invitations"`
}

// ExportedMembership is the member's place in a space.
type ExportedMembership struct {
	SpaceID   string    `json:"spaceId"`
	SpaceName string    `json:"spaceName"`
	Status    string    `json:"status"`
	Role      string    `json:"role"`
	Since     time.Time `json:"since"`
}

// ExportedRevision is a text as it was before an edit.
type ExportedRevision struct {
	Title    string    `json:"title,omitempty"`
	Body     string    `json:"body"`
	EditedAt time.Time `json:"editedAt"`
}

// ExportedPost is a post the member wrote: its Markdown as they wrote it.
type ExportedPost struct {
	ID          string             `json:"id"`
	SpaceID     string             `json:"spaceId"`
	SpaceName   string             `json:"spaceName"`
	Kind        string             `json:"kind"`
	Title       string             `json:"title,omitempty"`
	Body        string             `json:"body"`
	Options     []string           `json:"options,omitempty"`
	IdeaStatus  string             `json:"ideaStatus,omitempty"`
	CreatedAt   time.Time          `json:"createdAt"`
	EditedAt    *time.Time         `json:"editedAt,omitempty"`
	ClosesAt    *time.Time         `json:"closesAt,omitempty"`
	PinnedUntil *time.Time         `json:"pinnedUntil,omitempty"`
	Hidden      bool               `json:"hidden,omitempty"`
	Locked      bool               `json:"locked,omitempty"`
	Deleted     bool               `json:"deleted,omitempty"`
	Revisions   []ExportedRevision `json:"revisions"`
	// Mentions names the members the Markdown's `@m_<id>` references stand for, by id,
	// as when the text was last written ("" for a member who no longer exists).
	Mentions map[string]string `json:"mentions,omitempty"`
}

// ExportedComment is a comment the member wrote.
type ExportedComment struct {
	ID        string             `json:"id"`
	PostID    string             `json:"postId"`
	PostTitle string             `json:"postTitle,omitempty"`
	ParentID  string             `json:"parentId,omitempty"`
	Body      string             `json:"body"`
	CreatedAt time.Time          `json:"createdAt"`
	EditedAt  *time.Time         `json:"editedAt,omitempty"`
	Hidden    bool               `json:"hidden,omitempty"`
	Deleted   bool               `json:"deleted,omitempty"`
	Revisions []ExportedRevision `json:"revisions"`
	// Mentions: as ExportedPost's.
	Mentions map[string]string `json:"mentions,omitempty"`
}

// ExportedVote is a vote on an idea (Option "up") or a poll (Option the label chosen).
type ExportedVote struct {
	PostID    string    `json:"postId"`
	PostTitle string    `json:"postTitle,omitempty"`
	Option    string    `json:"option"`
	At        time.Time `json:"at"`
}

// ExportedReaction is a reaction to a post, or to one of its comments (CommentID). At is
// unknown (absent) for reactions made before the export listed them.
type ExportedReaction struct {
	PostID    string     `json:"postId"`
	PostTitle string     `json:"postTitle,omitempty"`
	CommentID string     `json:"commentId,omitempty"`
	Reaction  string     `json:"reaction"`
	At        *time.Time `json:"at,omitempty"`
}

// ExportedReport is a report the member filed.
type ExportedReport struct {
	PostID    string    `json:"postId"`
	CommentID string    `json:"commentId,omitempty"`
	Reason    string    `json:"reason"`
	Note      string    `json:"note,omitempty"`
	At        time.Time `json:"at"`
}

// ExportedTicket is a ticket the member opened, with its public replies.
type ExportedTicket struct {
	ID          string          `json:"id"`
	Number      int64           `json:"number"`
	SpaceID     string          `json:"spaceId"`
	SpaceName   string          `json:"spaceName"`
	Subject     string          `json:"subject"`
	Product     string          `json:"product,omitempty"`
	Severity    string          `json:"severity"`
	Body        string          `json:"body"`
	Status      string          `json:"status"`
	Attachments []string        `json:"attachments"`
	CreatedAt   time.Time       `json:"createdAt"`
	SolvedAt    *time.Time      `json:"solvedAt,omitempty"`
	Rating      *ExportedRating `json:"rating,omitempty"`
	Replies     []ExportedReply `json:"replies"`
}

// ExportedRating is the member's rating of a solved ticket.
type ExportedRating struct {
	Good    bool      `json:"good"`
	Comment string    `json:"comment,omitempty"`
	At      time.Time `json:"at"`
}

// ExportedReply is a public reply in a ticket (AuthorName as the ticket page shows it).
type ExportedReply struct {
	TicketID     string    `json:"ticketId"`
	TicketNumber int64     `json:"ticketNumber"`
	ID           string    `json:"id"`
	AuthorName   string    `json:"authorName"`
	FromAgent    bool      `json:"fromAgent"`
	Automatic    bool      `json:"automatic,omitempty"`
	Body         string    `json:"body"`
	Attachments  []string  `json:"attachments"`
	CreatedAt    time.Time `json:"createdAt"`
}

// ExportedInvitation is an invitation the member sent (the code itself is kept only as
// a hash, so it is not in the export).
type ExportedInvitation struct {
	ID         string     `json:"id"`
	Kind       string     `json:"kind"`
	Email      string     `json:"email,omitempty"`
	Roles      []string   `json:"roles"`
	Message    string     `json:"message,omitempty"`
	State      string     `json:"state"`
	Uses       int        `json:"uses"`
	MaxUses    int        `json:"maxUses"`
	CreatedAt  time.Time  `json:"createdAt"`
	ValidUntil time.Time  `json:"validUntil"`
	RevokedAt  *time.Time `json:"revokedAt,omitempty"`
}

// DeleteRequest confirms an account deletion.
type DeleteRequest struct {
	Confirm bool `json:"confirm"`
}

// DeletedName is what a deleted member's content is credited to.
const DeletedName = auth.DeletedName

// ErrConfirm asks for an explicit confirmation.
var ErrConfirm = errs.InvalidField("confirm", "confirmation_required", "Confirm the deletion with {\"confirm\": true}.")

// PrivacyStore is what export and deletion need from storage.
type PrivacyStore interface {
	ListIdentities(ctx context.Context, memberID string) ([]IdentityView, error)
	// MemberActivity gathers everything a member wrote or did (see Activity).
	MemberActivity(ctx context.Context, memberID string) (Activity, error)
	// DeleteAccount erases a member's personal data (profile, email claim, identities,
	// tags, staff section) and records member.deleted, in one transaction; sessions
	// are ended after.
	DeleteAccount(ctx context.Context, memberID string, event eventtypes.Envelope) error
}

// ExportData gathers a member's data, with each of sections.
func (s *Service) ExportData(ctx context.Context, store PrivacyStore, p auth.Principal, sections ...ExportSection) (Export, error) {
	m, err := s.Store.GetMember(ctx, p.MemberID)
	if err != nil {
		return Export{}, fmt.Errorf("members.ExportData %s: %w", p.MemberID, err)
	}
	ids, err := store.ListIdentities(ctx, p.MemberID)
	if err != nil {
		return Export{}, fmt.Errorf("members.ExportData %s: %w", p.MemberID, err)
	}
	sessions, err := s.Store.ListSessions(ctx, p.MemberID)
	if err != nil {
		return Export{}, fmt.Errorf("members.ExportData %s: %w", p.MemberID, err)
	}
	activity, err := store.MemberActivity(ctx, p.MemberID)
	if err != nil {
		return Export{}, fmt.Errorf("members.ExportData %s: %w", p.MemberID, err)
	}
	out := Export{ExportedAt: s.Now().UTC(), Member: m, Identities: ids, Sessions: []SessionView{}, Activity: activity,
		Preferences: ExportedPreferences{Language: m.Locale, ActivityEmails: m.ActivityEmails,
			KnowledgeEmails: m.KnowledgeEmails, RulesAccepted: m.RulesAccepted},
		Sections: map[string]any{}}
	for _, sec := range sections {
		if out.Sections[sec.Name], err = sec.Gather(ctx, p.MemberID); err != nil {
			return Export{}, fmt.Errorf("members.ExportData %s %s: %w", sec.Name, p.MemberID, err)
		}
	}
	if out.Identities == nil {
		out.Identities = []IdentityView{}
	}
	for _, x := range sessions {
		out.Sessions = append(out.Sessions, SessionView{ID: x.Hash, Device: x.Device, CreatedAt: x.CreatedAt, ExpiresAt: x.ExpiresAt, Current: x.Hash == p.SessionHash})
	}
	return out, nil
}

// DeleteAccount erases the signed-in member's personal data.
func (s *Service) DeleteAccount(ctx context.Context, store PrivacyStore, p auth.Principal) error {
	meta := eventtypes.NewMeta(s.Now())
	event, err := eventtypes.Wrap(eventtypes.MemberDeleted{Meta: meta, MemberID: p.MemberID})
	if err != nil {
		return fmt.Errorf("members.DeleteAccount: %w", err)
	}
	if err := store.DeleteAccount(ctx, p.MemberID, event); err != nil {
		return fmt.Errorf("members.DeleteAccount %s: %w", p.MemberID, err)
	}
	if err := s.Store.DeleteAllSessions(ctx, p.MemberID); err != nil {
		return fmt.Errorf("members.DeleteAccount %s: %w", p.MemberID, err)
	}
	slog.InfoContext(ctx, "account deleted", "member_id", p.MemberID)
	return nil
}

// PrivacyHTTP exposes export and deletion.
type PrivacyHTTP struct {
	HTTP  HTTP
	Store PrivacyStore
	// Sections are the other parts' data the export adds.
	Sections []ExportSection
}

// Routes returns the privacy operations.
func (h PrivacyHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "GET", Pattern: "/api/me/export", Tag: "members", Action: policy.SignedIn, Handler: h.export,
			Summary:   "Download everything Tribune keeps about the signed-in member (JSON).",
			Responses: httpx.Answers(200, "The export", Export{}, map[int]string{401: "Not signed in"})},
		{Method: "POST", Pattern: "/api/me/delete", Tag: "members", Action: policy.SignedIn, Handler: h.delete, Request: DeleteRequest{},
			Summary: "Delete the signed-in member's account: personal data erased, sessions ended; what they wrote stays, credited to \"Deleted member\".",
			Responses: httpx.Answers(204, "Deleted", nil, map[int]string{400: "Not confirmed", 401: "Not signed in",
				403: "Cross-origin request"})},
	}
}

func (h PrivacyHTTP) export(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	out, err := h.HTTP.Service.ExportData(r.Context(), h.Store, p, h.Sections...)
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Content-Disposition", `attachment; filename="tribune-export.json"`)
	httpx.WriteJSON(w, http.StatusOK, out)
}

func (h PrivacyHTTP) delete(w http.ResponseWriter, r *http.Request) {
	var req DeleteRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	if !req.Confirm {
		httpx.WriteError(w, r, ErrConfirm)
		return
	}
	p, _ := auth.PrincipalFrom(r.Context())
	if err := h.HTTP.Service.DeleteAccount(r.Context(), h.Store, p); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	auth.ClearCookie(w, h.HTTP.CookieSecure)
	w.WriteHeader(http.StatusNoContent)
}

// ErasureStore erases what other items hold of a deleted member.
type ErasureStore interface {
	// EraseTraces writes "Deleted member" wherever the member's name was copied (their
	// content, mentions of them, tickets, invitations, stream copies) and removes what
	// was theirs alone (memberships, home stream, inbox); repeating it is harmless.
	EraseTraces(ctx context.Context, memberID string) error
}

// ErasureFiles is what an erasure needs of the files bucket.
type ErasureFiles interface {
	List(ctx context.Context, prefix string) ([]string, error)
	// Delete removes an object (a missing one is fine).
	Delete(ctx context.Context, key string) error
}

// Erasure finishes an account deletion off the request path: the deletion's transaction
// erases the member's own items; member.deleted then reaches every copy of their name
// and deletes their avatar files.
type Erasure struct {
	Store ErasureStore
	// Files holds the avatars (nil only where no bucket is wired: nothing is deleted).
	Files ErasureFiles
}

// OnMemberDeleted erases a deleted member's name everywhere it was copied, and deletes
// every file under their avatars/<member>/ prefix (the current avatar, earlier ones a
// failed delete left, uploads never confirmed). Both steps are idempotent, so a repeated
// delivery is harmless. A download URL signed before stops working once the object is
// gone (S3 reads after a delete see it deleted); an upload URL signed before the
// deletion stays valid until it expires (avatarURLTTL, 5 minutes after it was signed):
// docs/identity.md, "Profiles and privacy".
func (e Erasure) OnMemberDeleted(ctx context.Context, evt eventtypes.MemberDeleted) error {
	if err := e.Store.EraseTraces(ctx, evt.MemberID); err != nil {
		return fmt.Errorf("members.OnMemberDeleted %s: %w", evt.MemberID, err)
	}
	slog.InfoContext(ctx, "deleted member's name erased everywhere", "member_id", evt.MemberID)
	if e.Files == nil {
		slog.WarnContext(ctx, "no file store: a deleted member's avatar files are left", "member_id", evt.MemberID)
		return nil
	}
	keys, err := e.Files.List(ctx, avatarPrefix(evt.MemberID))
	if err != nil {
		return fmt.Errorf("members.OnMemberDeleted %s: %w", evt.MemberID, err)
	}
	for _, key := range keys {
		if err := e.Files.Delete(ctx, key); err != nil {
			return fmt.Errorf("members.OnMemberDeleted %s: %w", evt.MemberID, err)
		}
	}
	slog.InfoContext(ctx, "deleted member's avatar files deleted", "member_id", evt.MemberID, "files", len(keys))
	return nil
}
