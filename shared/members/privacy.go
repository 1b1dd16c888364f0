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

// Export is everything Tribune keeps about a member that the member may see (the
// staff-only section is excluded: see docs/decisions.md).
type Export struct {
	ExportedAt time.Time      `json:"exportedAt"`
	Member     Member         `json:"member"`
	Identities []IdentityView `json:"identities"`
	Sessions   []SessionView  `json:"sessions"`
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
	// DeleteAccount erases a member's personal data (profile, email claim, identities,
	// tags, staff section) and records member.deleted, in one transaction; sessions
	// are ended after.
	DeleteAccount(ctx context.Context, memberID string, event eventtypes.Envelope) error
}

// ExportData gathers a member's data.
func (s *Service) ExportData(ctx context.Context, store PrivacyStore, p auth.Principal) (Export, error) {
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
	out := Export{ExportedAt: s.Now().UTC(), Member: m, Identities: ids, Sessions: []SessionView{}}
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
	event, err := eventtypes.NewEnvelope(eventtypes.SourceMembers, eventtypes.MemberDeletedType, meta, eventtypes.MemberDeleted{Meta: meta, MemberID: p.MemberID})
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
	out, err := h.HTTP.Service.ExportData(r.Context(), h.Store, p)
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
func (e Erasure) OnMemberDeleted(ctx context.Context, env eventtypes.Envelope) error {
	var evt eventtypes.MemberDeleted
	if err := eventtypes.Decode(env, &evt); err != nil {
		return fmt.Errorf("members.OnMemberDeleted: %w", err)
	}
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
