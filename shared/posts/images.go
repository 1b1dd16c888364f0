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
	MaxImages = 10
	// imageUploadTTL is how long a signed upload stays usable.
	imageUploadTTL = 5 * time.Minute
	// ImageURLTTL is how long a signed download of an image of a public space lives;
	// PrivateImageURLTTL of any other space's: whoever loses access to the space stops
	// getting its images within a minute, and browsers keep no copy of the redirect.
	ImageURLTTL        = 5 * time.Minute
	PrivateImageURLTTL = time.Minute
)

// ImageTypes are the accepted image types and their file extensions.
var ImageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}

// Uploaded images in Markdown. An image belongs to the space it was uploaded for:
// /api/images/<space>/<member>/<file> (its key images/<space>/<member>/<file>), readable
// by whoever may read that space. Images uploaded before spaces owned them,
// /api/images/<member>/<file>, were given the space of the texts that showed them by
// the data migration 2026-12-images-in-their-space (LegacyImages).
var (
	imageRef       = regexp.MustCompile(`/api/images/(s_[A-Za-z0-9_]{1,40})/(m_[A-Za-z0-9_]{1,40})/([a-z0-9]{26}\.(?:png|jpg|webp|gif))`)
	legacyImageRef = regexp.MustCompile(`/api/images/(m_[A-Za-z0-9_]{1,40})/([a-z0-9]{26}\.(?:png|jpg|webp|gif))`)
)

// Errors of images.
var (
	ErrImageType  = errs.InvalidField("contentType", "image_type", "An image is a PNG, JPEG, WebP or GIF.")
	ErrImageSize  = errs.New(errs.TooLarge, "image_too_large", "An image is at most 5 MB.")
	ErrImageEmpty = errs.InvalidField("size", "image_empty", "Give the image's size in bytes.")
	ErrImage      = errs.InvalidField("body", "invalid_image", "An image in the text was not uploaded, or is not an accepted image.")
	ErrImageSpace = errs.InvalidField("body", "image_other_space", "An uploaded image can be shown only in the space it was uploaded for: upload it again here.")
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

// LegacyImages says which space an image uploaded before images belonged to a space
// was given by the migration (errs.ErrNotFound: none, the image is served to nobody).
type LegacyImages interface {
	LegacyImageSpace(ctx context.Context, memberID, file string) (string, error)
}

// Images are pictures members upload for their posts and comments. Each belongs to the
// space it was uploaded for and is served only to whoever may read that space, now
// (docs/decisions.md, "Uploaded images belong to their space").
type Images struct {
	Files  ImageFiles
	Spaces Spaces
	// Legacy finds the space of images uploaded before (nil: they are served to nobody).
	Legacy LegacyImages
	Now    func() time.Time
}

// ImageUploadRequest asks where to upload an image for a post or comment of a space.
type ImageUploadRequest struct {
	// SpaceID is the space whose post or comment will show the image: only its
	// readers will see it, and only its texts may show it.
	SpaceID     string `json:"spaceId" format:"id"`
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

func imageKey(spaceID, memberID, file string) string {
	return "images/" + spaceID + "/" + memberID + "/" + file
}

func legacyImageKey(memberID, file string) string { return "images/" + memberID + "/" + file }

// StartUpload checks type and size before anything is uploaded, and that the actor may
// write in the space the image is for, and signs the upload.
func (i *Images) StartUpload(ctx context.Context, actor auth.Principal, req ImageUploadRequest) (ImageUpload, error) {
	ext, ok := ImageTypes[req.ContentType]
	switch {
	case !ok:
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", ErrImageType)
	case req.Size < 1:
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", ErrImageEmpty)
	case req.Size > MaxImageBytes:
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", ErrImageSize)
	}
	access, err := i.Spaces.Access(ctx, actor, req.SpaceID)
	if err == nil && !access.Post {
		err = access.Denied
	}
	if err != nil {
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", err)
	}
	file := strings.ToLower(rand.Text()) + ext
	url, err := i.Files.PresignPut(ctx, imageKey(req.SpaceID, actor.MemberID, file), req.ContentType, req.Size, imageUploadTTL)
	if err != nil {
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", err)
	}
	return ImageUpload{UploadURL: url, ContentType: req.ContentType, URL: "/api/images/" + req.SpaceID + "/" + actor.MemberID + "/" + file,
		ExpiresAt: i.Now().Add(imageUploadTTL).UTC()}, nil
}

// Check verifies every uploaded image a text of space spaceID shows: uploaded for that
// space (ErrImageSpace otherwise), there, of an accepted type and not too large (S3
// enforces the signed size; this also covers stores that do not). An edit keeps the
// images the text showed before (before: the text it replaces) although they belong to
// another space: a moved post keeps showing them to the readers of the space they were
// uploaded for, and to nobody else.
func (i *Images) Check(ctx context.Context, spaceID, text, before string) error {
	refs := imageRef.FindAllStringSubmatch(text, -1)
	legacy := legacyImageRef.FindAllStringSubmatch(text, -1)
	if len(refs)+len(legacy) > MaxImages {
		return ErrTooMany
	}
	for _, ref := range legacy {
		// Images from before spaces owned them stay only where they already were.
		if !strings.Contains(before, ref[0]) {
			return ErrImageSpace
		}
	}
	for _, ref := range refs {
		if ref[1] != spaceID && !strings.Contains(before, ref[0]) {
			return ErrImageSpace
		}
		size, contentType, err := i.Files.Head(ctx, imageKey(ref[1], ref[2], ref[3]))
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

// ImageDownload is a signed download of an image, for one caller.
type ImageDownload struct {
	URL string
	// Public: the image's space is public; a redirect to it may be kept a little while.
	Public bool
}

// URL signs a short download of an uploaded image of a space, for a caller who may
// read that space now (ErrNoImage for anyone else, as for an image that is not there).
func (i *Images) URL(ctx context.Context, actor auth.Principal, spaceID, memberID, file string) (ImageDownload, error) {
	path := "/api/images/" + spaceID + "/" + memberID + "/" + file
	if ref := imageRef.FindStringSubmatch(path); ref == nil || ref[0] != path {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", ErrNoImage)
	}
	return i.download(ctx, actor, spaceID, imageKey(spaceID, memberID, file))
}

// LegacyURL signs a download of an image uploaded before images belonged to a space
// (/api/images/<member>/<file>), for a caller who may read the space the migration gave
// it.
func (i *Images) LegacyURL(ctx context.Context, actor auth.Principal, memberID, file string) (ImageDownload, error) {
	path := "/api/images/" + memberID + "/" + file
	if ref := legacyImageRef.FindStringSubmatch(path); ref == nil || ref[0] != path || i.Legacy == nil {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", ErrNoImage)
	}
	spaceID, err := i.Legacy.LegacyImageSpace(ctx, memberID, file)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoImage
	}
	if err != nil {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", err)
	}
	return i.download(ctx, actor, spaceID, legacyImageKey(memberID, file))
}

func (i *Images) download(ctx context.Context, actor auth.Principal, spaceID, key string) (ImageDownload, error) {
	access, err := i.Spaces.Access(ctx, actor, spaceID)
	if err == nil && !access.Read {
		err = ErrNoImage
	}
	if e, ok := errs.As(err); ok && (e.Kind == errs.NotFound || e.Kind == errs.Forbidden) {
		// Whoever may not read the space learns nothing, not even that it exists.
		err = ErrNoImage
	}
	if err != nil {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", err)
	}
	ttl := PrivateImageURLTTL
	if access.Public {
		ttl = ImageURLTTL
	}
	url, err := i.Files.PresignGet(ctx, key, ttl)
	if err != nil {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", err)
	}
	return ImageDownload{URL: url, Public: access.Public}, nil
}

// ImagesHTTP exposes image uploads and downloads.
type ImagesHTTP struct{ Images *Images }

// Routes returns the image operations.
func (h ImagesHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/uploads/images", NoIdempotencyKey: true, Tag: "posts", Action: policy.SignedIn, Handler: h.upload, Request: ImageUploadRequest{},
			Summary: "Ask where to upload an image for a post or comment of a space the caller may write in (PNG, JPEG, WebP or GIF, at most 5 MB): " +
				"a presigned PUT URL valid 5 minutes, and the address to write in the Markdown. Only that space's texts may show it, and only its readers see it.",
			Responses: httpx.Answers(200, "Where to upload", ImageUpload{}, map[int]string{400: "Not an accepted image type", 403: "Not a member of the space",
				404: "No such space", 413: "Larger than 5 MB"})},
		// {id} is the image's space: its access is read with the session (one round trip).
		{Method: "GET", Pattern: "/api/images/{id}/{member}/{file}", Tag: "posts", Action: policy.Visitors, Handler: h.get, Prefetch: httpx.PrefetchSpace,
			Summary: "An uploaded image of the space {id}, for whoever may read that space now: a redirect to a download URL valid 5 minutes (public spaces) " +
				"or 1 minute and never kept (other spaces).",
			Responses: httpx.Answers(302, "Redirect", nil, map[int]string{404: "No such image, or not readable by the caller"})},
		{Method: "GET", Pattern: "/api/images/{member}/{file}", Tag: "posts", Action: policy.Visitors, Handler: h.getLegacy,
			Summary:   "An image uploaded before images belonged to a space: served as above, for whoever may read the space of the texts that showed it.",
			Responses: httpx.Answers(302, "Redirect", nil, map[int]string{404: "No such image, or not readable by the caller"})},
	}
}

func (h ImagesHTTP) upload(w http.ResponseWriter, r *http.Request) {
	var req ImageUploadRequest
	if httpx.Decoded(w, r, &req) {
		up, err := h.Images.StartUpload(r.Context(), auth.Caller(r), req)
		httpx.Reply(w, r, http.StatusOK, up, err)
	}
}

func (h ImagesHTTP) get(w http.ResponseWriter, r *http.Request) {
	d, err := h.Images.URL(r.Context(), auth.Caller(r), r.PathValue("id"), r.PathValue("member"), r.PathValue("file"))
	redirect(w, r, d, err)
}

func (h ImagesHTTP) getLegacy(w http.ResponseWriter, r *http.Request) {
	d, err := h.Images.LegacyURL(r.Context(), auth.Caller(r), r.PathValue("member"), r.PathValue("file"))
	redirect(w, r, d, err)
}

func redirect(w http.ResponseWriter, r *http.Request, d ImageDownload, err error) {
	if err != nil {
		httpx.WriteError(w, r, err)
		return
	}
	// A public space's redirect may be kept a little less than its URL lives; any other
	// space's is asked again each time, so access lost ends at once for new loads.
	w.Header().Set("Cache-Control", "private, max-age=240")
	if !d.Public {
		w.Header().Set("Cache-Control", "private, no-store")
	}
	http.Redirect(w, r, d.URL, http.StatusFound)
}

// LegacyImage is an image a text shows by its address of before images belonged to a
// space (/api/images/<member>/<file>).
type LegacyImage struct{ MemberID, File string }

// LegacyImagesIn lists the images of before that a text shows, for the migration that
// gives each a space.
func LegacyImagesIn(text string) []LegacyImage {
	var out []LegacyImage
	for _, ref := range legacyImageRef.FindAllStringSubmatch(text, -1) {
		out = append(out, LegacyImage{MemberID: ref[1], File: ref[2]})
	}
	return out
}
