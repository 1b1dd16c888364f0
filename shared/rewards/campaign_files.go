package rewards

import (
	"context"
	"crypto/rand"
	"fmt"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
)

// Files of campaigns: a campaign's image (uploaded by its marketers) and proof
// screenshots (uploaded by members), under the files bucket's rewards/ prefix.
const (
	campaignImagePrefix = "rewards/campaigns/"
	proofPrefix         = "rewards/proofs/"
	MaxImageBytes       = 5 << 20
	fileURLTTL          = 5 * time.Minute
)

// ImageTypes are the accepted image types and their extensions.
var ImageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp"}

// Purposes of an upload.
const (
	UploadCampaignImage = "campaign_image"
	UploadProof         = "proof_screenshot"
)

// UploadRequest asks where to upload a campaign image or a proof screenshot.
type UploadRequest struct {
	Purpose     string `json:"purpose"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Upload is where the browser PUTs the file, and the key to send once it is there.
type Upload struct {
	UploadURL string    `json:"uploadUrl"`
	Key       string    `json:"key"`
	ExpiresAt time.Time `json:"expiresAt"`
}

// Errors of uploads.
var (
	ErrUploadType    = errs.InvalidField("contentType", "reward_image_type", "Upload a PNG, JPEG or WebP image.")
	ErrUploadSize    = errs.New(errs.TooLarge, "reward_image_too_large", "An image is at most 5 MB.")
	ErrUploadEmpty   = errs.InvalidField("size", "reward_image_empty", "Give the image's size in bytes.")
	ErrUploadPurpose = errs.InvalidField("purpose", "invalid_upload_purpose", "Upload a campaign image or a proof screenshot.")
	ErrNoFile        = errs.New(errs.NotFound, "reward_file_not_found", "There is no such image.")
)

func proofDir(memberID string) string { return proofPrefix + memberID + "/" }

// StartUpload signs an upload: campaign images for those who run campaigns, proof
// screenshots for members (under their own folder).
func (s *Campaigns) StartUpload(ctx context.Context, actor auth.Principal, req UploadRequest) (Upload, error) {
	ext, ok := ImageTypes[req.ContentType]
	var dir string
	switch {
	case req.Purpose == UploadCampaignImage && MayManage(actor.Roles):
		dir = campaignImagePrefix
	case req.Purpose == UploadProof:
		dir = proofDir(actor.MemberID)
	case req.Purpose == UploadCampaignImage:
		return Upload{}, fmt.Errorf("rewards.StartUpload: %w", errs.New(errs.Forbidden, "campaigns_manage_only", "Only those who run campaigns upload their images."))
	default:
		return Upload{}, fmt.Errorf("rewards.StartUpload: %w", ErrUploadPurpose)
	}
	switch {
	case !ok:
		return Upload{}, fmt.Errorf("rewards.StartUpload: %w", ErrUploadType)
	case req.Size < 1:
		return Upload{}, fmt.Errorf("rewards.StartUpload: %w", ErrUploadEmpty)
	case req.Size > MaxImageBytes:
		return Upload{}, fmt.Errorf("rewards.StartUpload: %w", ErrUploadSize)
	case s.Files == nil:
		return Upload{}, fmt.Errorf("rewards.StartUpload: %w", errs.New(errs.Unavailable, "files_unavailable", "Files cannot be uploaded here."))
	}
	key := dir + strings.ToLower(rand.Text()) + ext
	url, err := s.Files.PresignPut(ctx, key, req.ContentType, req.Size, fileURLTTL)
	if err != nil {
		return Upload{}, fmt.Errorf("rewards.StartUpload: %w", err)
	}
	return Upload{UploadURL: url, Key: key, ExpiresAt: s.Now().Add(fileURLTTL).UTC()}, nil
}

// ImageURL signs a download of a campaign's image for whoever may see the campaign.
func (s *Campaigns) ImageURL(ctx context.Context, actor auth.Principal, id string) (string, error) {
	c, err := s.visible(ctx, actor, id)
	if err != nil {
		return "", fmt.Errorf("rewards.ImageURL %s: %w", id, err)
	}
	if c.ImageKey == "" || s.Files == nil {
		return "", fmt.Errorf("rewards.ImageURL %s: %w", id, ErrNoFile)
	}
	return s.Files.PresignGet(ctx, c.ImageKey, fileURLTTL)
}

// ScreenshotURL signs a download of a proof's screenshot for its member and reviewers.
func (s *Campaigns) ScreenshotURL(ctx context.Context, actor auth.Principal, id string) (string, error) {
	sub, err := s.readable(ctx, actor, id)
	if err != nil {
		return "", fmt.Errorf("rewards.ScreenshotURL %s: %w", id, err)
	}
	if sub.ScreenshotKey == "" || s.Files == nil {
		return "", fmt.Errorf("rewards.ScreenshotURL %s: %w", id, ErrNoFile)
	}
	return s.Files.PresignGet(ctx, sub.ScreenshotKey, fileURLTTL)
}

// checkScreenshot verifies a member's uploaded screenshot.
func (s *Campaigns) checkScreenshot(ctx context.Context, memberID, key string, need bool) error {
	if key == "" {
		if need {
			return ErrScreenshot
		}
		return nil
	}
	if !strings.HasPrefix(key, proofDir(memberID)) || strings.Contains(key, "..") || len(key) > 200 || s.Files == nil {
		return ErrScreenshot
	}
	size, typ, err := s.Files.Head(ctx, key)
	if err != nil || size > MaxImageBytes || ImageTypes[typ] == "" {
		return ErrScreenshot
	}
	return nil
}
