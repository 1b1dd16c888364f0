package posts

import (
	"context"
	"crypto/rand"
	"errors"
	"fmt"
	"net/http"
	"regexp"
	"slices"
	"strings"
	"time"

	"tribune/shared/auth"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// Image limits.
const (
	MaxImageBytes = 5 << 20
	// MaxImages bounds the uploaded images one text may show.
	MaxImages   = 10
	imageURLTTL = 5 * time.Minute
)

// ImageTypes are the accepted image types and their file extensions.
var ImageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}

// imageRef finds uploaded images in Markdown: /api/images/<member>/<file>.
var imageRef = regexp.MustCompile(`/api/images/(m_[A-Za-z0-9_]{1,40})/([a-z0-9]{26}\.(?:png|jpg|webp|gif))`)

// Errors of images.
var (
	ErrImageType  = errs.InvalidField("contentType", "image_type", "An image is a PNG, JPEG, WebP or GIF.")
	ErrImageSize  = errs.New(errs.TooLarge, "image_too_large", "An image is at most 5 MB.")
	ErrImageEmpty = errs.InvalidField("size", "image_empty", "Give the image's size in bytes.")
	ErrImage      = errs.InvalidField("body", "invalid_image", "An image in the text was not uploaded, or is not an accepted image.")
	ErrTooMany    = errs.InvalidField("body", "too_many_images", "A text shows at most 10 uploaded images.")
	ErrNoImage    = errs.New(errs.NotFound, "image_not_found", "There is no such image.")
)

// ImageFiles is where uploaded images live (S3; locally an in-process S3 server).
type ImageFiles interface {
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, error)
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	// Head returns an object's size and type, errs.ErrNotFound if absent.
	Head(ctx context.Context, key string) (int64, string, error)
}

// Images are pictures members upload for their posts and comments.
type Images struct {
	Files ImageFiles
	Now   func() time.Time
}

// ImageUploadRequest asks where to upload an image.
type ImageUploadRequest struct {
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// ImageUpload is where the browser PUTs the image (with this Content-Type), and the
// address the Markdown then shows it by.
type ImageUpload struct {
	UploadURL   string    `json:"uploadUrl"`
	ContentType string    `json:"contentType"`
	URL         string    `json:"url"`
	ExpiresAt   time.Time `json:"expiresAt"`
}

func imageKey(memberID, file string) string { return "images/" + memberID + "/" + file }

// StartUpload checks type and size before anything is uploaded and signs the upload.
func (i *Images) StartUpload(ctx context.Context, memberID string, req ImageUploadRequest) (ImageUpload, error) {
	ext, ok := ImageTypes[req.ContentType]
	switch {
	case !ok:
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", ErrImageType)
	case req.Size < 1:
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", ErrImageEmpty)
	case req.Size > MaxImageBytes:
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", ErrImageSize)
	}
	file := strings.ToLower(rand.Text()) + ext
	url, err := i.Files.PresignPut(ctx, imageKey(memberID, file), req.ContentType, req.Size, imageURLTTL)
	if err != nil {
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", err)
	}
	return ImageUpload{UploadURL: url, ContentType: req.ContentType, URL: "/api/images/" + memberID + "/" + file,
		ExpiresAt: i.Now().Add(imageURLTTL).UTC()}, nil
}

// Check verifies every uploaded image a text shows: it exists, is an accepted type and
// is not too large (S3 enforces the signed size; this also covers stores that do not).
func (i *Images) Check(ctx context.Context, text string) error {
	refs := imageRef.FindAllStringSubmatch(text, -1)
	if len(refs) > MaxImages {
		return ErrTooMany
	}
	for _, ref := range refs {
		size, contentType, err := i.Files.Head(ctx, imageKey(ref[1], ref[2]))
		if errors.Is(err, errs.ErrNotFound) {
			return ErrImage
		}
		if err != nil {
			return err
		}
		if size > MaxImageBytes || !slices.Contains(imageTypeList(), contentType) {
			return ErrImage
		}
	}
	return nil
}

func imageTypeList() []string {
	out := make([]string, 0, len(ImageTypes))
	for t := range ImageTypes {
		out = append(out, t)
	}
	return out
}

// URL signs a short download of an uploaded image.
func (i *Images) URL(ctx context.Context, memberID, file string) (string, error) {
	ref := imageRef.FindStringSubmatch("/api/images/" + memberID + "/" + file)
	if ref == nil || ref[0] != "/api/images/"+memberID+"/"+file {
		return "", fmt.Errorf("posts.ImageURL: %w", ErrNoImage)
	}
	url, err := i.Files.PresignGet(ctx, imageKey(memberID, file), imageURLTTL)
	if err != nil {
		return "", fmt.Errorf("posts.ImageURL: %w", err)
	}
	return url, nil
}

// ImagesHTTP exposes image uploads and downloads.
type ImagesHTTP struct{ Images *Images }

// Routes returns the image operations.
func (h ImagesHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/uploads/images", NoIdempotencyKey: true, Tag: "posts", Action: policy.SignedIn, Handler: h.upload, Request: ImageUploadRequest{},
			Summary:   "Ask where to upload an image for a post or comment (PNG, JPEG, WebP or GIF, at most 5 MB): a presigned PUT URL valid 5 minutes, and the address to write in the Markdown.",
			Responses: httpx.Answers(200, "Where to upload", ImageUpload{}, map[int]string{400: "Not an accepted image type", 413: "Larger than 5 MB"})},
		{Method: "GET", Pattern: "/api/images/{member}/{file}", Tag: "posts", Action: policy.Visitors, Handler: h.get,
			Summary:   "An uploaded image: a redirect to a short-lived download URL (image names are unguessable).",
			Responses: httpx.Answers(302, "Redirect", nil, map[int]string{404: "No such image"})},
	}
}

func (h ImagesHTTP) upload(w http.ResponseWriter, r *http.Request) {
	var req ImageUploadRequest
	if httpx.Decoded(w, r, &req) {
		up, err := h.Images.StartUpload(r.Context(), auth.Caller(r).MemberID, req)
		httpx.Reply(w, r, http.StatusOK, up, err)
	}
}

func (h ImagesHTTP) get(w http.ResponseWriter, r *http.Request) {
	url, err := h.Images.URL(r.Context(), r.PathValue("member"), r.PathValue("file"))
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// The signed URL lives 5 minutes; the browser may keep the redirect a little less.
	w.Header().Set("Cache-Control", "private, max-age=240")
	http.Redirect(w, r, url, http.StatusFound)
}
