package tickets

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"path"
	"strings"
	"time"
	"unicode"
	"unicode/utf8"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/text"
)

// Attachment limits.
const (
	MaxAttachmentBytes = 10 << 20
	attachmentURLTTL   = 5 * time.Minute
)

// AttachmentTypes are the accepted file types and their extensions.
var AttachmentTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/gif": ".gif", "image/webp": ".webp",
	"application/pdf": ".pdf", "text/plain": ".txt", "text/csv": ".csv", "application/zip": ".zip"}

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
	ext, ok := AttachmentTypes[req.ContentType]
	switch {
	case !ok:
		return Upload{}, fmt.Errorf("tickets.StartUpload: %w", ErrAttachmentType)
	case req.Size < 1:
		return Upload{}, fmt.Errorf("tickets.StartUpload: %w", ErrAttachmentEmpty)
	case req.Size > MaxAttachmentBytes:
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

// cleanName keeps a file's base name, short, under the rules of a line of text
// (text.Line). A file name comes from the person's disk, not from their typing, so
// control, format and bidi characters are removed rather than refused: "invoice" +
// U+202E + "fdp.exe" shows as what it is, "invoicefdp.exe".
func cleanName(name, ext string) string {
	name = path.Base(strings.ReplaceAll(name, "\\", "/"))
	name = strings.Map(func(r rune) rune {
		if unicode.In(r, unicode.Cc, unicode.Cf, unicode.Zl, unicode.Zp) {
			return -1
		}
		return r
	}, name)
	if clean, err := text.Line("name", name); err == nil {
		name = clean
	} else {
		name = ""
	}
	if name == "" || name == "." || name == "/" {
		name = "file" + ext
	}
	if utf8.RuneCountInString(name) > 100 {
		name = string([]rune(name)[:100])
	}
	return name
}

// checkAttachments verifies files sent with a ticket or reply: the sender uploaded
// them, they are there, and their size and type are what was signed.
func (s *Service) checkAttachments(ctx context.Context, memberID string, list []Attachment) error {
	if len(list) > MaxAttachments {
		return ErrAttachment
	}
	for i, a := range list {
		if !strings.HasPrefix(a.Key, attachmentPrefix(memberID)) || strings.Contains(a.Key, "..") || len(a.Key) > 200 || s.Files == nil {
			return ErrAttachment
		}
		size, contentType, err := s.Files.Head(ctx, a.Key)
		if errors.Is(err, errs.ErrNotFound) {
			return ErrAttachment
		}
		if err != nil {
			return err
		}
		if _, ok := AttachmentTypes[contentType]; !ok || size > MaxAttachmentBytes || contentType != a.ContentType || size != a.Size {
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
