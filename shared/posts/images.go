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
	"tribune/shared/content"
	"tribune/shared/errs"
	"tribune/shared/httpx"
	"tribune/shared/policy"
)

// Image limits.
const (
	MaxImageBytes = 5 << 20
	// MaxImages bounds the uploaded images one text may show.
	MaxImages = 10
	// MaxImageTexts bounds the texts that may show one uploaded image at once, so that
	// a load reads a bounded number of texts (a text over the bound is asked to upload
	// the image again).
	MaxImageTexts = 20
	// imageUploadTTL is how long a signed upload stays usable.
	imageUploadTTL = 5 * time.Minute
	// UnusedImageTTL is how long an upload waits for a text to show it: past that, no
	// text may take it, nobody loads it, and the sweeper deletes its file.
	UnusedImageTTL = 24 * time.Hour
	// ImageURLTTL is how long a signed download of an image lives, whoever asks: once a
	// reader loses the last text that let them see an image (deleted, hidden, edited,
	// moved, or their access gone), they stop getting it within this bound.
	ImageURLTTL = time.Minute
	// ImageRedirectAge is how long a browser may keep the redirect to an image every
	// visitor may see (less than ImageURLTTL: a kept redirect never points at a dead
	// URL); any other image's redirect is never kept.
	ImageRedirectAge = 30 * time.Second
)

// ImageTypes are the accepted image types and their file extensions.
var ImageTypes = map[string]string{"image/png": ".png", "image/jpeg": ".jpg", "image/webp": ".webp", "image/gif": ".gif"}

// Uploaded images in Markdown. An image is uploaded for a space and shown by its
// address, /api/images/<space>/<member>/<file> (its key images/<space>/<member>/<file>);
// images uploaded before spaces owned them keep /api/images/<member>/<file>. Each text
// shows an image by exactly that spelling (ShownImages): any other address that leads
// under /api/images/ is refused, so that what a text shows is what the index records.
// Who may load an image follows the texts that show it now (Images.URL).
var (
	imageAddress       = regexp.MustCompile(`^/api/images/(s_[A-Za-z0-9_]{1,40})/(m_[A-Za-z0-9_]{1,40})/([a-z0-9]{26}\.(?:png|jpg|webp|gif))$`)
	legacyImageAddress = regexp.MustCompile(`^/api/images/(m_[A-Za-z0-9_]{1,40})/([a-z0-9]{26}\.(?:png|jpg|webp|gif))$`)
	// legacyImageRef finds images of before in stored texts, for the migration of round
	// 3 (2026-12-images-in-their-space), which keeps reading texts as it did then.
	legacyImageRef = regexp.MustCompile(`/api/images/(m_[A-Za-z0-9_]{1,40})/([a-z0-9]{26}\.(?:png|jpg|webp|gif))`)
)

// imagesPrefix is the path every image address starts with.
const imagesPrefix = "/api/images/"

// Errors of images.
var (
	ErrImageType    = errs.InvalidField("contentType", "image_type", "An image is a PNG, JPEG, WebP or GIF.")
	ErrImageSize    = errs.New(errs.TooLarge, "image_too_large", "An image is at most 5 MB.")
	ErrImageEmpty   = errs.InvalidField("size", "image_empty", "Give the image's size in bytes.")
	ErrImage        = errs.InvalidField("body", "invalid_image", "An image in the text was not uploaded, was not shown within a day of its upload, or is not an accepted image: upload it again.")
	ErrImageSpace   = errs.InvalidField("body", "image_other_space", "An uploaded image can be shown only in the space it was uploaded for: upload it again here.")
	ErrImageAddress = errs.InvalidField("body", "invalid_image_address", "Show an uploaded image by the address its upload gave, exactly as given.")
	ErrImageTexts   = errs.InvalidField("body", "image_shown_too_often", "This image is shown by 20 texts already: upload it again.")
	ErrTooMany      = errs.InvalidField("body", "too_many_images", "A text shows at most 10 uploaded images.")
	ErrNoImage      = errs.New(errs.NotFound, "image_not_found", "There is no such image.")
)

// ImageID names an uploaded image: the space it was uploaded for ("" for an image of
// before spaces owned them), its uploader and its file.
type ImageID struct{ SpaceID, MemberID, File string }

// Address is how a text shows the image.
func (id ImageID) Address() string {
	if id.SpaceID == "" {
		return imagesPrefix + id.MemberID + "/" + id.File
	}
	return imagesPrefix + id.SpaceID + "/" + id.MemberID + "/" + id.File
}

// Key is the image's file in the bucket.
func (id ImageID) Key() string { return "images/" + strings.TrimPrefix(id.Address(), imagesPrefix) }

// ShownImages parses the uploaded images a Markdown text shows (each once, in order),
// from the images its rendered page holds (content.ImageSources): an image whose
// address is one of ours in any other spelling than the canonical one ("./", "//",
// percent-escapes, case, a host...) is refused with ErrImageAddress, as the browser
// would load it from /api/images/ all the same.
func ShownImages(text string) ([]ImageID, error) {
	for _, src := range content.ImageSources(text) {
		if !imageAddress.MatchString(src) && !legacyImageAddress.MatchString(src) && content.PointsUnder(src, imagesPrefix) {
			return nil, ErrImageAddress
		}
	}
	return ImagesIn(text), nil
}

// ImagesIn is ShownImages without the refusal: the uploaded images a text shows by
// their one address, whatever else it holds (texts written before the rule, which the
// index records as they are: another spelling is no image of ours to anyone).
func ImagesIn(text string) []ImageID {
	var out []ImageID
	for _, src := range content.ImageSources(text) {
		var id ImageID
		if m := imageAddress.FindStringSubmatch(src); m != nil {
			id = ImageID{SpaceID: m[1], MemberID: m[2], File: m[3]}
		} else if m := legacyImageAddress.FindStringSubmatch(src); m != nil {
			id = ImageID{MemberID: m[1], File: m[2]}
		} else {
			continue
		}
		if !slices.Contains(out, id) {
			out = append(out, id)
		}
	}
	return out
}

// ImageChanges are the images a text shows that the text it replaces did not (Added),
// and those it no longer shows (Removed).
func ImageChanges(before, after string) (added, removed []ImageID) {
	old, now := ImagesIn(before), ImagesIn(after)
	for _, id := range now {
		if !slices.Contains(old, id) {
			added = append(added, id)
		}
	}
	for _, id := range old {
		if !slices.Contains(now, id) {
			removed = append(removed, id)
		}
	}
	return added, removed
}

// Image is what Tribune keeps of an uploaded image: who uploaded it, and which texts
// show it now (docs/data-model.md, patterns 110-114).
type Image struct {
	ID         ImageID
	UploaderID string
	UploadedAt time.Time
	// UnusedUntil: no text showed it yet; it expires then (UnusedImageTTL).
	UnusedUntil *time.Time
	// ShownIn names the texts that show it now (at most MaxImageTexts), in the store's
	// words; ShownAt is when a text first showed it.
	ShownIn []string
	ShownAt *time.Time
}

// Usable reports whether a text may show the image: it was shown once, or it waits
// for its first text and has not expired.
func (img Image) Usable(now time.Time) bool {
	return img.ShownAt != nil || (img.UnusedUntil != nil && now.Before(*img.UnusedUntil))
}

// TicketText is a ticket's description, or one of its replies, showing an image.
type TicketText struct {
	SpaceID string
	Body    string
	// Internal: an internal note (support agents only).
	Internal bool
}

// ImageText is one text that shows an image, as it is now: a post (Comment nil), a
// comment of Post, or a ticket's text.
type ImageText struct {
	Post    *Post
	Comment *Comment
	Ticket  *TicketText
}

// ImageStore is what images need from storage. A text's images are recorded by the
// transaction that writes the text (ShownIn follows every create, edit and delete);
// the store reads them from the texts it writes (ImageChanges).
type ImageStore interface {
	// SaveImageUpload records a new upload (its uploader, UnusedUntil).
	SaveImageUpload(ctx context.Context, img Image) error
	// Image reads one image's record (errs.ErrNotFound: none).
	Image(ctx context.Context, id ImageID) (Image, error)
	// Images reads the records of several (those absent are left out).
	Images(ctx context.Context, ids []ImageID) (map[ImageID]Image, error)
	// ImageTexts reads the texts an image's record names, as they are now (texts gone
	// are left out).
	ImageTexts(ctx context.Context, shownIn []string) ([]ImageText, error)
	// UnusedImages lists at most limit uploads no text showed before they expired, by
	// before; DeleteUnusedImage deletes one's record unless a text showed it meanwhile
	// (false then).
	UnusedImages(ctx context.Context, before time.Time, limit int) ([]Image, error)
	DeleteUnusedImage(ctx context.Context, id ImageID) (bool, error)
}

// ImageFiles is where uploaded images live (S3; locally an in-process S3 server).
type ImageFiles interface {
	PresignPut(ctx context.Context, key, contentType string, size int64, ttl time.Duration) (string, error)
	PresignGet(ctx context.Context, key string, ttl time.Duration) (string, error)
	// Head returns an object's size and type, errs.ErrNotFound if absent.
	Head(ctx context.Context, key string) (int64, string, error)
	Delete(ctx context.Context, key string) error
}

// TicketReaders answers whether someone may read a ticket's text now (package tickets,
// through the app): the ticket's space as they see it, and internal notes for agents.
type TicketReaders interface {
	MayReadTicketText(ctx context.Context, actor auth.Principal, spaceID string, internal bool) (bool, error)
}

// Images are pictures members upload for their posts, comments and tickets. An image
// is loaded only by someone who may read, now, a live text that shows it, or by its
// uploader; an upload no text shows is its uploader's alone, for a day (docs/decisions.md,
// "Issue 9, round 4").
type Images struct {
	Files  ImageFiles
	Store  ImageStore
	Spaces Spaces
	// Tickets decides who reads ticket texts (nil: nobody loads an image through one).
	Tickets TicketReaders
	Now     func() time.Time
}

// ImageUploadRequest asks where to upload an image for a text of a space.
type ImageUploadRequest struct {
	// SpaceID is the space whose post, comment or ticket will show the image: only
	// that space's texts may show it.
	SpaceID     string `json:"spaceId" format:"id"`
	ContentType string `json:"contentType"`
	Size        int64  `json:"size"`
}

// ImageUpload is where the browser PUTs the image (with this Content-Type), and the
// address the Markdown then shows it by; a text must show it by UnusedUntil.
type ImageUpload struct {
	UploadURL   string    `json:"uploadUrl"`
	ContentType string    `json:"contentType"`
	URL         string    `json:"url"`
	ExpiresAt   time.Time `json:"expiresAt"`
	UnusedUntil time.Time `json:"unusedUntil"`
}

// StartUpload checks type and size before anything is uploaded, and that the actor may
// write in the space the image is for (post there, or work its tickets), records the
// upload and signs it.
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
	if err == nil && !access.Post && !access.Tickets {
		err = access.Denied
	}
	if err != nil {
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", err)
	}
	now := i.Now().UTC()
	id := ImageID{SpaceID: req.SpaceID, MemberID: actor.MemberID, File: strings.ToLower(rand.Text()) + ext}
	until := now.Add(UnusedImageTTL)
	if err := i.Store.SaveImageUpload(ctx, Image{ID: id, UploaderID: actor.MemberID, UploadedAt: now, UnusedUntil: &until}); err != nil {
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", err)
	}
	url, err := i.Files.PresignPut(ctx, id.Key(), req.ContentType, req.Size, imageUploadTTL)
	if err != nil {
		return ImageUpload{}, fmt.Errorf("posts.StartUpload: %w", err)
	}
	return ImageUpload{UploadURL: url, ContentType: req.ContentType, URL: id.Address(), ExpiresAt: now.Add(imageUploadTTL), UnusedUntil: until}, nil
}

// Check verifies the uploaded images a text of space spaceID shows, before the text is
// written (the store then records them in the text's transaction): each address in its
// one spelling (ErrImageAddress), at most MaxImages; each image it newly shows uploaded
// for that space (ErrImageSpace), recorded, not expired unused, shown by fewer than
// MaxImageTexts texts (ErrImage, ErrImageTexts), and there, of an accepted type and
// size (S3 enforces the signed size; this also covers stores that do not). An edit
// keeps what the text it replaces (before) showed, although it may be of another space:
// a moved post keeps its images, which then show to its readers.
func (i *Images) Check(ctx context.Context, spaceID, text, before string) error {
	shown, err := ShownImages(text)
	if err != nil {
		return err
	}
	if len(shown) > MaxImages {
		return ErrTooMany
	}
	added, _ := ImageChanges(before, text)
	for _, id := range added {
		// Images from before spaces owned them stay only where they already were.
		if id.SpaceID != spaceID {
			return ErrImageSpace
		}
	}
	if len(added) == 0 {
		return nil
	}
	records, err := i.Store.Images(ctx, added)
	if err != nil {
		return err
	}
	now := i.Now()
	for _, id := range added {
		img, ok := records[id]
		switch {
		case !ok || !img.Usable(now):
			return ErrImage
		case len(img.ShownIn) >= MaxImageTexts:
			return ErrImageTexts
		}
		size, contentType, err := i.Files.Head(ctx, id.Key())
		if errors.Is(err, errs.ErrNotFound) {
			return ErrImage
		}
		if err != nil {
			return err
		}
		if _, ok := ImageTypes[contentType]; !ok || size > MaxImageBytes {
			return ErrImage
		}
	}
	return nil
}

// ImageDownload is a signed download of an image, for one caller.
type ImageDownload struct {
	URL string
	// Everyone: a text every visitor may read shows the image; its redirect may be kept
	// a little while (ImageRedirectAge).
	Everyone bool
}

// URL signs a short download of an uploaded image for a caller who may load it now
// (ErrNoImage for anyone else, as for an image that is not there): someone who may read
// a live text that shows it (a post or comment not deleted, not hidden unless they
// moderate it or wrote it, in a space they may read; a ticket's description or public
// reply they may read; an internal note for agents), or its uploader while it is usable.
func (i *Images) URL(ctx context.Context, actor auth.Principal, spaceID, memberID, file string) (ImageDownload, error) {
	id := ImageID{SpaceID: spaceID, MemberID: memberID, File: file}
	if !imageAddress.MatchString(id.Address()) {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", ErrNoImage)
	}
	return i.download(ctx, actor, id)
}

// LegacyURL is URL for an image uploaded before images belonged to a space
// (/api/images/<member>/<file>).
func (i *Images) LegacyURL(ctx context.Context, actor auth.Principal, memberID, file string) (ImageDownload, error) {
	id := ImageID{MemberID: memberID, File: file}
	if !legacyImageAddress.MatchString(id.Address()) {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", ErrNoImage)
	}
	return i.download(ctx, actor, id)
}

func (i *Images) download(ctx context.Context, actor auth.Principal, id ImageID) (ImageDownload, error) {
	img, err := i.Store.Image(ctx, id)
	if errors.Is(err, errs.ErrNotFound) {
		err = ErrNoImage
	}
	if err != nil {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", err)
	}
	var d ImageDownload
	granted := actor.MemberID != "" && actor.MemberID == img.UploaderID && img.Usable(i.Now())
	if !granted {
		if granted, d.Everyone, err = i.shownTo(ctx, actor, img); err != nil {
			return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", err)
		}
	}
	if !granted {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", ErrNoImage)
	}
	if d.URL, err = i.Files.PresignGet(ctx, id.Key(), ImageURLTTL); err != nil {
		return ImageDownload{}, fmt.Errorf("posts.ImageURL: %w", err)
	}
	return d, nil
}

// shownTo reports whether a live text that shows img is readable by actor now, and
// whether every visitor may read it. A text counts only if it still holds the image's
// address (a record left behind by two edits at once grants nothing).
func (i *Images) shownTo(ctx context.Context, actor auth.Principal, img Image) (bool, bool, error) {
	if len(img.ShownIn) == 0 {
		return false, false, nil
	}
	texts, err := i.Store.ImageTexts(ctx, img.ShownIn)
	if err != nil {
		return false, false, err
	}
	address := img.ID.Address()
	spaces := map[string]*SpaceAccess{}
	accessTo := func(spaceID string) (SpaceAccess, error) {
		if a, ok := spaces[spaceID]; ok {
			return *a, nil
		}
		a, err := i.Spaces.Access(ctx, actor, spaceID)
		if e, ok := errs.As(err); ok && (e.Kind == errs.NotFound || e.Kind == errs.Forbidden) {
			a, err = SpaceAccess{}, nil
		}
		if err != nil {
			return SpaceAccess{}, err
		}
		spaces[spaceID] = &a
		return a, nil
	}
	for _, t := range texts {
		switch {
		case t.Ticket != nil:
			if i.Tickets == nil || !strings.Contains(t.Ticket.Body, address) {
				continue
			}
			ok, err := i.Tickets.MayReadTicketText(ctx, actor, t.Ticket.SpaceID, t.Ticket.Internal)
			if err != nil {
				return false, false, err
			}
			if ok {
				return true, false, nil
			}
		case t.Post != nil && !t.Post.Deleted:
			access, err := accessTo(t.Post.SpaceID)
			if err != nil {
				return false, false, err
			}
			if !Readable(*t.Post, actor.MemberID, access) {
				continue
			}
			if c := t.Comment; c != nil {
				if !c.Deleted && commentShown(*c, actor.MemberID, access) && strings.Contains(c.Body, address) {
					return true, access.Public && !t.Post.Hidden && !c.Hidden, nil
				}
				continue
			}
			if strings.Contains(t.Post.Body, address) {
				return true, access.Public && !t.Post.Hidden, nil
			}
		}
	}
	return false, false, nil
}

// SweepUnused deletes the uploads no text showed within UnusedImageTTL, file and
// record (the scheduled sweep; at most limit a run, the next run takes the rest). It
// deletes the file first: an expired upload can no longer be taken by a text, so a
// record left by a cut run is deleted, with its (already deleted) file, by the next.
func (i *Images) SweepUnused(ctx context.Context, limit int) (int, error) {
	// A minute's margin: no clock in between calls an upload both taken and expired.
	list, err := i.Store.UnusedImages(ctx, i.Now().Add(-time.Minute), limit)
	if err != nil {
		return 0, fmt.Errorf("posts.SweepUnused: %w", err)
	}
	n := 0
	for _, img := range list {
		if err := i.Files.Delete(ctx, img.ID.Key()); err != nil && !errors.Is(err, errs.ErrNotFound) {
			return n, fmt.Errorf("posts.SweepUnused %s: %w", img.ID.Key(), err)
		}
		deleted, err := i.Store.DeleteUnusedImage(ctx, img.ID)
		if err != nil {
			return n, fmt.Errorf("posts.SweepUnused %s: %w", img.ID.Key(), err)
		}
		if deleted {
			n++
		}
	}
	return n, nil
}

// ImagesHTTP exposes image uploads and downloads.
type ImagesHTTP struct{ Images *Images }

// Routes returns the image operations.
func (h ImagesHTTP) Routes() []httpx.Route {
	return []httpx.Route{
		{Method: "POST", Pattern: "/api/uploads/images", NoIdempotencyKey: true, Tag: "posts", Action: policy.SignedIn, Handler: h.upload, Request: ImageUploadRequest{},
			Summary: "Ask where to upload an image for a post, comment or ticket of a space the caller may write in (PNG, JPEG, WebP or GIF, at most 5 MB): " +
				"a presigned PUT URL valid 5 minutes, and the address to write in the Markdown. Only that space's texts may show it, within a day; " +
				"whoever may read a text that shows it sees it, and its uploader.",
			Responses: httpx.Answers(200, "Where to upload", ImageUpload{}, map[int]string{400: "Not an accepted image type", 403: "Not a member of the space",
				404: "No such space", 413: "Larger than 5 MB"})},
		// The image's record and its space's access are read with the session (one round trip).
		{Method: "GET", Pattern: "/api/images/{id}/{member}/{file}", Tag: "posts", Action: policy.Visitors, Handler: h.get, Prefetch: httpx.PrefetchImage,
			Summary: "An uploaded image (of the space {id}), for whoever may read now a live text that shows it, and its uploader: a redirect to a download URL " +
				"valid 1 minute, kept 30 seconds when every visitor may read that text, else never.",
			Responses: httpx.Answers(302, "Redirect", nil, map[int]string{404: "No such image, or not readable by the caller"})},
		{Method: "GET", Pattern: "/api/images/{member}/{file}", Tag: "posts", Action: policy.Visitors, Handler: h.getLegacy,
			Prefetch:  httpx.PrefetchImage,
			Summary:   "An image uploaded before images belonged to a space: served as above.",
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
	// A redirect every visitor may follow may be kept less long than its URL lives; any
	// other is asked again each time, so access lost ends at once for new loads.
	w.Header().Set("Cache-Control", "private, no-store")
	if d.Everyone {
		w.Header().Set("Cache-Control", fmt.Sprintf("private, max-age=%d", int(ImageRedirectAge/time.Second)))
	}
	http.Redirect(w, r, d.URL, http.StatusFound)
}

// LegacyImage is an image a text shows by its address of before images belonged to a
// space (/api/images/<member>/<file>).
type LegacyImage struct{ MemberID, File string }

// LegacyImagesIn lists the images of before that a text names, for the migration of
// round 3 that gave each a space (kept as it ran then).
func LegacyImagesIn(text string) []LegacyImage {
	var out []LegacyImage
	for _, ref := range legacyImageRef.FindAllStringSubmatch(text, -1) {
		out = append(out, LegacyImage{MemberID: ref[1], File: ref[2]})
	}
	return out
}
