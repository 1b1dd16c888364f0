package members

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"slices"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/eventtypes"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// Avatar limits.
const (
	MaxAvatarBytes = 2 << 20
	avatarURLTTL   = 5 * time.Minute
)

// AvatarTypes are the accepted image types and their file extensions.
var AvatarTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}

// Files is where avatars live (S3 in AWS, an in-process S3 server locally).
type Files interface {
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, error)
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	Head(ctx context.Context, key string) (int64, string, error)
	Delete(ctx context.Context, key string) error
	// List returns every key under a prefix.
	List(ctx context.Context, prefix string) ([]string, error)
}

// AvatarStore records a member's avatar.
type AvatarStore interface {
	// SetAvatar sets (or, key "", removes) the avatar, with events in the same write.
	SetAvatar(ctx context.Context, memberID, key string, events ...eventtypes.Envelope) (Member, error)
}

// Errors of avatars.
var (
	ErrAvatarType = errs.InvalidField("contentType", "avatar_type", "An avatar is a PNG, JPEG or WebP image.")
	ErrAvatarSize = errs.New(errs.TooLarge, "avatar_too_large", "An avatar is at most 2 MB.")
	ErrAvatarKey  = errs.InvalidField("key", "avatar_not_uploaded", "Upload the image first, to the address you were given.")
	ErrAvatarNone = errs.InvalidField("size", "avatar_empty", "Give the image's size in bytes.")
)

// UploadRequest asks where to upload an avatar.
type UploadRequest struct {
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Upload is where the browser PUTs the image (with this Content-Type), then confirms.
type Upload struct {
	UploadURL   string    `json:"uploadUrl"`
	Key         string    `json:"key"`
	ContentType string    `json:"contentType"`
	ExpiresAt   time.Time `json:"expiresAt"`
}

// ConfirmRequest makes an uploaded image the avatar.
type ConfirmRequest struct {
	Key string `json:"key"`
}

// Avatars handles avatar uploads.
type Avatars struct {
	Service *Service
	Store   AvatarStore
	Files   Files
}

func avatarPrefix(memberID string) string { return "avatars/" + memberID + "/" }

// StartUpload checks type and size before anything is uploaded and signs the upload.
func (a *Avatars) StartUpload(ctx context.Context, memberID string, req UploadRequest) (Upload, error) {
	ext, ok := AvatarTypes[req.ContentType]
	if !ok {
		return Upload{}, fmt.Errorf("members.StartUpload: %w", ErrAvatarType)
	}
	if req.Size < 1 {
		return Upload{}, fmt.Errorf("members.StartUpload: %w", ErrAvatarNone)
	}
	if req.Size > MaxAvatarBytes {
		return Upload{}, fmt.Errorf("members.StartUpload: %w", ErrAvatarSize)
	}
	key := avatarPrefix(memberID) + strings.ToLower(rand.Text()) + ext
	url, err := a.Files.PresignPut(ctx, key, req.ContentType, req.Size, avatarURLTTL)
	if err != nil {
		return Upload{}, fmt.Errorf("members.StartUpload: %w", err)
	}
	return Upload{UploadURL: url, Key: key, ContentType: req.ContentType, ExpiresAt: a.Service.Now().Add(avatarURLTTL).UTC()}, nil
}

// Confirm checks the uploaded object (S3 enforces the signed size; the check also
// covers stores that do not) and makes it the member's avatar.
func (a *Avatars) Confirm(ctx context.Context, memberID, key string) (Member, error) {
	if !strings.HasPrefix(key, avatarPrefix(memberID)) || strings.Contains(key, "..") || len(key) > 200 {
		return Member{}, fmt.Errorf("members.Confirm: %w", ErrAvatarKey)
	}
	size, contentType, err := a.Files.Head(ctx, key)
	if errors.Is(err, errs.ErrNotFound) {
		return Member{}, fmt.Errorf("members.Confirm: %w", ErrAvatarKey)
	}
	if err != nil {
		return Member{}, fmt.Errorf("members.Confirm: %w", err)
	}
	if size > MaxAvatarBytes || !slices.Contains(avatarTypeList(), contentType) {
		_ = a.Files.Delete(ctx, key)
		if size > MaxAvatarBytes {
			return Member{}, fmt.Errorf("members.Confirm: %w", ErrAvatarSize)
		}
		return Member{}, fmt.Errorf("members.Confirm: %w", ErrAvatarType)
	}
	old, err := a.Service.Store.GetMember(ctx, memberID)
	if err != nil {
		return Member{}, fmt.Errorf("members.Confirm: %w", err)
	}
	// A first photo is told (the reward programme pays it once).
	var events []eventtypes.Envelope
	if old.AvatarKey == "" {
		added, err := eventtypes.Wrap(eventtypes.ProfilePhotoAdded{Meta: eventtypes.NewMeta(a.Service.Now()), MemberID: memberID})
		if err != nil {
			return Member{}, fmt.Errorf("members.Confirm: %w", err)
		}
		events = append(events, added)
	}
	m, err := a.Store.SetAvatar(ctx, memberID, key, events...)
	if err != nil {
		return Member{}, fmt.Errorf("members.Confirm: %w", err)
	}
	if old.AvatarKey != "" && old.AvatarKey != key {
		_ = a.Files.Delete(ctx, old.AvatarKey)
	}
	return m, nil
}

// Remove deletes a member's avatar.
func (a *Avatars) Remove(ctx context.Context, memberID string) error {
	old, err := a.Service.Store.GetMember(ctx, memberID)
	if err != nil {
		return fmt.Errorf("members.Remove: %w", err)
	}
	if _, err := a.Store.SetAvatar(ctx, memberID, ""); err != nil {
		return fmt.Errorf("members.Remove: %w", err)
	}
	if old.AvatarKey != "" {
		_ = a.Files.Delete(ctx, old.AvatarKey)
	}
	return nil
}

// URL signs a download of a member's avatar.
func (a *Avatars) URL(ctx context.Context, memberID string) (string, error) {
	m, err := a.Service.Store.GetMember(ctx, memberID)
	if err == nil && (m.AvatarKey == "" || m.Status == StatusDeleted) {
		err = ErrNoSuchFile
	}
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoSuchFile
	}
	if err != nil {
		return "", fmt.Errorf("members.URL %s: %w", memberID, err)
	}
	return a.Files.PresignGet(ctx, m.AvatarKey, avatarURLTTL)
}

func avatarTypeList() []string {
	out := make([]string, 0, len(AvatarTypes))
	for t := range AvatarTypes {
		out = append(out, t)
	}
	return out
}

// AvatarHTTP exposes avatars.
type AvatarHTTP struct{ Avatars *Avatars }

// Routes returns the avatar operations.
func (h AvatarHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/me/avatar/upload", NoIdempotencyKey: true, Tag: "members", Action: policy.SignedIn, Handler: h.upload, Request: UploadRequest{},
			Summary:   "Ask where to upload an avatar (PNG, JPEG or WebP, at most 2 MB): a presigned URL, valid 5 minutes, for a PUT with that Content-Type.",
			Responses: httpx.Answers(200, "Done", Upload{}, map[int]string{400: "Not an accepted image type", 413: "Larger than 2 MB"})},
		{Method: "PUT", Pattern: "/api/me/avatar", Tag: "members", Action: policy.SignedIn, Handler: h.confirm, Request: ConfirmRequest{},
			Summary:   "Make the uploaded image the avatar (its size and type are checked again).",
			Responses: httpx.Answers(200, "Done", Member{}, map[int]string{400: "Not uploaded, or not an accepted image", 413: "Larger than 2 MB"})},
		{Method: "DELETE", Pattern: "/api/me/avatar", Tag: "members", Action: policy.SignedIn, Handler: h.remove,
			Summary: "Remove the avatar.", Responses: httpx.Answers(204, "Done", nil, nil)},
		{Method: "GET", Pattern: "/api/members/{id}/avatar", Tag: "members", Action: policy.SignedIn, Handler: h.get,
			Summary:   "A member's avatar: a redirect to a short-lived download URL.",
			Responses: httpx.Answers(302, "Done", nil, map[int]string{404: "No avatar"})},
	}
}

func (h AvatarHTTP) upload(w http.ResponseWriter, r *http.Request) {
	var req UploadRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p, _ := auth.PrincipalFrom(r.Context())
	up, err := h.Avatars.StartUpload(r.Context(), p.MemberID, req)
	httpx.Reply(w, r, http.StatusOK, up, err)
}

func (h AvatarHTTP) confirm(w http.ResponseWriter, r *http.Request) {
	var req ConfirmRequest
	if err := httpx.DecodeJSON(r, &req); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	p, _ := auth.PrincipalFrom(r.Context())
	m, err := h.Avatars.Confirm(r.Context(), p.MemberID, req.Key)
	httpx.Reply(w, r, http.StatusOK, m, err)
}

func (h AvatarHTTP) remove(w http.ResponseWriter, r *http.Request) {
	p, _ := auth.PrincipalFrom(r.Context())
	if err := h.Avatars.Remove(r.Context(), p.MemberID); err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.WriteHeader(http.StatusNoContent)
}

func (h AvatarHTTP) get(w http.ResponseWriter, r *http.Request) {
	url, err := h.Avatars.URL(r.Context(), r.PathValue("id"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	w.Header().Set("Cache-Control", "private, max-age=240")
	http.Redirect(w, r, url, http.StatusFound)
}
