package tickets

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/filetypes"
)

// Attachment limits.
const (
	MaxAttachmentBytes = 10 << 20
	attachmentURLTTL   = 5 * time.Minute
)

// AttachmentTypes are the accepted file types and their extensions (the types every
// upload accepts: shared/filetypes).
var AttachmentTypes = filetypes.Common

// Errors of attachments.
var (
	ErrAttachmentType  = errs.InvalidField("contentType", "attachment_type", "Attach PNG, JPEG, GIF, WebP, PDF, text, CSV or ZIP files.")
	ErrAttachmentSize  = errs.New(errs.TooLarge, "attachment_too_large", "A file is at most 10 MB.")
	ErrAttachmentEmpty = errs.InvalidField("size", "attachment_empty", "Give the file's size in bytes.")
	ErrAttachment      = errs.InvalidField("attachments", "invalid_attachment", "Upload each file first (at most 5), then send it with the size and type you gave.")
	ErrNoAttachment    = errs.New(errs.NotFound, "attachment_not_found", "There is no such file in this ticket.")
)

// AttachmentFiles is where attachments live (S3; locally an in-process S3 server).
type AttachmentFiles interface {
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, error)
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	Head(ctx context.Context, key string) (int64, string, error)
}

// UploadRequest asks where to upload an attachment.
type UploadRequest struct {
	Name        string `json:"name"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// Upload is where the browser PUTs the file, and the attachment to send with the
// ticket or reply once it is there.
type Upload struct {
	UploadURL  string     `json:"uploadUrl"`
	Attachment Attachment `json:"attachment"`
	ExpiresAt  time.Time  `json:"expiresAt"`
}

func attachmentPrefix(memberID string) string { return "attachments/" + memberID + "/" }

// StartUpload checks type and size before anything is uploaded and signs the upload.
func (s *Service) StartUpload(ctx context.Context, actor auth.Principal, req UploadRequest) (Upload, error) {
	ext := AttachmentTypes[req.ContentType]
	switch filetypes.Check(AttachmentTypes, req.ContentType, req.Size, MaxAttachmentBytes) {
	case filetypes.BadType:
		return Upload{}, fmt.Errorf("tickets.StartUpload: %w", ErrAttachmentType)
	case filetypes.Empty:
		return Upload{}, fmt.Errorf("tickets.StartUpload: %w", ErrAttachmentEmpty)
	case filetypes.TooLarge:
		return Upload{}, fmt.Errorf("tickets.StartUpload: %w", ErrAttachmentSize)
	}
	a := Attachment{Key: attachmentPrefix(actor.MemberID) + strings.ToLower(rand.Text()) + ext, Name: cleanName(req.Name, ext),
		ContentType: req.ContentType, Size: req.Size}
	url, err := s.Files.PresignPut(ctx, a.Key, a.ContentType, a.Size, attachmentURLTTL)
	if err != nil {
		return Upload{}, fmt.Errorf("tickets.StartUpload: %w", err)
	}
	return Upload{UploadURL: url, Attachment: a, ExpiresAt: s.Now().Add(attachmentURLTTL).UTC()}, nil
}

// cleanName is filetypes.CleanName (a file name safe to show).
func cleanName(name, ext string) string { return filetypes.CleanName(name, ext) }

// checkAttachments verifies files sent with a ticket or reply: the sender uploaded
// them, they are there, and their size and type are what was signed.
func (s *Service) checkAttachments(ctx context.Context, memberID string, list []Attachment) error {
	if len(list) > MaxAttachments {
		return ErrAttachment
	}
	for i, a := range list {
		if !filetypes.SafeKey(a.Key, attachmentPrefix(memberID)) || s.Files == nil {
			return ErrAttachment
		}
		size, contentType, err := s.Files.Head(ctx, a.Key)
		if errors.Is(err, errs.ErrNotFound) {
			return ErrAttachment
		}
		if err != nil {
			return err
		}
		if filetypes.Check(AttachmentTypes, contentType, size, MaxAttachmentBytes) != filetypes.OK || contentType != a.ContentType || size != a.Size {
			return ErrAttachment
		}
		list[i].Name = cleanName(a.Name, AttachmentTypes[contentType])
	}
	return nil
}

// AttachmentURL signs a download of a file of a ticket, for someone who may see the
// message it came with (an internal note's files are for agents only).
func (s *Service) AttachmentURL(ctx context.Context, actor auth.Principal, ticketID, key string) (string, error) {
	t, err := s.load(ctx, actor, ticketID)
	if err != nil {
		return "", fmt.Errorf("tickets.AttachmentURL %s: %w", ticketID, err)
	}
	found := has(t.Attachments, key)
	if !found {
		replies, err := s.Store.Replies(ctx, ticketID)
		if err != nil {
			return "", fmt.Errorf("tickets.AttachmentURL %s: %w", ticketID, err)
		}
		for _, r := range VisibleReplies(replies, IsAgent(actor.Roles)) {
			found = found || has(r.Attachments, key)
		}
	}
	if !found {
		return "", fmt.Errorf("tickets.AttachmentURL %s: %w", ticketID, ErrNoAttachment)
	}
	return s.Files.PresignGet(ctx, key, attachmentURLTTL)
}

func has(list []Attachment, key string) bool {
	for _, a := range list {
		if a.Key == key {
			return true
		}
	}
	return false
}
